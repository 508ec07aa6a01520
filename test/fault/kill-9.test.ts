import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startBrokerProcess } from '../helpers/broker.js';
import { DEBIAN_PYTHON, repoRoot } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const clients = path.join(repoRoot, 'test', 'fault', 'clients');

/** Runs a Python client script, collecting its stdout lines. */
function runScript(script: string, env: Record<string, string>) {
  const child: ChildProcess = spawn(DEBIAN_PYTHON, [path.join(clients, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

describe('kill -9 while a librdkafka producer streams with acks=all', () => {
  const dir = makeTempDir('samsa-kill9-');
  after(() => dir.cleanup());

  it('keeps every acknowledged record, serves nothing corrupt, and continues at the next offset', async () => {
    const topic = 'kill9';
    const config = { 'num.partitions': '1' };
    const first = await startBrokerProcess({ dataDir: dir.path, config });
    const producer = runScript('acked_producer.py', { BOOTSTRAP: first.bootstrap, TOPIC: topic });
    try {
      await waitFor(() => producer.lines.length >= 20_000, {
        timeoutMs: 60_000,
        description: '20,000 acknowledged records',
      });
      await first.kill('SIGKILL');
    } finally {
      // Acks arriving after the kill are impossible; give the producer a moment to print what it had.
      await new Promise((resolve) => setTimeout(resolve, 300));
      producer.child.kill('SIGKILL');
      await producer.exited;
    }
    const acked = producer.lines.filter((l) => l.startsWith('ACK ')).map((l) => l.split(' '));
    assert.ok(acked.length >= 20_000);

    const second = await startBrokerProcess({ dataDir: dir.path, config });
    try {
      const reader = runScript('read_all.py', { BOOTSTRAP: second.bootstrap, TOPIC: topic });
      const code = await reader.exited;
      assert.equal(code, 0, `reader failed: ${reader.stderr()}`);
      const stored = new Map<string, string>();
      let expectedOffset = 0;
      for (const line of reader.lines) {
        const [, , offset, value] = line.split(' ');
        assert.equal(Number(offset), expectedOffset, 'offsets are dense from 0');
        expectedOffset++;
        stored.set(offset!, value!);
      }
      for (const [, , offset, value] of acked) {
        assert.equal(stored.get(offset!), value, `acknowledged record at offset ${offset} is intact`);
      }

      // Appends continue at the next offset after the recovered log end.
      const more = runScript('acked_producer.py', { BOOTSTRAP: second.bootstrap, TOPIC: topic, COUNT: '10' });
      assert.equal(await more.exited, 0, more.stderr());
      const offsets = more.lines.filter((l) => l.startsWith('ACK ')).map((l) => Number(l.split(' ')[2]));
      assert.equal(offsets.length, 10);
      assert.equal(Math.min(...offsets), expectedOffset);
    } finally {
      await second.kill('SIGKILL');
    }
  });
});
