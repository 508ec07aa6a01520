import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '../client/connection.js';
import type { ClientSecurity } from '../client/security.js';
import { javaStringHashCode } from '../group/group-metadata-manager.js';
import { ErrorCode, errorNameOf } from '../protocol/errors.js';
import { Fetch, ListOffsets, OffsetForLeaderEpoch } from '../protocol/messages/index.js';
import { batchesIn, validBytes } from '../protocol/records/record-batch.js';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../storage/leader-epoch-cache.js';
import { groupByTopic } from '../util/group-by-topic.js';
import type { Logger } from '../util/logger.js';
import type { Partition } from './partition.js';
import type { BrokerEndpoint } from './partition-state.js';
import type { ReplicationConfig } from './replication-config.js';

/** A partition handed to a fetcher: follow `leader` at `leaderEpoch`. */
export interface FetcherPartition {
  readonly topic: string;
  readonly partition: number;
  readonly leaderEpoch: number;
  readonly leader: BrokerEndpoint;
}

/** Kafka's `PartitionFetchState`: truncating first, then fetching; delayed after an error. */
interface FetchState {
  readonly topic: string;
  readonly partition: number;
  readonly leaderEpoch: number;
  fetchOffset: bigint;
  phase: 'truncating' | 'fetching';
  delayedUntilMs: number;
}

interface FetcherOptions {
  readonly brokerId: number;
  readonly leader: BrokerEndpoint;
  readonly config: ReplicationConfig;
  readonly logger: Logger;
  readonly security?: ClientSecurity;
  /** The local follower replica, or undefined when it is no longer a follower. */
  readonly partitionOf: (topic: string, partition: number) => Partition | undefined;
}

const LIST_OFFSETS_EARLIEST = -2n;

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Kafka's `ReplicaFetcherThread` over `AbstractFetcherThread`: one loop per source broker that
 * fetches every partition this broker follows there, with its broker id as replica id, over
 * Samsa's own client connection. A partition first truncates by leader epoch (OffsetForLeaderEpoch
 * to the leader; to the high watermark when this replica has no epochs), then fetches from its
 * log end: batches are appended as the leader wrote them (offsets and epochs kept), and the
 * leader's high watermark is applied. OFFSET_OUT_OF_RANGE resets to the leader's log (truncating
 * or starting over at its log start); NOT_LEADER_OR_FOLLOWER / UNKNOWN_LEADER_EPOCH back off and
 * retry; FENCED_LEADER_EPOCH drops the partition until a new state arrives.
 */
export class ReplicaFetcher {
  private readonly states = new Map<string, FetchState>();
  private connection: Connection | undefined;
  private stopped = false;
  private wakeIdle: (() => void) | undefined;
  private readonly running: Promise<void>;

  constructor(private readonly options: FetcherOptions) {
    this.running = this.run();
  }

  get leader(): BrokerEndpoint {
    return this.options.leader;
  }

  get partitionCount(): number {
    return this.states.size;
  }

  /** Starts following a partition: truncation first. Replaces an older state of it. */
  addPartition(p: FetcherPartition): void {
    const replica = this.options.partitionOf(p.topic, p.partition);
    this.states.set(keyOf(p.topic, p.partition), {
      topic: p.topic,
      partition: p.partition,
      leaderEpoch: p.leaderEpoch,
      fetchOffset: replica?.log.logEndOffset ?? 0n,
      phase: 'truncating',
      delayedUntilMs: 0,
    });
    this.wakeIdle?.();
  }

  removePartition(topic: string, partition: number): void {
    this.states.delete(keyOf(topic, partition));
  }

