import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolDecodeError, Reader } from '../../../src/protocol/primitives/reader.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function assertDecodeError(fn: () => unknown, pattern?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ProtocolDecodeError, `expected ProtocolDecodeError, got ${String(err)}`);
    assert.equal(err.kafkaError, 'INVALID_REQUEST');
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

describe('Reader fixed-width integers', () => {
  test('reads big-endian ints, bools and doubles and advances the offset', () => {
    const r = new Reader(hex('ff 8000 7fffffff fffffffffffffffe ffff ffffffff 01 00 3ff8000000000000'));
    assert.equal(r.int8(), -1);
    assert.equal(r.int16(), -32768);
    assert.equal(r.int32(), 2147483647);
    assert.equal(r.int64(), -2n);
    assert.equal(r.uint16(), 65535);
    assert.equal(r.uint32(), 4294967295);
    assert.equal(r.bool(), true);
    assert.equal(r.bool(), false);
    assert.equal(r.float64(), 1.5);
    assert.equal(r.remaining, 0);
  });

  test('a read past the end is a ProtocolDecodeError, never a RangeError', () => {
    assertDecodeError(() => new Reader(hex('0001')).int32(), /Truncated/);
    assertDecodeError(() => new Reader(hex('00000000000000')).int64());
    assertDecodeError(() => new Reader(Buffer.alloc(0)).int8());
    assertDecodeError(() => new Reader(hex('00')).uint16());
    assertDecodeError(() => new Reader(hex('000000')).float64());
  });

  test('respects an end bound inside a larger buffer', () => {
    const r = new Reader(hex('00000001 00000002'), 0, 4);
    assert.equal(r.int32(), 1);
    assertDecodeError(() => r.int32());
  });
});

describe('Reader varints (golden values from Kafka ByteUtilsTest and protobuf)', () => {
  test('unsigned varint boundaries', () => {
    const cases: [string, number][] = [
      ['00', 0],
      ['01', 1],
      ['7f', 127],
      ['8001', 128],
      ['ac02', 300],
      ['ff7f', 16383],
      ['808001', 16384],
      ['ffffff7f', 268435455],
      ['8080808001', 268435456],
      ['ffffffff0f', 4294967295],
    ];
    for (const [bytes, value] of cases) {
      const r = new Reader(hex(bytes));
      assert.equal(r.uvarint(), value, bytes);
      assert.equal(r.remaining, 0, bytes);
    }
  });

  test('zig-zag varint', () => {
    const cases: [string, number][] = [
      ['00', 0],
      ['01', -1],
      ['02', 1],
      ['7f', -64],
      ['8001', 64],
      ['feffffff0f', 2147483647],
      ['ffffffff0f', -2147483648],
    ];
    for (const [bytes, value] of cases) assert.equal(new Reader(hex(bytes)).varint(), value, bytes);
  });

  test('zig-zag varlong, including the 64-bit extremes', () => {
    const cases: [string, bigint][] = [
      ['00', 0n],
      ['01', -1n],
      ['02', 1n],
      ['7f', -64n],
      ['8001', 64n],
      ['feffffffffffffffff01', 9223372036854775807n],
      ['ffffffffffffffffff01', -9223372036854775808n],
    ];
    for (const [bytes, value] of cases) {
      const r = new Reader(hex(bytes));
      assert.equal(r.varlong(), value, bytes);
      assert.equal(r.remaining, 0, bytes);
    }
    // 2^48 and its neighbours cross the switch from double to bigint accumulation.
    for (const v of [2n ** 48n - 1n, 2n ** 48n, -(2n ** 48n), 2n ** 53n + 1n, -(2n ** 62n)]) {
      const u = v >= 0n ? v * 2n : -v * 2n - 1n;
      const bytes: number[] = [];
      let x = u;
      while (x > 0x7fn) {
        bytes.push(Number(x & 0x7fn) | 0x80);
        x >>= 7n;
      }
      bytes.push(Number(x));
      assert.equal(new Reader(Buffer.from(bytes)).varlong(), v);
    }
  });

  test('a truncated varint is an error', () => {
    assertDecodeError(() => new Reader(hex('80')).uvarint(), /Truncated varint/);
    assertDecodeError(() => new Reader(hex('ffffff')).varint());
    assertDecodeError(() => new Reader(hex('808080808080')).varlong(), /Truncated varlong/);
    assertDecodeError(() => new Reader(hex('8080808080808080')).varlong(), /Truncated varlong/);
  });

  test('an overlong varint is an error', () => {
    assertDecodeError(() => new Reader(hex('8080808080 01')).uvarint(), /too long/);
    assertDecodeError(() => new Reader(hex('80808080808080808080 01')).varlong(), /too long/);
  });
});

