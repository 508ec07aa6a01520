import { decodeEndTxnMarker, type EndTransactionMarker } from '../protocol/records/control-batch.js';
import { NO_PRODUCER_EPOCH, NO_SEQUENCE, type RecordBatchView } from '../protocol/records/record-batch.js';
import { SamsaError } from '../util/errors.js';

/**
 * Per-partition producer state for idempotence and transactions (Kafka's `ProducerStateManager`,
 * `ProducerStateEntry`, `ProducerAppendInfo`).
 *
 * For every producer id that wrote to the partition: its epoch, the metadata of its last five
 * batches (enough to recognise any retry of the in-flight requests an idempotent producer allows,
 * `max.in.flight.requests.per.connection` <= 5), the epoch of the coordinator that wrote its last
 * marker, and the first offset of its ongoing transaction. The ongoing transactions give the
 * partition's first unstable offset, hence the last stable offset (LSO) read_committed stops at.
 *
 * An append is checked in two steps so that nothing changes when it is refused: `prepareAppend`
 * validates the batches (offsets already assigned) and returns the updates or the duplicate it
 * found; the caller writes the batches and only then calls `commitAppend`.
 */

/** Who appends (Kafka's `AppendOrigin`): sequences are checked and duplicates found for clients only. */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

/** Kafka keeps the metadata of this many batches per producer (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`). */
export const NUM_BATCHES_TO_RETAIN = 5;
const INT32_MAX = 0x7fffffff;

export interface BatchMetadata {
  readonly lastSeq: number;
  readonly lastOffset: bigint;
  /** lastSeq - firstSeq, also lastOffset - firstOffset. */
  readonly offsetDelta: number;
  readonly timestamp: bigint;
}

export function firstSeqOf(b: BatchMetadata): number {
  return decrementSequence(b.lastSeq, b.offsetDelta);
}

export function firstOffsetOf(b: BatchMetadata): bigint {
  return b.lastOffset - BigInt(b.offsetDelta);
}

/** Kafka's `DefaultRecordBatch.incrementSequence`: sequences wrap from Integer.MAX_VALUE to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

/** What the partition knows of one producer id. */
export class ProducerStateEntry {
  constructor(
    readonly producerId: bigint,
    public producerEpoch: number = NO_PRODUCER_EPOCH,
    public coordinatorEpoch = -1,
    public lastTimestamp = -1n,
    /** First offset of the ongoing transaction in this partition, -1n when none. */
    public currentTxnFirstOffset = -1n,
    readonly batchMetadata: BatchMetadata[] = [],
  ) {}

  get isEmpty(): boolean {
    return this.batchMetadata.length === 0;
  }

  get lastSeq(): number {
    return this.batchMetadata.at(-1)?.lastSeq ?? NO_SEQUENCE;
  }

  get firstSeq(): number {
    const first = this.batchMetadata[0];
    return first === undefined ? NO_SEQUENCE : firstSeqOf(first);
  }

  get lastDataOffset(): bigint {
    return this.batchMetadata.at(-1)?.lastOffset ?? -1n;
  }

  clone(): ProducerStateEntry {
    return new ProducerStateEntry(
      this.producerId,
      this.producerEpoch,
      this.coordinatorEpoch,
      this.lastTimestamp,
      this.currentTxnFirstOffset,
      [...this.batchMetadata],
    );
  }

  addBatch(epoch: number, lastSeq: number, lastOffset: bigint, offsetDelta: number, timestamp: bigint): void {
    this.maybeUpdateProducerEpoch(epoch);
    this.batchMetadata.push({ lastSeq, lastOffset, offsetDelta, timestamp });
    if (this.batchMetadata.length > NUM_BATCHES_TO_RETAIN) this.batchMetadata.shift();
    this.lastTimestamp = timestamp;
  }

  /** A new epoch forgets the old epoch's batches. */
  maybeUpdateProducerEpoch(epoch: number): void {
    if (this.producerEpoch === epoch) return;
    this.batchMetadata.length = 0;
    this.producerEpoch = epoch;
  }

  /** The retained batch with exactly this epoch and sequence range, if this is a retry of it. */
  findDuplicateBatch(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (epoch !== this.producerEpoch) return undefined;
    return this.batchMetadata.find((b) => b.lastSeq === lastSeq && firstSeqOf(b) === firstSeq);
  }
}

/** A transaction a marker just ended in this partition. */
export interface CompletedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  /** Offset of the marker. */
  readonly lastOffset: bigint;
  readonly isAborted: boolean;
}

/** The updates of one append, ready to commit once the batches are written. */
export interface PreparedAppend {
  /** The retained batch this append repeats; nothing is to be written. */
  readonly duplicate?: BatchMetadata;
  readonly updated: ReadonlyMap<bigint, ProducerStateEntry>;
  readonly startedTxns: readonly { producerId: bigint; firstOffset: bigint }[];
  readonly completedTxns: readonly CompletedTxn[];
}

