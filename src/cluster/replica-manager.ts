import type { TopicRegistry } from '../broker/topic-registry.js';
import type { ClientSecurity } from '../client/security.js';
import { systemTimer, type Timer, type TimerTask } from '../group/timer.js';
import { upConvertMessageSet } from '../protocol/records/legacy-conversion.js';
import { batchesIn } from '../protocol/records/record-batch.js';
import type { AppendInfo, Log } from '../storage/log.js';
import {
  DEFAULT_OFFLOAD_THRESHOLD_BYTES,
  needsOffloadedValidation,
  type OffloadedLegacyAppend,
  type RecordWorkerPool,
  recordWorkerPool,
} from '../storage/record-worker-pool.js';
import type { TimestampAndOffset } from '../storage/segment.js';
import type { AbortedTxn } from '../storage/txn-index.js';
import type { MarkerPartitionLog } from '../txn/transaction-marker-writer.js';
import type { Clock } from '../util/clock.js';
import { SamsaError, UnknownTopicOrPartitionError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { localPartitionState } from './cluster-metadata.js';
import {
  DelayedDeleteRecords,
  type DeleteRecordsOutcome,
  type DeleteRecordsRequest,
  type DeleteRecordsStatus,
} from './delayed-delete-records.js';
import { DelayedProduce, type ProduceWait } from './delayed-produce.js';
import { type IsolationLevel, NO_LEADER_EPOCH, NotLeaderOrFollowerError, Partition } from './partition.js';
import type { BrokerEndpoint, IsrWriter, PartitionState, ReplicaStateApplier } from './partition-state.js';
import { DelayedOperationPurgatory } from './purgatory.js';
import { type FetcherPartition, ReplicaFetcherManager } from './replica-fetcher.js';
import type { ReplicationConfig } from './replication-config.js';

export interface PartitionAppend {
  readonly topic: string;
  readonly partition: number;
  readonly records: Buffer;
  /**
   * The records are an old producer's message set (format v0/v1), converted to v2 batches before
   * the append, as Kafka 3.x stores format v2 whatever the producer sent.
   */
  readonly legacy?: boolean;
}

export type AppendOutcome =
  | ({ readonly ok: true } & AppendInfo)
  | { readonly ok: false; readonly error: SamsaError | Error };

export interface PartitionFetch {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
  /** The leader epoch the fetcher believes current; -1 when it does not say (Fetch before v9). */
  readonly currentLeaderEpoch?: number;
  /** A follower's log start offset (Fetch v5+); -1 when unknown. */
  readonly logStartOffset?: bigint;
}

export interface FetchParams {
  /** -1 for a consumer; a broker id for a follower, which reads up to the log end. */
  readonly replicaId?: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** 0 = read_uncommitted, 1 = read_committed. */
  readonly isolationLevel: number;
  readonly partitions: readonly PartitionFetch[];
}

export type FetchOutcome =
  | {
      readonly ok: true;
      readonly records: Buffer;
      readonly highWatermark: bigint;
      readonly lastStableOffset: bigint;
      readonly logStartOffset: bigint;
      /** read_committed: aborted transactions overlapping the returned batches; otherwise null. */
      readonly abortedTransactions: AbortedTxn[] | null;
    }
  | { readonly ok: false; readonly error: SamsaError | Error; readonly highWatermark?: bigint };

/** OffsetForLeaderEpoch's answer for one partition (epoch and end offset -1 when unknown). */
export type EpochEndOffsetOutcome =
  | { readonly ok: true; readonly leaderEpoch: number; readonly endOffset: bigint }
  | { readonly ok: false; readonly error: SamsaError | Error };

/** One partition of a ListOffsets request. */
export interface OffsetQuery {
  /** A time in ms, or LATEST_TIMESTAMP / EARLIEST_TIMESTAMP. */
  readonly timestamp: bigint;
  /** Absent for ListOffsets v0-v1 (answered as for a replica: up to the log end). */
  readonly isolation: IsolationLevel | undefined;
  readonly currentLeaderEpoch: number;
  readonly fetchOnlyFromLeader: boolean;
}

export interface ReplicaManagerOptions {
  readonly topics: TopicRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly brokerId: number;
  readonly config: ReplicationConfig;
  /**
   * Cluster mode: where a leader writes ISR changes. Without it the broker is a single node and
   * leads every partition with itself as the only replica (leader epoch 0, ISR [self]).
   */
  readonly isrWriter?: IsrWriter;
  readonly timer?: Timer;
  /** How followers secure their fetches from leaders (the inter-broker listener's protocol). */
  readonly interBrokerSecurity?: ClientSecurity;
  /**
   * Compressed batches, and old producers' message sets, from this size up are validated (and
   * converted) on a worker (default 128 KiB).
   */
  readonly offloadThresholdBytes?: number;
  /** Where (default: the process's shared pool). */
  readonly recordWorkers?: RecordWorkerPool;
}

const CONSUMER_REPLICA_ID = -1;
/** What a wait of `awaitHighWatermark` answers on success (no produce outcome to carry). */
const REPLICATED: AppendOutcome = {
  ok: true,
  firstOffset: -1n,
  lastOffset: -1n,
  logAppendTimeMs: -1n,
  recordCount: 0,
  logStartOffset: -1n,
};

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * The replicas this broker holds and Kafka's replica semantics over them (Kafka's
 * `ReplicaManager`): appends on the leader (acks=all waits in a DelayedProduce purgatory until the
 * high watermark passes the batch), reads for consumers up to the high watermark (or the last
 * stable offset) and for followers up to the log end, long polls woken by appends and high-watermark
 * moves (DelayedFetch), OffsetForLeaderEpoch, and the controller's LeaderAndIsr / StopReplica
 * (`ReplicaStateApplier`), which start and stop replica fetchers. The isr-expiration task shrinks
 * the ISR of lagging followers.
 */
