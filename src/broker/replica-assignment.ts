import { SamsaError } from '../util/errors.js';

/**
 * Checks of manual replica assignments (partition → broker ids, preferred leader first), with
 * the errors and messages of Kafka 3.9's ZooKeeper-mode admin path (`ZkAdminManager`,
 * `AdminZkClient.validateTopicCreate` / `validateReplicaAssignment`).
 */

function invalid(message: string): SamsaError {
  return new SamsaError('INVALID_REPLICA_ASSIGNMENT', message);
}

/** Scala's `HashMap(0 -> ArrayBuffer(1, 1))`, as Kafka prints an assignment in its messages. */
function printAssignment(assignment: ReadonlyMap<number, readonly number[]>): string {
  const entries = [...assignment].sort(([a], [b]) => a - b);
  return `HashMap(${entries.map(([p, replicas]) => `${p} -> ArrayBuffer(${replicas.join(', ')})`).join(', ')})`;
}

const hasDuplicates = (replicas: readonly number[]) => new Set(replicas).size !== replicas.length;

/**
 * A new topic's manual assignment (CreateTopics `assignments`); returns the partition count and
 * replication factor it implies. As in AdminZkClient.validateTopicCreate: one replica count for
 * all partitions, no broker twice in a partition, partitions 0..n-1. Kafka's ZooKeeper mode then
 * creates partitions on brokers that do not exist (offline until they register); a broker cannot
 * host those, so unknown brokers and empty replica lists are refused as Kafka's KRaft controller
 * refuses them.
 */
export function validateNewTopicAssignment(
  assignment: ReadonlyMap<number, readonly number[]>,
  knownBrokerIds: readonly number[],
): { partitions: number; replicationFactor: number } {
  const sizes = new Set([...assignment.values()].map((replicas) => replicas.length));
  if (sizes.size !== 1) throw invalid('All partitions should have the same number of replicas');
  for (const replicas of assignment.values()) {
    if (hasDuplicates(replicas)) {
      throw invalid(`Duplicate replica assignment found: ${printAssignment(assignment)}`);
    }
  }
  for (let p = 0; p < assignment.size; p++) {
    if (!assignment.has(p)) throw invalid('partitions should be a consecutive 0-based integer sequence');
  }
  const known = new Set(knownBrokerIds);
  for (const replicas of assignment.values()) {
    if (replicas.length === 0)
      throw invalid('The manual partition assignment includes an empty replica list.');
    const unknown = [...replicas].sort((a, b) => a - b).find((id) => !known.has(id));
    if (unknown !== undefined) {
      throw invalid(
        `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`,
      );
    }
  }
  return { partitions: assignment.size, replicationFactor: assignment.get(0)!.length };
}

/**
 * The assignment of the partitions CreatePartitions adds (`existingPartitions` onwards), checked as
 * ZkAdminManager.createPartitions and AdminZkClient.validateReplicaAssignment check it.
 */
export function validateNewPartitionsAssignment(
  assignments: readonly (readonly number[])[],
  existingPartitions: number,
  replicationFactor: number,
  newTotal: number,
  knownBrokerIds: readonly number[],
): void {
  const known = new Set(knownBrokerIds);
  const unknown = [...new Set(assignments.flat())].filter((id) => !known.has(id));
  if (unknown.length > 0) throw invalid(`Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`);
  const increment = newTotal - existingPartitions;
  if (assignments.length !== increment) {
    throw invalid(
      `Increasing the number of partitions by ${increment} but ${assignments.length} assignments provided.`,
    );
  }
  assignments.forEach((replicas, i) => {
    const partition = existingPartitions + i;
    if (replicas.length === 0)
      throw invalid(`Cannot have replication factor of 0 for partition id ${partition}.`);
    if (hasDuplicates(replicas)) {
      throw invalid(
        `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')} for partition id ${partition}.`,
      );
    }
  });
  const bad = assignments
    .map((replicas, i) => ({ partition: existingPartitions + i, factor: replicas.length }))
    .filter((p) => p.factor !== replicationFactor);
  if (bad.length > 0) {
    throw invalid(
      `Inconsistent replication factor between partitions, partition 0 has ${replicationFactor} while partitions ` +
        `[${bad.map((p) => p.partition).join(', ')}] have replication factors [${bad.map((p) => p.factor).join(', ')}], respectively.`,
    );
  }
}
