import path from 'node:path';
import { compatClientsDir } from '../helpers/paths.js';
import { scenarioTest } from '../helpers/scenario-test.js';

// librdkafka (clients/rebalance_commits.py): offsets committed in the revoke callback, while the
// group prepares a rebalance, are accepted and seen by the partition's next owner (range and
// cooperative-sticky), as with Kafka.
scenarioTest(
  'confluent-kafka offsets committed during a rebalance reach the next owner',
  path.join(compatClientsDir, 'rebalance_commits.py'),
  { timeoutMs: 200_000 },
);
