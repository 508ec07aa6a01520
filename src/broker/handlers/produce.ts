import type { AppendOutcome, PartitionAppend } from '../../cluster/replica-manager.js';
import type { BrokerMetrics } from '../../metrics/broker-metrics.js';
import { UnsupportedCompressionTypeError } from '../../protocol/compression/unsupported-compression.js';
import { ErrorCode } from '../../protocol/errors.js';
import { Produce } from '../../protocol/messages/produce.js';
import {
  batchesIn,
  CompressionCodec,
  CURRENT_MAGIC,
  MAGIC_OFFSET,
} from '../../protocol/records/record-batch.js';
import { AclOperation, ResourceType } from '../../security/authorizer/acl.js';
import { InvalidRecordError, InvalidTopicError, SamsaError } from '../../util/errors.js';
import { authorized, topicAuthorizationFailed, topicAuthorized } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';

interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[];
}

/**
 * Why a partition's batches are refused before they are read further, in one pass over their
 * headers: control batches (transaction markers) are written by the broker only, and transactional
 * batches need the request's transactional id (whose Write was checked for the whole request).
 */
function batchRefusal(records: Buffer, hasTransactionalId: boolean): SamsaError | undefined {
  for (const batch of batchesIn(records)) {
    if (batch.isLegacy) continue;
    if (batch.isControl) return new SamsaError('INVALID_RECORD', 'clients cannot write control batches');
    if (batch.isTransactional && !hasTransactionalId) {
      return new SamsaError(
        'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
        'transactional batches need the transactional id they are written for',
      );
    }
  }
  return undefined;
}

/** Produce v0-v2 carry message sets of magic v0/v1 (v2 may carry v1); v3 on, v2 batches only. */
const LAST_LEGACY_VERSION = 2;
/** zstd needs Produce v7 (KIP-110). */
const FIRST_ZSTD_VERSION = 7;
/** Errors that mean the client sent bad data; each one is logged. */
const BAD_INPUT_ERRORS = new Set(['CORRUPT_MESSAGE', 'INVALID_RECORD', 'UNSUPPORTED_COMPRESSION_TYPE']);

/**
 * The partition's records for the append: an old client's message set is marked `legacy`, and
 * converted by the append, as Kafka 3.x stores message format v2 whatever the producer sent.
 * Throws InvalidRecordError / UnsupportedCompressionTypeError on data this version cannot carry.
 */
