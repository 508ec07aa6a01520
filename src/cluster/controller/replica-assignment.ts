/**
 * Where the replicas of new partitions go: Kafka's `AdminUtils.assignReplicasToBrokers`. Replicas
 * are spread round-robin from a random start so leaders (the first replica) spread over brokers;
 * followers are shifted so that no two partitions on a broker share all their replicas. When every
 * broker has a rack, each partition's replicas span as many racks as possible.
 */
import { SamsaError } from '../../util/errors.js';

export interface BrokerRack {
  readonly id: number;
  readonly rack: string | null;
}

export interface AssignOptions {
  /** Index into the broker list for the first partition (default random), as Kafka's fixedStartIndex. */
  readonly fixedStartIndex?: number;
  /** Id of the first partition assigned (adding partitions to a topic); default 0. */
  readonly startPartitionId?: number;
  readonly random?: (n: number) => number;
}

const randomIndex = (n: number): number => Math.floor(Math.random() * n);

/** Replicas of partitions startPartitionId.. startPartitionId+partitions-1, preferred leader first. */
export function assignReplicasToBrokers(
  brokers: readonly BrokerRack[],
  partitions: number,
  replicationFactor: number,
  options: AssignOptions = {},
): number[][] {
  if (partitions <= 0)
    throw new SamsaError('INVALID_PARTITIONS', 'number of partitions must be larger than 0');
  if (replicationFactor <= 0)
    throw new SamsaError('INVALID_REPLICATION_FACTOR', 'replication factor must be larger than 0');
  if (replicationFactor > brokers.length) {
    throw new SamsaError(
      'INVALID_REPLICATION_FACTOR',
      `replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}`,
    );
  }
  const sorted = [...brokers].sort((a, b) => a.id - b.id);
  if (sorted.every((b) => b.rack === null)) {
    return rackUnaware(
      sorted.map((b) => b.id),
      partitions,
      replicationFactor,
      options,
    );
  }
  if (sorted.some((b) => b.rack === null)) {
    throw new SamsaError(
      'INVALID_REPLICA_ASSIGNMENT',
      'not all brokers have rack information for replica rack aware assignment',
    );
  }
  return rackAware(sorted as { id: number; rack: string }[], partitions, replicationFactor, options);
}

function replicaIndex(first: number, secondShift: number, j: number, n: number): number {
  const shift = 1 + ((secondShift + j) % (n - 1));
  return (first + shift) % n;
}

/**
 * The round-robin walk both placements share: for each new partition, the broker index of its
 * first replica and the shift of its followers (bumped every full round, so rounds differ).
 */
function* rounds(
  n: number,
  partitions: number,
  o: AssignOptions,
): Generator<{ first: number; shift: number }> {
  const random = o.random ?? randomIndex;
  const fixed = o.fixedStartIndex ?? -1;
  const startIndex = fixed >= 0 ? fixed : random(n);
  let shift = fixed >= 0 ? fixed : random(n);
  let partitionId = Math.max(0, o.startPartitionId ?? 0);
  for (let i = 0; i < partitions; i++, partitionId++) {
    if (partitionId > 0 && partitionId % n === 0) shift++;
    yield { first: (partitionId + startIndex) % n, shift };
  }
}

function rackUnaware(ids: number[], partitions: number, rf: number, o: AssignOptions): number[][] {
  const out: number[][] = [];
  for (const { first, shift } of rounds(ids.length, partitions, o)) {
    const replicas = [ids[first]!];
    for (let j = 0; j < rf - 1; j++) replicas.push(ids[replicaIndex(first, shift, j, ids.length)]!);
    out.push(replicas);
  }
  return out;
}

/** Brokers ordered rack by rack (racks sorted, brokers by id within a rack): r1b1, r2b1, r1b2, ... */
export function rackAlternatedBrokers(brokers: readonly { id: number; rack: string }[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of brokers) {
    const list = byRack.get(b.rack) ?? [];
    list.push(b.id);
    byRack.set(b.rack, list);
  }
  const racks = [...byRack.keys()].sort();
  for (const list of byRack.values()) list.sort((a, b) => a - b);
  const cursor = new Map(racks.map((r) => [r, 0]));
  const out: number[] = [];
  for (let r = 0; out.length < brokers.length; r = (r + 1) % racks.length) {
    const rack = racks[r]!;
    const list = byRack.get(rack)!;
    const at = cursor.get(rack)!;
    if (at < list.length) {
      out.push(list[at]!);
      cursor.set(rack, at + 1);
    }
  }
  return out;
}

function rackAware(
  brokers: { id: number; rack: string }[],
  partitions: number,
  rf: number,
  o: AssignOptions,
): number[][] {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack]));
  const numRacks = new Set(rackOf.values()).size;
  const arranged = rackAlternatedBrokers(brokers);
  const n = arranged.length;
  const out: number[][] = [];
  for (const { first, shift } of rounds(n, partitions, o)) {
    const leader = arranged[first]!;
    const replicas = [leader];
    const racksUsed = new Set([rackOf.get(leader)!]);
    const brokersUsed = new Set([leader]);
    let k = 0;
    for (let j = 0; j < rf - 1; j++) {
      for (;;) {
        const broker = arranged[replicaIndex(first, shift * numRacks, k, n)]!;
        const rack = rackOf.get(broker)!;
        k++;
        // Skip a broker whose rack already has a replica while some rack has none, and a broker
        // that already has one while some broker has none.
        if (
          (!racksUsed.has(rack) || racksUsed.size === numRacks) &&
          (!brokersUsed.has(broker) || brokersUsed.size === n)
        ) {
          replicas.push(broker);
          racksUsed.add(rack);
          brokersUsed.add(broker);
          break;
        }
      }
    }
    out.push(replicas);
  }
  return out;
}
