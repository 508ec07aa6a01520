/**
 * Validation of large compressed produce batches off the event loop. Inflating a legitimate
 * multi-megabyte batch (and walking, key-checking or recompressing its records) takes tens of
 * milliseconds; on the loop that would delay every other client. Batches below
 * `offloadThresholdBytes` keep the synchronous path, where the worker round trip would cost more
 * than the work.
 *
 * Memory: each worker validates one partition's records at a time, so at most `size` inflated
 * batches (each bounded by `inflationLimit`) exist at once. Jobs waiting for a worker hold no copy:
 * their records are the request frames already counted in the broker's request memory budget, and
 * are copied for the worker only when it takes them.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { batchSizeAt, CompressionCodec, RecordBatchView } from '../protocol/records/record-batch.js';
import { CorruptRecordError, InvalidRecordError, RecordTooLargeError, SamsaError } from '../util/errors.js';
import type { ValidationJob, ValidationReply } from './append-validation-worker.js';
import type { AppendValidationConfig } from './log-validator.js';

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

interface PendingJob {
  job: Omit<ValidationJob, 'id'>;
  resolve: (result: OffloadedValidation) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  busy?: { id: number; pending: PendingJob };
}

export class AppendValidationPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private closed = false;
  /** Jobs a worker has answered since start (metrics, tests). */
  completed = 0;

  constructor(readonly size = Math.max(1, Math.min(4, availableParallelism() - 1))) {}

  /** Validates on a worker; rejects only when the worker itself failed (the caller validates inline then). */
  validate(records: Buffer, config: AppendValidationConfig, where: string): Promise<OffloadedValidation> {
    if (this.closed) return Promise.reject(new Error('append validation pool is closed'));
    const snapshot: AppendValidationConfig = {
      maxMessageBytes: config.maxMessageBytes,
      compressionType: config.compressionType,
      ...(config.cleanupPolicy !== undefined ? { cleanupPolicy: config.cleanupPolicy } : {}),
    };
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { records, config: snapshot, where }, resolve, reject });
      this.dispatch();
    });
  }

  /** Jobs waiting for a worker or being validated (metrics, tests). */
  get pending(): number {
    return this.queue.length + this.workers.filter((w) => w.busy !== undefined).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('append validation pool closed'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
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
      idle.worker.postMessage({ id, ...pending.job, records: copy } satisfies ValidationJob, [copy.buffer]);
    }
  }

  private spawn(): PoolWorker | undefined {
    if (this.workers.length >= this.size) return undefined;
    const entry: PoolWorker = {
      worker: new Worker(new URL('./append-validation-worker.js', import.meta.url)),
    };
    entry.worker.unref();
    entry.worker.on('message', (reply: ValidationReply) => this.onReply(entry, reply));
    const fail = (error: Error) => {
      const i = this.workers.indexOf(entry);
      if (i >= 0) this.workers.splice(i, 1);
      entry.busy?.pending.reject(error);
      entry.busy = undefined;
      this.dispatch();
    };
    entry.worker.on('error', fail);
    entry.worker.on('exit', (code) => fail(new Error(`append validation worker exited with code ${code}`)));
    this.workers.push(entry);
    return entry;
  }

  private onReply(entry: PoolWorker, reply: ValidationReply): void {
    const busy = entry.busy;
    if (busy === undefined || busy.id !== reply.id) return;
    entry.busy = undefined;
    entry.worker.unref();
    this.completed++;
    const config = busy.pending.job.config;
    if (reply.ok) {
      const rewritten = reply.rewritten
        ? Buffer.from(reply.rewritten.buffer, reply.rewritten.byteOffset, reply.rewritten.byteLength)
        : undefined;
      busy.pending.resolve(rewritten ? { config, rewritten } : { config });
    } else if (reply.kafkaError === null) {
      busy.pending.reject(new Error(reply.message));
    } else {
      busy.pending.resolve({ config, error: errorOf(reply.kafkaError, reply.message) });
    }
    this.dispatch();
  }
}

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
let shared: AppendValidationPool | undefined;
export function appendValidationPool(): AppendValidationPool {
  shared ??= new AppendValidationPool();
  return shared;
}
