import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Consumer, Kafka } from 'kafkajs';
import { kafkaFor, uniqueTopic } from '../compat/kafkajs-client.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { repoRoot } from '../helpers/paths.js';
import { startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { waitFor } from '../helpers/wait-for.js';

const RECORDS = 200;

/** Produces `lines` with kcat (librdkafka), keyed `k<i>`, acks=all. */
function kcatProduce(bootstrap: string, topic: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-P', '-b', bootstrap, '-t', topic, '-K', ':', '-X', 'acks=all'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${stderr}`)),
    );
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

const sum = (result: { value: [number, string] }[]) =>
  result.reduce((total, r) => total + Number(r.value[1]), 0);

// Metrics as Prometheus sees them: a real Prometheus scrapes the broker's /metrics while librdkafka
// produces and a KafkaJS group consumes and commits, and PromQL through its HTTP API finds the
// counts the clients caused.
describe('metrics scraped by Prometheus', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let prometheus: TestPrometheus;
  let kafka: Kafka;
  let consumer: Consumer | undefined;
  const topic = uniqueTopic('metrics');
  const group = `metrics-group-${process.pid}`;

  before(async () => {
    broker = await startBroker({ config: { 'num.partitions': '2' } });
    const adminPort = broker.broker.adminPort;
    assert.ok(adminPort, 'the admin port is bound');
    prometheus = await startPrometheus([`127.0.0.1:${adminPort}`]);
    kafka = kafkaFor(broker.bootstrap);
  });

  after(async () => {
    await consumer?.disconnect();
    await prometheus?.stop();
    await broker?.cleanup();
  });

  test('the broker serves the Prometheus text format at /metrics', async () => {
    const response = await fetch(`${broker.broker.adminUrl}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const text = await response.text();
    for (const name of [
      'samsa_broker_topic_messages_in_total',
      '# TYPE samsa_network_request_total_time_ms histogram',
      'samsa_event_loop_utilization_ratio',
      'samsa_process_resident_memory_bytes',
      'samsa_controller_active_controller_count 1',
    ]) {
      assert.ok(text.includes(name), `/metrics has ${name}`);
    }
  });

  test('produce, consume and commit show up through PromQL', async () => {
    const lines = Array.from({ length: RECORDS }, (_, i) => `k${i}:value-${i}`);
    await kcatProduce(broker.bootstrap, topic, lines);

    consumer = kafka.consumer({ groupId: group, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let consumed = 0;
    await consumer.run({
      autoCommitInterval: 100,
      eachMessage: async () => {
        consumed++;
      },
    });
    await waitFor(() => consumed >= RECORDS, {
      timeoutMs: 30_000,
      description: 'KafkaJS consumed every record',
    });
    assert.equal(consumed, RECORDS);

    const messagesIn = await waitFor(
      async () => {
        const n = sum(await prometheus.query(`samsa_broker_topic_messages_in_total{topic="${topic}"}`));
        return n === RECORDS ? n : 0;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'Prometheus sees every produced record' },
    );
    assert.equal(messagesIn, RECORDS);

    const bytesIn = sum(await prometheus.query(`samsa_broker_topic_bytes_in_total{topic="${topic}"}`));
    assert.ok(bytesIn >= RECORDS * 'value-0'.length, `bytes in ${bytesIn}`);
    await waitFor(
      async () =>
        sum(await prometheus.query(`samsa_broker_topic_bytes_out_total{topic="${topic}"}`)) >= bytesIn,
      { timeoutMs: 30_000, intervalMs: 500, description: 'bytes out reach at least the bytes consumed' },
    );

    // Committed offsets and lag per partition, as Burrow and kafka-lag-exporter compute them.
    await waitFor(
      async () =>
        sum(
          await prometheus.query(`samsa_consumer_group_committed_offset{group="${group}",topic="${topic}"}`),
        ) === RECORDS,
      { timeoutMs: 30_000, intervalMs: 500, description: 'committed offsets add up to the records produced' },
    );
    const lag = await prometheus.query(`samsa_consumer_group_lag{group="${group}",topic="${topic}"}`);
    assert.equal(lag.length, 2, 'a lag series per partition');
    assert.equal(sum(lag), 0);

    const endOffsets = await prometheus.query(`samsa_log_log_end_offset{topic="${topic}"}`);
    assert.equal(sum(endOffsets), RECORDS);
    const stable = await prometheus.query('samsa_group_coordinator_groups{state="Stable"}');
    assert.equal(sum(stable), 1);
    const produces = await prometheus.query('samsa_network_requests_total{request="Produce"}');
    assert.ok(sum(produces) >= 1);
    const fetchLatency = await prometheus.query('samsa_network_request_total_time_ms_count{request="Fetch"}');
    assert.ok(sum(fetchLatency) >= 1);
    const connections = await prometheus.query('samsa_socket_server_connections{listener="PLAINTEXT"}');
    assert.ok(sum(connections) >= 1, 'the consumer connections are counted');
  });

  test('every metric the Grafana dashboard queries is exported', async () => {
    const dashboard = fs.readFileSync(path.join(repoRoot, 'docs', 'grafana', 'samsa-dashboard.json'), 'utf8');
    const queried = new Set([...dashboard.matchAll(/samsa_[a-z_]+/g)].map((m) => m[0]));
    const text = await (await fetch(`${broker.broker.adminUrl}/metrics`)).text();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
    assert.ok(queried.size >= 15, `the dashboard queries ${queried.size} metrics`);
    // A histogram's series are its name plus _bucket, _count and _sum.
    const isExported = (name: string) =>
      exported.has(name) || exported.has(name.replace(/_(bucket|count|sum)$/, ''));
    assert.deepEqual(
      [...queried].filter((name) => !isExported(name)),
      [],
    );
  });

  test('health and readiness', async () => {
    const health = await fetch(`${broker.broker.adminUrl}/v1/health`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${broker.broker.adminUrl}/v1/ready`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { ready: boolean; checks: Record<string, boolean> };
    assert.equal(body.ready, true);
    assert.deepEqual(Object.keys(body.checks).sort(), [
      'groupCoordinatorLoaded',
      'listenerBound',
      'logsLoaded',
      'transactionCoordinatorLoaded',
    ]);
  });
});
