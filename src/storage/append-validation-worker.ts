/**
 * Worker thread of `AppendValidationPool`: runs the leader's record validation
 * (`validateRecordsForAppend`: inflation, record walk, keys, recompression) on a copy of one
 * partition's records, so inflating a large compressed batch does not hold the broker's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { SamsaError } from '../util/errors.js';
import { type AppendValidationConfig, validateRecordsForAppend } from './log-validator.js';

export interface ValidationJob {
  id: number;
  records: Uint8Array;
  config: AppendValidationConfig;
  where: string;
}

export type ValidationReply =
  | { id: number; ok: true; rewritten: Uint8Array | null }
  | { id: number; ok: false; kafkaError: string; message: string }
  | { id: number; ok: false; kafkaError: null; message: string };

parentPort?.on('message', (job: ValidationJob) => {
  const records = Buffer.from(job.records.buffer, job.records.byteOffset, job.records.byteLength);
  let reply: ValidationReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const validated = validateRecordsForAppend(records, job.config, job.where);
    const rewritten = validated.records === records ? null : new Uint8Array(validated.records);
    if (rewritten) transfer.push(rewritten.buffer as ArrayBuffer);
    reply = { id: job.id, ok: true, rewritten };
  } catch (error) {
    reply =
      error instanceof SamsaError
        ? { id: job.id, ok: false, kafkaError: error.kafkaError, message: error.message }
        : { id: job.id, ok: false, kafkaError: null, message: String((error as Error)?.message ?? error) };
  }
  parentPort!.postMessage(reply, transfer);
});
