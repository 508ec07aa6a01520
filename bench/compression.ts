/**
 * Compression benchmark: produce and consume throughput per codec with a librdkafka producer (kcat)
 * sending 1 KiB compressible JSON records, the compression ratio on disk, and the broker's CPU time
 * per MB with `compression.type=producer` (batches validated and stored as sent) against broker
 * recompression (`compression.type=<codec>` on topics the producer writes uncompressed).
 *
 * kcat's CPU is sampled per thread, because librdkafka compresses in its one broker thread: when
 * that thread is busy all the time, the producer and not the broker sets the pace. The broker-bound
 * runs take the client out of the picture: batches of the same records are compressed once per codec
 * with Samsa's own codecs (`encodeCompressedBatch`), then sent as fast as the broker takes them, in
 * pipelined Produce requests on one connection, so what is measured is the broker's MB/s and CPU per
 * MB for validating and storing each codec.
 *
 *   node dist/bench/compression.js [--records 100000] [--codecs none,gzip,snappy,lz4,zstd] [--no-save]
 *
 * Results go to bench/results/<date>-compression.json. See docs/compression.md.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '../src/client/connection.js';
import { encodeCompressedBatch } from '../src/protocol/compression/compressed-batch.js';
import { codecByName } from '../src/protocol/compression/compression-type.js';
import { Produce } from '../src/protocol/messages/index.js';
import { type BenchBroker, loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { withAdmin } from './throughput/kafkajs.js';
import { formatJson, saveResult } from './throughput/report.js';

const HELP = `Usage: node dist/bench/compression.js [options]

Options:
  --records <n>     records per run (default 100000 of 1 KiB)
  --codecs <list>   producer codecs (default none,gzip,snappy,lz4,zstd)
  --no-recompress   skip the broker recompression runs
  --mode <m>        kcat, broker-bound or both (default both)
  --rounds <n>      measured broker-bound rounds per codec, after one warm-up (default 5)
  --in-flight <n>   broker-bound Produce requests in flight (default 8)
  --kcat-rounds <n> kcat runs per scenario, the median kept (default 3)
  --out <file>      JSON output (default bench/results/<date>-compression.json)
  --no-save         print only
  -h, --help        this text
`;

const RECORD_SIZE = 1024;
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** As the throughput benchmark's librdkafka producer: big batches, deep queue, 5 ms linger. */
const PRODUCER_CONFIG = [
  'acks=1',
  'linger.ms=5',
  'batch.num.messages=10000',
  'queue.buffering.max.messages=1000000',
  'queue.buffering.max.kbytes=1048576',
];

/** Records per pre-compressed batch in the broker-bound runs: about 1 MB, as librdkafka's batch.size. */
const BATCH_RECORDS = 960;

interface Row {
  scenario: string;
  producerCodec: string;
  compressionType: string;
  records: number;
  payloadMB: number;
  storedMB: number;
  compressionRatio: number;
  produceMBps: number;
  consumeMBps: number;
  brokerCpuSecondsPerMBProduce: number;
  brokerCpuSecondsPerMBConsume: number;
  /** kcat's CPU seconds while producing (all threads), and of its busiest thread, over the wall time. */
  producerCpuSeconds: number;
  producerBusiestThread: string;
  producerBusiestThreadUtilization: number;
  /**
   * CPU seconds per payload MB of kcat's busiest thread, and the MB/s that thread could reach at
   * most, busy all the time with a broker that costs nothing: librdkafka compresses in its broker
   * thread, so for gzip this is the producer's ceiling.
   */
  producerBusiestThreadCpuSecondsPerMB: number;
  producerCeilingMBps: number;
  brokerCpuUtilizationProduce: number;
  /** This row is the median by produce MB/s of this many runs (the others are `produceMBpsRuns`). */
  runs: number;
  produceMBpsRuns: number[];
}

interface BrokerBoundRow {
  codec: string;
  records: number;
  batches: number;
  rounds: number;
  payloadMB: number;
  /** Bytes of record batches on the wire per round. */
  sentMB: number;
  /** Median over the measured rounds, payload (uncompressed) bytes. */
  produceMBps: number;
  minMBps: number;
  maxMBps: number;
  brokerCpuSecondsPerMB: number;
  /** Broker CPU seconds per wall second over the measured rounds (1 = one core busy). */
  brokerCpuUtilization: number;
  /** The same for the sending process, to show it is not the limit. */
  clientCpuUtilization: number;
}

/**
 * `count` lines of JSON, each exactly RECORD_SIZE bytes before its newline: event-like objects with
 * repeated field names and a few varying values, so they compress like real application events.
 */
