/**
 * A producer: records are batched per partition and sent to each partition's leader.
 *
 * `send` appends a record to its partition's open batch (keyed records by murmur2, unkeyed ones to a
 * sticky partition, see `partitioner.ts`). A batch closes at `batchSize` bytes; batches are sent after
 * `lingerMs`, or at once when one is full or on `flush()`. One request per leader carries at most one
 * batch per partition (Kafka rejects a v3+ produce with several batches for one partition), and one
 * drain runs at a time, so records of a partition are written in the order they were sent.
 * Retriable errors (leader moved, topic just created) refresh metadata and resend the batch.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeCompressedBatch } from '../protocol/compression/compressed-batch.js';
import { codecByName } from '../protocol/compression/compression-type.js';
import { Produce } from '../protocol/messages/index.js';
import type { CompressionCodec } from '../protocol/records/record-batch.js';
import type { RecordData, RecordHeader } from '../protocol/records/records.js';
import { SamsaError } from '../util/errors.js';
import type { ClusterClient, TopicMetadata } from './cluster-client.js';
import { isRetriable, responseError, throwIfError } from './errors.js';
import { partitionForKey, StickyPartitioner } from './partitioner.js';

export type Acks = -1 | 0 | 1;

export interface ProducerOptions {
  /** -1 (all in-sync replicas, the default), 1 (leader), 0 (no response). */
  readonly acks?: Acks;
  /** How long the broker may wait for acks=-1 replication; default 30 s. */
  readonly ackTimeoutMs?: number;
  /** Wait this long for more records before sending a batch; default 5 ms (Kafka 4.0's linger.ms). */
  readonly lingerMs?: number;
  /** Close a partition's batch at this many bytes; default 16 KiB (Kafka's batch.size). */
  readonly batchSize?: number;
  /** Batch codec: 'none' (default), 'gzip', 'snappy', 'lz4' or 'zstd' (Kafka's compression.type). */
  readonly compression?: string;
  /** Resends of a batch after a retriable error; default 5. */
  readonly retries?: number;
}

export interface ProducerRecord {
  readonly topic: string;
  readonly value: Buffer | string | null;
  readonly key?: Buffer | string | null;
  readonly headers?: readonly { key: string; value: Buffer | string | null }[];
  /** Fixed partition; otherwise chosen by key or stickily. */
  readonly partition?: number;
  /** Milliseconds since the epoch; default now. */
  readonly timestamp?: bigint | number;
}

export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  /** -1n with acks=0 (the broker does not answer). */
  readonly offset: bigint;
  readonly timestamp: bigint;
}

interface PendingRecord {
  readonly data: RecordData;
  readonly resolve: (metadata: RecordMetadata) => void;
  readonly reject: (error: Error) => void;
}

interface Batch {
  readonly topic: string;
  readonly partition: number;
  readonly records: PendingRecord[];
  bytes: number;
  attempts: number;
}

/** Bytes a record adds to a batch besides its key, value and headers (varints, attributes): an upper bound. */
const RECORD_OVERHEAD = 21;

