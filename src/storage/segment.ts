import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BATCH_LENGTH_OFFSET,
  CompressionCodec,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchView,
} from '../protocol/records/record-batch.js';
import { decodeRecords } from '../protocol/records/records.js';
import { type CachedFile, logFiles } from './file-handle-cache.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const DELETED_FILE_SUFFIX = '.deleted';
/** Files of a segment the cleaner is writing, and of one about to be swapped in (Kafka's `LogFileUtils`). */
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';

/** Kafka names segment files by base offset, zero-padded to 20 digits (`LogFileUtils.filenamePrefixFromOffset`). */
export function filenamePrefixFromOffset(offset: bigint): string {
  return offset.toString().padStart(20, '0');
}

/** Where one batch of an append sits in the appended buffer, with what the indexes need. */
export interface AppendedBatch {
  position: number;
  sizeInBytes: number;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

export interface TimestampAndOffset {
  offset: bigint;
  timestamp: bigint;
  /** partitionLeaderEpoch of the batch holding the record (ListOffsets v4+ returns it). */
  leaderEpoch: number;
}

/** A batch found in a segment. */
export interface BatchLocation {
  position: number;
  sizeInBytes: number;
  baseOffset: bigint;
  lastOffset: bigint;
}

const EMPTY = Buffer.alloc(0);
const SCAN_CHUNK_BYTES = 64 * 1024;

/**
 * One segment of a partition's log (Kafka's `LogSegment`): `<baseOffset>.log` holding record
 * batches exactly as appended, plus its sparse `.index` and `.timeindex`. Positions are int32 byte
 * offsets into the `.log`; a segment never exceeds 2 GiB.
 *
 * I/O is synchronous: an append is one positional write, a read is one positional read of whole
 * batches. Nothing is fsynced here unless the Log asks (`flush`). The `.log` descriptor comes from
 * the bounded pool of open files (`logFiles`), so idle segments hold none. Not thread-safe; the Log
 * serialises access.
 */
export class Segment {
  private readonly logFile: CachedFile;
  private sizeBytes: number;
  private logPath: string;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  /** One past the last offset in this segment; the base offset while empty. */
  nextOffset: bigint;
  /** Largest batch maxTimestamp in the segment, -1 while unknown or empty. */
  maxTimestampSoFar = -1n;
  offsetOfMaxTimestampSoFar: bigint;
  private bytesSinceLastIndexEntry = 0;
  /** Wall-clock ms that segment.ms counts from: the first append, or the first batch's timestamp once reloaded. */
  private rollingBasedTimestampMs: number | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: bigint,
    maxIndexSize: number,
    create: boolean,
    fileSuffix = '',
  ) {
    const prefix = path.join(dir, filenamePrefixFromOffset(baseOffset));
    this.logPath = prefix + LOG_FILE_SUFFIX + fileSuffix;
    if (create) {
      // Kafka creates all three files with the segment; an empty index is a valid one.
      for (const suffix of [INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX]) {
        fs.writeFileSync(prefix + suffix + fileSuffix, '');
      }
    }
    if (create) fs.writeFileSync(this.logPath, '');
    this.logFile = logFiles.file(this.logPath);
    this.sizeBytes = create ? 0 : sizeCreatingIfMissing(this.logPath);
    this.offsetIndex = new OffsetIndex(prefix + INDEX_FILE_SUFFIX + fileSuffix, baseOffset, maxIndexSize);
    this.timeIndex = new TimeIndex(prefix + TIME_INDEX_FILE_SUFFIX + fileSuffix, baseOffset, maxIndexSize);
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestampSoFar = baseOffset;
  }

  /** A new, empty segment (any leftover files at its name are replaced). */
  static create(dir: string, baseOffset: bigint, maxIndexSize: number): Segment {
    return new Segment(dir, baseOffset, maxIndexSize, true);
  }

  /**
   * An existing segment; call `loadState` (clean) or `recover` (after a crash) before use.
   * `fileSuffix` opens the files of a cleaned or swap segment (`.cleaned`, `.swap`).
   */
  static open(dir: string, baseOffset: bigint, maxIndexSize: number, fileSuffix = ''): Segment {
    return new Segment(dir, baseOffset, maxIndexSize, false, fileSuffix);
  }

  /** A new, empty segment under `<name>.cleaned` files, written by the log cleaner. */
  static createCleaned(dir: string, baseOffset: bigint, maxIndexSize: number): Segment {
    return new Segment(dir, baseOffset, maxIndexSize, true, CLEANED_FILE_SUFFIX);
  }

