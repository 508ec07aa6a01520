import path from 'node:path';
import { sharedCompatDir } from '../helpers/paths.js';
import { scenarioTest } from '../helpers/scenario-test.js';

// librdkafka (confluent-kafka): an idempotent burst without duplicates, a committed and an aborted
// transaction seen through read_committed and read_uncommitted, consume-transform-produce with the
// offsets inside the transaction, and fencing by a second producer with the same transactional.id.
scenarioTest('confluent-kafka transactions and idempotence', path.join(sharedCompatDir, 'transactions.py'), {
  timeoutMs: 200_000,
});
