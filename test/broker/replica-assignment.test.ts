import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  validateNewPartitionsAssignment,
  validateNewTopicAssignment,
} from '../../src/broker/replica-assignment.js';

// Messages from Kafka 3.9's AdminZkClient.validateTopicCreate / validateReplicaAssignment and
// ZkAdminManager.createPartitions; unknown brokers in CreateTopics as its KRaft controller says.
const refusal = (fn: () => unknown): [string, string] | 'accepted' => {
  try {
    fn();
    return 'accepted';
  } catch (error: any) {
    return [error.kafkaError, error.message];
  }
};

describe('manual replica assignments', () => {
  const brokers = [1, 2, 3];

  it('takes the topic shape from a new topic assignment', () => {
    const assignment = new Map([
      [1, [2, 3]],
      [0, [1, 2]],
    ]);
    assert.deepEqual(validateNewTopicAssignment(assignment, brokers), {
      partitions: 2,
      replicationFactor: 2,
    });
  });

  it('refuses new topic assignments as Kafka does', () => {
    const cases: [[number, number[]][], string][] = [
      [
        [
          [0, [1]],
          [1, [1, 2]],
        ],
        'All partitions should have the same number of replicas',
      ],
      [
        [
          [0, [1, 2]],
          [1, [3, 3]],
        ],
        'Duplicate replica assignment found: HashMap(0 -> ArrayBuffer(1, 2), 1 -> ArrayBuffer(3, 3))',
      ],
      [
        [
          [0, [1]],
          [5, [2]],
        ],
        'partitions should be a consecutive 0-based integer sequence',
      ],
      [
        [
          [-1, [1]],
          [0, [2]],
        ],
        'partitions should be a consecutive 0-based integer sequence',
      ],
      [[[0, []]], 'The manual partition assignment includes an empty replica list.'],
      [[[0, [9, 1]]], 'The manual partition assignment includes broker 9, but no such broker is registered.'],
    ];
    for (const [entries, message] of cases) {
      assert.deepEqual(
        refusal(() => validateNewTopicAssignment(new Map(entries), brokers)),
        ['INVALID_REPLICA_ASSIGNMENT', message],
      );
    }
  });

  it('refuses new partition assignments as Kafka does', () => {
    const check = (assignments: number[][], newTotal = 5) =>
      refusal(() => validateNewPartitionsAssignment(assignments, 3, 2, newTotal, brokers));
    assert.equal(
      check([
        [1, 2],
        [2, 3],
      ]),
      'accepted',
    );
    const R = 'INVALID_REPLICA_ASSIGNMENT';
    assert.deepEqual(
      check([
        [1, 7],
        [8, 7],
      ]),
      [R, 'Unknown broker(s) in replica assignment: 7, 8.'],
    );
    assert.deepEqual(check([[1, 2]]), [
      R,
      'Increasing the number of partitions by 2 but 1 assignments provided.',
    ]);
    assert.deepEqual(check([[1, 2], []]), [R, 'Cannot have replication factor of 0 for partition id 4.']);
    assert.deepEqual(
      check([
        [2, 2],
        [1, 2],
      ]),
      [R, 'Duplicate brokers not allowed in replica assignment: 2, 2 for partition id 3.'],
    );
    assert.deepEqual(
      check(
        [
          [1, 2],
          [1, 2, 3],
        ],
        5,
      ),
      [
        R,
        'Inconsistent replication factor between partitions, partition 0 has 2 while partitions [4] have replication factors [3], respectively.',
      ],
    );
  });
});
