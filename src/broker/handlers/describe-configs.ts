import { ErrorCode } from '../../protocol/errors.js';
import { DescribeConfigs } from '../../protocol/messages/describe-configs.js';
import { type DescribedConfig, describeBrokerConfigs, describeTopicConfigs } from '../config-describer.js';
import type { Handler } from './handler.js';
import { ResourceType } from './resource-type.js';

interface DescribeConfigsRequest {
  resources: { resourceType: number; resourceName: string; configurationKeys: string[] | null }[];
  includeSynonyms?: boolean;
  includeDocumentation?: boolean;
}

export const describeConfigsHandler: Handler<DescribeConfigsRequest> = {
  api: DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, _version, context) {
    const { topics, config } = context.services;
    const results = request.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      let configs: DescribedConfig[];
      if (r.resourceType === ResourceType.TOPIC) {
        const meta = topics.get(r.resourceName);
        if (!meta) {
          return {
            ...base,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: `topic '${r.resourceName}' does not exist`,
            configs: [],
          };
        }
        configs = describeTopicConfigs(meta, config);
      } else if (r.resourceType === ResourceType.BROKER) {
        if (r.resourceName !== '' && r.resourceName !== String(config.brokerId)) {
          return {
            ...base,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: 'unknown broker',
            configs: [],
          };
        }
        configs = describeBrokerConfigs(config);
      } else {
        return {
          ...base,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `resource type ${r.resourceType} is not supported`,
          configs: [],
        };
      }
      const keys = r.configurationKeys ? new Set(r.configurationKeys) : undefined;
      return {
        ...base,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        configs: configs
          .filter((c) => !keys || keys.has(c.name))
          .map((c) => ({
            ...c,
            synonyms: request.includeSynonyms ? c.synonyms : [],
            documentation: request.includeDocumentation ? c.documentation : null,
          })),
      };
    });
    return { throttleTimeMs: 0, results };
  },
};
