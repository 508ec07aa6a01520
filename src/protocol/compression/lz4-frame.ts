import lz4 from 'lz4-napi';
import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';
import { xxhash32 } from './xxhash32.js';

/**
 * The LZ4 frame format (lz4 `doc/lz4_Frame_format.md`), which Kafka uses for codec 3; blocks are
 * (de)compressed by lz4-napi, the framing is ours so that output is bounded and Kafka's quirk fits:
 *
 * ```
 * magic      uint32 LE 0x184D2204
 * FLG        version(2) = 01, blockIndependence, blockChecksum, contentSize, contentChecksum, 0, dictId
 * BD         blockMaxSize in bits 6-4 (4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB)
 * [content size uint64 LE] [dict id uint32 LE]
 * HC         (xxh32(FLG..end of descriptor, 0) >> 8) & 0xff
 * blocks     uint32 LE size (high bit: stored uncompressed), data, [xxh32 of the data]
 * end mark   uint32 0, then [xxh32 of the content]
 * ```
 * Kafka before 0.10 computed HC over the magic number too (KAFKA-3160). Messages of magic v0 keep
 * that broken checksum both ways (`KafkaLZ4BlockOutputStream.useBrokenFlagDescriptorChecksum`).
 * Kafka writes independent 64 KiB blocks with no checksums, and so does this.
 */
const MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const VERSION = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICT_ID = 0x01;
const BD_64KB = 0x40;
const BLOCK_SIZE = 64 * 1024;
const UNCOMPRESSED_BIT = 0x80000000;
/** A dependent block may refer back this far into earlier output (lz4's window). */
const WINDOW = 64 * 1024;

export interface Lz4Options {
  /** The pre-0.10 header checksum of magic v0 messages. */
  brokenHeaderChecksum?: boolean;
}

