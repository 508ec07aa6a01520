/**
 * DeleteRecords (API key 21), from apache/kafka 3.9 `DeleteRecordsRequest.json` / `...Response.json`.
 *
 * v1: responses sent before throttling. v2: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

export const DeleteRecords: ApiSpec = {
  apiKey: 21,
  name: 'DeleteRecords',
  request: {
    apiKey: 21,
    type: 'request',
    name: 'DeleteRecordsRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      {
        name: 'topics',
        type: '[]DeleteRecordsTopic',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]DeleteRecordsPartition',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'offset', type: 'int64', versions: '0+' },
            ],
          },
        ],
      },
      { name: 'timeoutMs', type: 'int32', versions: '0+' },
    ],
  },
  response: {
    apiKey: 21,
    type: 'response',
    name: 'DeleteRecordsResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'topics',
        type: '[]DeleteRecordsTopicResult',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
          {
            name: 'partitions',
            type: '[]DeleteRecordsPartitionResult',
            versions: '0+',
            fields: [
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'lowWatermark', type: 'int64', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
