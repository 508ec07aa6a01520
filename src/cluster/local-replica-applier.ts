/**
 * Applies the controller's decisions on a broker that has no replication data path: it opens (or
 * creates) the log of every partition this broker is a replica of, remembers which ones it leads,
 * and deletes the logs of deleted topics. A leader's high watermark is its log end offset, which is
 * right only while each partition has a single replica; the ReplicaManager of the replication
 * engine (follower fetching, ISR, acks=all) takes this role over.
 */
import type { TopicRegistry } from '../broker/topic-registry.js';
import type { LogManager } from '../storage/log-manager.js';
import type { Logger } from '../util/logger.js';
import type { BrokerEndpoint, PartitionState, ReplicaStateApplier } from './partition-state.js';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class LocalReplicaApplier implements ReplicaStateApplier {
  private readonly states = new Map<string, PartitionState>();

  constructor(
    private readonly brokerId: number,
    private readonly topics: TopicRegistry,
    private readonly logs: LogManager,
    private readonly logger: Logger,
  ) {}

  async applyPartitionStates(
    states: readonly PartitionState[],
    _brokers: readonly BrokerEndpoint[],
  ): Promise<void> {
    for (const state of states) {
      const k = key(state.topic, state.partition);
      const previous = this.states.get(k);
      if (previous && previous.leaderEpoch > state.leaderEpoch) continue; // stale
      if (!state.replicas.includes(this.brokerId)) {
        this.states.delete(k);
        continue;
      }
      const meta = this.topics.get(state.topic);
      if (!meta) continue; // deleted meanwhile
      const log = this.topics.openLog(meta, state.partition);
      this.states.set(k, state);
      if (state.leader === this.brokerId) log.setHighWatermark(log.logEndOffset);
      if (previous?.leader !== state.leader) {
        this.logger.info(
          {
            topic: state.topic,
            partition: state.partition,
            leader: state.leader,
            leaderEpoch: state.leaderEpoch,
          },
          state.leader === this.brokerId ? 'became leader' : 'became follower',
        );
      }
    }
  }

  async stopReplicas(
    partitions: readonly { topic: string; partition: number; delete: boolean }[],
  ): Promise<void> {
    for (const p of partitions) {
      this.states.delete(key(p.topic, p.partition));
      if (p.delete) this.logs.delete(p.topic, p.partition);
    }
  }
}
