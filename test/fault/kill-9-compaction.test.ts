import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  type ConsumedRecord,
  compactionClient,
  consumeAll,
  kcatProduce,
  latestValues,
} from '../compat/compaction-clients.js';
import { startBrokerProcess } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const BROKER = { 'log.cleaner.backoff.ms': '50' };
const TOPIC_CONFIGS = [
  'cleanup.policy=compact',
  'segment.bytes=2048',
  'segment.ms=300',
  'min.cleanable.dirty.ratio=0.01',
];

/** The steps of a clean at which the broker SIGKILLs itself (see src/storage/cleaner/crash-points.ts). */
const CRASH_POINTS = ['cleaned', 'swap', 'deleted', 'renamed'] as const;

describe('kill -9 during a clean', () => {
  for (const point of CRASH_POINTS) {
    it(`recovers a valid log with the same latest value per key after a crash at "${point}"`, {
      timeout: 120_000,
    }, async () => {
      const dataDir = makeTempDir('samsa-kill9-clean-');
      try {
        const topic = 'compacted';
        const first = await startBrokerProcess({
          dataDir: dataDir.path,
          config: BROKER,
          env: { SAMSA_CLEANER_CRASH_POINT: point },
        });
        const lines: string[] = [];
        for (let round = 0; round < 5; round++) for (let k = 0; k < 30; k++) lines.push(`k${k}:v${round}`);
        try {
          await compactionClient(first.bootstrap, 'create', topic, ...TOPIC_CONFIGS);
          await kcatProduce(first.bootstrap, topic, lines);
          // Rolling records make the produced segments cleanable; the first clean kills the broker.
          let exited = false;
          void first.exited.then(() => {
            exited = true;
          });
          await waitFor(
            async () => {
              if (!exited) await kcatProduce(first.bootstrap, topic, ['end:x']).catch(() => {});
              return exited;
            },
            { timeoutMs: 60_000, intervalMs: 400, description: `the broker killing itself at ${point}` },
          );
          assert.equal((await first.exited).signal, 'SIGKILL', first.output());
        } finally {
          await first.kill();
        }
        const partitionDir = path.join(dataDir.path, `${topic}-0`);
        const leftovers = fs.readdirSync(partitionDir).filter((f) => /\.(cleaned|swap)$/.test(f));
        if (point === 'cleaned' || point === 'swap' || point === 'deleted') {
          assert.ok(
            leftovers.length > 0,
            `the crash left ${point === 'cleaned' ? '.cleaned' : '.swap'} files`,
          );
        }

        const second = await startBrokerProcess({ dataDir: dataDir.path, config: BROKER });
        try {
          const recovered = await consumeAll(second.bootstrap, topic);
          const expected = latestValues(lines.map((line, offset) => toRecord(line, offset)));
          const latest = latestValues(recovered);
          latest.delete('end');
          assert.deepEqual(latest, expected, 'the same latest value of every key');
          assertIncreasing(recovered);
          assert.deepEqual(
            fs.readdirSync(partitionDir).filter((f) => /\.(cleaned|swap)$/.test(f)),
            [],
            'recovery finished or rolled back the swap',
          );
          // And the cleaner carries on after the restart.
          await waitFor(
            async () => {
              await kcatProduce(second.bootstrap, topic, ['end:x']);
              const records = (await consumeAll(second.bootstrap, topic)).filter((r) => r.key !== 'end');
              return records.length === 30;
            },
            { timeoutMs: 60_000, intervalMs: 400, description: 'the log compacted after the restart' },
          );
        } finally {
          await second.stop();
        }
      } finally {
        dataDir.cleanup();
      }
    });
  }
});

function toRecord(line: string, offset: number): ConsumedRecord {
  const [key, value] = line.split(':');
  return { offset, key: key!, value: value! };
}

function assertIncreasing(records: readonly ConsumedRecord[]): void {
  for (let i = 1; i < records.length; i++) {
    assert.ok(records[i]!.offset > records[i - 1]!.offset, `offsets increase at ${records[i]!.offset}`);
  }
}
