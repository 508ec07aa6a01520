import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAllPassed, failedChecks, parseClientOutput, runClient } from './run-client.js';
import { waitFor } from './wait-for.js';

// Output in the exact form ../shared/compat/kcat_roundtrip.sh prints it.
const KCAT_OUTPUT = [
  'PASS metadata lists brokers',
  'PASS roundtrip 5000 keyed records with none',
  'FAIL roundtrip with gzip — sent 5000, got 0; % ERROR: Local: Timed out',
  "FAIL consume from offset — got ''",
  'kcat-roundtrip: 2 passed, 2 failed',
  '',
].join('\n');

test('parses PASS/FAIL lines, failure details and the summary line', () => {
  const { checks, summary } = parseClientOutput(KCAT_OUTPUT);
  assert.deepEqual(checks, [
    { name: 'metadata lists brokers', passed: true },
    { name: 'roundtrip 5000 keyed records with none', passed: true },
    { name: 'roundtrip with gzip', passed: false, detail: 'sent 5000, got 0; % ERROR: Local: Timed out' },
    { name: 'consume from offset', passed: false, detail: "got ''" },
  ]);
  assert.deepEqual(summary, { name: 'kcat-roundtrip', passed: 2, failed: 2 });
});

test('has no summary when the scenario died before its last line', () => {
  assert.equal(parseClientOutput('PASS a\nTraceback (most recent call last):\n').summary, undefined);
});

test('runs a scenario with BOOTSTRAP set and reports its checks', async () => {
  const script = 'echo "PASS got $BOOTSTRAP"; echo "demo: 1 passed, 0 failed"';
  const run = await runClient('bash', ['-c', script], { bootstrap: '127.0.0.1:1234', timeoutMs: 10_000 });
  assert.deepEqual(run.checks, [{ name: 'got 127.0.0.1:1234', passed: true }]);
  assertAllPassed(run);
});

test('kills a scenario that outlives its timeout, with what it started', async () => {
  const run = await runClient('bash', ['-c', 'echo "PASS started"; sleep 30 & wait'], {
    bootstrap: 'unused:0',
    timeoutMs: 300,
  });
  assert.equal(run.timedOut, true);
  assert.equal(run.signal, 'SIGKILL');
  assert.ok(run.durationMs < 10_000);
  assert.throws(() => assertAllPassed(run), /timed out/);
});

test('names the failed checks', async () => {
  const run = await runClient(
    'bash',
    ['-c', 'echo "FAIL x — why"; echo "PASS y"; echo "d: 1 passed, 1 failed"; exit 1'],
    {
      bootstrap: 'unused:0',
    },
  );
  assert.deepEqual(failedChecks(run), ['x']);
  assert.throws(() => assertAllPassed(run), /checks failed/);
});

test('waitFor returns the first truthy value and times out with the description', async () => {
  let calls = 0;
  assert.equal(await waitFor(() => (++calls >= 3 ? 'ready' : undefined), { intervalMs: 1 }), 'ready');
  await assert.rejects(
    waitFor(
      () => {
        throw new Error('not yet');
      },
      { timeoutMs: 50, intervalMs: 5, description: 'the impossible' },
    ),
    /timed out after 50 ms waiting for the impossible; last error: not yet/,
  );
});
