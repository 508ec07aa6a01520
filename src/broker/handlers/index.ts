import { createAclsHandler, deleteAclsHandler, describeAclsHandler } from './acls.js';
import { alterClientQuotasHandler } from './alter-client-quotas.js';
import { alterConfigsHandler, incrementalAlterConfigsHandler } from './alter-configs.js';
import { controlledShutdownHandler } from './controlled-shutdown.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeClientQuotasHandler } from './describe-client-quotas.js';
import { describeClusterHandler } from './describe-cluster.js';
import { describeConfigsHandler } from './describe-configs.js';
import { electLeadersHandler } from './elect-leaders.js';
import { fetchHandler } from './fetch.js';
import type { Handler } from './handler.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js';
import { produceHandler } from './produce.js';
import { saslAuthenticateHandler, saslHandshakeHandler } from './sasl.js';
import {
  alterUserScramCredentialsHandler,
  describeUserScramCredentialsHandler,
} from './user-scram-credentials.js';

/** Every API the broker serves besides ApiVersions (which is built from this list). */
export const BROKER_HANDLERS: readonly Handler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  incrementalAlterConfigsHandler,
  createPartitionsHandler,
  describeClientQuotasHandler,
  alterClientQuotasHandler,
  offsetForLeaderEpochHandler,
  describeClusterHandler,
  controlledShutdownHandler,
  electLeadersHandler,
  saslHandshakeHandler,
  saslAuthenticateHandler,
  describeUserScramCredentialsHandler,
  alterUserScramCredentialsHandler,
  describeAclsHandler,
  createAclsHandler,
  deleteAclsHandler,
];
