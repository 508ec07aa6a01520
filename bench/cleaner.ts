/**
 * Log cleaner benchmark.
 *
 * 1. Cleaner throughput: a compacted log of keyed records (many updates per key) is written to a
 *    temp dir, then one Cleaner (one thread) cleans it; MB/s of dirty log cleaned.
 * 2. Its cost to a concurrent producer: a broker process with the cleaner off, then on, each
 *    pre-filled with a dirty compacted topic; kcat then produces keyed records to that topic while
 *    (with the cleaner on) segments keep rolling and being cleaned. Producer MB/s: the median of --rounds runs of each, the order alternating.
 * 3. The cleaner's share of the event loop during that produce, measured in-process (the sum of
 *    its steps' durations over the produce's wall time): what it takes from request handling,
 *    which on a shared machine the producer MB/s of part 2 can hide in noise. It is to stay under
 *    log.cleaner.busy.share (0.05).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/cleaner.js [--log-mb 64] [--records 300000] [--rounds 3] [--cleaner-only]
 *
 * Writes bench/results/<date>-cleaner.json.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Broker } from '../src/index.js';
import { encodeRecordBatch } from '../src/protocol/records/records.js';
import { Cleaner, cleanerActivity } from '../src/storage/cleaner/cleaner.js';
import { DEFAULT_CLEANER_CONFIG } from '../src/storage/cleaner/cleaner-config.js';
import { cleanableOffsets, logToClean } from '../src/storage/cleaner/cleaner-manager.js';
import { OffsetMap } from '../src/storage/cleaner/offset-map.js';
import { Throttler } from '../src/storage/cleaner/throttler.js';
import { Log } from '../src/storage/log.js';
import { DEFAULT_LOG_CONFIG } from '../src/storage/log-config.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { createTopic, logEndOffset } from './throughput/kafkajs.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    'log-mb': { type: 'string', default: '64' },
    keys: { type: 'string', default: '10000' },
    records: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '3' },
    'prefill-records': { type: 'string', default: '300000' },
    size: { type: 'string', default: '100' },
    out: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
    'cleaner-only': { type: 'boolean', default: false },
  },
});
const logMb = Number(values['log-mb']);
const keys = Number(values.keys);
const records = Number(values.records);
const prefillRecords = Number(values['prefill-records']);
const size = Number(values.size);
const mb = (bytes: number) => bytes / (1024 * 1024);

/** Part 1: a dirty log of `logMb` MB cleaned by one Cleaner. */
async function cleanerThroughput() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-cleaner-'));
  const config = { ...DEFAULT_LOG_CONFIG, cleanupPolicy: 'compact', segmentBytes: 16 << 20 };
  const log = Log.open({ dir, topic: 'bench', partition: 0, config, logger: silentLogger() });
  try {
    const value = Buffer.alloc(size, 0x61);
    const perBatch = 100;
    let i = 0;
    while (log.sizeInBytes < logMb * 1024 * 1024) {
      const batch = encodeRecordBatch(
        Array.from({ length: perBatch }, () => ({
          key: Buffer.from(`key-${i++ % keys}`),
          value,
          headers: [],
          timestamp: BigInt(Date.now()),
        })),
      );
      log.appendAsLeader(batch, 0);
    }
    log.roll();
    log.setHighWatermark(log.logEndOffset);
    const dirtyBytes = log.sizeInBytes;
    const now = Date.now();
    const offsets = cleanableOffsets(log, undefined, now);
    const cleanable = logToClean(log, offsets.firstDirtyOffset, offsets.firstUncleanableDirtyOffset, false);
    const cleaner = new Cleaner(new OffsetMap(DEFAULT_CLEANER_CONFIG.dedupeBufferSize, 1), {
      ioBufferSize: DEFAULT_CLEANER_CONFIG.ioBufferSize / 2,
      dupBufferLoadFactor: DEFAULT_CLEANER_CONFIG.dedupeBufferLoadFactor,
      throttler: new Throttler(Number.POSITIVE_INFINITY, systemClock),
      clock: systemClock,
      logger: silentLogger(),
      checkDone: () => {},
    });
    const start = performance.now();
    const { stats } = await cleaner.clean(cleanable);
    const seconds = (performance.now() - start) / 1000;
    return {
      dirtyMB: Number(mb(dirtyBytes).toFixed(1)),
      records: i,
      keys,
      seconds: Number(seconds.toFixed(2)),
      cleanedMBps: Number((mb(cleanable.cleanableBytes) / seconds).toFixed(1)),
      indexSeconds: Number((stats.elapsedIndexMs / 1000).toFixed(2)),
      afterMB: Number(mb(log.sizeInBytes).toFixed(2)),
      messagesWritten: stats.messagesWritten,
    };
  } finally {
    log.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function keyedRecordFile(dir: string, count: number, offset: number): string {
  const file = path.join(dir, `keyed-${count}-${offset}.txt`);
  const value = 'x'.repeat(size);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`key-${(i + offset) % keys}:${value}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function kcat(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.once('exit', (code) =>
      code === 0 && !/Delivery failed/.test(stderr) ? resolve() : reject(new Error(stderr)),
    );
  });
}

/** Creates the compacted topic of parts 2 and 3; returns kcat producing a file of keyed records to it. */
async function compactedTopicProducer(bootstrap: string, topic: string) {
  await createTopic(bootstrap, topic, {
    'cleanup.policy': 'compact',
    'segment.bytes': String(4 << 20),
    'min.cleanable.dirty.ratio': '0.1',
  });
  return (file: string) =>
    kcat([
      '-P',
      '-b',
      bootstrap,
      '-t',
      topic,
      '-p',
      '0',
      '-K:',
      '-l',
      file,
      '-X',
      'linger.ms=5',
      '-X',
      'batch.num.messages=10000',
    ]);
}

/** Part 2: kcat's produce rate into a compacted topic, the cleaner on or off. */
async function producerRate(cleaner: boolean, prefill: string, measured: string) {
  const broker = await startBenchBroker({
    config: {
      'log.cleaner.enable': String(cleaner),
      'log.cleaner.backoff.ms': '100',
    },
  });
  try {
    const topic = 'compacted';
    const produce = await compactedTopicProducer(broker.bootstrap, topic);
    await produce(prefill);
    const cpuBefore = broker.sample().cpuSeconds;
    const start = performance.now();
    await produce(measured);
    const seconds = (performance.now() - start) / 1000;
    // Sampled here: the wait for compaction below would add the cleaner's catch-up to it.
    const brokerCpuSeconds = Number((broker.sample().cpuSeconds - cpuBefore).toFixed(2));
    const end = await logEndOffset(broker.bootstrap, topic);
    const partitionDir = path.join(broker.dataDir, `${topic}-0`);
    const sizeOfLog = () =>
      fs
        .readdirSync(partitionDir)
        .filter((f) => f.endsWith('.log'))
        // A segment the cleaner or retention removes between the listing and its stat counts 0.
        .reduce(
          (sum, f) => sum + (fs.statSync(path.join(partitionDir, f), { throwIfNoEntry: false })?.size ?? 0),
          0,
        );
    const logBytes = sizeOfLog();
    // With the cleaner on: how long, once the producer stops, until the log is compacted (at most
    // the active segment and one cleaned segment of the 10,000 keys left).
    let catchUpSeconds: number | undefined;
    if (cleaner) {
      const stopped = performance.now();
      while (sizeOfLog() > 2 * (4 << 20) && performance.now() - stopped < 120_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      catchUpSeconds = Number(((performance.now() - stopped) / 1000).toFixed(2));
    }
    return {
      cleaner,
      records,
      seconds: Number(seconds.toFixed(2)),
      producerMBps: Number((mb(records * size) / seconds).toFixed(1)),
      recordsPerSecond: Math.round(records / seconds),
      brokerCpuSeconds,
      logEndOffset: end,
      // Far below the bytes produced when the cleaner ran during the produce.
      logMBAfter: Number(mb(logBytes).toFixed(1)),
      ...(catchUpSeconds === undefined
        ? {}
        : {
            compactedSecondsAfterProduce: catchUpSeconds,
            logMBCompacted: Number(mb(sizeOfLog()).toFixed(1)),
          }),
    };
  } finally {
    await broker.stop();
  }
}

/** Part 3: the cleaner's share of the event loop of an in-process broker while kcat produces. */
async function cleanerLoopShare(prefill: string, measured: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-cleaner-share-'));
  const broker = new Broker({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    config: { 'admin.listener': 'none', 'log.cleaner.backoff.ms': '100' },
    logLevel: 'silent',
  });
  await broker.start();
  try {
    const produce = await compactedTopicProducer(broker.bootstrap, 'compacted');
    await produce(prefill);
    const before = { ...cleanerActivity };
    const start = performance.now();
    await produce(measured);
    const wallMs = performance.now() - start;
    const stepMs = cleanerActivity.stepMs - before.stepMs;
    return {
      produceSeconds: Number((wallMs / 1000).toFixed(2)),
      cleanerSteps: cleanerActivity.steps - before.steps,
      busySteps: cleanerActivity.busySteps - before.busySteps,
      cleanerStepSeconds: Number((stepMs / 1000).toFixed(2)),
      cleanerLoopShare: Number((stepMs / wallMs).toFixed(3)),
    };
  } finally {
    await broker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const startedAt = new Date();
const load = loadAverage();
const cleaning = await cleanerThroughput();
console.log(JSON.stringify({ cleanerThroughput: cleaning }));
if (values['cleaner-only']) process.exit(0);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-cleaner-kcat-'));
try {
  const prefill = keyedRecordFile(workDir, prefillRecords, 0);
  const measured = keyedRecordFile(workDir, records, prefillRecords);
  // Rounds alternate which run goes first: a second run pays for the page cache the first one
  // left dirty, which alone made a cleaner-on run that always followed look 40% slower.
  const withoutRuns: Awaited<ReturnType<typeof producerRate>>[] = [];
  const withRuns: Awaited<ReturnType<typeof producerRate>>[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const cleaner of round % 2 === 0 ? [false, true] : [true, false]) {
      const run = await producerRate(cleaner, prefill, measured);
      (cleaner ? withRuns : withoutRuns).push(run);
      console.log(JSON.stringify({ round: round + 1, producer: run }));
    }
  }
  const medianRun = (runs: typeof withRuns) =>
    [...runs].sort((a, b) => a.producerMBps - b.producerMBps)[Math.floor(runs.length / 2)]!;
  const without = medianRun(withoutRuns);
  const withCleaner = medianRun(withRuns);
  const loopShare = await cleanerLoopShare(prefill, measured);
  console.log(JSON.stringify({ cleanerLoopShare: loopShare }));
  const costPercent = Number((100 * (1 - withCleaner.producerMBps / without.producerMBps)).toFixed(1));
  const result = {
    scenario: 'cleaner',
    date: startedAt.toISOString(),
    machine: machineInfo(),
    loadAverageAtStart: load,
    command: `node dist/bench/cleaner.js ${process.argv.slice(2).join(' ')}`.trim(),
    cleanerThroughput: cleaning,
    producerWithoutCleaner: without,
    producerWithCleaner: withCleaner,
    producerRuns: { without: withoutRuns, with: withRuns },
    producerCostPercent: costPercent,
    cleanerLoopShareDuringProduce: loopShare,
    target: 'producer throughput with the cleaner running under 10% lower',
    targetMet: costPercent < 10,
  };
  console.log(JSON.stringify({ producerCostPercent: costPercent, targetMet: result.targetMet }));
  if (!values['no-save']) console.log(`saved ${saveResult(result, 'cleaner', startedAt, values.out)}`);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
