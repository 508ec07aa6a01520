/**
 * FindCoordinator (API key 10), from apache/kafka 3.9 `FindCoordinatorRequest.json` / `...Response.json`.
 *
 * v1: keyType (0 group, 1 transaction); response throttleTimeMs and errorMessage. v2: as v1.
 * v3: first flexible version. v4: batched lookups through coordinatorKeys (KIP-699).
 * v5: TRANSACTION_ABORTABLE error code (KIP-890). v6: share group coordinators (KIP-932).
 * kafka-python sends v0 (GroupCoordinator), librdkafka v0-v2.
 */
import type { ApiSpec } from '../schema/types.js';

export const FindCoordinator: ApiSpec = {
  apiKey: 10,
  name: 'FindCoordinator',
  request: {
    apiKey: 10,
    type: 'request',
    name: 'FindCoordinatorRequest',
    validVersions: '0-6',
    flexibleVersions: '3+',
    fields: [
      { name: 'key', type: 'string', versions: '0-3' },
      { name: 'keyType', type: 'int8', versions: '1+', default: 0 },
      { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
    ],
  },
  response: {
    apiKey: 10,
    type: 'response',
    name: 'FindCoordinatorResponse',
    validVersions: '0-6',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '0-3' },
      {
        name: 'errorMessage',
        type: 'string',
        versions: '1-3',
        nullableVersions: '1-3',
        ignorable: true,
        default: null,
      },
      { name: 'nodeId', type: 'int32', versions: '0-3', entityType: 'brokerId' },
      { name: 'host', type: 'string', versions: '0-3' },
      { name: 'port', type: 'int32', versions: '0-3' },
      {
        name: 'coordinators',
        type: '[]Coordinator',
        versions: '4+',
        fields: [
          { name: 'key', type: 'string', versions: '4+' },
          { name: 'nodeId', type: 'int32', versions: '4+', entityType: 'brokerId' },
          { name: 'host', type: 'string', versions: '4+' },
          { name: 'port', type: 'int32', versions: '4+' },
          { name: 'errorCode', type: 'int16', versions: '4+' },
          { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+', ignorable: true },
        ],
      },
    ],
  },
};
