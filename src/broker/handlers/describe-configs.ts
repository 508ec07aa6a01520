import { ErrorCode, errorMessageOf } from '../../protocol/errors.js';
import { DescribeConfigs } from '../../protocol/messages/describe-configs.js';
import { AclOperation } from '../../security/authorizer/acl.js';
import { InvalidTopicError, SamsaError, UnknownTopicOrPartitionError } from '../../util/errors.js';
import { type DescribedConfig, describeBrokerConfigs, describeTopicConfigs } from '../config-describer.js';
import { topicNameError } from '../topic-registry.js';
import { configResourceRefusal } from './authorize.js';
import { errorCodeFor, errorMessageFor } from './error-code.js';
import type { Handler, RequestContext } from './handler.js';
import { ResourceType } from './resource-type.js';

interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  includeSynonyms?: boolean;
  includeDocumentation?: boolean;
}

/** ConfigHelper.resourceNameToBrokerId. */
function brokerIdOf(name: string): number {
  if (!/^[+-]?\d+$/.test(name.trim())) {
    throw new SamsaError('INVALID_REQUEST', `Broker id must be an integer, but it is: ${name}`);
  }
  return Number(name.trim());
}

/** The configs of one resource, as Kafka 3.9's ConfigHelper.describeConfigs answers them. */
function describeResource(r: DescribeConfigsResource, context: RequestContext): DescribedConfig[] {
  const { topics, config } = context.services;
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const nameError = topicNameError(r.resourceName);
      if (nameError) throw new InvalidTopicError(nameError);
      const meta = topics.get(r.resourceName);
      if (!meta) throw new UnknownTopicOrPartitionError(`topic '${r.resourceName}' does not exist`);
      return describeTopicConfigs(meta.configs, config, r.configurationKeys);
    }
    case ResourceType.BROKER:
      // The empty name asks for the cluster-wide dynamic defaults; Samsa's broker configs are all static.
      if (r.resourceName === '') return [];
      if (brokerIdOf(r.resourceName) !== config.brokerId) {
        throw new SamsaError(
          'INVALID_REQUEST',
          `Unexpected broker id, expected ${config.brokerId} or empty string, but received ${r.resourceName}`,
        );
      }
      return describeBrokerConfigs(config, r.configurationKeys);
    default:
      throw new SamsaError('INVALID_REQUEST', `Unsupported resource type: ${r.resourceType}`);
  }
}

export const describeConfigsHandler: Handler<DescribeConfigsRequest> = {
  api: DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, _version, context) {
    const results = request.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      // As Kafka: DescribeConfigs on the topic, or on the cluster for a broker's configs.
      const refused = configResourceRefusal(
        context,
        AclOperation.DESCRIBE_CONFIGS,
        r.resourceType,
        r.resourceName,
      );
      if (refused !== undefined) {
        return { ...base, errorCode: refused, errorMessage: errorMessageOf(refused), configs: [] };
      }
      try {
        const configs = describeResource(r, context).map((c) => ({
          ...c,
          synonyms: request.includeSynonyms ? c.synonyms : [],
          documentation: request.includeDocumentation ? c.documentation : null,
        }));
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
      } catch (error) {
        // Kafka answers an unknown topic with the code alone.
        const message = error instanceof UnknownTopicOrPartitionError ? null : errorMessageFor(error);
        return { ...base, errorCode: errorCodeFor(error), errorMessage: message, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  },
};
