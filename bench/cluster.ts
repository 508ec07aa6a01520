/**
 * The cluster benchmark: three broker processes with the ZooKeeper controller, over a real
 * ZooKeeper started by the bench (test/helpers/cluster.ts).
 *
 * - throughput: kcat (librdkafka) produces with acks=all to a one-partition topic with RF 1 and one
 *   with RF 3, on the same cluster (target: RF 3 at least 50% of RF 1);
 * - latency: end-to-end p50/p99 (produce → a consumer receives it) at --latency-rate records/s,
 *   RF 3 (--latency-rf), acks=all (bench/rdkafka-latency.py);
 * - failover: kill -9 of a partition's leader → the producer's next acknowledged record (an
 *   idempotent acks=all producer, test/helpers/failover.ts), with zookeeper.session.timeout.ms at
 *   Kafka's default (18 s) and at 2 s (target: under 3 s at 2 s);
 * - partitions: time to create --create-partitions partitions with RF 3 (until every one has a
 *   leader and a full ISR in ZooKeeper), and the brokers' resident memory per partition.
 *
 *   node dist/bench/cluster.js [--phases throughput,latency,failover,partitions] [--records N]
 *     [--size B] [--runs R] [--latency-rate R] [--latency-seconds S] [--latency-rf F] [--failover-rounds N]
 *     [--create-partitions N] [--keep-page-cache] [--no-save]
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startCluster, type TestCluster, zkReader } from '../test/helpers/cluster.js';
import {
  FAILOVER_PRODUCER_SETTINGS,
  killLeaderRound,
  StreamingProducer,
  startFailoverScenario,
  waitForFullIsr,
} from '../test/helpers/failover.js';
import { DEBIAN_PYTHON } from '../test/helpers/paths.js';
import { runSamsa } from '../test/helpers/run-samsa.js';
import { makeTempDir } from '../test/helpers/temp-dir.js';
import { dropPageCache, loadAverage, machineInfo, sampleProcess } from './throughput/broker-process.js';
import { rdkafkaProduce } from './throughput/rdkafka.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    phases: { type: 'string', default: 'throughput,latency,failover,partitions' },
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    'latency-rate': { type: 'string', default: '10000' },
    'latency-seconds': { type: 'string', default: '10' },
    'latency-rf': { type: 'string', default: '3' },
    'failover-rounds': { type: 'string', default: '2' },
    'create-partitions': { type: 'string', default: '1000' },
    'no-save': { type: 'boolean', default: false },
    'keep-page-cache': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'node dist/bench/cluster.js [--phases throughput,latency,failover,partitions] [--records N] [--size B] [--runs R] [--latency-rate R] [--latency-seconds S] [--latency-rf F] [--failover-rounds N] [--create-partitions N] [--keep-page-cache] [--no-save]',
  );
  process.exit(0);
}
const phases = new Set(values.phases.split(','));
const size = Number(values.size);
const LATENCY_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../bench/rdkafka-latency.py',
);
const results: Record<string, unknown> = {};

async function createTopic(
  cluster: TestCluster,
  name: string,
  partitions: number,
  rf: number,
): Promise<void> {
  const out = await runSamsa([
    'topic',
    'create',
    name,
    '-p',
    String(partitions),
    '-r',
    String(rf),
    '--brokers',
    cluster.bootstrap(),
  ]);
  if (out.code !== 0) throw new Error(`topic create ${name}: ${out.stderr}`);
}

/** The partition 0 leader of `topic`, from its state znode. */
async function leaderOf(zk: Awaited<ReturnType<typeof zkReader>>, topic: string): Promise<number> {
  const node = await zk.get(`/brokers/topics/${topic}/partitions/0/state`);
  return node ? (JSON.parse(node.data.toString()) as { leader: number }).leader : -1;
}

