/**
 * What observability costs: produce throughput with metrics on and off, the /metrics scrape with
 * 1,000 partitions and 100 groups, and the console's page load against that broker.
 *
 *   node dist/bench/metrics.js [--records N] [--rounds N] [--no-scrape] [--no-save]
 *
 * On a shared 2-core machine single runs vary far more than the 3% being looked for, so runs come
 * in on/off pairs and the result is the median of the pairs' on/off ratios, with its spread and a
 * 95% confidence interval. Two kinds of pair, `--rounds` of each: sequential (one broker after the
 * other, which goes first alternating) and concurrent (both brokers at once, a kcat each, so both
 * see the same load from everything else on the machine; which starts first alternates).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BROKER_NODE_FLAGS } from '../src/cli/broker-node-flags.js';
import { Admin } from '../src/client/admin.js';
import { ClusterClient } from '../src/client/cluster-client.js';
import { GroupAdmin } from '../src/client/groups.js';
import { BrokerMetrics } from '../src/metrics/broker-metrics.js';
import { launchChromium } from '../test/helpers/browser.js';
import { type BenchBroker, loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { rdkafkaProduce, writeRecordFile } from './throughput/rdkafka.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '20' },
    'no-scrape': { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
  },
});
const RECORDS = Number(values.records);
/** On/off pairs of each kind. */
const ROUNDS = Number(values.rounds);
const SIZE = 100;
const TOPICS = 10;
const PARTITIONS_PER_TOPIC = 100;
const GROUPS = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The value at fraction `q` of the sorted list, interpolating between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = sorted[Math.floor(at)]!;
  return below + (sorted[Math.ceil(at)]! - below) * (at - Math.floor(at));
}

/**
 * How on compares with off over the pairs: the median of on/off, its quartiles and range, and a
 * distribution-free 95% confidence interval of the median (order statistics k and n+1-k, k the
 * largest with P(Binomial(n, 1/2) < k) ≤ 2.5%), which says whether the pairs settle the question.
 */
function pairedRatios(on: readonly number[], off: readonly number[]) {
  const ratios = on.map((x, i) => x / off[i]!);
  const sorted = [...ratios].sort((a, b) => a - b);
  const n = sorted.length;
  let k = 0;
  let belowK = 0; // P(X < k)
  let choose = 1; // C(n, k)
  while (k < n && belowK + choose / 2 ** n <= 0.025) {
    belowK += choose / 2 ** n;
    k++;
    choose = (choose * (n - k + 1)) / k;
  }
  return {
    ratios: ratios.map(round3),
    median: round3(quantile(sorted, 0.5)),
    quartiles: [round3(quantile(sorted, 0.25)), round3(quantile(sorted, 0.75))],
    range: [round3(sorted[0]!), round3(sorted[n - 1]!)],
    confidence95: k > 0 ? [round3(sorted[k - 1]!), round3(sorted[n - k]!)] : null,
  };
}

const percent = (ratio: number) => `${((ratio - 1) * 100).toFixed(1)}%`;

function describeRatios(what: string, r: ReturnType<typeof pairedRatios>): string {
  const ci = r.confidence95 ? `, 95% CI ${percent(r.confidence95[0]!)} … ${percent(r.confidence95[1]!)}` : '';
  return `${what}: on vs off ${percent(r.median)} (median of ${r.ratios.length} pairs; quartiles ${percent(r.quartiles[0]!)} … ${percent(r.quartiles[1]!)}, range ${percent(r.range[0]!)} … ${percent(r.range[1]!)}${ci})`;
}

