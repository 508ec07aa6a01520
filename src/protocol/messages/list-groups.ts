/**
 * ListGroups (API key 16), from apache/kafka 3.9 `ListGroupsRequest.json` / `ListGroupsResponse.json`.
 *
 * v1: response throttleTimeMs. v2: responses sent before throttling. v3: first flexible version.
 * v4: statesFilter and groupState (KIP-518). v5: typesFilter and groupType (KIP-848).
 */
import type { ApiSpec } from '../schema/types.js';

export const ListGroups: ApiSpec = {
  apiKey: 16,
  name: 'ListGroups',
  request: {
    apiKey: 16,
    type: 'request',
    name: 'ListGroupsRequest',
    validVersions: '0-5',
    flexibleVersions: '3+',
    fields: [
      { name: 'statesFilter', type: '[]string', versions: '4+' },
      { name: 'typesFilter', type: '[]string', versions: '5+' },
    ],
  },
  response: {
    apiKey: 16,
    type: 'response',
    name: 'ListGroupsResponse',
    validVersions: '0-5',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'groups',
        type: '[]ListedGroup',
        versions: '0+',
        fields: [
          { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'groupState', type: 'string', versions: '4+', ignorable: true },
          { name: 'groupType', type: 'string', versions: '5+', ignorable: true },
        ],
      },
    ],
  },
};
