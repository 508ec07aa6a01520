import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  isFlexibleVersion,
  UnsupportedVersionError,
} from '../../src/protocol/codec.js';
import { ProtocolDecodeError } from '../../src/protocol/primitives/reader.js';
import type { MessageSpec } from '../../src/protocol/schema/types.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** A request shaped like Kafka's: new fields over versions, flexible from v2, tags at two levels. */
const TestRequest: MessageSpec = {
  apiKey: 1000,
  type: 'request',
  name: 'TestRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'int8Field', type: 'int8', versions: '0+' },
    { name: 'name', type: 'string', versions: '0+', nullableVersions: '1+' },
    { name: 'timeoutMs', type: 'int32', versions: '1+', default: -1 },
    { name: 'offset', type: 'int64', versions: '0+', default: '-1' as unknown as bigint },
    {
      name: 'topics',
      type: '[]Topic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
        { name: 'topicTag', type: 'int32', versions: '3+', taggedVersions: '3+', tag: 0 },
      ],
    },
    { name: 'data', type: 'bytes', versions: '0+', nullableVersions: '0+' },
    // Declared before tag 0 on purpose: tags are written in ascending order, not declaration order.
    {
      name: 'clusterId',
      type: 'string',
      versions: '2+',
      nullableVersions: '2+',
      taggedVersions: '2+',
      tag: 1,
      default: null,
    },
    { name: 'throttle', type: 'int32', versions: '2+', taggedVersions: '2+', tag: 0 },
  ],
};

const sample = {
  int8Field: 5,
  name: 'abc',
  timeoutMs: 1000,
  offset: 7n,
  topics: [{ name: 't', partitions: [1, 2] }],
  data: null,
  clusterId: 'c1',
  throttle: 100,
};

const V0_BYTES = '05 0003616263 0000000000000007 00000001 000174 00000002 00000001 00000002 ffffffff';
const V2_BYTES =
  '05 04616263 000003e8 0000000000000007 02 0274 03 00000001 00000002 00 00' +
  ' 02 00 04 00000064 01 03 036331';

describe('codec: fixed and flexible layouts', () => {
  test('v0 writes int16-length strings, int32 arrays and no tag sections; skips later fields', () => {
    assert.equal(encodeMessage(TestRequest, 0, sample).toString('hex'), hex(V0_BYTES).toString('hex'));
  });

  test('v2 writes compact types and tag sections, tags ascending and only when non-default', () => {
    assert.equal(encodeMessage(TestRequest, 2, sample).toString('hex'), hex(V2_BYTES).toString('hex'));
    const untagged = { ...sample, clusterId: null, throttle: 0 };
    const bytes = encodeMessage(TestRequest, 2, untagged);
    assert.equal(bytes[bytes.length - 1], 0, 'empty top-level tag section');
    assert.equal(bytes.length, hex(V2_BYTES).length - 11);
  });

  test('decodes v0, filling fields the version lacks with their defaults', () => {
    const { value, offset } = decodeMessage(TestRequest, 0, hex(V0_BYTES));
    assert.equal(offset, hex(V0_BYTES).length);
    assert.deepEqual(value, {
      int8Field: 5,
      name: 'abc',
      timeoutMs: -1,
      offset: 7n,
      topics: [{ name: 't', partitions: [1, 2], topicTag: 0 }],
      data: null,
      clusterId: null,
      throttle: 0,
    });
  });

  test('decodes v2 including known tagged fields', () => {
    const { value } = decodeMessage(TestRequest, 2, hex(V2_BYTES));
    assert.deepEqual(value, { ...sample, topics: [{ name: 't', partitions: [1, 2], topicTag: 0 }] });
  });

  test('skips unknown tagged fields at the top level and inside structs', () => {
    // Top level gains tag 5 (2 bytes); the topic struct gains tag 9 (1 byte).
    const withUnknown = hex(
      '05 04616263 000003e8 0000000000000007 02 0274 03 00000001 00000002 01 09 01 ff 00' +
        ' 03 00 04 00000064 01 03 036331 05 02 aabb',
    );
    const { value, offset } = decodeMessage(TestRequest, 2, withUnknown);
    assert.equal(offset, withUnknown.length);
    assert.equal(value.clusterId, 'c1');
    assert.equal(value.throttle, 100);
    assert.deepEqual(value.topics[0].partitions, [1, 2]);
  });

  test('tagged fields inside nested structs (v3)', () => {
    const msg = {
      ...sample,
      topics: [{ name: 't', partitions: [], topicTag: 9 }],
      clusterId: null,
      throttle: 0,
    };
    const bytes = encodeMessage(TestRequest, 3, msg);
    assert.equal(
      bytes.toString('hex'),
      hex('05 04616263 000003e8 0000000000000007 02 0274 01 01 00 04 00000009 00 00').toString('hex'),
    );
    assert.equal(decodeMessage(TestRequest, 3, bytes).value.topics[0].topicTag, 9);
  });

  test('a known tagged field whose declared size disagrees with its value is rejected', () => {
    const bad = hex('05 04616263 000003e8 0000000000000007 01 00 01 00 05 00000064 00');
    assert.throws(() => decodeMessage(TestRequest, 2, bad), ProtocolDecodeError);
  });

  test('isFlexibleVersion follows flexibleVersions', () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((v) => isFlexibleVersion(TestRequest, v)),
      [false, false, true, true],
    );
  });
});

