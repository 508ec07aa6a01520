import type { ClusterMetadata } from '../cluster/cluster-metadata.js';
import type { ControllerService } from '../cluster/cluster-mode.js';
import type { ReplicaManager } from '../cluster/replica-manager.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import type { BrokerEndpoints } from '../net/endpoints.js';
import type { AclAuthorizer } from '../security/authorizer/acl-authorizer.js';
import type { CredentialStore } from '../security/credential-store.js';
import type { ClientQuotas } from '../security/quotas/client-quotas.js';
import type { LogManager } from '../storage/log-manager.js';
import type { TransactionCoordinator } from '../txn/transaction-coordinator.js';
import type { LocalTxnMarkerWriter } from '../txn/transaction-marker-writer.js';
import type { Clock } from '../util/clock.js';
import type { BrokerConfig } from './config.js';
import type { TopicRegistry } from './topic-registry.js';

/** The services a handler may call; the Broker builds them once and passes them to every request. */
export interface BrokerServices {
  readonly config: BrokerConfig;
  readonly clock: Clock;
  readonly logs: LogManager;
  /** Topics, partitions, topic ids and per-topic configs (the metadata store's view). */
  readonly topics: TopicRegistry;
  /** Appends and reads with high-watermark semantics, and long-poll waiters. */
  readonly replicas: ReplicaManager;
  readonly groups?: GroupCoordinator;
  /** The transaction coordinator over `__transaction_state`, and the marker writer it uses. */
  readonly txn?: TransactionCoordinator;
  readonly txnMarkers?: LocalTxnMarkerWriter;
  readonly clusterId: string;
  /** Client quotas (produce/fetch byte rates, request time) and their configs. */
  readonly quotas?: ClientQuotas;
  /** Prometheus metrics, when the admin HTTP port that serves them is enabled. */
  readonly metrics?: BrokerMetrics;
  /** Live brokers, the controller and partition leaders (trivial on a single node). */
  readonly cluster: ClusterMetadata;
  /** Cluster mode: the controller side of ControlledShutdown and ElectLeaders (NOT_CONTROLLER unless active). */
  readonly controller?: ControllerService;
  /** This broker's advertised endpoint per listener. */
  readonly endpoints: BrokerEndpoints;
  /** SCRAM credentials (AlterUserScramCredentials, SCRAM and PLAIN logins). */
  readonly credentials: CredentialStore;
  /** The ACL authorizer when `authorizer.class.name` turns it on. */
  readonly authorizer?: AclAuthorizer;
}
