import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientQuotaManager } from '../../../src/security/quotas/client-quota-manager.js';
import { PRODUCER_BYTE_RATE, REQUEST_PERCENTAGE } from '../../../src/security/quotas/quota-entity.js';
import { SampledRate } from '../../../src/security/quotas/rate.js';
import { ManualClock } from '../../../src/util/clock.js';

const WINDOW = { samples: 11, windowMs: 1000 };

describe('SampledRate', () => {
  it('divides by at least samples - 1 windows, as Kafka Rate.windowSize', () => {
    const clock = new ManualClock(0);
    const rate = new SampledRate(WINDOW);
    rate.record(1000, clock.nowMs());
    assert.equal(rate.windowSizeMs(clock.nowMs()), 10_000);
    assert.equal(rate.measure(clock.nowMs()), 100);
    clock.advance(500);
    assert.equal(rate.windowSizeMs(clock.nowMs()), 10_500);
  });

  it('measures a steady stream at its rate once the window is full', () => {
    const clock = new ManualClock(0);
    const rate = new SampledRate(WINDOW);
    for (let i = 0; i < 30_000 / 100; i++) {
      rate.record(500, clock.nowMs()); // 5000/s in 100 ms steps
      clock.advance(100);
    }
    const measured = rate.measure(clock.nowMs());
    assert.ok(Math.abs(measured - 5000) / 5000 < 0.05, `measured ${measured}`);
  });

  it('forgets samples older than the whole window', () => {
    const clock = new ManualClock(0);
    const rate = new SampledRate(WINDOW);
    rate.record(1_000_000, clock.nowMs());
    clock.advance(11_000);
    assert.equal(rate.measure(clock.nowMs()), 0);
  });
});

describe('ClientQuotaManager', () => {
  const produce = () => new ClientQuotaManager({ ...WINDOW, key: PRODUCER_BYTE_RATE });

  it('throttles (observed - quota) / quota * window', () => {
    const m = produce();
    m.update([{ entity: { user: 'alice' }, values: { [PRODUCER_BYTE_RATE]: 50 } }]);
    // 1000 bytes at t=0: rate 100/s over a 10 s window → (100 - 50) / 50 * 10000.
    assert.equal(m.recordAndGetThrottleTimeMs('alice', 'c1', 1000, 0), 10_000);
    assert.equal(m.recordAndGetThrottleTimeMs('bob', 'c1', 1000, 0), 0, 'bob has no quota');
  });

  it('does not throttle within quota', () => {
    const m = produce();
    m.update([{ entity: { clientId: 'c1' }, values: { [PRODUCER_BYTE_RATE]: 1000 } }]);
    assert.equal(m.recordAndGetThrottleTimeMs('alice', 'c1', 10_000, 0), 0);
    assert.ok(m.recordAndGetThrottleTimeMs('alice', 'c1', 1, 0) > 0, 'one byte more is over');
  });

  it('caps the throttle when told to (request quota: one window)', () => {
    const m = new ClientQuotaManager({ ...WINDOW, key: REQUEST_PERCENTAGE, maxThrottleMs: 1000 });
    m.update([{ entity: { user: null }, values: { [REQUEST_PERCENTAGE]: 1 } }]);
    assert.equal(m.recordAndGetThrottleTimeMs('alice', 'c', 500, 0), 1000);
  });

  it('resolves quotas in Kafka precedence order', () => {
    const m = produce();
    const q = (entity: object, v: number) => ({ entity, values: { [PRODUCER_BYTE_RATE]: v } });
    const all = [
      q({ user: 'alice', clientId: 'c1' }, 1),
      q({ user: 'alice', clientId: null }, 2),
      q({ user: 'alice' }, 3),
      q({ user: null, clientId: 'c1' }, 4),
      q({ user: null, clientId: null }, 5),
      q({ user: null }, 6),
      q({ clientId: 'c1' }, 7),
      q({ clientId: null }, 8),
    ];
    for (let i = 0; i < all.length; i++) {
      m.update(all.slice(i));
      assert.equal(m.quotaFor('alice', 'c1'), i + 1, `with levels ${i + 1}.. configured`);
    }
    m.update([q({ user: 'alice' }, 3), q({ clientId: 'c1' }, 7)]);
    assert.equal(m.quotaFor('bob', 'c1'), 7, 'bob falls through to the client-id quota');
    assert.equal(m.quotaFor('bob', 'c2'), undefined);
  });

  it('shares one sensor between the clients of a user quota', () => {
    const m = produce();
    m.update([{ entity: { user: 'alice' }, values: { [PRODUCER_BYTE_RATE]: 100 } }]);
    assert.equal(m.recordAndGetThrottleTimeMs('alice', 'c1', 1000, 0), 0);
    assert.ok(m.recordAndGetThrottleTimeMs('alice', 'c2', 1000, 0) > 0, 'c2 adds to alice’s rate');
  });

  it('bounds one fetch by quota × (samples - 1) × window', () => {
    const m = new ClientQuotaManager({ ...WINDOW, key: 'consumer_byte_rate' });
    assert.equal(m.maxValueInQuotaWindow('a', 'c'), Number.POSITIVE_INFINITY);
    m.update([{ entity: { clientId: null }, values: { consumer_byte_rate: 1000 } }]);
    assert.equal(m.maxValueInQuotaWindow('a', 'c'), 10_000);
  });

  it('holds a greedy sender near its quota when it waits out each throttle', () => {
    const clock = new ManualClock(0);
    const m = produce();
    m.update([{ entity: { clientId: 'p' }, values: { [PRODUCER_BYTE_RATE]: 10_000 } }]);
    let sent = 0;
    while (clock.nowMs() < 60_000) {
      const throttle = m.recordAndGetThrottleTimeMs('', 'p', 4000, clock.nowMs());
      sent += 4000;
      clock.advance(Math.max(throttle, 10));
    }
    const rate = sent / 60;
    assert.ok(rate < 10_000 * 1.2 && rate > 10_000 * 0.8, `rate ${rate}`);
  });
});
