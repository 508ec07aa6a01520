/**
 * Worker thread of `RecordWorkerPool`: the record work that inflates whole batches, run on a copy
 * of one partition's records so that a large compressed batch does not hold the broker's event
 * loop: the leader's append validation (`validateRecordsForAppend`: inflation, record walk, keys,
 * recompression), preceded for an old producer's message set by its conversion to v2 batches, and
 * the conversion of stored batches down to message format v0/v1 for an old consumer.
 */
import { parentPort } from 'node:worker_threads';
import { downConvertRecords, upConvertMessageSet } from '../protocol/records/legacy-conversion.js';
import type { LegacyMagic } from '../protocol/records/legacy-message-set.js';
import { SamsaError } from '../util/errors.js';
import { type AppendValidationConfig, validateRecordsForAppend } from './log-validator.js';

export type RecordJob =
  | {
      id: number;
      kind: 'validate';
      records: Uint8Array;
      config: AppendValidationConfig;
      where: string;
      /** The records are a message set of format v0/v1, converted to v2 batches before validation. */
      legacy: boolean;
    }
  | { id: number; kind: 'downConvert'; records: Uint8Array; toMagic: LegacyMagic; fetchOffset: bigint };

export type RecordReply =
  | {
      id: number;
      ok: true;
      /** validate: the up-converted records of a legacy message set; downConvert: the message set. */
      converted: Uint8Array | null;
      /** validate: the records to write when recompression rewrote them. */
      rewritten: Uint8Array | null;
    }
  | { id: number; ok: false; kafkaError: string; message: string }
  | { id: number; ok: false; kafkaError: null; message: string };

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A copy the reply can transfer (the result may be a view of a larger or shared buffer). */
function owned(buffer: Buffer, transfer: ArrayBuffer[]): Uint8Array {
  const copy = new Uint8Array(buffer);
  transfer.push(copy.buffer as ArrayBuffer);
  return copy;
}

function run(job: RecordJob, transfer: ArrayBuffer[]): RecordReply {
  const records = toBuffer(job.records);
  if (job.kind === 'downConvert') {
    const converted = downConvertRecords(records, job.toMagic, job.fetchOffset);
    return { id: job.id, ok: true, converted: owned(converted, transfer), rewritten: null };
  }
  const input = job.legacy ? upConvertMessageSet(records) : records;
  const validated = validateRecordsForAppend(input, job.config, job.where);
  return {
    id: job.id,
    ok: true,
    converted: job.legacy ? owned(input, transfer) : null,
    rewritten: validated.records === input ? null : owned(validated.records, transfer),
  };
}

parentPort?.on('message', (job: RecordJob) => {
  let reply: RecordReply;
  const transfer: ArrayBuffer[] = [];
  try {
    reply = run(job, transfer);
  } catch (error) {
    transfer.length = 0;
    reply =
      error instanceof SamsaError
        ? { id: job.id, ok: false, kafkaError: error.kafkaError, message: error.message }
        : { id: job.id, ok: false, kafkaError: null, message: String((error as Error)?.message ?? error) };
  }
  parentPort!.postMessage(reply, transfer);
});
