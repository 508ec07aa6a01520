import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startBrokerProcess } from '../helpers/broker.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function kcat(args: string[], input?: string): string {
  const run = spawnSync('kcat', args, { input, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, `kcat ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

describe('graceful shutdown on SIGTERM', () => {
  const dir = makeTempDir('samsa-sigterm-');
  after(() => dir.cleanup());

  it('exits 0 after flushing, checkpointing and marking a clean shutdown, and restarts without recovery', async () => {
    const config = { 'num.partitions': '1' };
    const first = await startBrokerProcess({ dataDir: dir.path, config });
    const lines = Array.from({ length: 1000 }, (_, i) => `line-${i}`).join('\n');
    kcat(['-b', first.bootstrap, '-P', '-t', 'sigterm', '-X', 'acks=all'], `${lines}\n`);
    const status = await first.stop();
    assert.deepEqual(status, { code: 0, signal: null }, first.output());
    assert.ok(existsSync(path.join(dir.path, '.kafka_cleanshutdown')), 'clean-shutdown marker written');
    const checkpoint = readFileSync(path.join(dir.path, 'recovery-point-offset-checkpoint'), 'utf8');
    assert.match(checkpoint, /^sigterm 0 1000$/m, 'recovery point covers every record');

    const second = await startBrokerProcess({ dataDir: dir.path, config });
    try {
      assert.match(second.output(), /"cleanShutdown":true/);
      const out = kcat(['-b', second.bootstrap, '-C', '-t', 'sigterm', '-o', 'beginning', '-e', '-q']);
      assert.equal(out.trimEnd(), lines);
    } finally {
      await second.kill('SIGKILL');
    }
  });
});
