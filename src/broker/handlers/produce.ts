import { ErrorCode } from '../../protocol/errors.js';
import { Produce } from '../../protocol/messages/produce.js';
import { batchesIn } from '../../protocol/records/record-batch.js';
import { InvalidTopicError, SamsaError } from '../../util/errors.js';
import type { AppendOutcome, PartitionAppend } from '../replica-manager.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';

interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[];
}

/** Control batches (transaction markers) are written by the broker only. */
function hasControlBatch(records: Buffer): boolean {
  for (const batch of batchesIn(records)) if (!batch.isLegacy && batch.isControl) return true;
  return false;
}

function partitionResponse(index: number, outcome: AppendOutcome) {
  if (outcome.ok) {
    return {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset: outcome.firstOffset,
      logAppendTimeMs: outcome.logAppendTimeMs,
      logStartOffset: outcome.logStartOffset,
      recordErrors: [],
      errorMessage: null,
    };
  }
  return {
    index,
    errorCode: errorCodeFor(outcome.error),
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage: errorMessageFor(outcome.error),
  };
}

/**
 * Produce: every partition's batches are validated and appended synchronously, before any await,
 * so pipelined requests on one connection land in the order they were sent. acks=0 gets no answer.
 */
export const produceHandler: Handler<ProduceRequest> = {
  api: Produce,
  minVersion: 3,
  maxVersion: 9,
  handle(request, _version, context) {
    const { replicas, topics } = context.services;
    const validAcks = request.acks === -1 || request.acks === 0 || request.acks === 1;
    const appends: PartitionAppend[] = [];
    const rejected = new Map<string, SamsaError>();
    for (const topic of request.topicData) {
      for (const p of topic.partitionData) {
        const key = `${topic.name}\u0000${p.index}`;
        if (!validAcks) rejected.set(key, new SamsaError('INVALID_REQUIRED_ACKS', `acks=${request.acks}`));
        else if (topics.isInternal(topic.name)) {
          rejected.set(key, new InvalidTopicError(`cannot append to internal topic ${topic.name}`));
        } else if (!p.records || p.records.length === 0) {
          rejected.set(key, new SamsaError('INVALID_RECORD', 'produce request carries no record batch'));
        } else if (hasControlBatch(p.records)) {
          rejected.set(key, new SamsaError('INVALID_RECORD', 'clients cannot write control batches'));
        } else appends.push({ topic: topic.name, partition: p.index, records: p.records });
      }
    }
    const outcomes = replicas.append(appends);
    if (request.acks === 0) return undefined;
    let next = 0;
    return {
      responses: request.topicData.map((topic) => ({
        name: topic.name,
        partitionResponses: topic.partitionData.map((p) => {
          const error = rejected.get(`${topic.name}\u0000${p.index}`);
          return partitionResponse(p.index, error ? { ok: false, error } : outcomes[next++]!);
        }),
      })),
      throttleTimeMs: 0,
    };
  },
};
