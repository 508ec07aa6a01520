import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaStorageError } from '../util/errors.js';

/**
 * Kafka's offset checkpoint files (`recovery-point-offset-checkpoint`,
 * `log-start-offset-checkpoint`, `replication-offset-checkpoint`; `CheckpointFile.java`):
 *
 * ```
 * 0                      version
 * 2                      number of entries
 * orders 0 1234          topic partition offset
 * payments 3 42
 * ```
 * Written atomically: a `.tmp` sibling is written and fsynced, renamed over the file, then the
 * directory is fsynced, so a crash leaves either the old or the new checkpoint, never a mix.
 */

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';

const CHECKPOINT_VERSION = 0;

/** Offsets keyed by `topic-partition` (the log directory name). */
export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: bigint;
}

export function writeCheckpointFile(file: string, entries: Iterable<CheckpointEntry>): void {
  const lines: string[] = [];
  for (const entry of entries) lines.push(`${entry.topic} ${entry.partition} ${entry.offset}`);
  writeCheckpointLines(file, lines);
}

/**
 * Kafka's checkpoint framing shared by every checkpoint file (offsets here, `leader-epoch-checkpoint`
 * too): version 0, the entry count, then one line per entry.
 */
export function writeCheckpointLines(file: string, lines: readonly string[]): void {
  const text = `${CHECKPOINT_VERSION}\n${lines.length}\n${lines.map((line) => `${line}\n`).join('')}`;
  writeFileAtomically(file, text);
}

/** Entries of a checkpoint file; [] when it does not exist. Throws KafkaStorageError when malformed. */
export function readCheckpointFile(file: string): CheckpointEntry[] {
  return readCheckpointLines(file, (line) => {
    const parts = line.split(' ');
    if (parts.length !== 3 || !/^\d+$/.test(parts[1]!) || !/^-?\d+$/.test(parts[2]!)) return undefined;
    return { topic: parts[0]!, partition: Number(parts[1]), offset: BigInt(parts[2]!) };
  });
}

/**
 * The entries of a file in Kafka's checkpoint framing, each line read by `parse` (undefined for a
 * line it cannot read); [] when the file does not exist. Throws KafkaStorageError when malformed.
 */
export function readCheckpointLines<T>(file: string, parse: (line: string) => T | undefined): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new KafkaStorageError(`cannot read checkpoint ${file}`, { cause: error });
  }
  const malformed = (why: string) => new KafkaStorageError(`malformed checkpoint ${file}: ${why}`);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== String(CHECKPOINT_VERSION)) throw malformed(`unrecognised version ${lines[0]}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count < 0) throw malformed(`bad entry count ${lines[1]}`);
  if (lines.length !== count + 2) throw malformed(`expected ${count} entries, found ${lines.length - 2}`);
  return lines.slice(2).map((line) => {
    const entry = parse(line);
    if (entry === undefined) throw malformed(`bad line "${line}"`);
    return entry;
  });
}

/** tmp + fsync + rename + fsync(dir): the file is replaced whole or not at all. */
export function writeFileAtomically(file: string, contents: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, contents);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirectory(path.dirname(file));
}

/** Makes a rename or create in `dir` durable. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the rename itself has still happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
