import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canPreferredReplicaBeLeader } from '../../src/cluster/controller/election.js';
import { imbalancedPartitions } from '../../src/cluster/controller/leader-imbalance.js';

const p = (partition: number, assignment: number[], leader: number) => ({
  topic: 't',
  partition,
  assignment,
  leader,
});

test('a broker over the imbalance ratio gets back every preferred partition led elsewhere', () => {
  const partitions = [
    p(0, [1, 2, 3], 2), // broker 1 prefers 0 and 3 and leads neither: 100 %
    p(1, [2, 3, 1], 2),
    p(2, [3, 1, 2], 3),
    p(3, [1, 3, 2], 3),
    p(4, [2, 1, 3], 2),
    p(5, [3, 2, 1], 3),
  ];
  assert.deepEqual(
    imbalancedPartitions(partitions, 0.1).map((x) => x.partition),
    [0, 3],
  );
});

test('imbalance at or under the ratio moves nothing; the ratio is per preferred broker', () => {
  // Broker 1 prefers 4 partitions and leads 3 of them (25 % imbalance), broker 2 leads all it prefers.
  const partitions = [p(0, [1, 2], 1), p(1, [1, 2], 1), p(2, [1, 2], 1), p(3, [1, 2], 2), p(4, [2, 1], 2)];
  assert.deepEqual(imbalancedPartitions(partitions, 0.25), []);
  assert.deepEqual(
    imbalancedPartitions(partitions, 0.2).map((x) => x.partition),
    [3],
  );
  // A leaderless partition counts as not led by its preferred replica.
  assert.deepEqual(
    imbalancedPartitions([p(0, [1, 2], -1)], 0.1).map((x) => x.partition),
    [0],
  );
});

test('the preferred replica can lead only when live, not shutting down, and in sync', () => {
  assert.equal(canPreferredReplicaBeLeader([1, 2], [1, 2], new Set([1, 2])), true);
  assert.equal(canPreferredReplicaBeLeader([1, 2], [2], new Set([1, 2])), false);
  // The caller leaves shutting-down brokers out of the live set.
  assert.equal(canPreferredReplicaBeLeader([1, 2], [1, 2], new Set([2])), false);
});
