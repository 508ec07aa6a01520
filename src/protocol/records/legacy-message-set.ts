import { crc32 } from '@node-rs/crc32';
import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';
import { decompress } from '../compression/codecs.js';
import {
  COMPRESSION_CODEC_MASK,
  CompressionCodec,
  NO_TIMESTAMP,
  TIMESTAMP_TYPE_MASK,
} from './record-batch.js';

/**
 * Message sets of magic v0 and v1, the formats before KIP-98 (Kafka's `LegacyRecord.java`,
 * `AbstractLegacyRecordBatch.java`). A message set is a plain sequence of entries:
 *
 * ```
 * LogEntry =>
 *   offset       int64
 *   messageSize  int32   bytes after this field
 *   crc          uint32  CRC-32 (IEEE) over magic..end
 *   magic        int8    0 or 1
 *   attributes   int8    bits 0-2 codec (0 none, 1 gzip, 2 snappy, 3 lz4), bit 3 timestamp type (v1)
 *   timestamp    int64   v1 only
 *   key          int32 length (-1 null), bytes
 *   value        int32 length (-1 null), bytes
 * ```
 * A compressed entry ("wrapper") holds a whole inner message set, compressed, as its value. Inner
 * offsets are absolute in v0; in v1 they are relative (0..n-1) and the wrapper carries the offset
 * of the last inner message (KIP-31). With LogAppendTime the wrapper's timestamp applies to all.
 */
export const LEGACY_OFFSET_OFFSET = 0;
export const LEGACY_SIZE_OFFSET = 8;
export const LEGACY_CRC_OFFSET = 12;
export const LEGACY_MAGIC_OFFSET = 16;
export const LEGACY_ATTRIBUTES_OFFSET = 17;
export const LEGACY_LOG_OVERHEAD = 12;
/** crc + magic + attributes + key length + value length. */
const V0_MIN_MESSAGE_SIZE = 14;
/** v0 plus the timestamp. */
const V1_MIN_MESSAGE_SIZE = 22;

export type LegacyMagic = 0 | 1;

