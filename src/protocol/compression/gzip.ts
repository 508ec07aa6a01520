import * as zlib from 'node:zlib';
import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';

/**
 * GZIP (RFC 1952) through node:zlib. Kafka's Java client and broker write level 6 (the zlib
 * default, `GzipCompression.DEFAULT_LEVEL`), and so does this.
 */
export function gzipCompress(data: Uint8Array): Buffer {
  return zlib.gzipSync(data);
}

/** Deflate's largest ratio (RFC 1951: a 258-byte match costs at least 2 bits), plus slack. */
const MAX_DEFLATE_RATIO = 1032;
const MIN_CHUNK = zlib.constants.Z_MIN_CHUNK;

/** Inflates `data`; more than `maxBytes` of output is refused as a decompression bomb. */
export function gzipDecompress(data: Uint8Array, maxBytes: number): Buffer {
  // The last member's ISIZE (its size mod 2^32) is at most the whole output: past the limit, the
  // stream is refused without inflating it. A forged trailer only gets as far as the limit below.
  const isize = data[0] === 0x1f && data[1] === 0x8b ? trailerSize(data) : undefined;
  if (isize !== undefined && isize > maxBytes) {
    // More than deflate can reach from this input is a forged trailer, not a bomb.
    if (isize > data.length * MAX_DEFLATE_RATIO)
      throw new CorruptRecordError('corrupt gzip data: impossible ISIZE');
    throw new InvalidRecordError(`gzip data inflates beyond ${maxBytes} bytes (declares ${isize})`);
  }
  try {
    // maxOutputLength makes zlib stop as soon as the output would pass the limit. chunkSize: zlib
    // otherwise grows its output 16 KiB at a time and joins the pieces at the end.
    return zlib.gunzipSync(data, {
      maxOutputLength: Math.max(1, maxBytes),
      chunkSize: outputChunkSize(data, maxBytes),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InvalidRecordError(`gzip data inflates beyond ${maxBytes} bytes`, { cause: error });
    }
    throw new CorruptRecordError(`corrupt gzip data: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * One output chunk for the whole stream when the last member's trailer (ISIZE, the input size mod
 * 2^32) says how big it is; one byte more, so that zlib sees room left at the end and does not
 * allocate a second chunk. Only a hint: bounded by the limit and by what deflate can reach from
 * this much input, so a lying trailer cannot make a small batch allocate a large buffer.
 */
function outputChunkSize(data: Uint8Array, maxBytes: number): number {
  const isize = trailerSize(data);
  if (isize === undefined) return MIN_CHUNK;
  return Math.max(MIN_CHUNK, Math.min(isize + 1, maxBytes + 1, data.length * MAX_DEFLATE_RATIO));
}

/** ISIZE of the last member (uint32 LE at the very end), when the data can hold a gzip member. */
function trailerSize(data: Uint8Array): number | undefined {
  if (data.length < 18) return undefined;
  return new DataView(data.buffer, data.byteOffset + data.length - 4, 4).getUint32(0, true);
}