export class Producer {
  private readonly acks: Acks;
  private readonly ackTimeoutMs: number;
  private readonly lingerMs: number;
  private readonly batchSize: number;
  private readonly retries: number;
  private readonly sticky = new StickyPartitioner();
  /** Per "topic\0partition": batches waiting, oldest first; the last one may still grow. */
  private readonly codec: CompressionCodec;
  private readonly queues = new Map<string, Batch[]>();
  private appendChain: Promise<unknown> = Promise.resolve();
  private lingerTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    readonly cluster: ClusterClient,
    options: ProducerOptions = {},
  ) {
    this.acks = options.acks ?? -1;
    if (![-1, 0, 1].includes(this.acks))
      throw new SamsaError('INVALID_REQUIRED_ACKS', `acks must be -1, 0 or 1`);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.lingerMs = options.lingerMs ?? 5;
    this.batchSize = options.batchSize ?? 16_384;
    this.retries = options.retries ?? 5;
    try {
      this.codec = codecByName(options.compression ?? 'none');
    } catch (error) {
      throw new SamsaError('UNSUPPORTED_COMPRESSION_TYPE', (error as Error).message, { cause: error });
    }
  }

  /** Queues one record; resolves with its offset once the broker has it (per `acks`). */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    if (this.closed) return Promise.reject(new SamsaError('ILLEGAL_STATE', 'the producer is closed'));
    return new Promise<RecordMetadata>((resolve, reject) => {
      // Appends run one after another so records keep their order even while metadata is fetched.
      this.appendChain = this.appendChain.then(() => this.append(record, resolve, reject)).catch(reject);
    });
  }

  /** Queues records and sends them at once; resolves with each record's metadata, in order. */
  async sendBatch(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const results = records.map((r) => this.send(r));
    // Observed at once: a record may fail before flush() returns and Promise.all looks at it.
    for (const r of results) r.catch(() => undefined);
    await this.flush();
    return Promise.all(results);
  }

  /** Sends everything queued and waits for the answers. */
  async flush(): Promise<void> {
    await this.appendChain.catch(() => undefined);
    while (this.hasQueued() || this.draining) {
      await this.drain();
    }
  }

  /** Flushes, then stops accepting records. The cluster client stays open (its owner closes it). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.lingerTimer);
  }

  // ---------------------------------------------------------------------------------------------

  private async append(
    record: ProducerRecord,
    resolve: (m: RecordMetadata) => void,
    reject: (e: Error) => void,
  ): Promise<void> {
    const topic = await this.topicMetadata(record.topic);
    const key = toBuffer(record.key ?? null);
    const partition = this.choosePartition(topic, record.partition, key);
    const data: RecordData = {
      key,
      value: toBuffer(record.value),
      headers: (record.headers ?? []).map((h): RecordHeader => ({ key: h.key, value: toBuffer(h.value) })),
      timestamp: record.timestamp === undefined ? BigInt(Date.now()) : BigInt(record.timestamp),
    };
    const size = recordSize(data);
    const id = `${record.topic}\0${partition}`;
    const queue = this.queues.get(id) ?? [];
    this.queues.set(id, queue);
    let batch = queue[queue.length - 1];
    if (batch === undefined || batch.attempts > 0 || batch.bytes + size > this.batchSize) {
      batch = { topic: record.topic, partition, records: [], bytes: 0, attempts: 0 };
      queue.push(batch);
    }
    batch.records.push({ data, resolve, reject });
    batch.bytes += size;
    if (batch.bytes >= this.batchSize || queue.length > 1) this.scheduleDrain(0);
    else this.scheduleDrain(this.lingerMs);
  }

  private async topicMetadata(name: string): Promise<TopicMetadata> {
    // A topic the broker is still creating answers LEADER_NOT_AVAILABLE; wait for it like Kafka's max.block.ms.
    return this.cluster.withRetries([], async () => {
      const topic = await this.cluster.topic(name, false, { allowAutoTopicCreation: true });
      if (topic.errorCode !== 0) this.cluster.invalidate(name);
      throwIfError(topic.errorCode, `topic '${name}'`);
      if (topic.partitions.length === 0 || topic.partitions.every((p) => p.leader < 0)) {
        this.cluster.invalidate(name);
        throwIfError(5, `topic '${name}'`);
      }
      return topic;
    });
  }

  private choosePartition(topic: TopicMetadata, explicit: number | undefined, key: Buffer | null): number {
    const count = topic.partitions.length;
    if (explicit !== undefined) {
      if (!Number.isInteger(explicit) || explicit < 0 || explicit >= count) {
        throw responseError(3, `partition ${topic.name}-${explicit}`, `the topic has ${count} partitions`);
      }
      return explicit;
    }
    if (key !== null) return partitionForKey(key, count);
    return this.sticky.partition(topic.name, availablePartitions(topic));
  }

  private scheduleDrain(delayMs: number): void {
    if (delayMs === 0) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      queueMicrotask(() => void this.drain().catch(() => undefined));
      return;
    }
    this.lingerTimer ??= setTimeout(() => {
      this.lingerTimer = undefined;
      void this.drain().catch(() => undefined);
    }, delayMs);
  }

  private hasQueued(): boolean {
    for (const queue of this.queues.values()) if (queue.length > 0) return true;
    return false;
  }

  /** Sends the oldest batch of every partition; one drain at a time, repeated while batches remain. */
  private drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (this.hasQueued()) await this.drainOnce();
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const byLeader = new Map<number, Batch[]>();
    for (const [id, queue] of this.queues) {
      const batch = queue.shift();
      if (queue.length === 0) this.queues.delete(id);
      if (batch === undefined) continue;
      const leader = this.cluster.leaderOf(batch.topic, batch.partition);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), batch]);
      const topic = await this.cluster.topic(batch.topic).catch(() => undefined);
      if (topic) this.sticky.onBatchSent(batch.topic, batch.partition, availablePartitions(topic));
    }
    const retry: Batch[] = [];
    await Promise.all(
      [...byLeader].map(async ([leader, batches]) => {
        try {
          if (leader < 0) throw responseError(5, `leader of ${batches[0]!.topic}`);
          await this.produceTo(leader, batches, retry);
        } catch (error) {
          for (const b of batches) this.failOrRetry(b, error as Error, retry);
        }
      }),
    );
    if (retry.length > 0) {
      await sleep(Math.min(100 * 2 ** (retry[0]!.attempts - 1), 1_000));
      const topics = [...new Set(retry.map((b) => b.topic))];
      for (const t of topics) this.cluster.invalidate(t);
      await this.cluster.metadata(topics).catch(() => undefined);
      for (const b of retry.reverse()) {
        const id = `${b.topic}\0${b.partition}`;
        const queue = this.queues.get(id) ?? [];
        queue.unshift(b);
        this.queues.set(id, queue);
      }
    }
  }

  private async produceTo(leader: number, batches: readonly Batch[], retry: Batch[]): Promise<void> {
    const connection = await this.cluster.connectionTo(leader);
    const topics = new Map<string, { index: number; records: Buffer }[]>();
    for (const b of batches) {
      const list = topics.get(b.topic) ?? [];
      list.push({
        index: b.partition,
        records: encodeCompressedBatch(
          b.records.map((r) => r.data),
          this.codec,
        ),
      });
      topics.set(b.topic, list);
    }
    const request = {
      transactionalId: null,
      acks: this.acks,
      timeoutMs: this.ackTimeoutMs,
      topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
    };
    if (this.acks === 0) {
      await connection.sendWithoutResponse(Produce, request);
      for (const b of batches) {
        for (const r of b.records) {
          r.resolve({ topic: b.topic, partition: b.partition, offset: -1n, timestamp: r.data.timestamp });
        }
      }
      return;
    }
    const body = await connection.send(Produce, request, { timeoutMs: this.ackTimeoutMs + 5_000 });
    for (const t of body.responses) {
      for (const p of t.partitionResponses) {
        const batch = batches.find((b) => b.topic === t.name && b.partition === p.index);
        if (batch === undefined) continue;
        if (p.errorCode !== 0) {
          this.failOrRetry(
            batch,
            responseError(p.errorCode, `partition ${t.name}-${p.index}`, p.errorMessage),
            retry,
          );
          continue;
        }
        batch.records.forEach((r, i) => {
          r.resolve({
            topic: t.name,
            partition: p.index,
            offset: p.baseOffset + BigInt(i),
            timestamp: p.logAppendTimeMs >= 0n ? p.logAppendTimeMs : r.data.timestamp,
          });
        });
      }
    }
  }

  private failOrRetry(batch: Batch, error: Error, retry: Batch[]): void {
    batch.attempts++;
    if (isRetriable(error) && batch.attempts <= this.retries) {
      retry.push(batch);
      return;
    }
    for (const r of batch.records) r.reject(error);
  }
}

function availablePartitions(topic: TopicMetadata): number[] {
  const withLeader = topic.partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
  return withLeader.length > 0 ? withLeader : topic.partitions.map((p) => p.partition);
}

function toBuffer(value: Buffer | string | null): Buffer | null {
  if (value === null) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function recordSize(data: RecordData): number {
  let size = RECORD_OVERHEAD + (data.key?.length ?? 0) + (data.value?.length ?? 0);
  for (const h of data.headers) size += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return size;
}
