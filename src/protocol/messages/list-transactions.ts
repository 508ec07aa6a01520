/**
 * ListTransactions (API key 66), from apache/kafka 3.9 `ListTransactionsRequest.json` / `...Response.json`.
 *
 * v0: list transactions, filtered by state and producer id (KIP-664); flexible from the start.
 * v1: durationFilter, transactions running longer than the given milliseconds (KIP-994).
 */
import type { ApiSpec } from '../schema/types.js';

export const ListTransactions: ApiSpec = {
  apiKey: 66,
  name: 'ListTransactions',
  request: {
    apiKey: 66,
    type: 'request',
    name: 'ListTransactionsRequest',
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
      { name: 'stateFilters', type: '[]string', versions: '0+' },
      { name: 'producerIdFilters', type: '[]int64', versions: '0+', entityType: 'producerId' },
      { name: 'durationFilter', type: 'int64', versions: '1+', default: -1n },
    ],
  },
  response: {
    apiKey: 66,
    type: 'response',
    name: 'ListTransactionsResponse',
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'unknownStateFilters', type: '[]string', versions: '0+' },
      {
        name: 'transactionStates',
        type: '[]TransactionState',
        versions: '0+',
        fields: [
          { name: 'transactionalId', type: 'string', versions: '0+', entityType: 'transactionalId' },
          { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
          { name: 'transactionState', type: 'string', versions: '0+' },
        ],
      },
    ],
  },
};
