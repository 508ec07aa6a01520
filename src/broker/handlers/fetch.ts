import { ErrorCode } from '../../protocol/errors.js';
import { Fetch } from '../../protocol/messages/fetch.js';
import type { FetchOutcome, PartitionFetch } from '../replica-manager.js';
import { errorCodeFor } from './error-code.js';
import type { Handler } from './handler.js';

interface FetchRequest {
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

function partitionData(partition: number, outcome: FetchOutcome, readCommitted: boolean) {
  if (outcome.ok) {
    return {
      partitionIndex: partition,
      errorCode: ErrorCode.NONE,
      highWatermark: outcome.highWatermark,
      lastStableOffset: outcome.lastStableOffset,
      logStartOffset: outcome.logStartOffset,
      abortedTransactions: readCommitted ? [] : null,
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
 * Fetch: batches are served as stored, byte ranges of the segment files, never re-encoded.
 * Fetch sessions (KIP-227) are not kept: every answer carries session id 0, which tells clients
 * to keep sending full fetch requests.
 */
export const fetchHandler: Handler<FetchRequest> = {
  api: Fetch,
  minVersion: 4,
  maxVersion: 12,
  async handle(request, _version, context) {
    if (request.sessionId !== undefined && request.sessionId !== 0) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
      };
    }
    const partitions: PartitionFetch[] = [];
    for (const t of request.topics) {
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
          partitionData(p.partition, outcomes[next++]!, isolationLevel === 1),
        ),
      })),
    };
  },
};
