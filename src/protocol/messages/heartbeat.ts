/**
 * Heartbeat (API key 12), from apache/kafka 3.9 `HeartbeatRequest.json` / `HeartbeatResponse.json`.
 *
 * v1: response throttleTimeMs. v2: responses sent before throttling.
 * v3: groupInstanceId (KIP-345). v4: first flexible version.
 * kafka-python sends v0-v1.
 */
import type { ApiSpec } from '../schema/types.js';

export const Heartbeat: ApiSpec = {
  apiKey: 12,
  name: 'Heartbeat',
  request: {
    apiKey: 12,
    type: 'request',
    name: 'HeartbeatRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+', entityType: 'groupId' },
      { name: 'generationId', type: 'int32', versions: '0+' },
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    ],
  },
  response: {
    apiKey: 12,
    type: 'response',
    name: 'HeartbeatResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      { name: 'errorCode', type: 'int16', versions: '0+' },
    ],
  },
};