const NOTHING_PREPARED: PreparedAppend = Object.freeze({
  updated: new Map(),
  startedTxns: [],
  completedTxns: [],
});

function lastSequenceOf(batch: RecordBatchView): number {
  return incrementSequence(batch.baseSequence, batch.lastOffsetDelta);
}

/**
 * Applies one batch to a producer's pending entry (Kafka's `ProducerAppendInfo.append`), throwing
 * Kafka's error when the batch is refused. `where` names the partition in messages.
 */
function applyBatch(
  current: ProducerStateEntry | undefined,
  updated: ProducerStateEntry,
  batch: RecordBatchView,
  origin: AppendOrigin,
  where: string,
): { started?: bigint; completed?: CompletedTxn } {
  const epoch = batch.producerEpoch;
  const offset = batch.baseOffset;
  // Epochs only move forward. Kafka 2.7+ answers INVALID_PRODUCER_EPOCH (not PRODUCER_FENCED) so
  // that a transactional producer can abort and retry (KIP-588); replicas take what the leader wrote.
  if (epoch < updated.producerEpoch && origin !== 'replication') {
    throw new SamsaError(
      'INVALID_PRODUCER_EPOCH',
      `Epoch of producer ${batch.producerId} at offset ${offset} in ${where} is ${epoch}, smaller than the last seen epoch ${updated.producerEpoch}`,
    );
  }
  if (batch.isControl) {
    const marker: EndTransactionMarker | null = decodeEndTxnMarker(batch);
    if (marker === null) return {}; // unknown control types are ignored, as Kafka does
    if (origin !== 'replication' && updated.coordinatorEpoch > marker.coordinatorEpoch) {
      throw new SamsaError(
        'TRANSACTION_COORDINATOR_FENCED',
        `Invalid coordinator epoch for producer ${batch.producerId} at offset ${offset} in ${where}: ${marker.coordinatorEpoch} (zombie), ${updated.coordinatorEpoch} (current)`,
      );
    }
    // Only a marker that ends data in this partition completes a transaction here; an empty one
    // moves neither the LSO nor the transaction index.
    const completed: CompletedTxn | undefined =
      updated.currentTxnFirstOffset >= 0n
        ? {
            producerId: batch.producerId,
            firstOffset: updated.currentTxnFirstOffset,
            lastOffset: offset,
            isAborted: marker.type === 0,
          }
        : undefined;
    updated.maybeUpdateProducerEpoch(epoch);
    updated.currentTxnFirstOffset = -1n;
    updated.coordinatorEpoch = marker.coordinatorEpoch;
    updated.lastTimestamp = batch.maxTimestamp;
    return completed === undefined ? {} : { completed };
  }

  const firstSeq = batch.baseSequence;
  if (origin === 'client') checkSequence(current, updated, batch.producerId, epoch, firstSeq, where);
  updated.addBatch(epoch, lastSequenceOf(batch), batch.lastOffset, batch.lastOffsetDelta, batch.maxTimestamp);
  if (batch.isTransactional) {
    if (updated.currentTxnFirstOffset < 0n) {
      updated.currentTxnFirstOffset = offset;
      return { started: offset };
    }
  } else if (updated.currentTxnFirstOffset >= 0n) {
    throw new SamsaError(
      'INVALID_TXN_STATE',
      `Expected transactional write from producer ${batch.producerId} at offset ${offset} in ${where}`,
    );
  }
  return {};
}

/**
 * Kafka's `ProducerAppendInfo.checkSequence` (the 2.4 rules, which still answer UNKNOWN_PRODUCER_ID
 * for a producer this partition has no record of and whose first batch does not start at 0).
 */
function checkSequence(
  current: ProducerStateEntry | undefined,
  updated: ProducerStateEntry,
  producerId: bigint,
  epoch: number,
  firstSeq: number,
  where: string,
): void {
  if (epoch !== updated.producerEpoch) {
    if (firstSeq === 0) return;
    if (updated.producerEpoch !== NO_PRODUCER_EPOCH) {
      throw new SamsaError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Invalid sequence number for new epoch of producer ${producerId} in ${where}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${updated.producerEpoch} (current producer epoch)`,
      );
    }
    throw new SamsaError(
      'UNKNOWN_PRODUCER_ID',
      `Found no record of producerId=${producerId} in ${where}. It is possible that the last message with the producerId=${producerId} has been removed due to hitting the retention limit.`,
    );
  }
  const currentLastSeq = !updated.isEmpty
    ? updated.lastSeq
    : epoch === current?.producerEpoch
      ? current.lastSeq
      : NO_SEQUENCE;
  if (currentLastSeq === NO_SEQUENCE && firstSeq !== 0) {
    throw new SamsaError(
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      `Out of order sequence number for producer ${producerId} in ${where}: found ${firstSeq} (incoming seq. number), but expected 0`,
    );
  }
  const inSequence = firstSeq === currentLastSeq + 1 || (firstSeq === 0 && currentLastSeq === INT32_MAX);
  if (currentLastSeq !== NO_SEQUENCE && !inSequence) {
    throw new SamsaError(
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
      `Out of order sequence number for producer ${producerId} in ${where}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
    );
  }
}

