import path from 'node:path';
import { compatClientsDir } from '../helpers/paths.js';
import { scenarioTest } from '../helpers/scenario-test.js';

// kafka-python 2.0.2 (clients/zstd_legacy_fetch.py): zstd produced with Produce v7 and read back
// with Fetch v4, a topic configured compression.type=zstd refused to Fetch v4 as Kafka does, and
// Fetch v1/v3 consumers reading many batches through answers cut to their byte limits.
scenarioTest(
  'kafka-python zstd with Fetch v4, and legacy fetches under small limits',
  path.join(compatClientsDir, 'zstd_legacy_fetch.py'),
  { timeoutMs: 150_000 },
);
