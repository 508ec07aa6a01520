import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { batchesIn, CompressionCodec } from '../../src/protocol/records/record-batch.js';
import { startBroker } from '../helpers/broker.js';
import { sharedCompatDir } from '../helpers/paths.js';
import { describeRun, runClient } from '../helpers/run-client.js';

/**
 * kcat_roundtrip.sh against a broker whose compression.type makes it recompress every batch (as
 * Kafka does when the topic's codec differs from the producer's): each codec kcat sends is stored
 * as zstd, and kcat still reads back every record.
 */
test('kcat round-trips every codec through broker recompression to zstd', { timeout: 240_000 }, async (t) => {
  const { bootstrap, dataDir, cleanup } = await startBroker({
    config: { 'auto.create.topics.enable': 'true', 'compression.type': 'zstd' },
  });
  t.after(cleanup);
  const run = await runClient('bash', [path.join(sharedCompatDir, 'kcat_roundtrip.sh')], {
    bootstrap,
    timeoutMs: 200_000,
  });
  const report = describeRun(run);
  assert.equal(run.timedOut, false, `scenario timed out\n${report}`);
  assert.ok(run.summary, `scenario printed no summary line\n${report}`);
  assert.deepEqual(
    run.checks.filter((check) => !check.passed).map((check) => check.name),
    [],
    report,
  );
  assert.equal(run.summary.failed, 0, report);

  const partitions = fs
    .readdirSync(dataDir)
    .filter((name) => /^kcat_(none|gzip|snappy|lz4)_.*-0$/.test(name));
  assert.equal(partitions.length, 4, `kcat topics in ${dataDir}: ${partitions}`);
  for (const dir of partitions) {
    const log = fs.readFileSync(path.join(dataDir, dir, '00000000000000000000.log'));
    const codecs = new Set([...batchesIn(log)].map((batch) => batch.compression));
    assert.deepEqual([...codecs], [CompressionCodec.Zstd], `${dir} is stored as zstd`);
  }
});
