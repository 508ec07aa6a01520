import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { encodeCompressedBatch } from '../../src/protocol/compression/compressed-batch.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { Fetch } from '../../src/protocol/messages/fetch.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { encodeLegacyMessage } from '../../src/protocol/records/legacy-message-set.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CompressionCodec,
  CRC_OFFSET,
  computeBatchChecksum,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
} from '../../src/protocol/records/record-batch.js';
import { RawClient } from '../broker/raw-client.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';

const TOPIC = 'compressed-input';

function batch(codec: CompressionCodec, count = 3): Buffer {
  return encodeCompressedBatch(
    Array.from({ length: count }, (_, i) => ({
      key: null,
      value: Buffer.from(`value-${i}-${'x'.repeat(50)}`),
      headers: [],
      timestamp: 1_700_000_000_000n,
    })),
    codec,
  );
}

/** A batch whose records section is `body` under codec id `codec`, with a correct CRC. */
function withBody(codec: number, body: Buffer): Buffer {
  const template = batch(CompressionCodec.None, 1);
  const out = Buffer.concat([template.subarray(0, RECORD_BATCH_OVERHEAD), body]);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(codec, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(computeBatchChecksum(out, 0, out.length), CRC_OFFSET);
  return out;
}

function produceBody(records: Buffer) {
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
  };
}

function fetchBody(fetchOffset = 0n) {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
  };
}

