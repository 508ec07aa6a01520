import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConnectString } from '../../src/cluster/zookeeper/zk-client.js';
import {
  decodeBrokerRegistration,
  decodeLeaderAndIsr,
  decodeProducerIdBlock,
  decodeTopicAssignment,
  encodeBrokerRegistration,
  encodeController,
  encodeLeaderAndIsr,
  encodeProducerIdBlock,
  encodeTopicAssignment,
} from '../../src/cluster/zookeeper/zk-data.js';

const json = (b: Buffer) => JSON.parse(b.toString('utf8'));

test('broker registration is BrokerIdZNode version 5 and reads back (rack only when set)', () => {
  const data = encodeBrokerRegistration(
    { id: 2, host: 'h2', port: 9093, rack: 'r1', epoch: 0n },
    1700000000000,
  );
  assert.deepEqual(json(data), {
    features: {},
    listener_security_protocol_map: { PLAINTEXT: 'PLAINTEXT' },
    endpoints: ['PLAINTEXT://h2:9093'],
    jmx_port: -1,
    port: 9093,
    host: 'h2',
    version: 5,
    timestamp: '1700000000000',
    rack: 'r1',
  });
  assert.deepEqual(decodeBrokerRegistration(2, data, 42n), {
    id: 2,
    host: 'h2',
    port: 9093,
    rack: 'r1',
    epoch: 42n,
  });
  const noRack = encodeBrokerRegistration({ id: 1, host: 'h', port: 1, rack: null, epoch: 0n }, 0);
  assert.equal('rack' in json(noRack), false);
  // A registration Kafka wrote with a named listener and empty host/port.
  const kafka = Buffer.from(
    JSON.stringify({
      listener_security_protocol_map: { INTERNAL: 'PLAINTEXT' },
      endpoints: ['INTERNAL://kafka-1:29092'],
      host: null,
      port: -1,
      version: 5,
    }),
  );
  assert.deepEqual(decodeBrokerRegistration(1, kafka, 1n), {
    id: 1,
    host: 'kafka-1',
    port: 29092,
    rack: null,
    epoch: 1n,
  });
});

test('topic assignment, partition state, controller and producer id block JSON', () => {
  const topicId = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const assignment = encodeTopicAssignment({
    topicId,
    partitions: [
      [1, 2],
      [2, 1],
    ],
  });
  assert.deepEqual(json(assignment), {
    version: 3,
    topic_id: topicId.toString('base64url'),
    partitions: { '0': [1, 2], '1': [2, 1] },
    adding_replicas: {},
    removing_replicas: {},
  });
  assert.deepEqual(decodeTopicAssignment(assignment), {
    topicId,
    partitions: [
      [1, 2],
      [2, 1],
    ],
  });

  const state = encodeLeaderAndIsr({ leader: 2, leaderEpoch: 5, isr: [2, 1], controllerEpoch: 3 });
  assert.equal(
    state.toString(),
    '{"controller_epoch":3,"leader":2,"version":1,"leader_epoch":5,"isr":[2,1]}',
  );
  assert.deepEqual(decodeLeaderAndIsr(state), { leader: 2, leaderEpoch: 5, isr: [2, 1], controllerEpoch: 3 });

  assert.deepEqual(json(encodeController(3, 123)), { version: 1, brokerid: 3, timestamp: '123' });

  const block = encodeProducerIdBlock({ brokerId: 1, first: 1000n, last: 1999n });
  assert.deepEqual(json(block), { version: 1, broker: 1, block_start: '1000', block_end: '1999' });
  assert.deepEqual(decodeProducerIdBlock(block), { brokerId: 1, first: 1000n, last: 1999n });
});

test('connect strings split into servers and chroot', () => {
  assert.deepEqual(parseConnectString('a:1,b:2/kafka/x/'), { servers: 'a:1,b:2', chroot: '/kafka/x' });
  assert.deepEqual(parseConnectString('a:1'), { servers: 'a:1', chroot: '' });
});
