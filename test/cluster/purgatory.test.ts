import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DelayedOperation, DelayedOperationPurgatory } from '../../src/cluster/purgatory.js';
import { ManualTimer } from '../../src/group/timer.js';
import { ManualClock } from '../../src/util/clock.js';

class Waiting extends DelayedOperation {
  ready = false;
  completions = 0;
  expirations = 0;
  tryComplete(): boolean {
    return this.ready ? this.forceComplete() : false;
  }
  protected onComplete(): void {
    this.completions++;
  }
  protected override onExpiration(): void {
    this.expirations++;
  }
}

describe('DelayedOperationPurgatory', () => {
  it('completes at once when it can, without watching', () => {
    const purgatory = new DelayedOperationPurgatory<Waiting>('Produce', new ManualTimer(new ManualClock()));
    const op = new Waiting(1000);
    op.ready = true;
    assert.equal(purgatory.tryCompleteElseWatch(op, ['a']), true);
    assert.equal(purgatory.delayed, 0);
    assert.equal(op.completions, 1);
  });

  it('completes a watched operation on checkAndComplete of any of its keys, once', () => {
    const timer = new ManualTimer(new ManualClock());
    const purgatory = new DelayedOperationPurgatory<Waiting>('Produce', timer);
    const op = new Waiting(1000);
    assert.equal(purgatory.tryCompleteElseWatch(op, ['a', 'b']), false);
    assert.equal(purgatory.checkAndComplete('a'), 0);
    op.ready = true;
    assert.equal(purgatory.checkAndComplete('b'), 1);
    assert.equal(purgatory.checkAndComplete('a'), 0, 'unwatched from every key');
    assert.equal(purgatory.delayed, 0);
    timer.advance(2000);
    assert.deepEqual([op.completions, op.expirations], [1, 0], 'the timeout was cancelled');
  });

  it('expires an operation after its delay: onComplete then onExpiration', () => {
    const timer = new ManualTimer(new ManualClock());
    const purgatory = new DelayedOperationPurgatory<Waiting>('Produce', timer);
    const op = new Waiting(1000);
    purgatory.tryCompleteElseWatch(op, ['a']);
    timer.advance(999);
    assert.equal(op.completions, 0);
    timer.advance(1);
    assert.deepEqual([op.completions, op.expirations], [1, 1]);
    assert.equal(purgatory.delayed, 0);
    op.ready = true;
    assert.equal(purgatory.checkAndComplete('a'), 0);
    assert.equal(op.completions, 1);
  });

  it('completes everything on shutdown', () => {
    const purgatory = new DelayedOperationPurgatory<Waiting>('Produce', new ManualTimer(new ManualClock()));
    const ops = [new Waiting(1000), new Waiting(1000)];
    purgatory.tryCompleteElseWatch(ops[0]!, ['a']);
    purgatory.tryCompleteElseWatch(ops[1]!, ['a', 'b']);
    assert.equal(purgatory.delayed, 2);
    purgatory.shutdown();
    assert.deepEqual(
      ops.map((o) => o.completions),
      [1, 1],
    );
  });
});
