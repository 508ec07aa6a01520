import { Admin } from '../../client/admin.js';
import { ClusterClient } from '../../client/cluster-client.js';
import { GroupAdmin } from '../../client/groups.js';
import { Producer } from '../../client/producer.js';
import { SamsaError } from '../../util/errors.js';
import { requestIdentity } from '../auth/request-context.js';
import { HttpError } from '../http-response.js';
import type { BrokerLogin, BrokerLoginFor } from './broker-login.js';

/** Distinct broker identities whose connections are kept; beyond it the least recent is closed. */
const MAX_POOLED_LOGINS = 32;
/** A user's connections idle this long are closed. */
const POOLED_IDLE_MS = 300_000;

interface Pooled {
  readonly cluster: ClusterClient;
  producer: Producer | undefined;
  lastUsed: number;
}

/**
 * The REST API's way into the cluster: Samsa's own Kafka client, over one of the broker's own
 * listeners, as Confluent's REST Proxy is a Kafka client. So every answer is the cluster's,
 * whichever broker serves the HTTP request, and the API needs nothing the Kafka protocol does not
 * offer. Each request uses the connections of the broker login its identity maps to (see
 * broker-login.ts): with Basic authentication over a SASL listener, the HTTP user's own.
 */
export class RestClient {
  private readonly pool = new Map<string, Pooled>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly loginFor: BrokerLoginFor) {
    this.sweeper = setInterval(() => this.closeIdle(), 30_000);
    this.sweeper.unref();
  }

  get cluster(): ClusterClient {
    return this.pooled().cluster;
  }

  /**
   * A client with connections of its own, for a consumer instance: a broker answers a connection's
   * requests in order, so one member's JoinGroup or long poll must not hold up another's heartbeat.
   */
  newCluster(clientId: string): ClusterClient {
    return this.clusterFor(this.loginFor(requestIdentity.getStore()), clientId);
  }

  get admin(): Admin {
    return new Admin(this.cluster);
  }

  get groups(): GroupAdmin {
    return new GroupAdmin(this.cluster);
  }

  /** One shared producer (acks=all) per login, as REST Proxy keeps one per format. */
  get producer(): Producer {
    const pooled = this.pooled();
    pooled.producer ??= new Producer(pooled.cluster, { acks: -1, lingerMs: 0 });
    return pooled.producer;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(all.map(closePooled));
  }

  private clusterFor(login: BrokerLogin, clientId: string): ClusterClient {
    return new ClusterClient({
      brokers: login.bootstrap,
      clientId,
      connectTimeoutMs: 5_000,
      security: login.security,
    });
  }

  private pooled(): Pooled {
    const login = this.loginFor(requestIdentity.getStore());
    let pooled = this.pool.get(login.key);
    if (pooled) {
      // Most recently used last, so the first entry is the one to evict.
      this.pool.delete(login.key);
    } else {
      pooled = { cluster: this.clusterFor(login, 'samsa-rest'), producer: undefined, lastUsed: 0 };
      if (this.pool.size >= MAX_POOLED_LOGINS) {
        const [oldestKey, oldest] = this.pool.entries().next().value!;
        this.pool.delete(oldestKey);
        void closePooled(oldest);
      }
    }
    pooled.lastUsed = Date.now();
    this.pool.set(login.key, pooled);
    return pooled;
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const [key, pooled] of this.pool) {
      if (now - pooled.lastUsed < POOLED_IDLE_MS) continue;
      this.pool.delete(key);
      void closePooled(pooled);
    }
  }
}

async function closePooled(pooled: Pooled): Promise<void> {
  await pooled.producer?.close().catch(() => undefined);
  await pooled.cluster.close().catch(() => undefined);
}

/** REST Proxy's error codes for Kafka errors an HTTP client can act on. */
const KAFKA_ERROR_STATUS: Record<string, [number, number]> = {
  UNKNOWN_TOPIC_OR_PARTITION: [404, 40403],
  UNKNOWN_TOPIC_ID: [404, 40403],
  GROUP_ID_NOT_FOUND: [404, 40403],
  TOPIC_ALREADY_EXISTS: [400, 40002],
  INVALID_TOPIC_EXCEPTION: [400, 40002],
  INVALID_PARTITIONS: [400, 40002],
  INVALID_REPLICATION_FACTOR: [400, 40002],
  INVALID_REPLICA_ASSIGNMENT: [400, 40002],
  INVALID_CONFIG: [400, 40002],
  POLICY_VIOLATION: [400, 40002],
  INVALID_REQUEST: [400, 40002],
  NON_EMPTY_GROUP: [400, 40002],
  RECORD_LIST_TOO_LARGE: [413, 41301],
  MESSAGE_TOO_LARGE: [413, 41301],
  TOPIC_AUTHORIZATION_FAILED: [403, 40301],
  GROUP_AUTHORIZATION_FAILED: [403, 40301],
  CLUSTER_AUTHORIZATION_FAILED: [403, 40301],
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: [403, 40301],
  SASL_AUTHENTICATION_FAILED: [401, 401],
  RESOURCE_NOT_FOUND: [404, 40403],
  SECURITY_DISABLED: [400, 40002],
  UNSUPPORTED_SASL_MECHANISM: [500, 50002],
};

/** A Kafka error as REST Proxy answers it: 4xx for what the caller can fix, else 500. */
export function httpErrorFor(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof SamsaError) {
    const [status, code] = KAFKA_ERROR_STATUS[error.kafkaError] ?? [500, 50002];
    return new HttpError(status, error.message, code);
  }
  return new HttpError(500, (error as Error).message ?? String(error), 50001);
}
