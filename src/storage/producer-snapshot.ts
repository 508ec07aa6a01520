import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32c } from '../protocol/records/crc32c.js';
import { CorruptRecordError } from '../util/errors.js';
import { fsyncDirectory } from './checkpoint.js';
import { ProducerStateEntry } from './producer-state.js';
import { filenamePrefixFromOffset } from './segment.js';

/**
 * Producer state snapshots, `<20-digit offset>.snapshot` in the partition directory, in Kafka's
 * format (`ProducerStateManager.writeSnapshot`, snapshot version 1):
 * ```
 * Snapshot      => version int16 (1), crc uint32, producer_entries [Entry] (int32 count)
 * Entry         => producer_id int64, epoch int16, last_sequence int32, last_offset int64,
 *                  offset_delta int32, timestamp int64, coordinator_epoch int32,
 *                  current_txn_first_offset int64
 * ```
 * The CRC-32C covers everything after the crc field. A snapshot at offset N holds the state after
 * every batch below N; only each producer's last batch is kept, as in Kafka. Files are written to
 * a `.tmp` name, fsynced and renamed, so a crash leaves either the old set or the new file whole.
 */

export const SNAPSHOT_FILE_SUFFIX = '.snapshot';
const SNAPSHOT_VERSION = 1;
const ENTRIES_OFFSET = 6;
const ENTRY_SIZE = 46;
const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;

export function snapshotFile(dir: string, offset: bigint): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + SNAPSHOT_FILE_SUFFIX);
}

export function encodeSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries];
  const buf = Buffer.alloc(ENTRIES_OFFSET + 4 + list.length * ENTRY_SIZE);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(list.length, ENTRIES_OFFSET);
  let pos = ENTRIES_OFFSET + 4;
  for (const e of list) {
    const last = e.batchMetadata.at(-1);
    buf.writeBigInt64BE(e.producerId, pos);
    buf.writeInt16BE(e.producerEpoch, pos + 8);
    buf.writeInt32BE(last?.lastSeq ?? -1, pos + 10);
    buf.writeBigInt64BE(last?.lastOffset ?? -1n, pos + 14);
    buf.writeInt32BE(last?.offsetDelta ?? 0, pos + 22);
    buf.writeBigInt64BE(last?.timestamp ?? e.lastTimestamp, pos + 26);
    buf.writeInt32BE(e.coordinatorEpoch, pos + 34);
    buf.writeBigInt64BE(e.currentTxnFirstOffset, pos + 38);
    pos += ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(ENTRIES_OFFSET)), 2);
  return buf;
}

export function decodeSnapshot(data: Buffer, file = 'snapshot'): ProducerStateEntry[] {
  if (data.length < ENTRIES_OFFSET + 4) throw new CorruptRecordError(`${file} is truncated`);
  const version = data.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new CorruptRecordError(`${file} has unknown version ${version}`);
  const crc = data.readUInt32BE(2);
  const computed = crc32c(data.subarray(ENTRIES_OFFSET));
  if (crc !== computed) {
    throw new CorruptRecordError(`${file} is corrupt (stored crc ${crc}, computed crc ${computed})`);
  }
  const count = data.readInt32BE(ENTRIES_OFFSET);
  if (count < 0 || data.length !== ENTRIES_OFFSET + 4 + count * ENTRY_SIZE) {
    throw new CorruptRecordError(`${file} has ${count} entries but ${data.length} bytes`);
  }
  const out: ProducerStateEntry[] = [];
  let pos = ENTRIES_OFFSET + 4;
  for (let i = 0; i < count; i++, pos += ENTRY_SIZE) {
    const lastSeq = data.readInt32BE(pos + 10);
    const lastOffset = data.readBigInt64BE(pos + 14);
    const offsetDelta = data.readInt32BE(pos + 22);
    const timestamp = data.readBigInt64BE(pos + 26);
    out.push(
      new ProducerStateEntry(
        data.readBigInt64BE(pos),
        data.readInt16BE(pos + 8),
        data.readInt32BE(pos + 34),
        timestamp,
        data.readBigInt64BE(pos + 38),
        lastOffset >= 0n ? [{ lastSeq, lastOffset, offsetDelta, timestamp }] : [],
      ),
    );
  }
  return out;
}

/** Offsets of the snapshot files in `dir`, ascending. */
export function listSnapshots(dir: string): bigint[] {
  const out: bigint[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = SNAPSHOT_FILE.exec(name);
    if (m !== null) out.push(BigInt(m[1]!));
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Writes a snapshot through a tmp file and a rename. `sync` (a clean shutdown) fsyncs the file and
 * the directory before returning. Otherwise (a segment roll) the snapshot is flushed in the
 * background, as Kafka 3.x flushes the snapshot of a roll asynchronously, so the event loop never
 * waits on the disk for it: a crash before the flush leaves a snapshot that fails its CRC, which
 * loading deletes before it falls back to an older one and the log.
 */
export function writeSnapshot(
  dir: string,
  offset: bigint,
  entries: Iterable<ProducerStateEntry>,
  sync = true,
): Promise<void> {
  const file = snapshotFile(dir, offset);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, encodeSnapshot(entries));
    if (sync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  if (sync) {
    fsyncDirectory(dir);
    return Promise.resolve();
  }
  return flushInBackground(file, dir);
}

/** fsyncs `file` and then `dir` on the thread pool; a file removed meanwhile needs no flush. */
async function flushInBackground(file: string, dir: string): Promise<void> {
  for (const target of [file, dir]) {
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await fs.promises.open(target, 'r');
      await handle.sync();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return;
    } finally {
      await handle?.close();
    }
  }
}

export function deleteSnapshot(dir: string, offset: bigint, inBackground = false): void {
  if (inBackground) fs.rm(snapshotFile(dir, offset), { force: true }, () => {});
  else fs.rmSync(snapshotFile(dir, offset), { force: true });
}
