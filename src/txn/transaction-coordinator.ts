/**
 * Kafka's transaction coordinator (apache/kafka `core/.../coordinator/transaction/
 * TransactionCoordinator.scala` and `TransactionStateManager.scala`, transactions V1): producer ids
 * and epochs per transactional id, the partitions of the ongoing transaction, two-phase commit
 * (PrepareCommit/PrepareAbort written, markers written to every partition, CompleteCommit/CompleteAbort written), fencing by epoch,
 * aborting transactions that outlive their timeout, expiring idle transactional ids, and
 * finishing prepared transactions after a restart. State changes only by writing a
 * `__transaction_state` record and then applying it, so loading replays the same transitions.
 *
 * Plain domain objects in and out; answers are Kafka error names. Everything runs on the event
 * loop; while a write is in flight the metadata's `pendingState` makes other requests for the same
 * transactional id answer CONCURRENT_TRANSACTIONS, as Kafka does.
 */
import { coordinatorAppendError, partitionForKey } from '../group/group-metadata-manager.js';
import type { Timer } from '../group/timer.js';
import { systemTimer } from '../group/timer.js';
import { type Clock, systemClock } from '../util/clock.js';
import { SamsaError } from '../util/errors.js';
import { type Logger, silentLogger } from '../util/logger.js';
import {
  isCompleteOrEmpty,
  MAX_PRODUCER_EPOCH,
  parseTransactionState,
  type TopicPartition,
  TRANSACTION_STATE_NAMES,
  TransactionMetadata,
  TransactionState,
  type TxnTransitMetadata,
} from './transaction-metadata.js';
import type { TransactionStateLog } from './transaction-state-log.js';

export interface TransactionCoordinatorConfig {
  /** `transaction.state.log.num.partitions` (50). */
  readonly transactionStateLogNumPartitions: number;
  /** `transaction.max.timeout.ms` (900000). */
  readonly transactionMaxTimeoutMs: number;
  /** `transactional.id.expiration.ms` (604800000). */
  readonly transactionalIdExpirationMs: number;
  /** `transaction.abort.timed.out.transaction.cleanup.interval.ms` (10000). */
  readonly abortTimedOutTransactionCleanupIntervalMs: number;
  /** `transaction.remove.expired.transaction.cleanup.interval.ms` (3600000). */
  readonly removeExpiredTransactionalIdCleanupIntervalMs: number;
}

export const DEFAULT_TRANSACTION_COORDINATOR_CONFIG: TransactionCoordinatorConfig = Object.freeze({
  transactionStateLogNumPartitions: 50,
  transactionMaxTimeoutMs: 900_000,
  transactionalIdExpirationMs: 604_800_000,
  abortTimedOutTransactionCleanupIntervalMs: 10_000,
  removeExpiredTransactionalIdCleanupIntervalMs: 3_600_000,
});

/** Writes COMMIT/ABORT markers; resolves with an error name per failed partition (`topic\0p`). */
export interface TxnMarkerWriter {
  writeMarkers(marker: {
    producerId: bigint;
    producerEpoch: number;
    coordinatorEpoch: number;
    committed: boolean;
    partitions: readonly TopicPartition[];
  }): Promise<Map<string, string>>;
}

export interface TransactionCoordinatorOptions {
  readonly config: TransactionCoordinatorConfig;
  readonly log: TransactionStateLog;
  readonly producerIds: { generateProducerId(): bigint };
  readonly markers: TxnMarkerWriter;
  readonly clock?: Clock;
  readonly timer?: Timer;
  readonly logger?: Logger;
}

