import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

/** A seeded PRNG (mulberry32): the same seed gives the same run. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CapturedRequest {
  /** "client Api vN", from the fixture's comment line. */
  readonly name: string;
  /** The whole frame, size prefix included. */
  readonly frame: Buffer;
}

/** The request frames captured from kcat and KafkaJS (test/protocol/fixtures/captured-requests.txt). */
export function capturedRequests(): CapturedRequest[] {
  const text = readFileSync(
    path.join(repoRoot, 'test', 'protocol', 'fixtures', 'captured-requests.txt'),
    'utf8',
  );
  const out: CapturedRequest[] = [];
  let name = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('# ') && /v\d+$/.test(line)) name = line.slice(2);
    else if (/^[0-9a-f]+$/.test(line)) out.push({ name, frame: Buffer.from(line, 'hex') });
  }
  return out;
}

const INT32S = [0, 1, -1, 0x7fffffff, -0x80000000, 0x7ffffffe, 0x10000, 0xffff];
const INT16S = [0, 1, -1, 0x7fff, -0x8000, 0xff];
const BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff];

/**
 * Returns a mutated copy of `frame` (size prefix included): one to three of bit flips, boundary
 * integers over a field, truncation, appended or duplicated bytes, another API version, or the
 * header of another captured request. The size prefix matches the new payload, except sometimes
 * (1 in 16), when it lies.
 */
export function mutateFrame(frame: Buffer, others: readonly CapturedRequest[], random: () => number): Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const at = (length: number) => Math.floor(random() * Math.max(1, length));
  let payload = Buffer.from(frame.subarray(4));
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m++) {
    switch (Math.floor(random() * 9)) {
      case 0: {
        const i = at(payload.length);
        if (i < payload.length) payload[i]! ^= 1 << Math.floor(random() * 8);
        break;
      }
      case 1: {
        const i = at(payload.length);
        if (i < payload.length) payload[i] = pick(BYTES);
        break;
      }
      case 2: {
        const i = at(payload.length - 3);
        if (i + 4 <= payload.length) payload.writeInt32BE(pick(INT32S) | 0, i);
        break;
      }
      case 3: {
        const i = at(payload.length - 1);
        if (i + 2 <= payload.length) payload.writeInt16BE(pick(INT16S), i);
        break;
      }
      case 4:
        payload = payload.subarray(0, at(payload.length));
        break;
      case 5: {
        const extra = Buffer.alloc(1 + at(64));
        for (let i = 0; i < extra.length; i++) extra[i] = Math.floor(random() * 256);
        payload = Buffer.concat([payload, extra]);
        break;
      }
      case 6: {
        const start = at(payload.length);
        const end = Math.min(payload.length, start + 1 + at(32));
        const i = at(payload.length);
        payload = Buffer.concat([payload.subarray(0, i), payload.subarray(start, end), payload.subarray(i)]);
        break;
      }
      case 7:
        if (payload.length >= 4) payload.writeInt16BE(at(16), 2);
        break;
      default: {
        // Another request's api key and version over this body.
        const other = pick(others).frame;
        if (payload.length >= 4) other.copy(payload, 0, 4, 8);
      }
    }
  }
  const prefix = Buffer.alloc(4);
  let size = payload.length;
  if (random() < 1 / 16) size = pick([size + 1 + at(100), Math.max(0, size - 1 - at(8)), -1, 0x7fffffff, 0]);
  prefix.writeInt32BE(size | 0, 0);
  return Buffer.concat([prefix, payload]);
}
