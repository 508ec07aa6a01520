/**
 * Client drivers and log inspection for the replication tests: produce with confluent-kafka
 * (librdkafka) and report what was acknowledged, consume with kcat up to the high watermark, and
 * read a replica's segment files as batches.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { batchesIn } from '../../src/protocol/records/record-batch.js';
import { compatClientsDir, DEBIAN_PYTHON } from './paths.js';
import { runClient } from './run-client.js';

const execFileAsync = promisify(execFile);

export interface ProduceReport {
  acked: { value: string; offset: number }[];
  errors: Record<string, number>;
  unflushed: number;
}

export async function produce(
  bootstrap: string,
  topic: string,
  count: number,
  prefix: string,
  settings: string[] = [],
): Promise<ProduceReport> {
  const run = await runClient(
    DEBIAN_PYTHON,
    [path.join(compatClientsDir, 'produce_acks.py'), topic, String(count), prefix, ...settings],
    { bootstrap, timeoutMs: 90_000 },
  );
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as ProduceReport;
  } catch {
    throw new Error(`produce_acks.py printed no report (exit ${run.exitCode}): ${run.stdout}\n${run.stderr}`);
  }
}

/** Offsets and values of partition 0 as kcat (librdkafka) consumes them up to the high watermark. */
export async function consume(bootstrap: string, topic: string): Promise<Map<string, number>> {
  const { stdout } = await execFileAsync(
    'kcat',
    ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %s\\n'],
    { timeout: 60_000 },
  );
  const values = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [offset, value] = line.split(' ');
    values.set(value!, Number(offset));
  }
  return values;
}

/** Every segment file of a partition's log, concatenated, as batches (baseOffset, epoch, bytes). */
export function logBytes(dataDir: string, topic: string, partition = 0): Buffer {
  const dir = path.join(dataDir, `${topic}-${partition}`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f))));
}

export function batchSummary(bytes: Buffer): [bigint, number, number][] {
  return [...batchesIn(bytes)].map((b) => [b.baseOffset, b.partitionLeaderEpoch, b.recordCount]);
}
