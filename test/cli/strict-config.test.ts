import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBrokerConfigNames } from '../../src/broker/config-names.js';
import { startBrokerProcess } from '../helpers/broker.js';
import { samsaBin } from '../helpers/paths.js';
import { runClient } from '../helpers/run-client.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('broker config names Samsa would ignore', () => {
  it('tells unknown names, topic-level names and unused Kafka names apart', () => {
    assert.deepEqual(
      checkBrokerConfigNames([
        'log.flush.interval.messages',
        'flush.messages',
        'num.io.threads',
        'listener.name.internal.ssl.keystore.location',
        'log.retenton.ms',
      ]),
      [
        { kind: 'topic-level', name: 'flush.messages', brokerName: 'log.flush.interval.messages' },
        { kind: 'not-used', name: 'num.io.threads' },
        { kind: 'not-used', name: 'listener.name.internal.ssl.keystore.location' },
        { kind: 'unknown', name: 'log.retenton.ms' },
      ],
    );
  });

  it('are logged at start with a warning naming the key (and the broker-level name)', async () => {
    const broker = await startBrokerProcess({
      config: { 'flush.messages': '10', 'log.retenton.ms': '1000', 'num.io.threads': '3000' },
    });
    const status = await broker.stop();
    assert.equal(status.code, 0);
    const warnings = broker
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; config?: string })
      .filter((entry) => entry.level === 40 && entry.config !== undefined);
    const byName = new Map(warnings.map((w) => [w.config, w.msg]));
    assert.match(byName.get('flush.messages') ?? '', /topic-level.*'log\.flush\.interval\.messages'/);
    assert.match(byName.get('log.retenton.ms') ?? '', /is not a broker config/);
    assert.match(byName.get('num.io.threads') ?? '', /accepts but does not use/);
  });

  it('--strict-config refuses to start on one, with a one-line reason and a non-zero exit', async () => {
    const dir = makeTempDir('samsa-strict-');
    try {
      const refused = await runClient(
        process.execPath,
        [
          samsaBin,
          'start',
          '--port',
          '0',
          '--data-dir',
          dir.path,
          '--strict-config',
          '--set',
          'flush.messages=1',
        ],
        { bootstrap: '', timeoutMs: 30_000 },
      );
      assert.equal(refused.exitCode, 1, refused.stderr);
      const lines = refused.stderr.trim().split('\n');
      assert.equal(lines.length, 1, refused.stderr);
      assert.match(
        lines[0]!,
        /^samsa start: INVALID_CONFIG: --strict-config: 'flush\.messages' is a topic-level config; the broker's default for it is 'log\.flush\.interval\.messages'$/,
      );
      assert.ok(!refused.stdout.includes('"msg":"listening"'));
    } finally {
      dir.cleanup();
    }
  });

  it('--strict-config starts when every name is a broker config Samsa knows or a Kafka one', async () => {
    const broker = await startBrokerProcess({
      config: { 'log.flush.interval.messages': '10', 'num.network.threads': '3' },
      extraArgs: ['--strict-config'],
    });
    assert.equal((await broker.stop()).code, 0);
  });
});
