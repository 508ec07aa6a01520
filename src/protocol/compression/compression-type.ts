import { InvalidRecordError } from '../../util/errors.js';
import { CompressionCodec } from '../records/record-batch.js';

/** Codec names as Kafka's `CompressionType` and the `compression.type` config spell them. */
export const CODEC_NAMES: Readonly<Record<CompressionCodec, string>> = {
  [CompressionCodec.None]: 'none',
  [CompressionCodec.Gzip]: 'gzip',
  [CompressionCodec.Snappy]: 'snappy',
  [CompressionCodec.Lz4]: 'lz4',
  [CompressionCodec.Zstd]: 'zstd',
};

/** A producer's codec by name ('none', 'gzip', 'snappy', 'lz4', 'zstd'). */
export function codecByName(name: string): CompressionCodec {
  const lower = name.toLowerCase();
  if (lower === 'uncompressed') return CompressionCodec.None;
  for (const [id, codecName] of Object.entries(CODEC_NAMES)) {
    if (codecName === lower) return Number(id) as CompressionCodec;
  }
  throw new InvalidRecordError(`unknown compression codec '${name}' (none, gzip, snappy, lz4, zstd)`);
}

export function codecName(codec: CompressionCodec): string {
  return CODEC_NAMES[codec] ?? `unknown(${codec})`;
}

/**
 * The broker's codec for a topic's `compression.type` (Kafka's `BrokerCompressionType`):
 * `producer` keeps whatever the batch carries (undefined here); `uncompressed` and the codec names
 * make the broker recompress batches that carry another codec.
 */
export function targetCodecOf(compressionType: string): CompressionCodec | undefined {
  if (compressionType === 'producer') return undefined;
  return codecByName(compressionType);
}
