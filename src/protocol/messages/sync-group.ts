/**
 * SyncGroup (API key 14), from apache/kafka 3.9 `SyncGroupRequest.json` / `SyncGroupResponse.json`.
 *
 * v1: response throttleTimeMs. v2: responses sent before throttling.
 * v3: groupInstanceId (KIP-345). v4: first flexible version.
 * v5: protocolType and protocolName (KIP-559).
 * kafka-python sends v0-v1.
 */
import type { ApiSpec } from '../schema/types.js';

export const SyncGroup: ApiSpec = {
  apiKey: 14,
  name: 'SyncGroup',
  request: {
    apiKey: 14,
    type: 'request',
    name: 'SyncGroupRequest',
    validVersions: '0-5',
    flexibleVersions: '4+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
      { name: 'generationId', type: 'int32', versions: '0+' },
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      {
        name: 'protocolType',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
      },
      {
        name: 'protocolName',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
      },
      {
        name: 'assignments',
        type: '[]SyncGroupRequestAssignment',
        versions: '0+',
        fields: [
          { name: 'memberId', type: 'string', versions: '0+' },
          { name: 'assignment', type: 'bytes', versions: '0+' },
        ],
      },
    ],
  },
  response: {
    apiKey: 14,
    type: 'response',
    name: 'SyncGroupResponse',
    validVersions: '0-5',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'protocolType',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
      },
      {
        name: 'protocolName',
        type: 'string',
        versions: '5+',
        nullableVersions: '5+',
        default: null,
        ignorable: true,
      },
      { name: 'assignment', type: 'bytes', versions: '0+' },
    ],
  },
};
