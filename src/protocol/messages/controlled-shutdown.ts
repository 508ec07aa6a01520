/**
 * ControlledShutdown (API key 7), from apache/kafka 3.9 `ControlledShutdownRequest.json` /
 * `ControlledShutdownResponse.json`: a broker about to stop asks the controller to move its
 * partition leadership elsewhere; the answer lists the partitions it still leads.
 *
 * v0 has a non-standard request header (no client id) and is not served. v1: same as v0.
 * v2: brokerEpoch (KIP-380). v3: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

export const ControlledShutdown: ApiSpec = {
  apiKey: 7,
  name: 'ControlledShutdown',
  request: {
    apiKey: 7,
    type: 'request',
    name: 'ControlledShutdownRequest',
    validVersions: '0-3',
    flexibleVersions: '3+',
    fields: [
      { name: 'brokerId', type: 'int32', versions: '0+', entityType: 'brokerId' },
      { name: 'brokerEpoch', type: 'int64', versions: '2+', default: -1n, ignorable: true },
    ],
  },
  response: {
    apiKey: 7,
    type: 'response',
    name: 'ControlledShutdownResponse',
    validVersions: '0-3',
    flexibleVersions: '3+',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'remainingPartitions',
        type: '[]RemainingPartition',
        versions: '0+',
        fields: [
          { name: 'topicName', type: 'string', versions: '0+', entityType: 'topicName' },
          { name: 'partitionIndex', type: 'int32', versions: '0+' },
        ],
      },
    ],
  },
};
