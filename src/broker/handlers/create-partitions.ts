import { ErrorCode } from '../../protocol/errors.js';
import { CreatePartitions } from '../../protocol/messages/create-partitions.js';
import { SamsaError } from '../../util/errors.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';
import { repeatedNames } from './repeated-names.js';

interface CreatePartitionsRequest {
  topics: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[];
  timeoutMs: number;
  validateOnly: boolean;
}

export const createPartitionsHandler: Handler<CreatePartitionsRequest> = {
  api: CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, _version, context) {
    const { topics } = context.services;
    const repeated = repeatedNames(request.topics);
    const results = [];
    for (const t of request.topics) {
      try {
        // KafkaApis.handleCreatePartitionsRequest refuses a topic named twice.
        if (repeated.has(t.name)) throw new SamsaError('INVALID_REQUEST', 'Duplicate topic in request.');
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
