/**
 * Idempotence and transactions with librdkafka (confluent-kafka) against one broker process:
 * throughput of an idempotent producer against a plain one (both acks=all; target >= 90%), and
 * transactions per second of 100-record transactions committed one after the other (target >= 500).
 *
 *   node dist/bench/transactions.js [--records N] [--size B] [--rounds R] [--transactions T] [--no-save]
 *
 * Writes JSON to bench/results/<date>-transactions.json.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { createTopic, logEndOffset } from './throughput/kafkajs.js';
import { formatJson } from './throughput/report.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(repoRoot, 'bench', 'rdkafka-txn.py');
const PYTHON = '/usr/bin/python3';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    transactions: { type: 'string', default: '2000' },
    'txn-records': { type: 'string', default: '100' },
    out: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: node dist/bench/transactions.js [--records N] [--size B] [--rounds R] [--transactions T] [--txn-records N] [--out file] [--no-save]\n',
  );
  process.exit(0);
}
const records = Number(values.records);
const size = Number(values.size);
const rounds = Number(values.rounds);
const transactions = Number(values.transactions);
const txnRecords = Number(values['txn-records']);

/** Runs the Python driver and parses its one JSON line. */
function drive(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`rdkafka-txn.py ${args.join(' ')} exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const broker = await startBenchBroker();
const loadBefore = loadAverage();
try {
  const rates: Record<'plain' | 'idempotent', number[]> = { plain: [], idempotent: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternate the two, so that drift in machine load hits both alike.
    for (const mode of ['plain', 'idempotent'] as const) {
      const topic = `bench-${mode}-${round}`;
      await createTopic(broker.bootstrap, topic);
      const r = await drive([broker.bootstrap, topic, mode, String(records), String(size)]);
      if (r.errors !== 0) throw new Error(`${mode}: ${r.errors} delivery errors`);
      const stored = await logEndOffset(broker.bootstrap, topic);
      if (stored !== records) throw new Error(`${mode}: the log holds ${stored} records, not ${records}`);
      rates[mode].push(records / r.seconds!);
      process.stdout.write(
        `${mode.padEnd(11)} round ${round + 1}: ${Math.round(records / r.seconds!)} records/s\n`,
      );
    }
  }
  const txnTopic = 'bench-transactions';
  await createTopic(broker.bootstrap, txnTopic);
  const t = await drive([
    broker.bootstrap,
    txnTopic,
    'transactions',
    String(transactions),
    String(size),
    String(txnRecords),
  ]);
  if (t.errors !== 0) throw new Error(`transactions: ${t.errors} delivery errors`);
  const stored = await logEndOffset(broker.bootstrap, txnTopic);
  // Each transaction adds its records and one COMMIT marker.
  if (stored !== transactions * (txnRecords + 1)) {
    throw new Error(`transactions: the log end offset is ${stored}, not ${transactions * (txnRecords + 1)}`);
  }
  const plain = median(rates.plain);
  const idempotent = median(rates.idempotent);
  const txnPerSecond = transactions / t.seconds!;
  const result = {
    scenario: 'transactions',
    date: new Date().toISOString(),
    command: `node dist/bench/transactions.js --records ${records} --size ${size} --rounds ${rounds} --transactions ${transactions} --txn-records ${txnRecords}`,
    broker: broker.command,
    client: 'librdkafka 2.0.2 via python3-confluent-kafka (acks=all, linger.ms=5; transactions linger.ms=0)',
    machine: machineInfo(),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
    plainRecordsPerSecond: Math.round(plain),
    idempotentRecordsPerSecond: Math.round(idempotent),
    idempotentVsPlain: Number((idempotent / plain).toFixed(3)),
    transactionsPerSecond: Math.round(txnPerSecond),
    recordsPerTransaction: txnRecords,
    targets: {
      idempotentVsPlain: { target: 0.9, met: idempotent / plain >= 0.9 },
      transactionsPerSecond: { target: 500, met: txnPerSecond >= 500 },
    },
  };
  process.stdout.write(
    `\nplain       ${result.plainRecordsPerSecond} records/s (median of ${rounds})\n` +
      `idempotent  ${result.idempotentRecordsPerSecond} records/s = ${(result.idempotentVsPlain * 100).toFixed(1)}% of plain (target >= 90%: ${result.targets.idempotentVsPlain.met ? 'met' : 'NOT met'})\n` +
      `transactions ${result.transactionsPerSecond}/s of ${txnRecords} records (target >= 500/s: ${result.targets.transactionsPerSecond.met ? 'met' : 'NOT met'})\n` +
      `load average before/after: ${loadBefore.join(' ')} / ${result.loadAverageAfter.join(' ')}\n`,
  );
  if (!values['no-save']) {
    const out =
      values.out ?? path.join(repoRoot, 'bench', 'results', `${result.date.slice(0, 10)}-transactions.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${formatJson(result)}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  }
} finally {
  await broker.stop();
}
