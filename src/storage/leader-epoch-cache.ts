import * as path from 'node:path';
import { readCheckpointLines, writeCheckpointLines } from './checkpoint.js';

/** The first offset written under a leader epoch. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: bigint;
}

/** An epoch and the offset just past its last record (OffsetForLeaderEpoch's answer). */
export interface EpochEndOffset {
  readonly epoch: number;
  readonly endOffset: bigint;
}

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';

const UNDEFINED: EpochEndOffset = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };

/**
 * Kafka's `LeaderEpochFileCache`: for each leader epoch, the offset where it starts, kept in the
 * partition directory as `leader-epoch-checkpoint` (version 0, the count, then `epoch startOffset`
 * lines). Entries increase in both epoch and start offset; a new entry drops any that would break
 * that order. A new epoch is written (atomically, fsynced) before the append that brings it returns;
 * truncations are written with the next change or when the log closes, as Kafka flushes them
 * asynchronously (`truncateFrom*AsyncFlush`): opening the log truncates the cache to it again, so a
 * crash before that write loses nothing.
 */
export class LeaderEpochFileCache {
  readonly file: string;
  private epochs: EpochEntry[];
  /** Truncated in memory, not yet written. */
  private dirty = false;

  constructor(dir: string) {
    this.file = path.join(dir, LEADER_EPOCH_CHECKPOINT);
    this.epochs = readCheckpointLines(this.file, parseEntry);
  }

  entries(): readonly EpochEntry[] {
    return this.epochs;
  }

  get latestEpoch(): number | undefined {
    return this.epochs.at(-1)?.epoch;
  }

  get earliestEntry(): EpochEntry | undefined {
    return this.epochs[0];
  }

  /** Kafka's `epochForOffset`: the epoch of the latest entry starting at or below `offset`. */
  epochForOffset(offset: bigint): number | undefined {
    let found: number | undefined;
    for (const e of this.epochs) {
      if (e.startOffset > offset) break;
      found = e.epoch;
    }
    return found;
  }

  /** Start offset of `epoch`, when known. */
  startOffsetOf(epoch: number): bigint | undefined {
    return this.epochs.find((e) => e.epoch === epoch)?.startOffset;
  }

  /**
   * Records that `epoch` starts at `startOffset`. A no-op when it is already the latest epoch at or
   * below that offset; otherwise entries with an epoch or start offset at or above it are dropped.
   */
  assign(epoch: number, startOffset: bigint): void {
    if (epoch < 0 || startOffset < 0n) return; // legacy batches carry no epoch
    const latest = this.epochs.at(-1);
    if (latest !== undefined && latest.epoch === epoch && startOffset >= latest.startOffset) return;
    this.epochs = this.epochs.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
    this.epochs.push({ epoch, startOffset });
    this.flush();
  }

  /**
   * Kafka's `endOffsetFor`: the largest epoch <= `requestedEpoch` and the start offset of the next
   * epoch after it (the log end offset when `requestedEpoch` is the latest). An epoch older than
   * every entry gets the first entry's start offset; an unknown epoch gets UNDEFINED.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: bigint): EpochEndOffset {
    if (requestedEpoch === UNDEFINED_EPOCH) return UNDEFINED;
    const latest = this.epochs.at(-1);
    if (latest !== undefined && latest.epoch === requestedEpoch) {
      return { epoch: requestedEpoch, endOffset: logEndOffset };
    }
    const higher = this.epochs.findIndex((e) => e.epoch > requestedEpoch);
    if (higher < 0) return UNDEFINED;
    const floor = higher - 1;
    if (floor < 0) return { epoch: requestedEpoch, endOffset: this.epochs[higher]!.startOffset };
    return { epoch: this.epochs[floor]!.epoch, endOffset: this.epochs[higher]!.startOffset };
  }

  /** Drops the entries that start at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: bigint): void {
    if (endOffset < 0n) return;
    const kept = this.epochs.filter((e) => e.startOffset < endOffset);
    if (kept.length === this.epochs.length) return;
    this.epochs = kept;
    this.markDirty();
  }

  /**
   * The log start moved to `startOffset`: entries wholly before it go, and the last of them is kept
   * as starting at `startOffset`, since its epoch still covers the records from there.
   */
  truncateFromStart(startOffset: bigint): void {
    const removed = this.epochs.filter((e) => e.startOffset <= startOffset);
    if (removed.length === 0) return;
    const last = removed.at(-1)!;
    if (removed.length === 1 && last.startOffset === startOffset) return;
    this.epochs = [{ epoch: last.epoch, startOffset }, ...this.epochs.slice(removed.length)];
    this.markDirty();
  }

  /** Forgets every epoch (the log was emptied). */
  clear(): void {
    if (this.epochs.length === 0) return;
    this.epochs = [];
    this.flush();
  }

  /** Writes truncations not yet on disk (the log closes). */
  flushIfDirty(): void {
    if (this.dirty) this.flush();
  }

  private markDirty(): void {
    this.dirty = true;
  }

  private flush(): void {
    this.dirty = false;
    writeCheckpointLines(
      this.file,
      this.epochs.map((e) => `${e.epoch} ${e.startOffset}`),
    );
  }
}

function parseEntry(line: string): EpochEntry | undefined {
  const match = /^(\d+) (\d+)$/.exec(line);
  if (!match) return undefined;
  return { epoch: Number(match[1]), startOffset: BigInt(match[2]!) };
}
