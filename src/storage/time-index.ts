import { AbstractIndex } from './abstract-index.js';
import { compareBig } from './offset-index.js';

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

/**
 * The `.timeindex` file of a segment (Kafka's `TimeIndex`): sparse 12-byte entries
 *
 * ```
 * timestamp      int64   largest batch maxTimestamp seen so far in the segment
 * relativeOffset int32   offset - baseOffset of the batch that carried it
 * ```
 * Timestamps strictly increase (an entry is only added when the max timestamp grows), so a binary
 * search finds where in the segment a timestamp lookup must start scanning.
 */
export class TimeIndex extends AbstractIndex {
  static readonly ENTRY_SIZE = 12;
  private readonly scratch = Buffer.alloc(TimeIndex.ENTRY_SIZE);

  constructor(path: string, baseOffset: bigint, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, TimeIndex.ENTRY_SIZE);
  }

  entryAt(slot: number): TimestampOffset {
    const mem = this.entriesBuffer();
    const at = slot * TimeIndex.ENTRY_SIZE;
    return { timestamp: mem.readBigInt64BE(at), offset: this.baseOffset + BigInt(mem.readInt32BE(at + 8)) };
  }

  /** The last entry, or (-1, baseOffset) when empty. */
  get lastEntry(): TimestampOffset {
    return this.entries === 0 ? { timestamp: -1n, offset: this.baseOffset } : this.entryAt(this.entries - 1);
  }

  /** Appends when `timestamp` is above the last entry's (Kafka's `TimeIndex.maybeAppend`). */
  maybeAppend(timestamp: bigint, offset: bigint): void {
    const last = this.lastEntry;
    if (this.entries > 0 && timestamp <= last.timestamp) return;
    if (this.entries > 0 && offset < last.offset) {
      throw new Error(
        `offset ${offset} is below the last time-indexed offset ${last.offset} in ${this.file}`,
      );
    }
    const relative = offset - this.baseOffset;
    if (relative < 0n || relative > 0x7fffffffn) {
      throw new Error(`offset ${offset} does not fit the time index of the segment at ${this.baseOffset}`);
    }
    this.scratch.writeBigInt64BE(timestamp, 0);
    this.scratch.writeInt32BE(Number(relative), 8);
    this.appendEntry(this.scratch);
  }

  /** The entry with the largest timestamp <= target, or (-1, baseOffset) when there is none. */
  lookup(timestamp: bigint): TimestampOffset {
    const mem = this.entriesBuffer();
    const slot = this.largestLowerBoundSlot((s) => compareBig(mem.readBigInt64BE(s * 12), timestamp));
    return slot < 0 ? { timestamp: -1n, offset: this.baseOffset } : this.entryAt(slot);
  }

  /** Removes entries for offsets >= offset. */
  truncateTo(offset: bigint): void {
    let keep = this.entries;
    while (keep > 0 && this.entryAt(keep - 1).offset >= offset) keep--;
    this.truncateToEntries(keep);
  }

  protected checkEntries(): void {
    let previous: TimestampOffset | undefined;
    for (let slot = 0; slot < this.entries; slot++) {
      const entry = this.entryAt(slot);
      if (
        entry.offset < this.baseOffset ||
        (previous !== undefined && (entry.timestamp <= previous.timestamp || entry.offset < previous.offset))
      ) {
        throw new Error(`time index ${this.file} entry ${slot} is out of order`);
      }
      previous = entry;
    }
  }
}