/** Before each throughput run: the same memory state for every run (see `dropPageCache`). */
function settlePageCache(): boolean {
  return values['keep-page-cache'] ? false : dropPageCache();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Resident memory of a process now (VmRSS), bytes. */
function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function onCluster(work: (cluster: TestCluster) => Promise<void>): Promise<void> {
  const cluster = await startCluster({ brokers: 3 });
  try {
    await work(cluster);
  } finally {
    await cluster.cleanup();
  }
}

if (phases.has('throughput') || phases.has('latency') || phases.has('partitions')) {
  await onCluster(async (cluster) => {
    const zk = await zkReader(cluster);
    try {
      if (phases.has('throughput')) {
        const work = makeTempDir('samsa-bench-cluster-');
        let pageCacheDropped = false;
        const rows: {
          replicationFactor: number;
          run: number;
          recordsPerSec: number;
          /** CPU seconds each broker spent on the run, leader first. */
          brokerCpuSeconds: number[];
        }[] = [];
        try {
          for (let run = 1; run <= Number(values.runs); run++) {
            for (const rf of [1, 3]) {
              const topic = `tp-rf${rf}-${run}`;
              await createTopic(cluster, topic, 1, rf);
              await waitForFullIsr(zk, topic, 1, rf);
              const leader = await leaderOf(zk, topic);
              const pids = [...cluster.brokers.entries()]
                .sort(([a], [b]) => (a === leader ? -1 : b === leader ? 1 : a - b))
                .map(([, b]) => b.pid);
              pageCacheDropped = settlePageCache();
              const cpuBefore = pids.map((pid) => sampleProcess(pid).cpuSeconds);
              const r = await rdkafkaProduce({
                driver: 'kcat',
                bootstrap: cluster.bootstrap(),
                topic,
                count: Number(values.records),
                size,
                acks: 'all',
                workDir: work.path,
              });
              const recordsPerSec = Math.round(r.records / r.seconds);
              const brokerCpuSeconds = pids.map(
                (pid, i) => Math.round((sampleProcess(pid).cpuSeconds - cpuBefore[i]!) * 100) / 100,
              );
              rows.push({ replicationFactor: rf, run, recordsPerSec, brokerCpuSeconds });
              console.log(
                `throughput RF ${rf} acks=all run ${run}: ${recordsPerSec} records/s; broker CPU s (leader first): ${brokerCpuSeconds.join(', ')}`,
              );
            }
          }
        } finally {
          work.cleanup();
        }
        const rf1 = median(rows.filter((r) => r.replicationFactor === 1).map((r) => r.recordsPerSec));
        const rf3 = median(rows.filter((r) => r.replicationFactor === 3).map((r) => r.recordsPerSec));
        const ratio = Math.round((rf3 / rf1) * 100);
        console.log(
          `throughput median: RF 1 ${rf1}, RF 3 ${rf3} records/s: RF 3 is ${ratio}% of RF 1 (target >= 50%) ${ratio >= 50 ? 'MET' : 'MISSED'}`,
        );
        results.throughput = {
          pageCacheDropped,
          records: Number(values.records),
          size,
          rows,
          rf1,
          rf3,
          rf3PercentOfRf1: ratio,
        };
      }

      if (phases.has('latency')) {
        const rf = Number(values['latency-rf']);
        const topic = `latency-rf${rf}`;
        await createTopic(cluster, topic, 3, rf);
        await waitForFullIsr(zk, topic, 3, rf);
        const { stdout } = await promisify(execFile)(
          DEBIAN_PYTHON,
          [
            LATENCY_SCRIPT,
            cluster.bootstrap(),
            topic,
            '3',
            values['latency-rate'],
            values['latency-seconds'],
            String(size),
            'all',
          ],
          { timeout: 120_000 },
        );
        const latency = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
        console.log(
          `latency RF ${rf} acks=all at ${latency.rate} records/s: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms (${latency.received}/${latency.sent} received)`,
        );
        results.latency = { replicationFactor: rf, targetRate: Number(values['latency-rate']), ...latency };
      }

      if (phases.has('partitions')) {
        const n = Number(values['create-partitions']);
        const pids = [...cluster.brokers.values()].map((b) => b.pid);
        const before = pids.map(rssBytes);
        const start = Date.now();
        await createTopic(cluster, 'many', n, 3);
        await waitForFullIsr(zk, 'many', n, 3, 600_000);
        const seconds = (Date.now() - start) / 1000;
        // Let the replicas settle (first fetches, checkpoints) before reading memory.
        await new Promise((r) => setTimeout(r, 3000));
        const after = pids.map(rssBytes);
        const grown = after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0);
        const perReplicaKB = Math.round(grown / (n * 3) / 1024);
        console.log(
          `partitions: ${n} partitions RF 3 created, every one led with a full ISR, in ${seconds.toFixed(1)} s; brokers' RSS grew ${(grown / 1e6).toFixed(0)} MB: ${perReplicaKB} KB per replica, ${Math.round(grown / n / 1024)} KB per partition (3 replicas)`,
        );
        results.partitions = {
          partitions: n,
          seconds,
          rssBeforeMB: before.map((b) => Math.round(b / 1e6)),
          rssAfterMB: after.map((b) => Math.round(b / 1e6)),
          perReplicaKB,
          perPartitionKB: Math.round(grown / n / 1024),
        };
      }
    } finally {
      zk.close();
    }
  });
}

if (phases.has('failover')) {
  const failover: Record<string, number[]> = {};
  for (const sessionTimeoutMs of [18_000, 2_000]) {
    const scenario = await startFailoverScenario({ sessionTimeoutMs, partitions: 1, rate: 1000 });
    try {
      const times: number[] = [];
      await scenario.producer.stop();
      for (let round = 0; round < Number(values['failover-rounds']); round++) {
        // A fresh producer each round: one that saw the previous victim down would still be in
        // librdkafka's reconnect backoff (up to reconnect.backoff.max.ms, 10 s) towards it.
        scenario.producer = StreamingProducer.start({
          bootstrap: scenario.cluster.bootstrap(),
          topic: scenario.topic,
          partitions: 1,
          rate: 1000,
          settings: [...FAILOVER_PRODUCER_SETTINGS],
        });
        await scenario.producer.nextAck(0, 0);
        const report = await killLeaderRound(scenario);
        await scenario.producer.stop();
        times.push(report.failoverMs!);
        console.log(
          `failover, zookeeper.session.timeout.ms=${sessionTimeoutMs}: kill -9 of broker ${report.victim} → next acknowledged record after ${report.failoverMs} ms`,
        );
      }
      failover[String(sessionTimeoutMs)] = times;
    } finally {
      await scenario.cleanup();
    }
  }
  const at2s = median(failover['2000']!);
  console.log(`failover median at 2 s: ${at2s} ms (target < 3000 ms) ${at2s < 3000 ? 'MET' : 'MISSED'}`);
  results.failover = failover;
}

if (!values['no-save']) {
  const file = saveResult(
    {
      scenario: 'cluster',
      date: new Date().toISOString(),
      machine: machineInfo(),
      loadAverage: loadAverage(),
      setup: '3 broker processes, ZooKeeper controller, real ZooKeeper; librdkafka clients',
      ...results,
    },
    'cluster',
    new Date(),
  );
  console.log(`wrote ${file}`);
}
