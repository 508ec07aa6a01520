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
  if (data.length < 18) return MIN_CHUNK;
  const end = data.byteOffset + data.length;
  const isize = new DataView(data.buffer, end - 4, 4).getUint32(0, true);
  return Math.max(MIN_CHUNK, Math.min(isize + 1, maxBytes + 1, data.length * MAX_DEFLATE_RATIO));
}
