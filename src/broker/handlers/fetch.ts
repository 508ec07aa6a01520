import type { FetchOutcome, PartitionFetch } from '../../cluster/replica-manager.js';
import { UnsupportedCompressionTypeError } from '../../protocol/compression/unsupported-compression.js';
import { ErrorCode } from '../../protocol/errors.js';
import { Fetch } from '../../protocol/messages/fetch.js';
import { downConvertRecords } from '../../protocol/records/legacy-conversion.js';
import type { LegacyMagic } from '../../protocol/records/legacy-message-set.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import type { LogConfig } from '../../storage/log-config.js';
import { recordWorkerPool } from '../../storage/record-worker-pool.js';
import { SamsaError } from '../../util/errors.js';
import { clusterAuthorized, topicAuthorizationFailed, topicAuthorized } from './authorize.js';
import { errorCodeFor } from './error-code.js';
import type { Handler } from './handler.js';

interface FetchRequest {
  /** A follower's broker id; -1 for consumers (v0-v14). */
  replicaId?: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes?: number;
  isolationLevel?: number;
  sessionId?: number;
  sessionEpoch?: number;
  topics: {
    topic: string;
    partitions: {
      partition: number;
      fetchOffset: bigint;
      partitionMaxBytes: number;
      currentLeaderEpoch?: number;
      logStartOffset?: bigint;
    }[];
  }[];
}

const EMPTY = Buffer.alloc(0);
const NO_LIMIT = 0x7fffffff;

/** Fetch v0-v1 read message format v0, v2-v3 v1; v4 on, v2 batches (KIP-98). */
const LAST_LEGACY_VERSION = 3;
/** A topic configured compression.type=zstd is only served to Fetch v10 on (KIP-110). */
const FIRST_ZSTD_VERSION = 10;

function legacyMagicFor(version: number): LegacyMagic {
  return version <= 1 ? 0 : 1;
}

/**
 * The partition's answer in the form the request's version can carry (Kafka's
 * `KafkaApis.maybeConvertFetchedData`), decided by the topic's config (`config`, undefined when
 * the partition has no log) and the version. Before v10, a topic whose own compression.type is
 * zstd answers UNSUPPORTED_COMPRESSION_TYPE, whatever was read (Kafka goes by the topic config,
 * not by the batches: zstd batches a producer wrote to another topic are served as stored to
 * v4-v9). v0-v3 need down-conversion: UNSUPPORTED_VERSION for a consumer when the topic has
 * message.downconversion.enable=false, else the batches converted to a message set within the
 * read's size.
 */
function convertOutcome(
  outcome: FetchOutcome,
  version: number,
  fetchOffset: bigint,
  config: LogConfig | undefined,
  fromFollower: boolean,
  workerThresholdBytes: number,
): FetchOutcome | Promise<FetchOutcome> {
  if (config === undefined) return outcome;
  if (version < FIRST_ZSTD_VERSION && config.compressionType === 'zstd') {
    return {
      ok: false,
      error: new UnsupportedCompressionTypeError(
        `the topic is configured with compression.type=zstd, which needs Fetch v${FIRST_ZSTD_VERSION} or later`,
      ),
    };
  }
  if (version <= LAST_LEGACY_VERSION && !fromFollower && !config.messageDownconversionEnable) {
    return {
      ok: false,
      error: new SamsaError(
        'UNSUPPORTED_VERSION',
        `Fetch v${version} needs down-conversion, which the topic disables (message.downconversion.enable=false)`,
      ),
    };
  }
  if (!outcome.ok || version > LAST_LEGACY_VERSION || outcome.records.length === 0) return outcome;
  const magic = legacyMagicFor(version);
  const converted = (records: Buffer): FetchOutcome => ({ ...outcome, records });
  const failed = (error: unknown): FetchOutcome => {
    if (!(error instanceof SamsaError)) throw error;
    return { ok: false, error };
  };
  const inline = () => {
    try {
      return converted(downConvertRecords(outcome.records, magic, fetchOffset));
    } catch (error) {
      return failed(error);
    }
  };
  // Inflating and re-encoding a large read would hold the event loop: a worker does it.
  if (outcome.records.length < workerThresholdBytes) return inline();
  return recordWorkerPool()
    .downConvert(outcome.records, magic, fetchOffset)
    .then(converted, (error: Error) => (error instanceof SamsaError ? failed(error) : inline()));
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
 * for v0-v3, which get them converted down to message format v0/v1 (see `downConvertRecords`).
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
          currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
          logStartOffset: p.logStartOffset ?? -1n,
        });
      }
    }
    const isolationLevel = request.isolationLevel ?? 0;
    const outcomes = await context.services.replicas.fetch({
      replicaId: request.replicaId ?? -1,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes ?? NO_LIMIT,
      isolationLevel,
      partitions,
    });
    const metrics = context.services.metrics;
    const threshold = context.services.config.produceValidationOffloadBytes;
    let next = 0;
    const answers = request.topics.map((t) =>
      t.partitions.map((p) =>
        denied.has(t.topic)
          ? ({ ok: false, error: topicAuthorizationFailed(t.topic, 'read') } as const)
          : convertOutcome(
              outcomes[next++]!,
              version,
              p.fetchOffset,
              context.services.logs.get(t.topic, p.partition)?.config,
              fromFollower,
              threshold,
            ),
      ),
    );
    const converted = answers.some((partitions) => partitions.some((a) => a instanceof Promise))
      ? await Promise.all(answers.map((partitions) => Promise.all(partitions)))
      : (answers as FetchOutcome[][]);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: 0,
      responses: request.topics.map((t, i) => ({
        topic: t.topic,
        partitions: t.partitions.map((p, j) => {
          const outcome = converted[i]![j]!;
          if (outcome.ok) metrics?.fetched(t.topic, outcome.records.length);
          else metrics?.fetchFailed(t.topic);
          return partitionData(p.partition, outcome, isolationLevel === 1);
        }),
      })),
    };
  },
};