describe('codec: nullability and defaults', () => {
  test('null is written as -1 only where the version allows it', () => {
    const bytes = encodeMessage(TestRequest, 1, { ...sample, name: null });
    assert.equal(bytes.subarray(1, 3).toString('hex'), 'ffff');
    assert.equal(decodeMessage(TestRequest, 1, bytes).value.name, null);
    assert.throws(() => encodeMessage(TestRequest, 0, { ...sample, name: null }), TypeError);
    const v0Null = hex('05 ffff 0000000000000007 00000000 ffffffff');
    assert.throws(() => decodeMessage(TestRequest, 0, v0Null), ProtocolDecodeError);
  });

  test('absent fields take the spec default, else null where nullable, else the zero value', () => {
    assert.equal(
      encodeMessage(TestRequest, 1, {}).toString('hex'),
      hex('00 ffff ffffffff ffffffffffffffff 00000000 ffffffff').toString('hex'),
    );
    assert.equal(
      encodeMessage(TestRequest, 0, {}).toString('hex'),
      hex('00 0000 ffffffffffffffff 00000000 ffffffff').toString('hex'),
    );
  });

  test('int64 fields accept numbers as well as bigints', () => {
    const a = encodeMessage(TestRequest, 0, { ...sample, offset: 7 });
    assert.equal(a.toString('hex'), hex(V0_BYTES).toString('hex'));
  });

  test('nullable arrays and nullable structs', () => {
    const spec: MessageSpec = {
      apiKey: 1001,
      type: 'response',
      name: 'NullableResponse',
      validVersions: '0-1',
      flexibleVersions: '1+',
      fields: [
        { name: 'ids', type: '[]int32', versions: '0+', nullableVersions: '0+' },
        {
          name: 'assignment',
          type: 'Assignment',
          versions: '0+',
          nullableVersions: '0+',
          fields: [{ name: 'id', type: 'int8', versions: '0+' }],
        },
      ],
    };
    assert.equal(encodeMessage(spec, 0, { ids: null, assignment: null }).toString('hex'), 'ffffffffff');
    assert.equal(encodeMessage(spec, 1, { ids: null, assignment: null }).toString('hex'), '00ff00');
    const present = encodeMessage(spec, 1, { ids: [7], assignment: { id: 3 } });
    assert.equal(present.toString('hex'), '02000000070103' + '00' + '00');
    assert.deepEqual(decodeMessage(spec, 1, present).value, { ids: [7], assignment: { id: 3 } });
    assert.deepEqual(decodeMessage(spec, 0, hex('ffffffffff')).value, { ids: null, assignment: null });
  });
});

describe('codec: every primitive type', () => {
  const spec: MessageSpec = {
    apiKey: 1002,
    type: 'request',
    name: 'AllTypesRequest',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      { name: 'a', type: 'int16', versions: '0+' },
      { name: 'b', type: 'uint16', versions: '0+' },
      { name: 'c', type: 'uint32', versions: '0+' },
      { name: 'd', type: 'float64', versions: '0+' },
      { name: 'e', type: 'bool', versions: '0+', default: true },
      { name: 'f', type: 'uuid', versions: '0+' },
      { name: 'g', type: '[]string', versions: '0+' },
      { name: 'h', type: 'bytes', versions: '0+' },
    ],
  };
  const value = {
    a: -2,
    b: 65535,
    c: 4000000000,
    d: 0.25,
    e: false,
    f: Buffer.alloc(16, 0xab),
    g: ['x', 'yz'],
    h: Buffer.from([9]),
  };

  test('non-flexible layout', () => {
    const bytes = encodeMessage(spec, 0, value);
    assert.equal(
      bytes.toString('hex'),
      hex(
        `fffe ffff ee6b2800 3fd0000000000000 00 ${'ab'.repeat(16)} 00000002 000178 0002797a 00000001 09`,
      ).toString('hex'),
    );
    assert.deepEqual(decodeMessage(spec, 0, bytes).value, value);
  });

  test('flexible layout and zero values', () => {
    const bytes = encodeMessage(spec, 1, {});
    assert.equal(
      bytes.toString('hex'),
      hex(`0000 0000 00000000 0000000000000000 01 ${'00'.repeat(16)} 01 01 00`).toString('hex'),
    );
    const { value: decoded } = decodeMessage(spec, 1, bytes);
    assert.equal(decoded.e, true);
    assert.deepEqual(decoded.g, []);
    assert.equal(decoded.h.length, 0);
  });
});

