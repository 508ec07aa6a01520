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

/**
 * Decodes one or more LZ4 frames. Output past `maxBytes` is refused: each block is inflated into
 * at most the room left. The header checksum is accepted in either the standard or the pre-0.10
 * form, as legacy messages may carry both.
 */
export function lz4Decompress(data: Uint8Array, maxBytes: number): Buffer {
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Buffer[] = [];
  let total = 0;
  let position = 0;
  const need = (n: number) => {
    if (position + n > input.length) throw new CorruptRecordError('truncated lz4 frame');
  };
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
      if (contentSize > BigInt(maxBytes - total)) {
        throw new InvalidRecordError(`lz4 data inflates beyond ${maxBytes} bytes (declares ${contentSize})`);
      }
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
    const independent = (flg & FLG_BLOCK_INDEPENDENCE) !== 0;
    const frameOutput: Buffer[] = [];
    for (;;) {
      need(4);
      const word = input.readUInt32LE(position);
      position += 4;
      if (word === 0) break;
      const size = (word & ~UNCOMPRESSED_BIT) >>> 0;
      if (size > blockMaxSize)
        throw new CorruptRecordError(`lz4 block of ${size} bytes exceeds its frame's maximum`);
      need(size);
      const block = input.subarray(position, position + size);
      position += size;
      if (flg & FLG_BLOCK_CHECKSUM) {
        need(4);
        if (input.readUInt32LE(position) !== xxhash32(block))
          throw new CorruptRecordError('lz4 block checksum mismatch');
        position += 4;
      }
      const room = Math.min(blockMaxSize, maxBytes - total);
      let decoded: Buffer;
      if (word & UNCOMPRESSED_BIT) {
        if (size > room) throw new InvalidRecordError(`lz4 data inflates beyond ${maxBytes} bytes`);
        decoded = block;
      } else {
        decoded = decodeBlock(block, room, maxBytes, independent ? undefined : lastWindow(frameOutput));
      }
      total += decoded.length;
      frameOutput.push(decoded);
      out.push(decoded);
    }
    // The content checksum is read past, not verified, as Kafka's KafkaLZ4BlockInputStream does.
    if (flg & FLG_CONTENT_CHECKSUM) {
      need(4);
      position += 4;
    }
  }
  return out.length === 1 ? out[0]! : Buffer.concat(out, total);
}

function decodeBlock(block: Buffer, room: number, maxBytes: number, dict: Buffer | undefined): Buffer {
  // lz4-napi's uncompressSync takes the output capacity as a 4-byte LE prefix and fails past it.
  const framed = Buffer.allocUnsafe(4 + block.length);
  framed.writeUInt32LE(Math.max(0, room), 0);
  block.copy(framed, 4);
  try {
    return dict ? lz4.uncompressSync(framed, dict) : lz4.uncompressSync(framed);
  } catch (error) {
    const message = (error as Error).message;
    if (/too small/.test(message)) {
      throw new InvalidRecordError(`lz4 data inflates beyond ${maxBytes} bytes`, { cause: error });
    }
    throw new CorruptRecordError(`corrupt lz4 block: ${message}`, { cause: error });
  }
}

function lastWindow(blocks: Buffer[]): Buffer | undefined {
  if (blocks.length === 0) return undefined;
  const all = blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
  return all.length > WINDOW ? all.subarray(all.length - WINDOW) : all;
}

/** HC over the descriptor (FLG..before HC); the broken form starts at the magic number. */
function headerChecksum(frame: Buffer, hcPosition: number, broken: boolean): number {
  return (xxhash32(frame, 0, broken ? 0 : 4, hcPosition) >>> 8) & 0xff;
}
