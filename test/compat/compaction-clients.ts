import { spawn } from 'node:child_process';
import path from 'node:path';
import { compatClientsDir, DEBIAN_PYTHON } from '../helpers/paths.js';

/** One consumed record; `value` null for a tombstone. */
export interface ConsumedRecord {
  offset: number;
  key: string;
  value: string | null;
}

/** Runs a command to completion; rejects with its stderr when it fails. */
export function run(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal}): ${stderr}`));
    });
    child.stdin.end(options.input ?? '');
  });
}

/** test/compat/clients/compaction.py (confluent-kafka) with BOOTSTRAP set. */
export function compactionClient(bootstrap: string, ...args: string[]): Promise<string> {
  return run(DEBIAN_PYTHON, [path.join(compatClientsDir, 'compaction.py'), ...args], {
    env: { BOOTSTRAP: bootstrap },
  });
}

/**
 * Produces `key:value` lines with kcat; `key:` (empty value) is a tombstone (`-Z`). Batches stay
 * small (10 records) so they fit the tests' small segments.
 */
export async function kcatProduce(bootstrap: string, topic: string, lines: readonly string[]): Promise<void> {
  const args = ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-K:', '-Z', '-X', 'batch.num.messages=10'];
  await run('kcat', args, { input: `${lines.join('\n')}\n` });
}

export async function consumeAll(
  bootstrap: string,
  topic: string,
  isolation = 'read_uncommitted',
): Promise<ConsumedRecord[]> {
  const out = await compactionClient(bootstrap, 'consume', topic, isolation);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [offset, key, value] = line.split('\t');
      return { offset: Number(offset), key: key!, value: value === 'NULL' ? null : value! };
    });
}

/** The latest value of each key (null: deleted), in order of the keys' last records. */
export function latestValues(records: readonly ConsumedRecord[]): Map<string, string | null> {
  const latest = new Map<string, string | null>();
  for (const record of records) {
    latest.delete(record.key);
    latest.set(record.key, record.value);
  }
  return latest;
}
