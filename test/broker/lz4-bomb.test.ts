import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CompressionCodec,
  CRC_OFFSET,
  computeBatchChecksum,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
} from '../../src/protocol/records/record-batch.js';
import { encodeRecordBatch } from '../../src/protocol/records/records.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { lz4Bomb } from '../protocol/compression/lz4-bomb.js';
import { RawClient } from './raw-client.js';

/** A v2 batch claiming `count` records whose records section is the lz4 frame `body`. */
function lz4Batch(body: Buffer, count: number): Buffer {
  const template = encodeRecordBatch(
    Array.from({ length: count }, () => ({ key: null, value: null, headers: [], timestamp: 1n })),
  );
  const out = Buffer.concat([template.subarray(0, RECORD_BATCH_OVERHEAD), body]);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(CompressionCodec.Lz4, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(computeBatchChecksum(out, 0, out.length), CRC_OFFSET);
  return out;
}

describe('an lz4 bomb in a produce request', () => {
  let t: TestBroker;
  let client: RawClient;

  before(async () => {
    t = await startBroker({ config: { 'message.max.bytes': String(2 << 20) } });
    client = await RawClient.open(t.bootstrap);
    const created = await client.request(CreateTopics, 7, {
      topics: [{ name: 'bombed', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  });

  after(async () => {
    client.close();
    await t.cleanup();
  });

  it('is answered INVALID_RECORD without inflating it, and other clients are served', async () => {
    const records = lz4Batch(lz4Bomb(800_000), 10);
    let peakRss = process.memoryUsage().rss;
    const baseRss = peakRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 5);
    const other = await RawClient.open(t.bootstrap);
    try {
      const answers = await Promise.all(
        [0, 1, 2, 3].map(async () => {
          const bomber = await RawClient.open(t.bootstrap);
          try {
            return await bomber.request(Produce, 9, {
              transactionalId: null,
              acks: 1,
              timeoutMs: 5000,
              topicData: [{ name: 'bombed', partitionData: [{ index: 0, records }] }],
            });
          } finally {
            bomber.close();
          }
        }),
      );
      for (const res of answers) {
        assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.INVALID_RECORD);
      }
      const versions = await other.request(ApiVersions, 0, {});
      assert.equal(versions.errorCode, ErrorCode.NONE);
    } finally {
      clearInterval(sampler);
      other.close();
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    // Inflated, four bombs would take 200 MB each; refused up front they cost their own bytes.
    assert.ok(peakRss - baseRss < 150_000_000, `RSS grew by ${((peakRss - baseRss) / 1e6).toFixed(0)} MB`);
    console.log(`# four lz4 bombs: RSS grew by ${((peakRss - baseRss) / 1e6).toFixed(0)} MB`);
  });
});