function recordsForLog(records: Buffer, version: number): { records: Buffer; legacy?: true } {
  const magic = records.length > MAGIC_OFFSET ? records.readInt8(MAGIC_OFFSET) : -1;
  if (version <= LAST_LEGACY_VERSION) {
    if (magic === CURRENT_MAGIC) {
      throw new InvalidRecordError(`Produce v${version} cannot carry message format v2 batches`);
    }
    return { records, legacy: true };
  }
  if (version < FIRST_ZSTD_VERSION) {
    for (const batch of batchesIn(records)) {
      if (!batch.isLegacy && batch.compression === CompressionCodec.Zstd) {
        throw new UnsupportedCompressionTypeError(
          `zstd-compressed batches need Produce v${FIRST_ZSTD_VERSION} or later`,
        );
      }
    }
  }
  return { records };
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

function logBadInput(
  context: Parameters<Handler['handle']>[2],
  version: number,
  appends: readonly PartitionAppend[],
  outcomes: readonly AppendOutcome[],
  rejected: ReadonlyMap<string, SamsaError>,
): void {
  const bad: { topicPartition: string; error: string; message: string }[] = [];
  for (const [key, error] of rejected) {
    if (BAD_INPUT_ERRORS.has(error.kafkaError)) {
      bad.push({
        topicPartition: key.replace('\u0000', '-'),
        error: error.kafkaError,
        message: error.message,
      });
    }
  }
  outcomes.forEach((outcome, i) => {
    if (
      outcome.ok ||
      !(outcome.error instanceof SamsaError) ||
      !BAD_INPUT_ERRORS.has(outcome.error.kafkaError)
    )
      return;
    const append = appends[i]!;
    bad.push({
      topicPartition: `${append.topic}-${append.partition}`,
      error: outcome.error.kafkaError,
      message: outcome.error.message,
    });
  });
  for (const entry of bad) {
    context.logger.warn(
      { ...entry, client: context.clientAddress, clientId: context.header.clientId, apiVersion: version },
      'rejected produce data',
    );
  }
}

function recordProduceMetrics(
  metrics: BrokerMetrics,
  request: ProduceRequest,
  appends: readonly PartitionAppend[],
  outcomes: readonly AppendOutcome[],
  rejected: ReadonlyMap<string, SamsaError>,
): void {
  outcomes.forEach((outcome, i) => {
    const append = appends[i]!;
    if (outcome.ok) metrics.produced(append.topic, outcome.recordCount, append.records.length);
    else metrics.produceFailed(append.topic, append.records.length);
  });
  if (rejected.size === 0) return;
  for (const topic of request.topicData) {
    for (const p of topic.partitionData) {
      if (rejected.has(`${topic.name}\u0000${p.index}`))
        metrics.produceFailed(topic.name, p.records?.length ?? 0);
    }
  }
}

/**
 * Produce: every partition's batches are validated and appended synchronously, before any await,
 * so pipelined requests on one connection land in the order they were sent; a partition's large
 * compressed batches are validated on a worker first, and later appends to that partition wait
 * for them (ReplicaManager.append). acks=0 gets no answer;
 * acks=all is answered once the ISR has the batches (or the request's timeout passes).
 * v0-v2 (message formats v0/v1) are converted to v2 batches by the append (on a worker when large).
 */
export const produceHandler: Handler<ProduceRequest> = {
  api: Produce,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, version, context) {
    const { replicas, topics } = context.services;
    const validAcks = request.acks === -1 || request.acks === 0 || request.acks === 1;
    const appends: PartitionAppend[] = [];
    const rejected = new Map<string, SamsaError>();
    // Kafka: a transactional produce needs Write on its transactional id, every topic Write.
    const hasTransactionalId = request.transactionalId !== null && request.transactionalId !== undefined;
    const txnDenied =
      hasTransactionalId &&
      !authorized(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId!);
    for (const topic of request.topicData) {
      const writable = topicAuthorized(context, AclOperation.WRITE, topic.name);
      for (const p of topic.partitionData) {
        const key = `${topic.name}\u0000${p.index}`;
        let refusal: SamsaError | undefined;
        if (!validAcks) rejected.set(key, new SamsaError('INVALID_REQUIRED_ACKS', `acks=${request.acks}`));
        else if (txnDenied) {
          rejected.set(
            key,
            new SamsaError(
              'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
              `not authorized to write ${request.transactionalId}`,
            ),
          );
        } else if (!writable) rejected.set(key, topicAuthorizationFailed(topic.name, 'write to'));
        else if (topics.isInternal(topic.name)) {
          rejected.set(key, new InvalidTopicError(`cannot append to internal topic ${topic.name}`));
        } else if (!p.records || p.records.length === 0) {
          rejected.set(key, new SamsaError('INVALID_RECORD', 'produce request carries no record batch'));
        } else if ((refusal = batchRefusal(p.records, hasTransactionalId)) !== undefined) {
          rejected.set(key, refusal);
        } else {
          try {
            appends.push({ topic: topic.name, partition: p.index, ...recordsForLog(p.records, version) });
          } catch (error) {
            if (!(error instanceof SamsaError)) throw error;
            rejected.set(key, error);
          }
        }
      }
    }
    let outcomes = await replicas.append(appends, request.acks);
    logBadInput(context, version, appends, outcomes, rejected);
    const metrics = context.services.metrics;
    if (metrics) recordProduceMetrics(metrics, request, appends, outcomes, rejected);
    if (request.acks === 0) return undefined;
    if (request.acks === -1) outcomes = await replicas.awaitReplication(appends, outcomes, request.timeoutMs);
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