interface ProduceRun {
  recordsPerSec: number;
  /** The broker's utime + stime during the run (/proc/<pid>/stat) per record. */
  cpuMicrosPerRecord: number;
  /**
   * utime alone per record. The kernel's share (stime) varied up to fourfold between identical
   * runs here (page cache work for the log writes, shared with everything else on the machine),
   * and metrics run no kernel code, so this is the steadier measure of what they cost.
   */
  userMicrosPerRecord: number;
  /**
   * The main thread's utime per record: where the metrics code runs. Without the GC helper
   * threads, whose share swung with how often V8 ran full collections in a run (1 to 21 per
   * 3 M records in otherwise alike runs), for reasons of load and timing that metrics do not touch.
   */
  mainUserMicrosPerRecord: number;
  /** Produce requests the broker answered (metrics on only: read from its /metrics). */
  produceRequests?: number;
}

const startBroker = (metrics: boolean) =>
  startBenchBroker({
    config: { 'admin.listener': metrics ? '127.0.0.1:0' : 'none' },
  });

/**
 * One kcat produce run of RECORDS × 100 B, acks=1, against a fresh broker: records/s, and the
 * broker's CPU time per record (steadier than throughput on a shared machine, where the client
 * and other work compete for the same cores).
 */
async function produceRun(broker: BenchBroker, metrics: boolean, workDir: string): Promise<ProduceRun> {
  const before = broker.sample();
  const run = await rdkafkaProduce({
    driver: 'kcat',
    bootstrap: broker.bootstrap,
    topic: 'bench-metrics',
    count: RECORDS,
    size: SIZE,
    acks: '1',
    workDir,
  });
  const after = broker.sample();
  return {
    recordsPerSec: run.records / run.seconds,
    cpuMicrosPerRecord: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / run.records,
    userMicrosPerRecord: ((after.userSeconds - before.userSeconds) * 1e6) / run.records,
    mainUserMicrosPerRecord:
      ((after.mainThreadUserSeconds - before.mainThreadUserSeconds) * 1e6) / run.records,
    produceRequests: metrics ? await produceRequests(broker.adminUrl!) : undefined,
  };
}

type PairKind = 'sequential' | 'concurrent';

/** One on/off pair; `onFirst` says which broker starts (and, sequentially, runs) first. */
async function producePair(
  kind: PairKind,
  onFirst: boolean,
  workDir: string,
): Promise<{ on: ProduceRun; off: ProduceRun }> {
  const order = onFirst ? [true, false] : [false, true];
  if (kind === 'sequential') {
    const runs = new Map<boolean, ProduceRun>();
    for (const metrics of order) {
      const broker = await startBroker(metrics);
      try {
        runs.set(metrics, await produceRun(broker, metrics, workDir));
      } finally {
        await broker.stop();
      }
    }
    return { on: runs.get(true)!, off: runs.get(false)! };
  }
  const brokers = new Map<boolean, BenchBroker>();
  try {
    for (const metrics of order) brokers.set(metrics, await startBroker(metrics));
    const [first, second] = await Promise.all(
      order.map((metrics) => produceRun(brokers.get(metrics)!, metrics, workDir)),
    );
    return onFirst ? { on: first!, off: second! } : { on: second!, off: first! };
  } finally {
    await Promise.all([...brokers.values()].map((b) => b.stop()));
  }
}