export interface InitProducerIdResult {
  readonly error: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export interface TransactionDescription {
  readonly error: string;
  readonly transactionalId: string;
  readonly state: string;
  readonly transactionTimeoutMs: number;
  readonly transactionStartTimeMs: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly topics: { topic: string; partitions: number[] }[];
}

export interface TransactionListing {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly state: string;
}

/** Single node: this broker leads every `__transaction_state` partition at epoch 0. */
const COORDINATOR_EPOCH = 0;

export class TransactionCoordinator {
  readonly config: TransactionCoordinatorConfig;
  private readonly txns = new Map<string, TransactionMetadata>();
  private readonly log: TransactionStateLog;
  private readonly producerIds: { generateProducerId(): bigint };
  private readonly markers: TxnMarkerWriter;
  private readonly clock: Clock;
  private readonly timer: Timer;
  private readonly logger: Logger;
  private state: 'new' | 'loading' | 'active' | 'stopped' = 'new';
  /** The `__transaction_state` partitions led here (cluster mode); undefined = all (single node). */
  private owned: Set<number> | undefined;
  private readonly loadingPartitions = new Set<number>();
  private readonly tasks: { cancel(): void }[] = [];

  constructor(options: TransactionCoordinatorOptions) {
    this.config = options.config;
    this.log = options.log;
    this.producerIds = options.producerIds;
    this.markers = options.markers;
    this.clock = options.clock ?? systemClock;
    this.timer = options.timer ?? systemTimer;
    this.logger = options.logger ?? silentLogger();
  }

  /** `__transaction_state` partition of a transactional id: abs(hashCode) % partitions. */
  partitionFor(transactionalId: string): number {
    return partitionForKey(transactionalId, this.config.transactionStateLogNumPartitions);
  }

  get isActive(): boolean {
    return this.state === 'active';
  }

  /**
   * Loads every partition (newest record per id wins), then finishes the transactions a crash
   * left prepared: their markers are written again and they complete. Ongoing ones are left to
   * the timeout, as in Kafka. In a cluster (`partitions` given, possibly none) only those are
   * loaded now; `loadPartition` and `unloadPartition` follow leadership of `__transaction_state`.
   */
  async startup(partitions?: readonly number[]): Promise<void> {
    if (partitions !== undefined) {
      this.owned = new Set();
      this.state = 'active';
      this.scheduleTasks();
      for (const p of partitions) await this.loadPartition(p);
      return;
    }
    this.state = 'loading';
    for (let p = 0; p < this.config.transactionStateLogNumPartitions; p++) this.replayPartition(p);
    this.state = 'active';
    const completed = await this.completePrepared(() => true);
    this.logger.debug(
      { transactionalIds: this.txns.size, completedOnLoad: completed },
      'loaded __transaction_state',
    );
    this.scheduleTasks();
  }

  /** Cluster mode: this broker now leads `__transaction_state` partition `partition`. */
  async loadPartition(partition: number): Promise<void> {
    if (this.owned === undefined || this.owned.has(partition)) return;
    this.owned.add(partition);
    this.loadingPartitions.add(partition);
    try {
      this.replayPartition(partition);
    } finally {
      this.loadingPartitions.delete(partition);
    }
    const completed = await this.completePrepared(
      (md) => this.partitionFor(md.transactionalId) === partition,
    );
    this.logger.info({ partition, completedOnLoad: completed }, 'loaded __transaction_state partition');
  }

  /** Cluster mode: another broker leads the partition now; its ids answer NOT_COORDINATOR here. */
  unloadPartition(partition: number): void {
    if (this.owned === undefined || !this.owned.delete(partition)) return;
    for (const id of [...this.txns.keys()]) if (this.partitionFor(id) === partition) this.txns.delete(id);
  }

  private replayPartition(partition: number): void {
    // Ids known before this replay whose partition is another one: records of theirs here were
    // written under an earlier partition mapping (the sign-bit mask) and are older than what their
    // own partition loaded.
    const loadedElsewhere = new Set(
      [...this.txns.keys()].filter((id) => this.partitionFor(id) !== partition),
    );
    for (const record of this.log.replay(partition)) {
      if (loadedElsewhere.has(record.transactionalId)) continue;
      if (record.value === null) {
        this.txns.delete(record.transactionalId);
        continue;
      }
      let md = this.txns.get(record.transactionalId);
      if (md === undefined) {
        md = new TransactionMetadata(record.transactionalId, record.value);
        this.txns.set(record.transactionalId, md);
      } else {
        md.load(record.value);
      }
    }
  }

