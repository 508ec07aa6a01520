/**
 * Replication across a kill -9: three broker processes on a static layout (the test plays the
 * controller); a follower is killed while librdkafka keeps producing with acks=all and
 * min.insync.replicas=2, comes back over the same data directory, truncates and catches up, rejoins
 * the ISR, and all three logs end byte for byte equal with every acknowledged record in them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { consume, logBytes, produce } from '../helpers/replication-clients.js';
import { ProcessLayout } from '../helpers/static-cluster-processes.js';
import { waitFor } from '../helpers/wait-for.js';

describe('replication across a follower kill -9', () => {
  let layout: ProcessLayout;

  before(async () => {
    layout = await ProcessLayout.start(3, {
      'replica.lag.time.max.ms': '1500',
      'replica.fetch.wait.max.ms': '200',
      'replica.fetch.backoff.ms': '100',
    });
  });
  after(async () => {
    await layout?.stop();
  });

  it('keeps acknowledging with min.insync.replicas=2, and the returning follower converges', async () => {
    await layout.createTopic('durable', { leader: 0, configs: { 'min.insync.replicas': '2' } });
    const first = await produce(layout.bootstrap(0), 'durable', 500, 'one');
    assert.deepEqual(first.errors, {});

    await layout.kill(2);
    // The leader waits for broker 2 until it leaves the ISR, then acknowledges with ISR [0, 1].
    const second = await produce(layout.bootstrap(0), 'durable', 500, 'two');
    assert.deepEqual(second.errors, {});
    assert.equal(second.acked.length, 500);
    assert.deepEqual(layout.controller.state('durable', 0)!.isr, [0, 1]);

    await layout.startBroker(2);
    await layout.controller.resend('durable', 0, [2]);
    const third = await produce(layout.bootstrap(0), 'durable', 200, 'three');
    assert.deepEqual(third.errors, {});
    await waitFor(() => layout.controller.state('durable', 0)!.isr.length === 3, {
      timeoutMs: 20_000,
      description: 'broker 2 rejoins the ISR',
    });
    await waitFor(
      () => {
        const logs = [0, 1, 2].map((id) => logBytes(layout.dataDirs.get(id)!, 'durable'));
        return logs.every((l) => l.equals(logs[0]!));
      },
      { timeoutMs: 20_000, description: 'the three replicas converge byte for byte' },
    );
    const consumed = await consume(layout.bootstrap(0), 'durable');
    for (const { value, offset } of [...first.acked, ...second.acked, ...third.acked]) {
      assert.equal(consumed.get(value), offset, `acknowledged ${value} at ${offset}`);
    }
    assert.equal(consumed.size, 1200);
  });
});
