/**
 * The broker ids a cluster has registered: the set a manual replica assignment may name and that
 * automatic placement spreads replicas over. Single-node mode knows only itself; cluster mode
 * answers from its registrations (ZooKeeper's `/brokers/ids`).
 */
export interface KnownBrokers {
  /** Registered broker ids, ascending. */
  brokerIds(): readonly number[];
}

/** A single node: its own `broker.id` is the whole cluster. */
export function singleNodeBrokers(brokerId: number): KnownBrokers {
  const ids = Object.freeze([brokerId]);
  return { brokerIds: () => ids };
}
