/**
 * Fetch (API key 1), from apache/kafka 3.9 `FetchRequest.json` / `FetchResponse.json`.
 *
 * v1: response throttleTimeMs. v2: message format v1. v3: request maxBytes; partition order matters.
 * v4: isolationLevel, response lastStableOffset and abortedTransactions; message format v2.
 * v5: logStartOffset. v6: KAFKA_STORAGE_ERROR. v7: incremental fetch sessions (KIP-227).
 * v8: responses sent before throttling. v9: currentLeaderEpoch (KIP-320). v10: ZStandard (KIP-110).
 * v11: rackId and preferredReadReplica (KIP-392).
 * v12: first flexible version; lastFetchedEpoch, divergingEpoch, currentLeader, snapshotId.
 * v13: topic IDs replace topic names (KIP-516). v14: OFFSET_MOVED_TO_TIERED_STORAGE (KIP-405).
 * v15: replicaState tagged field replaces replicaId (KIP-903). v16: response nodeEndpoints (KIP-951).
 * v17: replicaDirectoryId (KIP-853).
 * v0-v3 are deprecated in 3.9 (KIP-896); kafka-python sends v4, librdkafka v4-v11.
 */
import type { ApiSpec } from '../schema/types.js';

export const Fetch: ApiSpec = {
  apiKey: 1,
  name: 'Fetch',
  request: {
    apiKey: 1,
    type: 'request',
    name: 'FetchRequest',
    validVersions: '0-17',
    flexibleVersions: '12+',
    fields: [
      {
        name: 'clusterId',
        type: 'string',
        versions: '12+',
        nullableVersions: '12+',
        default: null,
        taggedVersions: '12+',
        tag: 0,
        ignorable: true,
      },
      { name: 'replicaId', type: 'int32', versions: '0-14', default: -1, entityType: 'brokerId' },
      {
        name: 'replicaState',
        type: 'ReplicaState',
        versions: '15+',
        taggedVersions: '15+',
        tag: 1,
        fields: [
          { name: 'replicaId', type: 'int32', versions: '15+', default: -1, entityType: 'brokerId' },
          { name: 'replicaEpoch', type: 'int64', versions: '15+', default: -1n },
        ],
      },
      { name: 'maxWaitMs', type: 'int32', versions: '0+' },
      { name: 'minBytes', type: 'int32', versions: '0+' },
      { name: 'maxBytes', type: 'int32', versions: '3+', default: 0x7fffffff, ignorable: true },
      { name: 'isolationLevel', type: 'int8', versions: '4+', default: 0, ignorable: true },
      { name: 'sessionId', type: 'int32', versions: '7+', default: 0, ignorable: true },
      { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
      {
        name: 'topics',
        type: '[]FetchTopic',
        versions: '0+',
        fields: [
          { name: 'topic', type: 'string', versions: '0-12', entityType: 'topicName', ignorable: true },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
          {
            name: 'partitions',
            type: '[]FetchPartition',
            versions: '0+',
            fields: [
              { name: 'partition', type: 'int32', versions: '0+' },
              { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1, ignorable: true },
              { name: 'fetchOffset', type: 'int64', versions: '0+' },
              { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1, ignorable: false },
              { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n, ignorable: true },
              { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
              {
                name: 'replicaDirectoryId',
                type: 'uuid',
                versions: '17+',
                taggedVersions: '17+',
                tag: 0,
                ignorable: true,
              },
            ],
          },
        ],
      },
      {
        name: 'forgottenTopicsData',
        type: '[]ForgottenTopic',
        versions: '7+',
        ignorable: false,
        fields: [
          { name: 'topic', type: 'string', versions: '7-12', entityType: 'topicName', ignorable: true },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
          { name: 'partitions', type: '[]int32', versions: '7+' },
        ],
      },
      { name: 'rackId', type: 'string', versions: '11+', default: '', ignorable: true },
    ],
  },
  response: {
    apiKey: 1,
    type: 'response',
    name: 'FetchResponse',
    validVersions: '0-17',
    flexibleVersions: '12+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '7+', ignorable: true },
      { name: 'sessionId', type: 'int32', versions: '7+', default: 0, ignorable: false },
      {
        name: 'responses',
        type: '[]FetchableTopicResponse',
        versions: '0+',
        fields: [
          { name: 'topic', type: 'string', versions: '0-12', ignorable: true, entityType: 'topicName' },
          { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
          {
            name: 'partitions',
            type: '[]PartitionData',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'highWatermark', type: 'int64', versions: '0+' },
              { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1n, ignorable: true },
              { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n, ignorable: true },
              {
                name: 'divergingEpoch',
                type: 'EpochEndOffset',
                versions: '12+',
                taggedVersions: '12+',
                tag: 0,
                fields: [
                  { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                  { name: 'endOffset', type: 'int64', versions: '12+', default: -1n },
                ],
              },
              {
                name: 'currentLeader',
                type: 'LeaderIdAndEpoch',
                versions: '12+',
                taggedVersions: '12+',
                tag: 1,
                fields: [
                  { name: 'leaderId', type: 'int32', versions: '12+', default: -1, entityType: 'brokerId' },
                  { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 },
                ],
              },
              {
                name: 'snapshotId',
                type: 'SnapshotId',
                versions: '12+',
                taggedVersions: '12+',
                tag: 2,
                fields: [
                  { name: 'endOffset', type: 'int64', versions: '0+', default: -1n },
                  { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
                ],
              },
              {
                name: 'abortedTransactions',
                type: '[]AbortedTransaction',
                versions: '4+',
                nullableVersions: '4+',
                ignorable: true,
                fields: [
                  { name: 'producerId', type: 'int64', versions: '4+', entityType: 'producerId' },
                  { name: 'firstOffset', type: 'int64', versions: '4+' },
                ],
              },
              {
                name: 'preferredReadReplica',
                type: 'int32',
                versions: '11+',
                default: -1,
                ignorable: false,
                entityType: 'brokerId',
              },
              { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
      {
        name: 'nodeEndpoints',
        type: '[]NodeEndpoint',
        versions: '16+',
        taggedVersions: '16+',
        tag: 0,
        fields: [
          { name: 'nodeId', type: 'int32', versions: '16+', entityType: 'brokerId' },
          { name: 'host', type: 'string', versions: '16+' },
          { name: 'port', type: 'int32', versions: '16+' },
          { name: 'rack', type: 'string', versions: '16+', nullableVersions: '16+', default: null },
        ],
      },
    ],
  },
};
