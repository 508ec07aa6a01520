/**
 * AlterUserScramCredentials (API key 51), from apache/kafka 3.9
 * `AlterUserScramCredentialsRequest.json` / `...Response.json` (KIP-554). v0 only, flexible.
 * Upsertions carry the salted password (the client runs PBKDF2), never the password.
 */
import type { ApiSpec } from '../schema/types.js';

export const AlterUserScramCredentials: ApiSpec = {
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  request: {
    apiKey: 51,
    type: 'request',
    name: 'AlterUserScramCredentialsRequest',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      {
        name: 'deletions',
        type: '[]ScramCredentialDeletion',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'mechanism', type: 'int8', versions: '0+' },
        ],
      },
      {
        name: 'upsertions',
        type: '[]ScramCredentialUpsertion',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'mechanism', type: 'int8', versions: '0+' },
          { name: 'iterations', type: 'int32', versions: '0+' },
          { name: 'salt', type: 'bytes', versions: '0+' },
          { name: 'saltedPassword', type: 'bytes', versions: '0+', sensitive: true },
        ],
      },
    ],
  },
  response: {
    apiKey: 51,
    type: 'response',
    name: 'AlterUserScramCredentialsResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        type: '[]AlterUserScramCredentialsResult',
        versions: '0+',
        fields: [
          { name: 'user', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        ],
      },
    ],
  },
};
