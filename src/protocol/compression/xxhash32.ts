/**
 * XXH32 (github.com/Cyan4973/xxHash, the reference spec), the checksum of the LZ4 frame format: its
 * frame descriptor byte (HC) and optional block checksums. Used on small spans, so plain JS is fast
 * enough.
 */
const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  acc = (acc + Math.imul(lane, PRIME2)) | 0;
  return Math.imul(rotl(acc, 13), PRIME1);
}

/** Unsigned XXH32 of `data[start, end)`. */
export function xxhash32(data: Uint8Array, seed = 0, start = 0, end = data.length): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = end - start;
  let p = start;
  let h: number;
  if (length >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const limit = end - 16;
    while (p <= limit) {
      v1 = round(v1, view.getUint32(p, true));
      v2 = round(v2, view.getUint32(p + 4, true));
      v3 = round(v3, view.getUint32(p + 8, true));
      v4 = round(v4, view.getUint32(p + 12, true));
      p += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + PRIME5) | 0;
  }
  h = (h + length) | 0;
  while (p + 4 <= end) {
    h = (h + Math.imul(view.getUint32(p, true), PRIME3)) | 0;
    h = Math.imul(rotl(h, 17), PRIME4);
    p += 4;
  }
  while (p < end) {
    h = (h + Math.imul(data[p]!, PRIME5)) | 0;
    h = Math.imul(rotl(h, 11), PRIME1);
    p++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, PRIME2);
  h ^= h >>> 13;
  h = Math.imul(h, PRIME3);
  h ^= h >>> 16;
  return h >>> 0;
}
