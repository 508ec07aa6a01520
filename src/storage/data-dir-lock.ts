import * as fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';

/** Kafka's lock file name in each log directory. */
export const LOCK_FILE = '.lock';

export type LockMechanism = 'socket' | 'pid-file';

/** Another live process (or another broker in this one) uses the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | undefined,
  ) {
    super(
      `data directory ${dataDir} is in use by another broker${holderPid === undefined ? '' : ` (pid ${holderPid})`}; only one broker may use a data directory at a time`,
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * One broker per data directory, as Kafka's `.lock` in each log dir (held there with an OS file
 * lock, `FileLock.tryLock`). Node has no flock, so the lock is held by what the kernel releases
 * when a process dies however it dies, kill -9 included:
 *
 * - On Linux, a listening Unix socket in the abstract namespace named after the directory's device
 *   and inode (so every path to the directory, symlinks and bind mounts included, names the same
 *   lock). Binding is atomic: a second bind fails with EADDRINUSE while the first holder lives, and
 *   nothing is left behind to go stale. Its scope is the network namespace: brokers in different
 *   containers sharing a volume do not see each other's lock.
 * - Elsewhere, the `.lock` file itself, created exclusively (`wx`) with the holder's pid; a lock
 *   whose pid is no longer alive is stale and taken over. Two processes taking over the same stale
 *   lock at the same instant could both succeed; the socket lock has no such window.
 *
 * Either way `.lock` holds the pid of the broker using the directory, for people and for the
 * error message. Released by `release()` (the broker's stop) or by the process exiting.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    private readonly server: Server | undefined,
  ) {}

  /**
   * Takes the lock of `dataDir` (which must exist), or throws DataDirLockedError. `mechanism`
   * defaults to the socket on Linux and the pid file elsewhere (tests choose).
   */
  static async acquire(
    dataDir: string,
    mechanism: LockMechanism = process.platform === 'linux' ? 'socket' : 'pid-file',
  ): Promise<DataDirLock> {
    const lockFile = path.join(dataDir, LOCK_FILE);
    if (mechanism === 'socket') {
      const { dev, ino } = fs.statSync(dataDir);
      const server = await listenAbstract(`\0samsa-data-dir-lock:${dev}:${ino}`).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new DataDirLockedError(dataDir, readHolderPid(lockFile));
        }
        throw error;
      });
      fs.writeFileSync(lockFile, `${process.pid}\n`);
      return new DataDirLock(dataDir, server);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
        return new DataDirLock(dataDir, undefined);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolderPid(lockFile);
      if (attempt > 0 || (holder !== undefined && isAlive(holder)))
        throw new DataDirLockedError(dataDir, holder);
      fs.rmSync(lockFile, { force: true }); // stale: its broker died without releasing it
    }
  }

  /** Gives the directory up; safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const lockFile = path.join(this.dataDir, LOCK_FILE);
    if (readHolderPid(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
    this.server?.close();
  }
}

function listenAbstract(name: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ path: name, exclusive: true }, () => {
      server.off('error', reject);
      server.unref(); // the lock alone does not keep the process running
      resolve(server);
    });
  });
}

function readHolderPid(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
