/**
 * A simple assign-based consumer: the caller names the partitions and where to start (no group, no
 * committed offsets); `records()` fetches from each partition's leader and yields records in offset
 * order per partition.
 *
 * Fetch answers hold whole v2 batches (KIP-74: at least one even past the size limits); a batch can
 * start before the offset asked for (the broker serves from the batch boundary), so records below the
 * position are skipped. Control batches (transaction markers) advance the position but are not
 * yielded. Reading is read_uncommitted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeBatchRecords } from '../protocol/compression/compressed-batch.js';
import { Fetch } from '../protocol/messages/index.js';
import { batchesIn, CURRENT_MAGIC, type RecordBatchView } from '../protocol/records/record-batch.js';
import type { RecordHeader } from '../protocol/records/records.js';
import { SamsaError } from '../util/errors.js';
import { Admin } from './admin.js';
import type { ClusterClient } from './cluster-client.js';
import { isRetriable, responseError } from './errors.js';

/** Where a partition starts: log start, high watermark, an offset, or the first record at/after a time. */
export type StartOffset = 'earliest' | 'latest' | bigint | { readonly timestamp: bigint };

export interface Assignment {
  readonly topic: string;
  /** Omit for every partition of the topic. */
  readonly partition?: number;
  readonly offset: StartOffset;
}

export interface ConsumerOptions {
  /** Longest the broker holds a fetch waiting for minBytes; default 500 ms (fetch.max.wait.ms). */
  readonly maxWaitMs?: number;
  /** Default 1. */
  readonly minBytes?: number;
  /** Per request; default 50 MiB (fetch.max.bytes). */
  readonly maxBytes?: number;
  /** Per partition; default 1 MiB (max.partition.fetch.bytes). */
  readonly partitionMaxBytes?: number;
  /** Consecutive retriable fetch errors tolerated before giving up; default 10. */
  readonly retries?: number;
  /**
   * What to do when a position is outside the log (OFFSET_OUT_OF_RANGE), as Kafka's
   * auto.offset.reset: 'none' (the default) throws; 'earliest'/'latest' jump there; 'nearest' moves
   * to the log start when below it and to the high watermark when past it.
   */
  readonly offsetReset?: 'none' | 'earliest' | 'latest' | 'nearest';
}

export interface ConsumeOptions {
  /** Stop after this many records. */
  readonly maxRecords?: number;
  /** Stop once every partition has been read up to the high watermark seen in a fetch answer. */
  readonly stopAtEnd?: boolean;
  /** Stop when no record arrived for this long. */
  readonly idleTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly timestampType: 'CreateTime' | 'LogAppendTime';
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

const OFFSET_OUT_OF_RANGE = 1;

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  position: bigint;
  /** From the latest fetch answer; -1n until one arrives. */
  highWatermark: bigint;
}

export class Consumer {
  private readonly options: Required<ConsumerOptions>;
  private readonly admin: Admin;
  private readonly partitions = new Map<string, PartitionState>();

  constructor(
    readonly cluster: ClusterClient,
    options: ConsumerOptions = {},
  ) {
    this.admin = new Admin(cluster);
    this.options = {
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 50 * 1024 * 1024,
      partitionMaxBytes: options.partitionMaxBytes ?? 1024 * 1024,
      retries: options.retries ?? 10,
      offsetReset: options.offsetReset ?? 'none',
    };
  }

