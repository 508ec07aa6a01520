/**
 * CreateAcls (API key 30), from apache/kafka 3.9 `CreateAclsRequest.json` / `CreateAclsResponse.json`.
 *
 * v1: resourcePatternType for prefixed ACLs (KIP-290).
 * v2: first flexible version. v3: USER resource type (KIP-373).
 * v0 is deprecated in 3.9 (KIP-896).
 */
import type { ApiSpec } from '../schema/types.js';

export const CreateAcls: ApiSpec = {
  apiKey: 30,
  name: 'CreateAcls',
  request: {
    apiKey: 30,
    type: 'request',
    name: 'CreateAclsRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      {
        name: 'creations',
        type: '[]AclCreation',
        versions: '0+',
        fields: [
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          { name: 'resourcePatternType', type: 'int8', versions: '1+', default: 3 },
          { name: 'principal', type: 'string', versions: '0+' },
          { name: 'host', type: 'string', versions: '0+' },
          { name: 'operation', type: 'int8', versions: '0+' },
          { name: 'permissionType', type: 'int8', versions: '0+' },
        ],
      },
    ],
  },
  response: {
    apiKey: 30,
    type: 'response',
    name: 'CreateAclsResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]AclCreationResult',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', ignorable: true },
        ],
      },
    ],
  },
};