  private async completePrepared(which: (md: TransactionMetadata) => boolean): Promise<number> {
    const prepared = [...this.txns.values()].filter(
      (md) =>
        which(md) &&
        (md.state === TransactionState.PrepareCommit || md.state === TransactionState.PrepareAbort),
    );
    for (const md of prepared) await this.completeTransaction(md);
    return prepared.length;
  }

  private scheduleTasks(): void {
    this.scheduleEvery(this.config.abortTimedOutTransactionCleanupIntervalMs, () =>
      this.abortTimedOutTransactions(),
    );
    this.scheduleEvery(this.config.removeExpiredTransactionalIdCleanupIntervalMs, () =>
      this.removeExpiredTransactionalIds(),
    );
  }

  shutdown(): void {
    this.state = 'stopped';
    for (const task of this.tasks) task.cancel();
    this.tasks.length = 0;
  }

  private scheduleEvery(intervalMs: number, task: () => Promise<unknown>): void {
    const run = () => {
      if (this.state !== 'active') return;
      void task()
        .catch((err) => this.logger.error({ err }, 'transaction coordinator task failed'))
        .finally(() => {
          if (this.state === 'active') this.tasks.push(this.timer.schedule(intervalMs, run));
        });
    };
    this.tasks.push(this.timer.schedule(intervalMs, run));
  }

  private notReady(transactionalId?: string): string | null {
    if (this.state === 'loading') return 'COORDINATOR_LOAD_IN_PROGRESS';
    if (this.state !== 'active') return 'COORDINATOR_NOT_AVAILABLE';
    if (transactionalId === undefined || this.owned === undefined) return null;
    const partition = this.partitionFor(transactionalId);
    if (this.loadingPartitions.has(partition)) return 'COORDINATOR_LOAD_IN_PROGRESS';
    if (!this.owned.has(partition)) return 'NOT_COORDINATOR';
    return null;
  }

  // ------------------------------------------------------------------------------ client APIs

