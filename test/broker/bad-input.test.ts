import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { Fetch } from '../../src/protocol/messages/fetch.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { CRC_OFFSET } from '../../src/protocol/records/record-batch.js';
import { encodeRecordBatch } from '../../src/protocol/records/records.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

const MAX_FRAME = 1024 * 1024;

function batch(values: string[]): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), headers: [], timestamp: BigInt(Date.now()) })),
  );
}

function produceBody(topic: string, partition: number, records: Buffer) {
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  };
}

describe('bad input over a raw socket', () => {
  let t: TestBroker;
  let healthy: RawClient;

  before(async () => {
    t = await startBroker({
      config: {
        'socket.request.max.bytes': String(MAX_FRAME),
        'message.max.bytes': '10000',
        'num.partitions': '1',
      },
    });
    healthy = await RawClient.open(t.bootstrap);
    const created = await healthy.request(CreateTopics, 4, {
      topics: [{ name: 'bad-input', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
  });

  after(async () => {
    healthy.close();
    await t.cleanup();
  });

  /** The broker still answers on a connection that did nothing wrong. */
  async function assertStillServing(): Promise<void> {
    const res = await healthy.request(Metadata, 1, { topics: [{ name: 'bad-input' }] });
    assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
  }

  it('closes a connection whose frame exceeds socket.request.max.bytes', async () => {
    const c = await RawClient.open(t.bootstrap);
    const header = Buffer.alloc(4);
    header.writeInt32BE(MAX_FRAME + 1);
    c.send(header);
    assert.equal(await c.waitForClose(), true);
    await assertStillServing();
  });

  it('closes a connection that sends an undecodable request', async () => {
    const c = await RawClient.open(t.bootstrap);
    // Metadata v1 header, then a topic array claiming 1000 entries with no bytes behind it.
    const frame = Buffer.from([0, 0, 0, 17, 0, 3, 0, 1, 0, 0, 0, 7, 0, 1, 0x78, 0, 0, 0x03, 0xe8, 0, 0]);
    frame.writeInt32BE(frame.length - 4, 0);
    c.send(frame);
    assert.equal(await c.waitForClose(), true);
    await assertStillServing();
  });

  it('closes a connection that uses an unknown api key', async () => {
    const c = await RawClient.open(t.bootstrap);
    const frame = Buffer.from([0, 0, 0, 10, 0x0f, 0xa0, 0, 0, 0, 0, 0, 1, 0xff, 0xff]);
    c.send(frame);
    assert.equal(await c.waitForClose(), true);
    await assertStillServing();
  });

  it('closes a connection that uses an unsupported version of an API', async () => {
    const c = await RawClient.open(t.bootstrap);
    // Metadata v99: header v1 layout.
    const frame = Buffer.from([0, 0, 0, 10, 0, 3, 0, 99, 0, 0, 0, 1, 0xff, 0xff]);
    c.send(frame);
    assert.equal(await c.waitForClose(), true);
    await assertStillServing();
  });

  it('answers an unknown ApiVersions version with UNSUPPORTED_VERSION in v0 layout', async () => {
    const c = await RawClient.open(t.bootstrap);
    // ApiVersions v127 (header v2: tagged fields after client id), correlation id 42.
    c.send(Buffer.from([0, 0, 0, 11, 0, 18, 0, 127, 0, 0, 0, 42, 0xff, 0xff, 0]));
    const frame = await c.nextFrame();
    assert.equal(frame.readInt32BE(0), 42);
    assert.equal(frame.readInt16BE(4), ErrorCode.UNSUPPORTED_VERSION);
    assert.equal(frame.readInt32BE(6), 1, 'one api listed: ApiVersions itself');
    assert.deepEqual([frame.readInt16BE(10), frame.readInt16BE(12), frame.readInt16BE(14)], [18, 0, 3]);
    c.close();
  });

  it('answers CORRUPT_MESSAGE for a batch whose CRC does not match, and appends nothing', async () => {
    const records = batch(['a', 'b']);
    records.writeUInt32BE((records.readUInt32BE(CRC_OFFSET) ^ 0xffff) >>> 0, CRC_OFFSET);
    const res = await healthy.request(Produce, 7, produceBody('bad-input', 0, records));
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE);
    const ok = await healthy.request(Produce, 7, produceBody('bad-input', 0, batch(['c'])));
    assert.equal(ok.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    assert.equal(ok.responses[0].partitionResponses[0].baseOffset, 0n, 'the corrupt batch took no offsets');
  });

  it('answers MESSAGE_TOO_LARGE for a batch above max.message.bytes', async () => {
    const res = await healthy.request(Produce, 7, produceBody('bad-input', 0, batch(['x'.repeat(20000)])));
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('answers INVALID_TOPIC_EXCEPTION for an illegal topic name', async () => {
    const created = await healthy.request(CreateTopics, 4, {
      topics: [{ name: 'bad/name', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
    const meta = await healthy.request(Metadata, 4, {
      topics: [{ name: 'x'.repeat(300) }],
      allowAutoTopicCreation: true,
    });
    assert.equal(meta.topics[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition', async () => {
    const missingPartition = await healthy.request(Produce, 7, produceBody('bad-input', 7, batch(['a'])));
    assert.equal(
      missingPartition.responses[0].partitionResponses[0].errorCode,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    const missingTopic = await healthy.request(Produce, 7, produceBody('no-such-topic', 0, batch(['a'])));
    assert.equal(
      missingTopic.responses[0].partitionResponses[0].errorCode,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it('answers OFFSET_OUT_OF_RANGE for a fetch beyond the log end', async () => {
    const res = await healthy.request(Fetch, 4, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [
        {
          topic: 'bad-input',
          partitions: [{ partition: 0, fetchOffset: 1000n, partitionMaxBytes: 1 << 20 }],
        },
      ],
    });
    assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('lists only implemented API versions in ApiVersions', async () => {
    const res = await healthy.request(ApiVersions, 0, {});
    const produce = res.apiKeys.find((k: { apiKey: number }) => k.apiKey === 0);
    // v0-v2 carry message formats v0/v1, converted to v2 batches on the way in.
    assert.deepEqual({ min: produce.minVersion, max: produce.maxVersion }, { min: 0, max: 9 });
    // DescribeAcls is served (v0-3); kafka-python 2.0.2 infers broker version 2.5 from its v2.
    const describeAcls = res.apiKeys.find((k: { apiKey: number }) => k.apiKey === 29);
    assert.deepEqual({ min: describeAcls.minVersion, max: describeAcls.maxVersion }, { min: 0, max: 3 });
  });
});