  /** Adds partitions and resolves their start offsets (ListOffsets for earliest/latest/timestamps). */
  async assign(assignments: readonly Assignment[]): Promise<void> {
    const expanded: { topic: string; partition: number; offset: StartOffset }[] = [];
    for (const a of assignments) {
      const [topic] = await this.admin.describeTopics([a.topic]);
      const partitions = topic!.partitions.map((p) => p.partition);
      if (a.partition === undefined) {
        for (const partition of partitions) expanded.push({ topic: a.topic, partition, offset: a.offset });
      } else if (!partitions.includes(a.partition)) {
        throw responseError(
          3,
          `partition ${a.topic}-${a.partition}`,
          `the topic has ${partitions.length} partitions`,
        );
      } else {
        expanded.push({ topic: a.topic, partition: a.partition, offset: a.offset });
      }
    }
    const lookups = expanded.filter((e) => typeof e.offset !== 'bigint');
    const listed = await this.admin.listOffsets(
      lookups.map((e) => ({
        topic: e.topic,
        partition: e.partition,
        spec: e.offset as Exclude<StartOffset, bigint>,
      })),
    );
    // A timestamp past the last record finds nothing (-1): start at the end, as there is nothing older to read.
    const needsLatest = lookups.filter((_, i) => listed[i]!.offset < 0n);
    const latest = await this.admin.listOffsets(
      needsLatest.map((e) => ({ topic: e.topic, partition: e.partition, spec: 'latest' as const })),
    );
    const resolved = new Map<string, bigint>();
    for (const [i, e] of lookups.entries()) resolved.set(key(e.topic, e.partition), listed[i]!.offset);
    for (const [i, e] of needsLatest.entries()) resolved.set(key(e.topic, e.partition), latest[i]!.offset);
    for (const e of expanded) {
      const position = typeof e.offset === 'bigint' ? e.offset : resolved.get(key(e.topic, e.partition))!;
      this.partitions.set(key(e.topic, e.partition), {
        topic: e.topic,
        partition: e.partition,
        position,
        highWatermark: -1n,
      });
    }
  }

  /** The next offset to be read from a partition. */
  position(topic: string, partition: number): bigint | undefined {
    return this.partitions.get(key(topic, partition))?.position;
  }

  /** Yields records from the assigned partitions until a stop condition of `options` holds. */
  async *records(options: ConsumeOptions = {}): AsyncGenerator<ConsumerRecord> {
    let yielded = 0;
    let lastRecordAt = Date.now();
    let failures = 0;
    for (;;) {
      if (options.signal?.aborted) return;
      if (options.maxRecords !== undefined && yielded >= options.maxRecords) return;
      if (options.stopAtEnd && this.allAtEnd()) return;
      if (options.idleTimeoutMs !== undefined && Date.now() - lastRecordAt >= options.idleTimeoutMs) return;

      let fetched: ConsumerRecord[];
      try {
        fetched = await this.fetchOnce(options);
        failures = 0;
      } catch (error) {
        if (!isRetriable(error) || ++failures > this.options.retries) throw error;
        await sleep(Math.min(100 * 2 ** (failures - 1), 1_000));
        const topics = [...new Set([...this.partitions.values()].map((p) => p.topic))];
        for (const t of topics) this.cluster.invalidate(t);
        continue;
      }
      if (fetched.length > 0) lastRecordAt = Date.now();
      for (const record of fetched) {
        if (options.maxRecords !== undefined && yielded >= options.maxRecords) return;
        this.partitions.get(key(record.topic, record.partition))!.position = record.offset + 1n;
        yielded++;
        yield record;
      }
    }
  }

