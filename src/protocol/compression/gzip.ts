import * as zlib from 'node:zlib';
import { CorruptRecordError, InvalidRecordError } from '../../util/errors.js';

/**
 * GZIP (RFC 1952) through node:zlib. Kafka's Java client and broker write level 6 (the zlib
 * default, `GzipCompression.DEFAULT_LEVEL`), and so does this.
 */
export function gzipCompress(data: Uint8Array): Buffer {
  return zlib.gzipSync(data);
}

/** Inflates `data`; more than `maxBytes` of output is refused as a decompression bomb. */
export function gzipDecompress(data: Uint8Array, maxBytes: number): Buffer {
  try {
    // maxOutputLength makes zlib stop as soon as the output would pass the limit.
    return zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InvalidRecordError(`gzip data inflates beyond ${maxBytes} bytes`, { cause: error });
    }
    throw new CorruptRecordError(`corrupt gzip data: ${(error as Error).message}`, { cause: error });
  }
}
