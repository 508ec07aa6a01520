import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { DeleteTopics } from '../../src/protocol/messages/delete-topics.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { startBroker } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { RawClient } from './raw-client.js';

const CONFIG = { 'offsets.topic.num.partitions': '1', 'transaction.state.log.num.partitions': '1' };

describe('DeleteTopics when the metadata cannot be written', () => {
  const dir = makeTempDir('samsa-delete-storage-');
  after(() => dir.cleanup());

  it('answers KAFKA_STORAGE_ERROR and the topic stays, in memory as after a restart', async () => {
    let t = await startBroker({ dataDir: dir.path, config: CONFIG });
    let client = await RawClient.open(t.bootstrap);
    const created = await client.request(CreateTopics, 4, {
      topics: [{ name: 'kept', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    // The store writes through `<file>.tmp`: a directory there makes every write fail (EISDIR).
    const blocker = path.join(dir.path, 'samsa-metadata.json.tmp');
    fs.mkdirSync(blocker);
    try {
      const res = await client.request(DeleteTopics, 4, { topicNames: ['kept'], timeoutMs: 5000 });
      assert.equal(res.responses[0].errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
      const meta = await client.request(Metadata, 1, { topics: [{ name: 'kept' }] });
      assert.equal(meta.topics[0].errorCode, ErrorCode.NONE, 'still in the metadata');
      assert.equal(meta.topics[0].partitions.length, 2);
      const another = await client.request(CreateTopics, 4, {
        topics: [
          { name: 'unrecorded', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        ],
        timeoutMs: 5000,
        validateOnly: false,
      });
      assert.equal(another.topics[0].errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
      const missing = await client.request(Metadata, 4, {
        topics: [{ name: 'unrecorded' }],
        allowAutoTopicCreation: false,
      });
      assert.equal(
        missing.topics[0].errorCode,
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        'a failed create leaves nothing',
      );
    } finally {
      fs.rmdirSync(blocker);
      client.close();
      await t.cleanup();
    }
    t = await startBroker({ dataDir: dir.path, config: CONFIG });
    client = await RawClient.open(t.bootstrap);
    try {
      const meta = await client.request(Metadata, 4, {
        topics: [{ name: 'kept' }, { name: 'unrecorded' }],
        allowAutoTopicCreation: false,
      });
      assert.equal(meta.topics[0].errorCode, ErrorCode.NONE, 'the topic is there after a restart');
      assert.equal(meta.topics[1].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const res = await client.request(DeleteTopics, 4, { topicNames: ['kept'], timeoutMs: 5000 });
      assert.equal(res.responses[0].errorCode, ErrorCode.NONE, 'and can be deleted once the disk allows');
    } finally {
      client.close();
      await t.cleanup();
    }
  });
});
