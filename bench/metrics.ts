/**
 * What observability costs: produce throughput with metrics on and off, the /metrics scrape with
 * 1,000 partitions and 100 groups, and the console's page load against that broker.
 *
 *   node dist/bench/metrics.js [--records N] [--rounds N] [--no-save]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Admin } from '../src/client/admin.js';
import { ClusterClient } from '../src/client/cluster-client.js';
import { GroupAdmin } from '../src/client/groups.js';
import { launchChromium } from '../test/helpers/browser.js';
import { loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { rdkafkaProduce } from './throughput/rdkafka.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    'no-save': { type: 'boolean', default: false },
  },
});
const RECORDS = Number(values.records);
const ROUNDS = Number(values.rounds);
const SIZE = 100;
const TOPICS = 10;
const PARTITIONS_PER_TOPIC = 100;
const GROUPS = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One kcat produce run of RECORDS × 100 B, acks=1, against a fresh broker with metrics on or off:
 * records/s, and the broker's CPU time per record (steadier than throughput on a shared machine,
 * where the client and other work compete for the same cores).
 */
async function produceRun(
  metrics: boolean,
  workDir: string,
): Promise<{ recordsPerSec: number; cpuMicrosPerRecord: number }> {
  const broker = await startBenchBroker({ config: { 'admin.listener': metrics ? '127.0.0.1:0' : 'none' } });
  try {
    const cpuBefore = broker.sample().cpuSeconds;
    const run = await rdkafkaProduce({
      driver: 'kcat',
      bootstrap: broker.bootstrap,
      topic: 'bench-metrics',
      count: RECORDS,
      size: SIZE,
      acks: '1',
      workDir,
    });
    return {
      recordsPerSec: run.records / run.seconds,
      cpuMicrosPerRecord: ((broker.sample().cpuSeconds - cpuBefore) * 1e6) / run.records,
    };
  } finally {
    await broker.stop();
  }
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
  const off: number[] = [];
  const on: number[] = [];
  const cpuOff: number[] = [];
  const cpuOn: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [metrics, rates, cpu] of [
      [false, off, cpuOff],
      [true, on, cpuOn],
    ] as const) {
      const run = await produceRun(metrics, workDir);
      rates.push(run.recordsPerSec);
      cpu.push(run.cpuMicrosPerRecord);
    }
    console.log(
      `round ${round + 1}: metrics off ${Math.round(off.at(-1)!)} rec/s (${cpuOff.at(-1)!.toFixed(3)} µs CPU/record), on ${Math.round(on.at(-1)!)} rec/s (${cpuOn.at(-1)!.toFixed(3)} µs CPU/record)`,
    );
  }
  const produce = {
    records: RECORDS,
    size: SIZE,
    acks: '1',
    metricsOffRecordsPerSec: off.map(Math.round),
    metricsOnRecordsPerSec: on.map(Math.round),
    medianOff: Math.round(median(off)),
    medianOn: Math.round(median(on)),
    onVsOff: Math.round((median(on) / median(off)) * 1000) / 1000,
    brokerCpuMicrosPerRecordOff: cpuOff.map((c) => Math.round(c * 1000) / 1000),
    brokerCpuMicrosPerRecordOn: cpuOn.map((c) => Math.round(c * 1000) / 1000),
    cpuOnVsOff: Math.round((median(cpuOn) / median(cpuOff)) * 1000) / 1000,
  };
  console.log(`produce: metrics on at ${(produce.onVsOff * 100).toFixed(1)}% of off (target: within 3%)`);
  console.log(
    `broker CPU per record: metrics on at ${(produce.cpuOnVsOff * 100).toFixed(1)}% of off (median ${median(cpuOn).toFixed(3)} vs ${median(cpuOff).toFixed(3)} µs)`,
  );
  const scrape = await scrapeAndConsole();
  console.log(
    `/metrics with ${scrape.partitions} partitions and ${scrape.groups} groups: ${scrape.scrapeMsMedian} ms median, ${scrape.scrapeBytes} bytes; console load ${JSON.stringify(scrape.consoleLoadMsMedian)} ms`,
  );
  const result = {
    date: new Date().toISOString(),
    command: `node dist/bench/metrics.js --records ${RECORDS} --rounds ${ROUNDS}`,
    machine: machineInfo(),
    loadAverage: loadAverage(),
    produce,
    scrape,
  };
  if (!values['no-save']) console.log(`wrote ${saveResult(result, 'metrics', new Date())}`);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
