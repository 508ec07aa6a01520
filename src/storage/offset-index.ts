import { AbstractIndex } from './abstract-index.js';

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

/**
 * The `.index` file of a segment (Kafka's `OffsetIndex`): sparse 8-byte entries mapping an offset
 * to the byte position of the batch holding it in the `.log`:
 *
 * ```
 * relativeOffset int32   offset - segment baseOffset (the lastOffset of the indexed batch)
 * position       int32   byte position of that batch in the .log
 * ```
 * An entry is added roughly every `index.interval.bytes` of log. Offsets are strictly increasing.
 */
export class OffsetIndex extends AbstractIndex {
  static readonly ENTRY_SIZE = 8;
  private readonly scratch = Buffer.alloc(OffsetIndex.ENTRY_SIZE);

  constructor(path: string, baseOffset: bigint, maxIndexSize: number) {
    super(path, baseOffset, maxIndexSize, OffsetIndex.ENTRY_SIZE);
  }

  /** Offset of the last entry, or the base offset when empty. */
  get lastOffset(): bigint {
    return this.entries === 0 ? this.baseOffset : this.entryAt(this.entries - 1).offset;
  }

  entryAt(slot: number): OffsetPosition {
    const mem = this.entriesBuffer();
    const at = slot * OffsetIndex.ENTRY_SIZE;
    return { offset: this.baseOffset + BigInt(mem.readInt32BE(at)), position: mem.readInt32BE(at + 4) };
  }

  append(offset: bigint, position: number): void {
    if (this.entries > 0 && offset <= this.lastOffset) {
      throw new Error(
        `offset ${offset} is not above the last indexed offset ${this.lastOffset} in ${this.file}`,
      );
    }
    this.scratch.writeInt32BE(this.relative(offset), 0);
    this.scratch.writeInt32BE(position, 4);
    this.appendEntry(this.scratch);
  }

  /** The entry with the largest offset <= target, or (baseOffset, 0) when there is none. */
  lookup(targetOffset: bigint): OffsetPosition {
    const mem = this.entriesBuffer();
    const target = targetOffset - this.baseOffset;
    const slot = this.largestLowerBoundSlot((s) => compareBig(BigInt(mem.readInt32BE(s * 8)), target));
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entryAt(slot);
  }

  /** Removes entries for offsets >= offset. */
  truncateTo(offset: bigint): void {
    const mem = this.entriesBuffer();
    const target = offset - this.baseOffset;
    const slot = this.largestLowerBoundSlot((s) => compareBig(BigInt(mem.readInt32BE(s * 8)), target));
    // Keep entries strictly below the offset.
    const keep = slot < 0 ? 0 : BigInt(mem.readInt32BE(slot * 8)) === target ? slot : slot + 1;
    this.truncateToEntries(keep);
  }

  protected checkEntries(): void {
    let previous = -1;
    for (let slot = 0; slot < this.entries; slot++) {
      const { offset, position } = this.entryAt(slot);
      const relative = Number(offset - this.baseOffset);
      if (relative <= previous || position < 0) {
        throw new Error(`index ${this.file} entry ${slot} is out of order`);
      }
      previous = relative;
    }
  }

  private relative(offset: bigint): number {
    const relative = offset - this.baseOffset;
    if (relative < 0n || relative > 0x7fffffffn) {
      throw new Error(`offset ${offset} does not fit the index of the segment at ${this.baseOffset}`);
    }
    return Number(relative);
  }
}

export function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
