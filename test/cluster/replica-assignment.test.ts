import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assignReplicasToBrokers,
  rackAlternatedBrokers,
} from '../../src/cluster/controller/replica-assignment.js';

const noRacks = (ids: number[]) => ids.map((id) => ({ id, rack: null }));

test('round-robin assignment matches Kafka (AdminZkClientTest.testReplicaAssignment)', () => {
  assert.deepEqual(assignReplicasToBrokers(noRacks([0, 1, 2, 3, 4]), 10, 3, { fixedStartIndex: 0 }), [
    [0, 1, 2],
    [1, 2, 3],
    [2, 3, 4],
    [3, 4, 0],
    [4, 0, 1],
    [0, 2, 3],
    [1, 3, 4],
    [2, 4, 0],
    [3, 0, 1],
    [4, 1, 2],
  ]);
});

test('leaders (first replicas) spread evenly and replicas are distinct', () => {
  const assignment = assignReplicasToBrokers(noRacks([1, 2, 3]), 6, 3);
  const leaders = assignment.map((r) => r[0]);
  for (const id of [1, 2, 3]) assert.equal(leaders.filter((l) => l === id).length, 2);
  for (const replicas of assignment) assert.equal(new Set(replicas).size, 3);
});

test('rack-aware assignment matches Kafka (AdminRackAwareTest)', () => {
  const racks: Record<number, string> = {
    0: 'rack1',
    1: 'rack3',
    2: 'rack3',
    3: 'rack2',
    4: 'rack2',
    5: 'rack1',
  };
  const brokers = Object.entries(racks).map(([id, rack]) => ({ id: Number(id), rack }));
  assert.deepEqual(rackAlternatedBrokers(brokers), [0, 3, 1, 5, 4, 2]);
  const assignment = assignReplicasToBrokers(brokers, 7, 3, { fixedStartIndex: 0 });
  assert.deepEqual(assignment, [
    [0, 3, 1],
    [3, 1, 5],
    [1, 5, 4],
    [5, 4, 2],
    [4, 2, 0],
    [2, 0, 3],
    [0, 4, 2],
  ]);
  for (const replicas of assignment) assert.equal(new Set(replicas.map((id) => racks[id])).size, 3);
});

test('adding partitions continues the leaders from the next broker (startPartitionId)', () => {
  // As in Kafka, the follower shift restarts from fixedStartIndex; only the leaders continue.
  const added = assignReplicasToBrokers(noRacks([0, 1, 2, 3, 4]), 4, 3, {
    fixedStartIndex: 0,
    startPartitionId: 6,
  });
  assert.deepEqual(
    added.map((r) => r[0]),
    [1, 2, 3, 4],
  );
  for (const replicas of added) assert.equal(new Set(replicas).size, 3);
});

test('bad requests get Kafka errors', () => {
  assert.throws(() => assignReplicasToBrokers(noRacks([1, 2]), 3, 3), {
    kafkaError: 'INVALID_REPLICATION_FACTOR',
  });
  assert.throws(() => assignReplicasToBrokers(noRacks([1]), 0, 1), { kafkaError: 'INVALID_PARTITIONS' });
  assert.throws(
    () =>
      assignReplicasToBrokers(
        [
          { id: 1, rack: 'a' },
          { id: 2, rack: null },
        ],
        1,
        1,
      ),
    { kafkaError: 'INVALID_REPLICA_ASSIGNMENT' },
  );
});
