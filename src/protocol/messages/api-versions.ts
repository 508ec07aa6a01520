/**
 * ApiVersions (API key 18), from apache/kafka 3.9 `ApiVersionsRequest.json` / `ApiVersionsResponse.json`.
 *
 * v1: response throttleTimeMs. v2: responses sent before throttling.
 * v3: first flexible version; clientSoftwareName/Version (KIP-511); feature tagged fields (KIP-584);
 *     zkMigrationReady (KIP-866).
 * v4: SupportedFeatures.minVersion may be 0 (KAFKA-17011).
 * Since Kafka 2.4 (KIP-511) an UNSUPPORTED_VERSION answer still lists ApiVersions' own range.
 *
 * The response header is always v0 (no tagged fields), even for flexible versions: "Tagged fields are
 * only supported in the body but not in the header", so that old clients can read the header of any
 * answer. The header code, not this schema, handles that.
 * kafka-python sends v0 only; librdkafka tries v3 then falls back.
 */
import type { ApiSpec } from '../schema/types.js';

export const ApiVersions: ApiSpec = {
  apiKey: 18,
  name: 'ApiVersions',
  request: {
    apiKey: 18,
    type: 'request',
    name: 'ApiVersionsRequest',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'clientSoftwareName', type: 'string', versions: '3+', ignorable: true },
      { name: 'clientSoftwareVersion', type: 'string', versions: '3+', ignorable: true },
    ],
  },
  response: {
    apiKey: 18,
    type: 'response',
    name: 'ApiVersionsResponse',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'apiKeys',
        type: '[]ApiVersion',
        versions: '0+',
        fields: [
          { name: 'apiKey', type: 'int16', versions: '0+' },
          { name: 'minVersion', type: 'int16', versions: '0+' },
          { name: 'maxVersion', type: 'int16', versions: '0+' },
        ],
      },
      { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
      {
        name: 'supportedFeatures',
        type: '[]SupportedFeatureKey',
        versions: '3+',
        taggedVersions: '3+',
        tag: 0,
        ignorable: true,
        fields: [
          { name: 'name', type: 'string', versions: '3+' },
          { name: 'minVersion', type: 'int16', versions: '3+' },
          { name: 'maxVersion', type: 'int16', versions: '3+' },
        ],
      },
      {
        name: 'finalizedFeaturesEpoch',
        type: 'int64',
        versions: '3+',
        taggedVersions: '3+',
        tag: 1,
        default: -1n,
        ignorable: true,
      },
      {
        name: 'finalizedFeatures',
        type: '[]FinalizedFeatureKey',
        versions: '3+',
        taggedVersions: '3+',
        tag: 2,
        ignorable: true,
        fields: [
          { name: 'name', type: 'string', versions: '3+' },
          { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
          { name: 'minVersionLevel', type: 'int16', versions: '3+' },
        ],
      },
      {
        name: 'zkMigrationReady',
        type: 'bool',
        versions: '3+',
        taggedVersions: '3+',
        tag: 3,
        ignorable: true,
        default: false,
      },
    ],
  },
};
