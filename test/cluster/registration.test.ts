/**
 * Starting brokers against ZooKeeper when things are not right: a broker id already taken, no
 * ZooKeeper at all, and ZooKeeper lost at run time (the brokers fence themselves, then register
 * again when it returns). One ZooKeeper for the file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '../../src/cluster/zookeeper/local-server.js';
import { ZkClient } from '../../src/cluster/zookeeper/zk-client.js';
import { silentLogger } from '../../src/util/logger.js';
import { startCluster, TEST_CLUSTER_CONFIG } from '../helpers/cluster.js';
import { samsaBin } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { startZooKeeper } from '../helpers/zookeeper.js';

const run = promisify(execFile);

/** Runs `samsa start ...` expecting it to fail; returns its exit code, stderr and how long it took. */
async function failingStart(args: string[]): Promise<{ code: number; stderr: string; ms: number }> {
  const dir = makeTempDir('samsa-broker-');
  const started = Date.now();
  try {
    await run(
      process.execPath,
      [samsaBin, 'start', '--port', '0', '--data-dir', dir.path, '--log-level', 'silent', ...args],
      {
        timeout: 60_000,
      },
    );
    return { code: 0, stderr: '', ms: Date.now() - started };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr, ms: Date.now() - started };
  } finally {
    dir.cleanup();
  }
}

test('broker registration and ZooKeeper failures', { timeout: 300_000 }, async (t) => {
  const zookeeper = await startZooKeeper();
  t.after(() => zookeeper.cleanup());

  await t.test('ZooKeeper unreachable at start: a clear error after the connection timeout', async () => {
    const port = await freePort();
    const result = await failingStart([
      '--zookeeper',
      `127.0.0.1:${port}`,
      '--broker-id',
      '1',
      '--set',
      'zookeeper.connection.timeout.ms=1500',
    ]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr.trim(),
      `samsa start: could not connect to ZooKeeper at 127.0.0.1:${port} within 1500 ms (zookeeper.connection.timeout.ms)`,
    );
    assert.ok(result.ms >= 1500, `gave up after ${result.ms} ms`);
  });

  await t.test('a chroot that does not exist yet is created', async () => {
    const cluster = await startCluster({ brokers: 1, zookeeper, chroot: '/deep/samsa-chroot' });
    try {
      const zk = new ZkClient({
        connect: zookeeper.connect,
        sessionTimeoutMs: 10_000,
        connectionTimeoutMs: 10_000,
        logger: silentLogger(),
      });
      await zk.start();
      try {
        assert.deepEqual(await zk.children('/deep/samsa-chroot/brokers/ids'), ['1']);
      } finally {
        zk.close();
      }
    } finally {
      await cluster.cleanup();
    }
  });

  await t.test(
    'a broker id already registered: the second broker refuses to start, in one line',
    async () => {
      const cluster = await startCluster({ brokers: 1, zookeeper, chroot: '/dup' });
      try {
        const result = await failingStart([
          '--zookeeper',
          cluster.zookeeperConnect,
          '--broker-id',
          '1',
          '--set',
          'zookeeper.session.timeout.ms=2000',
        ]);
        assert.equal(result.code, 1);
        assert.equal(
          result.stderr.trim(),
          'samsa start: broker id 1 is already registered in ZooKeeper at /brokers/ids/1 by another live broker',
        );
        // The first broker is unharmed.
        const { stdout } = await run('kcat', ['-L', '-b', cluster.bootstrap()], { timeout: 20_000 });
        assert.match(stdout, /1 brokers:\n\s+broker 1 at/);
      } finally {
        await cluster.cleanup();
      }
    },
  );

  await t.test('ZooKeeper lost at run time: brokers fence themselves, then register again', async () => {
    const cluster = await startCluster({ brokers: 2, zookeeper, chroot: '/lost' });
    try {
      const sessionMs = Number(TEST_CLUSTER_CONFIG['zookeeper.session.timeout.ms']);
      zookeeper.pause();
      try {
        await waitFor(
          () => [...cluster.brokers.values()].every((b) => b.output().includes('"msg":"fenced')),
          {
            timeoutMs: sessionMs + 10_000,
            description: 'both brokers to fence themselves',
          },
        );
      } finally {
        zookeeper.resume();
      }
      // Back in a new session: registered, a controller, leaders, and records flow again.
      await waitFor(
        async () => {
          const { stdout } = await run('kcat', ['-L', '-b', cluster.bootstrap()], { timeout: 20_000 });
          return /2 brokers:/.test(stdout) && /\(controller\)/.test(stdout);
        },
        { timeoutMs: 30_000, description: 'the brokers to register again' },
      );
      await new Promise<void>((resolve, reject) => {
        const child = execFile(
          'kcat',
          ['-P', '-b', cluster.bootstrap(), '-t', 'after-loss'],
          { timeout: 30_000 },
          (err) => (err ? reject(err) : resolve()),
        );
        child.stdin!.end('a\nb\nc\n');
      });
      const { stdout } = await run(
        'kcat',
        ['-C', '-b', cluster.bootstrap(), '-t', 'after-loss', '-e', '-q'],
        {
          timeout: 30_000,
        },
      );
      assert.deepEqual(stdout.trim().split('\n'), ['a', 'b', 'c']);
    } finally {
      await cluster.cleanup();
    }
  });
});
