/**
 * WriteTxnMarkers (API key 27), from apache/kafka 3.9 `WriteTxnMarkersRequest.json` / `...Response.json`.
 * Sent by the transaction coordinator to partition leaders; clients never send it.
 *
 * v1: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

export const WriteTxnMarkers: ApiSpec = {
  apiKey: 27,
  name: 'WriteTxnMarkers',
  request: {
    apiKey: 27,
    type: 'request',
    name: 'WriteTxnMarkersRequest',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      {
        name: 'markers',
        type: '[]WritableTxnMarker',
        versions: '0+',
        fields: [
          { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
          { name: 'producerEpoch', type: 'int16', versions: '0+' },
          { name: 'transactionResult', type: 'bool', versions: '0+' },
          {
            name: 'topics',
            type: '[]WritableTxnMarkerTopic',
            versions: '0+',
            fields: [
              { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
              { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
            ],
          },
          { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
        ],
      },
    ],
  },
  response: {
    apiKey: 27,
    type: 'response',
    name: 'WriteTxnMarkersResponse',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      {
        name: 'markers',
        type: '[]WritableTxnMarkerResult',
        versions: '0+',
        fields: [
          { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
          {
            name: 'topics',
            type: '[]WritableTxnMarkerTopicResult',
            versions: '0+',
            fields: [
              { name: 'name', type: 'string', versions: '0+', entityType: 'topicName' },
              {
                name: 'partitions',
                type: '[]WritableTxnMarkerPartitionResult',
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
    ],
  },
};