describe('Reader strings and bytes', () => {
  test('null and empty strings are distinct', () => {
    const r = new Reader(hex('ffff 0000 0003 616263'));
    assert.equal(r.nullableString(), null);
    assert.equal(r.nullableString(), '');
    assert.equal(r.nullableString(), 'abc');
  });

  test('compact strings: 0 is null, 1 is empty', () => {
    const r = new Reader(hex('00 01 04 616263 07 c3a9c3a9c3a9'));
    assert.equal(r.compactNullableString(), null);
    assert.equal(r.compactNullableString(), '');
    assert.equal(r.compactString(), 'abc');
    assert.equal(r.compactString(), 'ééé');
  });

  test('null for a non-nullable string and negative lengths other than -1 are errors', () => {
    assertDecodeError(() => new Reader(hex('ffff')).string(), /Negative/);
    assertDecodeError(() => new Reader(hex('fffe')).nullableString(), /Invalid string length -2/);
    assertDecodeError(() => new Reader(hex('00')).compactString(), /Null compact string/);
    assertDecodeError(() => new Reader(hex('fffffffe')).nullableBytes(), /Invalid bytes length -2/);
    assertDecodeError(() => new Reader(hex('ffffffff')).bytes());
    assertDecodeError(() => new Reader(hex('00')).compactBytes());
  });

  test('a length past the end is an error', () => {
    assertDecodeError(() => new Reader(hex('0005 6162')).string(), /Truncated/);
    assertDecodeError(() => new Reader(hex('06 6162')).compactString());
    assertDecodeError(() => new Reader(hex('7fffffff 00')).bytes());
    assertDecodeError(() => new Reader(hex('ffffffff0f')).compactBytes());
  });

  test('bytes are slices of the frame, not copies', () => {
    const frame = hex('00000003 010203 04 0a0b0c');
    const r = new Reader(frame);
    const a = r.bytes();
    const b = r.compactBytes();
    assert.deepEqual([...a], [1, 2, 3]);
    assert.deepEqual([...b], [10, 11, 12]);
    frame[4] = 99;
    assert.equal(a[0], 99);
    assert.equal(a.buffer, frame.buffer);
  });

  test('nullable bytes: -1 is null, 0 is empty', () => {
    const r = new Reader(hex('ffffffff 00000000 00 01'));
    assert.equal(r.nullableBytes(), null);
    assert.equal(r.nullableBytes()?.length, 0);
    assert.equal(r.compactNullableBytes(), null);
    assert.equal(r.compactNullableBytes()?.length, 0);
  });

  test('uuid is 16 bytes', () => {
    const r = new Reader(hex('000102030405060708090a0b0c0d0e0f 10'));
    assert.equal(r.uuid().toString('hex'), '000102030405060708090a0b0c0d0e0f');
    assertDecodeError(() => r.uuid());
  });
});

describe('Reader arrays and tagged fields', () => {
  test('array lengths: -1 is null, counts beyond the remaining bytes are rejected', () => {
    assert.equal(new Reader(hex('ffffffff')).arrayLength(), -1);
    assert.equal(new Reader(hex('00')).compactArrayLength(), -1);
    assert.equal(new Reader(hex('01')).compactArrayLength(), 0);
    assertDecodeError(() => new Reader(hex('fffffffe')).arrayLength(), /Invalid array length/);
    assertDecodeError(() => new Reader(hex('7fffffff 00')).arrayLength(), /only 1 bytes left/);
    assertDecodeError(() => new Reader(hex('ffffffff0f')).compactArrayLength(), /bytes left/);
  });

  test('skips a tagged-field section with unknown tags', () => {
    // two fields: tag 0 with 2 bytes, tag 300 with 1 byte; then an int8 after the section
    const r = new Reader(hex('02 00 02 aabb ac02 01 cc 7f'));
    r.skipTaggedFields();
    assert.equal(r.int8(), 127);
  });

  test('a tagged field whose size runs past the end is an error', () => {
    assertDecodeError(() => new Reader(hex('01 00 05 aabb')).skipTaggedFields());
  });

  test('rejects bounds outside the buffer', () => {
    assertDecodeError(() => new Reader(hex('00'), 0, 2));
    assertDecodeError(() => new Reader(hex('00'), 2));
  });
});
