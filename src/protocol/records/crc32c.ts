import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C (Castagnoli), the checksum of v2 record batches (KIP-98, `DefaultRecordBatch.java`).
 * Returns the unsigned 32-bit value. `initial` continues a checksum over a previous chunk, so a
 * batch split across buffers can be checked without copying it together.
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}
