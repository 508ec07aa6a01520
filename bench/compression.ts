/**
 * Compression benchmark: produce and consume throughput per codec with a librdkafka producer (kcat)
 * sending 1 KiB compressible JSON records, the compression ratio on disk, and the broker's CPU time
 * per MB with `compression.type=producer` (batches validated and stored as sent) against broker
 * recompression (`compression.type=<codec>` on topics the producer writes uncompressed).
 *
 *   node dist/bench/compression.js [--records 100000] [--codecs none,gzip,snappy,lz4,zstd] [--no-save]
 *
 * Results go to bench/results/<date>-compression.json. See docs/compression.md.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchBroker, loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { withAdmin } from './throughput/kafkajs.js';
import { formatJson } from './throughput/report.js';

const HELP = `Usage: node dist/bench/compression.js [options]

Options:
  --records <n>     records per run (default 100000 of 1 KiB)
  --codecs <list>   producer codecs (default none,gzip,snappy,lz4,zstd)
  --no-recompress   skip the broker recompression runs
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
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

function run(args: string[], onStdout?: (chunk: Buffer) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const stderr = await run(args);
  if (/Delivery failed|ERROR/i.test(stderr)) throw new Error(`kcat -P reported: ${stderr.slice(0, 500)}`);
  const produceSeconds = (performance.now() - start) / 1000;
  const cpu1 = broker.sample().cpuSeconds;

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
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '100000' },
      codecs: { type: 'string', default: CODECS.join(',') },
      'no-recompress': { type: 'boolean', default: false },
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
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-compression-'));
  const file = writeJsonRecords(workDir, records);
  const loadBefore = loadAverage();
  const broker = await startBenchBroker();
  const rows: Row[] = [];
  try {
    for (const codec of codecs) {
      rows.push(await scenario(broker, file, records, codec, 'producer'));
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
    if (!values['no-recompress']) {
      for (const codec of codecs.filter((c) => c !== 'none')) {
        rows.push(await scenario(broker, file, records, 'none', codec));
        console.log(JSON.stringify(rows[rows.length - 1]));
      }
    }
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
    target: {
      rule: "with compression.type=producer, each codec's produce MB/s >= 80% of uncompressed",
      checks: target,
    },
  };
  const json = `${formatJson(result)}\n`;
  process.stdout.write(json);
  if (!values['no-save']) {
    const out =
      values.out ?? path.join(repoRoot, 'bench', 'results', `${result.date.slice(0, 10)}-compression.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, json);
    console.error(`wrote ${out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
