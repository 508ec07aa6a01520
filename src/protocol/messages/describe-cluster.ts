/**
 * DescribeCluster (API key 60), from apache/kafka 3.9 `DescribeClusterRequest.json` / `...Response.json`.
 *
 * v0: cluster id, controller and brokers, flexible from the start (KIP-700).
 * v1: endpointType, to describe controllers as well as brokers (KIP-919).
 */
import type { ApiSpec } from '../schema/types.js';

export const DescribeCluster: ApiSpec = {
  apiKey: 60,
  name: 'DescribeCluster',
  request: {
    apiKey: 60,
    type: 'request',
    name: 'DescribeClusterRequest',
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
      { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '0+' },
      { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
    ],
  },
  response: {
    apiKey: 60,
    type: 'response',
    name: 'DescribeClusterResponse',
    validVersions: '0-1',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      { name: 'endpointType', type: 'int8', versions: '1+', default: 1 },
      { name: 'clusterId', type: 'string', versions: '0+' },
      { name: 'controllerId', type: 'int32', versions: '0+', default: -1, entityType: 'brokerId' },
      {
        name: 'brokers',
        type: '[]DescribeClusterBroker',
        versions: '0+',
        fields: [
          { name: 'brokerId', type: 'int32', versions: '0+', entityType: 'brokerId' },
          { name: 'host', type: 'string', versions: '0+' },
          { name: 'port', type: 'int32', versions: '0+' },
          { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        ],
      },
      { name: 'clusterAuthorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
    ],
  },
};
