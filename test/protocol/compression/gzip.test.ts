import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { gzipDecompress } from '../../../src/protocol/compression/gzip.js';
import { CorruptRecordError, InvalidRecordError } from '../../../src/util/errors.js';

/** `printf 'Kafka Kafka Kafka Kafka' | gzip -n -9` (GNU gzip); its trailer's ISIZE is 23. */
const GOLDEN = Buffer.from('1f8b0800000000000203f34e4ccb4e54f046270134fc933517000000', 'hex');
const TEXT = Buffer.from('Kafka Kafka Kafka Kafka');

/** The output size hint taken from the gzip trailer must never change what is accepted. */
describe('gzipDecompress', () => {
  it('inflates with or without a truthful size in the trailer', () => {
    assert.deepEqual(gzipDecompress(GOLDEN, 1024), TEXT);
    assert.deepEqual(gzipDecompress(GOLDEN, TEXT.length), TEXT);
    assert.throws(() => gzipDecompress(GOLDEN, TEXT.length - 1), InvalidRecordError);
    const data = Buffer.from('{"event":"click","page":"/home"}\n'.repeat(40_000));
    assert.deepEqual(gzipDecompress(zlib.gzipSync(data), data.length), data);
  });

  it('reads several members, the first one the largest', () => {
    const first = Buffer.alloc(300_000, 'a');
    const stream = Buffer.concat([zlib.gzipSync(first), GOLDEN]);
    assert.deepEqual(gzipDecompress(stream, 1 << 20), Buffer.concat([first, TEXT]));
  });

  it('does not trust a trailer that lies about the size', () => {
    const data = Buffer.alloc(200_000, 'b');
    const understated = zlib.gzipSync(data);
    understated.writeUInt32LE(10, understated.length - 4);
    // zlib checks ISIZE too: the stream is refused as corrupt, however big the output buffer was.
    assert.throws(() => gzipDecompress(understated, 1 << 20), CorruptRecordError);
    const overstated = Buffer.from(GOLDEN);
    overstated.writeUInt32LE(0xffffffff, overstated.length - 4);
    assert.throws(() => gzipDecompress(overstated, 256 << 20), CorruptRecordError);
  });

  it('refuses a bomb whatever its trailer says', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 << 20));
    assert.throws(() => gzipDecompress(bomb, 1 << 20), InvalidRecordError);
    bomb.writeUInt32LE(100, bomb.length - 4);
    assert.throws(() => gzipDecompress(bomb, 1 << 20), InvalidRecordError);
  });

  it('reports truncated and garbage input as corrupt', () => {
    assert.throws(() => gzipDecompress(GOLDEN.subarray(0, 12), 1024), CorruptRecordError);
    assert.throws(
      () => gzipDecompress(Buffer.from('not gzip at all, not even close'), 1024),
      CorruptRecordError,
    );
    assert.throws(() => gzipDecompress(Buffer.alloc(0), 1024), CorruptRecordError);
  });
});
