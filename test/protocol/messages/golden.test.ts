/**
 * Golden bytes for message schemas: each expected buffer is written out by hand from Kafka's spec
 * (or captured from kcat, under test/protocol/fixtures), then checked against decode and encode.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeMessage, encodeMessage, isFlexibleVersion } from '../../../src/protocol/codec.js';
import {
  decodeRequestHeader,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
} from '../../../src/protocol/header.js';
import {
  API_SPECS,
  ApiVersions,
  CreateTopics,
  ElectLeaders,
  Fetch,
  Metadata,
  Produce,
} from '../../../src/protocol/messages/index.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ZERO_UUID = Buffer.alloc(16);

/** Fixtures live in the source tree; tests run from dist/test/..., so walk back to the repository root. */
function fixture(name: string): Buffer {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${path.sep}dist${path.sep}`)
    ? path.join(here, '..', '..', '..', '..')
    : path.join(here, '..', '..', '..');
  return hex(fs.readFileSync(path.join(root, 'test', 'protocol', 'fixtures', name), 'utf8'));
}

function requestIsFlexible(apiKey: number, apiVersion: number): boolean {
  return isFlexibleVersion(API_SPECS.get(apiKey)!.request, apiVersion);
}

/** Prefixes a frame body with its int32 size, as on the wire. */
function sized(frame: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length);
  return Buffer.concat([size, frame]);
}

describe('Metadata', () => {
  // v1: Topics is a nullable INT32-length array of { Name: INT16-length string }.
  const oneTopicV1 = hex('00000001 0003 666f6f');

  test('v1 request for one topic', () => {
    const { value, offset } = decodeMessage(Metadata.request, 1, oneTopicV1);
    assert.equal(offset, oneTopicV1.length);
    assert.deepEqual(value, {
      topics: [{ topicId: ZERO_UUID, name: 'foo' }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    assert.deepEqual(encodeMessage(Metadata.request, 1, { topics: [{ name: 'foo' }] }), oneTopicV1);
  });

  test('v1 request with a null topic array asks for all topics', () => {
    const allTopics = hex('ffffffff');
    assert.equal(decodeMessage(Metadata.request, 1, allTopics).value.topics, null);
    assert.deepEqual(encodeMessage(Metadata.request, 1, { topics: null }), allTopics);
  });

  test('v4 request captured from kcat (librdkafka 2.0.2)', () => {
    const frame = fixture('kcat-metadata-v4-request.hex');
    const { header, bodyOffset } = decodeRequestHeader(frame, requestIsFlexible);
    assert.deepEqual(header, { apiKey: 3, apiVersion: 4, correlationId: 2, clientId: 'rdkafka' });
    const { value, offset } = decodeMessage(Metadata.request, 4, frame, bodyOffset);
    assert.equal(offset, frame.length);
    assert.deepEqual(value.topics, [{ topicId: ZERO_UUID, name: 'samsa-golden' }]);
    assert.equal(value.allowAutoTopicCreation, true);
    const encoded = encodeRequestFrame(
      Metadata.request,
      4,
      { correlationId: 2, clientId: 'rdkafka' },
      { topics: [{ name: 'samsa-golden' }], allowAutoTopicCreation: true },
    );
    assert.deepEqual(encoded, sized(frame));
  });

  test('v1 response: brokers, controller, topic with one partition', () => {
    const bytes = hex(
      [
        '00000001', // brokers: 1
        '00000001 0009 6c6f63616c686f7374 00002384 ffff', // nodeId 1, "localhost", 9092, rack null
        '00000001', // controllerId 1
        '00000001', // topics: 1
        '0000 0003 666f6f 00', // errorCode 0, "foo", isInternal false
        '00000001 0000 00000000 00000001', // partitions: 1 — errorCode 0, index 0, leader 1
        '00000001 00000001', // replicaNodes [1]
        '00000001 00000001', // isrNodes [1]
      ].join(''),
    );
    const value = {
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'foo',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }],
        },
      ],
    };
    assert.deepEqual(encodeMessage(Metadata.response, 1, value), bytes);
    const decoded = decodeMessage(Metadata.response, 1, bytes).value;
    assert.deepEqual(decoded.brokers, value.brokers);
    assert.equal(decoded.clusterId, null); // v2+ only: takes its default
    assert.deepEqual(decoded.topics[0].partitions[0].replicaNodes, [1]);
    assert.deepEqual(decoded.topics[0].partitions[0].offlineReplicas, []);
  });
});

describe('ApiVersions', () => {
  test('v0 response: error code and api keys, no throttle time', () => {
    const bytes = hex('0000 00000002 0000 0000 000b 0012 0000 0004');
    const value = {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 0, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    };
    assert.deepEqual(encodeMessage(ApiVersions.response, 0, value), bytes);
    const decoded = decodeMessage(ApiVersions.response, 0, bytes).value;
    assert.deepEqual(decoded.apiKeys, value.apiKeys);
    assert.equal(decoded.errorCode, 0);
  });

  test('v3 request captured from kcat: compact client software name and version', () => {
    const frame = fixture('kcat-api-versions-v3-request.hex');
    const { header, bodyOffset } = decodeRequestHeader(frame, requestIsFlexible);
    assert.deepEqual(header, { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    const { value, offset } = decodeMessage(ApiVersions.request, 3, frame, bodyOffset);
    assert.equal(offset, frame.length);
    assert.deepEqual(value, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  test('v3 response: FinalizedFeaturesEpoch as tag 1, behind a v0 response header', () => {
    const body = hex(
      [
        '0000', // errorCode
        '02 0012 0000 0004 00', // apiKeys: compact length 1+1, entry, entry tagged fields
        '00000000', // throttleTimeMs
        '01 01 08 0000000000000005', // 1 tagged field: tag 1, 8 bytes, epoch 5
      ].join(''),
    );
    const value = {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      throttleTimeMs: 0,
      finalizedFeaturesEpoch: 5n,
    };
    assert.deepEqual(encodeMessage(ApiVersions.response, 3, value), body);
    assert.deepEqual(decodeMessage(ApiVersions.response, 3, body).value, {
      ...value,
      supportedFeatures: [],
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
    // Response header v0: correlation id only, no tagged-field byte, even though v3 is flexible.
    const frame = encodeResponseFrame(ApiVersions.response, 3, 42, value);
    assert.deepEqual(frame, sized(Buffer.concat([hex('0000002a'), body])));
    assert.equal(decodeResponseFrame(ApiVersions.response, 3, frame.subarray(4)).correlationId, 42);
  });
});

describe('Produce', () => {
  test('v3 request frame: header v1, null transactional id, records blob kept as bytes', () => {
    const records = Buffer.from('abcd');
    const frame = hex(
      [
        '0000 0003 00000007 0002 6b70', // header v1: Produce v3, correlation 7, client "kp"
        'ffff', // transactionalId null
        'ffff', // acks -1
        '00007530', // timeoutMs 30000
        '00000001 0003 666f6f', // topicData: 1, "foo"
        '00000001 00000000', // partitionData: 1, index 0
        '00000004 61626364', // records: INT32 length 4, "abcd"
      ].join(''),
    );
    const { header, bodyOffset } = decodeRequestHeader(frame, requestIsFlexible);
    assert.deepEqual(header, { apiKey: 0, apiVersion: 3, correlationId: 7, clientId: 'kp' });
    const { value, offset } = decodeMessage(Produce.request, 3, frame, bodyOffset);
    assert.equal(offset, frame.length);
    assert.equal(value.transactionalId, null);
    assert.equal(value.acks, -1);
    assert.equal(value.timeoutMs, 30000);
    assert.equal(value.topicData[0].name, 'foo');
    assert.equal(value.topicData[0].partitionData[0].index, 0);
    assert.deepEqual(value.topicData[0].partitionData[0].records, records);

    const body = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'foo', partitionData: [{ index: 0, records }] }],
    };
    assert.deepEqual(
      encodeRequestFrame(Produce.request, 3, { correlationId: 7, clientId: 'kp' }, body),
      sized(frame),
    );
  });

  test('v8 response: per-partition record errors and error message', () => {
    const bytes = hex(
      [
        '00000001 0003 666f6f', // responses: 1, "foo"
        '00000001 00000000 0000', // partitionResponses: 1, index 0, errorCode 0
        '000000000000000a ffffffffffffffff 0000000000000000', // baseOffset 10, logAppendTimeMs -1, logStartOffset 0
        '00000000 ffff', // recordErrors: none; errorMessage null
        '00000000', // throttleTimeMs
      ].join(''),
    );
    const value = {
      responses: [
        {
          name: 'foo',
          partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 10n, logStartOffset: 0n }],
        },
      ],
    };
    assert.deepEqual(encodeMessage(Produce.response, 8, value), bytes);
    const p = decodeMessage(Produce.response, 8, bytes).value.responses[0].partitionResponses[0];
    assert.equal(p.baseOffset, 10n);
    assert.equal(p.logAppendTimeMs, -1n);
    assert.equal(p.errorMessage, null);
  });
});

describe('Fetch', () => {
  test('v4 request, the layout kafka-python sends', () => {
    const bytes = hex(
      [
        'ffffffff', // replicaId -1 (consumer)
        '000001f4 00000001 03200000', // maxWaitMs 500, minBytes 1, maxBytes 50 MiB
        '00', // isolationLevel READ_UNCOMMITTED
        '00000001 0003 666f6f', // topics: 1, "foo"
        '00000001 00000002 000000000000002a 00100000', // partitions: 1 — partition 2, offset 42, 1 MiB
      ].join(''),
    );
    const { value, offset } = decodeMessage(Fetch.request, 4, bytes);
    assert.equal(offset, bytes.length);
    assert.equal(value.replicaId, -1);
    assert.equal(value.maxWaitMs, 500);
    assert.equal(value.maxBytes, 52428800);
    assert.equal(value.isolationLevel, 0);
    assert.deepEqual(value.topics[0].partitions[0], {
      partition: 2,
      currentLeaderEpoch: -1,
      fetchOffset: 42n,
      lastFetchedEpoch: -1,
      logStartOffset: -1n,
      partitionMaxBytes: 1048576,
      replicaDirectoryId: ZERO_UUID,
    });
    assert.equal(value.topics[0].topic, 'foo');
    assert.deepEqual(encodeMessage(Fetch.request, 4, value), bytes);
  });

  test('v12 request: clusterId travels as tag 0 of the message', () => {
    const bytes = hex(
      [
        'ffffffff 000001f4 00000001 7fffffff 00', // replicaId, maxWaitMs, minBytes, maxBytes, isolation
        '00000000 ffffffff', // sessionId 0, sessionEpoch -1
        '01', // topics: empty compact array
        '01', // forgottenTopicsData: empty
        '01', // rackId: "" (compact length 0+1)
        '01 00 04 04 6b3130', // tagged: 1 field, tag 0, 4 bytes, compact "k10" (length 3+1)
      ].join(''),
    );
    const value = {
      clusterId: 'k10',
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      sessionEpoch: -1,
      topics: [],
      forgottenTopicsData: [],
    };
    assert.deepEqual(encodeMessage(Fetch.request, 12, value), bytes);
    const decoded = decodeMessage(Fetch.request, 12, bytes).value;
    assert.equal(decoded.clusterId, 'k10');
    assert.equal(decoded.maxBytes, 0x7fffffff);
  });
});

describe('CreateTopics', () => {
  test('v5 request: compact strings and arrays, tagged-field sections at every level', () => {
    const bytes = hex(
      [
        '02', // topics: compact length 1+1
        '04 666f6f', // name "foo"
        '00000003 0001', // numPartitions 3, replicationFactor 1
        '01', // assignments: empty
        '02 0f 636c65616e75702e706f6c696379 08 636f6d70616374 00', // configs: cleanup.policy=compact
        '00', // topic tagged fields
        '0000ea60 00', // timeoutMs 60000, validateOnly false
        '00', // message tagged fields
      ].join(''),
    );
    const value = {
      topics: [
        {
          name: 'foo',
          numPartitions: 3,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      timeoutMs: 60000,
      validateOnly: false,
    };
    assert.deepEqual(encodeMessage(CreateTopics.request, 5, value), bytes);
    assert.deepEqual(decodeMessage(CreateTopics.request, 5, bytes).value, value);
  });

  test('v5 response: topicConfigErrorCode is tag 0 of the topic result', () => {
    const bytes = hex(
      [
        '00000000', // throttleTimeMs
        '02 04 666f6f 0000 00', // topics: 1 — "foo", errorCode 0, errorMessage null
        '00000003 0001', // numPartitions 3, replicationFactor 1
        '00', // configs: null
        '01 00 02 0029', // tagged: tag 0, 2 bytes, topicConfigErrorCode 41
        '00', // message tagged fields
      ].join(''),
    );
    const value = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'foo',
          errorCode: 0,
          errorMessage: null,
          topicConfigErrorCode: 41,
          numPartitions: 3,
          replicationFactor: 1,
          configs: null,
        },
      ],
    };
    assert.deepEqual(encodeMessage(CreateTopics.response, 5, value), bytes);
    const topic = decodeMessage(CreateTopics.response, 5, bytes).value.topics[0];
    assert.equal(topic.topicConfigErrorCode, 41);
    assert.equal(topic.configs, null);
    assert.deepEqual(topic.topicId, ZERO_UUID);
  });
});

describe('ElectLeaders', () => {
  test('v1 request: election type, then a nullable topic array of partition ids', () => {
    const bytes = hex(
      [
        '01', // electionType 1 (unclean)
        '00000001 0001 74', // topicPartitions: 1 — "t"
        '00000002 00000000 00000003', // partitionId [0, 3]
        '0000ea60', // timeoutMs 60000
      ].join(''),
    );
    const value = {
      electionType: 1,
      topicPartitions: [{ topic: 't', partitionId: [0, 3] }],
      timeoutMs: 60_000,
    };
    assert.deepEqual(decodeMessage(ElectLeaders.request, 1, bytes).value, value);
    assert.deepEqual(encodeMessage(ElectLeaders.request, 1, value), bytes);
    const all = hex('00 ffffffff 0000ea60');
    assert.equal(decodeMessage(ElectLeaders.request, 1, all).value.topicPartitions, null);
  });

  test('v2 response: top-level error code, compact arrays and nullable messages, tagged fields', () => {
    const bytes = hex(
      [
        '00000000 0000', // throttleTimeMs 0, errorCode 0
        '02 0274', // replicaElectionResults: 1 — "t"
        '03', // partitionResult: 2
        '00000000 0000 00 00', // partition 0, NONE, message null, tags
        '00000001 0054 03 6e6f 00', // partition 1, ELECTION_NOT_NEEDED (84), "no", tags
        '00 00', // topic tags, message tags
      ].join(''),
    );
    const value = {
      throttleTimeMs: 0,
      errorCode: 0,
      replicaElectionResults: [
        {
          topic: 't',
          partitionResult: [
            { partitionId: 0, errorCode: 0, errorMessage: null },
            { partitionId: 1, errorCode: 84, errorMessage: 'no' },
          ],
        },
      ],
    };
    assert.deepEqual(decodeMessage(ElectLeaders.response, 2, bytes).value, value);
    assert.deepEqual(encodeMessage(ElectLeaders.response, 2, value), bytes);
  });
});
