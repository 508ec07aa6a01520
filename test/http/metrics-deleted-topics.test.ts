import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { runSamsa } from '../helpers/run-samsa.js';

const run = promisify(execFile);

/** The per-topic series lines of `topic` in the broker's exposition. */
async function topicSeries(adminUrl: string, topic: string): Promise<string[]> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('samsa_broker_topic_') && line.includes(`topic="${topic}"`));
}

// Per-topic series must not outlive their topic: a broker whose topics come and go would otherwise
// grow its exposition (and Prometheus's series count) without bound.
describe('per-topic metrics of a deleted topic', { timeout: 60_000 }, () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    await broker?.cleanup();
  });

  test('leave the exposition once the topic is deleted, and start from zero if it comes back', async () => {
    const adminUrl = broker.broker.adminUrl!;
    const topic = 'short-lived';
    const produce = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const child = execFile(
          'kcat',
          ['-P', '-b', broker.bootstrap, '-t', topic],
          { timeout: 30_000 },
          (e) => (e ? reject(e) : resolve()),
        );
        child.stdin!.end(`${Array.from({ length: count }, (_, i) => `r${i}`).join('\n')}\n`);
      });
    assert.equal((await runSamsa(['topic', 'create', topic, '-p', '1', '-b', broker.bootstrap])).code, 0);
    await produce(5);
    await run('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q'], {
      timeout: 30_000,
    });
    const before = await topicSeries(adminUrl, topic);
    assert.ok(before.includes(`samsa_broker_topic_messages_in_total{topic="${topic}"} 5`), before.join('\n'));
    assert.ok(before.some((line) => line.startsWith('samsa_broker_topic_bytes_out_total')));

    assert.equal((await runSamsa(['topic', 'delete', topic, '-b', broker.bootstrap])).code, 0);
    assert.deepEqual(await topicSeries(adminUrl, topic), []);

    assert.equal((await runSamsa(['topic', 'create', topic, '-p', '1', '-b', broker.bootstrap])).code, 0);
    await produce(2);
    assert.ok(
      (await topicSeries(adminUrl, topic)).includes(
        `samsa_broker_topic_messages_in_total{topic="${topic}"} 2`,
      ),
    );
  });
});
