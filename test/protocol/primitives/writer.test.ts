import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Reader } from '../../../src/protocol/primitives/reader.js';
import { uvarintSize, Writer } from '../../../src/protocol/primitives/writer.js';

const hexOf = (w: Writer) => w.finish().toString('hex');

describe('Writer', () => {
  test('fixed-width integers are big-endian', () => {
    const w = new Writer(16);
    w.int8(-1).int16(-32768).int32(2147483647).int64(-2n).uint16(65535).uint32(4294967295);
    w.bool(true).bool(false).float64(1.5);
    assert.equal(hexOf(w), 'ff80007ffffffffffffffffffffffeffffffffffff01003ff8000000000000');
  });

  test('unsigned varints at the 7-bit boundaries', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [268435455, 'ffffff7f'],
      [268435456, '8080808001'],
      [4294967295, 'ffffffff0f'],
    ];
    for (const [v, bytes] of cases) {
      const w = new Writer();
      w.uvarint(v);
      assert.equal(hexOf(w), bytes, String(v));
      assert.equal(uvarintSize(v), bytes.length / 2);
    }
  });

  test('zig-zag varints and varlongs match Kafka ByteUtils', () => {
    const ints: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-64, '7f'],
      [64, '8001'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ];
    for (const [v, bytes] of ints) assert.equal(hexOf(new Writer().varint(v)), bytes, String(v));
    const longs: [bigint, string][] = [
      [0n, '00'],
      [-1n, '01'],
      [1n, '02'],
      [-64n, '7f'],
      [64n, '8001'],
      [9223372036854775807n, 'feffffffffffffffff01'],
      [-9223372036854775808n, 'ffffffffffffffffff01'],
    ];
    for (const [v, bytes] of longs) assert.equal(hexOf(new Writer().varlong(v)), bytes, String(v));
  });

  test('varlong agrees with the reader on both sides of the fast-path bound', () => {
    const values = [2n ** 39n - 1n, 2n ** 39n, -(2n ** 39n), -(2n ** 39n) - 1n, 2n ** 53n + 3n, -(2n ** 60n)];
    for (const v of values) {
      const w = new Writer();
      w.varlong(v);
      const r = new Reader(w.finish());
      assert.equal(r.varlong(), v);
      assert.equal(r.remaining, 0);
    }
  });

  test('strings: int16 and compact prefixes count UTF-8 bytes, null has its own encoding', () => {
    const w = new Writer(16);
    w.string('abc').nullableString(null).nullableString('');
    w.compactString('ééé').compactNullableString(null).compactNullableString('');
    assert.equal(hexOf(w), '0003616263ffff0000' + '07c3a9c3a9c3a9' + '00' + '01');
  });

  test('long ASCII and non-ASCII strings take the general path', () => {
    const long = 'x'.repeat(300);
    const mixed = `${'a'.repeat(200)}€`;
    const w = new Writer(8);
    w.string(long).compactString(mixed);
    const r = new Reader(w.finish());
    assert.equal(r.string(), long);
    assert.equal(r.compactString(), mixed);
    assert.equal(w.finish().readInt16BE(0), 300);
    assert.throws(() => new Writer().string('y'.repeat(40000)), RangeError);
  });

  test('bytes: int32 and compact prefixes, -1 and 0 for null', () => {
    const w = new Writer();
    w.bytes(Buffer.from([1, 2]))
      .nullableBytes(null)
      .compactBytes(Buffer.from([3]));
    w.compactNullableBytes(null).arrayLength(-1).compactArrayLength(-1).compactArrayLength(2);
    assert.equal(hexOf(w), '000000020102' + 'ffffffff' + '0203' + '00' + 'ffffffff' + '00' + '03');
  });

  test('grows past its initial capacity, keeping what was written', () => {
    const w = new Writer(16);
    for (let i = 0; i < 10000; i++) w.int32(i);
    const big = Buffer.alloc(100000, 7);
    w.raw(big);
    const out = w.finish();
    assert.equal(out.length, 40000 + 100000);
    for (let i = 0; i < 10000; i += 997) assert.equal(out.readInt32BE(i * 4), i);
    assert.equal(out[out.length - 1], 7);
  });

  test('reserves and patches a size prefix', () => {
    const w = new Writer();
    const at = w.reserveInt32();
    w.int16(1).int16(2);
    w.patchInt32(at, w.offset - 4);
    assert.equal(hexOf(w), '0000000400010002');
  });

  test('a uuid must be 16 bytes', () => {
    assert.throws(() => new Writer().uuid(Buffer.alloc(15)), RangeError);
    assert.equal(hexOf(new Writer().uuid(Buffer.alloc(16, 1))), '01'.repeat(16));
  });
});
