/**
 * ListOffsets (API key 2), from apache/kafka 3.9 `ListOffsetsRequest.json` / `ListOffsetsResponse.json`.
 *
 * v1: maxNumOffsets removed, one offset (with its timestamp) per partition instead of oldStyleOffsets.
 * v2: isolationLevel, response throttleTimeMs. v3: responses sent before throttling.
 * v4: currentLeaderEpoch / leaderEpoch for fencing (KIP-320). v5: OFFSET_NOT_AVAILABLE.
 * v6: first flexible version. v7: max-timestamp lookup (KIP-734).
 * v8: earliest-local timestamp (KIP-405). v9: latest-tiered timestamp (KIP-1005).
 * v0 is deprecated in 3.9 (KIP-896); kafka-python sends v0-v1.
 */
import type { ApiSpec } from '../schema/types.js';

export const ListOffsets: ApiSpec = {
  apiKey: 2,
  name: 'ListOffsets',
  request: {
    apiKey: 2,
    type: 'request',
    name: 'ListOffsetsRequest',
    validVersions: '0-9',
    flexibleVersions: '6+',
    fields: [
      { name: 'replicaId', type: 'int32', versions: '0+', entityType: 'brokerId' },
      { name: 'isolationLevel', type: 'int8', versions: '2+' },
      {
        name: 'topics',
        type: '[]ListOffsetsTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]ListOffsetsPartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1, ignorable: true },
              { name: 'timestamp', type: 'int64', versions: '0+' },
              { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
            ],
          },
        ],
      },
    ],
  },
  response: {
    apiKey: 2,
    type: 'response',
    name: 'ListOffsetsResponse',
    validVersions: '0-9',
    flexibleVersions: '6+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      {
        name: 'topics',
        type: '[]ListOffsetsTopicResponse',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]ListOffsetsPartitionResponse',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'oldStyleOffsets', type: '[]int64', versions: '0', ignorable: false },
              { name: 'timestamp', type: 'int64', versions: '1+', default: -1n, ignorable: false },
              { name: 'offset', type: 'int64', versions: '1+', default: -1n, ignorable: false },
              { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
            ],
          },
        ],
      },
    ],
  },
};