/** `pairs` on/off pairs of one kind, and how on compares with off. */
async function producePairs(kind: PairKind, pairs: number, workDir: string) {
  const on: ProduceRun[] = [];
  const off: ProduceRun[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    // Alternating the order cancels what the first (or second) of a pair has in common.
    const onFirst = pair % 2 === 1;
    const run = await producePair(kind, onFirst, workDir);
    on.push(run.on);
    off.push(run.off);
    const describe = (r: ProduceRun) =>
      `${Math.round(r.recordsPerSec)} rec/s, ${r.cpuMicrosPerRecord.toFixed(3)} µs CPU (${r.userMicrosPerRecord.toFixed(3)} user, ${r.mainUserMicrosPerRecord.toFixed(3)} main thread user)/record`;
    console.log(
      `${kind} pair ${pair + 1} (${onFirst ? 'on' : 'off'} first): metrics off ${describe(run.off)}; on ${describe(run.on)}`,
    );
  }
  const rates = (runs: ProduceRun[]) => runs.map((r) => r.recordsPerSec);
  const cpu = (runs: ProduceRun[]) => runs.map((r) => r.cpuMicrosPerRecord);
  const user = (runs: ProduceRun[]) => runs.map((r) => r.userMicrosPerRecord);
  const mainUser = (runs: ProduceRun[]) => runs.map((r) => r.mainUserMicrosPerRecord);
  const result = {
    metricsOffRecordsPerSec: rates(off).map(Math.round),
    metricsOnRecordsPerSec: rates(on).map(Math.round),
    throughputOnVsOff: pairedRatios(rates(on), rates(off)),
    brokerCpuMicrosPerRecordOff: cpu(off).map(round3),
    brokerCpuMicrosPerRecordOn: cpu(on).map(round3),
    brokerCpuOnVsOff: pairedRatios(cpu(on), cpu(off)),
    brokerUserMicrosPerRecordOff: user(off).map(round3),
    brokerUserMicrosPerRecordOn: user(on).map(round3),
    brokerUserCpuOnVsOff: pairedRatios(user(on), user(off)),
    brokerMainThreadUserMicrosPerRecordOff: mainUser(off).map(round3),
    brokerMainThreadUserMicrosPerRecordOn: mainUser(on).map(round3),
    brokerMainThreadUserCpuOnVsOff: pairedRatios(mainUser(on), mainUser(off)),
    produceRequestsPerRun: median(on.map((r) => r.produceRequests ?? 0)),
  };
  console.log(describeRatios(`${kind} pairs, produce throughput`, result.throughputOnVsOff));
  console.log(describeRatios(`${kind} pairs, broker CPU per record`, result.brokerCpuOnVsOff));
  console.log(describeRatios(`${kind} pairs, broker user CPU per record`, result.brokerUserCpuOnVsOff));
  console.log(
    describeRatios(
      `${kind} pairs, broker main thread user CPU per record`,
      result.brokerMainThreadUserCpuOnVsOff,
    ),
  );
  return result;
}

/** Produce requests the broker has answered, from its own /metrics. */
async function produceRequests(adminUrl: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(/^samsa_network_requests_total\{request="Produce",[^}]*\} (\S+)$/gm)) {
    total += Number(m[1]);
  }
  return total;
}

/**
 * What the metrics hooks of one Produce request cost, timed in this process: the request's count
 * and three timings (the pipeline's requestCompleted) and its topic's counters (the handler's
 * produced). A direct measure beside the noisy end-to-end ratios.
 */
function produceHookMicros(): number {
  const metrics = new BrokerMetrics({ perPartition: true });
  const calls = 1_000_000;
  let best = Number.POSITIVE_INFINITY;
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) {
        metrics.requestCompleted('Produce', 7, 0.2 + (i & 7) * 0.1, i & 1);
        metrics.produced('bench-metrics', 9000, 1_000_000);
      }
      best = Math.min(best, ((performance.now() - started) * 1000) / calls);
    }
  } finally {
    metrics.close();
  }
  return best;
}

