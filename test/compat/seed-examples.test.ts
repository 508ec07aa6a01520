import path from 'node:path';
import { sharedCompatDir } from '../helpers/paths.js';
import { scenarioTest } from '../helpers/scenario-test.js';

// The book's producer/consumer examples through kafka-python 2.0.2, topics auto-created on first use,
// plus a 20,000-record keyed burst with headers.
scenarioTest(
  'kafka-python runs the seed examples against the broker',
  path.join(sharedCompatDir, 'seed_examples.py'),
  { timeoutMs: 200_000, brokerConfig: { 'auto.create.topics.enable': 'true' } },
);
