/**
 * Partition choice, as the Java producer's default partitioner makes it (apache/kafka
 * `BuiltInPartitioner.java`): a keyed record goes to `toPositive(murmur2(key)) % numPartitions`, so
 * records with one key land in one partition whichever Kafka client wrote them; unkeyed records stick
 * to one partition until its batch is sent, then another is picked (KIP-480's sticky partitioner),
 * which keeps batches large.
 */

/**
 * Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`): the 32-bit MurmurHash2 variant
 * with seed 0x9747b28c, returned as a signed int32.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // The 1-3 tail bytes, mixed as Java's fall-through switch does.
  const tail = length & ~3;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which overflows at MIN_VALUE). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition of a keyed record among `numPartitions`. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

/** Sticky choice for unkeyed records, per topic. */
export class StickyPartitioner {
  private readonly current = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  /** The topic's current sticky partition, picked among `available` (partitions with a leader). */
  partition(topic: string, available: readonly number[]): number {
    const current = this.current.get(topic);
    if (current !== undefined && available.includes(current)) return current;
    return this.pick(topic, available, current);
  }

  /** A batch of `partition` was sent: move on, so the next unkeyed records start a new batch. */
  onBatchSent(topic: string, partition: number, available: readonly number[]): void {
    if (this.current.get(topic) === partition) this.pick(topic, available, partition);
  }

  private pick(topic: string, available: readonly number[], previous: number | undefined): number {
    if (available.length === 0) throw new RangeError(`no partition of ${topic} has a leader`);
    const others = available.length > 1 ? available.filter((p) => p !== previous) : available;
    const chosen = others[Math.floor(this.random() * others.length)]!;
    this.current.set(topic, chosen);
    return chosen;
  }
}
