import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startBroker } from '../helpers/broker.js';
import { samsaBin } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  type ConsumedRecord,
  compactionClient,
  consumeAll,
  kcatProduce,
  latestValues,
  run,
} from './compaction-clients.js';

/** Small segments that roll after 300 ms, cleaned as soon as anything is dirty. */
const COMPACTED = [
  'cleanup.policy=compact',
  'segment.bytes=2048',
  'segment.ms=300',
  'min.cleanable.dirty.ratio=0.01',
  'delete.retention.ms=2000',
];
const BROKER = { 'log.cleaner.backoff.ms': '50' };

/** Counts of each key's records. */
function countsByKey(records: readonly ConsumedRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}

describe('log compaction with real clients', () => {
  it('a consumer from the beginning sees the latest value per key, and tombstones go after delete.retention.ms', {
    timeout: 180_000,
  }, async () => {
    const broker = await startBroker({ config: BROKER });
    try {
      const topic = 'compacted';
      await compactionClient(broker.bootstrap, 'create', topic, ...COMPACTED);
      const lines: string[] = [];
      for (let round = 0; round < 6; round++) {
        for (let k = 0; k < 50; k++) lines.push(`k${k}:value-${k}-${round}`);
      }
      for (let k = 0; k < 10; k++) lines.push(`k${k}:`); // kcat -Z: an empty value is a null (tombstone)
      await kcatProduce(broker.bootstrap, topic, lines);
      // One partition, a new topic: line i is at offset i (the cleaner may already be at work).
      const produced: ConsumedRecord[] = lines.map((line, offset) => {
        const [key, value] = line.split(':');
        return { offset, key: key!, value: value === '' ? null : value! };
      });
      const expected = latestValues(produced);
      const stored = await consumeAll(broker.bootstrap, topic);
      assert.ok(stored.length >= 50 && stored.length <= 310);
      assert.deepEqual(
        latestValues(stored),
        expected,
        'the latest value of each key, whatever was cleaned so far',
      );

      // Each `end` record that finds the active segment older than segment.ms rolls it, making
      // everything before it cleanable.
      const compacted = await waitFor(
        async () => {
          await kcatProduce(broker.bootstrap, topic, ['end:x']);
          const records = (await consumeAll(broker.bootstrap, topic)).filter((r) => r.key !== 'end');
          const counts = countsByKey(records);
          return [...counts.values()].every((n) => n === 1) && counts.size >= 40 ? records : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 400, description: 'one record per key' },
      );
      for (const record of compacted) {
        assert.equal(record.value, expected.get(record.key), `latest value of ${record.key}`);
        const last = [...produced].reverse().find((p) => p.key === record.key)!;
        assert.equal(record.offset, last.offset, 'offsets never change');
      }
      for (let k = 10; k < 50; k++)
        assert.ok(
          compacted.some((r) => r.key === `k${k}`),
          `k${k} is kept`,
        );

      const withoutTombstones = await waitFor(
        async () => {
          await kcatProduce(broker.bootstrap, topic, ['end:x']);
          const records = (await consumeAll(broker.bootstrap, topic)).filter((r) => r.key !== 'end');
          return records.every((r) => r.value !== null) ? records : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 400, description: 'tombstones removed after delete.retention.ms' },
      );
      assert.deepEqual(
        withoutTombstones.map((r) => r.key).sort(),
        Array.from({ length: 40 }, (_, i) => `k${i + 10}`).sort(),
      );
      const cleanTimes = fs.readFileSync(path.join(broker.dataDir, 'cleaner-last-clean-time'), 'utf8');
      assert.match(cleanTimes, new RegExp(`^${topic} 0 \\d+$`, 'm'), 'the last clean time is recorded');
      const checkpoint = fs.readFileSync(path.join(broker.dataDir, 'cleaner-offset-checkpoint'), 'utf8');
      assert.match(checkpoint, new RegExp(`^${topic} 0 \\d+$`, 'm'));
      // `samsa topic describe --data-dir` shows them per partition.
      const described = JSON.parse(
        await run(process.execPath, [
          samsaBin,
          'topic',
          'describe',
          topic,
          '--brokers',
          broker.bootstrap,
          '--data-dir',
          broker.dataDir,
          '--format',
          'json',
        ]),
      );
      const partition = described.partitions[0];
      assert.ok(
        partition.dirtyRatio >= 0 && partition.dirtyRatio <= 1,
        `dirty ratio ${partition.dirtyRatio}`,
      );
      assert.ok(
        Date.parse(partition.lastCleanTime) > Date.now() - 120_000,
        `last clean ${partition.lastCleanTime}`,
      );
    } finally {
      await broker.cleanup();
    }
  });

  it('removes aborted transactions and keeps the latest committed value per key', {
    timeout: 120_000,
  }, async () => {
    const broker = await startBroker({ config: BROKER });
    try {
      const topic = 'compacted-txn';
      await compactionClient(broker.bootstrap, 'create', topic, ...COMPACTED);
      await compactionClient(broker.bootstrap, 'txn', topic);
      const dir = path.join(broker.dataDir, `${topic}-0`);
      const compacted = await waitFor(
        async () => {
          await kcatProduce(broker.bootstrap, topic, ['end:x']);
          // read_uncommitted: only the cleaner can make aborted records disappear from this view.
          const records = (await consumeAll(broker.bootstrap, topic)).filter((r) => r.key !== 'end');
          const counts = countsByKey(records);
          return records.every((r) => r.value !== 'aborted') && [...counts.values()].every((n) => n === 1)
            ? records
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 400, description: 'aborted data removed and keys compacted' },
      );
      assert.deepEqual(
        compacted.map((r) => [r.key, r.value]),
        [
          ['t1', 'c1'],
          ['t2', 'c2'],
        ],
      );
      const committed = (await consumeAll(broker.bootstrap, topic, 'read_committed')).filter(
        (r) => r.key !== 'end',
      );
      assert.deepEqual(committed, compacted, 'read_committed agrees');
      assert.ok(fs.readdirSync(dir).some((f) => f.endsWith('.log')));
    } finally {
      await broker.cleanup();
    }
  });

  it('keeps __consumer_offsets small while a group commits offsets again and again', {
    timeout: 180_000,
  }, async () => {
    const dataDir = makeTempDir('samsa-offsets-compaction-');
    const config = {
      ...BROKER,
      'offsets.topic.num.partitions': '1',
      'offsets.topic.segment.bytes': '4096',
      'log.cleaner.min.cleanable.ratio': '0.01',
      'log.roll.ms': '300',
    };
    const broker = await startBroker({ dataDir: dataDir.path, config });
    try {
      await compactionClient(broker.bootstrap, 'create', 'events', 'cleanup.policy=delete');
      const dir = path.join(dataDir.path, '__consumer_offsets-0');
      const logBytes = () =>
        fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.log'))
          .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
      // 2,000 commits of one key write about 2000 * 80 bytes; compacted, the log holds a few records.
      const commits = '2000';
      assert.equal(
        (await compactionClient(broker.bootstrap, 'commit', 'busy-group', 'events', commits)).trim(),
        commits,
      );
      // A later commit rolls the old segments past log.roll.ms; the cleaner then keeps one record per key.
      const size = await waitFor(
        async () => {
          await compactionClient(broker.bootstrap, 'commit', 'busy-group', 'events', commits, commits);
          const bytes = logBytes();
          return bytes < 8_000 ? bytes : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 400, description: '__consumer_offsets compacted' },
      );
      assert.ok(size < 2000 * 8, `compacted to ${size} bytes`);
      await broker.cleanup();
      // The group's offset survives compaction: a restart replays it from the compacted log.
      const restarted = await startBroker({ dataDir: dataDir.path, config });
      try {
        const committed = await compactionClient(restarted.bootstrap, 'commit', 'busy-group', 'events', '0');
        assert.equal(committed.trim(), commits);
      } finally {
        await restarted.cleanup();
      }
    } finally {
      await broker.cleanup();
      dataDir.cleanup();
    }
  });
});
