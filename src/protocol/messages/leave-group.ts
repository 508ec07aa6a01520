/**
 * LeaveGroup (API key 13), from apache/kafka 3.9 `LeaveGroupRequest.json` / `LeaveGroupResponse.json`.
 *
 * v1: response throttleTimeMs. v2: responses sent before throttling.
 * v3: batch of members leaving at once (KIP-345). v4: first flexible version.
 * v5: per-member reason (KIP-800).
 * kafka-python sends v0-v1.
 */
import type { ApiSpec } from '../schema/types.js';

export const LeaveGroup: ApiSpec = {
  apiKey: 13,
  name: 'LeaveGroup',
  request: {
    apiKey: 13,
    type: 'request',
    name: 'LeaveGroupRequest',
    validVersions: '0-5',
    flexibleVersions: '4+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
      { name: 'memberId', type: 'string', versions: '0-2' },
      {
        name: 'members',
        type: '[]MemberIdentity',
        versions: '3+',
        fields: [
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
          {
            name: 'reason',
            type: 'string',
            versions: '5+',
            nullableVersions: '5+',
            default: null,
            ignorable: true,
          },
        ],
      },
    ],
  },
  response: {
    apiKey: 13,
    type: 'response',
    name: 'LeaveGroupResponse',
    validVersions: '0-5',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'members',
        type: '[]MemberResponse',
        versions: '3+',
        fields: [
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
          { name: 'errorCode', type: 'int16', versions: '3+' },
        ],
      },
    ],
  },
};
