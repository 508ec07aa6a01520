import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from './raw-client.js';

const ZERO_UUID = Buffer.alloc(16);

/** Metadata by topic id and with null names, at each version around v12 (KIP-516). */
describe('Metadata v10-v12 topic ids and null names', () => {
  let t: TestBroker;
  let client: RawClient;
  let topicId: Buffer;

  before(async () => {
    t = await startBroker();
    client = await RawClient.open(t.bootstrap);
    const created = await client.request(CreateTopics, 7, {
      topics: [{ name: 'by-id', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    topicId = created.topics[0].topicId;
  });

  after(async () => {
    client.close();
    await t.cleanup();
  });

  const body = (topics: { topicId: Buffer; name: string | null }[]) => ({
    topics,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });

  for (const version of [10, 11]) {
    it(`v${version}: a null name is INVALID_REQUEST for that topic, and the connection stays open`, async () => {
      const res = await client.request(Metadata, version, body([{ topicId, name: null }]));
      assert.equal(res.topics.length, 1);
      assert.equal(res.topics[0].errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal(res.topics[0].name, '');
      assert.deepEqual(res.topics[0].partitions, []);
      const versions = await client.request(ApiVersions, 0, {});
      assert.equal(versions.errorCode, ErrorCode.NONE);
      assert.equal(client.closed, false);
    });

    it(`v${version}: a topic id beside a name is INVALID_REQUEST (ids are looked up from v12)`, async () => {
      const res = await client.request(Metadata, version, body([{ topicId, name: 'by-id' }]));
      assert.equal(res.topics[0].errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal(res.topics[0].name, 'by-id');
    });

    it(`v${version}: by name with the zero id answers the topic`, async () => {
      const res = await client.request(Metadata, version, body([{ topicId: ZERO_UUID, name: 'by-id' }]));
      assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
      assert.equal(res.topics[0].partitions.length, 2);
      assert.ok(res.topics[0].topicId.equals(topicId));
    });
  }

  it('v12: a known topic id answers the topic with its name', async () => {
    const res = await client.request(Metadata, 12, body([{ topicId, name: null }]));
    assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
    assert.equal(res.topics[0].name, 'by-id');
    assert.equal(res.topics[0].partitions.length, 2);
  });

  it('v12: an unknown topic id is UNKNOWN_TOPIC_ID with a null name', async () => {
    const unknown = Buffer.alloc(16, 7);
    const res = await client.request(Metadata, 12, body([{ topicId: unknown, name: null }]));
    assert.equal(res.topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
    assert.equal(res.topics[0].name, null);
    assert.ok(res.topics[0].topicId.equals(unknown));
  });
});