export function lz4Compress(data: Uint8Array, options: Lz4Options = {}): Buffer {
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const parts: Buffer[] = [];
  const header = Buffer.alloc(7);
  header.writeUInt32LE(MAGIC, 0);
  header[4] = VERSION | FLG_BLOCK_INDEPENDENCE;
  header[5] = BD_64KB;
  header[6] = headerChecksum(header, 6, options.brokenHeaderChecksum === true);
  parts.push(header);
  for (let start = 0; start < input.length; start += BLOCK_SIZE) {
    const block = input.subarray(start, Math.min(input.length, start + BLOCK_SIZE));
    // lz4-napi's compressSync prepends the uncompressed size (4 bytes LE); the frame does not.
    const compressed = lz4.compressSync(block).subarray(4);
    const size = Buffer.allocUnsafe(4);
    if (compressed.length < block.length) {
      size.writeUInt32LE(compressed.length, 0);
      parts.push(size, compressed);
    } else {
      size.writeUInt32LE((block.length | UNCOMPRESSED_BIT) >>> 0, 0);
      parts.push(size, block);
    }
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

/** One data block of a frame, located but not decoded. */
interface Lz4Block {
  readonly data: Buffer;
  readonly stored: boolean;
  /** Exactly what the block decodes to (for a compressed block, counted from its sequences). */
  readonly decodedSize: number;
  /** The block may refer back into the frame's earlier output. */
  readonly dependent: boolean;
  /** The first block of its frame (a dependent block's window starts empty). */
  readonly firstOfFrame: boolean;
}

/**
 * Decodes one or more LZ4 frames. Output past `maxBytes` is refused before anything is inflated:
 * the frames are walked first and every block's decoded size is counted from its sequences (cheap:
 * literals are skipped, no output is written), so a bomb costs one pass over its compressed bytes.
 * The header checksum is accepted in either the standard or the pre-0.10 form, as legacy messages
 * may carry both.
 */
export function lz4Decompress(data: Uint8Array, maxBytes: number): Buffer {
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const blocks = locateBlocks(input, maxBytes);
  let total = 0;
  for (const block of blocks) total += block.decodedSize;
  const out = Buffer.allocUnsafe(total);
  let position = 0;
  let frameStart = 0;
  for (const block of blocks) {
    if (block.firstOfFrame) frameStart = position;
    if (block.stored) {
      block.data.copy(out, position);
    } else {
      // A dependent block sees at most the last 64 KiB of its frame's output (lz4's window).
      const dict = block.dependent
        ? out.subarray(Math.max(frameStart, position - WINDOW), position)
        : undefined;
      const decoded = decodeBlock(
        block.data,
        block.decodedSize,
        dict !== undefined && dict.length > 0 ? dict : undefined,
      );
      if (decoded.length !== block.decodedSize) {
        throw new CorruptRecordError(`corrupt lz4 block: ${decoded.length} bytes, not ${block.decodedSize}`);
      }
      decoded.copy(out, position);
    }
    position += block.decodedSize;
  }
  return out;
}

/** Walks the frames, checking their descriptors and block sizes, and refuses output past `maxBytes`. */
function locateBlocks(input: Buffer, maxBytes: number): Lz4Block[] {
  const blocks: Lz4Block[] = [];
  let total = 0;
  let position = 0;
  const need = (n: number) => {
    if (position + n > input.length) throw new CorruptRecordError('truncated lz4 frame');
  };
  const tooLarge = (what: string) =>
    new InvalidRecordError(`lz4 data inflates beyond ${maxBytes} bytes${what}`);
  while (position < input.length) {
    need(4);
    const magic = input.readUInt32LE(position);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(8);
      position += 8 + input.readUInt32LE(position + 4);
      continue;
    }
    if (magic !== MAGIC) throw new CorruptRecordError(`not an lz4 frame (magic 0x${magic.toString(16)})`);
    const frameStart = position;
    need(7);
    const flg = input[position + 4]!;
    const bd = input[position + 5]!;
    if ((flg & 0xc0) !== VERSION) throw new CorruptRecordError(`unsupported lz4 frame version in FLG ${flg}`);
    if (flg & FLG_DICT_ID) throw new CorruptRecordError('lz4 frames with a dictionary id are not supported');
    const blockMaxSize = 1 << (8 + 2 * ((bd >> 4) & 0x07));
    if (blockMaxSize < BLOCK_SIZE) throw new CorruptRecordError(`invalid lz4 block maximum size in BD ${bd}`);
    position += 6;
    if (flg & FLG_CONTENT_SIZE) {
      need(8);
      const contentSize = input.readBigUInt64LE(position);
      if (contentSize > BigInt(maxBytes - total)) throw tooLarge(` (declares ${contentSize})`);
      position += 8;
    }
    need(1);
    const hc = input[position]!;
    if (
      hc !== headerChecksum(input.subarray(frameStart), position - frameStart, false) &&
      hc !== headerChecksum(input.subarray(frameStart), position - frameStart, true)
    ) {
      throw new CorruptRecordError('lz4 frame descriptor checksum mismatch');
    }
    position++;
    const dependent = (flg & FLG_BLOCK_INDEPENDENCE) === 0;
    let firstOfFrame = true;
    for (;;) {
      need(4);
      const word = input.readUInt32LE(position);
      position += 4;
      if (word === 0) break;
      const size = (word & ~UNCOMPRESSED_BIT) >>> 0;
      if (size > blockMaxSize)
        throw new CorruptRecordError(`lz4 block of ${size} bytes exceeds its frame's maximum`);
      need(size);
      const data = input.subarray(position, position + size);
      position += size;
      if (flg & FLG_BLOCK_CHECKSUM) {
        need(4);
        if (input.readUInt32LE(position) !== xxhash32(data))
          throw new CorruptRecordError('lz4 block checksum mismatch');
        position += 4;
      }
      const stored = (word & UNCOMPRESSED_BIT) !== 0;
      const decodedSize = stored ? size : decodedBlockSize(data);
      if (decodedSize > blockMaxSize)
        throw new CorruptRecordError(`lz4 block decodes to ${decodedSize} bytes, past its frame's maximum`);
      total += decodedSize;
      if (total > maxBytes) throw tooLarge('');
      blocks.push({ data, stored, decodedSize, dependent, firstOfFrame });
      firstOfFrame = false;
    }
    // The content checksum is read past, not verified, as Kafka's KafkaLZ4BlockInputStream does.
    if (flg & FLG_CONTENT_CHECKSUM) {
      need(4);
      position += 4;
    }
  }
  return blocks;
}

/**
 * What an LZ4 block (`lz4_Block_format.md`) decodes to, from its sequences alone: each is a token
 * (literal length, match length - 4, 4 bits each, 15 meaning "more bytes follow, each added, until
 * one below 255"), the literals, a 2-byte offset, and the last sequence ends after its literals.
 */
export function decodedBlockSize(block: Buffer): number {
  let size = 0;
  let p = 0;
  const end = block.length;
  const corrupt = () => new CorruptRecordError('corrupt lz4 block: sequence runs past its end');
  const extended = (base: number): number => {
    let length = base;
    if (base !== 15) return length;
    for (;;) {
      if (p >= end) throw corrupt();
      const b = block[p++]!;
      length += b;
      if (b !== 255) return length;
    }
  };
  while (p < end) {
    const token = block[p++]!;
    const literals = extended(token >> 4);
    p += literals;
    size += literals;
    if (p > end) throw corrupt();
    if (p === end) return size; // the last sequence: literals only
    if (p + 2 > end) throw corrupt();
    p += 2;
    size += extended(token & 0x0f) + 4;
  }
  if (end === 0) throw new CorruptRecordError('corrupt lz4 block: empty');
  throw corrupt();
}

function decodeBlock(block: Buffer, size: number, dict: Buffer | undefined): Buffer {
  // lz4-napi's uncompressSync takes the output capacity as a 4-byte LE prefix and fails past it.
  const framed = Buffer.allocUnsafe(4 + block.length);
  framed.writeUInt32LE(size, 0);
  block.copy(framed, 4);
  try {
    return dict ? lz4.uncompressSync(framed, dict) : lz4.uncompressSync(framed);
  } catch (error) {
    throw new CorruptRecordError(`corrupt lz4 block: ${(error as Error).message}`, { cause: error });
  }
}

/** HC over the descriptor (FLG..before HC); the broken form starts at the magic number. */
function headerChecksum(frame: Buffer, hcPosition: number, broken: boolean): number {
  return (xxhash32(frame, 0, broken ? 0 : 4, hcPosition) >>> 8) & 0xff;
}