  /** Stops the loop and closes the connection; resolves once the loop has ended. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.wakeIdle?.();
    this.connection?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const ready = [...this.states.values()].filter((s) => s.delayedUntilMs <= Date.now());
        if (ready.length === 0) {
          await this.idle();
          continue;
        }
        const connection = await this.connect();
        const truncating = ready.filter((s) => s.phase === 'truncating');
        if (truncating.length > 0) await this.truncate(connection, truncating);
        const fetching = ready.filter((s) => s.phase === 'fetching' && this.isCurrent(s));
        if (fetching.length > 0) await this.fetch(connection, fetching);
      } catch (error) {
        if (this.stopped) break;
        this.options.logger.warn(
          { leader: this.options.leader.id, err: (error as Error).message },
          'replica fetch failed; backing off',
        );
        this.connection?.close();
        this.connection = undefined;
        await this.pause(this.options.config.replicaFetchBackoffMs);
      }
    }
    this.connection?.close();
  }

  /** Waits until a partition is added, or the earliest delayed one is due. */
  private async idle(): Promise<void> {
    const delays = [...this.states.values()].map((s) => s.delayedUntilMs - Date.now());
    const wait = delays.length > 0 ? Math.max(1, Math.min(...delays)) : 60_000;
    await this.pause(wait);
  }

  private async pause(ms: number): Promise<void> {
    const controller = new AbortController();
    this.wakeIdle = () => controller.abort();
    try {
      await sleep(ms, undefined, { signal: controller.signal });
    } catch {
      // woken early
    } finally {
      this.wakeIdle = undefined;
    }
  }

  private async connect(): Promise<Connection> {
    if (this.connection && !this.connection.isClosed) return this.connection;
    const { host, port } = this.options.leader;
    this.connection = await Connection.connect({
      host,
      port,
      clientId: `broker-${this.options.brokerId}-fetcher-${this.options.leader.id}`,
      requestTimeoutMs: this.options.config.replicaSocketTimeoutMs,
      security: this.options.security,
    });
    return this.connection;
  }

  /** True while `state` is still this partition's current state and the replica still follows. */
  private isCurrent(state: FetchState): boolean {
    return (
      this.states.get(keyOf(state.topic, state.partition)) === state &&
      this.options.partitionOf(state.topic, state.partition) !== undefined
    );
  }

  private delay(state: FetchState): void {
    state.delayedUntilMs = Date.now() + this.options.config.replicaFetchBackoffMs;
  }

  // ---------------------------------------------------------------------------------------------
  // Truncation (Kafka's `truncateToEpochEndOffsets`)

  private async truncate(connection: Connection, states: FetchState[]): Promise<void> {
    const asking: FetchState[] = [];
    for (const state of states) {
      const replica = this.options.partitionOf(state.topic, state.partition);
      if (!replica || !this.isCurrent(state)) continue;
      if (replica.log.latestEpoch === undefined) {
        // No epochs to compare (a new or pre-epoch replica): the high watermark is what is safe.
        this.truncateTo(replica, state, replica.log.highWatermark, 'high watermark');
        this.startFetching(replica, state);
      } else {
        asking.push(state);
      }
    }
    if (asking.length === 0) return;
    const askingByKey = new Map(asking.map((st) => [keyOf(st.topic, st.partition), st]));
    const response = await connection.send(OffsetForLeaderEpoch, {
      replicaId: this.options.brokerId,
      topics: byTopic(asking, (s) => ({
        partition: s.partition,
        currentLeaderEpoch: s.leaderEpoch,
        leaderEpoch: this.options.partitionOf(s.topic, s.partition)?.log.latestEpoch ?? UNDEFINED_EPOCH,
      })),
    });
    for (const t of response.topics as {
      topic: string;
      partitions: { partition: number; errorCode: number; leaderEpoch: number; endOffset: bigint }[];
    }[]) {
      for (const r of t.partitions) {
        const state = askingByKey.get(keyOf(t.topic, r.partition));
        const replica = state && this.options.partitionOf(state.topic, state.partition);
        if (!state || !replica || !this.isCurrent(state)) continue;
        if (r.errorCode !== ErrorCode.NONE) {
          this.onPartitionError(state, r.errorCode, 'OffsetForLeaderEpoch');
          continue;
        }
        const { offset, completed } = truncationOffset(replica, r.leaderEpoch, r.endOffset);
        this.truncateTo(replica, state, offset, `leader epoch ${r.leaderEpoch} ends at ${r.endOffset}`);
        if (completed) this.startFetching(replica, state);
      }
    }
  }

