import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { decodeMessage, encodeMessage, isFlexibleVersion } from '../../src/protocol/codec.js';
import {
  decodeRequestHeader,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  responseHeaderIsFlexible,
} from '../../src/protocol/header.js';
import { ProtocolDecodeError } from '../../src/protocol/primitives/reader.js';
import type { MessageSpec } from '../../src/protocol/schema/types.js';

/**
 * Frames captured from kcat 1.7.1 (librdkafka 2.0.2) running `kcat -L -t samsa-golden` against a
 * listener on a random local port: hex of each frame after its int32 size prefix.
 */
function fixture(name: string): Buffer {
  const url = new URL(`../../../test/protocol/fixtures/${name}`, import.meta.url);
  return Buffer.from(readFileSync(url, 'utf8').trim(), 'hex');
}

const withSize = (frame: Buffer) => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length);
  return Buffer.concat([size, frame]);
};

// Minimal local copies of Kafka's ApiVersionsRequest.json / MetadataRequest.json (the parts used here).
const ApiVersionsRequest: MessageSpec = {
  apiKey: 18,
  type: 'request',
  name: 'ApiVersionsRequest',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+' },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+' },
  ],
};

const ApiVersionsResponse: MessageSpec = {
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
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'finalizedFeaturesEpoch',
      type: 'int64',
      versions: '3+',
      taggedVersions: '3+',
      tag: 1,
      default: -1n,
    },
  ],
};

const MetadataRequest: MessageSpec = {
  apiKey: 3,
  type: 'request',
  name: 'MetadataRequest',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'topics',
      type: '[]MetadataRequestTopic',
      versions: '0+',
      nullableVersions: '1+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
      ],
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
};

const specs = new Map([
  [18, ApiVersionsRequest],
  [3, MetadataRequest],
]);
const isFlexible = (apiKey: number, apiVersion: number) => {
  const spec = specs.get(apiKey);
  return spec !== undefined && isFlexibleVersion(spec, apiVersion);
};

