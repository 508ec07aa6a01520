/**
 * The client's view of a cluster: bootstrap, metadata, one connection per broker, leader lookup.
 *
 * Metadata answers name every broker (node id → host:port) and each partition's leader; requests for
 * a partition go to its leader's connection. A retriable error (leader moved, topic still being
 * created, connection lost) refreshes metadata and tries again with a short backoff, as Kafka's
 * clients do (retry.backoff.ms).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata } from '../protocol/messages/index.js';
import { Connection } from './connection.js';
import { ConnectionError, isRetriable } from './errors.js';
import type { ClientSecurity } from './security.js';

export interface ClusterClientOptions {
  /** Bootstrap servers: `host:port` strings, or one comma-separated string. */
  readonly brokers: string | readonly string[];
  readonly clientId?: string;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Attempts after the first for retriable errors; default 5. */
  readonly retries?: number;
  /** Pause before a retry; default 100 ms, doubling up to 1 s. */
  readonly retryBackoffMs?: number;
  /** TLS and SASL for every connection (default PLAINTEXT). */
  readonly security?: ClientSecurity;
}

export interface BrokerNode {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface PartitionMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  /** -1 when there is no leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
}

export interface TopicMetadata {
  readonly name: string;
  /** Kafka's textual form of a Uuid: url-safe base64 without padding (`Uuid.toString()`). */
  readonly topicId: string;
  readonly errorCode: number;
  readonly isInternal: boolean;
  /** Sorted by partition. */
  readonly partitions: readonly PartitionMetadata[];
}

export interface ClusterMetadata {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly BrokerNode[];
  readonly topics: readonly TopicMetadata[];
}

export interface MetadataOptions {
  /** Ask the broker to create missing topics (it decides, by auto.create.topics.enable); default false. */
  readonly allowAutoTopicCreation?: boolean;
}

export const DEFAULT_PORT = 9092;

export class ClusterClient {
  readonly clientId: string;
  private readonly bootstrap: readonly { host: string; port: number }[];
  private readonly options: ClusterClientOptions;
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly brokers = new Map<number, BrokerNode>();
  private readonly topics = new Map<string, TopicMetadata>();
  private controllerId = -1;
  private closed = false;

  constructor(options: ClusterClientOptions) {
    this.options = options;
    this.clientId = options.clientId ?? 'samsa';
    this.bootstrap = parseBrokerList(options.brokers);
    if (this.bootstrap.length === 0) throw new ConnectionError('no bootstrap brokers given');
  }

  /**
   * Fetches metadata for `topics` (null: every topic) and refreshes the cached brokers and leaders.
   * Topics with an error code are returned as they came; callers decide what is fatal.
   */
  async metadata(topics: readonly string[] | null, options: MetadataOptions = {}): Promise<ClusterMetadata> {
    const connection = await this.anyConnection();
    const body = await connection.send(Metadata, {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: options.allowAutoTopicCreation ?? false,
      includeTopicAuthorizedOperations: false,
    });
    const brokers: BrokerNode[] = body.brokers.map((b: any) => ({
      nodeId: b.nodeId,
      host: b.host,
      port: b.port,
      rack: b.rack ?? null,
    }));
    this.brokers.clear();
    for (const b of brokers) this.brokers.set(b.nodeId, b);
    this.controllerId = body.controllerId;
    const result: TopicMetadata[] = body.topics.map((t: any) => {
      const name: string = t.name ?? '';
      const partitions: PartitionMetadata[] = t.partitions
        .map((p: any) => ({
          topic: name,
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas ?? [],
        }))
        .sort((a: PartitionMetadata, b: PartitionMetadata) => a.partition - b.partition);
      return {
        name,
        topicId: uuidToString(t.topicId),
        errorCode: t.errorCode,
        isInternal: t.isInternal,
        partitions,
      };
    });
    for (const t of result) {
      if (t.errorCode === 0) this.topics.set(t.name, t);
      else this.topics.delete(t.name);
    }
    return { clusterId: body.clusterId, controllerId: body.controllerId, brokers, topics: result };
  }

  /** A topic's metadata from the cache, fetched when absent or when `refresh` is set. */
  async topic(name: string, refresh = false, options: MetadataOptions = {}): Promise<TopicMetadata> {
    const cached = this.topics.get(name);
    if (cached && !refresh) return cached;
    const metadata = await this.metadata([name], options);
    return metadata.topics.find((t) => t.name === name) ?? missingTopic(name);
  }

