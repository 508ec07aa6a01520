/**
 * DescribeUserScramCredentials (API key 50), from apache/kafka 3.9
 * `DescribeUserScramCredentialsRequest.json` / `...Response.json` (KIP-554). v0 only, flexible.
 * A null user list describes every user.
 */
import type { ApiSpec } from '../schema/types.js';

export const DescribeUserScramCredentials: ApiSpec = {
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  request: {
    apiKey: 50,
    type: 'request',
    name: 'DescribeUserScramCredentialsRequest',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      {
        name: 'users',
        type: '[]UserName',
        versions: '0+',
        nullableVersions: '0+',
        fields: [{ name: 'name', type: 'string', versions: '0+' }],
      },
    ],
  },
  response: {
    apiKey: 50,
    type: 'response',
    name: 'DescribeUserScramCredentialsResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      {
        name: 'results',
        type: '[]DescribeUserScramCredentialsResult',
        versions: '0+',
        fields: [
          { name: 'user', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          {
            name: 'credentialInfos',
            type: '[]CredentialInfo',
            versions: '0+',
            fields: [
              { name: 'mechanism', type: 'int8', versions: '0+' },
              { name: 'iterations', type: 'int32', versions: '0+' },
            ],
          },
        ],
      },
    ],
  },
};