  /** One Fetch per leader for every partition not yet at its end (when stopping there). */
  private async fetchOnce(options: ConsumeOptions): Promise<ConsumerRecord[]> {
    const wanted = [...this.partitions.values()].filter((p) => !(options.stopAtEnd && atEnd(p)));
    const byLeader = new Map<number, PartitionState[]>();
    for (const p of wanted) {
      await this.cluster.topic(p.topic);
      const leader = this.cluster.leaderOf(p.topic, p.partition);
      if (leader < 0) throw responseError(5, `partition ${p.topic}-${p.partition}`);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    // Waiting for data makes no sense when stopping at an end that may already be reached.
    const idleLimit = options.stopAtEnd ? 0 : (options.idleTimeoutMs ?? Number.POSITIVE_INFINITY);
    const maxWaitMs = Math.max(0, Math.min(this.options.maxWaitMs, idleLimit));
    const outOfRange: PartitionState[] = [];
    const answers = await Promise.all(
      [...byLeader].map(([leader, states]) => this.fetchFrom(leader, states, maxWaitMs, outOfRange)),
    );
    if (outOfRange.length > 0) await this.resetPositions(outOfRange);
    return answers.flat();
  }

  /** Moves positions that fell outside their logs, per the offsetReset policy. */
  private async resetPositions(states: readonly PartitionState[]): Promise<void> {
    const queries = states.map((s) => ({ topic: s.topic, partition: s.partition }));
    const [starts, ends] = await Promise.all([
      this.admin.listOffsets(queries.map((q) => ({ ...q, spec: 'earliest' as const }))),
      this.admin.listOffsets(queries.map((q) => ({ ...q, spec: 'latest' as const }))),
    ]);
    for (const [i, s] of states.entries()) {
      const policy = this.options.offsetReset;
      const start = starts[i]!.offset;
      const end = ends[i]!.offset;
      s.position =
        policy === 'earliest' ? start : policy === 'latest' ? end : s.position < start ? start : end;
    }
  }

  private async fetchFrom(
    leader: number,
    states: readonly PartitionState[],
    maxWaitMs: number,
    outOfRange: PartitionState[],
  ): Promise<ConsumerRecord[]> {
    const connection = await this.cluster.connectionTo(leader);
    const topics = new Map<string, PartitionState[]>();
    for (const s of states) topics.set(s.topic, [...(topics.get(s.topic) ?? []), s]);
    const body = await connection.send(
      Fetch,
      {
        replicaId: -1,
        maxWaitMs,
        minBytes: this.options.minBytes,
        maxBytes: this.options.maxBytes,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1, // no fetch session (KIP-227): every request is a full fetch
        topics: [...topics].map(([topic, list]) => ({
          topic,
          partitions: list.map((s) => ({
            partition: s.partition,
            currentLeaderEpoch: -1,
            fetchOffset: s.position,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: this.options.partitionMaxBytes,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      { timeoutMs: maxWaitMs + 30_000 },
    );
    const out: ConsumerRecord[] = [];
    for (const t of body.responses) {
      for (const p of t.partitions) {
        const state = this.partitions.get(key(t.topic, p.partitionIndex));
        if (state === undefined) continue;
        if (p.errorCode === OFFSET_OUT_OF_RANGE && this.options.offsetReset !== 'none') {
          outOfRange.push(state);
          continue;
        }
        if (p.errorCode !== 0) throw responseError(p.errorCode, `partition ${t.topic}-${p.partitionIndex}`);
        state.highWatermark = p.highWatermark;
        if (p.records) out.push(...this.recordsOf(state, p.records));
      }
    }
    return out;
  }

  private recordsOf(state: PartitionState, data: Buffer): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    let position = state.position;
    for (const batch of batchesIn(data)) {
      if (batch.nextOffset <= position) continue;
      if (batch.magic !== CURRENT_MAGIC) {
        throw new SamsaError(
          'UNSUPPORTED_VERSION',
          `${state.topic}-${state.partition}: batch magic ${batch.magic}`,
        );
      }
      if (batch.isControl) {
        position = batch.nextOffset;
        if (out.length === 0) state.position = position;
        continue;
      }
      for (const r of decodeBatch(batch, state)) {
        if (r.offset < position) continue;
        out.push({
          topic: state.topic,
          partition: state.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          timestampType: batch.timestampType,
          key: r.key,
          value: r.value,
          headers: r.headers,
        });
      }
      position = batch.nextOffset;
    }
    return out;
  }

  private allAtEnd(): boolean {
    for (const p of this.partitions.values()) if (!atEnd(p)) return false;
    return true;
  }
}

/** Records of a batch, inflated first when it is compressed. */
function decodeBatch(batch: RecordBatchView, state: PartitionState) {
  try {
    return decodeBatchRecords(batch.buffer, batch.position);
  } catch (error) {
    if (!(error instanceof SamsaError)) throw error;
    throw new SamsaError(
      error.kafkaError,
      `${state.topic}-${state.partition}: batch at offset ${batch.baseOffset}: ${error.message}`,
      { cause: error },
    );
  }
}

function atEnd(p: PartitionState): boolean {
  return p.highWatermark >= 0n && p.position >= p.highWatermark;
}

function key(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
