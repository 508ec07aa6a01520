/**
 * A transactional id's state at its coordinator (Kafka's `TransactionState` and
 * `TransactionMetadata`).
 *
 * States and their persisted ids (`transactionStatus` in `__transaction_state`):
 * | state             | id | meaning                                                   | reached from                          |
 * |-------------------|----|-----------------------------------------------------------|---------------------------------------|
 * | Empty             | 0  | producer id/epoch assigned, no transaction                | Empty, CompleteCommit, CompleteAbort  |
 * | Ongoing           | 1  | partitions added; data may be in them                     | Ongoing, Empty, CompleteCommit, CompleteAbort |
 * | PrepareCommit     | 2  | EndTxn(commit) accepted; COMMIT markers being written     | Ongoing                               |
 * | PrepareAbort      | 3  | EndTxn(abort), a timeout or a fence; ABORT markers        | Ongoing, PrepareEpochFence            |
 * | CompleteCommit    | 4  | every marker written                                      | PrepareCommit                         |
 * | CompleteAbort     | 5  | every marker written                                      | PrepareAbort                          |
 * | Dead              | 6  | transactional id expired; a tombstone follows             | Empty, CompleteCommit, CompleteAbort  |
 * | PrepareEpochFence | 7  | in memory only: epoch bumped to fence a producer, abort next | Ongoing                            |
 *
 * Answers per API (see `TransactionCoordinator`): InitProducerId bumps the epoch from Empty and
 * CompleteCommit/CompleteAbort, fences and aborts an Ongoing transaction first, and is told CONCURRENT_TRANSACTIONS in
 * PrepareCommit/PrepareAbort; AddPartitions/AddOffsets move Empty, CompleteCommit/CompleteAbort and Ongoing to Ongoing and get
 * CONCURRENT_TRANSACTIONS in PrepareCommit/PrepareAbort; EndTxn moves Ongoing to PrepareCommit/PrepareAbort, answers a retry in the
 * matching CompleteCommit/CompleteAbort with success and a mismatch or Empty with INVALID_TXN_STATE.
 */

import { groupByTopic } from '../util/group-by-topic.js';

export enum TransactionState {
  Empty = 0,
  Ongoing = 1,
  PrepareCommit = 2,
  PrepareAbort = 3,
  CompleteCommit = 4,
  CompleteAbort = 5,
  Dead = 6,
  PrepareEpochFence = 7,
}

export const TRANSACTION_STATE_NAMES: Readonly<Record<TransactionState, string>> = {
  [TransactionState.Empty]: 'Empty',
  [TransactionState.Ongoing]: 'Ongoing',
  [TransactionState.PrepareCommit]: 'PrepareCommit',
  [TransactionState.PrepareAbort]: 'PrepareAbort',
  [TransactionState.CompleteCommit]: 'CompleteCommit',
  [TransactionState.CompleteAbort]: 'CompleteAbort',
  [TransactionState.Dead]: 'Dead',
  [TransactionState.PrepareEpochFence]: 'PrepareEpochFence',
};

export function parseTransactionState(name: string): TransactionState | undefined {
  for (const [id, n] of Object.entries(TRANSACTION_STATE_NAMES)) if (n === name) return Number(id);
  return undefined;
}

const VALID_PREVIOUS_STATES: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  [TransactionState.Empty]: [
    TransactionState.Empty,
    TransactionState.CompleteCommit,
    TransactionState.CompleteAbort,
  ],
  [TransactionState.Ongoing]: [
    TransactionState.Ongoing,
    TransactionState.Empty,
    TransactionState.CompleteCommit,
    TransactionState.CompleteAbort,
  ],
  [TransactionState.PrepareCommit]: [TransactionState.Ongoing],
  [TransactionState.PrepareAbort]: [TransactionState.Ongoing, TransactionState.PrepareEpochFence],
  [TransactionState.CompleteCommit]: [TransactionState.PrepareCommit],
  [TransactionState.CompleteAbort]: [TransactionState.PrepareAbort],
  [TransactionState.Dead]: [
    TransactionState.Empty,
    TransactionState.CompleteCommit,
    TransactionState.CompleteAbort,
  ],
  [TransactionState.PrepareEpochFence]: [TransactionState.Ongoing],
};

export function isValidTransition(from: TransactionState, to: TransactionState): boolean {
  return VALID_PREVIOUS_STATES[to].includes(from);
}