  /**
   * Renames the segment's files from suffix `from` to `to` (Kafka's `changeFileSuffixes`): the
   * steps of swapping a cleaned segment in. Open handles stay valid across a rename.
   */
  changeFileSuffixes(from: string, to: string): void {
    const rename = (file: string) => file.slice(0, file.length - from.length) + to;
    if (!this.logPath.endsWith(from)) throw new Error(`${this.logPath} does not end in ${from}`);
    const logPath = rename(this.logPath);
    fs.renameSync(this.logPath, logPath);
    this.logPath = logPath;
    this.logFile.renamed(logPath);
    this.offsetIndex.renameTo(rename(this.offsetIndex.file));
    this.timeIndex.renameTo(rename(this.timeIndex.file));
  }

  /** Sets the `.log` file's modification time (a cleaned segment keeps its source's). */
  setLastModified(mtimeMs: number): void {
    const seconds = mtimeMs / 1000;
    fs.futimesSync(this.logFile.fd(), seconds, seconds);
  }

  get lastModifiedMs(): number {
    return this.logFile.stat().mtimeMs;
  }

  get size(): number {
    return this.sizeBytes;
  }

  get file(): string {
    return this.logPath;
  }

  /** Offset of the last record in the segment; baseOffset - 1 when empty. */
  get lastOffset(): bigint {
    return this.nextOffset - 1n;
  }

  /** Milliseconds since the segment became "old enough to roll" started counting (0 while empty). */
  timeWaitedForRollMs(nowMs: number): number {
    return this.rollingBasedTimestampMs === undefined ? 0 : nowMs - this.rollingBasedTimestampMs;
  }

  /** The timestamp retention.ms compares with: the max timestamp, or the file's mtime when none. */
  largestTimestamp(): bigint {
    if (this.maxTimestampSoFar >= 0n) return this.maxTimestampSoFar;
    return BigInt(Math.floor(this.logFile.stat().mtimeMs));
  }

  /**
   * Writes `records` (already validated, offsets assigned) at the end of the `.log` in one write
   * and adds index entries every `indexIntervalBytes`, as Kafka's `LogSegment.append` does: the
   * entry maps a batch's lastOffset to the batch's position.
   */
  append(
    records: Buffer,
    batches: readonly AppendedBatch[],
    indexIntervalBytes: number,
    nowMs: number,
  ): void {
    if (batches.length === 0) return;
    const physicalPosition = this.sizeBytes;
    writeFully(this.logFile, records, physicalPosition);
    this.sizeBytes += records.length;
    for (const batch of batches) {
      if (batch.maxTimestamp > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = batch.maxTimestamp;
        this.offsetOfMaxTimestampSoFar = batch.lastOffset;
      }
      if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
        this.offsetIndex.append(batch.lastOffset, physicalPosition + batch.position);
        this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += batch.sizeInBytes;
    }
    this.nextOffset = batches[batches.length - 1]!.lastOffset + 1n;
    this.rollingBasedTimestampMs ??= nowMs;
  }

  /** The first batch whose lastOffset >= offset, searching from the index; null when past the end. */
  translateOffset(offset: bigint): BatchLocation | null {
    let found: BatchLocation | null = null;
    this.scan(this.offsetIndex.lookup(offset).position, false, (batch, position) => {
      if (batch.lastOffset < offset) return true;
      found = {
        position,
        sizeInBytes: batch.sizeInBytes,
        baseOffset: batch.baseOffset,
        lastOffset: batch.lastOffset,
      };
      return false;
    });
    return found;
  }

  /**
   * The first record at or after `startingOffset` with timestamp >= target (Kafka's
   * `LogSegment.findOffsetByTimestamp`), or null when this segment has none. The time index entry
   * below the target bounds the scan: every batch up to it has a smaller max timestamp. Inside a
   * compressed CreateTime batch the records are not decoded; its first offset stands for it.
   */
  findOffsetByTimestamp(target: bigint, startingOffset: bigint): TimestampAndOffset | null {
    const below = this.timeIndex.lookup(target - 1n);
    const from = this.offsetIndex.lookup(
      below.offset > startingOffset ? below.offset : startingOffset,
    ).position;
    let found: TimestampAndOffset | null = null;
    this.scan(from, true, (batch) => {
      if (batch.maxTimestamp < target || batch.lastOffset < startingOffset) return true;
      const firstOffset = batch.baseOffset > startingOffset ? batch.baseOffset : startingOffset;
      const leaderEpoch = batch.partitionLeaderEpoch;
      if (batch.timestampType === 'LogAppendTime' || batch.compression !== CompressionCodec.None) {
        found = { offset: firstOffset, timestamp: batch.maxTimestamp, leaderEpoch };
        return false;
      }
      for (const record of decodeRecords(batch.buffer, batch.position)) {
        if (record.timestamp >= target && record.offset >= startingOffset) {
          found = { offset: record.offset, timestamp: record.timestamp, leaderEpoch };
          return false;
        }
      }
      return true;
    });
    return found;
  }