function writeJsonRecords(dir: string, count: number): string {
  const file = path.join(dir, `json-${RECORD_SIZE}-${count}.txt`);
  const fd = fs.openSync(file, 'w');
  const pages = ['/home', '/products/compression', '/cart', '/checkout', '/search?q=kafka'];
  const chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = {
      seq: i,
      ts: 1_700_000_000_000 + i * 37,
      user: `user-${(i * 7919) % 10_000}`,
      session: `s-${(i * 104729) % 50_000}`,
      event: i % 3 === 0 ? 'page_view' : i % 3 === 1 ? 'click' : 'add_to_cart',
      page: pages[i % pages.length],
      agent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      country: ['DE', 'US', 'FR', 'JP', 'BR'][i % 5],
      items: Array.from({ length: 3 }, (_, j) => ({
        sku: `SKU-${(i + j) % 997}`,
        qty: 1 + ((i + j) % 4),
        price: 9.99 + j,
      })),
      pad: '',
    };
    let line = JSON.stringify(event);
    event.pad = 'lorem ipsum dolor sit amet '.repeat(40).slice(0, RECORD_SIZE - line.length);
    line = JSON.stringify(event);
    chunk.push(line);
    if (chunk.length === 10_000 || i === count - 1) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk.length = 0;
    }
  }
  fs.closeSync(fd);
  return file;
}

function run(
  args: string[],
  onStdout?: (chunk: Buffer) => void,
  onSpawn?: (pid: number) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => onStdout?.(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 65536) stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(stderr) : reject(new Error(`kcat ${args.join(' ')} exited ${code}\n${stderr}`)),
    );
  });
}

/**
 * CPU seconds of each thread of a process, sampled every 20 ms until `stop()`: the largest value
 * seen per thread (the last < 20 ms before the process exits are missed). librdkafka names its
 * threads (`rdk:main`, `rdk:broker0`, ...), so the one that compresses shows up by name.
 */
function sampleThreads(pid: number): { stop(): Map<string, number> } {
  const seen = new Map<string, number>();
  const sample = () => {
    try {
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
        const key = `${name}#${tid}`;
        seen.set(key, Math.max(seen.get(key) ?? 0, seconds));
      }
    } catch {
      // The process or a thread ended between readdir and read.
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    stop() {
      clearInterval(timer);
      return seen;
    },
  };
}

/** The broker's data dir, from its command line (`--data-dir <dir>`). */
function dataDirOf(broker: BenchBroker): string {
  const argv = fs.readFileSync(`/proc/${broker.pid}/cmdline`, 'utf8').split('\0');
  return argv[argv.indexOf('--data-dir') + 1]!;
}

function storedBytes(broker: BenchBroker, topic: string): number {
  const dir = path.join(dataDirOf(broker), `${topic}-0`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}

async function scenario(
  broker: BenchBroker,
  file: string,
  records: number,
  producerCodec: string,
  compressionType: string,
): Promise<Row> {
  const topic = `bench-${producerCodec}-to-${compressionType}-${Date.now().toString(36)}`;
  await withAdmin(broker.bootstrap, (admin) =>
    admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'compression.type', value: compressionType }],
        },
      ],
      waitForLeaders: true,
    }),
  );
  const payloadMB = (records * RECORD_SIZE) / 1e6;

  const cpu0 = broker.sample().cpuSeconds;
  const start = performance.now();
  const args = ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-z', producerCodec, '-l', file];
  for (const setting of PRODUCER_CONFIG) args.push('-X', setting);
  let sampler: { stop(): Map<string, number> } | undefined;
  const stderr = await run(args, undefined, (pid) => {
    sampler = sampleThreads(pid);
  });
  const threads = sampler?.stop() ?? new Map<string, number>();
  if (/Delivery failed|ERROR/i.test(stderr)) throw new Error(`kcat -P reported: ${stderr.slice(0, 500)}`);
  const produceSeconds = (performance.now() - start) / 1000;
  const cpu1 = broker.sample().cpuSeconds;
  const busiest = [...threads].sort((a, b) => b[1] - a[1])[0] ?? ['-', 0];
  const producerCpu = [...threads.values()].reduce((sum, s) => sum + s, 0);

  let first = 0;
  let last = 0;
  let consumed = 0;
  const consumeArgs = ['-C', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-o', 'beginning'];
  consumeArgs.push('-c', String(records), '-e', '-q', '-f', '.');
  await run(consumeArgs, (chunk) => {
    const now = performance.now();
    if (first === 0) first = now;
    last = now;
    consumed += chunk.length;
  });
  if (consumed !== records) throw new Error(`kcat -C delivered ${consumed} records of ${records}`);
  const cpu2 = broker.sample().cpuSeconds;
  const stored = storedBytes(broker, topic);
  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    scenario:
      compressionType === 'producer'
        ? `producer ${producerCodec}`
        : `${producerCodec} → broker ${compressionType}`,
    producerCodec,
    compressionType,
    records,
    payloadMB: round(payloadMB),
    storedMB: round(stored / 1e6),
    compressionRatio: round((records * RECORD_SIZE) / stored),
    produceMBps: round(payloadMB / produceSeconds, 1),
    consumeMBps: round(payloadMB / ((last - first) / 1000), 1),
    brokerCpuSecondsPerMBProduce: round((cpu1 - cpu0) / payloadMB, 4),
    brokerCpuSecondsPerMBConsume: round((cpu2 - cpu1) / payloadMB, 4),
    producerCpuSeconds: round(producerCpu),
    producerBusiestThread: busiest[0].replace(/#\d+$/, ''),
    producerBusiestThreadUtilization: round(busiest[1] / produceSeconds),
    producerBusiestThreadCpuSecondsPerMB: round(busiest[1] / payloadMB, 4),
    producerCeilingMBps: busiest[1] > 0 ? round(payloadMB / busiest[1], 1) : 0,
    brokerCpuUtilizationProduce: round((cpu1 - cpu0) / produceSeconds),
    runs: 1,
    produceMBpsRuns: [],
  };
}