export class ReplicaManager implements ReplicaStateApplier {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Every waiting fetch, including those on no partition at all, for stop() and metrics. */
  private readonly waiting = new Set<() => void>();
  private readonly partitions = new Map<string, Partition>();
  private readonly producePurgatory: DelayedOperationPurgatory<DelayedProduce>;
  private readonly deleteRecordsPurgatory: DelayedOperationPurgatory<DelayedDeleteRecords>;
  private readonly fetchers: ReplicaFetcherManager;
  private readonly timer: Timer;
  private readonly topics: TopicRegistry;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private isrExpiration: TimerTask | undefined;
  private stopping = false;

  /** Per partition, the last append still waiting for its worker: later ones queue behind it. */
  private readonly appendsInFlight = new Map<string, Promise<void>>();
  private readonly offloadThresholdBytes: number;
  private readonly recordWorkers: RecordWorkerPool;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.offloadThresholdBytes = options.offloadThresholdBytes ?? DEFAULT_OFFLOAD_THRESHOLD_BYTES;
    this.recordWorkers = options.recordWorkers ?? recordWorkerPool();
    this.topics = options.topics;
    this.clock = options.clock;
    this.logger = options.logger;
    this.timer = options.timer ?? systemTimer;
    this.producePurgatory = new DelayedOperationPurgatory('Produce', this.timer);
    this.deleteRecordsPurgatory = new DelayedOperationPurgatory('DeleteRecords', this.timer);
    this.fetchers = new ReplicaFetcherManager({
      brokerId: options.brokerId,
      config: options.config,
      logger: options.logger,
      security: options.interBrokerSecurity,
      partitionOf: (topic, partition) => {
        const p = this.partitions.get(keyOf(topic, partition));
        return p?.role === 'follower' ? p : undefined;
      },
    });
  }

  get brokerId(): number {
    return this.options.brokerId;
  }

  /** True in cluster mode (partition states come from the controller). */
  get isClustered(): boolean {
    return this.options.isrWriter !== undefined;
  }

  /** Starts the isr-expiration task (every replica.lag.time.max.ms / 2, as Kafka). */
  startup(): void {
    const interval = Math.max(1, Math.floor(this.options.config.replicaLagTimeMaxMs / 2));
    const tick = () => {
      if (this.stopping) return;
      for (const p of this.partitions.values()) if (p.isLeader) p.maybeShrinkIsr();
      this.isrExpiration = this.timer.schedule(interval, tick);
    };
    this.isrExpiration = this.timer.schedule(interval, tick);
  }

  /** The replica of a partition this broker holds, if any (single node: created as leader). */
  getPartition(topic: string, partition: number): Partition | undefined {
    const key = keyOf(topic, partition);
    let existing = this.partitions.get(key);
    if (existing?.log.isClosed) {
      // The topic was deleted (and maybe created again): this replica's log is gone.
      this.partitions.delete(key);
      existing = undefined;
    }
    if (existing !== undefined || this.isClustered) return existing;
    const created = this.newPartition(topic, partition);
    created.makeLeader(localPartitionState(topic, partition, this.options.brokerId));
    this.partitions.set(key, created);
    return created;
  }

  /** The leader epoch of a replica held here, without creating one (metadata answers). */
  leaderEpochOf(topic: string, partition: number): number | undefined {
    return this.partitions.get(keyOf(topic, partition))?.leaderEpoch;
  }

  /**
   * The partition, or UNKNOWN_TOPIC_OR_PARTITION when the topic or partition does not exist, or
   * NOT_LEADER_OR_FOLLOWER when it exists but has no replica here.
   */
  private partitionOrThrow(topic: string, partition: number): Partition {
    const count = this.topics.partitionCount(topic);
    if (count === undefined || partition < 0 || partition >= count) {
      throw new UnknownTopicOrPartitionError(`${topic}-${partition} does not exist`);
    }
    const found = this.getPartition(topic, partition);
    if (found === undefined || found.role === 'none') {
      throw new NotLeaderOrFollowerError(
        `broker ${this.options.brokerId} holds no replica of ${topic}-${partition}`,
      );
    }
    return found;
  }

  private leaderOrThrow(topic: string, partition: number, currentLeaderEpoch = NO_LEADER_EPOCH): Partition {
    const p = this.partitionOrThrow(topic, partition);
    p.checkLeader(currentLeaderEpoch);
    return p;
  }

  /**
   * The partition this broker leads (at `currentLeaderEpoch` when named), for requests only a
   * leader may answer; else UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER or the epoch error.
   */
  leaderPartition(topic: string, partition: number, currentLeaderEpoch = NO_LEADER_EPOCH): Partition {
    return this.leaderOrThrow(topic, partition, currentLeaderEpoch);
  }

  /**
   * ListOffsets for one partition (Kafka's `fetchOffsetForTimestamp`): clients and followers are
   * answered by the leader only; the debugging replica id may read any replica.
   */
  fetchOffsetForTimestamp(topic: string, partition: number, query: OffsetQuery): TimestampAndOffset | null {
    const p = query.fetchOnlyFromLeader
      ? this.leaderPartition(topic, partition, query.currentLeaderEpoch)
      : this.partitionOrThrow(topic, partition);
    p.checkCurrentLeaderEpoch(query.currentLeaderEpoch);
    return p.fetchOffsetForTimestamp(query.timestamp, query.isolation);
  }

  /**
   * Kafka's `ReplicaManager.deleteRecords`: each leader moves its log start offset, then the answer
   * waits (DelayedDeleteRecords, up to `timeoutMs`) until every in-sync replica's log start has
   * reached it too. Each partition is answered with its low watermark or its error.
   */
  deleteRecords(
    requests: readonly DeleteRecordsRequest[],
    timeoutMs: number,
  ): Promise<DeleteRecordsOutcome[]> {
    const started: DeleteRecordsStatus[] = requests.map((r) => {
      try {
        const requiredOffset = this.leaderPartition(r.topic, r.partition).deleteRecordsOnLeader(r.offset);
        return { ...r, requiredOffset, outcome: undefined };
      } catch (error) {
        return { ...r, requiredOffset: -1n, outcome: { ok: false, error: error as Error } };
      }
    });
    return new Promise((resolve) => {
      const op = new DelayedDeleteRecords(
        timeoutMs,
        started,
        (topic, partition) => this.partitions.get(keyOf(topic, partition)),
        resolve,
      );
      this.deleteRecordsPurgatory.tryCompleteElseWatch(
        op,
        started.filter((s) => s.outcome === undefined).map((s) => keyOf(s.topic, s.partition)),
      );
    });
  }

  private newPartition(topic: string, partition: number): Partition {
    return new Partition({
      topic,
      partition,
      localBrokerId: this.options.brokerId,
      log: this.topics.replicaLog(topic, partition),
      isrWriter: this.options.isrWriter ?? refuseIsrChanges,
      clock: this.clock,
      replicaLagTimeMaxMs: this.options.config.replicaLagTimeMaxMs,
      logger: this.logger,
      onHighWatermarkChanged: () => this.onHighWatermarkChanged(topic, partition),
      onIsrChanged: (kind) => this.isrChanges[kind]++,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // LeaderAndIsr / StopReplica

  /**
   * Kafka's `becomeLeaderOrFollower`: states older than what a replica holds are ignored; a leader
   * stops fetching and starts tracking its followers at a new epoch; a follower is handed to the
   * fetcher of its leader, which truncates by leader epoch before fetching.
   */
  async applyPartitionStates(
    states: readonly PartitionState[],
    brokers: readonly BrokerEndpoint[],
  ): Promise<void> {
    const endpoints = new Map(brokers.map((b) => [b.id, b]));
    const followers: FetcherPartition[] = [];
    const leaders: { topic: string; partition: number }[] = [];
    for (const state of states) {
      const key = keyOf(state.topic, state.partition);
      if (!state.replicas.includes(this.options.brokerId)) continue;
      let p = this.partitions.get(key);
      if (p && !p.isNewer(state)) {
        this.logger.debug(
          { partition: `${state.topic}-${state.partition}`, leaderEpoch: state.leaderEpoch },
          'ignoring a partition state that is not newer than the current one',
        );
        continue;
      }
      if (p === undefined) {
        try {
          p = this.newPartition(state.topic, state.partition);
        } catch (error) {
          // No log for it here (the topic is not in this broker's metadata yet): skip this one only.
          this.logger.warn(
            { partition: `${state.topic}-${state.partition}`, err: (error as Error).message },
            'cannot open the log of a partition state; skipped',
          );
          continue;
        }
        this.partitions.set(key, p);
      }
      if (state.leader === this.options.brokerId) {
        p.makeLeader(state);
        leaders.push(state);
      } else if (p.makeFollower(state)) {
        const leader = endpoints.get(state.leader);
        if (state.leader < 0 || leader === undefined) {
          this.logger.warn(
            { partition: `${state.topic}-${state.partition}`, leader: state.leader },
            'follower without a reachable leader; not fetching',
          );
          leaders.push(state); // stop any fetcher of the old leader
          continue;
        }
        followers.push({
          topic: state.topic,
          partition: state.partition,
          leaderEpoch: state.leaderEpoch,
          leader,
        });
      }
      this.logger.info(
        {
          partition: `${state.topic}-${state.partition}`,
          role: p.role,
          leader: state.leader,
          leaderEpoch: state.leaderEpoch,
          isr: state.isr,
        },
        'applied partition state',
      );
      // Waiting produces re-check: a lost leadership answers NOT_LEADER_OR_FOLLOWER at once.
      this.producePurgatory.checkAndComplete(key);
      this.deleteRecordsPurgatory.checkAndComplete(key);
      this.wake(state.topic, state.partition);
    }
    this.fetchers.removePartitions(leaders);
    this.fetchers.addPartitions(followers);
  }

  /** StopReplica: no more fetching or serving; the log is deleted when asked. */
  async stopReplicas(
    partitions: readonly { topic: string; partition: number; delete: boolean }[],
  ): Promise<void> {
    this.fetchers.removePartitions(partitions);
    for (const { topic, partition, delete: remove } of partitions) {
      const key = keyOf(topic, partition);
      const p = this.partitions.get(key);
      p?.makeNone();
      this.partitions.delete(key);
      this.producePurgatory.checkAndComplete(key);
      this.deleteRecordsPurgatory.checkAndComplete(key);
      this.wake(topic, partition);
      if (remove) this.topics.deleteLog(topic, partition);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Produce

  /**
   * Appends each partition's batches on its leader and wakes waiting fetches. acks=all is refused
   * with NOT_ENOUGH_REPLICAS when the ISR is below min.insync.replicas; its wait for replication is
   * `awaitReplication`. Appends happen synchronously, unless a partition's records hold a large
   * compressed batch, or are an old producer's large message set: those are validated (and
   * converted) on a worker first (`RecordWorkerPool`) and the result is a promise. Either way a
   * partition's appends land in the order they were asked for: one arriving while an earlier one
   * of the same partition waits for its worker queues behind it.
   */
  append(entries: readonly PartitionAppend[], requiredAcks = 1): AppendOutcome[] | Promise<AppendOutcome[]> {
    const outcomes: (AppendOutcome | Promise<AppendOutcome>)[] = entries.map((entry) => {
      const key = keyOf(entry.topic, entry.partition);
      const before = this.appendsInFlight.get(key);
      const where = `${entry.topic}-${entry.partition}`;
      const heavy = entry.legacy
        ? entry.records.length >= this.offloadThresholdBytes
        : needsOffloadedValidation(entry.records, this.offloadThresholdBytes);
      const log = heavy ? this.leaderLogOf(entry) : undefined;
      const offload =
        log !== undefined
          ? this.offload(entry, log).catch((error: Error) => {
              this.logger.warn({ partition: where, err: error.message }, 'validating on the event loop');
              return undefined;
            })
          : undefined;
      if (before === undefined && offload === undefined) return this.appendOne(entry, requiredAcks);
      const outcome = (before ?? Promise.resolve())
        .then(() => offload)
        .then((offloaded) => this.appendOne(entry, requiredAcks, offloaded));
      const tail = outcome.then(() => {
        if (this.appendsInFlight.get(key) === tail) this.appendsInFlight.delete(key);
      });
      this.appendsInFlight.set(key, tail);
      return outcome;
    });
    if (outcomes.every((o) => !(o instanceof Promise))) return outcomes as AppendOutcome[];
    return Promise.all(outcomes);
  }

  private offload(entry: PartitionAppend, log: Log): Promise<OffloadedLegacyAppend> {
    const where = `${entry.topic}-${entry.partition}`;
    return entry.legacy
      ? this.recordWorkers.validate(entry.records, log.config, where, true)
      : this.recordWorkers.validate(entry.records, log.config, where);
  }

  /** The partition's log when this broker leads it; an append that cannot happen needs no worker. */
  private leaderLogOf(entry: PartitionAppend): Log | undefined {
    try {
      return this.leaderOrThrow(entry.topic, entry.partition).log;
    } catch {
      return undefined;
    }
  }

  private appendOne(
    entry: PartitionAppend,
    requiredAcks: number,
    offloaded?: OffloadedLegacyAppend,
  ): AppendOutcome {
    try {
      const p = this.leaderOrThrow(entry.topic, entry.partition);
      const records = entry.legacy ? convertedLegacy(entry.records, offloaded) : entry.records;
      const info = p.appendAsLeader(records, requiredAcks, 'client', offloaded);
      this.wake(entry.topic, entry.partition);
      return { ok: true, ...info };
    } catch (error) {
      if (!(error instanceof SamsaError)) {
        this.logger.error({ topic: entry.topic, partition: entry.partition, err: error }, 'append failed');
      } else {
        this.logger.debug(
          { topic: entry.topic, partition: entry.partition, err: error.message },
          'append rejected',
        );
      }
      return { ok: false, error: error as Error };
    }
  }

  /**
   * acks=all: resolves once the high watermark of every appended partition has passed its batch,
   * or after `timeoutMs` with REQUEST_TIMED_OUT for those still waiting (Kafka's DelayedProduce).
   * Failed appends are answered as they are.
   */
  awaitReplication(
    entries: readonly PartitionAppend[],
    outcomes: readonly AppendOutcome[],
    timeoutMs: number,
  ): Promise<AppendOutcome[]> | AppendOutcome[] {
    const waits: ProduceWait[] = [];
    entries.forEach((entry, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return;
      waits.push({
        topic: entry.topic,
        partition: entry.partition,
        requiredOffset: outcome.lastOffset + 1n,
        appended: outcome,
      });
    });
    if (waits.length === 0) return [...outcomes];
    return this.waitForHighWatermarks(waits, timeoutMs).then((replicated) => {
      const merged = [...outcomes];
      let next = 0;
      merged.forEach((outcome, i) => {
        if (outcome.ok) merged[i] = replicated[next++]!;
      });
      return merged;
    });
  }

  /** A DelayedProduce over `waits` in the produce purgatory: each wait's outcome, in order. */
  private waitForHighWatermarks(waits: readonly ProduceWait[], timeoutMs: number): Promise<AppendOutcome[]> {
    return new Promise((resolve) => {
      const op = new DelayedProduce(
        Math.max(0, timeoutMs),
        waits,
        (topic, partition) => this.partitions.get(keyOf(topic, partition)),
        resolve,
      );
      this.producePurgatory.tryCompleteElseWatch(
        op,
        waits.map((w) => keyOf(w.topic, w.partition)),
      );
    });
  }

  /**
   * Waits (a DelayedProduce) until each partition's high watermark reaches `requiredOffset`, for
   * writes that were appended outside `append` but need acks=-1 all the same (transaction markers,
   * as Kafka's WriteTxnMarkers appends them). Resolves with the error name of each
   * `topic\0partition` that did not get there within `timeoutMs`.
   */
  async awaitHighWatermark(
    waits: readonly { topic: string; partition: number; requiredOffset: bigint }[],
    timeoutMs: number,
  ): Promise<Map<string, string>> {
    // Only whether each wait succeeded is read back: the appended outcome is a stand-in.
    const outcomes = await this.waitForHighWatermarks(
      waits.map((w) => ({ ...w, appended: REPLICATED })),
      timeoutMs,
    );
    const failed = new Map<string, string>();
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) return;
      const error = outcome.error instanceof SamsaError ? outcome.error.kafkaError : 'UNKNOWN_SERVER_ERROR';
      failed.set(`${waits[i]!.topic}\u0000${waits[i]!.partition}`, error);
    });
    return failed;
  }

  /**
   * The leader's log as the transaction marker writer appends to it: markers take the partition's
   * leader epoch and the high watermark moves with the ISR, as for any append on the leader.
   */
  markerLog(topic: string, partition: number): MarkerPartitionLog {
    const p = this.leaderOrThrow(topic, partition);
    return {
      appendAsLeader: (records, _leaderEpoch, origin) => p.appendAsLeader(records, 1, origin),
      setHighWatermark: () => {}, // the partition keeps it
      get logEndOffset() {
        return p.log.logEndOffset;
      },
    };
  }

  /** Produces waiting for replication (metrics, tests). */
  get delayedProduces(): number {
    return this.producePurgatory.delayed;
  }

  /** ISR changes this broker made as a leader since start (ReplicaManager IsrShrinks/IsrExpands). */
  readonly isrChanges = { shrink: 0, expand: 0 };

  /** Partitions led here whose ISR is smaller than their replica set (UnderReplicatedPartitions). */
  get underReplicatedPartitions(): number {
    let n = 0;
    for (const p of this.partitions.values()) if (p.isLeader && p.isr.length < p.replicas.length) n++;
    return n;
  }

  /** Fetches parked until data arrives or their wait ends (Kafka's fetch purgatory size). */
  get waitingFetches(): number {
    return this.waiting.size;
  }

  // ---------------------------------------------------------------------------------------------
  // Fetch

  /** Reads every partition once; waits for data when the result is below `minBytes`. */
  async fetch(params: FetchParams): Promise<FetchOutcome[]> {
    let outcomes = this.readOnce(params, true);
    if (params.maxWaitMs <= 0 || this.enough(outcomes, params.minBytes)) return outcomes;
    const deadline = this.clock.monotonicMs() + params.maxWaitMs;
    while (!this.stopping && !this.enough(outcomes, params.minBytes)) {
      const remaining = deadline - this.clock.monotonicMs();
      if (remaining <= 0) break;
      await this.waitForAppend(params.partitions, remaining);
      outcomes = this.readOnce(params, false);
    }
    return outcomes;
  }

  private enough(outcomes: readonly FetchOutcome[], minBytes: number): boolean {
    let bytes = 0;
    for (const o of outcomes) {
      if (!o.ok) return true; // errors are answered at once, as Kafka does
      bytes += o.records.length;
    }
    return bytes >= Math.max(1, minBytes);
  }

  /**
   * One read of every partition. A follower's first read of a request records its fetch offset on
   * the leader (Kafka updates follower state once per request, not on purgatory re-reads).
   */
  private readOnce(params: FetchParams, updateFollowerState: boolean): FetchOutcome[] {
    const replicaId = params.replicaId ?? CONSUMER_REPLICA_ID;
    const fromFollower = replicaId >= 0;
    let remaining = params.maxBytes;
    let first = true;
    return params.partitions.map((p) => {
      try {
        const currentLeaderEpoch = p.currentLeaderEpoch ?? NO_LEADER_EPOCH;
        const partition = this.leaderOrThrow(p.topic, p.partition, currentLeaderEpoch);
        if (fromFollower) partition.checkFollower(replicaId, currentLeaderEpoch);
        const log = partition.log;
        const leaderEndOffset = log.logEndOffset;
        const maxOffset = fromFollower
          ? leaderEndOffset
          : params.isolationLevel === 1
            ? log.lastStableOffset
            : log.highWatermark;
        const limit = Math.min(p.partitionMaxBytes, remaining);
        // KIP-74: the first partition returns at least one whole batch even beyond the limits, so a
        // batch larger than max.partition.fetch.bytes can never stall a consumer.
        const result = log.read(p.fetchOffset, Math.max(0, limit), first, maxOffset);
        if (result.records.length > 0) {
          first = false;
          remaining -= result.records.length;
        }
        if (fromFollower && updateFollowerState) {
          partition.updateFollowerFetchState(
            replicaId,
            p.fetchOffset,
            leaderEndOffset,
            currentLeaderEpoch,
            p.logStartOffset ?? -1n,
          );
          this.deleteRecordsPurgatory.checkAndComplete(keyOf(p.topic, p.partition));
        }
        return {
          ok: true,
          records: result.records,
          highWatermark: log.highWatermark,
          lastStableOffset: log.lastStableOffset,
          logStartOffset: result.logStartOffset,
          abortedTransactions:
            params.isolationLevel === 1 && !fromFollower
              ? abortedIn(log, p.fetchOffset, result.records)
              : null,
        };
      } catch (error) {
        return { ok: false, error: error as Error };
      }
    });
  }

  private waitForAppend(partitions: readonly PartitionFetch[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const keys = partitions.map((p) => keyOf(p.topic, p.partition));
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        for (const key of keys) this.waiters.get(key)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiting.add(done);
      for (const key of keys) {
        let set = this.waiters.get(key);
        if (!set) this.waiters.set(key, (set = new Set()));
        set.add(done);
      }
    });
  }

  /** Wakes fetches waiting on a partition (after an append or a high-watermark move). */
  wake(topic: string, partition: number): void {
    const key = keyOf(topic, partition);
    const set = this.waiters.get(key);
    if (!set || set.size === 0) return;
    this.waiters.delete(key);
    for (const done of set) done();
  }

  private onHighWatermarkChanged(topic: string, partition: number): void {
    this.producePurgatory.checkAndComplete(keyOf(topic, partition));
    this.wake(topic, partition);
  }

  // ---------------------------------------------------------------------------------------------
  // OffsetForLeaderEpoch

  /**
   * Kafka's `lastOffsetForLeaderEpoch` on the leader: the largest epoch <= `leaderEpoch` this log
   * knows and where it ends (-1/-1 when it knows none); fenced by `currentLeaderEpoch` when given.
   */
  lastOffsetForLeaderEpoch(
    topic: string,
    partition: number,
    currentLeaderEpoch: number,
    leaderEpoch: number,
  ): EpochEndOffsetOutcome {
    try {
      const p = this.leaderOrThrow(topic, partition, currentLeaderEpoch);
      const found = p.log.endOffsetForEpoch(leaderEpoch);
      return found
        ? { ok: true, leaderEpoch: found.epoch, endOffset: found.endOffset }
        : { ok: true, leaderEpoch: -1, endOffset: -1n };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A stopping broker fetches as a follower no more, before its controlled shutdown, so that no
   * leader takes it back into an ISR the controller is shrinking (Kafka's controller sends a
   * stopping broker StopReplica for the partitions it follows). It keeps leading until moved.
   */
  async stopFollowing(): Promise<void> {
    await this.fetchers.shutdown();
  }

  /** Answers every waiting fetch and produce now, stops fetchers and long polls (shutdown). */
  stop(): void {
    this.stopping = true;
    this.isrExpiration?.cancel();
    void this.fetchers.shutdown();
    this.producePurgatory.shutdown();
    this.deleteRecordsPurgatory.shutdown();
    this.waiters.clear();
    for (const done of [...this.waiting]) done();
  }
}

/** An old producer's message set as v2 batches: as the worker converted it, or converted here. */
function convertedLegacy(messageSet: Buffer, offloaded: OffloadedLegacyAppend | undefined): Buffer {
  // The worker's conversion failed, or validation of what it converted: that is the answer.
  if (offloaded?.error) throw offloaded.error;
  return offloaded?.converted ?? upConvertMessageSet(messageSet);
}

/** Single node: there is no ISR to change (the only replica is the leader). */
const refuseIsrChanges: IsrWriter = {
  writeIsr: async () => null,
};

/**
 * Kafka's `UnifiedLog.collectAbortedTransactions` for a read: the aborted transactions that overlap
 * [fetchOffset, end of the last returned batch), so a read_committed consumer can drop their batches.
 */
function abortedIn(
  log: { abortedTransactions(from: bigint, upperBound: bigint): AbortedTxn[] },
  fetchOffset: bigint,
  records: Buffer,
): AbortedTxn[] {
  let upperBound = -1n;
  for (const batch of batchesIn(records)) upperBound = batch.nextOffset;
  return upperBound < 0n ? [] : log.abortedTransactions(fetchOffset, upperBound);
}
