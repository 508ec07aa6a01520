/**
 * AddOffsetsToTxn (API key 25), from apache/kafka 3.9 `AddOffsetsToTxnRequest.json` / `...Response.json`.
 *
 * v1: responses sent before throttling. v2: as v1 (KIP-447). v3: first flexible version.
 * v4: TRANSACTION_ABORTABLE error code (KIP-890).
 */
import type { ApiSpec } from '../schema/types.js';

export const AddOffsetsToTxn: ApiSpec = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  request: {
    apiKey: 25,
    type: 'request',
    name: 'AddOffsetsToTxnRequest',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+', entityType: 'transactionalId' },
      { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
    ],
  },
  response: {
    apiKey: 25,
    type: 'response',
    name: 'AddOffsetsToTxnResponse',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
    ],
  },
};
