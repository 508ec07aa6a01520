import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startBroker } from '../helpers/broker.js';
import { samsaBin } from '../helpers/paths.js';

const run = promisify(execFile);

test('samsa perf produce and consume report what a real client then finds', {
  timeout: 120_000,
}, async (t) => {
  const broker = await startBroker();
  t.after(broker.cleanup);
  const samsa = (...args: string[]) =>
    run(process.execPath, [samsaBin, ...args, '-b', broker.bootstrap], { timeout: 60_000 });
  await samsa('topic', 'create', 'perf', '--partitions', '2');

  const produced = JSON.parse(
    (await samsa('perf', 'produce', 'perf', '-n', '5000', '-s', '64', '-f', 'json')).stdout,
  );
  assert.equal(produced.records, 5000);
  assert.equal(produced.failed, 0);
  assert.ok(produced.recordsPerSec > 0);
  assert.ok(produced.p50Ms <= produced.p99Ms && produced.p99Ms <= produced.maxMs);

  const text = (await samsa('perf', 'produce', 'perf', '-n', '1000')).stdout;
  assert.match(
    text,
    /^1000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, .* 99\.9th\.$/m,
  );

  const consumed = JSON.parse((await samsa('perf', 'consume', 'perf', '-f', 'json')).stdout);
  assert.equal(consumed.records, 6000);
  // 5,000 values of 64 bytes and 1,000 of the default 100.
  assert.ok(Math.abs(consumed.mb - (5000 * 64 + 1000 * 100) / (1024 * 1024)) < 1e-9);

  // kcat counts the same records.
  const { stdout } = await run(
    'kcat',
    ['-C', '-b', broker.bootstrap, '-t', 'perf', '-e', '-q', '-f', '%p\n'],
    { timeout: 30_000 },
  );
  assert.equal(stdout.split('\n').filter(Boolean).length, 6000);
});
