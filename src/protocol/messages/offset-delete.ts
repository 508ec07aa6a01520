/**
 * OffsetDelete (API key 47), from apache/kafka 3.9 `OffsetDeleteRequest.json` / `OffsetDeleteResponse.json`.
 *
 * v0: delete committed offsets of a group for given partitions (KIP-496); not flexible.
 */
import type { ApiSpec } from '../schema/types.js';

export const OffsetDelete: ApiSpec = {
  apiKey: 47,
  name: 'OffsetDelete',
  request: {
    apiKey: 47,
    type: 'request',
    name: 'OffsetDeleteRequest',
    validVersions: '0',
    flexibleVersions: 'none',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
      {
        name: 'topics',
        type: '[]OffsetDeleteRequestTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]OffsetDeleteRequestPartition',
            versions: '0+',
            fields: [{ name: 'partitionIndex', type: 'int32', versions: '0+' }],
          },
        ],
      },
    ],
  },
  response: {
    apiKey: 47,
    type: 'response',
    name: 'OffsetDeleteResponse',
    validVersions: '0',
    flexibleVersions: 'none',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetDeleteResponseTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]OffsetDeleteResponsePartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
