/**
 * CreateTopics (API key 19), from apache/kafka 3.9 `CreateTopicsRequest.json` / `CreateTopicsResponse.json`.
 *
 * v1: validateOnly; response errorMessage. v2: response throttleTimeMs.
 * v3: responses sent before throttling. v4: default partitions / replication factor (-1) (KIP-464).
 * v5: first flexible version; response numPartitions, replicationFactor, configs and the
 *     topicConfigErrorCode tagged field (KIP-525).
 * v6: THROTTLING_QUOTA_EXCEEDED (KIP-599). v7: response topicId (KIP-516).
 * v0-v1 are deprecated in 3.9 (KIP-896).
 */
import type { ApiSpec } from '../schema/types.js';

export const CreateTopics: ApiSpec = {
  apiKey: 19,
  name: 'CreateTopics',
  request: {
    apiKey: 19,
    type: 'request',
    name: 'CreateTopicsRequest',
    validVersions: '0-7',
    flexibleVersions: '5+',
    fields: [
      {
        name: 'topics',
        type: '[]CreatableTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          { name: 'numPartitions', type: 'int32', versions: '0+' },
          { name: 'replicationFactor', type: 'int16', versions: '0+' },
          {
            name: 'assignments',
            type: '[]CreatableReplicaAssignment',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'brokerIds', type: '[]int32', versions: '0+', entityType: 'brokerId' },
            ],
          },
          {
            name: 'configs',
            type: '[]CreatableTopicConfig',
            versions: '0+',
            fields: [
              { name: 'name', type: 'string', versions: '0+' },
              { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
      { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
      { name: 'validateOnly', type: 'bool', versions: '1+', default: false, ignorable: false },
    ],
  },
  response: {
    apiKey: 19,
    type: 'response',
    name: 'CreateTopicsResponse',
    validVersions: '0-7',
    flexibleVersions: '5+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      {
        name: 'topics',
        type: '[]CreatableTopicResult',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          { name: 'topicId', type: 'uuid', versions: '7+', ignorable: true },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+', ignorable: true },
          {
            name: 'topicConfigErrorCode',
            type: 'int16',
            versions: '5+',
            taggedVersions: '5+',
            tag: 0,
            ignorable: true,
          },
          { name: 'numPartitions', type: 'int32', versions: '5+', default: -1, ignorable: true },
          { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1, ignorable: true },
          {
            name: 'configs',
            type: '[]CreatableTopicConfigs',
            versions: '5+',
            nullableVersions: '5+',
            ignorable: true,
            fields: [
              { name: 'name', type: 'string', versions: '5+' },
              { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
              { name: 'readOnly', type: 'bool', versions: '5+' },
              { name: 'configSource', type: 'int8', versions: '5+', default: -1, ignorable: true },
              { name: 'isSensitive', type: 'bool', versions: '5+' },
            ],
          },
        ],
      },
    ],
  },
};