  /**
   * Whole batches from the one holding `fetchOffset`: at most `maxBytes` (but the first batch even
   * if larger when `minOneMessage`), only batches whose lastOffset < maxOffset. null when no batch
   * here reaches fetchOffset (the caller moves on to the next segment).
   */
  read(fetchOffset: bigint, maxBytes: number, minOneMessage: boolean, maxOffset: bigint): Buffer | null {
    const start = this.translateOffset(fetchOffset);
    if (start === null) return null;
    if (start.lastOffset >= maxOffset) return EMPTY;
    let length = Math.min(this.sizeBytes - start.position, Math.max(maxBytes, 0));
    if (minOneMessage && length < start.sizeInBytes) length = start.sizeInBytes;
    if (length < start.sizeInBytes) return EMPTY;
    const buffer = this.readAt(start.position, length);
    let end = 0;
    while (end + LOG_OVERHEAD <= buffer.length) {
      const size = buffer.readInt32BE(end + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (end + size > buffer.length) break;
      if (new RecordBatchView(buffer, end).lastOffset >= maxOffset) break;
      end += size;
    }
    return buffer.subarray(0, end);
  }

  /** `length` bytes of the `.log` from `position` (a fresh buffer). */
  readAt(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = this.logFile.read(buffer, done, length - done, position + done);
      if (n === 0) return buffer.subarray(0, done);
      done += n;
    }
    return buffer;
  }

  /**
   * Walks the batches from `position` to the end of the segment, handing each to `visit` until it
   * returns false. With `whole` the visitor sees the complete batch (to check its CRC), otherwise
   * at least its 61-byte header. Stops at a length that cannot be a v2 batch or runs past the end.
   * Returns the position of the first batch not accepted (the segment size if all were).
   */
  scan(
    position: number,
    whole: boolean,
    visit: (batch: RecordBatchView, position: number) => boolean,
  ): number {
    let chunk: Buffer = EMPTY;
    let chunkStart = position;
    while (position < this.sizeBytes) {
      const remaining = this.sizeBytes - position;
      if (remaining < RECORD_BATCH_OVERHEAD) return position;
      if (position + RECORD_BATCH_OVERHEAD > chunkStart + chunk.length) {
        chunkStart = position;
        chunk = this.readAt(position, Math.min(remaining, SCAN_CHUNK_BYTES));
      }
      const batchLength = chunk.readInt32BE(position - chunkStart + BATCH_LENGTH_OFFSET);
      const size = batchLength + LOG_OVERHEAD;
      if (size < RECORD_BATCH_OVERHEAD || size > remaining) return position;
      if (whole && position + size > chunkStart + chunk.length) {
        chunkStart = position;
        chunk = this.readAt(position, Math.min(remaining, Math.max(size, SCAN_CHUNK_BYTES)));
      }
      if (!visit(new RecordBatchView(chunk, position - chunkStart), position)) return position;
      position += size;
    }
    return position;
  }

  /**
   * Restores the in-memory state of a cleanly closed segment: next offset and max timestamp from
   * the last index entries plus a short scan of the tail. Returns false when the tail does not
   * parse, so the caller recovers the segment instead.
   */
  loadState(): boolean {
    const lastTime = this.timeIndex.lastEntry;
    const lastIndexed =
      this.offsetIndex.entries > 0 ? this.offsetIndex.entryAt(this.offsetIndex.entries - 1) : undefined;
    this.maxTimestampSoFar = lastTime.timestamp;
    this.offsetOfMaxTimestampSoFar = lastTime.offset;
    this.nextOffset = lastIndexed === undefined ? this.baseOffset : lastIndexed.offset + 1n;
    const from = Math.min(this.offsetIndex.lookup(lastTime.offset).position, lastIndexed?.position ?? 0);
    if (from > this.sizeBytes) return false;
    const end = this.scan(from, false, (batch) => {
      if (batch.baseOffset < this.baseOffset) return false;
      this.nextOffset = batch.nextOffset;
      if (batch.maxTimestamp > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = batch.maxTimestamp;
        this.offsetOfMaxTimestampSoFar = batch.lastOffset;
      }
      return true;
    });
    this.loadRollingBase();
    return end === this.sizeBytes;
  }

