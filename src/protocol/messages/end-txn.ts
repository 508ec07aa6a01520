/**
 * EndTxn (API key 26), from apache/kafka 3.9 `EndTxnRequest.json` / `EndTxnResponse.json`.
 *
 * v1: responses sent before throttling. v2: as v1 (KIP-447). v3: first flexible version.
 * v4: TRANSACTION_ABORTABLE error code (KIP-890).
 */
import type { ApiSpec } from '../schema/types.js';

export const EndTxn: ApiSpec = {
  apiKey: 26,
  name: 'EndTxn',
  request: {
    apiKey: 26,
    type: 'request',
    name: 'EndTxnRequest',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+', entityType: 'transactionalId' },
      { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
      { name: 'committed', type: 'bool', versions: '0+' },
    ],
  },
  response: {
    apiKey: 26,
    type: 'response',
    name: 'EndTxnResponse',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
    ],
  },
};
