import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  DataDirLock,
  DataDirLockedError,
  LOCK_FILE,
  type LockMechanism,
} from '../../src/storage/data-dir-lock.js';
import { tempDir } from './helpers.js';

/** The pid of a process that has exited: what a broker killed with -9 leaves in `.lock`. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid;
}

for (const mechanism of ['socket', 'pid-file'] as LockMechanism[]) {
  describe(`data directory lock (${mechanism})`, () => {
    it('refuses a second holder until the first releases, and names the holder', async () => {
      const dir = tempDir();
      const first = await DataDirLock.acquire(dir, mechanism);
      assert.equal(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
      await assert.rejects(DataDirLock.acquire(dir, mechanism), (err: unknown) => {
        assert.ok(err instanceof DataDirLockedError);
        assert.equal(err.holderPid, process.pid);
        assert.match(err.message, /is in use by another broker \(pid \d+\)/);
        return true;
      });
      first.release();
      first.release();
      assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
      const second = await DataDirLock.acquire(dir, mechanism);
      second.release();
    });

    it('takes over the lock a dead broker left behind', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${deadPid()}\n`);
      const lock = await DataDirLock.acquire(dir, mechanism);
      assert.equal(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
      lock.release();
    });
  });
}

describe('data directory lock (socket)', () => {
  it('is the same lock through another path to the directory', async () => {
    const dir = tempDir();
    const link = path.join(tempDir(), 'link');
    fs.symlinkSync(dir, link);
    const lock = await DataDirLock.acquire(dir, 'socket');
    await assert.rejects(DataDirLock.acquire(link, 'socket'), DataDirLockedError);
    lock.release();
  });
});
