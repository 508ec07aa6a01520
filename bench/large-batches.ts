/**
 * Large compressed produce batches and the event loop.
 *
 * An in-process broker; kcat (a separate process) produces large zstd batches (random hex values,
 * batches of several MB inflated) while a small client in this process sends one-record produces
 * one after another. The broker's event-loop delay (perf_hooks.monitorEventLoopDelay) and the small
 * produces' round trips are measured twice: large batches validated on a worker (the default,
 * produce.validation.offload.bytes=131072) and on the event loop (-1).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/large-batches.js [--records 40000] [--value-bytes 600]
 *
 * Writes bench/results/<date>-large-batches.json (unless --no-save).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Broker } from '../src/index.js';
import { decodeResponseFrame, encodeRequestFrame } from '../src/protocol/header.js';
import { CreateTopics } from '../src/protocol/messages/create-topics.js';
import { Produce } from '../src/protocol/messages/produce.js';
import { encodeRecordBatch } from '../src/protocol/records/records.js';
import { RawClient } from '../test/broker/raw-client.js';
import { loadAverage, machineInfo } from './throughput/broker-process.js';
import { saveResult } from './throughput/report.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '40000' },
    'value-bytes': { type: 'string', default: '600' },
    out: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  },
});
const records = Number(values.records);
const valueBytes = Number(values['value-bytes']);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function scenario(offloadBytes: string, input: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-large-'));
  const broker = new Broker({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    config: {
      'admin.listener': 'none',
      'message.max.bytes': String(16 << 20),
      'produce.validation.offload.bytes': offloadBytes,
    },
    logLevel: 'silent',
  });
  await broker.start();
  const client = await RawClient.open(broker.bootstrap);
  try {
    await client.request(CreateTopics, 4, {
      topics: ['large', 'small'].map((name) => ({
        name,
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [],
      })),
      timeoutMs: 5000,
      validateOnly: false,
    });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const kcat = spawn(
      'kcat',
      [
        '-P',
        '-b',
        broker.bootstrap,
        '-t',
        'large',
        '-p',
        '0',
        '-z',
        'zstd',
        '-X',
        'linger.ms=100',
        '-X',
        'batch.size=8000000',
        '-X',
        'message.max.bytes=16000000',
        '-l',
        input,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    let done = false;
    const finished = new Promise<number>((resolve) => kcat.once('exit', (code) => resolve(code ?? -1)));
    const started = performance.now();
    void finished.then(() => {
      done = true;
    });
    delay.enable();
    const roundTrips: number[] = [];
    const small = encodeRecordBatch([{ key: null, value: Buffer.from('ping'), headers: [], timestamp: 1n }]);
    let correlationId = 1000;
    while (!done) {
      const sent = performance.now();
      client.send(
        encodeRequestFrame(
          Produce.request,
          9,
          { correlationId: ++correlationId, clientId: 'small' },
          {
            transactionalId: null,
            acks: 1,
            timeoutMs: 5000,
            topicData: [{ name: 'small', partitionData: [{ index: 0, records: small }] }],
          },
        ),
      );
      decodeResponseFrame(Produce.response, 9, await client.nextFrame(30_000));
      roundTrips.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    delay.disable();
    const code = await finished;
    if (code !== 0) throw new Error(`kcat exited ${code}`);
    const seconds = (performance.now() - started) / 1000;
    roundTrips.sort((a, b) => a - b);
    const ms = (n: number) => Number(n.toFixed(1));
    return {
      offloadBytes: Number(offloadBytes),
      seconds: Number(seconds.toFixed(2)),
      largeProducerMBps: Number(((records * (valueBytes + 8)) / seconds / (1 << 20)).toFixed(1)),
      loopDelayMs: {
        p50: ms(delay.percentile(50) / 1e6),
        p99: ms(delay.percentile(99) / 1e6),
        max: ms(delay.max / 1e6),
      },
      smallProduces: roundTrips.length,
      smallRoundTripMs: {
        p50: ms(percentile(roundTrips, 50)),
        p99: ms(percentile(roundTrips, 99)),
        max: ms(roundTrips.at(-1) ?? 0),
      },
    };
  } finally {
    client.close();
    await broker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const startedAt = new Date();
const load = loadAverage();
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-bench-large-input-'));
try {
  const input = path.join(workDir, 'values.txt');
  const lines: string[] = [];
  for (let i = 0; i < records; i++) lines.push(randomBytes(valueBytes / 2).toString('hex'));
  fs.writeFileSync(input, `${lines.join('\n')}\n`);
  const onWorker = await scenario('131072', input);
  console.log(JSON.stringify({ onWorker }));
  const onLoop = await scenario('-1', input);
  console.log(JSON.stringify({ onLoop }));
  const result = {
    scenario: 'large-batches',
    date: startedAt.toISOString(),
    machine: machineInfo(),
    loadAverageAtStart: load,
    command: `node dist/bench/large-batches.js ${process.argv.slice(2).join(' ')}`.trim(),
    onWorker,
    onLoop,
  };
  if (!values['no-save']) console.log(`saved ${saveResult(result, 'large-batches', startedAt, values.out)}`);
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
