import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ClusterClient } from '../../src/client/cluster-client.js';
import {
  BrokerThroughput,
  type ByteTotals,
  readLeaderOffsets,
} from '../../src/http/console/broker-throughput.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { freePort } from '../helpers/prometheus.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

/** This broker's byte counters, from its Prometheus exposition. */
async function scrapedBytes(adminUrl: string): Promise<ByteTotals> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    bytesIn: sum('samsa_broker_topic_bytes_in_total'),
    bytesOut: sum('samsa_broker_topic_bytes_out_total'),
  };
}

function kcatProduce(bootstrap: string, topic: string, count: number): Promise<unknown> {
  const lines = `${Array.from({ length: count }, (_, i) => `record-${i}`).join('\n')}\n`;
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', ['-P', '-b', bootstrap, '-t', topic], { timeout: 30_000 }, (error) =>
      error ? reject(error) : resolve(undefined),
    );
    child.stdin!.end(lines);
  });
}

// Per-broker records in/s from leader end offsets (Metadata + ListOffsets through Samsa's client),
// against a real broker fed by kcat.
describe('broker throughput sampler', { timeout: 120_000 }, () => {
  let broker: TestBroker;
  let cluster: ClusterClient;
  const topic = `throughput-${process.pid}`;

  before(async () => {
    broker = await startBroker();
    cluster = new ClusterClient({ brokers: broker.bootstrap });
    await run('node', ['bin/samsa', 'topic', 'create', topic, '--partitions', '4', '-b', broker.bootstrap]);
  });
  after(async () => {
    await cluster?.close();
    await broker?.cleanup();
  });

  test('kcat traffic gives its leader a rate above zero; history and partitions stay bounded', async () => {
    const adminUrl = broker.broker.adminUrl!;
    const sampler = new BrokerThroughput({
      intervalMs: 100,
      idleMs: 600,
      maxSamples: 4,
      ownBytes: () => scrapedBytes(adminUrl),
    });
    // Capped one short of every partition: the last by name (this topic's partition 3) is left out.
    const { partitionsTotal } = await readLeaderOffsets(cluster);
    assert.ok(partitionsTotal >= 4);
    const cap = partitionsTotal - 1;
    const read = () => readLeaderOffsets(cluster, cap);
    const first = await sampler.watch(read);
    assert.equal(first.error, undefined);
    const [self] = first.latest!.brokers;
    assert.ok(self, 'the broker is in the reading');
    assert.equal(first.latest!.partitionsRead, cap, 'the partition cap holds');
    assert.equal(first.latest!.offsets.size, cap);
    assert.ok(!first.latest!.offsets.has(`${topic}\u00003`));

    const producing = (async () => {
      for (let i = 0; i < 5; i++) await kcatProduce(broker.bootstrap, topic, 200);
    })();
    const busy = await waitFor(
      async () => {
        const view = await sampler.watch(read);
        return view.samples.find(
          (s) => (s.messagesInPerSec[self.nodeId] ?? 0) > 0 && (s.bytesInPerSec ?? 0) > 0,
        );
      },
      { timeoutMs: 60_000, description: 'a sample with records and bytes in' },
    );
    assert.ok(busy.messagesInPerSec[self.nodeId]! > 0);
    await producing;

    // Enough further samples to overflow the history: it keeps the latest maxSamples.
    const seen = new Set<number>();
    await waitFor(
      async () => {
        const view = await sampler.watch(read);
        for (const s of view.samples) seen.add(s.timeMs);
        assert.ok(view.samples.length <= 4, `${view.samples.length} samples kept`);
        return seen.size > 8;
      },
      { timeoutMs: 30_000, description: 'more samples than the history keeps' },
    );

    // Nobody watching: the loop stops by itself.
    assert.equal(sampler.active, true);
    await waitFor(() => !sampler.active, { timeoutMs: 10_000, description: 'the idle loop to stop' });
  });

  test('GET /v1/console/brokers/throughput lists the broker with what it leads', async () => {
    const response = await fetch(`${broker.broker.adminUrl}/v1/console/brokers/throughput`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      brokers: { nodeId: number; controller: boolean; partitionsLed: number; host: string }[];
      partitionsTotal: number;
      samples: unknown[];
      error: string | null;
    };
    assert.equal(body.error, null);
    assert.equal(body.brokers.length, 1);
    assert.equal(body.brokers[0]!.controller, true);
    assert.equal(body.brokers[0]!.partitionsLed, body.partitionsTotal);
    assert.ok(body.partitionsTotal >= 4);
    assert.ok(Array.isArray(body.samples));
  });
});

interface ThroughputAnswer {
  brokers: { nodeId: number; host: string; port: number; messagesInPerSec: number | null }[];
  error: string | null;
}

// Two brokers in ZooKeeper mode: the console of broker 1 alone, from the Kafka protocol, shows both
// brokers and the records each of them leads taking in kcat's traffic.
describe('broker throughput across a cluster', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  const admin = new Map<number, string>();
  const topic = `spread-${process.pid}`;

  before(async () => {
    cluster = await startCluster({ brokers: 0 });
    for (const id of [1, 2]) {
      const port = await freePort();
      await cluster.startBroker(id, { config: { 'admin.listener': `127.0.0.1:${port}` } });
      admin.set(id, `http://127.0.0.1:${port}`);
    }
    await run('node', [
      'bin/samsa',
      'topic',
      'create',
      topic,
      '--partitions',
      '4',
      '--replication-factor',
      '1',
      '-b',
      cluster.bootstrap(),
    ]);
  });
  after(async () => {
    await cluster?.cleanup();
  });

  test("one broker's console gives every broker a row and a rate", async () => {
    const url = `${admin.get(1)}/v1/console/brokers/throughput`;
    const answer = await waitFor(
      async () => {
        await kcatProduce(cluster.bootstrap(), topic, 100);
        const body = (await (await fetch(url)).json()) as ThroughputAnswer;
        const moving = body.brokers.filter((b) => (b.messagesInPerSec ?? 0) > 0);
        return moving.length === 2 ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'records in on both brokers, seen from broker 1' },
    );
    assert.equal(answer.error, null);
    assert.deepEqual(
      answer.brokers.map((b) => b.nodeId),
      [1, 2],
    );
    assert.deepEqual(
      answer.brokers.map((b) => `${b.host}:${b.port}`),
      [cluster.brokers.get(1)!.bootstrap, cluster.brokers.get(2)!.bootstrap],
    );
  });
});