describe('golden frames from librdkafka 2.0.2', () => {
  test('ApiVersions v3 request: header v2 and a flexible body', () => {
    const frame = fixture('kcat-api-versions-v3-request.hex');
    const { header, bodyOffset } = decodeRequestHeader(frame, isFlexible);
    assert.deepEqual(header, { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    // int16 key, int16 version, int32 correlation id, int16-length "rdkafka", empty tag section
    assert.equal(bodyOffset, 2 + 2 + 4 + 2 + 7 + 1);
    const { value, offset } = decodeMessage(ApiVersionsRequest, 3, frame, bodyOffset);
    assert.deepEqual(value, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    assert.equal(offset, frame.length);
  });

  test('ApiVersions v3 request encodes to the bytes librdkafka sends', () => {
    const frame = fixture('kcat-api-versions-v3-request.hex');
    const encoded = encodeRequestFrame(
      ApiVersionsRequest,
      3,
      { correlationId: 1, clientId: 'rdkafka' },
      { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' },
    );
    assert.deepEqual(encoded, withSize(frame));
  });

  test('Metadata v4 request: header v1 and a non-flexible body', () => {
    const frame = fixture('kcat-metadata-v4-request.hex');
    const { header, bodyOffset } = decodeRequestHeader(frame, isFlexible);
    assert.deepEqual(header, {
      apiKey: ApiKey.Metadata,
      apiVersion: 4,
      correlationId: 2,
      clientId: 'rdkafka',
    });
    assert.equal(bodyOffset, 2 + 2 + 4 + 2 + 7);
    const { value, offset } = decodeMessage(MetadataRequest, 4, frame, bodyOffset);
    assert.equal(offset, frame.length);
    assert.deepEqual(
      value.topics.map((t: { name: string }) => t.name),
      ['samsa-golden'],
    );
    assert.equal(value.allowAutoTopicCreation, true);
    assert.equal(value.includeTopicAuthorizedOperations, false);
    const encoded = encodeRequestFrame(MetadataRequest, 4, header, {
      topics: [{ name: 'samsa-golden' }],
      allowAutoTopicCreation: true,
    });
    assert.deepEqual(encoded, withSize(frame));
  });

  test('the ApiVersions v3 response librdkafka accepted: header v0 even though the body is flexible', () => {
    const body = {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 0, maxVersion: 9 },
        { apiKey: 1, minVersion: 0, maxVersion: 12 },
        { apiKey: 2, minVersion: 0, maxVersion: 7 },
        { apiKey: 3, minVersion: 0, maxVersion: 12 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
      throttleTimeMs: 0,
    };
    const frame = encodeResponseFrame(ApiVersionsResponse, 3, 1, body);
    const expected =
      '0000002f' + // size: 4 + 2 + 1 + 5 * 7 + 4 + 1
      '00000001' + // correlation id, no header tag section
      '0000' + // error code
      '06' + // compact array of 5
      '0000000000090000010000000c0000020000000700000300000' +
      '00c00001200000003000000000000';
    assert.equal(frame.toString('hex'), expected);
    const decoded = decodeResponseFrame(ApiVersionsResponse, 3, frame.subarray(4));
    assert.equal(decoded.correlationId, 1);
    assert.deepEqual(decoded.body, { ...body, finalizedFeaturesEpoch: -1n });
  });
});

describe('headers', () => {
  test('response header v1 carries a tag section for flexible bodies except ApiVersions', () => {
    assert.equal(responseHeaderIsFlexible(ApiKey.ApiVersions, true), false);
    assert.equal(responseHeaderIsFlexible(ApiKey.Metadata, true), true);
    assert.equal(responseHeaderIsFlexible(ApiKey.Metadata, false), false);
    const MetadataV9Response: MessageSpec = {
      apiKey: 3,
      type: 'response',
      name: 'MetadataResponse',
      validVersions: '9',
      flexibleVersions: '9+',
      fields: [{ name: 'throttleTimeMs', type: 'int32', versions: '0+' }],
    };
    const frame = encodeResponseFrame(MetadataV9Response, 9, 7, { throttleTimeMs: 5 });
    assert.equal(frame.toString('hex'), '0000000a' + '00000007' + '00' + '00000005' + '00');
    assert.deepEqual(decodeResponseFrame(MetadataV9Response, 9, frame.subarray(4)), {
      correlationId: 7,
      body: { throttleTimeMs: 5 },
    });
  });

  test('request header v2 skips unknown tagged fields; a null client id is allowed', () => {
    const frame = Buffer.from(
      '0012000300000009' + 'ffff' + '01 05 02 aabb'.replace(/ /g, '') + '0100',
      'hex',
    );
    const { header, bodyOffset } = decodeRequestHeader(frame, isFlexible);
    assert.deepEqual(header, { apiKey: 18, apiVersion: 3, correlationId: 9, clientId: null });
    assert.equal(bodyOffset, frame.length - 2);
  });

  test('ControlledShutdown v0 uses request header v0, without a client id', () => {
    const frame = Buffer.from('0007000000000003abcd', 'hex');
    const { header, bodyOffset } = decodeRequestHeader(frame, () => false);
    assert.deepEqual(header, { apiKey: 7, apiVersion: 0, correlationId: 3, clientId: null });
    assert.equal(bodyOffset, 8);
  });

  test('a truncated header is a ProtocolDecodeError', () => {
    const frame = fixture('kcat-api-versions-v3-request.hex');
    for (let n = 0; n < 18; n++) {
      assert.throws(
        () => decodeRequestHeader(frame.subarray(0, n), isFlexible),
        ProtocolDecodeError,
        String(n),
      );
    }
  });

  test('request frames take the api key and version from the spec', () => {
    const encoded = encodeRequestFrame(ApiVersionsRequest, 0, { correlationId: 5, clientId: null }, {});
    assert.equal(encoded.toString('hex'), '0000000a' + '0012' + '0000' + '00000005' + 'ffff');
    assert.throws(
      () => encodeRequestFrame(ApiVersionsRequest, 0, { apiKey: 3, correlationId: 5, clientId: null }, {}),
      TypeError,
    );
    assert.equal(encodeMessage(ApiVersionsRequest, 0, {}).length, 0);
  });
});
