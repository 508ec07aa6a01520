import * as fs from 'node:fs';

/** One aborted transaction, as the fetch path and the `.txnindex` file know it. */
export interface AbortedTxn {
  readonly producerId: bigint;
  /** Offset of the transaction's first batch in this partition. */
  readonly firstOffset: bigint;
  /** Offset of the ABORT marker. */
  readonly lastOffset: bigint;
  /** The partition's last stable offset once the marker was written. */
  readonly lastStableOffset: bigint;
}

export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
const ENTRY_SIZE = 34;
const CURRENT_VERSION = 0;

/**
 * A segment's aborted transactions (Kafka's `TransactionIndex`, `<baseOffset>.txnindex`): one
 * 34-byte entry per ABORT marker written into the segment, in marker order.
 * ```
 * AbortedTxn => version int16 (0), producerId int64, firstOffset int64, lastOffset int64,
 *               lastStableOffset int64
 * ```
 * read_committed fetches return the entries overlapping the fetched range so consumers can drop
 * the aborted batches. The file is append-only; a torn last entry (length not a multiple of 34)
 * is ignored on load and overwritten. Entries are kept in memory (they are few). Not thread-safe.
 */
export class TransactionIndex {
  private entries: AbortedTxn[] = [];
  private fd: number | null = null;

  constructor(readonly file: string) {
    if (!fs.existsSync(file)) return;
    const data = fs.readFileSync(file);
    this.entries = parseEntries(data);
    if (data.length !== this.entries.length * ENTRY_SIZE) this.rewrite();
  }

  get size(): number {
    return this.entries.length;
  }

  all(): readonly AbortedTxn[] {
    return this.entries;
  }

  /** Appends an entry; its lastOffset must not be below the previous entry's. */
  append(txn: AbortedTxn): void {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && txn.lastOffset < last.lastOffset) {
      throw new Error(
        `aborted transaction ending at ${txn.lastOffset} is below the last one (${last.lastOffset}) in ${this.file}`,
      );
    }
    this.entries.push(txn);
    const buf = encodeEntry(txn);
    const fd = this.open();
    fs.writeSync(fd, buf, 0, buf.length, (this.entries.length - 1) * ENTRY_SIZE);
  }

  /**
   * Entries with lastOffset >= fetchOffset and firstOffset < upperBoundOffset (Kafka's
   * `collectAbortedTxns`). `complete` tells whether an entry past the bound was seen, so later
   * segments need not be searched.
   */
  collect(fetchOffset: bigint, upperBoundOffset: bigint): { txns: AbortedTxn[]; complete: boolean } {
    const txns: AbortedTxn[] = [];
    for (const txn of this.entries) {
      if (txn.lastOffset >= fetchOffset && txn.firstOffset < upperBoundOffset) txns.push(txn);
      if (txn.lastStableOffset >= upperBoundOffset) return { txns, complete: true };
    }
    return { txns, complete: false };
  }

  /** Drops entries whose marker is at or above `offset` (log truncation). */
  truncateTo(offset: bigint): void {
    const keep = this.entries.findIndex((t) => t.lastOffset >= offset);
    if (keep < 0) return;
    this.entries = this.entries.slice(0, keep);
    this.rewrite();
  }

  /** Empties the index (segment recovery rebuilds it). */
  reset(): void {
    this.entries = [];
    this.rewrite();
  }

  flush(): void {
    if (this.fd !== null) fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  /** Removes the file (segment deletion). */
  delete(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }

  private open(): number {
    this.fd ??= fs.openSync(this.file, fs.existsSync(this.file) ? 'r+' : 'w+');
    return this.fd;
  }

  private rewrite(): void {
    const fd = this.open();
    fs.ftruncateSync(fd, 0);
    if (this.entries.length > 0) {
      const buf = Buffer.concat(this.entries.map(encodeEntry));
      fs.writeSync(fd, buf, 0, buf.length, 0);
    }
  }
}

export function encodeEntry(txn: AbortedTxn): Buffer {
  const buf = Buffer.allocUnsafe(ENTRY_SIZE);
  buf.writeInt16BE(CURRENT_VERSION, 0);
  buf.writeBigInt64BE(txn.producerId, 2);
  buf.writeBigInt64BE(txn.firstOffset, 10);
  buf.writeBigInt64BE(txn.lastOffset, 18);
  buf.writeBigInt64BE(txn.lastStableOffset, 26);
  return buf;
}

function parseEntries(data: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (let pos = 0; pos + ENTRY_SIZE <= data.length; pos += ENTRY_SIZE) {
    const version = data.readInt16BE(pos);
    if (version !== CURRENT_VERSION) break; // Kafka throws; a bad tail is dropped and rebuilt here
    out.push({
      producerId: data.readBigInt64BE(pos + 2),
      firstOffset: data.readBigInt64BE(pos + 10),
      lastOffset: data.readBigInt64BE(pos + 18),
      lastStableOffset: data.readBigInt64BE(pos + 26),
    });
  }
  return out;
}