  /** The node id leading a partition, from the cache (-1 when unknown or leaderless). */
  leaderOf(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions.find((p) => p.partition === partition)?.leader ?? -1;
  }

  /** Forgets what is known of a topic, so the next lookup asks the cluster. */
  invalidate(topic: string): void {
    this.topics.delete(topic);
  }

  /** The connection to a broker known from metadata. */
  async connectionTo(nodeId: number): Promise<Connection> {
    let node = this.brokers.get(nodeId);
    if (node === undefined) {
      await this.metadata([]);
      node = this.brokers.get(nodeId);
      if (node === undefined) throw new ConnectionError(`broker ${nodeId} is not in the cluster's metadata`);
    }
    return this.connect(node.host, node.port);
  }

  /** The controller's connection (admin requests that must go there), else any broker's. */
  async controllerConnection(): Promise<Connection> {
    if (this.controllerId < 0) await this.metadata([]);
    return this.controllerId >= 0 ? this.connectionTo(this.controllerId) : this.anyConnection();
  }

  /** An open connection to some broker: an existing one, else the first bootstrap server that answers. */
  async anyConnection(): Promise<Connection> {
    for (const pending of this.connections.values()) {
      const connection = await pending.catch(() => undefined);
      if (connection && !connection.isClosed) return connection;
    }
    let lastError: unknown;
    for (const { host, port } of this.bootstrap) {
      try {
        return await this.connect(host, port);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  /**
   * Runs `attempt`, retrying retriable errors after a metadata refresh of `topics` (the error's
   * partitions may have moved) with exponential backoff.
   */
  async withRetries<T>(topics: readonly string[], attempt: () => Promise<T>): Promise<T> {
    const retries = this.options.retries ?? 5;
    let backoffMs = this.options.retryBackoffMs ?? 100;
    for (let tried = 0; ; tried++) {
      try {
        return await attempt();
      } catch (error) {
        if (tried >= retries || !isRetriable(error) || this.closed) throw error;
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1_000);
        for (const t of topics) this.invalidate(t);
        if (topics.length > 0) await this.metadata(topics).catch(() => undefined);
      }
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.connections.values()];
    this.connections.clear();
    for (const p of pending) {
      const connection = await p.catch(() => undefined);
      connection?.close();
    }
  }

  private connect(host: string, port: number): Promise<Connection> {
    if (this.closed) return Promise.reject(new ConnectionError('the client is closed'));
    const key = `${host}:${port}`;
    const existing = this.connections.get(key);
    if (existing) {
      // Reuse a live connection; replace a closed or failed one.
      return existing.then(
        (c) => (c.isClosed ? this.reconnect(key, host, port) : c),
        () => this.reconnect(key, host, port),
      );
    }
    return this.reconnect(key, host, port);
  }

  private reconnect(key: string, host: string, port: number): Promise<Connection> {
    const pending = Connection.connect({
      host,
      port,
      clientId: this.clientId,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
      security: this.options.security,
    });
    this.connections.set(key, pending);
    pending.catch(() => {
      if (this.connections.get(key) === pending) this.connections.delete(key);
    });
    return pending;
  }
}

/** `host:port` list (comma-separated strings allowed); the port defaults to 9092. IPv6 as `[::1]:9092`. */
export function parseBrokerList(brokers: string | readonly string[]): { host: string; port: number }[] {
  const items = (typeof brokers === 'string' ? [brokers] : brokers)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items.map((item) => {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
    if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : DEFAULT_PORT };
    const colon = item.lastIndexOf(':');
    if (colon < 0) return { host: item, port: DEFAULT_PORT };
    const port = Number(item.slice(colon + 1));
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ConnectionError(`bad broker address '${item}' (expected host:port)`);
    }
    return { host: item.slice(0, colon), port };
  });
}

/** Kafka's `Uuid.toString()`: the 16 bytes in url-safe base64, no padding. */
export function uuidToString(uuid: Buffer | undefined): string {
  if (!uuid) return '';
  return uuid.toString('base64url');
}

function missingTopic(name: string): TopicMetadata {
  return { name, topicId: '', errorCode: 3, isInternal: false, partitions: [] };
}
