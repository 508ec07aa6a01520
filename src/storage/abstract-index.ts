import * as fs from 'node:fs';
import { type CachedFile, logFiles } from './file-handle-cache.js';

/**
 * Common machinery of the sparse, fixed-width segment indexes (Kafka's `AbstractIndex`).
 *
 * Entries are kept in memory (loaded from the file on first use) for binary search, and each
 * append is also written to the file at its slot. The file is not preallocated: its length is
 * always `entries * entrySize`, so a clean file needs no trimming and a torn last entry shows as a
 * length that is not a multiple of the entry size (see `sanityCheck`). Indexes are derived data:
 * recovery rebuilds them from the `.log` whenever they are missing or suspect. Not thread-safe;
 * the owning Log serialises all access. The descriptor, once a write needs one, comes from the
 * bounded pool of open files (`logFiles`).
 */
export abstract class AbstractIndex {
  private mem: Buffer | null = null;
  private handle: CachedFile | null = null;
  private count: number;
  private fileSize: number;
  readonly maxEntries: number;

  protected constructor(
    private path: string,
    readonly baseOffset: bigint,
    maxIndexSize: number,
    readonly entrySize: number,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexSize / entrySize));
    this.fileSize = fileSizeOrZero(path);
    this.count = Math.floor(this.fileSize / entrySize);
  }

  get file(): string {
    return this.path;
  }

  get entries(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /**
   * Throws when the file cannot be a valid index; the caller then rebuilds it. The length check is
   * free; `full` also walks every entry (which loads the index), worth it for the active segment.
   */
  sanityCheck(full: boolean): void {
    if (this.fileSize % this.entrySize !== 0) {
      throw new Error(`index ${this.path} has length ${this.fileSize}, not a multiple of ${this.entrySize}`);
    }
    if (full) this.checkEntries();
  }

  /** Entry-specific checks (ordering, range). */
  protected abstract checkEntries(): void;

  /** The in-memory entries, loading them on first use. */
  protected entriesBuffer(): Buffer {
    if (this.mem === null) {
      const data = this.count > 0 ? fs.readFileSync(this.path) : Buffer.alloc(0);
      const capacity = Math.max(64, this.count) * this.entrySize;
      this.mem = Buffer.alloc(capacity);
      data.copy(this.mem, 0, 0, this.count * this.entrySize);
    }
    return this.mem;
  }

  /** Appends one encoded entry (exactly entrySize bytes) to memory and to the file. */
  protected appendEntry(entry: Buffer): void {
    if (this.isFull()) throw new Error(`index ${this.path} is full (${this.count} entries)`);
    let mem = this.entriesBuffer();
    const at = this.count * this.entrySize;
    if (at + this.entrySize > mem.length) {
      const grown = Buffer.alloc(Math.min(mem.length * 2, this.maxEntries * this.entrySize));
      mem.copy(grown, 0, 0, at);
      this.mem = mem = grown;
    }
    entry.copy(mem, at);
    this.openFile().write(entry, 0, this.entrySize, at);
    this.count++;
    this.fileSize = at + this.entrySize;
  }

  /** Keeps the first `entries` entries. */
  protected truncateToEntries(entries: number): void {
    if (entries >= this.count && this.fileSize === this.count * this.entrySize) return;
    this.count = Math.min(entries, this.count);
    this.fileSize = this.count * this.entrySize;
    if (this.handle !== null) this.handle.truncate(this.fileSize);
    else fs.truncateSync(this.path, this.fileSize);
  }

  /** Drops every entry. */
  reset(): void {
    this.mem = null;
    this.count = 0;
    this.fileSize = 0;
    if (this.handle !== null) this.handle.truncate(0);
    else fs.writeFileSync(this.path, '');
  }

  /**
   * Largest slot whose entry is <= target by `compare(slot)` (negative when the entry is below the
   * target, 0 equal, positive above); -1 when every entry is above it.
   */
  protected largestLowerBoundSlot(compare: (slot: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(mid) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  flush(): void {
    this.handle?.sync();
  }

  /** Starts an fsync in the background; `done` gets the outcome. */
  flushAsync(done: (error: Error | null) => void): void {
    if (this.handle === null) {
      done(null);
      return;
    }
    this.handle.syncAsync(done);
  }

  /** Releases the file handle and the in-memory copy (they are reloaded on next use). */
  close(): void {
    this.handle?.close();
    this.handle = null;
    this.mem = null;
  }

  renameTo(path: string): void {
    if (fs.existsSync(this.path)) fs.renameSync(this.path, path);
    this.path = path;
    this.handle?.renamed(path);
  }

  deleteFile(): void {
    this.close();
    fs.rmSync(this.path, { force: true });
  }

  private openFile(): CachedFile {
    this.handle ??= logFiles.file(this.path);
    return this.handle;
  }
}

function fileSizeOrZero(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}
