import { ControlRecordType } from '../../protocol/records/control-batch.js';
import type { AbortedTxn } from '../txn-index.js';

/** What the cleaner needs of a batch to follow transactions. */
export interface TxnBatchInfo {
  readonly producerId: bigint;
  readonly lastOffset: bigint;
  readonly isTransactional: boolean;
}

/**
 * Transaction state while the cleaner walks a log (Kafka's `CleanedTransactionMetadata`): the
 * aborted transactions met so far (from the transaction indexes), the producers with committed
 * data seen, and the aborted transactions whose data is being removed. It decides when a batch
 * belongs to an aborted transaction (its data is dropped at once) and when a marker may go: a
 * COMMIT once no data of its transaction is left before it, an ABORT once all its data is gone.
 * Retained ABORT markers are written to the cleaned segment's transaction index (`onAbortRetained`).
 */
export class CleanedTxnMetadata {
  private readonly ongoingCommitted = new Set<bigint>();
  private readonly ongoingAborted = new Map<
    bigint,
    { txn: AbortedTxn; lastObservedBatchOffset: bigint | null }
  >();
  /** Aborted transactions not reached yet, by first offset (a sorted queue). */
  private pending: AbortedTxn[] = [];
  onAbortRetained: (txn: AbortedTxn) => void = () => {};

  addAbortedTransactions(txns: readonly AbortedTxn[]): void {
    if (txns.length === 0) return;
    this.pending.push(...txns);
    this.pending.sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /**
   * A control batch was read (`markerType`: its control record type, null when it holds no record,
   * i.e. was already cleaned empty). Returns true when the marker may be discarded.
   */
  onControlBatchRead(batch: TxnBatchInfo, markerType: number | null): boolean {
    this.consumeAbortedUpTo(batch.lastOffset);
    if (markerType === null) return true; // an empty control batch was cleaned before
    if (markerType === ControlRecordType.ABORT) {
      const aborted = this.ongoingAborted.get(batch.producerId);
      this.ongoingAborted.delete(batch.producerId);
      // Keep the marker until every batch of the transaction has been removed.
      if (aborted !== undefined && aborted.lastObservedBatchOffset !== null) {
        this.onAbortRetained(aborted.txn);
        return false;
      }
      return true;
    }
    if (markerType === ControlRecordType.COMMIT) {
      // Discardable when no batch of the transaction was seen before it.
      return !this.ongoingCommitted.delete(batch.producerId);
    }
    return false;
  }

  /** A data batch was read; true when it belongs to an aborted transaction (safe to drop). */
  onBatchRead(batch: TxnBatchInfo): boolean {
    this.consumeAbortedUpTo(batch.lastOffset);
    if (!batch.isTransactional) return false;
    const aborted = this.ongoingAborted.get(batch.producerId);
    if (aborted !== undefined) {
      aborted.lastObservedBatchOffset = batch.lastOffset;
      return true;
    }
    this.ongoingCommitted.add(batch.producerId);
    return false;
  }

  private consumeAbortedUpTo(offset: bigint): void {
    let taken = 0;
    while (taken < this.pending.length && this.pending[taken]!.firstOffset <= offset) {
      const txn = this.pending[taken++]!;
      if (!this.ongoingAborted.has(txn.producerId)) {
        this.ongoingAborted.set(txn.producerId, { txn, lastObservedBatchOffset: null });
      }
    }
    if (taken > 0) this.pending = this.pending.slice(taken);
  }
}