/** The run with the median produce MB/s, carrying every run's MB/s. */
function medianRow(runs: Row[]): Row {
  const sorted = [...runs].sort((a, b) => a.produceMBps - b.produceMBps);
  const row = sorted[Math.floor(sorted.length / 2)]!;
  return { ...row, runs: runs.length, produceMBpsRuns: runs.map((r) => r.produceMBps) };
}

/** The first `count` lines of the records file, as record values. */
function readValues(file: string, count: number): Buffer[] {
  const text = fs.readFileSync(file);
  const values: Buffer[] = [];
  let start = 0;
  while (values.length < count) {
    const end = text.indexOf(0x0a, start);
    values.push(text.subarray(start, end));
    start = end + 1;
  }
  return values;
}

/**
 * The broker's own pace per codec: `values` in batches of BATCH_RECORDS, compressed once, sent
 * `rounds + 1` times (the first round warms the broker up and is not counted) with `inFlight`
 * Produce requests (acks=1, one batch each) outstanding on one connection.
 */
async function brokerBound(
  broker: BenchBroker,
  values: Buffer[],
  codecName: string,
  rounds: number,
  inFlight: number,
): Promise<BrokerBoundRow> {
  const codec = codecByName(codecName);
  const batches: Buffer[] = [];
  for (let i = 0; i < values.length; i += BATCH_RECORDS) {
    const timestamp = BigInt(Date.now());
    const records = values
      .slice(i, i + BATCH_RECORDS)
      .map((value) => ({ key: null, value, headers: [], timestamp }));
    batches.push(encodeCompressedBatch(records, codec));
  }
  const topic = `bench-broker-bound-${codecName}-${Date.now().toString(36)}`;
  await withAdmin(broker.bootstrap, (admin) =>
    admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    }),
  );
  const [host, port] = broker.bootstrap.split(':');
  const connection = await Connection.connect({ host: host!, port: Number(port), clientId: 'samsa-bench' });
  const payloadMB = values.reduce((sum, v) => sum + v.length, 0) / 1e6;
  const rates: number[] = [];
  let brokerCpu = 0;
  let clientCpu = 0;
  let wall = 0;
  try {
    for (let round = 0; round <= rounds; round++) {
      let next = 0;
      const sender = async () => {
        while (next < batches.length) {
          const records = batches[next++]!;
          const response = await connection.send(Produce, {
            transactionalId: null,
            acks: 1,
            timeoutMs: 30_000,
            topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
          });
          const partition = response.responses[0].partitionResponses[0];
          if (partition.errorCode !== 0) throw new Error(`Produce answered error ${partition.errorCode}`);
        }
      };
      const cpu0 = broker.sample().cpuSeconds;
      const client0 = process.cpuUsage();
      const start = performance.now();
      await Promise.all(Array.from({ length: inFlight }, sender));
      const seconds = (performance.now() - start) / 1000;
      if (round === 0) continue;
      const client = process.cpuUsage(client0);
      brokerCpu += broker.sample().cpuSeconds - cpu0;
      clientCpu += (client.user + client.system) / 1e6;
      wall += seconds;
      rates.push(payloadMB / seconds);
    }
  } finally {
    connection.close();
  }
  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    codec: codecName,
    records: values.length,
    batches: batches.length,
    rounds,
    payloadMB: round(payloadMB),
    sentMB: round(batches.reduce((sum, b) => sum + b.length, 0) / 1e6),
    produceMBps: round(sorted[Math.floor(sorted.length / 2)]!, 1),
    minMBps: round(sorted[0]!, 1),
    maxMBps: round(sorted[sorted.length - 1]!, 1),
    brokerCpuSecondsPerMB: round(brokerCpu / (payloadMB * rounds), 4),
    brokerCpuUtilization: round(brokerCpu / wall),
    clientCpuUtilization: round(clientCpu / wall),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '100000' },
      codecs: { type: 'string', default: CODECS.join(',') },
      'no-recompress': { type: 'boolean', default: false },
      mode: { type: 'string', default: 'both' },
      rounds: { type: 'string', default: '5' },
      'in-flight': { type: 'string', default: '8' },
      'kcat-rounds': { type: 'string', default: '3' },
      out: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const records = Number(values.records);
  const codecs = values.codecs.split(',');
  const mode = values.mode;
  if (!['kcat', 'broker-bound', 'both'].includes(mode)) throw new Error(`unknown --mode ${mode}`);
  const rounds = Number(values.rounds);
  const inFlight = Number(values['in-flight']);
  const kcatRounds = Number(values['kcat-rounds']);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-compression-'));
  const file = writeJsonRecords(workDir, records);
  const loadBefore = loadAverage();
  const broker = await startBenchBroker();
  const rows: Row[] = [];
  const brokerBoundRows: BrokerBoundRow[] = [];
  try {
    if (mode !== 'kcat') {
      const recordValues = readValues(file, records);
      for (const codec of codecs) {
        brokerBoundRows.push(await brokerBound(broker, recordValues, codec, rounds, inFlight));
        console.log(JSON.stringify(brokerBoundRows[brokerBoundRows.length - 1]));
      }
    }
    // kcat runs are short and machine load drifts: every scenario runs `kcatRounds` times, codecs
    // taking turns, and the median run is kept.
    const kcatScenarios: [string, string][] = [];
    if (mode !== 'broker-bound') {
      for (const codec of codecs) kcatScenarios.push([codec, 'producer']);
      if (!values['no-recompress']) {
        for (const codec of codecs.filter((c) => c !== 'none')) kcatScenarios.push(['none', codec]);
      }
    }
    const runs = kcatScenarios.map((): Row[] => []);
    for (let round = 0; round < kcatRounds; round++) {
      for (const [i, [producerCodec, compressionType]] of kcatScenarios.entries()) {
        runs[i]!.push(await scenario(broker, file, records, producerCodec, compressionType));
        console.log(JSON.stringify(runs[i]![round]));
      }
    }
    for (const r of runs) rows.push(medianRow(r));
  } finally {
    await broker.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const baseline = rows.find((r) => r.scenario === 'producer none');
  const target = baseline
    ? rows
        .filter((r) => r.compressionType === 'producer' && r.producerCodec !== 'none')
        .map((r) => ({
          codec: r.producerCodec,
          produceMBps: r.produceMBps,
          ofUncompressed: Math.round((r.produceMBps / baseline.produceMBps) * 100) / 100,
          met: r.produceMBps >= 0.8 * baseline.produceMBps,
        }))
    : [];
  const brokerBaseline = brokerBoundRows.find((r) => r.codec === 'none');
  const brokerBoundTarget = brokerBaseline
    ? brokerBoundRows
        .filter((r) => r.codec !== 'none')
        .map((r) => ({
          codec: r.codec,
          produceMBps: r.produceMBps,
          ofUncompressed: Math.round((r.produceMBps / brokerBaseline.produceMBps) * 100) / 100,
          met: r.produceMBps >= 0.8 * brokerBaseline.produceMBps,
        }))
    : [];
  const result = {
    benchmark: 'compression',
    command: `node dist/bench/compression.js ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: machineInfo(),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
    recordSize: RECORD_SIZE,
    producer: `kcat ${PRODUCER_CONFIG.join(' ')}`,
    rows,
    brokerBound: {
      client: `Samsa's Connection, batches of ${BATCH_RECORDS} records compressed once per codec, acks=1, ${inFlight} Produce requests in flight, median of ${rounds} rounds after one warm-up`,
      rows: brokerBoundRows,
    },
    target: {
      rule: "with compression.type=producer, each codec's produce MB/s >= 80% of uncompressed",
      checks: target,
      brokerBoundChecks: brokerBoundTarget,
    },
  };
  const json = `${formatJson(result)}\n`;
  process.stdout.write(json);
  if (!values['no-save']) {
    console.error(`wrote ${saveResult(result, 'compression', result.date, values.out)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
