/**
 * Idempotence and transactions with librdkafka (confluent-kafka) against one broker process:
 * throughput of an idempotent producer against a plain one (both acks=all; target >= 90%), and
 * transactions per second of 100-record transactions committed one after the other (target >= 500).
 *
 *   node dist/bench/transactions.js [--records N] [--size B] [--rounds R] [--transactions T] [--no-save]
 *
 * The same transactions are also driven by Samsa's own client (`--raw-transactions`, default as many
 * as librdkafka's): one connection, AddPartitionsToTxn, Produce and EndTxn back to back, with no
 * client threads or queues in between. What that reaches is the broker's own round-trip bound; the
 * gap to librdkafka's rate is time spent in the client.
 *
 * Writes JSON to bench/results/<date>-transactions.json.
 */
import { spawn } from 'node:child_process';

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Connection } from '../src/client/connection.js';
import { AddPartitionsToTxn, EndTxn, InitProducerId, Produce } from '../src/protocol/messages/index.js';
import { TRANSACTIONAL_FLAG_MASK } from '../src/protocol/records/record-batch.js';
import { encodeRecordBatch } from '../src/protocol/records/records.js';
import { type BenchBroker, loadAverage, machineInfo, startBenchBroker } from './throughput/broker-process.js';
import { createTopic, logEndOffset } from './throughput/kafkajs.js';
import { saveResult } from './throughput/report.js';

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
    'raw-transactions': { type: 'string' },
    'txn-rounds': { type: 'string', default: '3' },
    out: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: node dist/bench/transactions.js [--records N] [--size B] [--rounds R] [--transactions T] [--txn-records N] [--raw-transactions T] [--txn-rounds N] [--out file] [--no-save]\n',
  );
  process.exit(0);
}
const records = Number(values.records);
const size = Number(values.size);
const rounds = Number(values.rounds);
const transactions = Number(values.transactions);
const txnRecords = Number(values['txn-records']);
const rawTransactions = Number(values['raw-transactions'] ?? transactions);
const txnRounds = Number(values['txn-rounds']);

/**
 * `count` transactions of `perTxn` records of `size` bytes from Samsa's Connection, each one
 * AddPartitionsToTxn, Produce (acks=all) and EndTxn(commit) awaited in turn, as librdkafka does.
 * (These APIs are not in the client's negotiated set, so their versions are named: v3 is what
 * librdkafka 2.x and Kafka 3.x clients send.) Returns the seconds from the first AddPartitionsToTxn to the last EndTxn answer, and the broker's
 * CPU seconds in that time.
 */
