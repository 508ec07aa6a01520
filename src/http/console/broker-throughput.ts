/**
 * Per-broker throughput for the console, from the Kafka protocol alone, so it covers a whole
 * cluster whichever broker serves the page: every few seconds, while someone watches, Metadata
 * names each partition's leader and ListOffsets (latest) to the leaders gives its end offset; the
 * records a broker took in since the previous sample are the sum of its partitions' offset deltas.
 * This broker's own bytes in and out come from its counters. One loop serves every viewer; it
 * stops once no one has asked for a while, and both the partitions read and the history are capped.
 */
import { Admin } from '../../client/admin.js';
import type { BrokerNode, ClusterClient } from '../../client/cluster-client.js';

/** One reading of the cluster: its brokers and the end offset of each partition read. */
export interface OffsetReading {
  readonly controllerId: number;
  readonly brokers: readonly BrokerNode[];
  /** Partitions in the cluster, and how many of them were read (at most the cap). */
  readonly partitionsTotal: number;
  readonly partitionsRead: number;
  /** Partitions led per broker (all of them, not only those read). */
  readonly led: ReadonlyMap<number, number>;
  /** Leaders that failed to answer some ListOffsets: they get no rate for this reading. */
  readonly unanswered: ReadonlySet<number>;
  /** `topic\0partition` → its leader and end offset, for the partitions whose leader answered. */
  readonly offsets: ReadonlyMap<string, { readonly leader: number; readonly offset: bigint }>;
}

/** This broker's byte counters since start. */
export interface ByteTotals {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export interface ThroughputSample {
  readonly timeMs: number;
  /** Broker id → records in per second over the interval before this sample. */
  readonly messagesInPerSec: Readonly<Record<string, number>>;
  /** This broker's bytes per second, null without metrics. */
  readonly bytesInPerSec: number | null;
  readonly bytesOutPerSec: number | null;
}

export interface ThroughputView {
  readonly intervalMs: number;
  readonly maxSamples: number;
  readonly latest: OffsetReading | undefined;
  readonly samples: readonly ThroughputSample[];
  /** The message of the last failed reading, until one succeeds. */
  readonly error: string | undefined;
}

export interface BrokerThroughputOptions {
  /** Between readings; default 5 s. */
  readonly intervalMs?: number;
  /** The loop stops when no one has watched for this long; default 30 s. */
  readonly idleMs?: number;
  /** Samples kept; default 120 (10 minutes at 5 s). */
  readonly maxSamples?: number;
  /** This broker's byte counters (undefined without metrics). */
  readonly ownBytes: () => Promise<ByteTotals | undefined>;
  readonly now?: () => number;
}

export const DEFAULT_MAX_PARTITIONS = 10_000;

/** Partitions per ListOffsets request: bounds each request and the work between two awaits. */
const PARTITIONS_PER_REQUEST = 500;

type ReadOffsets = () => Promise<OffsetReading>;

export class BrokerThroughput {
  readonly intervalMs: number;
  readonly maxSamples: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private samples: ThroughputSample[] = [];
  private previous: { timeMs: number; reading: OffsetReading; bytes: ByteTotals | undefined } | undefined;
  private read: ReadOffsets | undefined;
  private lastWatchedMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private error: string | undefined;

  constructor(private readonly options: BrokerThroughputOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.idleMs = options.idleMs ?? 30_000;
    this.maxSamples = options.maxSamples ?? 120;
    this.now = options.now ?? Date.now;
  }

  /** True while the loop is reading (someone watched within idleMs). */
  get active(): boolean {
    return this.running !== undefined || this.timer !== undefined;
  }

  /**
   * A viewer asks: keeps the loop going (reading with `read`, the latest viewer's way into the
   * cluster) and answers once there is a first reading.
   */
  async watch(read: ReadOffsets): Promise<ThroughputView> {
    this.read = read;
    this.lastWatchedMs = this.now();
    if (!this.active) this.running = this.tick();
    if (!this.previous && this.running) await this.running;
    return {
      intervalMs: this.intervalMs,
      maxSamples: this.maxSamples,
      latest: this.previous?.reading,
      samples: this.samples,
      error: this.error,
    };
  }

