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

const endpoint = (listenerName: string, securityProtocol: string, host: string, port: number) => ({
  listenerName,
  securityProtocol,
  host,
  port,
});

test('broker registration is BrokerIdZNode version 5 and reads back (rack only when set)', () => {
  const registration = {
    id: 2,
    endpoints: [endpoint('PLAINTEXT', 'PLAINTEXT', 'h2', 9093)],
    rack: 'r1',
    epoch: 42n,
  };
  const data = encodeBrokerRegistration(registration, 1700000000000);
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
  assert.deepEqual(decodeBrokerRegistration(2, data, 42n), registration);
  const noRack = encodeBrokerRegistration({ ...registration, rack: null }, 0);
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
    endpoints: [endpoint('INTERNAL', 'PLAINTEXT', 'kafka-1', 29092)],
    rack: null,
    epoch: 1n,
  });
  // A version 1 registration has only host and port.
  const v1 = Buffer.from(JSON.stringify({ version: 1, host: 'old', port: 9092, jmx_port: -1 }));
  assert.deepEqual(decodeBrokerRegistration(3, v1, 1n).endpoints, [
    endpoint('PLAINTEXT', 'PLAINTEXT', 'old', 9092),
  ]);
});

test('every listener is registered; host and port are the PLAINTEXT one, or null and -1', () => {
  const registration = {
    id: 1,
    endpoints: [
      endpoint('CLIENT', 'SASL_SSL', 'public.example', 9094),
      endpoint('BROKER', 'SSL', '::1', 9093),
    ],
    rack: null,
    epoch: 7n,
  };
  const data = encodeBrokerRegistration(registration, 0);
  const body = json(data);
  assert.deepEqual(body.endpoints, ['CLIENT://public.example:9094', 'BROKER://[::1]:9093']);
  assert.deepEqual(body.listener_security_protocol_map, { CLIENT: 'SASL_SSL', BROKER: 'SSL' });
  assert.equal(body.host, null);
  assert.equal(body.port, -1);
  assert.deepEqual(decodeBrokerRegistration(1, data, 7n), registration);
  const withPlaintext = encodeBrokerRegistration(
    { ...registration, endpoints: [...registration.endpoints, endpoint('INTERNAL', 'PLAINTEXT', 'h', 1)] },
    0,
  );
  assert.equal(json(withPlaintext).host, 'h');
  assert.equal(json(withPlaintext).port, 1);
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