  private truncateTo(replica: Partition, state: FetchState, offset: bigint, why: string): void {
    const log = replica.log;
    if (offset >= log.logEndOffset) return;
    this.options.logger.info(
      {
        partition: `${state.topic}-${state.partition}`,
        from: String(log.logEndOffset),
        to: String(offset),
        reason: why,
      },
      'truncating follower log',
    );
    log.truncateTo(offset);
  }

  private startFetching(replica: Partition, state: FetchState): void {
    state.phase = 'fetching';
    state.fetchOffset = replica.log.logEndOffset;
  }

  // ---------------------------------------------------------------------------------------------
  // Fetch

  private async fetch(connection: Connection, states: FetchState[]): Promise<void> {
    const { config } = this.options;
    const response = await connection.send(
      Fetch,
      {
        replicaId: this.options.brokerId,
        maxWaitMs: config.replicaFetchWaitMaxMs,
        minBytes: config.replicaFetchMinBytes,
        maxBytes: config.replicaFetchResponseMaxBytes,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: byTopic(states, (s) => ({
          partition: s.partition,
          currentLeaderEpoch: s.leaderEpoch,
          fetchOffset: s.fetchOffset,
          lastFetchedEpoch: -1,
          // The leader's DeleteRecords waits for every in-sync follower's log start to pass it.
          logStartOffset: this.options.partitionOf(s.topic, s.partition)?.log.logStartOffset ?? -1n,
          partitionMaxBytes: config.replicaFetchMaxBytes,
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      { timeoutMs: config.replicaSocketTimeoutMs + config.replicaFetchWaitMaxMs },
    );
    const byKey = new Map(states.map((st) => [keyOf(st.topic, st.partition), st]));
    if (response.errorCode !== undefined && response.errorCode !== ErrorCode.NONE) {
      throw new Error(`Fetch answered ${errorNameOf(response.errorCode)}`);
    }
    for (const t of response.responses as {
      topic: string;
      partitions: {
        partitionIndex: number;
        errorCode: number;
        highWatermark: bigint;
        logStartOffset: bigint;
        records: Buffer | null;
      }[];
    }[]) {
      for (const r of t.partitions) {
        const state = byKey.get(keyOf(t.topic, r.partitionIndex));
        const replica = state && this.options.partitionOf(state.topic, state.partition);
        if (!state || !replica || !this.isCurrent(state) || state.phase !== 'fetching') continue;
        if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.handleOutOfRange(connection, replica, state);
        } else if (r.errorCode !== ErrorCode.NONE) {
          this.onPartitionError(state, r.errorCode, 'Fetch');
        } else {
          this.appendFetched(replica, state, r.records, r.highWatermark, r.logStartOffset);
        }
      }
    }
  }

  /**
   * Appends the fetched batches as the leader wrote them, applies the leader's high watermark, and
   * moves the log start up with the leader's (Kafka's `maybeIncrementLogStartOffset`), never past
   * our own high watermark.
   */
  private appendFetched(
    replica: Partition,
    state: FetchState,
    records: Buffer | null,
    hw: bigint,
    leaderLogStart: bigint,
  ): void {
    const log = replica.log;
    if (state.fetchOffset !== log.logEndOffset) {
      // The log moved under us (truncated by a new state): fetch again from its end.
      state.fetchOffset = log.logEndOffset;
      return;
    }
    // A response may end in a partial batch (the byte limit): keep whole batches only.
    const whole = records ? records.subarray(0, validBytes(records)) : Buffer.alloc(0);
    if (whole.length > 0) {
      try {
        startAtStraddlingBatch(log, whole);
        log.appendAsFollower(whole);
      } catch (error) {
        this.options.logger.error(
          { partition: `${state.topic}-${state.partition}`, err: (error as Error).message },
          'could not append replicated batches; truncating again',
        );
        state.phase = 'truncating';
        this.delay(state);
        return;
      }
      state.fetchOffset = log.logEndOffset;
    }
    replica.updateFollowerHighWatermark(hw);
    const newStart = leaderLogStart < log.highWatermark ? leaderLogStart : log.highWatermark;
    if (newStart > log.logStartOffset) log.deleteRecordsBefore(newStart);
  }

  /**
   * Kafka's `fetchOffsetAndTruncate`: when the leader's log ends before ours, truncate to its end;
   * when it starts after ours ends, start over at its log start.
   */
  private async handleOutOfRange(
    connection: Connection,
    replica: Partition,
    state: FetchState,
  ): Promise<void> {
    const log = replica.log;
    const end = await connection.send(OffsetForLeaderEpoch, {
      replicaId: this.options.brokerId,
      topics: [
        {
          topic: state.topic,
          partitions: [
            {
              partition: state.partition,
              currentLeaderEpoch: state.leaderEpoch,
              leaderEpoch: state.leaderEpoch,
            },
          ],
        },
      ],
    });
    const endResult = end.topics[0]?.partitions[0];
    if (!endResult || endResult.errorCode !== ErrorCode.NONE || !this.isCurrent(state)) {
      this.delay(state);
      return;
    }
    const leaderEnd: bigint = endResult.endOffset;
    if (leaderEnd >= 0n && leaderEnd < log.logEndOffset) {
      this.truncateTo(replica, state, leaderEnd, 'the leader log ends earlier');
      state.fetchOffset = log.logEndOffset;
      return;
    }
    const start = await connection.send(ListOffsets, {
      replicaId: this.options.brokerId,
      isolationLevel: 0,
      topics: [
        {
          name: state.topic,
          partitions: [
            {
              partitionIndex: state.partition,
              currentLeaderEpoch: state.leaderEpoch,
              timestamp: LIST_OFFSETS_EARLIEST,
            },
          ],
        },
      ],
    });
    const startResult = start.topics[0]?.partitions[0];
    if (!startResult || startResult.errorCode !== ErrorCode.NONE || !this.isCurrent(state)) {
      this.delay(state);
      return;
    }
    const leaderStart: bigint = startResult.offset;
    if (leaderStart > log.logEndOffset) {
      this.options.logger.info(
        { partition: `${state.topic}-${state.partition}`, leaderStart: String(leaderStart) },
        'follower log ends before the leader log starts; starting over at the leader log start',
      );
      log.truncateFullyAndStartAt(leaderStart);
    }
    state.fetchOffset = log.logEndOffset;
  }

  private onPartitionError(state: FetchState, errorCode: number, api: string): void {
    const error = errorNameOf(errorCode);
    const partition = `${state.topic}-${state.partition}`;
    if (errorCode === ErrorCode.FENCED_LEADER_EPOCH) {
      // Our epoch is older than the leader's: wait for the new partition state.
      this.options.logger.info({ partition, api }, 'fenced by the leader epoch; waiting for new state');
      this.states.delete(keyOf(state.topic, state.partition));
      return;
    }
    this.options.logger.debug({ partition, api, error }, 'partition error from the leader; backing off');
    this.delay(state);
  }
}

/**
 * Kafka's recovery from `UnexpectedAppendOffsetException` in `appendRecordsToFollowerOrFutureReplica`:
 * an empty follower log that starts inside the leader's first batch (the leader's log start moved
 * mid-batch, by DeleteRecords) restarts at that batch's base offset, keeping its log start offset.
 */
function startAtStraddlingBatch(log: Partition['log'], records: Buffer): void {
  const first = batchesIn(records).next().value;
  const leo = log.logEndOffset;
  if (!first || leo !== log.logStartOffset || first.baseOffset >= leo || first.lastOffset < leo) return;
  log.truncateFullyAndStartAt(first.baseOffset, log.logStartOffset);
}

/**
 * Kafka's `getOffsetTruncationState`: where a follower truncates given the leader's answer for its
 * latest epoch, and whether that ends truncation (otherwise ask again for the next older epoch).
 */
export function truncationOffset(
  replica: Partition,
  leaderEpoch: number,
  leaderEndOffset: bigint,
): { offset: bigint; completed: boolean } {
  const log = replica.log;
  const leo = log.logEndOffset;
  if (leaderEndOffset === UNDEFINED_EPOCH_OFFSET) {
    // The leader knows no epoch that old: fall back to the high watermark.
    return { offset: min(log.highWatermark, leo), completed: true };
  }
  if (leaderEpoch === UNDEFINED_EPOCH) return { offset: min(leaderEndOffset, leo), completed: true };
  const own = log.endOffsetForEpoch(leaderEpoch);
  if (own === undefined) return { offset: min(leaderEndOffset, leo), completed: true };
  if (own.epoch !== leaderEpoch) {
    // We never had the leader's epoch: cut to the end of our last older one and ask again.
    return { offset: min(own.endOffset, leo), completed: false };
  }
  return { offset: min(min(own.endOffset, leaderEndOffset), leo), completed: true };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The fetch states' partitions shaped per topic, as OffsetForLeaderEpoch and Fetch take them. */
function byTopic<T>(states: readonly FetchState[], partition: (s: FetchState) => T) {
  return [...groupByTopic(states, partition)].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * Kafka's `ReplicaFetcherManager`: one fetcher per (source broker, fetcher id), partitions spread
 * over num.replica.fetchers by hash; a fetcher left without partitions is shut down.
 */
export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  private readonly assigned = new Map<string, string>();
  /** Shut down: a stopping broker follows nothing more, whatever states still arrive. */
  private closed = false;

  constructor(private readonly options: Omit<FetcherOptions, 'leader'>) {}

  addPartitions(partitions: readonly FetcherPartition[]): void {
    if (this.closed) return;
    for (const p of partitions) {
      this.removePartitions([p]);
      const fetcherId =
        hashPartition(p.topic, p.partition) % Math.max(1, this.options.config.numReplicaFetchers);
      const { id, host, port } = p.leader;
      const fetcherKey = `${id}/${host}:${port}/${fetcherId}`;
      let fetcher = this.fetchers.get(fetcherKey);
      if (!fetcher) {
        fetcher = new ReplicaFetcher({ ...this.options, leader: p.leader });
        this.fetchers.set(fetcherKey, fetcher);
      }
      fetcher.addPartition(p);
      this.assigned.set(keyOf(p.topic, p.partition), fetcherKey);
    }
  }

  removePartitions(partitions: readonly { topic: string; partition: number }[]): void {
    for (const p of partitions) {
      const key = keyOf(p.topic, p.partition);
      const fetcherKey = this.assigned.get(key);
      if (fetcherKey === undefined) continue;
      this.assigned.delete(key);
      const fetcher = this.fetchers.get(fetcherKey);
      if (!fetcher) continue;
      fetcher.removePartition(p.topic, p.partition);
      if (fetcher.partitionCount === 0) {
        this.fetchers.delete(fetcherKey);
        void fetcher.shutdown();
      }
    }
  }

  /** The source broker a partition is fetched from, if any (tests, metrics). */
  leaderOf(topic: string, partition: number): number | undefined {
    const fetcherKey = this.assigned.get(keyOf(topic, partition));
    return fetcherKey === undefined ? undefined : this.fetchers.get(fetcherKey)?.leader.id;
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    this.assigned.clear();
    await Promise.all(all.map((f) => f.shutdown()));
  }
}

/** Kafka's `Utils.abs(31 * topic.hashCode + partition)`, which spreads partitions over fetchers. */
function hashPartition(topic: string, partition: number): number {
  return (Math.imul(31, javaStringHashCode(topic)) + partition) & 0x7fffffff;
}
