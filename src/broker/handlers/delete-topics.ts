import { ErrorCode } from '../../protocol/errors.js';
import { DeleteTopics } from '../../protocol/messages/delete-topics.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { SamsaError, UnknownTopicOrPartitionError } from '../../util/errors.js';
import { authorizedNames } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler } from './handler.js';

interface DeleteTopicsRequest {
  /** v0-5: names. */
  topicNames?: string[];
  /** v6+: by name or by id. */
  topics?: { name: string | null; topicId: Buffer }[];
  timeoutMs: number;
}

const ZERO_UUID = Buffer.alloc(16);

/**
 * DeleteTopics (v0-v6). As Kafka: a topic named by id whose name the principal may not Describe
 * is answered without its name; a topic without Delete gets TOPIC_AUTHORIZATION_FAILED whether it
 * exists or not, so only an authorized principal learns UNKNOWN_TOPIC_OR_PARTITION.
 */
export const deleteTopicsHandler: Handler<DeleteTopicsRequest> = {
  api: DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, version, context) {
    const { topics, config } = context.services;
    const wanted =
      version >= 6
        ? (request.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }))
        : (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
    const describable = authorizedNames(context, AclOperation.DESCRIBE);
    const deletable = authorizedNames(context, AclOperation.DELETE);
    const responses = [];
    for (const w of wanted) {
      const meta = w.name !== null ? topics.get(w.name) : topics.getById(w.topicId);
      try {
        if (!config.deleteTopicEnable)
          throw new SamsaError('TOPIC_DELETION_DISABLED', 'delete.topic.enable is false');
        if (w.name === null && !meta) throw new SamsaError('UNKNOWN_TOPIC_ID', 'no topic has that id');
        const name = w.name ?? meta!.name;
        if (w.name === null && !describable(name)) {
          responses.push({
            name: null,
            topicId: w.topicId,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            errorMessage: null,
          });
          continue;
        }
        if (!deletable(name))
          throw new SamsaError('TOPIC_AUTHORIZATION_FAILED', `not authorized to delete ${name}`);
        if (!meta) throw new UnknownTopicOrPartitionError(`topic '${w.name}' does not exist`);
        if (topics.isInternal(meta.name)) {
          throw new SamsaError('INVALID_REQUEST', `internal topic ${meta.name} cannot be deleted`);
        }
        await topics.delete(meta.name);
        responses.push({
          name: meta.name,
          topicId: meta.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
        });
      } catch (error) {
        responses.push({
          name: w.name ?? meta?.name ?? null,
          topicId: meta?.topicId ?? w.topicId,
          errorCode: errorCodeFor(error),
          errorMessage: errorMessageFor(error),
        });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
};
