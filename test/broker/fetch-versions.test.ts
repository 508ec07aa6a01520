import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeCompressedBatch } from '../../src/protocol/compression/compressed-batch.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { Fetch } from '../../src/protocol/messages/fetch.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { decodeLegacyEntries } from '../../src/protocol/records/legacy-message-set.js';
import { batchesIn, CompressionCodec } from '../../src/protocol/records/record-batch.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

const TOPIC = 'legacy-limits';
const BATCHES = 40;
const PER_BATCH = 10;

/** Small records: as v0/v1 messages they take more room than in v2 batches. */
function smallBatch(n: number): Buffer {
  return encodeCompressedBatch(
    Array.from({ length: PER_BATCH }, (_, i) => ({
      key: null,
      value: Buffer.from(`r${n * PER_BATCH + i}`),
      headers: [],
      timestamp: 1_700_000_000_000n,
    })),
    CompressionCodec.None,
  );
}

function fetchBody(partitionMaxBytes: number, maxBytes = 1 << 20) {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes }] }],
  };
}

// Fetch v0-v3 answers are converted down to message sets; like Kafka's lazy down-conversion they
// stay within the size of the stored read that the request's limits allowed.
describe('legacy Fetch answers within the byte limits', () => {
  let t: TestBroker;
  let client: RawClient;

  before(async () => {
    t = await startBroker();
    client = await RawClient.open(t.bootstrap);
    assert.equal(await client.createTopic(TOPIC), ErrorCode.NONE);
    for (let n = 0; n < BATCHES; n++) {
      const res = await client.request(Produce, 7, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: smallBatch(n) }] }],
      });
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    }
  });

  after(async () => {
    client.close();
    await t.cleanup();
  });

  for (const version of [0, 1, 2, 3]) {
    it(`Fetch v${version} answers no more than the v2 read under the same limit`, async () => {
      const limit = 1000;
      const stored: Buffer = (await client.request(Fetch, 4, fetchBody(limit))).responses[0].partitions[0]
        .records;
      const storedBatches = [...batchesIn(stored)].length;
      assert.ok(storedBatches > 1 && storedBatches < BATCHES, `the limit cuts the read (${storedBatches})`);
      const res = await client.request(Fetch, version, fetchBody(limit));
      const part = res.responses[0].partitions[0];
      assert.equal(part.errorCode, ErrorCode.NONE);
      const records: Buffer = part.records;
      assert.equal(records.length, stored.length, 'the converted answer has the size of the read');
      // Whole messages first, from offset 0 on; at most the last one is cut short.
      let whole = 0;
      for (const entry of decodeLegacyEntriesLenient(records)) {
        assert.equal(entry, BigInt(whole));
        whole++;
      }
      assert.ok(whole >= PER_BATCH, `at least the first batch is whole (${whole} messages)`);
    });
  }

  it('answers UNSUPPORTED_VERSION to v0-v3 consumers of a topic with message.downconversion.enable=false', async () => {
    const topic = 'no-down-conversion';
    assert.equal(
      await client.createTopic(topic, 1, { 'message.downconversion.enable': 'false' }),
      ErrorCode.NONE,
    );
    const body = fetchBody(1 << 20);
    body.topics[0]!.topic = topic;
    for (const version of [0, 1, 2, 3]) {
      const res = await client.request(Fetch, version, body);
      assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.UNSUPPORTED_VERSION, `v${version}`);
    }
    const v4 = await client.request(Fetch, 4, body);
    assert.equal(v4.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    // Followers are exempt, as in Kafka: a replica id is never refused for down-conversion. This
    // single node has no follower 1, so that fetch is refused as an unknown replica instead.
    const follower = await client.request(Fetch, 3, { ...body, replicaId: 1 });
    assert.equal(follower.responses[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('sends the whole first converted batch when it alone is above the limit', async () => {
    const res = await client.request(Fetch, 1, fetchBody(10));
    const records: Buffer = res.responses[0].partitions[0].records;
    assert.deepEqual(
      decodeLegacyEntries(records).map((e) => e.offset),
      Array.from({ length: PER_BATCH }, (_, i) => BigInt(i)),
    );
  });
});

/** Offsets of the whole messages at the start of a message set, ignoring a partial last one. */
function* decodeLegacyEntriesLenient(set: Buffer): Generator<bigint> {
  let pos = 0;
  while (pos + 12 <= set.length) {
    const size = set.readInt32BE(pos + 8);
    if (pos + 12 + size > set.length) return;
    yield set.readBigInt64BE(pos);
    pos += 12 + size;
  }
}
