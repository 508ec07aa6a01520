/**
 * librdkafka drivers: kcat (librdkafka's own command-line client) and confluent-kafka-python. kcat
 * is the faster producer and consumer of the two here (Python's per-message call overhead and the
 * high-level consumer's batch hand-off cap it well below what the broker serves), so it is the default.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientRun } from './types.js';

const PRODUCER_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../bench/rdkafka-produce.py',
);

/** Producer settings shared by both drivers: big batches, deep queue, 5 ms linger. */
const PRODUCER_CONFIG = [
  'linger.ms=5',
  'batch.num.messages=10000',
  'queue.buffering.max.messages=1000000',
  'queue.buffering.max.kbytes=1048576',
];

export type RdkafkaProducerDriver = 'kcat' | 'python';

/**
 * A file of `count` lines of `size` bytes each, for `kcat -P -l`: kcat sends each line, without
 * its newline, as one record. Written before timing starts.
 */
export function writeRecordFile(dir: string, count: number, size: number): string {
  const file = path.join(dir, `records-${size}-${count}.txt`);
  if (fs.existsSync(file)) return file;
  const line = Buffer.alloc(size + 1, 0x78);
  line[size] = 0x0a;
  const linesPerChunk = Math.max(1, Math.floor((4 << 20) / line.length));
  const chunk = Buffer.concat(Array.from({ length: linesPerChunk }, () => line));
  const fd = fs.openSync(file, 'w');
  try {
    for (let written = 0; written < count; written += linesPerChunk) {
      const lines = Math.min(linesPerChunk, count - written);
      fs.writeSync(fd, chunk, 0, lines * line.length);
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

export interface RdkafkaProduceOptions {
  driver: RdkafkaProducerDriver;
  bootstrap: string;
  topic: string;
  count: number;
  size: number;
  acks: '1' | 'all';
  /** Directory for the kcat record file. */
  workDir: string;
  /** More librdkafka settings (`key=value`), e.g. security.protocol=SSL (kcat only). */
  extraConfig?: readonly string[];
}

/**
 * kcat: wall time of the whole `kcat -P` process, which exits once every record is acknowledged
 * (it flushes before exit), so process start-up and metadata are included: a slight understatement.
 * Python: from the first produce() to the end of flush(), as timed by the script.
 */
export async function rdkafkaProduce(options: RdkafkaProduceOptions): Promise<ClientRun> {
  const { bootstrap, topic, count, size, acks } = options;
  if (options.driver === 'python') {
    const out = await run('/usr/bin/python3', [
      PRODUCER_SCRIPT,
      bootstrap,
      topic,
      String(count),
      String(size),
      acks,
    ]);
    const result = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as {
      records: number;
      bytes: number;
      seconds: number;
      errors: number;
      firstError: string | null;
    };
    if (result.errors > 0) throw new Error(`${result.errors} records failed: ${result.firstError}`);
    return { records: result.records, bytes: result.bytes, seconds: result.seconds };
  }
  const file = writeRecordFile(options.workDir, count, size);
  const args = ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-l', file, '-X', `acks=${acks}`];
  for (const setting of [...PRODUCER_CONFIG, ...(options.extraConfig ?? [])]) args.push('-X', setting);
  const start = performance.now();
  const out = await run('kcat', args);
  const seconds = (performance.now() - start) / 1000;
  if (/Delivery failed|ERROR/i.test(out.stderr))
    throw new Error(`kcat -P reported: ${out.stderr.slice(0, 500)}`);
  return { records: count, bytes: count * size, seconds };
}

export interface RdkafkaConsumeOptions {
  bootstrap: string;
  topic: string;
  count: number;
  size: number;
  /** More librdkafka settings (`key=value`). */
  extraConfig?: readonly string[];
}

/**
 * `kcat -C` from the beginning of partition 0 until `count` records, printing one byte per record:
 * the records are counted from its output and timed from the first output to the last.
 */
export async function rdkafkaConsume(options: RdkafkaConsumeOptions): Promise<ClientRun> {
  const { bootstrap, topic, count, size } = options;
  const args = ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-c', String(count), '-e'];
  args.push('-q', '-f', '.');
  for (const setting of options.extraConfig ?? []) args.push('-X', setting);
  let first = 0;
  let last = 0;
  let records = 0;
  await run('kcat', args, (chunk) => {
    const now = performance.now();
    if (first === 0) first = now;
    last = now;
    records += chunk.length;
  });
  if (records !== count) throw new Error(`kcat -C delivered ${records} records, expected ${count}`);
  return { records, bytes: records * size, seconds: (last - first) / 1000 };
}

interface RunOutput {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; fails on a non-zero exit. `onStdout` takes stdout instead of buffering it. */
function run(command: string, args: string[], onStdout?: (chunk: Buffer) => void): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (onStdout) onStdout(chunk);
      else stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else
        reject(
          new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}\n${stderr.slice(0, 2000)}`),
        );
    });
  });
}
