import { CorruptRecordError } from '../../util/errors.js';
import { CompressionCodec } from '../records/record-batch.js';
import { gzipCompress, gzipDecompress } from './gzip.js';
import { lz4Compress, lz4Decompress } from './lz4-frame.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

/**
 * The four codecs of Kafka's record formats behind one pair of functions, by codec id (the low
 * three bits of a batch's or message's attributes).
 */
export interface CompressOptions {
  /** LZ4 only: write the pre-0.10 frame checksum that magic v0 messages carry. */
  legacyLz4?: boolean;
}

export function compress(codec: CompressionCodec, data: Uint8Array, options: CompressOptions = {}): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    case CompressionCodec.Gzip:
      return gzipCompress(data);
    case CompressionCodec.Snappy:
      return snappyCompress(data);
    case CompressionCodec.Lz4:
      return lz4Compress(data, { brokenHeaderChecksum: options.legacyLz4 === true });
    case CompressionCodec.Zstd:
      return zstdCompress(data);
    default:
      throw new CorruptRecordError(`unknown compression codec id ${codec}`);
  }
}

/**
 * Inflates `data`, refusing (InvalidRecordError) output larger than `maxBytes`; corrupt input and
 * unknown codec ids throw CorruptRecordError.
 */
export function decompress(codec: CompressionCodec, data: Uint8Array, maxBytes: number): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    case CompressionCodec.Gzip:
      return gzipDecompress(data, maxBytes);
    case CompressionCodec.Snappy:
      return snappyDecompress(data, maxBytes);
    case CompressionCodec.Lz4:
      return lz4Decompress(data, maxBytes);
    case CompressionCodec.Zstd:
      return zstdDecompress(data, maxBytes);
    default:
      throw new CorruptRecordError(`unknown compression codec id ${codec}`);
  }
}
