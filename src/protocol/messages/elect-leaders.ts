/**
 * ElectLeaders (API key 43), from apache/kafka 3.9 `ElectLeadersRequest.json` /
 * `ElectLeadersResponse.json`: the controller elects leaders for the named partitions (all of them
 * when `topicPartitions` is null), the preferred replica or, unclean, any live replica.
 *
 * v1: electionType (KIP-460) and a top-level errorCode. v2: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

export const ElectLeaders: ApiSpec = {
  apiKey: 43,
  name: 'ElectLeaders',
  request: {
    apiKey: 43,
    type: 'request',
    name: 'ElectLeadersRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      { name: 'electionType', type: 'int8', versions: '1+' },
      {
        name: 'topicPartitions',
        type: '[]TopicPartitions',
        versions: '0+',
        nullableVersions: '0+',
        fields: [
          { name: 'topic', type: 'string', versions: '0+', entityType: 'topicName' },
          { name: 'partitionId', type: '[]int32', versions: '0+' },
        ],
      },
      { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    ],
  },
  response: {
    apiKey: 43,
    type: 'response',
    name: 'ElectLeadersResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '1+', ignorable: false },
      {
        name: 'replicaElectionResults',
        type: '[]ReplicaElectionResult',
        versions: '0+',
        fields: [
          { name: 'topic', type: 'string', versions: '0+' },
          {
            name: 'partitionResult',
            type: '[]PartitionResult',
            versions: '0+',
            fields: [
              { name: 'partitionId', type: 'int32', versions: '0+' },
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