  /**
   * InitProducerId. Without a transactional id: a fresh producer id at epoch 0. With one: the
   * epoch is bumped (a new id when it is exhausted), fencing older instances; an ongoing
   * transaction is aborted first. `expected` is the caller's current id and epoch (KIP-360, v3+).
   */
  async initProducerId(
    transactionalId: string | null,
    transactionTimeoutMs: number,
    expected: { producerId: bigint; producerEpoch: number } = { producerId: -1n, producerEpoch: -1 },
  ): Promise<InitProducerIdResult> {
    const fail = (error: string) => ({ error, producerId: -1n, producerEpoch: -1 });
    if (transactionalId === null) {
      return { error: 'NONE', producerId: this.producerIds.generateProducerId(), producerEpoch: 0 };
    }
    if (transactionalId === '') return fail('INVALID_REQUEST');
    if (transactionTimeoutMs <= 0 || transactionTimeoutMs > this.config.transactionMaxTimeoutMs) {
      return fail('INVALID_TRANSACTION_TIMEOUT');
    }
    const notReady = this.notReady(transactionalId);
    if (notReady !== null) return fail(notReady);
    let md = this.txns.get(transactionalId);
    if (md === undefined) {
      const now = this.clock.nowMs();
      md = new TransactionMetadata(transactionalId, {
        producerId: this.producerIds.generateProducerId(),
        lastProducerId: -1n,
        producerEpoch: -1,
        lastProducerEpoch: -1,
        txnTimeoutMs: transactionTimeoutMs,
        state: TransactionState.Empty,
        txnStartTimestampMs: -1,
        txnLastUpdateTimestampMs: now,
      });
      this.txns.set(transactionalId, md);
    }
    if (md.pendingState !== undefined) return fail('CONCURRENT_TRANSACTIONS');
    if (md.state === TransactionState.Ongoing) {
      // A new instance of the producer: fence the old one and abort its transaction.
      const error = await this.fenceAndAbort(md);
      if (error !== 'NONE') return fail(error);
    }
    if (!isCompleteOrEmpty(md.state)) return fail('CONCURRENT_TRANSACTIONS');
    if (expected.producerId >= 0n) {
      const current = expected.producerId === md.producerId && expected.producerEpoch === md.producerEpoch;
      const retried =
        expected.producerId === md.producerId &&
        md.lastProducerEpoch >= 0 &&
        expected.producerEpoch === md.lastProducerEpoch;
      if (retried) return { error: 'NONE', producerId: md.producerId, producerEpoch: md.producerEpoch };
      if (!current) return fail('PRODUCER_FENCED');
    }
    const now = this.clock.nowMs();
    const exhausted = md.producerEpoch >= MAX_PRODUCER_EPOCH;
    const transit: TxnTransitMetadata = {
      ...md.snapshot(),
      producerId: exhausted ? this.producerIds.generateProducerId() : md.producerId,
      lastProducerId: exhausted ? md.producerId : md.lastProducerId,
      producerEpoch: exhausted ? 0 : md.producerEpoch + 1,
      lastProducerEpoch: exhausted ? -1 : md.producerEpoch,
      txnTimeoutMs: transactionTimeoutMs,
      state: TransactionState.Empty,
      partitions: [],
      txnStartTimestampMs: -1,
      txnLastUpdateTimestampMs: now,
    };
    const error = await this.persist(md, transit);
    if (error !== 'NONE') return fail(error);
    this.logger.info(
      { transactionalId, producerId: String(md.producerId), producerEpoch: md.producerEpoch },
      'initialized transactional producer',
    );
    return { error: 'NONE', producerId: md.producerId, producerEpoch: md.producerEpoch };
  }

  /** AddPartitionsToTxn (and AddOffsetsToTxn with the group's `__consumer_offsets` partition). */
  async addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
  ): Promise<string> {
    if (transactionalId === '') return 'INVALID_REQUEST';
    const notReady = this.notReady(transactionalId);
    if (notReady !== null) return notReady;
    const md = this.txns.get(transactionalId);
    const invalid = this.checkProducer(md, producerId, producerEpoch);
    if (invalid !== null) return invalid;
    const m = md!;
    if (m.state === TransactionState.Ongoing && partitions.every((tp) => m.hasPartition(tp))) return 'NONE';
    if (m.state !== TransactionState.Ongoing && !isCompleteOrEmpty(m.state)) return 'CONCURRENT_TRANSACTIONS';
    const now = this.clock.nowMs();
    const base = m.snapshot();
    const merged = new Map(base.partitions.map((tp) => [`${tp.topic}\u0000${tp.partition}`, tp]));
    for (const tp of partitions) merged.set(`${tp.topic}\u0000${tp.partition}`, tp);
    return this.persist(m, {
      ...base,
      state: TransactionState.Ongoing,
      partitions: [...merged.values()],
      txnStartTimestampMs: isCompleteOrEmpty(m.state) ? now : m.txnStartTimestampMs,
      txnLastUpdateTimestampMs: now,
    });
  }

