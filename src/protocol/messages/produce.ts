/**
 * Produce (API key 0), from apache/kafka 3.9 `ProduceRequest.json` / `ProduceResponse.json`.
 *
 * v1-v2: request as v0; response v1 adds throttleTimeMs, v2 logAppendTimeMs.
 * v3: transactionalId; message format v2 (magic 2) record batches.
 * v4: KAFKA_STORAGE_ERROR may be returned. v5: response logStartOffset. v6: as v5.
 * v7: ZStandard compression (KIP-110).
 * v8: response recordErrors and errorMessage (KIP-467).
 * v9: first flexible version.
 * v10: response currentLeader and nodeEndpoints tagged fields (KIP-951).
 * v11: TRANSACTION_ABORTABLE error code (KIP-890).
 * v0-v6 are deprecated in 3.9 (KIP-896), but kafka-python sends v7 and librdkafka v3-v7.
 */
import type { ApiSpec } from '../schema/types.js';

export const Produce: ApiSpec = {
  apiKey: 0,
  name: 'Produce',
  request: {
    apiKey: 0,
    type: 'request',
    name: 'ProduceRequest',
    validVersions: '0-11',
    flexibleVersions: '9+',
    fields: [
      {
        name: 'transactionalId',
        type: 'string',
        versions: '3+',
        nullableVersions: '3+',
        default: null,
        entityType: 'transactionalId',
      },
      { name: 'acks', type: 'int16', versions: '0+' },
      { name: 'timeoutMs', type: 'int32', versions: '0+' },
      {
        name: 'topicData',
        type: '[]TopicProduceData',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitionData',
            type: '[]PartitionProduceData',
            versions: '0+',
            fields: [
              { name: 'index', type: 'int32', versions: '0+' },
              { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
    ],
  },
  response: {
    apiKey: 0,
    type: 'response',
    name: 'ProduceResponse',
    validVersions: '0-11',
    flexibleVersions: '9+',
    fields: [
      {
        name: 'responses',
        type: '[]TopicProduceResponse',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitionResponses',
            type: '[]PartitionProduceResponse',
            versions: '0+',
            fields: [
              { name: 'index', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'baseOffset', type: 'int64', versions: '0+' },
              { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1n, ignorable: true },
              { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n, ignorable: true },
              {
                name: 'recordErrors',
                type: '[]BatchIndexAndErrorMessage',
                versions: '8+',
                ignorable: true,
                fields: [
                  { name: 'batchIndex', type: 'int32', versions: '8+' },
                  {
                    name: 'batchIndexErrorMessage',
                    type: 'string',
                    versions: '8+',
                    nullableVersions: '8+',
                    default: null,
                  },
                ],
              },
              {
                name: 'errorMessage',
                type: 'string',
                versions: '8+',
                nullableVersions: '8+',
                default: null,
                ignorable: true,
              },
              {
                name: 'currentLeader',
                type: 'LeaderIdAndEpoch',
                versions: '10+',
                taggedVersions: '10+',
                tag: 0,
                fields: [
                  { name: 'leaderId', type: 'int32', versions: '10+', default: -1, entityType: 'brokerId' },
                  { name: 'leaderEpoch', type: 'int32', versions: '10+', default: -1 },
                ],
              },
            ],
          },
        ],
      },
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true, default: 0 },
      {
        name: 'nodeEndpoints',
        type: '[]NodeEndpoint',
        versions: '10+',
        taggedVersions: '10+',
        tag: 0,
        fields: [
          { name: 'nodeId', type: 'int32', versions: '10+', entityType: 'brokerId' },
          { name: 'host', type: 'string', versions: '10+' },
          { name: 'port', type: 'int32', versions: '10+' },
          { name: 'rack', type: 'string', versions: '10+', nullableVersions: '10+', default: null },
        ],
      },
    ],
  },
};
