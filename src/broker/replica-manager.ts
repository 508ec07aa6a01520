import { batchesIn } from '../protocol/records/record-batch.js';
import type { AppendInfo } from '../storage/log.js';
import type { AbortedTxn } from '../storage/txn-index.js';
import type { Clock } from '../util/clock.js';
import { SamsaError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { TopicRegistry } from './topic-registry.js';

export interface PartitionAppend {
  readonly topic: string;
  readonly partition: number;
  readonly records: Buffer;
}

export type AppendOutcome =
  | ({ readonly ok: true } & AppendInfo)
  | { readonly ok: false; readonly error: SamsaError | Error };

export interface PartitionFetch {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly partitionMaxBytes: number;
}

export interface FetchParams {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** 0 = read_uncommitted, 1 = read_committed. */
  readonly isolationLevel: number;
  readonly partitions: readonly PartitionFetch[];
}

export type FetchOutcome =
  | {
      readonly ok: true;
      readonly records: Buffer;
      readonly highWatermark: bigint;
      readonly lastStableOffset: bigint;
      readonly logStartOffset: bigint;
      /** read_committed: aborted transactions overlapping the returned batches; otherwise null. */
      readonly abortedTransactions: AbortedTxn[] | null;
    }
  | { readonly ok: false; readonly error: SamsaError | Error; readonly highWatermark?: bigint };

/**
 * Appends and reads partitions with Kafka's replica semantics. On a single node every partition has
 * one replica, so the high watermark follows the log end offset as soon as a batch is written and
 * acks=all is satisfied by the local append. Fetches that find less than `minBytes` wait (long poll)
 * until an append to one of their partitions or `maxWaitMs`, as Kafka's DelayedFetch does.
 */
export class ReplicaManager {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Every waiting fetch, including those on no partition at all, for stop(). */
  private readonly waiting = new Set<() => void>();
  private stopping = false;

  constructor(
    private readonly topics: TopicRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Appends each partition's batches, synchronously and in order, and wakes waiting fetches. */
  append(entries: readonly PartitionAppend[], leaderEpoch = 0): AppendOutcome[] {
    const outcomes: AppendOutcome[] = [];
    for (const entry of entries) {
      try {
        const log = this.topics.logFor(entry.topic, entry.partition);
        const info = log.appendAsLeader(entry.records, leaderEpoch);
        log.setHighWatermark(log.logEndOffset);
        outcomes.push({ ok: true, ...info });
        this.wake(entry.topic, entry.partition);
      } catch (error) {
        if (!(error instanceof SamsaError)) {
          this.logger.error({ topic: entry.topic, partition: entry.partition, err: error }, 'append failed');
        } else {
          this.logger.debug(
            { topic: entry.topic, partition: entry.partition, err: error.message },
            'append rejected',
          );
        }
        outcomes.push({ ok: false, error: error as Error });
      }
    }
    return outcomes;
  }

  /** Reads every partition once; waits for data when the result is below `minBytes`. */
  async fetch(params: FetchParams): Promise<FetchOutcome[]> {
    let outcomes = this.readOnce(params);
    if (params.maxWaitMs <= 0 || this.enough(outcomes, params.minBytes)) return outcomes;
    const deadline = this.clock.monotonicMs() + params.maxWaitMs;
    while (!this.stopping && !this.enough(outcomes, params.minBytes)) {
      const remaining = deadline - this.clock.monotonicMs();
      if (remaining <= 0) break;
      await this.waitForAppend(params.partitions, remaining);
      outcomes = this.readOnce(params);
    }
    return outcomes;
  }

  private enough(outcomes: readonly FetchOutcome[], minBytes: number): boolean {
    let bytes = 0;
    for (const o of outcomes) {
      if (!o.ok) return true; // errors are answered at once, as Kafka does
      bytes += o.records.length;
    }
    return bytes >= Math.max(1, minBytes);
  }

  private readOnce(params: FetchParams): FetchOutcome[] {
    let remaining = params.maxBytes;
    let first = true;
    return params.partitions.map((p) => {
      try {
        const log = this.topics.logFor(p.topic, p.partition);
        const highWatermark = log.highWatermark;
        const lastStableOffset = log.lastStableOffset;
        const maxOffset = params.isolationLevel === 1 ? lastStableOffset : highWatermark;
        const limit = Math.min(p.partitionMaxBytes, remaining);
        // KIP-74: the first partition returns at least one whole batch even beyond the limits, so a
        // batch larger than max.partition.fetch.bytes can never stall a consumer.
        const result = log.read(p.fetchOffset, Math.max(0, limit), first, maxOffset);
        if (result.records.length > 0) {
          first = false;
          remaining -= result.records.length;
        }
        return {
          ok: true,
          records: result.records,
          highWatermark,
          lastStableOffset,
          logStartOffset: result.logStartOffset,
          abortedTransactions:
            params.isolationLevel === 1 ? abortedIn(log, p.fetchOffset, result.records) : null,
        };
      } catch (error) {
        return { ok: false, error: error as Error };
      }
    });
  }

  private waitForAppend(partitions: readonly PartitionFetch[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const keys = partitions.map((p) => `${p.topic}\u0000${p.partition}`);
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        for (const key of keys) this.waiters.get(key)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiting.add(done);
      for (const key of keys) {
        let set = this.waiters.get(key);
        if (!set) this.waiters.set(key, (set = new Set()));
        set.add(done);
      }
    });
  }

  /** Wakes fetches waiting on a partition (after an append or a high-watermark move). */
  wake(topic: string, partition: number): void {
    const key = `${topic}\u0000${partition}`;
    const set = this.waiters.get(key);
    if (!set || set.size === 0) return;
    this.waiters.delete(key);
    for (const done of set) done();
  }

  /** Answers every waiting fetch now and stops long polls (shutdown). */
  stop(): void {
    this.stopping = true;
    this.waiters.clear();
    for (const done of [...this.waiting]) done();
  }
}

/**
 * Kafka's `UnifiedLog.collectAbortedTransactions` for a read: the aborted transactions that overlap
 * [fetchOffset, end of the last returned batch), so a read_committed consumer can drop their batches.
 */
function abortedIn(
  log: { abortedTransactions(from: bigint, upperBound: bigint): AbortedTxn[] },
  fetchOffset: bigint,
  records: Buffer,
): AbortedTxn[] {
  let upperBound = -1n;
  for (const batch of batchesIn(records)) upperBound = batch.nextOffset;
  return upperBound < 0n ? [] : log.abortedTransactions(fetchOffset, upperBound);
}
