/**
 * Which partitions an automatic leader rebalance moves, after Kafka's
 * `checkAndTriggerAutoLeaderRebalance`: partitions are grouped by their preferred replica (the first
 * of the assignment); a broker whose share of preferred partitions it does not lead exceeds the
 * allowed ratio gets all of those back. A broker under the ratio is left alone, so one stray
 * partition does not cause leadership churn.
 */

export interface PartitionLeadership {
  readonly topic: string;
  readonly partition: number;
  readonly assignment: readonly number[];
  /** The current leader, -1 for none. */
  readonly leader: number;
}

/**
 * The partitions not led by their preferred replica, for each preferred broker whose imbalance
 * (those partitions / the partitions it prefers) is above `maxImbalanceRatio`.
 */
export function imbalancedPartitions<T extends PartitionLeadership>(
  partitions: readonly T[],
  maxImbalanceRatio: number,
): T[] {
  const byPreferred = new Map<number, T[]>();
  for (const p of partitions) {
    const preferred = p.assignment[0];
    if (preferred === undefined) continue;
    let group = byPreferred.get(preferred);
    if (!group) byPreferred.set(preferred, (group = []));
    group.push(p);
  }
  const out: T[] = [];
  for (const [preferred, group] of byPreferred) {
    const notLed = group.filter((p) => p.leader !== preferred);
    if (notLed.length / group.length > maxImbalanceRatio) out.push(...notLed);
  }
  return out;
}
