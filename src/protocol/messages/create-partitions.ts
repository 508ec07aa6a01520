/**
 * CreatePartitions (API key 37), from apache/kafka 3.9 `CreatePartitionsRequest.json` / `...Response.json`.
 *
 * v1: responses sent before throttling. v2: first flexible version.
 * v3: THROTTLING_QUOTA_EXCEEDED (KIP-599).
 */
import type { ApiSpec } from '../schema/types.js';

export const CreatePartitions: ApiSpec = {
  apiKey: 37,
  name: 'CreatePartitions',
  request: {
    apiKey: 37,
    type: 'request',
    name: 'CreatePartitionsRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      {
        name: 'topics',
        type: '[]CreatePartitionsTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          { name: 'count', type: 'int32', versions: '0+' },
          {
            name: 'assignments',
            type: '[]CreatePartitionsAssignment',
            versions: '0+',
            nullableVersions: '0+',
            fields: [{ name: 'brokerIds', type: '[]int32', versions: '0+', entityType: 'brokerId' }],
          },
        ],
      },
      { name: 'timeoutMs', type: 'int32', versions: '0+' },
      { name: 'validateOnly', type: 'bool', versions: '0+' },
    ],
  },
  response: {
    apiKey: 37,
    type: 'response',
    name: 'CreatePartitionsResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]CreatePartitionsTopicResult',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        ],
      },
    ],
  },
};
