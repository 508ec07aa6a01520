import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AddPartitionsToTxn } from '../../src/protocol/messages/add-partitions-to-txn.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import { InitProducerId } from '../../src/protocol/messages/init-producer-id.js';
import { RawClient } from '../broker/raw-client.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { runSamsa } from '../helpers/run-samsa.js';

describe('samsa txn', () => {
  let broker: TestBroker;
  let client: RawClient;
  let b: string[];
  let producerId: bigint;

  before(async () => {
    broker = await startBroker();
    b = ['--brokers', broker.bootstrap];
    client = await RawClient.open(broker.bootstrap);
    await client.request(CreateTopics, 4, {
      topics: [{ name: 'cli-txn', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
    // One open transaction on cli-txn 0 and 1, one transactional id with none.
    const open = await client.request(InitProducerId, 4, {
      transactionalId: 'open-one',
      transactionTimeoutMs: 60_000,
    });
    producerId = open.producerId;
    await client.request(AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: 'open-one',
      v3AndBelowProducerId: open.producerId,
      v3AndBelowProducerEpoch: open.producerEpoch,
      v3AndBelowTopics: [{ name: 'cli-txn', partitions: [1, 0] }],
    });
    await client.request(InitProducerId, 4, { transactionalId: 'idle-one', transactionTimeoutMs: 60_000 });
  });
  after(async () => {
    client?.close();
    await broker?.cleanup();
  });

  it('lists transactional ids with state, producer id/epoch, partitions and age', async () => {
    const listed = await runSamsa(['txn', 'list', ...b]);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^TRANSACTIONAL ID\s+STATE\s+PRODUCER ID\s+EPOCH\s+PARTITIONS\s+AGE$/);
    assert.match(lines[1]!, /^idle-one\s+Empty\s+\d+\s+0\s+-\s+-$/);
    assert.match(
      lines[2]!,
      new RegExp(`^open-one\\s+Ongoing\\s+${producerId}\\s+0\\s+cli-txn:0,1\\s+\\d+m?s$`),
    );

    const ongoing = await runSamsa(['txn', 'list', '--state', 'Ongoing', '--format', 'json', ...b]);
    assert.equal(ongoing.code, 0, ongoing.stderr);
    const parsed = JSON.parse(ongoing.stdout);
    assert.deepEqual(
      parsed.map((d: { transactionalId: string }) => d.transactionalId),
      ['open-one'],
    );
    assert.deepEqual(parsed[0].topics, [{ topic: 'cli-txn', partitions: [0, 1] }]);
  });

  it('describes a transactional id, and fails with the Kafka error for an unknown one', async () => {
    const described = await runSamsa(['txn', 'describe', 'open-one', ...b]);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /STATE\s+Ongoing/);
    assert.match(described.stdout, /PRODUCER EPOCH\s+0/);
    assert.match(described.stdout, /TIMEOUT MS\s+60000/);
    assert.match(described.stdout, /PARTITIONS\s+cli-txn:0,1/);

    const unknown = await runSamsa(['txn', 'describe', 'nobody', ...b]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^samsa txn: TRANSACTIONAL_ID_NOT_FOUND: .*nobody/);

    const usage = await runSamsa(['txn', 'describe', ...b]);
    assert.equal(usage.code, 2);
  });
});
