import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Broker } from '../../src/index.js';
import { startBroker, startBrokerProcess } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';

test('a second samsa start on the same data dir exits at once with the reason', {
  timeout: 90_000,
}, async (t) => {
  const dir = makeTempDir('samsa-lock-');
  t.after(() => dir.cleanup());
  const first = await startBrokerProcess({ dataDir: dir.path });
  t.after(() => first.stop());

  const started = Date.now();
  const error: Error = await startBrokerProcess({ dataDir: dir.path }).then(
    () => assert.fail('a second broker started on the same data dir'),
    (err: Error) => err,
  );
  assert.match(error.message, /samsa exited before listening \(code 1/);
  const stderr = error.message.split('--- stderr (tail) ---\n')[1]!.trim();
  assert.equal(
    stderr,
    `samsa start: data directory ${dir.path} is in use by another broker (pid ${first.pid}); only one broker may use a data directory at a time`,
    'one line on stderr',
  );
  t.diagnostic(`the second broker exited after ${Date.now() - started} ms`);

  // kill -9 leaves .lock behind; the next broker takes the directory over.
  await first.kill('SIGKILL');
  const third = await startBrokerProcess({ dataDir: dir.path });
  t.after(() => third.stop());
  assert.equal((await third.stop()).code, 0);
});

test('an embedded broker holds its data dir until stop', { timeout: 60_000 }, async (t) => {
  const dir = makeTempDir('samsa-lock-embedded-');
  t.after(() => dir.cleanup());
  const embedded = await startBroker({ dataDir: dir.path });
  t.after(() => embedded.cleanup());
  const other = new Broker({ port: 0, dataDir: dir.path, logLevel: 'silent' });
  await assert.rejects(other.start(), /is in use by another broker/);
  await assert.rejects(startBrokerProcess({ dataDir: dir.path }), /is in use by another broker/);
  await embedded.cleanup();
  const after = await startBroker({ dataDir: dir.path });
  await after.cleanup();
});
