import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FileHandleCache, logFiles } from '../../src/storage/file-handle-cache.js';
import { waitFor } from '../helpers/wait-for.js';
import { batch, openLog, tempDir, testConfig } from './helpers.js';

/** Descriptors of this process that point into `dir` (Linux /proc). */
function openDescriptorsUnder(dir: string): number {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) count++;
    } catch {
      // closed while listing
    }
  }
  return count;
}

describe('FileHandleCache', () => {
  it('keeps at most its bound open, closing the least recently used, and reopens on use', () => {
    const dir = tempDir();
    const cache = new FileHandleCache(2);
    const files = ['a', 'b', 'c', 'd'].map((name) => cache.file(path.join(dir, name)));
    for (const [i, file] of files.entries()) file.write(Buffer.from(`file ${i}`), 0, 6, 0);
    assert.equal(cache.openCount, 2);
    assert.equal(openDescriptorsUnder(dir), 2);
    assert.deepEqual(
      files.map((f) => f.isOpen),
      [false, false, true, true],
    );
    const buffer = Buffer.alloc(6);
    files[0]!.read(buffer, 0, 6, 0);
    assert.equal(buffer.toString(), 'file 0');
    assert.deepEqual(
      files.map((f) => f.isOpen),
      [true, false, false, true],
    );
    for (const f of files) f.close();
    assert.equal(cache.openCount, 0);
    assert.equal(openDescriptorsUnder(dir), 0);
  });

  it('syncs a file written before its descriptor was closed, and only a written one', () => {
    const dir = tempDir();
    const cache = new FileHandleCache(1);
    const a = cache.file(path.join(dir, 'a'));
    const b = cache.file(path.join(dir, 'b'));
    a.write(Buffer.from('x'), 0, 1, 0);
    b.write(Buffer.from('y'), 0, 1, 0);
    assert.equal(a.isOpen, false);
    assert.equal(a.isDirty, true);
    a.sync();
    assert.equal(a.isDirty, false);
    a.sync(); // nothing written since: no reopen needed
    assert.equal(b.isDirty, true);
  });

  it('does not close a descriptor while its background fsync runs', async () => {
    const dir = tempDir();
    const cache = new FileHandleCache(1);
    const a = cache.file(path.join(dir, 'a'));
    a.write(Buffer.from('x'), 0, 1, 0);
    const done = new Promise<Error | null>((resolve) => a.syncAsync(resolve));
    const b = cache.file(path.join(dir, 'b'));
    b.write(Buffer.from('y'), 0, 1, 0);
    assert.equal(a.isOpen, true, 'pinned by the fsync');
    assert.equal(cache.openCount, 2, 'over the bound while pinned');
    a.close();
    assert.equal(await done, null);
    assert.equal(a.isOpen, false, 'closed once the fsync finished');
    assert.equal(a.isDirty, false);
  });

  it('bounds the descriptors of a log with many segments, which stays readable and writable', async () => {
    const dir = tempDir();
    const before = logFiles.maxOpenFiles;
    logFiles.setMaxOpenFiles(4);
    try {
      const log = openLog(dir, testConfig({ segmentBytes: 600, indexIntervalBytes: 1 }));
      for (let i = 0; i < 40; i++) log.appendAsLeader(batch(2, { valueSize: 100 }), 0);
      assert.ok(log.numberOfSegments >= 20, `${log.numberOfSegments} segments`);
      // Rolled segments are fsynced in the background, and hold their descriptors until done; so
      // are the producer snapshots written at each roll, on descriptors of their own.
      await waitFor(() => logFiles.openCount <= 4, { description: 'background fsyncs done' });
      await waitFor(() => openDescriptorsUnder(dir) <= 4, {
        description: 'at most 4 descriptors open under the log dir',
      });
      for (let offset = 0n; offset < 80n; offset += 7n) {
        const { records } = log.read(offset, 1 << 20, true);
        assert.ok(records.length > 0, `offset ${offset} is readable`);
      }
      assert.ok(openDescriptorsUnder(dir) <= 4);
      log.flush();
      log.close();
      assert.equal(openDescriptorsUnder(dir), 0);
    } finally {
      logFiles.setMaxOpenFiles(before);
    }
  });
});
