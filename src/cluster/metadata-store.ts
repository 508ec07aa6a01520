/**
 * Where cluster metadata lives: topics, their partition counts, ids and configs. Single-node mode
 * keeps it in the data directory (`LocalMetadataStore`); cluster mode keeps it in ZooKeeper. Nothing
 * above this interface knows which one runs.
 */
export interface TopicMetadata {
  readonly name: string;
  /** 16-byte topic id, as Kafka's Uuid. */
  readonly topicId: Buffer;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level config overrides by Kafka name (`retention.ms`, ...). */
  readonly configs: Readonly<Record<string, string>>;
}

/** Replica lists of the partitions a create or grow adds, in partition order. */
export type ReplicaPlacement = readonly (readonly number[])[];

export interface MetadataStore {
  load(): Promise<void>;
  readonly clusterId: string;
  listTopics(): TopicMetadata[];
  getTopic(name: string): TopicMetadata | undefined;
  /**
   * Adds a topic (the caller has checked it does not exist), or grows it or changes its configs.
   * `placement` is a manual assignment (broker ids of each partition being created, in partition
   * order), already validated; without it the store places replicas itself.
   */
  putTopic(topic: TopicMetadata, placement?: ReplicaPlacement): Promise<void>;
  deleteTopic(name: string): Promise<void>;
}
