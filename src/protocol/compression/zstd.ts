import { Decoder, Encoder } from '@toondepauw/node-zstd';
import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';

/**
 * Zstandard frames (RFC 8878), codec 4 (KIP-110). Level 3 is zstd's and Kafka's default
 * (`ZstdCompression.DEFAULT_LEVEL`).
 *
 * Before decoding, the frames are walked to bound their output (`maxDecompressedSize`): raw and RLE
 * blocks state their size, a compressed block yields at most min(window size, 128 KiB). A frame
 * whose bound passes the limit is refused without being decoded.
 */
const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_SIZE = 128 * 1024;
const DEFAULT_LEVEL = 3;

const encoder = new Encoder(DEFAULT_LEVEL);
const decoder = new Decoder();

export function zstdCompress(data: Uint8Array): Buffer {
  return encoder.encodeSync(toBuffer(data));
}

export function zstdDecompress(data: Uint8Array, maxBytes: number): Buffer {
  const input = toBuffer(data);
  const bound = maxDecompressedSize(input);
  if (bound > maxBytes) {
    throw new InvalidRecordError(`zstd data may inflate beyond ${maxBytes} bytes (up to ${bound})`);
  }
  try {
    return decoder.decodeSync(input);
  } catch (error) {
    throw new CorruptRecordError(`corrupt zstd data: ${(error as Error).message}`, { cause: error });
  }
}

/** Upper bound of what the frames in `input` decode to; throws CorruptRecordError on a malformed frame. */
export function maxDecompressedSize(input: Buffer): number {
  let position = 0;
  let bound = 0;
  const need = (n: number) => {
    if (position + n > input.length) throw new CorruptRecordError('truncated zstd frame');
  };
  while (position < input.length) {
    need(4);
    const magic = input.readUInt32LE(position);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(8);
      position += 8 + input.readUInt32LE(position + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC)
      throw new CorruptRecordError(`not a zstd frame (magic 0x${magic.toString(16)})`);
    position += 4;
    need(1);
    const descriptor = input[position++]!;
    const fcsFlag = descriptor >> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    const hasChecksum = (descriptor & 0x04) !== 0;
    const dictIdSize = [0, 1, 2, 4][descriptor & 0x03]!;
    if (descriptor & 0x08) throw new CorruptRecordError('zstd frame header has its reserved bit set');
    let windowSize = Number.POSITIVE_INFINITY;
    if (!singleSegment) {
      need(1);
      const wd = input[position++]!;
      const windowLog = 10 + (wd >> 3);
      const windowBase = 2 ** windowLog;
      windowSize = windowBase + (windowBase / 8) * (wd & 0x07);
    }
    need(dictIdSize);
    position += dictIdSize;
    const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
    need(fcsSize);
    if (singleSegment) windowSize = readFrameContentSize(input, position, fcsSize);
    position += fcsSize;
    const blockLimit = Math.min(windowSize, BLOCK_MAX_SIZE);
    for (;;) {
      need(3);
      const header = input[position]! | (input[position + 1]! << 8) | (input[position + 2]! << 16);
      position += 3;
      const last = (header & 1) !== 0;
      const type = (header >> 1) & 0x03;
      const size = header >>> 3;
      if (type === 0) {
        need(size);
        position += size;
        bound += size;
      } else if (type === 1) {
        need(1);
        position += 1;
        bound += size;
      } else if (type === 2) {
        need(size);
        position += size;
        bound += blockLimit;
      } else {
        throw new CorruptRecordError('zstd block of the reserved type');
      }
      if (last) break;
    }
    if (hasChecksum) {
      need(4);
      position += 4;
    }
  }
  return bound;
}

function readFrameContentSize(input: Buffer, position: number, size: number): number {
  switch (size) {
    case 1:
      return input[position]!;
    case 2:
      return input.readUInt16LE(position) + 256;
    case 4:
      return input.readUInt32LE(position);
    default:
      return Number(input.readBigUInt64LE(position));
  }
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
