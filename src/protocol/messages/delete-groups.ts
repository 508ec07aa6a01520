/**
 * DeleteGroups (API key 42), from apache/kafka 3.9 `DeleteGroupsRequest.json` / `DeleteGroupsResponse.json`.
 *
 * v1: responses sent before throttling. v2: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

export const DeleteGroups: ApiSpec = {
  apiKey: 42,
  name: 'DeleteGroups',
  request: {
    apiKey: 42,
    type: 'request',
    name: 'DeleteGroupsRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [{ name: 'groupsNames', type: '[]string', versions: '0+', entityType: 'groupId' }],
  },
  response: {
    apiKey: 42,
    type: 'response',
    name: 'DeleteGroupsResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]DeletableGroupResult',
        versions: '0+',
        fields: [
          { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
        ],
      },
    ],
  },
};
