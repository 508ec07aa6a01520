import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  controlledShutdownPartitionLeaderElection,
  newPartitionLeaderElection,
  offlinePartitionLeaderElection,
  preferredReplicaPartitionLeaderElection,
  removeReplicaFromIsr,
} from '../../src/cluster/controller/election.js';

const live = (...ids: number[]) => new Set(ids);

test('offline election picks the first live in-sync replica in assignment order', () => {
  assert.deepEqual(offlinePartitionLeaderElection([1, 2, 3], [3, 2], live(2, 3), false), {
    leader: 2,
    isr: [3, 2],
  });
  // A dead ISR member leaves the new ISR.
  assert.deepEqual(offlinePartitionLeaderElection([1, 2, 3], [1, 2, 3], live(3), false), {
    leader: 3,
    isr: [3],
  });
});

test('an out-of-sync replica never leads unless unclean election is enabled', () => {
  assert.equal(offlinePartitionLeaderElection([1, 2, 3], [1], live(2, 3), false), undefined);
  assert.deepEqual(offlinePartitionLeaderElection([1, 2, 3], [1], live(2, 3), true), { leader: 2, isr: [2] });
  assert.equal(offlinePartitionLeaderElection([1, 2, 3], [1], live(), true), undefined);
});

test('controlled shutdown moves leadership to another in-sync replica and drops the stopping one', () => {
  assert.deepEqual(controlledShutdownPartitionLeaderElection([1, 2, 3], [1, 2, 3], live(1, 2, 3), live(1)), {
    leader: 2,
    isr: [2, 3],
  });
  assert.equal(controlledShutdownPartitionLeaderElection([1], [1], live(1), live(1)), undefined);
});

test('preferred replica election only when the preferred replica is live and in sync', () => {
  assert.deepEqual(preferredReplicaPartitionLeaderElection([1, 2], [2, 1], live(1, 2)), {
    leader: 1,
    isr: [2, 1],
  });
  assert.equal(preferredReplicaPartitionLeaderElection([1, 2], [2], live(1, 2)), undefined);
  assert.equal(preferredReplicaPartitionLeaderElection([1, 2], [1, 2], live(2)), undefined);
});

test('a new partition is led by its first live replica, with every live replica in sync', () => {
  assert.deepEqual(newPartitionLeaderElection([3, 1, 2], live(1, 2)), { leader: 1, isr: [1, 2] });
  assert.equal(newPartitionLeaderElection([3], live(1, 2)), undefined);
});

test('removing a replica from the ISR keeps the last member and clears a departed leader', () => {
  assert.deepEqual(removeReplicaFromIsr(1, [1, 2], 2), { leader: 1, isr: [1] });
  assert.deepEqual(removeReplicaFromIsr(1, [1, 2], 1), { leader: -1, isr: [2] });
  assert.deepEqual(removeReplicaFromIsr(1, [1], 1), { leader: -1, isr: [1] });
});