/** One decoded entry; for a wrapper, `value` is still compressed. */
export interface LegacyMessage {
  offset: bigint;
  magic: LegacyMagic;
  attributes: number;
  /** NO_TIMESTAMP (-1) for v0. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export function legacyCodecOf(attributes: number): CompressionCodec {
  return attributes & COMPRESSION_CODEC_MASK;
}

/**
 * The entries of `buffer[start, end)`, each CRC-checked. A trailing partial entry is an error
 * (CorruptRecordError) unless `allowPartialTail` (fetch responses may end mid-message).
 */
export function decodeLegacyEntries(
  buffer: Buffer,
  start = 0,
  end = buffer.length,
  allowPartialTail = false,
): LegacyMessage[] {
  const messages: LegacyMessage[] = [];
  let position = start;
  while (position < end) {
    if (end - position < LEGACY_LOG_OVERHEAD) {
      if (allowPartialTail) break;
      throw new CorruptRecordError(`${end - position} trailing bytes are not a whole message`);
    }
    const size = buffer.readInt32BE(position + LEGACY_SIZE_OFFSET);
    if (size < V0_MIN_MESSAGE_SIZE) throw new CorruptRecordError(`message size ${size} is below the minimum`);
    const next = position + LEGACY_LOG_OVERHEAD + size;
    if (next > end) {
      if (allowPartialTail) break;
      throw new CorruptRecordError(
        `message at position ${position - start} is truncated (${size} bytes declared)`,
      );
    }
    messages.push(decodeLegacyMessage(buffer, position, next));
    position = next;
  }
  return messages;
}

function decodeLegacyMessage(buffer: Buffer, position: number, end: number): LegacyMessage {
  const magic = buffer.readInt8(position + LEGACY_MAGIC_OFFSET);
  if (magic !== 0 && magic !== 1) throw new CorruptRecordError(`invalid message magic ${magic}`);
  const size = end - position - LEGACY_LOG_OVERHEAD;
  if (magic === 1 && size < V1_MIN_MESSAGE_SIZE) throw new CorruptRecordError(`v1 message of ${size} bytes`);
  const stored = buffer.readUInt32BE(position + LEGACY_CRC_OFFSET);
  const computed = crc32(buffer.subarray(position + LEGACY_MAGIC_OFFSET, end)) >>> 0;
  if (stored !== computed) {
    throw new CorruptRecordError(`Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  }
  const attributes = buffer.readInt8(position + LEGACY_ATTRIBUTES_OFFSET);
  let p = position + LEGACY_ATTRIBUTES_OFFSET + 1;
  let timestamp = NO_TIMESTAMP;
  if (magic === 1) {
    timestamp = buffer.readBigInt64BE(p);
    p += 8;
  }
  const key = readBytes(buffer, p, end);
  p = key.next;
  const value = readBytes(buffer, p, end);
  if (value.next !== end)
    throw new CorruptRecordError(`message holds ${end - value.next} bytes past its value`);
  return {
    offset: buffer.readBigInt64BE(position + LEGACY_OFFSET_OFFSET),
    magic,
    attributes,
    timestamp,
    key: key.bytes,
    value: value.bytes,
  };
}

function readBytes(buffer: Buffer, position: number, end: number): { bytes: Buffer | null; next: number } {
  if (position + 4 > end) throw new CorruptRecordError('message is truncated');
  const length = buffer.readInt32BE(position);
  position += 4;
  if (length < 0) return { bytes: null, next: position };
  if (position + length > end)
    throw new CorruptRecordError(`message field of ${length} bytes runs past its end`);
  return { bytes: buffer.subarray(position, position + length), next: position + length };
}

/** A record of a legacy message set after wrappers are opened, with its absolute offset. */
export interface LegacyRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface FlattenedMessageSet {
  records: LegacyRecord[];
  /** Codec of the (last) wrapper, None when no entry was compressed (Kafka's `sourceCompression`). */
  codec: CompressionCodec;
  magic: LegacyMagic;
}

/**
 * Opens every wrapper of a message set and returns its records in order, checking what Kafka's
 * LogValidator checks of legacy input: CRCs, one magic throughout, no compressed inner message,
 * v1 inner offsets 0..n-1. Wrappers inflate at most `maxInflatedBytes` each.
 */
export function flattenMessageSet(
  buffer: Buffer,
  maxInflatedBytes: number,
  allowPartialTail = false,
): FlattenedMessageSet {
  const records: LegacyRecord[] = [];
  let codec = CompressionCodec.None;
  let magic: LegacyMagic | undefined;
  for (const entry of decodeLegacyEntries(buffer, 0, buffer.length, allowPartialTail)) {
    if (magic !== undefined && entry.magic !== magic) {
      throw new InvalidRecordError('a message set mixes magic v0 and v1 messages');
    }
    magic = entry.magic;
    const entryCodec = legacyCodecOf(entry.attributes);
    if (entryCodec === CompressionCodec.None) {
      records.push({ offset: entry.offset, timestamp: entry.timestamp, key: entry.key, value: entry.value });
      continue;
    }
    if (entryCodec > CompressionCodec.Lz4) {
      throw new CorruptRecordError(
        `compression codec id ${entryCodec} does not exist in message format v${magic}`,
      );
    }
    if (entry.value === null) throw new CorruptRecordError('a compressed message has a null value');
    codec = entryCodec;
    const inner = decodeLegacyEntries(decompress(entryCodec, entry.value, maxInflatedBytes));
    if (inner.length === 0) throw new InvalidRecordError('a compressed message holds no messages');
    const logAppendTime = entry.magic === 1 && (entry.attributes & TIMESTAMP_TYPE_MASK) !== 0;
    const lastInner = inner[inner.length - 1]!.offset;
    for (let i = 0; i < inner.length; i++) {
      const message = inner[i]!;
      if (message.magic !== entry.magic) {
        throw new InvalidRecordError('inner message magic differs from its wrapper');
      }
      if (legacyCodecOf(message.attributes) !== CompressionCodec.None) {
        throw new InvalidRecordError(
          'Compressed outer record should not have an inner record with a compression attribute set',
        );
      }
      if (entry.magic === 1 && message.offset !== BigInt(i)) {
        throw new InvalidRecordError(`inner message ${i} has relative offset ${message.offset}`);
      }
      records.push({
        offset: entry.magic === 1 ? entry.offset - lastInner + message.offset : message.offset,
        timestamp: logAppendTime ? entry.timestamp : message.timestamp,
        key: message.key,
        value: message.value,
      });
    }
  }
  if (magic === undefined) throw new InvalidRecordError('the message set holds no messages');
  return { records, codec, magic };
}

/** One encoded entry with its CRC. */
export function encodeLegacyMessage(
  magic: LegacyMagic,
  offset: bigint,
  attributes: number,
  timestamp: bigint,
  key: Buffer | null,
  value: Buffer | null,
): Buffer {
  const size =
    (magic === 1 ? V1_MIN_MESSAGE_SIZE : V0_MIN_MESSAGE_SIZE) + (key?.length ?? 0) + (value?.length ?? 0);
  const buffer = Buffer.allocUnsafe(LEGACY_LOG_OVERHEAD + size);
  buffer.writeBigInt64BE(offset, LEGACY_OFFSET_OFFSET);
  buffer.writeInt32BE(size, LEGACY_SIZE_OFFSET);
  buffer.writeInt8(magic, LEGACY_MAGIC_OFFSET);
  buffer.writeInt8(attributes, LEGACY_ATTRIBUTES_OFFSET);
  let p = LEGACY_ATTRIBUTES_OFFSET + 1;
  if (magic === 1) {
    buffer.writeBigInt64BE(timestamp, p);
    p += 8;
  }
  p = writeBytes(buffer, p, key);
  writeBytes(buffer, p, value);
  buffer.writeUInt32BE(crc32(buffer.subarray(LEGACY_MAGIC_OFFSET)) >>> 0, LEGACY_CRC_OFFSET);
  return buffer;
}

function writeBytes(buffer: Buffer, position: number, bytes: Buffer | null): number {
  if (bytes === null) {
    buffer.writeInt32BE(-1, position);
    return position + 4;
  }
  buffer.writeInt32BE(bytes.length, position);
  return position + 4 + bytes.copy(buffer, position + 4);
}