  /** Stops the loop for good (the admin server is closing). */
  stop(): void {
    this.lastWatchedMs = Number.NEGATIVE_INFINITY;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    try {
      await this.sampleOnce();
    } finally {
      this.running = undefined;
      if (this.now() - this.lastWatchedMs < this.idleMs) {
        this.timer = setTimeout(() => {
          this.running = this.tick();
        }, this.intervalMs);
        this.timer.unref();
      } else {
        // No one is looking: the next viewer starts afresh rather than seeing a rate over the gap.
        this.previous = undefined;
      }
    }
  }

  private async sampleOnce(): Promise<void> {
    let reading: OffsetReading;
    let bytes: ByteTotals | undefined;
    try {
      [reading, bytes] = await Promise.all([this.read!(), this.options.ownBytes()]);
    } catch (error) {
      this.error = (error as Error).message ?? String(error);
      return;
    }
    this.error = undefined;
    const timeMs = this.now();
    const before = this.previous;
    this.previous = { timeMs, reading, bytes };
    if (!before) return;
    const seconds = Math.max(0.001, (timeMs - before.timeMs) / 1000);
    const perBroker: Record<string, number> = {};
    for (const b of reading.brokers) perBroker[b.nodeId] = 0;
    for (const id of [...reading.unanswered, ...before.reading.unanswered]) delete perBroker[id];
    for (const [key, now] of reading.offsets) {
      const then = before.reading.offsets.get(key);
      // A partition read only once, or deleted and recreated (offsets went back), adds nothing.
      if (!then || now.offset < then.offset || !(now.leader in perBroker)) continue;
      perBroker[now.leader] = (perBroker[now.leader] ?? 0) + Number(now.offset - then.offset) / seconds;
    }
    const rate = (field: keyof ByteTotals) =>
      bytes && before.bytes ? Math.max(0, (bytes[field] - before.bytes[field]) / seconds) : null;
    this.samples.push({
      timeMs,
      messagesInPerSec: perBroker,
      bytesInPerSec: rate('bytesIn'),
      bytesOutPerSec: rate('bytesOut'),
    });
    if (this.samples.length > this.maxSamples) this.samples = this.samples.slice(-this.maxSamples);
  }
}

/**
 * Reads the cluster through a Kafka client: Metadata for leaders, then ListOffsets (latest) to each
 * leader for the first `maxPartitions` partitions by name. A leader that fails leaves its
 * partitions out of this reading; the others still count.
 */
export async function readLeaderOffsets(
  cluster: ClusterClient,
  maxPartitions = DEFAULT_MAX_PARTITIONS,
): Promise<OffsetReading> {
  const metadata = await cluster.metadata(null);
  const partitions = metadata.topics
    .filter((t) => t.errorCode === 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((t) => t.partitions);
  const led = new Map<number, number>();
  for (const p of partitions) if (p.leader >= 0) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
  const read = partitions.slice(0, maxPartitions).filter((p) => p.leader >= 0);
  const byLeader = new Map<number, { topic: string; partition: number }[]>();
  for (const p of read) {
    let list = byLeader.get(p.leader);
    if (!list) byLeader.set(p.leader, (list = []));
    list.push({ topic: p.topic, partition: p.partition });
  }
  const admin = new Admin(cluster);
  const offsets = new Map<string, { leader: number; offset: bigint }>();
  const unanswered = new Set<number>();
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      for (let i = 0; i < list.length; i += PARTITIONS_PER_REQUEST) {
        const chunk = list.slice(i, i + PARTITIONS_PER_REQUEST);
        const answers = await admin
          .listOffsets(chunk.map((p) => ({ ...p, spec: 'latest' as const })))
          .catch(() => {
            unanswered.add(leader);
            return [];
          });
        for (const a of answers) offsets.set(`${a.topic}\0${a.partition}`, { leader, offset: a.offset });
      }
    }),
  );
  return {
    controllerId: metadata.controllerId,
    brokers: [...metadata.brokers].sort((a, b) => a.nodeId - b.nodeId),
    partitionsTotal: partitions.length,
    partitionsRead: Math.min(partitions.length, maxPartitions),
    led,
    unanswered,
    offsets,
  };
}
