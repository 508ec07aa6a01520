/**
 * JoinGroup (API key 11), from apache/kafka 3.9 `JoinGroupRequest.json` / `JoinGroupResponse.json`.
 *
 * v1: rebalanceTimeoutMs. v2: response throttleTimeMs. v3: responses sent before throttling.
 * v4: MEMBER_ID_REQUIRED on a first join without member id (KIP-394).
 * v5: groupInstanceId for static membership (KIP-345). v6: first flexible version.
 * v7: protocolType in the response (KIP-559). v8: reason (KIP-800).
 * v9: skipAssignment for server-side assignors (KIP-814).
 * kafka-python sends v0-v2, librdkafka v0-v5.
 */
import type { ApiSpec } from '../schema/types.js';

export const JoinGroup: ApiSpec = {
  apiKey: 11,
  name: 'JoinGroup',
  request: {
    apiKey: 11,
    type: 'request',
    name: 'JoinGroupRequest',
    validVersions: '0-9',
    flexibleVersions: '6+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
      { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
      { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1, ignorable: true },
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      { name: 'protocolType', type: 'string', versions: '0+' },
      {
        name: 'protocols',
        type: '[]JoinGroupRequestProtocol',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'metadata', type: 'bytes', versions: '0+' },
        ],
      },
      {
        name: 'reason',
        type: 'string',
        versions: '8+',
        nullableVersions: '8+',
        default: null,
        ignorable: true,
      },
    ],
  },
  response: {
    apiKey: 11,
    type: 'response',
    name: 'JoinGroupResponse',
    validVersions: '0-9',
    flexibleVersions: '6+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
      {
        name: 'protocolType',
        type: 'string',
        versions: '7+',
        nullableVersions: '7+',
        default: null,
        ignorable: true,
      },
      { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
      { name: 'leader', type: 'string', versions: '0+' },
      { name: 'skipAssignment', type: 'bool', versions: '9+', default: false },
      { name: 'memberId', type: 'string', versions: '0+' },
      {
        name: 'members',
        type: '[]JoinGroupResponseMember',
        versions: '0+',
        fields: [
          { name: 'memberId', type: 'string', versions: '0+' },
          {
            name: 'groupInstanceId',
            type: 'string',
            versions: '5+',
            ignorable: true,
            nullableVersions: '5+',
            default: null,
          },
          { name: 'metadata', type: 'bytes', versions: '0+' },
        ],
      },
    ],
  },
};