  /**
   * EndTxn: commit or abort the ongoing transaction. By default resolves once every marker is
   * written and the transaction is complete. With `answerWhenPrepared` it resolves as soon as
   * PrepareCommit/PrepareAbort is written, the point of no return, and the markers and the
   * Complete state follow right after (`setImmediate`), as Kafka's coordinator answers EndTxn and
   * leaves the markers to `TransactionMarkerChannelManager`. Until they are written the id stays
   * pending, so its next request answers CONCURRENT_TRANSACTIONS (and the client retries), and a
   * restart in between finishes the prepared transaction on load.
   */
  async endTransaction(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    committed: boolean,
    options: { answerWhenPrepared?: boolean } = {},
  ): Promise<string> {
    if (transactionalId === '') return 'INVALID_REQUEST';
    const notReady = this.notReady(transactionalId);
    if (notReady !== null) return notReady;
    const md = this.txns.get(transactionalId);
    const invalid = this.checkProducer(md, producerId, producerEpoch, true);
    if (invalid !== null) return invalid;
    const m = md!;
    switch (m.state) {
      case TransactionState.Ongoing:
        return this.endOngoing(m, committed, m.producerEpoch, options.answerWhenPrepared === true);
      case TransactionState.PrepareCommit:
        return committed ? 'CONCURRENT_TRANSACTIONS' : 'INVALID_TXN_STATE';
      case TransactionState.PrepareAbort:
        return committed ? 'INVALID_TXN_STATE' : 'CONCURRENT_TRANSACTIONS';
      case TransactionState.CompleteCommit:
        return committed ? 'NONE' : 'INVALID_TXN_STATE'; // a retry of a commit that completed
      case TransactionState.CompleteAbort:
        return committed ? 'INVALID_TXN_STATE' : 'NONE';
      default:
        return 'INVALID_TXN_STATE';
    }
  }

  /** The common checks of AddPartitions/AddOffsets/EndTxn (Kafka's order of answers). */
  private checkProducer(
    md: TransactionMetadata | undefined,
    producerId: bigint,
    producerEpoch: number,
    ending = false,
  ): string | null {
    if (md === undefined || md.state === TransactionState.Dead) return 'INVALID_PRODUCER_ID_MAPPING';
    if (md.producerId !== producerId) return 'INVALID_PRODUCER_ID_MAPPING';
    if (md.producerEpoch !== producerEpoch) return 'PRODUCER_FENCED';
    if (md.pendingState !== undefined) return 'CONCURRENT_TRANSACTIONS';
    if (
      !ending &&
      (md.state === TransactionState.PrepareCommit || md.state === TransactionState.PrepareAbort)
    ) {
      return 'CONCURRENT_TRANSACTIONS';
    }
    if (md.state === TransactionState.PrepareEpochFence) return 'CONCURRENT_TRANSACTIONS';
    return null;
  }

  private async endOngoing(
    md: TransactionMetadata,
    committed: boolean,
    producerEpoch = md.producerEpoch,
    answerWhenPrepared = false,
  ): Promise<string> {
    const now = this.clock.nowMs();
    const error = await this.persist(md, {
      ...md.snapshot(),
      producerEpoch,
      lastProducerEpoch: producerEpoch !== md.producerEpoch ? md.producerEpoch : md.lastProducerEpoch,
      state: committed ? TransactionState.PrepareCommit : TransactionState.PrepareAbort,
      txnLastUpdateTimestampMs: now,
    });
    if (error !== 'NONE') return error;
    if (!answerWhenPrepared) {
      await this.completeTransaction(md);
      return 'NONE';
    }
    // Pending from now on, so nothing else starts for this id before the markers are written.
    md.pendingState = committed ? TransactionState.CompleteCommit : TransactionState.CompleteAbort;
    setImmediate(() => {
      if (this.state !== 'active') {
        md.pendingState = undefined; // completed on the next load
        return;
      }
      this.completeTransaction(md).catch((err) =>
        this.logger.error({ err, transactionalId: md.transactionalId }, 'completing a transaction failed'),
      );
    });
    return 'NONE';
  }

