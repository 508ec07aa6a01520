import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { LogManager } from '../../src/storage/log-manager.js';
import { logger, tempDir, testConfig } from './helpers.js';

describe('LogManager.getOrCreateAll', () => {
  it('creates every partition, giving the event loop back between slices', async () => {
    const dataDir = tempDir();
    const logs = new LogManager({ dataDir, defaults: testConfig(), logger });
    await logs.startup();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      await logs.getOrCreateAll('many', 300, testConfig());
    } finally {
      clearInterval(ticker);
    }
    assert.equal(fs.readdirSync(dataDir).filter((name) => name.startsWith('many-')).length, 300);
    assert.ok(logs.get('many', 299) !== undefined);
    // 300 partitions take far longer than one 10 ms slice: timers ran in between.
    assert.ok(ticks > 0, 'the event loop ran timers during the creation');
    logs.shutdown();
  });

  it('stops creating partitions once the topic is no longer wanted', async () => {
    const dataDir = tempDir();
    const logs = new LogManager({ dataDir, defaults: testConfig(), logger });
    await logs.startup();
    let asked = 0;
    await logs.getOrCreateAll('dropped', 50, testConfig(), undefined, () => ++asked <= 5);
    assert.equal(fs.readdirSync(dataDir).filter((name) => name.startsWith('dropped-')).length, 5);
    logs.shutdown();
  });
});
