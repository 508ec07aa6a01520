/**
 * Metadata (API key 3), from apache/kafka 3.9 `MetadataRequest.json` / `MetadataResponse.json`.
 *
 * v0: an empty topic array means all topics. v1: a null array means all topics, an empty one none;
 *     response rack, controllerId, isInternal.
 * v2: response clusterId. v3: response throttleTimeMs. v4: allowAutoTopicCreation.
 * v5: response offlineReplicas. v6: responses sent before throttling. v7: response leaderEpoch.
 * v8: authorized operations for topics and the cluster. v9: first flexible version.
 * v10: topicId. v11: cluster authorized operations moved to DescribeCluster (KIP-700).
 * v12: topics may be looked up by ID (name nullable).
 * v0-v3 are deprecated in 3.9 (KIP-896); kafka-python probes with v0 and then sends v1.
 */
import type { ApiSpec } from '../schema/types.js';

export const Metadata: ApiSpec = {
  apiKey: 3,
  name: 'Metadata',
  request: {
    apiKey: 3,
    type: 'request',
    name: 'MetadataRequest',
    validVersions: '0-12',
    flexibleVersions: '9+',
    fields: [
      {
        name: 'topics',
        type: '[]MetadataRequestTopic',
        versions: '0+',
        nullableVersions: '1+',
        fields: [
          { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true },
          { name: 'name', type: 'string', versions: '0+', entityType: 'topicName', nullableVersions: '10+' },
        ],
      },
      { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true, ignorable: false },
      { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
      { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
    ],
  },
  response: {
    apiKey: 3,
    type: 'response',
    name: 'MetadataResponse',
    validVersions: '0-12',
    flexibleVersions: '9+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+', ignorable: true },
      {
        name: 'brokers',
        type: '[]MetadataResponseBroker',
        versions: '0+',
        fields: [
          { name: 'nodeId', type: 'int32', versions: '0+', entityType: 'brokerId' },
          { name: 'host', type: 'string', versions: '0+' },
          { name: 'port', type: 'int32', versions: '0+' },
          {
            name: 'rack',
            type: 'string',
            versions: '1+',
            nullableVersions: '1+',
            ignorable: true,
            default: null,
          },
        ],
      },
      {
        name: 'clusterId',
        type: 'string',
        versions: '2+',
        nullableVersions: '2+',
        ignorable: true,
        default: null,
      },
      {
        name: 'controllerId',
        type: 'int32',
        versions: '1+',
        default: -1,
        ignorable: true,
        entityType: 'brokerId',
      },
      {
        name: 'topics',
        type: '[]MetadataResponseTopic',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+', entityType: 'topicName' },
          { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true },
          { name: 'isInternal', type: 'bool', versions: '1+', default: false, ignorable: true },
          {
            name: 'partitions',
            type: '[]MetadataResponsePartition',
            versions: '0+',
            fields: [
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'partitionIndex', type: 'int32', versions: '0+' },
              { name: 'leaderId', type: 'int32', versions: '0+', entityType: 'brokerId' },
              { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
              { name: 'replicaNodes', type: '[]int32', versions: '0+', entityType: 'brokerId' },
              { name: 'isrNodes', type: '[]int32', versions: '0+', entityType: 'brokerId' },
              {
                name: 'offlineReplicas',
                type: '[]int32',
                versions: '5+',
                ignorable: true,
                entityType: 'brokerId',
              },
            ],
          },
          {
            name: 'topicAuthorizedOperations',
            type: 'int32',
            versions: '8+',
            default: -2147483648,
          },
        ],
      },
      {
        name: 'clusterAuthorizedOperations',
        type: 'int32',
        versions: '8-10',
        default: -2147483648,
      },
    ],
  },
};
