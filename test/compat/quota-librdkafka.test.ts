import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { compatClientsDir } from '../helpers/paths.js';
import { describeRun, runClient } from '../helpers/run-client.js';
import { runSamsa } from '../helpers/run-samsa.js';

const QUOTA = 200_000;

/**
 * Real librdkafka clients under quotas set with `samsa quota set`: a confluent-kafka producer
 * sending as fast as it can under producer_byte_rate, and a kcat consumer under consumer_byte_rate. The quota window is 3 × 1 s so the start-up burst Kafka's
 * rate allows ((samples − 1) windows' worth) is small next to the 9 s measured.
 */
describe('client quotas hold librdkafka clients', () => {
  let t: TestBroker;
  let b: string[];

  before(async () => {
    t = await startBroker({ config: { 'quota.window.num': '3', 'quota.window.size.seconds': '1' } });
    b = ['--brokers', t.bootstrap];
    const created = await runSamsa(['topic', 'create', 'quota-t', ...b]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => t.cleanup());

  it('samsa quota set / list / delete manage the quota', async () => {
    const set = await runSamsa([
      'quota',
      'set',
      '--client-id',
      'quota-producer',
      '--producer-byte-rate',
      String(QUOTA),
      ...b,
    ]);
    assert.equal(set.code, 0, set.stderr);
    const bad = await runSamsa(['quota', 'set', '--user', 'x', '--config', 'nope=1', ...b]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_REQUEST: .*Invalid configuration key nope/);
    await runSamsa(['quota', 'set', '--user-default', '--consumer-byte-rate', '5000', ...b]);
    const list = await runSamsa(['quota', 'list', '--format', 'json', ...b]);
    assert.equal(list.code, 0, list.stderr);
    const entries = JSON.parse(list.stdout);
    assert.deepEqual(
      entries.sort((x: any, y: any) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
      [
        { entity: { 'client-id': 'quota-producer' }, values: { producer_byte_rate: QUOTA } },
        { entity: { user: null }, values: { consumer_byte_rate: 5000 } },
      ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
    const del = await runSamsa(['quota', 'delete', '--user-default', ...b]);
    assert.equal(del.code, 0, del.stderr);
    const text = await runSamsa(['quota', 'list', ...b]);
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

  it('holds a kcat consumer to consumer_byte_rate', async (ctx) => {
    const fetchQuota = 500_000;
    const records = Array.from({ length: 3000 }, (_, i) => `${i}`.padEnd(999, 'y')).join('\n');
    await kcat(['-P', '-b', t.bootstrap, '-t', 'quota-fetch'], `${records}\n`);
    const set = await runSamsa([
      'quota',
      'set',
      '--client-id',
      'quota-consumer',
      '--consumer-byte-rate',
      String(fetchQuota),
      ...b,
    ]);
    assert.equal(set.code, 0, set.stderr);
    const started = Date.now();
    const consumed = await kcat(
      [
        '-C',
        '-b',
        t.bootstrap,
        '-t',
        'quota-fetch',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-X',
        'client.id=quota-consumer',
        '-f',
        '%s\n',
      ],
      '',
    );
    const seconds = (Date.now() - started) / 1000;
    assert.equal(consumed.trim().split('\n').length, 3000);
    // Unthrottled this takes well under a second. The window lets (samples - 1) windows' worth
    // through at once; the rest comes at the quota.
    const bytes = 3000 * 1000;
    const minSeconds = (bytes - 2 * fetchQuota) / fetchQuota;
    ctx.diagnostic(`consumed ${bytes} bytes in ${seconds.toFixed(2)} s under a ${fetchQuota} B/s quota`);
    assert.ok(
      seconds >= minSeconds * 0.8,
      `consumed in ${seconds} s, quota allows no less than ${minSeconds} s`,
    );
  });
});

function kcat(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kcat',
      args,
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`kcat ${args.join(' ')}: ${err.message} ${stderr}`)) : resolve(stdout),
    );
    child.stdin!.end(input);
  });
}
