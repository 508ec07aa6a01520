/**
 * OffsetCommit (API key 8), from apache/kafka 3.9 `OffsetCommitRequest.json` / `OffsetCommitResponse.json`.
 *
 * v1: generation and member id, per-partition commitTimestamp.
 * v2: retentionTimeMs replaces commitTimestamp. v3: response throttleTimeMs.
 * v4: responses sent before throttling. v5: retentionTimeMs removed (broker config only).
 * v6: committedLeaderEpoch. v7: groupInstanceId (KIP-345). v8: first flexible version.
 * v9: usable with the new consumer group protocol (KIP-848); generationIdOrMemberEpoch; same layout.
 * v0-v1 are deprecated in 3.9 (KIP-896); kafka-python sends v2.
 */
import type { ApiSpec } from '../schema/types.js';

export const OffsetCommit: ApiSpec = {
  apiKey: 8,
  name: 'OffsetCommit',
  request: {
    apiKey: 8,
    type: 'request',
    name: 'OffsetCommitRequest',
    validVersions: '0-9',
    flexibleVersions: '8+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
      { name: 'generationIdOrMemberEpoch', type: 'int32', versions: '1+', default: -1, ignorable: true },
      { name: 'memberId', type: 'string', versions: '1+', ignorable: true },
      { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
      { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1n, ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetCommitRequestTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]OffsetCommitRequestPartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'committedOffset', type: 'int64', versions: '0+' },
              { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1, ignorable: true },
              { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1n },
              { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
    ],
  },
  response: {
    apiKey: 8,
    type: 'response',
    name: 'OffsetCommitResponse',
    validVersions: '0-9',
    flexibleVersions: '8+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetCommitResponseTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]OffsetCommitResponsePartition',
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
