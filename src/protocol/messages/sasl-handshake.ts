/**
 * SaslHandshake (API key 17), from apache/kafka 3.9 `SaslHandshakeRequest.json` / `...Response.json`.
 *
 * v0: after the handshake the client sends raw length-prefixed SASL tokens (KIP-43);
 *     kafka-python 2.0.2 uses only this mode.
 * v1: tokens are wrapped in SaslAuthenticate requests (KIP-152).
 */
import type { ApiSpec } from '../schema/types.js';

export const SaslHandshake: ApiSpec = {
  apiKey: 17,
  name: 'SaslHandshake',
  request: {
    apiKey: 17,
    type: 'request',
    name: 'SaslHandshakeRequest',
    validVersions: '0-1',
    flexibleVersions: 'none',
    fields: [{ name: 'mechanism', type: 'string', versions: '0+' }],
  },
  response: {
    apiKey: 17,
    type: 'response',
    name: 'SaslHandshakeResponse',
    validVersions: '0-1',
    flexibleVersions: 'none',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'mechanisms', type: '[]string', versions: '0+' },
    ],
  },
};