/** States with no transaction in progress, from which a new one may start. */
export function isCompleteOrEmpty(state: TransactionState): boolean {
  return (
    state === TransactionState.Empty ||
    state === TransactionState.CompleteCommit ||
    state === TransactionState.CompleteAbort
  );
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Kafka's epoch ceiling: at Short.MaxValue - 1 a producer gets a new id instead of a bump. */
export const MAX_PRODUCER_EPOCH = 32766;

/** What a `__transaction_state` record holds; applying it to the metadata is the only way state changes. */
export interface TxnTransitMetadata {
  readonly producerId: bigint;
  readonly lastProducerId: bigint;
  readonly producerEpoch: number;
  readonly lastProducerEpoch: number;
  readonly txnTimeoutMs: number;
  readonly state: TransactionState;
  readonly partitions: readonly TopicPartition[];
  readonly txnStartTimestampMs: number;
  readonly txnLastUpdateTimestampMs: number;
}

export class TransactionMetadata {
  producerId: bigint;
  /** The id before the last epoch exhaustion, so a retried InitProducerId is recognised. */
  lastProducerId: bigint;
  producerEpoch: number;
  /** The epoch before the last bump (KIP-360 retries), -1 when none. */
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TransactionState;
  /** A write in flight towards this state; other requests get CONCURRENT_TRANSACTIONS meanwhile. */
  pendingState: TransactionState | undefined;
  readonly partitions = new Map<string, TopicPartition>();
  txnStartTimestampMs: number;
  txnLastUpdateTimestampMs: number;

  constructor(
    readonly transactionalId: string,
    init: Omit<TxnTransitMetadata, 'partitions'> & { partitions?: readonly TopicPartition[] },
  ) {
    this.producerId = init.producerId;
    this.lastProducerId = init.lastProducerId;
    this.producerEpoch = init.producerEpoch;
    this.lastProducerEpoch = init.lastProducerEpoch;
    this.txnTimeoutMs = init.txnTimeoutMs;
    this.state = init.state;
    this.txnStartTimestampMs = init.txnStartTimestampMs;
    this.txnLastUpdateTimestampMs = init.txnLastUpdateTimestampMs;
    for (const tp of init.partitions ?? []) this.partitions.set(key(tp), tp);
  }

  hasPartition(tp: TopicPartition): boolean {
    return this.partitions.has(key(tp));
  }

  /** The current state as a transit (the base every `prepare*` starts from). */
  snapshot(): TxnTransitMetadata {
    return {
      producerId: this.producerId,
      lastProducerId: this.lastProducerId,
      producerEpoch: this.producerEpoch,
      lastProducerEpoch: this.lastProducerEpoch,
      txnTimeoutMs: this.txnTimeoutMs,
      state: this.state,
      partitions: [...this.partitions.values()],
      txnStartTimestampMs: this.txnStartTimestampMs,
      txnLastUpdateTimestampMs: this.txnLastUpdateTimestampMs,
    };
  }

  /** Applies a written transit (Kafka's `completeTransitionTo`); throws on an illegal transition. */
  apply(transit: TxnTransitMetadata): void {
    if (!isValidTransition(this.state, transit.state)) {
      throw new Error(
        `${this.transactionalId}: illegal transition from ${TRANSACTION_STATE_NAMES[this.state]} to ${TRANSACTION_STATE_NAMES[transit.state]}`,
      );
    }
    this.load(transit);
  }

  /** Takes a transit as it is (loading from the log, where history is already settled). */
  load(transit: TxnTransitMetadata): void {
    this.producerId = transit.producerId;
    this.lastProducerId = transit.lastProducerId;
    this.producerEpoch = transit.producerEpoch;
    this.lastProducerEpoch = transit.lastProducerEpoch;
    this.txnTimeoutMs = transit.txnTimeoutMs;
    this.state = transit.state;
    this.partitions.clear();
    for (const tp of transit.partitions) this.partitions.set(key(tp), tp);
    this.txnStartTimestampMs = transit.txnStartTimestampMs;
    this.txnLastUpdateTimestampMs = transit.txnLastUpdateTimestampMs;
    this.pendingState = undefined;
  }

  /** Partitions grouped by topic, topics and partitions sorted. */
  partitionsByTopic(): { topic: string; partitions: number[] }[] {
    const byTopic = groupByTopic(this.partitions.values(), (tp) => tp.partition);
    return [...byTopic.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
  }
}

function key(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}
