/**
 * DeleteTopics (API key 20), from apache/kafka 3.9 `DeleteTopicsRequest.json` / `DeleteTopicsResponse.json`.
 *
 * v1: response throttleTimeMs. v2: responses sent before throttling. v3: TOPIC_DELETION_DISABLED.
 * v4: first flexible version. v5: response errorMessage; THROTTLING_QUOTA_EXCEEDED (KIP-599).
 * v6: topics by name or ID (KIP-516).
 * v0 is deprecated in 3.9 (KIP-896).
 */
import type { ApiSpec } from '../schema/types.js';

export const DeleteTopics: ApiSpec = {
  apiKey: 20,
  name: 'DeleteTopics',
  request: {
    apiKey: 20,
    type: 'request',
    name: 'DeleteTopicsRequest',
    validVersions: '0-6',
    flexibleVersions: '4+',
    fields: [
      {
        name: 'topics',
        type: '[]DeleteTopicState',
        versions: '6+',
        fields: [
          {
            name: 'name',
            type: 'string',
            versions: '6+',
            nullableVersions: '6+',
            default: null,
            entityType: 'topicName',
          },
          { name: 'topicId', type: 'uuid', versions: '6+' },
        ],
      },
      { name: 'topicNames', type: '[]string', versions: '0-5', entityType: 'topicName', ignorable: true },
      { name: 'timeoutMs', type: 'int32', versions: '0+' },
    ],
  },
  response: {
    apiKey: 20,
    type: 'response',
    name: 'DeleteTopicsResponse',
    validVersions: '0-6',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'responses',
        type: '[]DeletableTopicResult',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+', entityType: 'topicName' },
          { name: 'topicId', type: 'uuid', versions: '6+', ignorable: true },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          {
            name: 'errorMessage',
            type: 'string',
            versions: '5+',
            nullableVersions: '5+',
            ignorable: true,
            default: null,
          },
        ],
      },
    ],
  },
};
