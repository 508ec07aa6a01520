/**
 * InitProducerId (API key 22), from apache/kafka 3.9 `InitProducerIdRequest.json` / `...Response.json`.
 *
 * v1: responses sent before throttling. v2: first flexible version.
 * v3: producerId/producerEpoch so an existing producer can bump its epoch (KIP-360).
 * v4: PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH (KIP-588).
 * v5: TRANSACTION_ABORTABLE error code (KIP-890).
 * librdkafka asks for v3-v4 first (epoch bumps), then v0-v4.
 */
import type { ApiSpec } from '../schema/types.js';

export const InitProducerId: ApiSpec = {
  apiKey: 22,
  name: 'InitProducerId',
  request: {
    apiKey: 22,
    type: 'request',
    name: 'InitProducerIdRequest',
    validVersions: '0-5',
    flexibleVersions: '2+',
    fields: [
      {
        name: 'transactionalId',
        type: 'string',
        versions: '0+',
        nullableVersions: '0+',
        entityType: 'transactionalId',
      },
      { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '3+', default: -1n, entityType: 'producerId' },
      { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
    ],
  },
  response: {
    apiKey: 22,
    type: 'response',
    name: 'InitProducerIdResponse',
    validVersions: '0-5',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId', default: -1n },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
    ],
  },
};
