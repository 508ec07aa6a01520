/**
 * AddPartitionsToTxn (API key 24), from apache/kafka 3.9 `AddPartitionsToTxnRequest.json` / `...Response.json`.
 *
 * v1: responses sent before throttling. v2: as v1 (KIP-447 fencing semantics). v3: first flexible version.
 * v4: batched transactions and verifyOnly, sent only by brokers (KIP-890); v0-v3 fields renamed V3AndBelow*.
 * v5: TRANSACTION_ABORTABLE error code (KIP-890).
 */
import type { ApiSpec, FieldSpec } from '../schema/types.js';

/** Kafka's commonStructs `AddPartitionsToTxnTopic`, used by v0-v3 and v4+ alike. */
const AddPartitionsToTxnTopic: readonly FieldSpec[] = [
  { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
];

/** Kafka's commonStructs `AddPartitionsToTxnTopicResult`. */
const AddPartitionsToTxnTopicResult: readonly FieldSpec[] = [
  { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
  {
    name: 'resultsByPartition',
    type: '[]AddPartitionsToTxnPartitionResult',
    versions: '0+',
    fields: [
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'partitionErrorCode', type: 'int16', versions: '0+' },
    ],
  },
];

export const AddPartitionsToTxn: ApiSpec = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  request: {
    apiKey: 24,
    type: 'request',
    name: 'AddPartitionsToTxnRequest',
    validVersions: '0-5',
    flexibleVersions: '3+',
    fields: [
      {
        name: 'transactions',
        type: '[]AddPartitionsToTxnTransaction',
        versions: '4+',
        fields: [
          { name: 'transactionalId', type: 'string', versions: '4+', entityType: 'transactionalId' },
          { name: 'producerId', type: 'int64', versions: '4+', entityType: 'producerId' },
          { name: 'producerEpoch', type: 'int16', versions: '4+' },
          { name: 'verifyOnly', type: 'bool', versions: '4+', default: false },
          {
            name: 'topics',
            type: '[]AddPartitionsToTxnTopic',
            versions: '4+',
            fields: AddPartitionsToTxnTopic,
          },
        ],
      },
      { name: 'v3AndBelowTransactionalId', type: 'string', versions: '0-3', entityType: 'transactionalId' },
      { name: 'v3AndBelowProducerId', type: 'int64', versions: '0-3', entityType: 'producerId' },
      { name: 'v3AndBelowProducerEpoch', type: 'int16', versions: '0-3' },
      {
        name: 'v3AndBelowTopics',
        type: '[]AddPartitionsToTxnTopic',
        versions: '0-3',
        fields: AddPartitionsToTxnTopic,
      },
    ],
  },
  response: {
    apiKey: 24,
    type: 'response',
    name: 'AddPartitionsToTxnResponse',
    validVersions: '0-5',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '4+', ignorable: true },
      {
        name: 'resultsByTransaction',
        type: '[]AddPartitionsToTxnResult',
        versions: '4+',
        fields: [
          { name: 'transactionalId', type: 'string', versions: '4+', entityType: 'transactionalId' },
          {
            name: 'topicResults',
            type: '[]AddPartitionsToTxnTopicResult',
            versions: '4+',
            fields: AddPartitionsToTxnTopicResult,
          },
        ],
      },
      {
        name: 'resultsByTopicV3AndBelow',
        type: '[]AddPartitionsToTxnTopicResult',
        versions: '0-3',
        fields: AddPartitionsToTxnTopicResult,
      },
    ],
  },
};
