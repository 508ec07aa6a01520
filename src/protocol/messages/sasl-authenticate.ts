/**
 * SaslAuthenticate (API key 36), from apache/kafka 3.9 `SaslAuthenticateRequest.json` / `...Response.json`.
 *
 * v0: SASL tokens framed as Kafka requests (KIP-152).
 * v1: response sessionLifetimeMs for re-authentication (KIP-368). v2: first flexible version.
 * The auth bytes carry credentials and are never logged.
 */
import type { ApiSpec } from '../schema/types.js';

export const SaslAuthenticate: ApiSpec = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  request: {
    apiKey: 36,
    type: 'request',
    name: 'SaslAuthenticateRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [{ name: 'authBytes', type: 'bytes', versions: '0+', sensitive: true }],
  },
  response: {
    apiKey: 36,
    type: 'response',
    name: 'SaslAuthenticateResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'authBytes', type: 'bytes', versions: '0+', sensitive: true },
      { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0n, ignorable: true },
    ],
  },
};