describe('bad compressed and legacy input over a raw socket', () => {
  let t: TestBroker;
  let client: RawClient;

  before(async () => {
    t = await startBroker({ config: { 'message.max.bytes': '1000000' } });
    client = await RawClient.open(t.bootstrap);
    assert.equal(await client.createTopic(TOPIC), ErrorCode.NONE);
  });

  after(async () => {
    client.close();
    await t.cleanup();
  });

  async function produce(
    version: number,
    records: Buffer,
  ): Promise<{ errorCode: number; baseOffset: bigint }> {
    const res = await client.request(Produce, version, produceBody(records));
    return res.responses[0].partitionResponses[0];
  }

  const rejected: [string, () => Buffer, number, number][] = [
    [
      'a corrupt gzip payload',
      () => withBody(1, Buffer.from('definitely not gzip')),
      7,
      ErrorCode.CORRUPT_MESSAGE,
    ],
    [
      'a corrupt lz4 payload',
      () => withBody(3, Buffer.from('definitely not lz4')),
      7,
      ErrorCode.CORRUPT_MESSAGE,
    ],
    [
      'a codec id that does not exist',
      () => withBody(6, batch(CompressionCodec.None).subarray(RECORD_BATCH_OVERHEAD)),
      7,
      ErrorCode.CORRUPT_MESSAGE,
    ],
    [
      'a gzip bomb (64 MiB of zeros in 64 KiB)',
      () => withBody(1, zlib.gzipSync(Buffer.alloc(64 << 20))),
      7,
      ErrorCode.INVALID_RECORD,
    ],
    [
      'a truncated v1 wrapper message',
      () => {
        const inner = encodeLegacyMessage(1, 0n, 0, 1n, null, Buffer.from('v'));
        const wrapper = encodeLegacyMessage(1, 0n, 1, 1n, null, zlib.gzipSync(inner));
        return wrapper.subarray(0, wrapper.length - 5);
      },
      2,
      ErrorCode.CORRUPT_MESSAGE,
    ],
    [
      'a v0 wrapper whose compressed message set is cut short',
      () => {
        const inner = encodeLegacyMessage(0, 0n, 0, -1n, null, Buffer.from('value'));
        return encodeLegacyMessage(0, 0n, 1, -1n, null, zlib.gzipSync(inner.subarray(0, inner.length - 3)));
      },
      0,
      ErrorCode.CORRUPT_MESSAGE,
    ],
    [
      'zstd over Produce v3 (before KIP-110)',
      () => batch(CompressionCodec.Zstd),
      3,
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    ],
    ['a v2 batch over Produce v2', () => batch(CompressionCodec.Gzip), 2, ErrorCode.INVALID_RECORD],
  ];

  for (const [what, records, version, errorCode] of rejected) {
    it(`answers ${what} with error ${errorCode} and appends nothing`, async () => {
      const res = await produce(version, records());
      assert.equal(res.errorCode, errorCode);
      const meta = await client.request(Metadata, 1, { topics: [{ name: TOPIC }] });
      assert.equal(meta.topics[0].errorCode, ErrorCode.NONE, 'the connection still serves');
      const fetched = await client.request(Fetch, 4, fetchBody());
      assert.equal(fetched.responses[0].partitions[0].highWatermark, 0n, 'nothing was appended');
    });
  }

  it('then appends good compressed batches from offset 0 and serves old fetch versions', async () => {
    assert.equal((await produce(7, batch(CompressionCodec.Gzip))).baseOffset, 0n);
    assert.equal((await produce(7, batch(CompressionCodec.Zstd))).baseOffset, 3n);
    const v12 = await client.request(Fetch, 12, fetchBody());
    assert.equal(v12.responses[0].partitions[0].highWatermark, 6n);
    // Fetch v4-v9 get the stored batches, zstd included, as Kafka serves them: only a topic whose
    // own compression.type is zstd is refused to them (see the next test).
    const v4 = await client.request(Fetch, 4, fetchBody());
    assert.equal(v4.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.deepEqual(v4.responses[0].partitions[0].records, v12.responses[0].partitions[0].records);
    // Fetch v0 gets the gzip batch as a v0 wrapper message, and stops before the zstd batch that
    // message format v0 cannot carry; fetching from the zstd batch answers UNSUPPORTED_COMPRESSION_TYPE.
    const v0 = await client.request(Fetch, 0, fetchBody());
    assert.equal(v0.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    const v0Records: Buffer = v0.responses[0].partitions[0].records;
    assert.equal(v0Records.readBigInt64BE(0), 2n, 'one gzip wrapper with the last offset of the first batch');
    assert.equal(v0Records.length, LOG_OVERHEAD + v0Records.readInt32BE(8), 'one message only');
    const v0AtZstd = await client.request(Fetch, 0, fetchBody(3n));
    assert.equal(v0AtZstd.responses[0].partitions[0].errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    await produce(7, batch(CompressionCodec.Snappy));
    const old = await client.request(Fetch, 2, fetchBody(6n));
    const records: Buffer = old.responses[0].partitions[0].records;
    assert.equal(old.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(records.readInt8(MAGIC_OFFSET), 1, 'message format v1');
    assert.equal(records.readInt8(MAGIC_OFFSET + 1) & 7, CompressionCodec.Snappy, 'a snappy wrapper');
    assert.equal(records.readBigInt64BE(0), 8n, 'the wrapper carries its last offset');
  });

  it('refuses Fetch v0-v9 for a topic configured compression.type=zstd, whatever it holds', async () => {
    const topic = 'zstd-configured';
    assert.equal(await client.createTopic(topic, 1, { 'compression.type': 'zstd' }), ErrorCode.NONE);
    const body = fetchBody();
    body.topics[0]!.topic = topic;
    // Even empty: Kafka decides by the topic's config, before looking at any batch.
    for (const version of [0, 3, 4, 9]) {
      const res = await client.request(Fetch, version, body);
      assert.equal(
        res.responses[0].partitions[0].errorCode,
        ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
        `Fetch v${version}`,
      );
    }
    const v10 = await client.request(Fetch, 10, {
      ...body,
      sessionId: 0,
      sessionEpoch: -1,
      forgottenTopicsData: [],
      rackId: '',
    });
    assert.equal(v10.responses[0].partitions[0].errorCode, ErrorCode.NONE);
  });
});
