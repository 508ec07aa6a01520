/**
 * Record work that inflates whole batches, off the event loop: validation of large compressed
 * produce batches, and the conversions between message formats v0/v1 and v2 that old clients
 * need (an old producer's message set up to v2 batches, stored batches down for an old consumer).
 * Inflating a legitimate multi-megabyte batch (and walking, key-checking, recompressing or
 * re-encoding its records) takes tens of milliseconds, a highly compressible one far longer; on
 * the loop that would delay every other client. Records below `offloadThresholdBytes` keep the
 * synchronous path, where the worker round trip would cost more than the work.
 *
 * Memory: each worker works on one partition's records at a time, so at most `size` inflated
 * batches (each bounded by `inflationLimit`) exist at once. Jobs waiting for a worker hold no copy:
 * their records are the request frames (or reads) already counted in the broker's memory budgets,
 * and are copied for the worker only when it takes them.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LegacyMagic } from '../protocol/records/legacy-message-set.js';
import { batchSizeAt, CompressionCodec, RecordBatchView } from '../protocol/records/record-batch.js';
import { CorruptRecordError, InvalidRecordError, RecordTooLargeError, SamsaError } from '../util/errors.js';
import type { AppendValidationConfig } from './log-validator.js';
import type { RecordJob, RecordReply } from './record-worker.js';

/** Compressed batches from this size up are validated on a worker (a 128 KiB batch inflates for about 1 ms). */
export const DEFAULT_OFFLOAD_THRESHOLD_BYTES = 128 * 1024;

/**
 * What a worker found for one partition's records, for `Log.appendAsLeader` to use in place of
 * validating them again: valid (and maybe recompressed), or the error to answer.
 */
export interface OffloadedValidation {
  /** The configuration validated against; the log validates again if its own changed since. */
  readonly config: AppendValidationConfig;
  /** The records to write when recompression rewrote them. */
  readonly rewritten?: Buffer;
  /** The validation error, thrown by the append in its turn. */
  readonly error?: SamsaError;
}

/** A legacy message set converted and validated on a worker. */
export interface OffloadedLegacyAppend extends OffloadedValidation {
  /** The message set as v2 batches (absent with `error`): what the log validates if its config changed. */
  readonly converted?: Buffer;
}

/** True when `records` hold a compressed batch of at least `thresholdBytes` (headers only are read). */
export function needsOffloadedValidation(records: Buffer, thresholdBytes: number): boolean {
  if (records.length < thresholdBytes) return false;
  let position = 0;
  while (position < records.length) {
    const size = batchSizeAt(records, position);
    if (size < 0) return false; // malformed: the synchronous path answers it at once
    const batch = new RecordBatchView(records, position);
    if (size >= thresholdBytes && batch.magic === 2 && batch.compression !== CompressionCodec.None)
      return true;
    position += size;
  }
  return false;
}

type JobInput = RecordJob extends infer J ? (J extends RecordJob ? Omit<J, 'id'> : never) : never;

/** A worker's answer: the result, or the Kafka error the records earned (worker failures reject). */
type Answer = Exclude<RecordReply, { kafkaError: null }>;

interface PendingJob {
  job: JobInput;
  resolve: (reply: Answer) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  busy?: { id: number; pending: PendingJob };
}

