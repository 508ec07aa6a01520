import { UnsupportedCompressionTypeError } from '../../protocol/compression/unsupported-compression.js';
import { ErrorCode } from '../../protocol/errors.js';
import { Fetch } from '../../protocol/messages/fetch.js';
import { downConvertRecords } from '../../protocol/records/legacy-conversion.js';
import type { LegacyMagic } from '../../protocol/records/legacy-message-set.js';
import { batchesIn, CompressionCodec } from '../../protocol/records/record-batch.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { SamsaError } from '../../util/errors.js';
import type { FetchOutcome, PartitionFetch } from '../replica-manager.js';
import { clusterAuthorized, topicAuthorizationFailed, topicAuthorized } from './authorize.js';
import { errorCodeFor } from './error-code.js';
import type { Handler } from './handler.js';

interface FetchRequest {
  replicaId?: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes?: number;
  isolationLevel?: number;
  sessionId?: number;
  sessionEpoch?: number;
  topics: {
    topic: string;
    partitions: { partition: number; fetchOffset: bigint; partitionMaxBytes: number }[];
  }[];
}

const EMPTY = Buffer.alloc(0);
const NO_LIMIT = 0x7fffffff;

/** Fetch v0-v1 read message format v0, v2-v3 v1; v4 on, v2 batches (KIP-98). */
const LAST_LEGACY_VERSION = 3;
/** zstd needs Fetch v10 (KIP-110). */
const FIRST_ZSTD_VERSION = 10;

function legacyMagicFor(version: number): LegacyMagic {
  return version <= 1 ? 0 : 1;
}

/**
 * The stored batches in a form the request's version can carry: converted down to a message set
 * for v0-v3 (as Kafka 3.x does), refused with UNSUPPORTED_COMPRESSION_TYPE when zstd meets a
 * version before v10. Otherwise the stored bytes as they are.
 */
function recordsForVersion(records: Buffer, version: number, fetchOffset: bigint): Buffer {
  if (records.length === 0) return records;
  if (version <= LAST_LEGACY_VERSION)
    return downConvertRecords(records, legacyMagicFor(version), fetchOffset);
  if (version < FIRST_ZSTD_VERSION) {
    for (const batch of batchesIn(records)) {
      if (batch.compression === CompressionCodec.Zstd) {
        throw new UnsupportedCompressionTypeError(
          `zstd-compressed batches need Fetch v${FIRST_ZSTD_VERSION} or later`,
        );
      }
    }
  }
  return records;
}

function convertOutcome(outcome: FetchOutcome, version: number, fetchOffset: bigint): FetchOutcome {
  if (!outcome.ok) return outcome;
  try {
    return { ...outcome, records: recordsForVersion(outcome.records, version, fetchOffset) };
  } catch (error) {
    if (!(error instanceof SamsaError)) throw error;
    return { ok: false, error };
  }
}

function partitionData(partition: number, outcome: FetchOutcome, readCommitted: boolean) {
  if (outcome.ok) {
    return {
      partitionIndex: partition,
      errorCode: ErrorCode.NONE,
      highWatermark: outcome.highWatermark,
      lastStableOffset: outcome.lastStableOffset,
      logStartOffset: outcome.logStartOffset,
      abortedTransactions: readCommitted
        ? (outcome.abortedTransactions ?? []).map((t) => ({
            producerId: t.producerId,
            firstOffset: t.firstOffset,
          }))
        : null,
      preferredReadReplica: -1,
      records: outcome.records,
    };
  }
  return {
    partitionIndex: partition,
    errorCode: errorCodeFor(outcome.error),
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

/**
 * Fetch: batches are served as stored, byte ranges of the segment files, never re-encoded, except
 * for v0-v3, which get them converted down to message format v0/v1.
 * Fetch sessions (KIP-227) are not kept: every answer carries session id 0, which tells clients
 * to keep sending full fetch requests.
 */
export const fetchHandler: Handler<FetchRequest> = {
  api: Fetch,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, version, context) {
    if (request.sessionId !== undefined && request.sessionId !== 0) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
      };
    }
    const partitions: PartitionFetch[] = [];
    // Consumers need Read on each topic; a follower's fetch (replicaId >= 0) ClusterAction.
    const fromFollower = (request.replicaId ?? -1) >= 0;
    const denied = new Set<string>();
    for (const t of request.topics) {
      const readable = fromFollower
        ? clusterAuthorized(context, AclOperation.CLUSTER_ACTION)
        : topicAuthorized(context, AclOperation.READ, t.topic);
      if (!readable) {
        denied.add(t.topic);
        continue;
      }
      for (const p of t.partitions) {
        partitions.push({
          topic: t.topic,
          partition: p.partition,
          fetchOffset: p.fetchOffset,
          partitionMaxBytes: p.partitionMaxBytes,
        });
      }
    }
    const isolationLevel = request.isolationLevel ?? 0;
    const outcomes = await context.services.replicas.fetch({
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes ?? NO_LIMIT,
      isolationLevel,
      partitions,
    });
    let next = 0;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: 0,
      responses: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) =>
          partitionData(
            p.partition,
            denied.has(t.topic)
              ? { ok: false, error: topicAuthorizationFailed(t.topic, 'read') }
              : convertOutcome(outcomes[next++]!, version, p.fetchOffset),
            isolationLevel === 1,
          ),
        ),
      })),
    };
  },
};
