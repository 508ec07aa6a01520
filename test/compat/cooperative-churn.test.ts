import path from 'node:path';
import { compatClientsDir } from '../helpers/paths.js';
import { scenarioTest } from '../helpers/scenario-test.js';

// librdkafka (clients/cooperative_churn.py): seven cooperative-sticky members join and leave a
// group within a few seconds while consuming 12 partitions; no partition is ever owned by two
// members at once, the survivors own each partition once, nothing is lost, and the commits made on
// revoke leave the group at the log end.
scenarioTest(
  'a cooperative-sticky group with members joining and leaving quickly',
  path.join(compatClientsDir, 'cooperative_churn.py'),
  { timeoutMs: 150_000 },
);