async function rawTransactionsRun(
  broker: BenchBroker,
  topic: string,
  count: number,
  perTxn: number,
): Promise<{ seconds: number; brokerCpuSeconds: number }> {
  const [host, port] = broker.bootstrap.split(':');
  const connection = await Connection.connect({ host: host!, port: Number(port), clientId: 'bench-raw-txn' });
  const check = (what: string, errorCode: number) => {
    if (errorCode !== 0) throw new Error(`${what} answered error ${errorCode}`);
  };
  try {
    const transactionalId = `bench-raw-${Date.now().toString(36)}`;
    const init = await connection.send(
      InitProducerId,
      {
        transactionalId,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      },
      { version: 3 },
    );
    check('InitProducerId', init.errorCode);
    const { producerId, producerEpoch } = init;
    const value = Buffer.alloc(size, 'x');
    let sequence = 0;
    const cpu0 = broker.sample().cpuSeconds;
    const start = performance.now();
    for (let t = 0; t < count; t++) {
      const added = await connection.send(
        AddPartitionsToTxn,
        {
          v3AndBelowTransactionalId: transactionalId,
          v3AndBelowProducerId: producerId,
          v3AndBelowProducerEpoch: producerEpoch,
          v3AndBelowTopics: [{ name: topic, partitions: [0] }],
        },
        { version: 3 },
      );
      check('AddPartitionsToTxn', added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode);
      const timestamp = BigInt(Date.now());
      const records = encodeRecordBatch(
        Array.from({ length: perTxn }, () => ({ key: null, value, headers: [], timestamp })),
        { producerId, producerEpoch, baseSequence: sequence, attributes: TRANSACTIONAL_FLAG_MASK },
      );
      sequence += perTxn;
      const produced = await connection.send(Produce, {
        transactionalId,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
      });
      check('Produce', produced.responses[0].partitionResponses[0].errorCode);
      const ended = await connection.send(
        EndTxn,
        {
          transactionalId,
          producerId,
          producerEpoch,
          committed: true,
        },
        { version: 3 },
      );
      check('EndTxn', ended.errorCode);
    }
    return {
      seconds: (performance.now() - start) / 1000,
      brokerCpuSeconds: broker.sample().cpuSeconds - cpu0,
    };
  } finally {
    connection.close();
  }
}

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
  // Transactions/s swing with machine load: librdkafka and Samsa's client take turns, `txnRounds`
  // times each, and the medians are reported.
  const librdkafkaRates: number[] = [];
  const librdkafkaCpu: number[] = [];
  const clientCpu: number[] = [];
  const rawRates: number[] = [];
  const rawCpu: number[] = [];
  for (let round = 0; round < txnRounds; round++) {
    const txnTopic = `bench-transactions-${round}`;
    await createTopic(broker.bootstrap, txnTopic);
    const cpu0 = broker.sample().cpuSeconds;
    const t = await drive([
      broker.bootstrap,
      txnTopic,
      'transactions',
      String(transactions),
      String(size),
      String(txnRecords),
    ]);
    const cpu = broker.sample().cpuSeconds - cpu0;
    if (t.errors !== 0) throw new Error(`transactions: ${t.errors} delivery errors`);
    const stored = await logEndOffset(broker.bootstrap, txnTopic);
    // Each transaction adds its records and one COMMIT marker.
    if (stored !== transactions * (txnRecords + 1)) {
      throw new Error(
        `transactions: the log end offset is ${stored}, not ${transactions * (txnRecords + 1)}`,
      );
    }
    librdkafkaRates.push(transactions / t.seconds!);
    librdkafkaCpu.push((cpu * 1000) / transactions);
    clientCpu.push((t.cpu_seconds! * 1000) / transactions);

    const rawTopic = `bench-transactions-raw-${round}`;
    await createTopic(broker.bootstrap, rawTopic);
    const raw = await rawTransactionsRun(broker, rawTopic, rawTransactions, txnRecords);
    const rawStored = await logEndOffset(broker.bootstrap, rawTopic);
    if (rawStored !== rawTransactions * (txnRecords + 1)) {
      throw new Error(
        `raw transactions: the log end offset is ${rawStored}, not ${rawTransactions * (txnRecords + 1)}`,
      );
    }
    rawRates.push(rawTransactions / raw.seconds);
    rawCpu.push((raw.brokerCpuSeconds * 1000) / rawTransactions);
    process.stdout.write(
      `transactions round ${round + 1}: librdkafka ${Math.round(librdkafkaRates[round]!)}/s, Samsa client ${Math.round(rawRates[round]!)}/s (load ${loadAverage()[0]})\n`,
    );
  }
  const plain = median(rates.plain);
  const idempotent = median(rates.idempotent);
  const txnPerSecond = median(librdkafkaRates);
  const result = {
    scenario: 'transactions',
    date: new Date().toISOString(),
    command: `node dist/bench/transactions.js --records ${records} --size ${size} --rounds ${rounds} --transactions ${transactions} --txn-records ${txnRecords} --raw-transactions ${rawTransactions} --txn-rounds ${txnRounds}`,
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
    transactionRounds: txnRounds,
    transactionsPerSecondEachRound: librdkafkaRates.map(Math.round),
    brokerCpuMsPerTransaction: Number(median(librdkafkaCpu).toFixed(3)),
    /** CPU of the Python process (application thread and librdkafka's threads) per transaction. */
    clientCpuMsPerTransaction: Number(median(clientCpu).toFixed(3)),
    rawClient: {
      client:
        "Samsa's Connection: AddPartitionsToTxn, Produce (acks=all), EndTxn awaited in turn on one connection",
      transactions: rawTransactions,
      transactionsPerSecond: Math.round(median(rawRates)),
      transactionsPerSecondEachRound: rawRates.map(Math.round),
      brokerCpuMsPerTransaction: Number(median(rawCpu).toFixed(3)),
    },
    targets: {
      idempotentVsPlain: { target: 0.9, met: idempotent / plain >= 0.9 },
      transactionsPerSecond: { target: 500, met: txnPerSecond >= 500 },
    },
  };
  process.stdout.write(
    `\nplain       ${result.plainRecordsPerSecond} records/s (median of ${rounds})\n` +
      `idempotent  ${result.idempotentRecordsPerSecond} records/s = ${(result.idempotentVsPlain * 100).toFixed(1)}% of plain (target >= 90%: ${result.targets.idempotentVsPlain.met ? 'met' : 'NOT met'})\n` +
      `transactions ${result.transactionsPerSecond}/s of ${txnRecords} records, median of ${txnRounds} (target >= 500/s: ${result.targets.transactionsPerSecond.met ? 'met' : 'NOT met'})\n` +
      `raw client   ${result.rawClient.transactionsPerSecond}/s (broker CPU ${result.rawClient.brokerCpuMsPerTransaction} ms per transaction)\n` +
      `load average before/after: ${loadBefore.join(' ')} / ${result.loadAverageAfter.join(' ')}\n`,
  );
  if (!values['no-save']) {
    const out = saveResult(result, 'transactions', result.date, values.out);
    process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  }
} finally {
  await broker.stop();
}
