/** The broker settings replication runs on (Kafka's names in `broker/config.ts`). */
export interface ReplicationConfig {
  /** replica.lag.time.max.ms: a follower behind for longer leaves the ISR. */
  readonly replicaLagTimeMaxMs: number;
  /** replica.fetch.wait.max.ms: a follower's long poll. */
  readonly replicaFetchWaitMaxMs: number;
  /** replica.fetch.min.bytes */
  readonly replicaFetchMinBytes: number;
  /** replica.fetch.max.bytes: per partition. */
  readonly replicaFetchMaxBytes: number;
  /** replica.fetch.response.max.bytes: per fetch. */
  readonly replicaFetchResponseMaxBytes: number;
  /** replica.fetch.backoff.ms: the pause after a failed fetch. */
  readonly replicaFetchBackoffMs: number;
  /** replica.socket.timeout.ms */
  readonly replicaSocketTimeoutMs: number;
  /** num.replica.fetchers: fetchers per source broker. */
  readonly numReplicaFetchers: number;
}
