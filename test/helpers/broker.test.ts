import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { startBroker, startBrokerProcess } from './broker.js';
import { makeTempDir } from './temp-dir.js';

/** Resolves once a TCP connection to `bootstrap` is accepted. */
async function connects(bootstrap: string): Promise<void> {
  const [host, port] = bootstrap.split(':');
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(Number(port), host!, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

test('startBroker listens on an ephemeral port and cleanup removes its data dir', async () => {
  const { broker, bootstrap, dataDir, cleanup } = await startBroker();
  try {
    assert.notEqual(broker.port, 0);
    assert.equal(bootstrap, `127.0.0.1:${broker.port}`);
    await connects(bootstrap);
    assert.ok(fs.existsSync(dataDir));
  } finally {
    await cleanup();
  }
  assert.equal(fs.existsSync(dataDir), false);
  await cleanup();
});

test('startBrokerProcess reports the bound port; a killed broker restarts over the same data dir', async (t) => {
  const dir = makeTempDir('samsa-restart-');
  t.after(() => dir.cleanup());

  const first = await startBrokerProcess({ dataDir: dir.path });
  t.after(() => first.stop());
  await connects(first.bootstrap);
  assert.deepEqual(await first.kill('SIGKILL'), { code: null, signal: 'SIGKILL' });
  assert.ok(fs.existsSync(dir.path), 'a data dir the caller passed is left in place');

  const second = await startBrokerProcess({ dataDir: dir.path });
  t.after(() => second.stop());
  await connects(second.bootstrap);
  assert.equal((await second.stop()).code, 0, `graceful stop exits 0\n${second.output()}`);
});

test('startBrokerProcess fails with the broker output when it cannot start', async () => {
  await assert.rejects(
    startBrokerProcess({ extraArgs: ['--no-such-option'], startupTimeoutMs: 10_000 }),
    /samsa (exited before listening|did not log "listening")[\s\S]*--- stderr \(tail\) ---/,
  );
});
