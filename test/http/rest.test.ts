import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Consumer } from 'kafkajs';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

interface Answer {
  status: number;
  body: any;
  contentType: string;
}

function getWithBody(url: string, body: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = http.request(
      url,
      {
        method: 'GET',
        headers: {
          'content-type': 'application/vnd.kafka.v2+json',
          'content-length': Buffer.byteLength(text),
        },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8').on('data', (c: string) => (data += c));
        res.on('end', () => resolve(JSON.parse(data)));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** kcat reads a topic from the beginning: `key:value` per record. */
async function kcatConsume(bootstrap: string, topic: string, count: number): Promise<string[]> {
  const { stdout } = await run(
    'kcat',
    ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-c', String(count), '-f', '%k:%s\n', '-e'],
    {
      timeout: 30_000,
    },
  );
  return stdout.split('\n').filter(Boolean);
}

// Confluent REST Proxy's v3 admin and v2 produce APIs, called as curl or a script would, with what
// the clients see afterwards checked through kcat and KafkaJS.
describe('REST API', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let base: string;
  let clusterId: string;
  let consumer: Consumer | undefined;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? undefined : JSON.parse(text),
      contentType: response.headers.get('content-type') ?? '',
    };
  }

  before(async () => {
    broker = await startBroker({
      config: { 'admin.request.max.bytes': '65536', 'admin.request.timeout.ms': '1000' },
    });
    base = broker.broker.adminUrl!;
    clusterId = (await call('GET', '/v3/clusters')).body.data[0].cluster_id;
  });

  after(async () => {
    await consumer?.disconnect();
    await broker?.cleanup();
  });

  test('clusters and brokers', async () => {
    const clusters = await call('GET', '/v3/clusters');
    assert.equal(clusters.status, 200);
    assert.equal(clusters.body.kind, 'KafkaClusterList');
    assert.match(clusterId, /^[\w-]{22}$/);
    const cluster = await call('GET', `/v3/clusters/${clusterId}`);
    assert.equal(cluster.body.controller.related, `${base}/v3/clusters/${clusterId}/brokers/0`);
    const brokers = await call('GET', `/v3/clusters/${clusterId}/brokers`);
    assert.deepEqual(
      brokers.body.data.map((b: any) => [b.broker_id, b.port]),
      [[0, broker.broker.port]],
    );
    const unknown = await call('GET', '/v3/clusters/nope/brokers');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, 40403);
  });

  test('topics: create, describe, configs, partitions, delete', async () => {
    const topic = uniqueTopic('rest-admin');
    const created = await call('POST', `/v3/clusters/${clusterId}/topics`, {
      topic_name: topic,
      partitions_count: 3,
      configs: [{ name: 'retention.ms', value: '3600000' }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.partitions_count, 3);
    assert.equal(created.body.replication_factor, 1);

    const again = await call('POST', `/v3/clusters/${clusterId}/topics`, {
      topic_name: topic,
      partitions_count: 1,
    });
    assert.equal(again.status, 400);
    assert.match(again.body.message, /already exists/);

    const listed = await call('GET', `/v3/clusters/${clusterId}/topics`);
    assert.ok(listed.body.data.some((t: any) => t.topic_name === topic));

    const configs = await call('GET', `/v3/clusters/${clusterId}/topics/${topic}/configs`);
    const retention = configs.body.data.find((c: any) => c.name === 'retention.ms');
    assert.equal(retention.value, '3600000');
    assert.equal(retention.source, 'DYNAMIC_TOPIC_CONFIG');

    assert.equal(
      (
        await call('PUT', `/v3/clusters/${clusterId}/topics/${topic}/configs/retention.ms`, {
          value: '7200000',
        })
      ).status,
      204,
    );
    const alter = await call('POST', `/v3/clusters/${clusterId}/topics/${topic}/configs:alter`, {
      data: [{ name: 'cleanup.policy', value: 'compact' }],
    });
    assert.equal(alter.status, 204);
    const one = await call('GET', `/v3/clusters/${clusterId}/topics/${topic}/configs/retention.ms`);
    assert.equal(one.body.value, '7200000');
    assert.equal(
      (await call('GET', `/v3/clusters/${clusterId}/topics/${topic}/configs/cleanup.policy`)).body.value,
      'compact',
    );
    assert.equal(
      (await call('DELETE', `/v3/clusters/${clusterId}/topics/${topic}/configs/retention.ms`)).status,
      204,
    );
    assert.equal(
      (await call('GET', `/v3/clusters/${clusterId}/topics/${topic}/configs/retention.ms`)).body.is_default,
      true,
    );

    const partitions = await call('GET', `/v3/clusters/${clusterId}/topics/${topic}/partitions`);
    assert.deepEqual(
      partitions.body.data.map((p: any) => [p.partition_id, p.leader_id]),
      [
        [0, 0],
        [1, 0],
        [2, 0],
      ],
    );

    assert.equal((await call('DELETE', `/v3/clusters/${clusterId}/topics/${topic}`)).status, 204);
    const gone = await call('GET', `/v3/clusters/${clusterId}/topics/${topic}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error_code, 40403);
  });

  test('v3 produce: JSON, STRING and BINARY keys and values reach kcat', async () => {
    const topic = uniqueTopic('rest-v3-produce');
    await call('POST', `/v3/clusters/${clusterId}/topics`, { topic_name: topic, partitions_count: 1 });
    const first = await call('POST', `/v3/clusters/${clusterId}/topics/${topic}/records`, {
      key: { type: 'STRING', data: 'k1' },
      value: { type: 'JSON', data: { n: 1 } },
      headers: [{ name: 'h', value: Buffer.from('v').toString('base64') }],
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.offset, 0);
    assert.equal(first.body.partition_id, 0);
    const second = await call('POST', `/v3/clusters/${clusterId}/topics/${topic}/records`, {
      key: { type: 'BINARY', data: Buffer.from('k2').toString('base64') },
      value: { type: 'STRING', data: 'plain' },
    });
    assert.equal(second.body.offset, 1);
    assert.deepEqual(await kcatConsume(broker.bootstrap, topic, 2), ['k1:{"n":1}', 'k2:plain']);

    const bad = await call('POST', `/v3/clusters/${clusterId}/topics/${topic}/records`, {
      value: { type: 'AVRO', data: 1 },
    });
    assert.equal(bad.status, 400);
    const unknown = await call('POST', `/v3/clusters/${clusterId}/topics/no-such-topic/records`, {
      value: { data: 1 },
    });
    assert.equal(unknown.status, 404);
  });

  test('v2 produce in the JSON and binary embedded formats', async () => {
    const topic = uniqueTopic('rest-v2');
    await call('POST', `/v3/clusters/${clusterId}/topics`, { topic_name: topic, partitions_count: 1 });
    const json = await call(
      'POST',
      `/topics/${topic}`,
      { records: [{ key: 'a', value: { x: 1 } }, { value: [1, 2] }] },
      { 'content-type': 'application/vnd.kafka.json.v2+json' },
    );
    assert.equal(json.status, 200, JSON.stringify(json.body));
    assert.equal(json.contentType, 'application/vnd.kafka.v2+json');
    assert.deepEqual(
      json.body.offsets.map((o: any) => o.offset),
      [0, 1],
    );
    const binary = await call(
      'POST',
      `/topics/${topic}`,
      {
        records: [{ key: Buffer.from('b').toString('base64'), value: Buffer.from('raw').toString('base64') }],
      },
      { 'content-type': 'application/vnd.kafka.binary.v2+json' },
    );
    assert.equal(binary.body.offsets[0].offset, 2);
    assert.deepEqual(await kcatConsume(broker.bootstrap, topic, 3), ['"a":{"x":1}', ':[1,2]', 'b:raw']);

    const described = await call('GET', `/topics/${topic}`);
    assert.equal(described.body.partitions[0].replicas[0].in_sync, true);
    const wrongType = await call(
      'POST',
      `/topics/${topic}`,
      { records: [{ value: 1 }] },
      { 'content-type': 'text/plain' },
    );
    assert.equal(wrongType.status, 415);
    const empty = await call(
      'POST',
      `/topics/${topic}`,
      { records: [] },
      { 'content-type': 'application/vnd.kafka.json.v2+json' },
    );
    assert.equal(empty.status, 422);
  });

  test('consumer groups with consumers and lag', async () => {
    const topic = uniqueTopic('rest-groups');
    const groupId = `rest-group-${process.pid}`;
    await call('POST', `/v3/clusters/${clusterId}/topics`, { topic_name: topic, partitions_count: 2 });
    for (let i = 0; i < 10; i++) {
      await call('POST', `/v3/clusters/${clusterId}/topics/${topic}/records`, {
        partition_id: i % 2,
        value: { data: i },
      });
    }
    consumer = kafkaFor(broker.bootstrap).consumer({ groupId, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen++;
        // Commit only partition 0, so partition 1 keeps a lag of 5.
        if (partition === 0) {
          await consumer!.commitOffsets([{ topic, partition, offset: String(BigInt(message.offset) + 1n) }]);
        }
      },
    });
    await waitFor(() => seen >= 10, { timeoutMs: 30_000, description: 'KafkaJS consumed the records' });

    const group = await waitFor(
      async () => {
        const g = await call('GET', `/v3/clusters/${clusterId}/consumer-groups/${groupId}`);
        return g.body?.state === 'STABLE' ? g : undefined;
      },
      { timeoutMs: 20_000, description: 'the group is stable' },
    );
    assert.equal(group.body.partition_assignor, 'RoundRobinAssigner');
    const consumers = await call('GET', `/v3/clusters/${clusterId}/consumer-groups/${groupId}/consumers`);
    assert.equal(consumers.body.data.length, 1);
    assert.equal(consumers.body.data[0].assigned_partitions.length, 2);
    const lags = await call('GET', `/v3/clusters/${clusterId}/consumer-groups/${groupId}/lags`);
    const byPartition = Object.fromEntries(lags.body.data.map((l: any) => [l.partition_id, l.lag]));
    assert.deepEqual(byPartition, { 0: 0, 1: 5 });
    const summary = await call('GET', `/v3/clusters/${clusterId}/consumer-groups/${groupId}/lag-summary`);
    assert.equal(summary.body.total_lag, 5);
    assert.equal(summary.body.max_lag_partition_id, 1);
    assert.equal((await call('GET', `/v3/clusters/${clusterId}/consumer-groups/no-such-group`)).status, 404);
  });

  test('v2 consumer instances: subscribe as group members, read, commit, assign and seek, delete', async () => {
    const topic = uniqueTopic('rest-v2-consume');
    const groupId = `rest-v2-group-${process.pid}`;
    const json = { 'content-type': 'application/vnd.kafka.json.v2+json' };
    const v2 = { 'content-type': 'application/vnd.kafka.v2+json' };
    await call('POST', `/v3/clusters/${clusterId}/topics`, { topic_name: topic, partitions_count: 2 });
    await call(
      'POST',
      `/topics/${topic}`,
      { records: Array.from({ length: 6 }, (_, i) => ({ partition: i % 2, value: { i } })) },
      json,
    );

    const a = await call(
      'POST',
      `/consumers/${groupId}`,
      { name: 'a', format: 'json', 'auto.offset.reset': 'earliest' },
      v2,
    );
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.base_uri, `${base}/consumers/${groupId}/instances/a`);
    assert.equal((await call('POST', `/consumers/${groupId}`, { name: 'a' }, v2)).status, 409);
    assert.equal(
      (await call('POST', `/consumers/${groupId}/instances/a/subscription`, { topics: [topic] }, v2)).status,
      204,
    );

    const read = async (name: string) => {
      const r = await call('GET', `/consumers/${groupId}/instances/${name}/records?timeout=500`, undefined, {
        accept: 'application/vnd.kafka.json.v2+json',
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { partition: number; offset: number; value: { i: number } }[];
    };
    const seen: number[] = [];
    await waitFor(
      async () => {
        seen.push(...(await read('a')).map((r) => r.value.i));
        return seen.length >= 6;
      },
      { timeoutMs: 30_000, description: 'instance a reads every record' },
    );
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5]);
    // Auto-commit: the group's lag is 0 on both partitions, as a Kafka client's would be.
    const lags = await call('GET', `/v3/clusters/${clusterId}/consumer-groups/${groupId}/lags`);
    assert.deepEqual(
      lags.body.data.map((l: any) => l.lag),
      [0, 0],
    );
    const members = await call('GET', `/v3/clusters/${clusterId}/consumer-groups/${groupId}/consumers`);
    assert.equal(members.body.data.length, 1);
    assert.equal(members.body.data[0].assigned_partitions.length, 2);

    const wrongFormat = await call('GET', `/consumers/${groupId}/instances/a/records`, undefined, {
      accept: 'application/vnd.kafka.binary.v2+json',
    });
    assert.equal(wrongFormat.status, 406);
    assert.equal(wrongFormat.body.error_code, 40601);

    // A binary instance on a manual assignment, seeking back to the beginning of partition 1.
    await call('POST', `/consumers/${groupId}-manual`, { name: 'b', format: 'binary' }, v2);
    const bBase = `/consumers/${groupId}-manual/instances/b`;
    assert.equal(
      (await call('POST', `${bBase}/assignments`, { partitions: [{ topic, partition: 1 }] }, v2)).status,
      204,
    );
    assert.equal(
      (await call('POST', `${bBase}/positions/beginning`, { partitions: [{ topic, partition: 1 }] }, v2))
        .status,
      204,
    );
    const binary = await waitFor(
      async () => {
        const r = await call('GET', `${bBase}/records?timeout=500`, undefined, {
          accept: 'application/vnd.kafka.binary.v2+json',
        });
        return r.body.length >= 3 ? r.body : undefined;
      },
      { timeoutMs: 20_000, description: 'instance b reads partition 1' },
    );
    assert.deepEqual(
      binary.map((r: any) => JSON.parse(Buffer.from(r.value, 'base64').toString()).i),
      [1, 3, 5],
    );
    assert.equal(
      (await call('POST', `${bBase}/offsets`, { offsets: [{ topic, partition: 1, offset: 1 }] }, v2)).status,
      200,
    );
    // REST Proxy's GET .../offsets carries a body, as curl sends it (fetch cannot).
    const committed = await getWithBody(`${base}${bBase}/offsets`, { partitions: [{ topic, partition: 1 }] });
    assert.equal(committed.offsets[0].offset, 2, 'REST Proxy commits the offset after the one named');

    // A second instance joins: the group rebalances and each instance owns one partition.
    await call('POST', `/consumers/${groupId}`, { name: 'a2', format: 'json' }, v2);
    assert.equal(
      (await call('POST', `/consumers/${groupId}/instances/a2/subscription`, { topics: [topic] }, v2)).status,
      204,
    );
    await waitFor(
      async () => {
        await read('a');
        const owned = await Promise.all(
          ['a', 'a2'].map(
            async (n) =>
              (await call('GET', `/consumers/${groupId}/instances/${n}/assignments`)).body.partitions,
          ),
        );
        return owned.every((o) => o.length === 1) && owned[0][0].partition !== owned[1][0].partition;
      },
      { timeoutMs: 30_000, description: 'the two instances split the partitions' },
    );
    assert.equal((await call('DELETE', `/consumers/${groupId}/instances/a2`)).status, 204);
    assert.equal((await call('DELETE', `/consumers/${groupId}/instances/a`)).status, 204);
    assert.equal((await call('DELETE', bBase)).status, 204);
    assert.equal((await call('GET', `/consumers/${groupId}/instances/a/records`)).status, 404);
    await waitFor(
      async () =>
        (await call('GET', `/v3/clusters/${clusterId}/consumer-groups/${groupId}`)).body.state === 'EMPTY',
      { timeoutMs: 10_000, description: 'the group is empty once its instance is deleted' },
    );
  });

  test('bad input gets a clear 4xx, and the broker keeps serving', async () => {
    const malformed = await call('POST', `/v3/clusters/${clusterId}/topics`, '{"topic_name": ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error_code, 40001);
    const noName = await call('POST', `/v3/clusters/${clusterId}/topics`, { partitions_count: 1 });
    assert.equal(noName.status, 400);
    const tooBig = await call('POST', `/v3/clusters/${clusterId}/topics`, { topic_name: 'x'.repeat(70_000) });
    assert.equal(tooBig.status, 413);
    assert.equal((await call('GET', '/no/such/path')).status, 404);
    assert.equal((await call('PATCH', `/v3/clusters/${clusterId}`)).status, 405);
    const traversal = await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`);
    assert.equal(traversal.status, 404);

    // A header block beyond the limit: 431, the connection closed.
    const huge = await fetch(`${base}/v1/health`, { headers: { 'x-big': 'y'.repeat(20_000) } });
    assert.equal(huge.status, 431);

    // A body that trickles in slower than admin.request.timeout.ms is cut off.
    const { port } = new URL(base);
    const closed = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /v3/clusters/${clusterId}/topics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
        );
      });
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
    });
    assert.match(closed, /^HTTP\/1\.1 408/);
    assert.equal((await call('GET', '/v1/health')).status, 200);
  });
});