describe('codec: records', () => {
  const ProduceLike: MessageSpec = {
    apiKey: 1003,
    type: 'request',
    name: 'ProduceLikeRequest',
    validVersions: '8-9',
    flexibleVersions: '9+',
    fields: [
      { name: 'acks', type: 'int16', versions: '0+' },
      {
        name: 'topicData',
        type: '[]TopicProduceData',
        versions: '0+',
        fields: [
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitionData',
            type: '[]PartitionProduceData',
            versions: '0+',
            fields: [
              { name: 'index', type: 'int32', versions: '0+' },
              { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
            ],
          },
        ],
      },
    ],
  };
  const msg = (records: unknown) => ({
    acks: -1,
    topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
  });

  test('a Buffer and the same bytes as chunks encode identically, behind one length prefix', () => {
    const whole = encodeMessage(ProduceLike, 8, msg(Buffer.from('abcd')));
    const chunks = encodeMessage(
      ProduceLike,
      8,
      msg([Buffer.from('ab'), Buffer.from(''), Buffer.from('cd')]),
    );
    assert.equal(
      whole.toString('hex'),
      hex('ffff 00000001 000174 00000001 00000000 00000004 61626364').toString('hex'),
    );
    assert.deepEqual(chunks, whole);
    const flexible = encodeMessage(ProduceLike, 9, msg([Buffer.from('ab'), Buffer.from('cd')]));
    assert.equal(
      flexible.toString('hex'),
      hex('ffff 02 0274 02 00000000 05 61626364 00 00 00').toString('hex'),
    );
  });

  test('null records', () => {
    assert.equal(
      encodeMessage(ProduceLike, 8, msg(null)).toString('hex'),
      hex('ffff 00000001 000174 00000001 00000000 ffffffff').toString('hex'),
    );
    const flexible = encodeMessage(ProduceLike, 9, msg(null));
    assert.equal(flexible.toString('hex'), hex('ffff 02 0274 02 00000000 00 00 00 00').toString('hex'));
    assert.equal(decodeMessage(ProduceLike, 9, flexible).value.topicData[0].partitionData[0].records, null);
  });

  test('decoded records are a slice of the frame, not a copy', () => {
    const frame = encodeMessage(ProduceLike, 9, msg(Buffer.from('abcd')));
    const records: Buffer = decodeMessage(ProduceLike, 9, frame).value.topicData[0].partitionData[0].records;
    assert.equal(records.toString(), 'abcd');
    assert.equal(records.buffer, frame.buffer);
    assert.equal(records.byteOffset, frame.byteOffset + frame.indexOf('abcd'));
  });
});

describe('codec: malformed input and unsupported versions', () => {
  test('every truncation of a valid message is a ProtocolDecodeError', () => {
    for (const [version, full] of [
      [0, hex(V0_BYTES)],
      [2, hex(V2_BYTES)],
    ] as const) {
      for (let n = 0; n < full.length; n++) {
        assert.throws(
          () => decodeMessage(TestRequest, version, full.subarray(0, n)),
          ProtocolDecodeError,
          `v${version} truncated to ${n}`,
        );
      }
    }
  });

  test('randomly corrupted messages decode or fail with ProtocolDecodeError, nothing else', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const [version, full] of [
      [0, hex(V0_BYTES)],
      [2, hex(V2_BYTES)],
    ] as const) {
      for (let i = 0; i < 2000; i++) {
        const b = Buffer.from(full);
        for (let m = 0; m < 3; m++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        try {
          decodeMessage(TestRequest, version, b);
        } catch (err) {
          assert.ok(err instanceof ProtocolDecodeError, `v${version} ${b.toString('hex')}: ${String(err)}`);
        }
      }
    }
  });

  test('an array count larger than the bytes left is rejected before allocating', () => {
    const bad = hex('05 0003616263 0000000000000007 7fffffff');
    assert.throws(() => decodeMessage(TestRequest, 0, bad), /bytes left/);
  });

  test('versions outside validVersions throw UnsupportedVersionError', () => {
    for (const fn of [
      () => decodeMessage(TestRequest, 4, hex('00')),
      () => encodeMessage(TestRequest, 4, {}),
    ]) {
      assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof UnsupportedVersionError);
        assert.equal(err.kafkaError, 'UNSUPPORTED_VERSION');
        assert.equal(err.apiVersion, 4);
        return true;
      });
    }
  });

  test('decodes at an offset into a larger buffer', () => {
    const framed = Buffer.concat([hex('deadbeef'), hex(V0_BYTES), hex('ff')]);
    const { value, offset } = decodeMessage(TestRequest, 0, framed, 4);
    assert.equal(value.name, 'abc');
    assert.equal(offset, framed.length - 1);
  });
});
