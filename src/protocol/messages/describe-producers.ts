/**
 * DescribeProducers (API key 61), from apache/kafka 3.9 `DescribeProducersRequest.json` / `...Response.json`.
 *
 * v0: active producer state per partition (KIP-664); flexible from the start.
 */
import type { ApiSpec } from '../schema/types.js';

export const DescribeProducers: ApiSpec = {
  apiKey: 61,
  name: 'DescribeProducers',
  request: {
    apiKey: 61,
    type: 'request',
    name: 'DescribeProducersRequest',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      {
        name: 'topics',
        type: '[]TopicRequest',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
        ],
      },
    ],
  },
  response: {
    apiKey: 61,
    type: 'response',
    name: 'DescribeProducersResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
      {
        name: 'topics',
        type: '[]TopicResponse',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]PartitionResponse',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
              {
                name: 'activeProducers',
                type: '[]ProducerState',
                versions: '0+',
                fields: [
                  { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
                  { name: 'producerEpoch', type: 'int32', versions: '0+' },
                  { name: 'lastSequence', type: 'int32', versions: '0+', default: -1 },
                  { name: 'lastTimestamp', type: 'int64', versions: '0+', default: -1n },
                  { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
                  { name: 'currentTxnStartOffset', type: 'int64', versions: '0+', default: -1n },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};
