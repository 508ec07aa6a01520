import path from 'node:path';
import { compatClientsDir } from '../helpers/paths.js';
import { scenarioTest } from '../helpers/scenario-test.js';

// kafka-python 2.0.2 (clients/admin_offsets.py): CreateTopics, Metadata, Produce with acks=all,
// and a group-less consumer using assign, seek, offsets_for_times, beginning_offsets and end_offsets.
scenarioTest(
  'kafka-python admin, acks=all produce, assign/seek and offset lookups',
  path.join(compatClientsDir, 'admin_offsets.py'),
  { timeoutMs: 90_000 },
);
