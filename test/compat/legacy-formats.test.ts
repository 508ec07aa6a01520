import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { sharedCompatDir } from '../helpers/paths.js';
import { describeRun, runClient } from '../helpers/run-client.js';

/**
 * legacy_formats.py: kafka-python pinned to api_version (0, 9) and (0, 10, 1) produces message
 * format v0/v1 (plain and gzip) through Produce v0-v2, and reads through Fetch v0-v3, which the
 * broker answers by converting its v2 batches down. Run twice: once storing batches as produced,
 * once with the broker recompressing everything (compression.type=gzip; Debian's kafka-python
 * has no snappy or lz4 library).
 */
for (const compressionType of ['producer', 'gzip']) {
  test(`kafka-python speaks message formats v0 and v1 (compression.type=${compressionType})`, {
    timeout: 240_000,
  }, async (t) => {
    const { bootstrap, cleanup } = await startBroker({
      config: { 'auto.create.topics.enable': 'true', 'compression.type': compressionType },
    });
    t.after(cleanup);
    const run = await runClient('/usr/bin/python3', [path.join(sharedCompatDir, 'legacy_formats.py')], {
      bootstrap,
      timeoutMs: 200_000,
    });
    const report = describeRun(run);
    assert.equal(run.timedOut, false, `scenario timed out\n${report}`);
    assert.ok(run.summary, `scenario printed no summary line\n${report}`);
    const failed = run.checks.filter((check) => !check.passed).map((check) => check.name);
    assert.deepEqual(failed, [], `checks failed\n${report}`);
    assert.ok(run.checks.length >= 14, `expected at least 14 checks\n${report}`);
    assert.equal(run.summary.failed, 0, report);
  });
}
