/**
 * DescribeGroups (API key 15), from apache/kafka 3.9 `DescribeGroupsRequest.json` / `...Response.json`.
 *
 * v1: response throttleTimeMs. v2: responses sent before throttling.
 * v3: includeAuthorizedOperations (KIP-430). v4: member groupInstanceId (KIP-345).
 * v5: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

export const DescribeGroups: ApiSpec = {
  apiKey: 15,
  name: 'DescribeGroups',
  request: {
    apiKey: 15,
    type: 'request',
    name: 'DescribeGroupsRequest',
    validVersions: '0-5',
    flexibleVersions: '5+',
    fields: [
      { name: 'groups', type: '[]string', versions: '0+', entityType: 'groupId' },
      { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
    ],
  },
  response: {
    apiKey: 15,
    type: 'response',
    name: 'DescribeGroupsResponse',
    validVersions: '0-5',
    flexibleVersions: '5+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'groups',
        type: '[]DescribedGroup',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
          { name: 'groupState', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'protocolData', type: 'string', versions: '0+' },
          {
            name: 'members',
            type: '[]DescribedGroupMember',
            versions: '0+',
            fields: [
              { name: 'memberId', type: 'string', versions: '0+' },
              {
                name: 'groupInstanceId',
                type: 'string',
                versions: '4+',
                ignorable: true,
                nullableVersions: '4+',
                default: null,
              },
              { name: 'clientId', type: 'string', versions: '0+' },
              { name: 'clientHost', type: 'string', versions: '0+' },
              { name: 'memberMetadata', type: 'bytes', versions: '0+' },
              { name: 'memberAssignment', type: 'bytes', versions: '0+' },
            ],
          },
          { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
        ],
      },
    ],
  },
};
