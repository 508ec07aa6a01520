import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { compatClientsDir, samsaBin } from '../helpers/paths.js';
import { describeRun, runClient } from '../helpers/run-client.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function samsa(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [samsaBin, ...args], {
      env: { ...process.env, SAMSA_BROKERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const QUOTA = 200_000;

/**
 * A real librdkafka producer (confluent-kafka) sending as fast as it can under a producer_byte_rate
 * quota set with `samsa quota set`. The quota window is 3 × 1 s so the start-up burst Kafka's
 * rate allows ((samples − 1) windows' worth) is small next to the 9 s measured.
 */
describe('producer_byte_rate holds a librdkafka producer', () => {
  let t: TestBroker;
  let b: string[];

  before(async () => {
    t = await startBroker({ config: { 'quota.window.num': '3', 'quota.window.size.seconds': '1' } });
    b = ['--brokers', t.bootstrap];
    const created = await samsa(['topic', 'create', 'quota-t', ...b]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => t.cleanup());

  it('samsa quota set / list / delete manage the quota', async () => {
    const set = await samsa([
      'quota',
      'set',
      '--client-id',
      'quota-producer',
      '--producer-byte-rate',
      String(QUOTA),
      ...b,
    ]);
    assert.equal(set.code, 0, set.stderr);
    const bad = await samsa(['quota', 'set', '--user', 'x', '--config', 'nope=1', ...b]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_REQUEST: .*Invalid configuration key nope/);
    await samsa(['quota', 'set', '--user-default', '--consumer-byte-rate', '5000', ...b]);
    const list = await samsa(['quota', 'list', '--format', 'json', ...b]);
    assert.equal(list.code, 0, list.stderr);
    const entries = JSON.parse(list.stdout);
    assert.deepEqual(
      entries.sort((x: any, y: any) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      [
        { entity: { 'client-id': 'quota-producer' }, values: { producer_byte_rate: QUOTA } },
        { entity: { user: null }, values: { consumer_byte_rate: 5000 } },
      ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
    const del = await samsa(['quota', 'delete', '--user-default', ...b]);
    assert.equal(del.code, 0, del.stderr);
    const text = await samsa(['quota', 'list', ...b]);
    assert.match(text.stdout, /client-id=quota-producer +producer_byte_rate=200000/);
    assert.doesNotMatch(text.stdout, /user=<default>/);
  });

  it('holds the acknowledged byte rate within 20% of the quota, with throttle events', async (ctx) => {
    const run = await runClient('/usr/bin/python3', [path.join(compatClientsDir, 'quota_producer.py')], {
      bootstrap: t.bootstrap,
      env: { TOPIC: 'quota-t', CLIENT_ID: 'quota-producer', DURATION: '12', SKIP: '3' },
      timeoutMs: 90_000,
    });
    assert.equal(run.exitCode, 0, describeRun(run));
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(result.errors, [], describeRun(run));
    ctx.diagnostic(
      `acknowledged ${Math.round(result.rate)} B/s under a ${QUOTA} B/s quota; ${result.throttleEvents} throttle events, max ${result.maxThrottleMs} ms`,
    );
    // Unthrottled, this producer acknowledges tens of MB/s on the same machine.
    assert.ok(result.rate <= QUOTA * 1.2, `rate ${result.rate} B/s is more than 20% over ${QUOTA}`);
    assert.ok(result.rate >= QUOTA * 0.5, `rate ${result.rate} B/s: the producer was starved`);
    assert.ok(result.throttleEvents > 0, 'librdkafka reported throttle_time_ms from produce responses');
    assert.ok(result.maxThrottleMs > 0);
  });
});
