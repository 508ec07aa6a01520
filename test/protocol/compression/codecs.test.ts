import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import lz4 from 'lz4-napi';
import { compress, decompress } from '../../../src/protocol/compression/codecs.js';
import { codecByName, targetCodecOf } from '../../../src/protocol/compression/compression-type.js';
import { lz4Compress, lz4Decompress } from '../../../src/protocol/compression/lz4-frame.js';
import { isXerialFramed, snappyCompressRaw } from '../../../src/protocol/compression/snappy.js';
import { xxhash32 } from '../../../src/protocol/compression/xxhash32.js';
import { maxDecompressedSize } from '../../../src/protocol/compression/zstd.js';
import { CompressionCodec } from '../../../src/protocol/records/record-batch.js';
import { CorruptRecordError, InvalidRecordError } from '../../../src/util/errors.js';

const TEXT = Buffer.from('Kafka Kafka Kafka Kafka');
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** `printf 'Kafka Kafka Kafka Kafka' | gzip -n -9` (GNU gzip). */
const GZIP_GOLDEN = hex('1f8b0800000000000203f34e4ccb4e54f046270134fc933517000000');
/** `... | zstd -c` (zstd CLI 1.5): a checksummed frame with one compressed block. */
const ZSTD_GOLDEN = hex('28b52ffd0458650000304b61666b612001009 94b11c8777db9');
/** `... | lz4 -c` (lz4 CLI 1.9): FLG 0x64 (independent blocks, content checksum), BD 0x40. */
const LZ4_GOLDEN = hex('04224d186440a70f000000684b61666b6120060050 4b61666b6100000000528ccab8');
/**
 * Xerial-framed Snappy as snappy-java's SnappyOutputStream frames it: the 16-byte header, then one
 * chunk holding a raw block of "Kafka" (varint length 5, literal tag (5-1)<<2, the bytes).
 */
const XERIAL_GOLDEN = hex('82534e415050590000000001000000010000000705104b61666b61');

const ALL = [CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4, CompressionCodec.Zstd];

describe('codecs', () => {
  it('decodes output of the reference gzip, zstd and lz4 tools', () => {
    assert.deepEqual(decompress(CompressionCodec.Gzip, GZIP_GOLDEN, 1024), TEXT);
    // A compressed zstd block counts as up to 128 KiB until decoded, so the limit must allow that.
    assert.deepEqual(decompress(CompressionCodec.Zstd, ZSTD_GOLDEN, 128 * 1024), TEXT);
    assert.throws(() => decompress(CompressionCodec.Zstd, ZSTD_GOLDEN, 1024), InvalidRecordError);
    assert.deepEqual(decompress(CompressionCodec.Lz4, LZ4_GOLDEN, 1024), TEXT);
  });

  it('reads xerial-framed snappy (Kafka Java client) and a raw snappy block', () => {
    assert.deepEqual(decompress(CompressionCodec.Snappy, XERIAL_GOLDEN, 1024), Buffer.from('Kafka'));
    assert.deepEqual(decompress(CompressionCodec.Snappy, hex('05104b61666b61'), 1024), Buffer.from('Kafka'));
    assert.deepEqual(decompress(CompressionCodec.Snappy, snappyCompressRaw(TEXT), 1024), TEXT);
  });

  it('writes snappy in the xerial framing, in 32 KiB chunks', () => {
    const data = Buffer.alloc(70_000, 'a');
    const framed = compress(CompressionCodec.Snappy, data);
    assert.ok(isXerialFramed(framed));
    assert.deepEqual(framed.subarray(0, 16), XERIAL_GOLDEN.subarray(0, 16));
    let chunks = 0;
    for (let p = 16; p < framed.length; p += 4 + framed.readInt32BE(p)) chunks++;
    assert.equal(chunks, 3);
    assert.deepEqual(decompress(CompressionCodec.Snappy, framed, data.length), data);
  });

  it('writes lz4 frames that another implementation (lz4_flex) reads, and reads its frames', () => {
    const data = Buffer.from(JSON.stringify({ user: 'u', event: 'click', n: 1 }).repeat(5000));
    const ours = compress(CompressionCodec.Lz4, data);
    assert.deepEqual(
      ours.subarray(0, 7),
      hex('04224d18604082'),
      'magic, FLG (independent blocks), BD 64 KiB, HC',
    );
    assert.deepEqual(lz4.decompressFrameSync(ours), data);
    const theirs = lz4.compressFrameSync(data, { blockChecksums: true, contentChecksum: true });
    assert.deepEqual(decompress(CompressionCodec.Lz4, theirs, data.length), data);
  });

  it('writes and reads the pre-0.10 lz4 header checksum of magic v0 messages', () => {
    const broken = lz4Compress(TEXT, { brokenHeaderChecksum: true });
    // KAFKA-3160: the HC of Kafka 0.8/0.9 covers the magic number as well.
    assert.equal(broken[6], (xxhash32(broken, 0, 0, 6) >>> 8) & 0xff);
    assert.notEqual(broken[6], (xxhash32(broken, 0, 4, 6) >>> 8) & 0xff);
    assert.throws(() => lz4.decompressFrameSync(broken));
    assert.deepEqual(lz4Decompress(broken, 1024), TEXT);
  });

  it('computes XXH32 as the reference does', () => {
    // Test vectors of the xxHash reference implementation.
    assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05);
    assert.equal(xxhash32(Buffer.from('a')), 0x550d7456);
    assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff);
    assert.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f);
  });

  for (const codec of ALL) {
    it(`round-trips codec ${codec} and refuses output past the limit`, () => {
      const data = Buffer.alloc(4_000_000);
      const compressed = compress(codec, data);
      assert.ok(compressed.length < data.length / 20);
      assert.deepEqual(decompress(codec, compressed, data.length), data);
      assert.throws(() => decompress(codec, compressed, 1_000_000), InvalidRecordError);
    });

    it(`reports corrupt codec ${codec} data as CorruptRecordError`, () => {
      const garbage = Buffer.from('this is not compressed data at all, not even close');
      assert.throws(() => decompress(codec, garbage, 1 << 20), CorruptRecordError);
    });
  }

  it('bounds a zstd frame of RLE blocks without decoding it', () => {
    // 1000 RLE blocks of 128 KiB each: 7 KB that would inflate to 125 MiB.
    const parts = [hex('28b52ffd'), Buffer.from([0x00, 0x88])]; // no FCS, window 2^27
    for (let i = 0; i < 1000; i++) {
      const header = ((128 * 1024) << 3) | (1 << 1) | (i === 999 ? 1 : 0);
      parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x41]));
    }
    const bomb = Buffer.concat(parts);
    assert.equal(maxDecompressedSize(bomb), 1000 * 128 * 1024);
    assert.throws(() => decompress(CompressionCodec.Zstd, bomb, 16 << 20), /inflate beyond/);
  });

  it('rejects a codec id that does not exist', () => {
    assert.throws(() => decompress(5 as CompressionCodec, TEXT, 1024), CorruptRecordError);
    assert.throws(() => compress(7 as CompressionCodec, TEXT), CorruptRecordError);
  });

  it('maps compression.type values to codecs', () => {
    assert.equal(targetCodecOf('producer'), undefined);
    assert.equal(targetCodecOf('uncompressed'), CompressionCodec.None);
    assert.equal(targetCodecOf('zstd'), CompressionCodec.Zstd);
    assert.equal(codecByName('LZ4'), CompressionCodec.Lz4);
    assert.throws(() => codecByName('brotli'), InvalidRecordError);
  });
});