export class RecordWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private closed = false;
  /** Jobs a worker has answered since start (metrics, tests). */
  completed = 0;

  constructor(readonly size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  /**
   * Validates on a worker (an old producer's message set, `legacy`, converted to v2 batches first);
   * rejects only when the worker itself failed (the caller does the work inline then).
   */
  validate(records: Buffer, config: AppendValidationConfig, where: string): Promise<OffloadedValidation>;
  validate(
    records: Buffer,
    config: AppendValidationConfig,
    where: string,
    legacy: true,
  ): Promise<OffloadedLegacyAppend>;
  async validate(
    records: Buffer,
    config: AppendValidationConfig,
    where: string,
    legacy = false,
  ): Promise<OffloadedLegacyAppend> {
    const snapshot: AppendValidationConfig = {
      maxMessageBytes: config.maxMessageBytes,
      compressionType: config.compressionType,
      ...(config.cleanupPolicy !== undefined ? { cleanupPolicy: config.cleanupPolicy } : {}),
    };
    const reply = await this.submit({ kind: 'validate', records, config: snapshot, where, legacy });
    if (!reply.ok) return { config: snapshot, error: errorOf(reply.kafkaError, reply.message) };
    return {
      config: snapshot,
      ...(reply.converted ? { converted: toBuffer(reply.converted) } : {}),
      ...(reply.rewritten ? { rewritten: toBuffer(reply.rewritten) } : {}),
    };
  }

  /**
   * Stored batches as a message set of format `toMagic` (`downConvertRecords`) on a worker. Rejects
   * with the SamsaError the conversion threw, or another Error when the worker itself failed.
   */
  async downConvert(records: Buffer, toMagic: LegacyMagic, fetchOffset: bigint): Promise<Buffer> {
    const reply = await this.submit({ kind: 'downConvert', records, toMagic, fetchOffset });
    if (!reply.ok) throw errorOf(reply.kafkaError, reply.message);
    return toBuffer(reply.converted!);
  }

  /** Jobs waiting for a worker or being worked on (metrics, tests). */
  get pending(): number {
    return this.queue.length + this.workers.filter((w) => w.busy !== undefined).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('record worker pool closed'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }

  private submit(job: JobInput): Promise<Answer> {
    if (this.closed) return Promise.reject(new Error('record worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.workers.find((w) => w.busy === undefined) ?? this.spawn();
      if (idle === undefined) return;
      const pending = this.queue.shift()!;
      const id = this.nextId++;
      idle.busy = { id, pending };
      // A copy the worker owns: the request's buffer stays with the connection and is patched in place by the append.
      const copy = new Uint8Array(pending.job.records);
      idle.worker.ref();
      idle.worker.postMessage({ ...pending.job, id, records: copy } satisfies RecordJob, [copy.buffer]);
    }
  }

  private spawn(): PoolWorker | undefined {
    if (this.workers.length >= this.size) return undefined;
    const entry: PoolWorker = {
      worker: new Worker(new URL('./record-worker.js', import.meta.url)),
    };
    entry.worker.unref();
    entry.worker.on('message', (reply: RecordReply) => this.onReply(entry, reply));
    const fail = (error: Error) => {
      const i = this.workers.indexOf(entry);
      if (i >= 0) this.workers.splice(i, 1);
      entry.busy?.pending.reject(error);
      entry.busy = undefined;
      this.dispatch();
    };
    entry.worker.on('error', fail);
    entry.worker.on('exit', (code) => fail(new Error(`record worker exited with code ${code}`)));
    this.workers.push(entry);
    return entry;
  }

  private onReply(entry: PoolWorker, reply: RecordReply): void {
    const busy = entry.busy;
    if (busy === undefined || busy.id !== reply.id) return;
    entry.busy = undefined;
    entry.worker.unref();
    this.completed++;
    if (!reply.ok && reply.kafkaError === null) busy.pending.reject(new Error(reply.message));
    else busy.pending.resolve(reply as Answer);
    this.dispatch();
  }
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function errorOf(kafkaError: string, message: string): SamsaError {
  switch (kafkaError) {
    case 'CORRUPT_MESSAGE':
      return new CorruptRecordError(message);
    case 'INVALID_RECORD':
      return new InvalidRecordError(message);
    case 'MESSAGE_TOO_LARGE':
      return new RecordTooLargeError(message);
    default:
      return new SamsaError(kafkaError, message);
  }
}

/** The broker's pool, started on first use; its idle workers do not keep the process alive. */
let shared: RecordWorkerPool | undefined;
export function recordWorkerPool(): RecordWorkerPool {
  shared ??= new RecordWorkerPool();
  return shared;
}
