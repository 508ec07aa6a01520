/**
 * Leader election as pure functions, after Kafka's `controller/Election.scala`: each takes a
 * partition's assignment (preferred replica first), its ISR and the live brokers, and returns the
 * new leader and ISR, or undefined when no replica qualifies.
 */

export interface Elected {
  readonly leader: number;
  readonly isr: readonly number[];
}

/**
 * A partition whose leader died (or that has none): the first live replica of the assignment
 * that is in the ISR. Only with `unclean.leader.election.enable` may an out-of-sync live replica
 * lead, and then it is the whole ISR (it may have lost records the others acknowledged).
 */
export function offlinePartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
  uncleanLeaderElectionEnabled: boolean,
): Elected | undefined {
  const clean = assignment.find((id) => live.has(id) && isr.includes(id));
  if (clean !== undefined) return { leader: clean, isr: isr.filter((id) => live.has(id)) };
  if (!uncleanLeaderElectionEnabled) return undefined;
  const unclean = assignment.find((id) => live.has(id));
  return unclean === undefined ? undefined : { leader: unclean, isr: [unclean] };
}

/** Moves leadership back to the preferred (first) replica when it is live and in sync. */
export function preferredReplicaPartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
): Elected | undefined {
  const preferred = assignment[0];
  if (preferred === undefined || !live.has(preferred) || !isr.includes(preferred)) return undefined;
  return { leader: preferred, isr };
}

/** Moves leadership off brokers that are shutting down, and drops them from the ISR. */
export function controlledShutdownPartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
  shuttingDown: ReadonlySet<number>,
): Elected | undefined {
  const leader = assignment.find((id) => live.has(id) && isr.includes(id) && !shuttingDown.has(id));
  if (leader === undefined) return undefined;
  return { leader, isr: isr.filter((id) => !shuttingDown.has(id)) };
}

/** A new partition: the first live replica leads, every live replica is in sync (nothing to copy). */
export function newPartitionLeaderElection(
  assignment: readonly number[],
  live: ReadonlySet<number>,
): Elected | undefined {
  const liveReplicas = assignment.filter((id) => live.has(id));
  const leader = liveReplicas[0];
  return leader === undefined ? undefined : { leader, isr: liveReplicas };
}

/**
 * A replica went offline (Kafka's `removeReplicasFromIsr`): it leaves the ISR unless it is the last
 * member (the ISR never becomes empty, so an unclean choice stays visible), and if it led, the
 * partition has no leader until an election finds one.
 */
export function removeReplicaFromIsr(
  leader: number,
  isr: readonly number[],
  replica: number,
): { leader: number; isr: readonly number[] } {
  return {
    leader: leader === replica ? -1 : leader,
    isr: isr.length === 1 ? isr : isr.filter((id) => id !== replica),
  };
}

/**
 * Kafka's `canPreferredReplicaBeLeader`: the preferred replica is live (and not shutting down,
 * which the caller leaves out of `live`) and in sync, so a preferred election would succeed.
 */
export function canPreferredReplicaBeLeader(
  assignment: readonly number[],
  isr: readonly number[],
  live: ReadonlySet<number>,
): boolean {
  return preferredReplicaPartitionLeaderElection(assignment, isr, live) !== undefined;
}
