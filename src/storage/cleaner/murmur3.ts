/**
 * MurmurHash3 x86_128 (Austin Appleby's public-domain reference, `MurmurHash3_x86_128`): a 128-bit
 * hash in 32-bit arithmetic, fast in JavaScript (MD5 through node:crypto costs a native call per
 * key, several times slower for the short keys compacted topics carry). Writes 16 bytes to `out`.
 */
export function murmur3x86128(key: Uint8Array, seed: number, out: Buffer): void {
  const length = key.length;
  const blocks = length >>> 4;
  let h1 = seed >>> 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  const word = (i: number) => key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
  for (let b = 0; b < blocks; b++) {
    const i = b * 16;
    let k1 = word(i);
    let k2 = word(i + 4);
    let k3 = word(i + 8);
    let k4 = word(i + 12);
    k1 = Math.imul(rotl(Math.imul(k1, c1), 15), c2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, c2), 16), c3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, c3), 17), c4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, c4), 18), c1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail: up to 15 bytes, little-endian into four lanes, each mixed into its h when present.
  const tail = blocks * 16;
  const rem = length & 15;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  for (let j = 0; j < rem; j++) {
    const byte = key[tail + j]! << ((j & 3) * 8);
    if (j < 4) k1 ^= byte;
    else if (j < 8) k2 ^= byte;
    else if (j < 12) k3 ^= byte;
    else k4 ^= byte;
  }
  if (rem > 12) h4 ^= Math.imul(rotl(Math.imul(k4, c4), 18), c1);
  if (rem > 8) h3 ^= Math.imul(rotl(Math.imul(k3, c3), 17), c4);
  if (rem > 4) h2 ^= Math.imul(rotl(Math.imul(k2, c2), 16), c3);
  if (rem > 0) h1 ^= Math.imul(rotl(Math.imul(k1, c1), 15), c2);
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out.writeInt32BE(h1, 0);
  out.writeInt32BE(h2, 4);
  out.writeInt32BE(h3, 8);
  out.writeInt32BE(h4, 12);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
