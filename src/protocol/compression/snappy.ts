import snappy from 'snappy';
import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';

/**
 * Snappy as Kafka carries it. Kafka's Java client and broker write the xerial framing of
 * `snappy-java`'s `SnappyOutputStream` (`SnappyFactory.wrapForOutput`):
 *
 * ```
 * header  8 bytes  0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *         int32    version 1, int32 compatible version 1
 * chunk   int32    length of the raw Snappy block that follows (big-endian), then the block
 * ```
 * Chunks hold at most 32 KiB of input (snappy-java's default block size). Some clients (older
 * KafkaJS codecs, librdkafka for raw data) send one plain Snappy block instead; a reader tells them
 * apart by the header, as librdkafka's `rd_kafka_snappy_java_uncompress` does.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialFramed(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** Xerial-framed Snappy, as Kafka's broker writes it. */
export function snappyCompress(data: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  parts.push(header);
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    const block = snappy.compressSync(data.subarray(start, Math.min(data.length, start + XERIAL_BLOCK_SIZE)));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** One raw Snappy block, without framing. */
export function snappyCompressRaw(data: Uint8Array): Buffer {
  return snappy.compressSync(data);
}

/** Reads xerial-framed or raw Snappy; more than `maxBytes` of output is refused before inflating. */
export function snappyDecompress(data: Uint8Array, maxBytes: number): Buffer {
  if (!isXerialFramed(data)) return rawBlock(data, 0, data.length, maxBytes);
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const blocks: Buffer[] = [];
  let total = 0;
  let position = XERIAL_HEADER_SIZE;
  while (position < input.length) {
    if (input.length - position < 4) throw new CorruptRecordError('truncated xerial snappy chunk length');
    const length = input.readInt32BE(position);
    position += 4;
    if (length < 0 || position + length > input.length) {
      throw new CorruptRecordError(`xerial snappy chunk of ${length} bytes runs past the end of the data`);
    }
    const block = rawBlock(input, position, position + length, maxBytes - total);
    total += block.length;
    blocks.push(block);
    position += length;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, total);
}

function rawBlock(data: Uint8Array, start: number, end: number, maxBytes: number): Buffer {
  // A raw block opens with its uncompressed length as a varint: check it before inflating.
  const declared = uncompressedLength(data, start, end);
  if (declared > maxBytes) {
    throw new InvalidRecordError(`snappy data inflates beyond ${maxBytes} bytes (declares ${declared})`);
  }
  try {
    return snappy.uncompressSync(data.subarray(start, end), { asBuffer: true }) as Buffer;
  } catch (error) {
    throw new CorruptRecordError(`corrupt snappy data: ${(error as Error).message}`, { cause: error });
  }
}

function uncompressedLength(data: Uint8Array, start: number, end: number): number {
  let value = 0;
  let multiplier = 1;
  for (let p = start; p < end && p < start + 5; p++) {
    const b = data[p]!;
    value += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return value;
    multiplier *= 128;
  }
  throw new CorruptRecordError('corrupt snappy data: bad length preamble');
}
