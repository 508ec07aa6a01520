import { Admin } from '../../client/admin.js';
import { ClusterClient } from '../../client/cluster-client.js';
import { GroupAdmin } from '../../client/groups.js';
import { Producer } from '../../client/producer.js';
import { SamsaError } from '../../util/errors.js';
import { HttpError } from '../http-response.js';

/**
 * The REST API's way into the cluster: Samsa's own Kafka client, over the broker's own listener,
 * as Confluent's REST Proxy is a Kafka client. So every answer is the cluster's, whichever broker
 * serves the HTTP request, and the API needs nothing the Kafka protocol does not offer.
 */
export class RestClient {
  private client: ClusterClient | undefined;
  private producerInstance: Producer | undefined;

  constructor(private readonly bootstrap: () => string) {}

  get cluster(): ClusterClient {
    this.client ??= this.newCluster('samsa-rest');
    return this.client;
  }

  /**
   * A client with connections of its own, for a consumer instance: a broker answers a connection's
   * requests in order, so one member's JoinGroup or long poll must not hold up another's heartbeat.
   */
  newCluster(clientId: string): ClusterClient {
    return new ClusterClient({ brokers: this.bootstrap(), clientId, connectTimeoutMs: 5_000 });
  }

  get admin(): Admin {
    return new Admin(this.cluster);
  }

  get groups(): GroupAdmin {
    return new GroupAdmin(this.cluster);
  }

  /** One shared producer (acks=all), as REST Proxy keeps one per format. */
  get producer(): Producer {
    this.producerInstance ??= new Producer(this.cluster, { acks: -1, lingerMs: 0 });
    return this.producerInstance;
  }

  async close(): Promise<void> {
    await this.producerInstance?.close().catch(() => undefined);
    await this.client?.close();
  }
}

/** REST Proxy's error codes for Kafka errors an HTTP client can act on. */
const KAFKA_ERROR_STATUS: Record<string, [number, number]> = {
  UNKNOWN_TOPIC_OR_PARTITION: [404, 40403],
  UNKNOWN_TOPIC_ID: [404, 40403],
  GROUP_ID_NOT_FOUND: [404, 40403],
  TOPIC_ALREADY_EXISTS: [400, 40002],
  INVALID_TOPIC_EXCEPTION: [400, 40002],
  INVALID_PARTITIONS: [400, 40002],
  INVALID_REPLICATION_FACTOR: [400, 40002],
  INVALID_REPLICA_ASSIGNMENT: [400, 40002],
  INVALID_CONFIG: [400, 40002],
  POLICY_VIOLATION: [400, 40002],
  INVALID_REQUEST: [400, 40002],
  NON_EMPTY_GROUP: [400, 40002],
  RECORD_LIST_TOO_LARGE: [413, 41301],
  MESSAGE_TOO_LARGE: [413, 41301],
  TOPIC_AUTHORIZATION_FAILED: [403, 40301],
  GROUP_AUTHORIZATION_FAILED: [403, 40301],
  CLUSTER_AUTHORIZATION_FAILED: [403, 40301],
};

/** A Kafka error as REST Proxy answers it: 4xx for what the caller can fix, else 500. */
export function httpErrorFor(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof SamsaError) {
    const [status, code] = KAFKA_ERROR_STATUS[error.kafkaError] ?? [500, 50002];
    return new HttpError(status, error.message, code);
  }
  return new HttpError(500, (error as Error).message ?? String(error), 50001);
}
