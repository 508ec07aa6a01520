/**
 * TxnOffsetCommit (API key 28), from apache/kafka 3.9 `TxnOffsetCommitRequest.json` / `...Response.json`.
 *
 * v1: responses sent before throttling. v2: committedLeaderEpoch (KIP-320).
 * v3: first flexible version; generationId, memberId and groupInstanceId for fencing (KIP-447).
 * v4: TRANSACTION_ABORTABLE error code (KIP-890).
 */
import type { ApiSpec } from '../schema/types.js';

export const TxnOffsetCommit: ApiSpec = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  request: {
    apiKey: 28,
    type: 'request',
    name: 'TxnOffsetCommitRequest',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+', entityType: 'transactionalId' },
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
      { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
      { name: 'generationId', type: 'int32', versions: '3+', default: -1 },
      { name: 'memberId', type: 'string', versions: '3+', default: '' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      {
        name: 'topics',
        type: '[]TxnOffsetCommitRequestTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]TxnOffsetCommitRequestPartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'committedOffset', type: 'int64', versions: '0+' },
              { name: 'committedLeaderEpoch', type: 'int32', versions: '2+', default: -1, ignorable: true },
              { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
    ],
  },
  response: {
    apiKey: 28,
    type: 'response',
    name: 'TxnOffsetCommitResponse',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'topics',
        type: '[]TxnOffsetCommitResponseTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]TxnOffsetCommitResponsePartition',
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