async function scrapeAndConsole(): Promise<Record<string, unknown>> {
  const broker = await startBenchBroker({ config: { 'admin.listener': '127.0.0.1:0' } });
  const cluster = new ClusterClient({ brokers: broker.bootstrap });
  try {
    const admin = new Admin(cluster);
    const topics = Array.from({ length: TOPICS }, (_, i) => `scrape-${i}`);
    await admin.createTopics(topics.map((name) => ({ name, numPartitions: PARTITIONS_PER_TOPIC })));
    const groups = new GroupAdmin(cluster);
    for (let g = 0; g < GROUPS; g++) {
      // Each group commits an offset on ten partitions: 1,000 committed offsets and lag series in all.
      const topic = topics[g % TOPICS]!;
      await groups.commitOffsets(
        `scrape-group-${g}`,
        Array.from({ length: 10 }, (_, p) => ({
          topic,
          partition: (g * 10 + p) % PARTITIONS_PER_TOPIC,
          offset: 0n,
        })),
      );
    }
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const text = await (await fetch(`${broker.adminUrl}/metrics`)).text();
      times.push(performance.now() - started);
      size = Buffer.byteLength(text);
    }
    const browser = await launchChromium();
    const loads: Record<string, number[]> = { '/': [], '/topics': [] };
    try {
      const page = await browser.newPage();
      for (let i = 0; i < 5; i++) {
        for (const [url, list] of Object.entries(loads)) {
          const started = performance.now();
          await page.goto(`${broker.adminUrl}${url}`);
          // Loaded when the page shows data from the broker, not only its shell.
          await page
            .locator(url === '/' ? '.card-value' : 'table.topics tbody tr')
            .first()
            .waitFor();
          list.push(performance.now() - started);
        }
      }
    } finally {
      await browser.close();
    }
    return {
      partitions: TOPICS * PARTITIONS_PER_TOPIC + 100,
      groups: GROUPS,
      scrapeMsMedian: Math.round(median(times) * 10) / 10,
      scrapeMsMax: Math.round(Math.max(...times) * 10) / 10,
      scrapeBytes: size,
      consoleLoadMsMedian: Object.fromEntries(
        Object.entries(loads).map(([u, l]) => [u, Math.round(median(l))]),
      ),
    };
  } finally {
    await cluster.close();
    await broker.stop();
  }
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-metrics-'));
try {
  // Written once before any timing, and before two kcats could race to write it.
  writeRecordFile(workDir, RECORDS, SIZE);
  const loadBefore = loadAverage();
  const sequential = await producePairs('sequential', ROUNDS, workDir);
  const concurrent = await producePairs('concurrent', ROUNDS, workDir);
  const hookMicros = produceHookMicros();
  const requestsPerRun = median([sequential.produceRequestsPerRun, concurrent.produceRequestsPerRun]);
  const cpuOff = median([
    ...sequential.brokerCpuMicrosPerRecordOff,
    ...concurrent.brokerCpuMicrosPerRecordOff,
  ]);
  const hooks = {
    microsPerProduceRequest: round3(hookMicros),
    produceRequestsPerRun: requestsPerRun,
    /** The hooks' CPU per record as a share of the broker's CPU per record with metrics off. */
    shareOfBrokerCpu: Number(((hookMicros * requestsPerRun) / RECORDS / cpuOff).toPrecision(2)),
  };
  console.log(
    `metrics hooks: ${hookMicros.toFixed(3)} µs per Produce request × ${requestsPerRun} requests per run = ${(hooks.shareOfBrokerCpu * 100).toPrecision(2)}% of the broker's CPU per record`,
  );
  const scrape = values['no-scrape'] ? undefined : await scrapeAndConsole();
  if (scrape) {
    console.log(
      `/metrics with ${scrape.partitions} partitions and ${scrape.groups} groups: ${scrape.scrapeMsMedian} ms median, ${scrape.scrapeBytes} bytes; console load ${JSON.stringify(scrape.consoleLoadMsMedian)} ms`,
    );
  }
  const result = {
    date: new Date().toISOString(),
    command: `node dist/bench/metrics.js --records ${RECORDS} --rounds ${ROUNDS}${scrape ? '' : ' --no-scrape'}`,
    machine: machineInfo(),
    loadAverage: { before: loadBefore, after: loadAverage() },
    produce: {
      records: RECORDS,
      size: SIZE,
      acks: '1',
      pairs: ROUNDS,
      // Every broker starts with these (src/cli/broker-node-flags.ts).
      brokerNodeOptions: BROKER_NODE_FLAGS,
      sequential,
      concurrent,
      hooks,
    },
    scrape,
  };
  if (!values['no-save']) console.log(`wrote ${saveResult(result, 'metrics', new Date())}`);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
