import lz4 from 'lz4-napi';
import { xxhash32 } from '../../../src/protocol/compression/xxhash32.js';

/**
 * An lz4 decompression bomb as an attacker would write it: one frame of dependent 4 MiB blocks,
 * each 4 MiB of zeros compressed to about 16 KiB (lz4's ~255:1 ceiling), as many as fit in
 * `frameBytes`. 0.8 MB of frame decodes to about 200 MB.
 */
export function lz4Bomb(frameBytes: number): Buffer {
  const block = lz4.compressSync(Buffer.alloc(4 << 20)).subarray(4);
  const header = Buffer.alloc(7);
  header.writeUInt32LE(0x184d2204, 0);
  header[4] = 0x40; // version 01, dependent blocks, no checksums
  header[5] = 0x70; // 4 MiB blocks
  header[6] = (xxhash32(header, 0, 4, 6) >>> 8) & 0xff;
  const parts: Buffer[] = [header];
  let size = header.length + 4;
  while (size + 4 + block.length <= frameBytes) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(block.length, 0);
    parts.push(length, block);
    size += 4 + block.length;
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}
