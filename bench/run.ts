/**
 * Produce and consume throughput against one broker process, with librdkafka (kcat) and KafkaJS.
 *
 *   npm run bench -- --help
 *
 * See docs/benchmarks.md for what is measured and how.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchBroker, loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { createTopic, kafkajsConsume, kafkajsProduce, logEndOffset } from './throughput/kafkajs.js';
import { type RdkafkaProducerDriver, rdkafkaConsume, rdkafkaProduce } from './throughput/rdkafka.js';
import { checkTargets, formatTable, type ResultRow, saveResult } from './throughput/report.js';
import type { ClientRun } from './throughput/types.js';

const HELP = `Usage: npm run bench -- [options]

Produce and consume throughput against one samsa broker process (started per client and record
size over a temp data dir), with a librdkafka client (kcat) and KafkaJS. Prints a table and writes
JSON to bench/results/<date>-throughput.json.

Options:
  --clients <list>            librdkafka,kafkajs (default both)
  --sizes <list>              record value sizes in bytes (default 100,1024)
  --acks <list>               1,all (default both)
  --records <size:n,...>      librdkafka records per size (default 100:2000000,1024:500000)
  --kafkajs-records <size:n>  KafkaJS records per size (default 100:300000,1024:100000)
  --rdkafka-producer <name>   kcat (default) or python (confluent-kafka)
  --no-consume                produce only
  --cpu-prof <dir>            run the broker with --cpu-prof, writing its profile to <dir>
  --out <file>                JSON output path (default bench/results/<date>-throughput.json)
  --no-save                   print only
  -h, --help                  this text
`;

function parseCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const pair of text.split(',')) {
    const [size, count] = pair.split(':').map(Number);
    if (!Number.isInteger(size) || !Number.isInteger(count) || size! <= 0 || count! <= 0) {
      throw new Error(`bad size:count pair "${pair}"`);
    }
    counts.set(size!, count!);
  }
  return counts;
}

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: 'librdkafka,kafkajs' },
    sizes: { type: 'string', default: '100,1024' },
    acks: { type: 'string', default: '1,all' },
    records: { type: 'string', default: '100:2000000,1024:500000' },
    'kafkajs-records': { type: 'string', default: '100:300000,1024:100000' },
    'rdkafka-producer': { type: 'string', default: 'kcat' },
    'no-consume': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    out: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const clients = values.clients.split(',') as Array<'librdkafka' | 'kafkajs'>;
const sizes = values.sizes.split(',').map(Number);
const acksList = values.acks.split(',') as Array<'1' | 'all'>;
const rdkafkaCounts = parseCounts(values.records);
const kafkajsCounts = parseCounts(values['kafkajs-records']);
const producerDriver = values['rdkafka-producer'] as RdkafkaProducerDriver;
for (const client of clients) {
  if (client !== 'librdkafka' && client !== 'kafkajs') throw new Error(`unknown client ${client}`);
}
for (const acks of acksList) if (acks !== '1' && acks !== 'all') throw new Error(`acks must be 1 or all`);
if (producerDriver !== 'kcat' && producerDriver !== 'python')
  throw new Error('--rdkafka-producer: kcat or python');

const command = ['npm run bench --', ...process.argv.slice(2)].join(' ').replace(/ --$/, '');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-'));
const rows: ResultRow[] = [];
const loadBefore = loadAverage();
const startedAt = new Date();

/** Runs one client phase against `broker`, attributing the broker's CPU time and peak RSS to it. */
async function measure(
  broker: BenchBroker,
  row: Omit<ResultRow, keyof ClientRun | 'recordsPerSecond' | 'mbPerSecond' | 'broker' | 'load1'>,
  phase: () => Promise<ClientRun>,
): Promise<void> {
  const load1 = loadAverage()[0];
  const peakReset = broker.resetPeakRss();
  const before = broker.sample();
  const result = await phase();
  const after = broker.sample();
  const full: ResultRow = {
    ...row,
    ...result,
    recordsPerSecond: Math.round(result.records / result.seconds),
    mbPerSecond: Math.round((result.bytes / 1e6 / result.seconds) * 10) / 10,
    broker: {
      cpuSeconds: Math.round((after.cpuSeconds - before.cpuSeconds) * 100) / 100,
      peakRssMB: Math.round(after.peakRssBytes / 1e5) / 10,
      peakRssScope: peakReset ? 'phase' : 'process',
    },
    load1,
  };
  rows.push(full);
  process.stderr.write(`${formatTable([full], false)}\n`);
}

async function runClient(client: 'librdkafka' | 'kafkajs', size: number): Promise<void> {
  const count = (client === 'librdkafka' ? rdkafkaCounts : kafkajsCounts).get(size);
  if (count === undefined) throw new Error(`no record count for ${client} at size ${size}`);
  const driver = client === 'librdkafka' ? producerDriver : 'kafkajs';
  const broker = await startBenchBroker({ cpuProfileDir: values['cpu-prof'] });
  try {
    let consumeTopic: string | undefined;
    for (const acks of acksList) {
      const topic = `bench-${client}-${size}-acks-${acks}`;
      await createTopic(broker.bootstrap, topic);
      consumeTopic ??= topic;
      await measure(broker, { client, driver, op: 'produce', size, acks }, () =>
        client === 'librdkafka'
          ? rdkafkaProduce({
              driver: producerDriver,
              bootstrap: broker.bootstrap,
              topic,
              count,
              size,
              acks,
              workDir,
            })
          : kafkajsProduce({ bootstrap: broker.bootstrap, topic, count, size, acks }),
      );
      const stored = await logEndOffset(broker.bootstrap, topic);
      if (stored !== count) throw new Error(`${topic}: broker holds ${stored} records, expected ${count}`);
    }
    if (!values['no-consume'] && consumeTopic !== undefined) {
      const topic = consumeTopic;
      await measure(
        broker,
        { client, driver: client === 'librdkafka' ? 'kcat' : 'kafkajs', op: 'consume', size, acks: '-' },
        () =>
          client === 'librdkafka'
            ? rdkafkaConsume({ bootstrap: broker.bootstrap, topic, count, size })
            : kafkajsConsume({ bootstrap: broker.bootstrap, topic, count, size }),
      );
    }
  } finally {
    await broker.stop();
  }
}

try {
  process.stderr.write(`load average ${loadBefore.join(' ')}; ${os.cpus().length} cpus\n`);
  for (const client of clients) {
    for (const size of sizes) await runClient(client, size);
  }
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}

const loadAfter = loadAverage();
const targets = checkTargets(rows);
const report = {
  date: startedAt.toISOString(),
  command,
  machine: machineInfo(),
  loadAverage: { before: loadBefore, after: loadAfter },
  options: {
    clients,
    sizes,
    acks: acksList,
    records: Object.fromEntries(rdkafkaCounts),
    kafkajsRecords: Object.fromEntries(kafkajsCounts),
    rdkafkaProducer: producerDriver,
  },
  results: rows,
  targets,
};

process.stdout.write(
  `\n${command}\nload average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n\n`,
);
process.stdout.write(`${formatTable(rows, true)}\n\n`);
for (const target of targets) {
  process.stdout.write(
    `${target.met ? 'met    ' : 'NOT met'}  ${target.name}: ${target.actual} (target ${target.target})\n`,
  );
}
if (!values['no-save']) {
  const out = saveResult(report, 'throughput', startedAt, values.out);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), out)}\n`);
}
