/**
 * AlterClientQuotas (API key 49), from apache/kafka 3.9 `AlterClientQuotasRequest.json` /
 * `AlterClientQuotasResponse.json` (KIP-546).
 *
 * v1: first flexible version.
 */
import type { ApiSpec } from '../schema/types.js';

const ENTITY = {
  name: 'entity',
  type: '[]EntityData',
  versions: '0+',
  fields: [
    { name: 'entityType', type: 'string', versions: '0+' },
    { name: 'entityName', type: 'string', versions: '0+', nullableVersions: '0+' },
  ],
} as const;

export const AlterClientQuotas: ApiSpec = {
  apiKey: 49,
  name: 'AlterClientQuotas',
  request: {
    apiKey: 49,
    type: 'request',
    name: 'AlterClientQuotasRequest',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      {
        name: 'entries',
        type: '[]EntryData',
        versions: '0+',
        fields: [
          ENTITY,
          {
            name: 'ops',
            type: '[]OpData',
            versions: '0+',
            fields: [
              { name: 'key', type: 'string', versions: '0+' },
              { name: 'value', type: 'float64', versions: '0+' },
              { name: 'remove', type: 'bool', versions: '0+' },
            ],
          },
        ],
      },
      { name: 'validateOnly', type: 'bool', versions: '0+' },
    ],
  },
  response: {
    apiKey: 49,
    type: 'response',
    name: 'AlterClientQuotasResponse',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'entries',
        type: '[]EntryData',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ENTITY,
        ],
      },
    ],
  },
};
