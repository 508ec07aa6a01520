/**
 * DeleteAcls (API key 31), from apache/kafka 3.9 `DeleteAclsRequest.json` / `DeleteAclsResponse.json`.
 *
 * v1: patternTypeFilter / patternType for prefixed ACLs (KIP-290).
 * v2: first flexible version. v3: USER resource type (KIP-373).
 * v0 is deprecated in 3.9 (KIP-896).
 */
import type { ApiSpec } from '../schema/types.js';

export const DeleteAcls: ApiSpec = {
  apiKey: 31,
  name: 'DeleteAcls',
  request: {
    apiKey: 31,
    type: 'request',
    name: 'DeleteAclsRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      {
        name: 'filters',
        type: '[]DeleteAclsFilter',
        versions: '0+',
        fields: [
          { name: 'resourceTypeFilter', type: 'int8', versions: '0+' },
          { name: 'resourceNameFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'patternTypeFilter', type: 'int8', versions: '1+', default: 3, ignorable: false },
          { name: 'principalFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'hostFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'operation', type: 'int8', versions: '0+' },
          { name: 'permissionType', type: 'int8', versions: '0+' },
        ],
      },
    ],
  },
  response: {
    apiKey: 31,
    type: 'response',
    name: 'DeleteAclsResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'filterResults',
        type: '[]DeleteAclsFilterResult',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
          {
            name: 'matchingAcls',
            type: '[]DeleteAclsMatchingAcl',
            versions: '0+',
            fields: [
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
              { name: 'resourceType', type: 'int8', versions: '0+' },
              { name: 'resourceName', type: 'string', versions: '0+' },
              { name: 'patternType', type: 'int8', versions: '1+', default: 3, ignorable: false },
              { name: 'principal', type: 'string', versions: '0+' },
              { name: 'host', type: 'string', versions: '0+' },
              { name: 'operation', type: 'int8', versions: '0+' },
              { name: 'permissionType', type: 'int8', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
