/**
 * DescribeConfigs (API key 32), from apache/kafka 3.9 `DescribeConfigsRequest.json` / `...Response.json`.
 *
 * v1: includeSynonyms; response configSource and synonyms replace isDefault (KIP-226).
 * v2: responses sent before throttling. v3: includeDocumentation; response configType and
 *     documentation (KIP-569). v4: first flexible version.
 * v0 is deprecated in 3.9 (KIP-896); kafka-python admin sends up to v2.
 */
import type { ApiSpec } from '../schema/types.js';

export const DescribeConfigs: ApiSpec = {
  apiKey: 32,
  name: 'DescribeConfigs',
  request: {
    apiKey: 32,
    type: 'request',
    name: 'DescribeConfigsRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      {
        name: 'resources',
        type: '[]DescribeConfigsResource',
        versions: '0+',
        fields: [
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          { name: 'configurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
        ],
      },
      { name: 'includeSynonyms', type: 'bool', versions: '1+', default: false, ignorable: false },
      { name: 'includeDocumentation', type: 'bool', versions: '3+', default: false, ignorable: false },
    ],
  },
  response: {
    apiKey: 32,
    type: 'response',
    name: 'DescribeConfigsResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]DescribeConfigsResult',
        versions: '0+',
        fields: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          {
            name: 'configs',
            type: '[]DescribeConfigsResourceResult',
            versions: '0+',
            fields: [
              { name: 'name', type: 'string', versions: '0+' },
              { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
              { name: 'readOnly', type: 'bool', versions: '0+' },
              { name: 'isDefault', type: 'bool', versions: '0' },
              { name: 'configSource', type: 'int8', versions: '1+', default: -1, ignorable: true },
              { name: 'isSensitive', type: 'bool', versions: '0+' },
              {
                name: 'synonyms',
                type: '[]DescribeConfigsSynonym',
                versions: '1+',
                ignorable: true,
                fields: [
                  { name: 'name', type: 'string', versions: '1+' },
                  { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                  { name: 'source', type: 'int8', versions: '1+' },
                ],
              },
              { name: 'configType', type: 'int8', versions: '3+', default: 0, ignorable: true },
              {
                name: 'documentation',
                type: 'string',
                versions: '3+',
                nullableVersions: '0+',
                ignorable: true,
              },
            ],
          },
        ],
      },
    ],
  },
};
