/**
 * OffsetForLeaderEpoch (API key 23), from apache/kafka 3.9 `OffsetForLeaderEpochRequest.json` /
 * `OffsetForLeaderEpochResponse.json`.
 *
 * v1: response leaderEpoch (KIP-279). v2: currentLeaderEpoch for fencing (KIP-320);
 *     response throttleTimeMs. v3: replicaId, so consumers may call it (KIP-320).
 * v4: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

export const OffsetForLeaderEpoch: ApiSpec = {
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  request: {
    apiKey: 23,
    type: 'request',
    name: 'OffsetForLeaderEpochRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      {
        name: 'replicaId',
        type: 'int32',
        versions: '3+',
        default: -2,
        ignorable: true,
        entityType: 'brokerId',
      },
      {
        name: 'topics',
        type: '[]OffsetForLeaderTopic',
        versions: '0+',
        fields: [
          { name: 'topic', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]OffsetForLeaderPartition',
            versions: '0+',
            fields: [
              { name: 'partition', type: 'int32', versions: '0+' },
              { name: 'currentLeaderEpoch', type: 'int32', versions: '2+', default: -1, ignorable: true },
              { name: 'leaderEpoch', type: 'int32', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
  response: {
    apiKey: 23,
    type: 'response',
    name: 'OffsetForLeaderEpochResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetForLeaderTopicResult',
        versions: '0+',
        fields: [
          { name: 'topic', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]EpochEndOffset',
            versions: '0+',
            fields: [
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'partition', type: 'int32', versions: '0+' },
              { name: 'leaderEpoch', type: 'int32', versions: '1+', default: -1, ignorable: true },
              { name: 'endOffset', type: 'int64', versions: '0+', default: -1n },
            ],
          },
        ],
      },
    ],
  },
};
