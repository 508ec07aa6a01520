/**
 * DescribeTransactions (API key 65), from apache/kafka 3.9 `DescribeTransactionsRequest.json` /
 * `DescribeTransactionsResponse.json`.
 *
 * v0: transaction coordinator state per transactional id (KIP-664); flexible from the start.
 */
import type { ApiSpec } from '../schema/types.js';

export const DescribeTransactions: ApiSpec = {
  apiKey: 65,
  name: 'DescribeTransactions',
  request: {
    apiKey: 65,
    type: 'request',
    name: 'DescribeTransactionsRequest',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [{ name: 'transactionalIds', type: '[]string', versions: '0+', entityType: 'transactionalId' }],
  },
  response: {
    apiKey: 65,
    type: 'response',
    name: 'DescribeTransactionsResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'transactionStates',
        type: '[]TransactionState',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'transactionalId', type: 'string', versions: '0+', entityType: 'transactionalId' },
          { name: 'transactionState', type: 'string', versions: '0+' },
          { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
          { name: 'transactionStartTimeMs', type: 'int64', versions: '0+' },
          { name: 'producerId', type: 'int64', versions: '0+', entityType: 'producerId' },
          { name: 'producerEpoch', type: 'int16', versions: '0+' },
          {
            name: 'topics',
            type: '[]TopicData',
            versions: '0+',
            fields: [
              { name: 'topic', type: 'string', versions: '0+', entityType: 'topicName' },
              { name: 'partitions', type: '[]int32', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
