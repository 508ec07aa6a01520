/** Samsa's own Kafka client: connections, cluster metadata, admin, producer and consumer. */
export {
  Admin,
  AlterConfigOp,
  type ClusterDescription,
  CONFIG_SOURCE_NAMES,
  type ConfigAlteration,
  type ConfigEntry,
  type ConfigResource,
  ConfigResourceType,
  type CreatedTopic,
  type ListedOffset,
  type NewTopic,
  type OffsetQuery,
  type OffsetSpec,
  type TopicOutcome,
} from './admin.js';
export { CLIENT_VERSIONS } from './client-versions.js';
export {
  type BrokerNode,
  ClusterClient,
  type ClusterClientOptions,
  type ClusterMetadata,
  type PartitionMetadata,
  parseBrokerList,
  type TopicMetadata,
} from './cluster-client.js';
export { Connection, type ConnectionOptions } from './connection.js';
export {
  type Assignment,
  type ConsumeOptions,
  Consumer,
  type ConsumerOptions,
  type ConsumerRecord,
  type StartOffset,
} from './consumer.js';
export { ConnectionError, KafkaResponseError, RequestTimeoutError, UnsupportedApiError } from './errors.js';
export { murmur2, partitionForKey, StickyPartitioner, toPositive } from './partitioner.js';
export {
  type Acks,
  Producer,
  type ProducerOptions,
  type ProducerRecord,
  type RecordMetadata,
} from './producer.js';
