import * as fs from 'node:fs';

/**
 * A bounded pool of open file descriptors for segment and index files, least recently used closed
 * first, so that the descriptors a broker holds grow with the files in use, not with the files on
 * disk (Kafka keeps every segment mmapped or open; a node process has only RLIMIT_NOFILE).
 *
 * A `CachedFile` opens itself on use and may be closed behind its back at any time it is not
 * pinned; every operation reopens it as needed. Closing a descriptor loses nothing: written data
 * stays in the page cache, and an fsync through a later descriptor of the same file flushes it
 * (fsync works on the inode). Writes are tracked so that `sync` fsyncs only a file written since
 * its last sync, even if it was closed in between.
 *
 * When opening fails with EMFILE/ENFILE the pool closes its idle descriptors and tries once more,
 * so a low descriptor limit costs reopen calls, not failed requests.
 */
export class FileHandleCache {
  private readonly open = new Map<CachedFile, true>();
  private capacity: number;

  constructor(capacity: number) {
    this.capacity = validCapacity(capacity);
  }

  get maxOpenFiles(): number {
    return this.capacity;
  }

  /** Changes the bound; extra descriptors are closed at once. */
  setMaxOpenFiles(capacity: number): void {
    this.capacity = validCapacity(capacity);
    this.makeRoom(0);
  }

  /** Descriptors open right now. */
  get openCount(): number {
    return this.open.size;
  }

  /** A handle for `path` (opened read-write, created when missing, on first use). */
  file(path: string): CachedFile {
    return new CachedFile(this, path);
  }

  /** @internal */
  touch(file: CachedFile): void {
    this.open.delete(file);
    this.open.set(file, true);
  }

  /** @internal Opens a descriptor for `file`, making room first. */
  openFd(path: string): number {
    this.makeRoom(1);
    try {
      return fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'EMFILE' && code !== 'ENFILE') || this.close(this.open.size) === 0) throw error;
      return fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    }
  }

  /** @internal Closes what pinned descriptors kept open past the bound. */
  trim(): void {
    this.makeRoom(0);
  }

  /** @internal */
  forget(file: CachedFile): void {
    this.open.delete(file);
  }

  /** Closes least recently used descriptors until `room` more fit under the bound. */
  private makeRoom(room: number): void {
    const excess = this.open.size + room - this.capacity;
    if (excess > 0) this.close(excess);
  }

  /** Closes up to `count` unpinned descriptors, least recently used first; returns how many. */
  private close(count: number): number {
    let closed = 0;
    for (const file of this.open.keys()) {
      if (closed >= count) break;
      if (file.releaseFd()) closed++;
    }
    return closed;
  }
}

/** One file of the pool; see `FileHandleCache`. Not thread-safe, as everything in storage. */
export class CachedFile {
  private fdOrNull: number | null = null;
  private pins = 0;
  private writes = 0;
  private syncedWrites = 0;
  private closed = false;

  constructor(
    private readonly cache: FileHandleCache,
    private filePath: string,
  ) {}

  get path(): string {
    return this.filePath;
  }

  get isOpen(): boolean {
    return this.fdOrNull !== null;
  }

  /** True when written since the last successful sync. */
  get isDirty(): boolean {
    return this.writes !== this.syncedWrites;
  }

  /** The descriptor, for one synchronous operation: it may be closed after the next `fd()` of any file. */
  fd(): number {
    if (this.closed) throw new Error(`${this.filePath} is closed`);
    if (this.fdOrNull === null) this.fdOrNull = this.cache.openFd(this.filePath);
    this.cache.touch(this);
    return this.fdOrNull;
  }

  write(buffer: Buffer, offset: number, length: number, position: number): number {
    const fd = this.fd();
    this.writes++;
    return fs.writeSync(fd, buffer, offset, length, position);
  }

  read(buffer: Buffer, offset: number, length: number, position: number): number {
    return fs.readSync(this.fd(), buffer, offset, length, position);
  }

  truncate(length: number): void {
    const fd = this.fd();
    this.writes++;
    fs.ftruncateSync(fd, length);
  }

  stat(): fs.Stats {
    return fs.fstatSync(this.fd());
  }

  /** fsync when anything was written since the last sync. */
  sync(): void {
    if (!this.isDirty) return;
    const upTo = this.writes;
    fs.fsyncSync(this.fd());
    this.syncedWrites = upTo;
  }

  /** As `sync`, in the background; the descriptor stays open until it is done. */
  syncAsync(done: (error: Error | null) => void): void {
    if (!this.isDirty || this.closed) {
      done(null);
      return;
    }
    const upTo = this.writes;
    let fd: number;
    try {
      fd = this.fd();
    } catch (error) {
      done(error as Error);
      return;
    }
    this.pins++;
    fs.fsync(fd, (error) => {
      this.pins--;
      if (error === null && upTo > this.syncedWrites) this.syncedWrites = upTo;
      if (this.closed && this.pins === 0) this.releaseFd();
      else this.cache.trim();
      done(error);
    });
  }

  /** Points the handle at the file's new name after a rename (an open descriptor follows the inode). */
  renamed(path: string): void {
    this.filePath = path;
  }

  /** Closes the descriptor for good (a pinned one once its background sync is done). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pins === 0) this.releaseFd();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal Closes the descriptor unless pinned; true when it was closed here. */
  releaseFd(): boolean {
    if (this.fdOrNull === null || this.pins > 0) return false;
    const fd = this.fdOrNull;
    this.fdOrNull = null;
    this.cache.forget(this);
    fs.closeSync(fd);
    return true;
  }
}

function validCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`the open file limit must be a positive integer, got ${capacity}`);
  }
  return capacity;
}

/** Samsa's default for log.max.open.files. */
export const DEFAULT_MAX_OPEN_FILES = 500;

/**
 * The process's pool for segment and index files. One per process, as the descriptor limit is:
 * the broker sets its bound from log.max.open.files.
 */
export const logFiles = new FileHandleCache(DEFAULT_MAX_OPEN_FILES);