  /** Writes the markers of a prepared transaction, then its CompleteCommit/CompleteAbort state. */
  private async completeTransaction(md: TransactionMetadata): Promise<void> {
    const committed = md.state === TransactionState.PrepareCommit;
    const partitions = [...md.partitions.values()];
    md.pendingState = committed ? TransactionState.CompleteCommit : TransactionState.CompleteAbort;
    let failed: Map<string, string>;
    try {
      failed = await this.markers.writeMarkers({
        producerId: md.producerId,
        producerEpoch: md.producerEpoch,
        coordinatorEpoch: COORDINATOR_EPOCH,
        committed,
        partitions,
      });
    } catch (err) {
      failed = new Map([['*', err instanceof SamsaError ? err.kafkaError : 'UNKNOWN_SERVER_ERROR']]);
    }
    md.pendingState = undefined;
    // A partition that no longer exists cannot take its marker and needs none (Kafka drops it);
    // anything else stays prepared and is retried by the periodic task.
    const retriable = [...failed.values()].filter((e) => e !== 'UNKNOWN_TOPIC_OR_PARTITION');
    if (retriable.length > 0) {
      this.logger.warn(
        { transactionalId: md.transactionalId, errors: Object.fromEntries(failed) },
        'could not write every transaction marker; will retry',
      );
      return;
    }
    const error = await this.persist(md, {
      ...md.snapshot(),
      state: committed ? TransactionState.CompleteCommit : TransactionState.CompleteAbort,
      partitions: [],
      txnLastUpdateTimestampMs: this.clock.nowMs(),
    });
    if (error !== 'NONE') {
      this.logger.warn({ transactionalId: md.transactionalId, error }, 'could not complete the transaction');
    }
  }

  /**
   * Bumps the epoch, so the current instance is fenced, and aborts its transaction under the new
   * epoch (Kafka's `prepareFenceProducerEpoch` followed by an abort). At the epoch ceiling the
   * epoch stays, as in Kafka.
   */
  private async fenceAndAbort(md: TransactionMetadata): Promise<string> {
    const epoch = md.producerEpoch < MAX_PRODUCER_EPOCH ? md.producerEpoch + 1 : md.producerEpoch;
    return this.endOngoing(md, false, epoch);
  }

  /** Aborts transactions running longer than their timeout (Kafka's `abortTimedOutTransactions`). */
  async abortTimedOutTransactions(): Promise<number> {
    const now = this.clock.nowMs();
    let aborted = 0;
    for (const md of [...this.txns.values()]) {
      if (md.pendingState !== undefined) continue;
      if (md.state === TransactionState.PrepareCommit || md.state === TransactionState.PrepareAbort) {
        await this.completeTransaction(md); // markers that failed earlier
        continue;
      }
      if (md.state !== TransactionState.Ongoing || md.txnStartTimestampMs + md.txnTimeoutMs > now) continue;
      this.logger.info(
        { transactionalId: md.transactionalId, producerId: String(md.producerId), epoch: md.producerEpoch },
        'aborting a transaction that exceeded its timeout',
      );
      if ((await this.fenceAndAbort(md)) === 'NONE') aborted++;
    }
    return aborted;
  }

  /** Writes tombstones for ids idle past transactional.id.expiration.ms with no transaction. */
  async removeExpiredTransactionalIds(): Promise<number> {
    const now = this.clock.nowMs();
    let removed = 0;
    for (const md of [...this.txns.values()]) {
      if (md.pendingState !== undefined || !isCompleteOrEmpty(md.state)) continue;
      if (now - md.txnLastUpdateTimestampMs < this.config.transactionalIdExpirationMs) continue;
      md.pendingState = TransactionState.Dead;
      try {
        await this.log.append(this.partitionFor(md.transactionalId), {
          transactionalId: md.transactionalId,
          value: null,
        });
        this.txns.delete(md.transactionalId);
        removed++;
      } catch (err) {
        md.pendingState = undefined;
        this.logger.warn({ transactionalId: md.transactionalId, err }, 'could not expire a transactional id');
      }
    }
    return removed;
  }

