import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../src/util/clock.js';
import { openLog, tempDir, testConfig } from '../helpers.js';
import { append, cleanOnce, keyedBatch, latestPerKey, readAll, type StoredRecord, TS } from './helpers.js';

const config = testConfig({ segmentBytes: 1024, cleanupPolicy: 'compact' });
const SEGMENT_FILE = /^\d{20}\.(log|index|timeindex|txnindex)$/;

/**
 * A log of 10 keys updated 120 times (several segments), closed, and the same log cleaned in a
 * copy of its directory: the two directories give every file a crash during the swap can leave.
 */
async function logAndItsCleanedCopy(): Promise<{
  dir: string;
  cleanedDir: string;
  /** The log once the first segment's swap is done (each full segment is cleaned on its own). */
  expected: StoredRecord[];
}> {
  const clock = new ManualClock(Number(TS));
  const dir = tempDir();
  const log = openLog(dir, config, clock);
  for (let i = 0; i < 120; i++) append(log, keyedBatch([[`k${i % 10}`, `v${i}`]]));
  log.roll();
  append(log, keyedBatch([['k0', 'in the active segment']]));
  const before = readAll(log);
  log.close();
  const cleanedDir = tempDir();
  fs.cpSync(dir, cleanedDir, { recursive: true });
  const copy = openLog(cleanedDir, config, clock);
  copy.setHighWatermark(copy.logEndOffset);
  await cleanOnce(copy, clock);
  const cleaned = readAll(copy);
  assert.deepEqual(latestPerKey(cleaned), latestPerKey(before), 'the same latest value of each key');
  assert.ok(cleaned.length < before.length);
  copy.close();
  const secondBase = BigInt(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()[1]!
      .slice(0, 20),
  );
  const expected = [
    ...cleaned.filter((r) => r.offset < secondBase),
    ...before.filter((r) => r.offset >= secondBase),
  ];
  return { dir, cleanedDir, expected };
}

/** The segment files the clean wrote (the first segment's name) in `cleanedDir`, copied into `dir` with `suffix`. */
function copyCleanedSegment(cleanedDir: string, dir: string, suffix: string): string[] {
  const first = fs
    .readdirSync(cleanedDir)
    .filter((n) => SEGMENT_FILE.test(n) && n.startsWith('00000000000000000000.'));
  for (const name of first) fs.copyFileSync(path.join(cleanedDir, name), path.join(dir, name + suffix));
  return first;
}

function reopenAndRead(dir: string): { records: StoredRecord[]; files: string[] } {
  const log = openLog(dir, config, new ManualClock(Number(TS)));
  const records = readAll(log);
  log.close();
  return { records, files: fs.readdirSync(dir) };
}

describe('recovery of an interrupted cleaner swap', () => {
  it('rolls back a clean that had only written .cleaned files', async () => {
    const { dir, cleanedDir } = await logAndItsCleanedCopy();
    const before = reopenAndRead(dir).records;
    copyCleanedSegment(cleanedDir, dir, '.cleaned');
    const { records, files } = reopenAndRead(dir);
    assert.deepEqual(records, before, 'the old segments are untouched');
    assert.deepEqual(
      files.filter((f) => f.endsWith('.cleaned')),
      [],
    );
  });

  it('completes a swap whose .swap files were all in place, the old segments still there', async () => {
    const { dir, cleanedDir, expected } = await logAndItsCleanedCopy();
    const first = path.join(dir, '00000000000000000000.log');
    const oldSize = fs.statSync(first).size;
    copyCleanedSegment(cleanedDir, dir, '.swap');
    const { records, files } = reopenAndRead(dir);
    assert.deepEqual(records, expected);
    assert.equal(files.filter((f) => f.endsWith('.swap')).length, 0);
    assert.ok(fs.statSync(first).size < oldSize, 'the cleaned segment replaced the old one');
  });

  it('completes a swap interrupted while the old segments were being renamed .deleted', async () => {
    const { dir, cleanedDir, expected } = await logAndItsCleanedCopy();
    copyCleanedSegment(cleanedDir, dir, '.swap');
    // The replaced segment's .log and .index had been renamed, its .timeindex not yet.
    for (const suffix of ['.log', '.index']) {
      const file = path.join(dir, `00000000000000000000${suffix}`);
      fs.renameSync(file, `${file}.deleted`);
    }
    const { records, files } = reopenAndRead(dir);
    assert.deepEqual(records, expected);
    assert.equal(files.filter((f) => f.endsWith('.deleted') || f.endsWith('.swap')).length, 0);
  });

  it('finishes the renames of a swap interrupted after the .log took its final name', async () => {
    const { dir, cleanedDir, expected } = await logAndItsCleanedCopy();
    const cleanedNames = copyCleanedSegment(cleanedDir, dir, '.swap');
    // The replaced segment's files are gone (renamed .deleted, then removed), and the cleaned .log
    // took its final name; its indexes are still .swap.
    for (const name of fs.readdirSync(dir)) {
      if (SEGMENT_FILE.test(name) && name.startsWith('00000000000000000000.'))
        fs.rmSync(path.join(dir, name));
    }
    const logName = cleanedNames.find((n) => n.endsWith('.log'))!;
    fs.renameSync(path.join(dir, `${logName}.swap`), path.join(dir, logName));
    const { records, files } = reopenAndRead(dir);
    assert.deepEqual(records, expected);
    assert.equal(files.filter((f) => f.endsWith('.swap')).length, 0);
  });

  it('drops a .swap at or above a .cleaned file (a swap that had not got all its renames)', async () => {
    const { dir, cleanedDir } = await logAndItsCleanedCopy();
    const before = reopenAndRead(dir).records;
    copyCleanedSegment(cleanedDir, dir, '.swap');
    fs.copyFileSync(
      path.join(dir, '00000000000000000000.log'),
      path.join(dir, '00000000000000000000.log.cleaned'),
    );
    const { records, files } = reopenAndRead(dir);
    assert.deepEqual(records, before);
    assert.equal(files.filter((f) => f.endsWith('.swap') || f.endsWith('.cleaned')).length, 0);
  });
});