  /**
   * Crash recovery of this segment (Kafka's `LogSegment.recover`): rebuilds both indexes from the
   * batches, checking each batch's length, magic, CRC and offsets, and truncates the `.log` at the
   * first batch that fails (a torn write or corruption). Returns the number of bytes truncated.
   */
  recover(indexIntervalBytes: number): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestampSoFar = -1n;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    const validBytes = this.scan(0, true, (batch, position) => {
      // baseOffset is outside the CRC, so check it is plausible: increasing and within int32 of the base.
      if (!batch.isValid() || batch.baseOffset < this.nextOffset || batch.lastOffset < batch.baseOffset)
        return false;
      if (batch.lastOffset - this.baseOffset > 0x7fffffffn || this.offsetIndex.isFull()) return false;
      if (batch.maxTimestamp > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = batch.maxTimestamp;
        this.offsetOfMaxTimestampSoFar = batch.lastOffset;
      }
      if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
        this.offsetIndex.append(batch.lastOffset, position);
        this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += batch.sizeInBytes;
      this.nextOffset = batch.nextOffset;
      return true;
    });
    const truncated = this.sizeBytes - validBytes;
    if (truncated > 0) {
      this.logFile.truncate(validBytes);
      this.sizeBytes = validBytes;
    }
    this.loadRollingBase();
    return truncated;
  }

  /** Removes every batch with offsets >= offset (follower truncation); returns bytes removed. */
  truncateTo(offset: bigint): number {
    const location = this.translateOffset(offset);
    if (location === null) return 0;
    // A batch straddling `offset` goes too: batches are never split (as Kafka's LogSegment.truncateTo).
    const position = location.position;
    const removed = this.sizeBytes - position;
    if (removed === 0) return 0;
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.logFile.truncate(position);
    this.sizeBytes = position;
    this.bytesSinceLastIndexEntry = 0;
    if (position === 0) this.rollingBasedTimestampMs = undefined;
    this.loadState();
    return removed;
  }

  /** Called on roll: the final time index entry, as Kafka's `onBecomeInactiveSegment`. */
  onBecomeInactive(): void {
    if (this.maxTimestampSoFar >= 0n && !this.timeIndex.isFull()) {
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
    }
  }

  flush(): void {
    this.logFile.sync();
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** fsync in the background (used when a segment is rolled); `done` runs once all three finish. */
  flushAsync(done: (error: Error | null) => void): void {
    let pending = 3;
    let failure: Error | null = null;
    const finish = (error: Error | null) => {
      failure ??= error;
      if (--pending === 0) done(failure);
    };
    this.logFile.syncAsync(finish);
    this.offsetIndex.flushAsync(finish);
    this.timeIndex.flushAsync(finish);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.logFile.close();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the segment and renames its files to `*.deleted`; returns the new paths to remove later. */
  renameToDeleted(): string[] {
    this.close();
    const renamed: string[] = [];
    for (const from of [this.logPath, this.offsetIndex.file, this.timeIndex.file]) {
      const to = from + DELETED_FILE_SUFFIX;
      try {
        fs.renameSync(from, to);
        renamed.push(to);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return renamed;
  }

  /** Kafka rolls by age from the first batch's timestamp when a segment is reloaded. */
  private loadRollingBase(): void {
    if (this.sizeBytes < RECORD_BATCH_OVERHEAD) {
      this.rollingBasedTimestampMs = undefined;
      return;
    }
    const header = this.readAt(0, RECORD_BATCH_OVERHEAD);
    const maxTimestamp = new RecordBatchView(header, 0).maxTimestamp;
    this.rollingBasedTimestampMs =
      maxTimestamp >= 0n ? Number(maxTimestamp) : Math.floor(this.logFile.stat().mtimeMs);
  }
}

function writeFully(file: CachedFile, buffer: Buffer, position: number): void {
  let done = 0;
  while (done < buffer.length) {
    done += file.write(buffer, done, buffer.length - done, position + done);
  }
}

/** The file's size without opening it (a missing `.log` becomes an empty one, as O_CREAT did). */
function sizeCreatingIfMissing(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.writeFileSync(file, '');
    return 0;
  }
}