  /** Writes the transit, then applies it; the metadata is unchanged when the write fails. */
  private async persist(md: TransactionMetadata, transit: TxnTransitMetadata): Promise<string> {
    md.pendingState = transit.state;
    try {
      await this.log.append(this.partitionFor(md.transactionalId), {
        transactionalId: md.transactionalId,
        value: transit,
      });
    } catch (err) {
      md.pendingState = undefined;
      const name = err instanceof SamsaError ? err.kafkaError : 'UNKNOWN_SERVER_ERROR';
      if (!(err instanceof SamsaError)) this.logger.error({ err }, 'append to __transaction_state failed');
      return transactionLogAppendError(name);
    }
    md.apply(transit);
    return 'NONE';
  }

  // ------------------------------------------------------------------------------ admin APIs

  /** DescribeTransactions (KIP-664). */
  describeTransactions(transactionalIds: readonly string[]): TransactionDescription[] {
    return transactionalIds.map((transactionalId) => {
      const md = this.txns.get(transactionalId);
      const error =
        this.notReady(transactionalId) ?? (md === undefined ? 'TRANSACTIONAL_ID_NOT_FOUND' : 'NONE');
      if (md === undefined || error !== 'NONE') {
        return {
          error,
          transactionalId,
          state: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: -1,
          producerId: -1n,
          producerEpoch: -1,
          topics: [],
        };
      }
      return {
        error: 'NONE',
        transactionalId,
        state: TRANSACTION_STATE_NAMES[md.state],
        transactionTimeoutMs: md.txnTimeoutMs,
        transactionStartTimeMs: md.txnStartTimestampMs,
        producerId: md.producerId,
        producerEpoch: md.producerEpoch,
        topics: md.partitionsByTopic().map((t) => ({ topic: t.topic, partitions: t.partitions })),
      };
    });
  }

  /**
   * ListTransactions (KIP-664; `durationFilterMs` from KIP-994): filters combine; unknown state
   * names are reported back and match nothing.
   */
  listTransactions(
    stateFilters: readonly string[],
    producerIdFilters: readonly bigint[],
    durationFilterMs = -1n,
  ): { error: string; unknownStateFilters: string[]; transactions: TransactionListing[] } {
    const notReady = this.notReady();
    if (notReady !== null) return { error: notReady, unknownStateFilters: [], transactions: [] };
    const unknownStateFilters: string[] = [];
    const states = new Set<TransactionState>();
    for (const name of stateFilters) {
      const state = parseTransactionState(name);
      if (state === undefined) unknownStateFilters.push(name);
      else states.add(state);
    }
    const producerIds = new Set(producerIdFilters);
    const now = BigInt(this.clock.nowMs());
    const transactions: TransactionListing[] = [];
    if (stateFilters.length > 0 && states.size === 0)
      return { error: 'NONE', unknownStateFilters, transactions };
    for (const md of this.txns.values()) {
      if (states.size > 0 && !states.has(md.state)) continue;
      if (producerIds.size > 0 && !producerIds.has(md.producerId)) continue;
      if (
        durationFilterMs >= 0n &&
        (md.txnStartTimestampMs < 0 || now - BigInt(md.txnStartTimestampMs) < durationFilterMs)
      ) {
        continue;
      }
      transactions.push({
        transactionalId: md.transactionalId,
        producerId: md.producerId,
        state: TRANSACTION_STATE_NAMES[md.state],
      });
    }
    transactions.sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : 1));
    return { error: 'NONE', unknownStateFilters, transactions };
  }

  /** The metadata of a transactional id (tests, DescribeProducers). */
  get(transactionalId: string): TransactionMetadata | undefined {
    return this.txns.get(transactionalId);
  }
}

/**
 * How a failed `__transaction_state` write is reported to the client (Kafka's
 * `TransactionStateManager.appendTransactionToLog`): a write that did not reach the ISR in time is
 * COORDINATOR_NOT_AVAILABLE too, so that the client retries.
 */
export function transactionLogAppendError(name: string): string {
  return coordinatorAppendError(name, {
    timedOut: 'COORDINATOR_NOT_AVAILABLE',
    tooLarge: 'UNKNOWN_SERVER_ERROR',
    tooLargeNames: ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE'],
  });
}
