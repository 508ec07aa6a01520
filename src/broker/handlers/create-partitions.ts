import { ErrorCode } from '../../protocol/errors.js';
import { CreatePartitions } from '../../protocol/messages/create-partitions.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { SamsaError } from '../../util/errors.js';
import { checkPartitionsPerRequest } from '../topic-registry.js';
import { authorizedNames } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';
import { repeatedNames } from './repeated-names.js';

interface CreatePartitionsRequest {
  topics: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[];
  timeoutMs: number;
  validateOnly: boolean;
}

/** CreatePartitions (v0-v3). As Kafka, a topic needs Alter (TOPIC_AUTHORIZATION_FAILED otherwise). */
export const createPartitionsHandler: Handler<CreatePartitionsRequest> = {
  api: CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, _version, context) {
    const { topics } = context.services;
    const repeated = repeatedNames(request.topics);
    const alterable = authorizedNames(context, AclOperation.ALTER);
    const results = [];
    // Kafka bounds the partitions one CreateTopics adds; the same bound keeps one CreatePartitions
    // from asking for billions.
    let added = 0;
    for (const t of request.topics)
      added += Math.max(0, t.count - (topics.partitionCount(t.name) ?? t.count));
    let requestError: unknown;
    try {
      checkPartitionsPerRequest(added);
    } catch (error) {
      requestError = error;
    }
    for (const t of request.topics) {
      try {
        if (requestError !== undefined) throw requestError;
        // KafkaApis.handleCreatePartitionsRequest refuses a topic named twice.
        if (repeated.has(t.name)) throw new SamsaError('INVALID_REQUEST', 'Duplicate topic in request.');
        if (!alterable(t.name)) {
          throw new SamsaError('TOPIC_AUTHORIZATION_FAILED', 'The topic authorization is failed.');
        }
        const assignments = t.assignments?.map((a) => a.brokerIds) ?? null;
        if (request.validateOnly) topics.validateAddPartitions(t.name, t.count, assignments);
        else await topics.addPartitions(t.name, t.count, assignments);
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (error) {
        results.push({ name: t.name, errorCode: errorCodeFor(error), errorMessage: errorMessageFor(error) });
      }
    }
    return { throttleTimeMs: 0, results };
  },
};
