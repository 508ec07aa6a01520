import { randomInt } from 'node:crypto';
import { murmur3x86128 } from './murmur3.js';

/**
 * 16 bytes stand for a key of any size. Kafka's cleaner uses MD5 (`CleanerConfig.hashAlgorithm`);
 * here a 128-bit MurmurHash3 with a random seed per map: as unlikely to collide by chance, several
 * times faster in JavaScript, and the seed keeps keys from being crafted to collide in advance.
 */
const HASH_SIZE = 16;
/** The hash plus an int64 offset (Kafka's `SkimpyOffsetMap.bytesPerEntry`). */
export const BYTES_PER_ENTRY = HASH_SIZE + 8;

/**
 * The cleaner's key => latest offset map (Kafka's `SkimpyOffsetMap`): an open-addressing hash
 * table in one fixed buffer of 24-byte slots, each the MD5 of a key and the key's latest offset.
 * A key is never stored, only its hash, so the memory is exactly `slots * 24` bytes whatever the
 * keys' sizes. Two keys with the same MD5 would be taken for one (as in Kafka; vanishingly
 * unlikely). Probing: the slot is read from successive 4-byte windows of the hash, then moves
 * linearly. Deletes are not supported; `clear` empties the table for the next log.
 */
export class OffsetMap {
  private bytes: Buffer;
  private slotCount: number;
  private entries = 0;
  private lastOffset = -1n;
  /** Probes of the current put/get (for the `collisionRate`-style stats Kafka keeps). */
  private lookups = 0;
  private probes = 0;
  private seed = randomInt(0x7fffffff);
  private readonly digest = Buffer.alloc(HASH_SIZE);

  /**
   * A map of at most `memory` bytes, first sized for `initialEntries` keys (all it can hold by
   * default); `reset` resizes it within that bound for each clean.
   */
  constructor(
    private readonly memory: number,
    initialEntries = Number.POSITIVE_INFINITY,
  ) {
    if (memory < BYTES_PER_ENTRY) throw new Error(`offset map of ${memory} bytes holds no entry`);
    this.slotCount = 0;
    this.bytes = Buffer.alloc(0);
    this.reset(initialEntries);
  }

  get slots(): number {
    return this.slotCount;
  }

  get size(): number {
    return this.entries;
  }

  /** The highest offset put (or set by `updateLatestOffset`); -1 when empty. */
  get latestOffset(): bigint {
    return this.lastOffset;
  }

  /** Fraction of slots in use (Kafka's buffer utilization). */
  get utilization(): number {
    return this.entries / this.slotCount;
  }

  /** Average slots probed per operation since the last clear (1 = no collisions). */
  get probesPerLookup(): number {
    return this.lookups === 0 ? 0 : this.probes / this.lookups;
  }

  /**
   * Empties the map and sizes it for at most `maxEntries` keys (never past the memory it was given):
   * a small dirty section does not pay for zeroing the whole buffer.
   */
  reset(maxEntries = Number.POSITIVE_INFINITY): void {
    const wanted = Math.max(1, Math.min(Math.floor(this.memory / BYTES_PER_ENTRY), Math.ceil(maxEntries)));
    // Grown only as far as a clean needs: the pages of a large map are touched only when used.
    if (wanted * BYTES_PER_ENTRY > this.bytes.length) this.bytes = Buffer.alloc(wanted * BYTES_PER_ENTRY);
    else this.bytes.fill(0, 0, Math.max(this.slotCount, wanted) * BYTES_PER_ENTRY);
    this.slotCount = wanted;
    this.entries = 0;
    this.lastOffset = -1n;
    this.lookups = 0;
    this.probes = 0;
    this.seed = randomInt(0x7fffffff);
  }

  clear(): void {
    this.reset(this.slotCount);
  }

  /** Records `offset` as the latest for `key`; throws when the map is full. */
  put(key: Uint8Array, offset: bigint): void {
    if (this.entries >= this.slotCount) {
      throw new Error(`offset map is full: ${this.entries} entries in ${this.slotCount} slots`);
    }
    const digest = this.hashOf(key);
    this.lookups++;
    for (let attempt = 0; ; attempt++) {
      this.probes++;
      const position = this.positionOf(digest, attempt);
      if (this.isEmpty(position)) {
        digest.copy(this.bytes, position);
        this.bytes.writeBigInt64BE(offset, position + HASH_SIZE);
        this.entries++;
        break;
      }
      if (this.bytes.compare(digest, 0, HASH_SIZE, position, position + HASH_SIZE) === 0) {
        this.bytes.writeBigInt64BE(offset, position + HASH_SIZE);
        break;
      }
    }
    this.lastOffset = offset;
  }

  /** The latest offset recorded for `key`, or -1n. */
  get(key: Uint8Array): bigint {
    const digest = this.hashOf(key);
    this.lookups++;
    // Past slots + 12 attempts every slot has been probed (the linear phase), so the key is absent.
    const maxAttempts = this.slotCount + HASH_SIZE - 4;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      this.probes++;
      const position = this.positionOf(digest, attempt);
      if (this.isEmpty(position)) return -1n;
      if (this.bytes.compare(digest, 0, HASH_SIZE, position, position + HASH_SIZE) === 0) {
        return this.bytes.readBigInt64BE(position + HASH_SIZE);
      }
    }
    return -1n;
  }

  /** Moves the latest offset forward without a key (batches without keys, offset gaps). */
  updateLatestOffset(offset: bigint): void {
    this.lastOffset = offset;
  }

  private hashOf(key: Uint8Array): Buffer {
    murmur3x86128(key, this.seed, this.digest);
    // An all-zero slot means empty: a hash of all zeros (probability 2^-128) is nudged off it.
    if (this.digest.readUInt32BE(0) === 0 && this.digest.readUInt32BE(4) === 0) this.digest[15]! |= 1;
    return this.digest;
  }

  /** Kafka's probing: 4 bytes of the hash at `attempt` (clamped), plus the linear overflow. */
  private positionOf(digest: Buffer, attempt: number): number {
    const window = Math.min(attempt, HASH_SIZE - 4);
    const probe = (digest.readInt32BE(window) + Math.max(0, attempt - HASH_SIZE + 4)) | 0;
    return ((probe & 0x7fffffff) % this.slotCount) * BYTES_PER_ENTRY;
  }

  /** A slot is empty while all 24 bytes are zero (an MD5 of all zeros with offset 0 never occurs). */
  private isEmpty(position: number): boolean {
    for (let i = 0; i < BYTES_PER_ENTRY; i += 4)
      if (this.bytes.readUInt32BE(position + i) !== 0) return false;
    return true;
  }
}