export class ProducerStateManager {
  private readonly producerMap = new Map<bigint, ProducerStateEntry>();
  /** Ongoing transactions by first offset, kept in offset order. */
  private ongoing = new Map<bigint, bigint>();

  constructor(private readonly where: string) {}

  get producers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.producerMap;
  }

  get(producerId: bigint): ProducerStateEntry | undefined {
    return this.producerMap.get(producerId);
  }

  /**
   * Checks the batches of an append whose offsets are assigned. A client's retry of a batch still
   * in the retained five is reported as `duplicate`, so the caller can acknowledge it with the
   * original offsets and write nothing (Kafka answers a duplicate this way since KIP-98). Throws
   * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, UNKNOWN_PRODUCER_ID, INVALID_TXN_STATE,
   * TRANSACTION_COORDINATOR_FENCED.
   */
  prepareAppend(batches: readonly RecordBatchView[], origin: AppendOrigin): PreparedAppend {
    // Plain producers (no producer id) are the common case: no state, no allocation.
    if (!batches.some((b) => b.producerId >= 0n)) return NOTHING_PREPARED;
    const updated = new Map<bigint, ProducerStateEntry>();
    const startedTxns: { producerId: bigint; firstOffset: bigint }[] = [];
    const completedTxns: CompletedTxn[] = [];
    for (const batch of batches) {
      const producerId = batch.producerId;
      if (producerId < 0n) continue;
      const current = this.producerMap.get(producerId);
      if (origin === 'client' && !batch.isControl) {
        const entry = updated.get(producerId) ?? current;
        const duplicate = entry?.findDuplicateBatch(
          batch.producerEpoch,
          batch.baseSequence,
          lastSequenceOf(batch),
        );
        if (duplicate !== undefined) {
          return { duplicate, updated: new Map(), startedTxns: [], completedTxns: [] };
        }
      }
      let entry = updated.get(producerId);
      if (entry === undefined) {
        entry = current?.clone() ?? new ProducerStateEntry(producerId);
        updated.set(producerId, entry);
      }
      const result = applyBatch(current, entry, batch, origin, this.where);
      if (result.started !== undefined) startedTxns.push({ producerId, firstOffset: result.started });
      if (result.completed !== undefined) completedTxns.push(result.completed);
    }
    return { updated, startedTxns, completedTxns };
  }

  /** Applies a prepared append once its batches are in the log. */
  commitAppend(prepared: PreparedAppend): void {
    for (const [producerId, entry] of prepared.updated) this.producerMap.set(producerId, entry);
    for (const txn of prepared.startedTxns) this.ongoing.set(txn.firstOffset, txn.producerId);
    for (const txn of prepared.completedTxns) this.ongoing.delete(txn.firstOffset);
  }

  /** The first offset of the earliest ongoing transaction, or undefined when none is open. */
  firstUnstableOffset(): bigint | undefined {
    for (const offset of this.ongoing.keys()) return offset;
    return undefined;
  }

  /**
   * The LSO recorded with an aborted transaction in the index: the earliest transaction still
   * open once it completed, else the offset after its marker (Kafka's `lastStableOffset`).
   */
  lastStableOffsetAfter(completed: CompletedTxn): bigint {
    for (const offset of this.ongoing.keys()) if (offset !== completed.firstOffset) return offset;
    return completed.lastOffset + 1n;
  }

  /** Ongoing transactions, oldest first (DescribeProducers, tests). */
  ongoingTxns(): { producerId: bigint; firstOffset: bigint }[] {
    return [...this.ongoing].map(([firstOffset, producerId]) => ({ producerId, firstOffset }));
  }

  /** Replaces the whole state (loading a snapshot). */
  load(entries: Iterable<ProducerStateEntry>): void {
    this.producerMap.clear();
    const ongoing: [bigint, bigint][] = [];
    for (const entry of entries) {
      this.producerMap.set(entry.producerId, entry);
      if (entry.currentTxnFirstOffset >= 0n) ongoing.push([entry.currentTxnFirstOffset, entry.producerId]);
    }
    ongoing.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.ongoing = new Map(ongoing);
  }

  clear(): void {
    this.producerMap.clear();
    this.ongoing.clear();
  }

  /**
   * Forgets producers idle for longer than `producer.id.expiration.ms` that have no open
   * transaction (Kafka's `removeExpiredProducers`).
   */
  removeExpiredProducers(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [producerId, entry] of this.producerMap) {
      if (entry.currentTxnFirstOffset >= 0n) continue;
      if (nowMs - Number(entry.lastTimestamp) >= expirationMs) {
        this.producerMap.delete(producerId);
        removed++;
      }
    }
    return removed;
  }
}
