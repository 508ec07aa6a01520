/**
 * OffsetFetch (API key 9), from apache/kafka 3.9 `OffsetFetchRequest.json` / `OffsetFetchResponse.json`.
 *
 * v0: offsets read from ZooKeeper. v1: offsets read from __consumer_offsets.
 * v2: a null topic array fetches all topics; response top-level errorCode. v3: response throttleTimeMs.
 * v4: responses sent before throttling. v5: response committedLeaderEpoch. v6: first flexible version.
 * v7: requireStable (KIP-447). v8: several groups per request (KIP-709).
 * v9: memberId and memberEpoch for the new consumer group protocol (KIP-848).
 * kafka-python sends v1 (admin up to v3).
 */
import type { ApiSpec } from '../schema/types.js';

export const OffsetFetch: ApiSpec = {
  apiKey: 9,
  name: 'OffsetFetch',
  request: {
    apiKey: 9,
    type: 'request',
    name: 'OffsetFetchRequest',
    validVersions: '0-9',
    flexibleVersions: '6+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0-7', entityType: 'groupId' },
      {
        name: 'topics',
        type: '[]OffsetFetchRequestTopic',
        versions: '0-7',
        nullableVersions: '2-7',
        fields: [
          { name: 'name', type: 'string', versions: '0-7', entityType: 'topicName' },
          { name: 'partitionIndexes', type: '[]int32', versions: '0-7' },
        ],
      },
      {
        name: 'groups',
        type: '[]OffsetFetchRequestGroup',
        versions: '8+',
        fields: [
          { name: 'groupId', type: 'string', versions: '8+', entityType: 'groupId' },
          {
            name: 'memberId',
            type: 'string',
            versions: '9+',
            nullableVersions: '9+',
            default: null,
            ignorable: true,
          },
          { name: 'memberEpoch', type: 'int32', versions: '9+', default: -1, ignorable: true },
          {
            name: 'topics',
            type: '[]OffsetFetchRequestTopics',
            versions: '8+',
            nullableVersions: '8+',
            fields: [
              { name: 'name', type: 'string', versions: '8+', entityType: 'topicName' },
              { name: 'partitionIndexes', type: '[]int32', versions: '8+' },
            ],
          },
        ],
      },
      { name: 'requireStable', type: 'bool', versions: '7+', default: false },
    ],
  },
  response: {
    apiKey: 9,
    type: 'response',
    name: 'OffsetFetchResponse',
    validVersions: '0-9',
    flexibleVersions: '6+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
      {
        name: 'topics',
        type: '[]OffsetFetchResponseTopic',
        versions: '0-7',
        fields: [
          { name: 'name', type: 'string', versions: '0-7', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]OffsetFetchResponsePartition',
            versions: '0-7',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0-7' },
              { name: 'committedOffset', type: 'int64', versions: '0-7' },
              { name: 'committedLeaderEpoch', type: 'int32', versions: '5-7', default: -1, ignorable: true },
              { name: 'metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
              { name: 'errorCode', type: 'int16', versions: '0-7' },
            ],
          },
        ],
      },
      { name: 'errorCode', type: 'int16', versions: '2-7', default: 0, ignorable: true },
      {
        name: 'groups',
        type: '[]OffsetFetchResponseGroup',
        versions: '8+',
        fields: [
          { name: 'groupId', type: 'string', versions: '8+', entityType: 'groupId' },
          {
            name: 'topics',
            type: '[]OffsetFetchResponseTopics',
            versions: '8+',
            fields: [
              { name: 'name', type: 'string', versions: '8+', entityType: 'topicName' },
              {
                name: 'partitions',
                type: '[]OffsetFetchResponsePartitions',
                versions: '8+',
                fields: [
                  { name: 'partitionIndex', type: 'int32', versions: '8+' },
                  { name: 'committedOffset', type: 'int64', versions: '8+' },
                  {
                    name: 'committedLeaderEpoch',
                    type: 'int32',
                    versions: '8+',
                    default: -1,
                    ignorable: true,
                  },
                  { name: 'metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                  { name: 'errorCode', type: 'int16', versions: '8+' },
                ],
              },
            ],
          },
          { name: 'errorCode', type: 'int16', versions: '8+', default: 0, ignorable: true },
        ],
      },
    ],
  },
};
