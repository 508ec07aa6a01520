import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  BROKER_SYNONYM_DEFS,
  brokerConfigSynonyms,
  TOPIC_CONFIG_DEFS,
} from '../../src/storage/topic-config-defs.js';
import { repoRoot } from '../helpers/paths.js';

describe('the topic config table', () => {
  it('groups broker synonyms as DynamicBrokerConfig.brokerConfigSynonyms does', () => {
    const retention = ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    assert.deepEqual(brokerConfigSynonyms('log.retention.hours'), retention);
    assert.deepEqual(brokerConfigSynonyms('log.retention.ms'), retention);
    assert.deepEqual(brokerConfigSynonyms('log.roll.hours'), ['log.roll.ms', 'log.roll.hours']);
    assert.deepEqual(brokerConfigSynonyms('log.flush.interval.ms'), [
      'log.flush.interval.ms',
      'log.flush.scheduler.interval.ms',
    ]);
    assert.deepEqual(brokerConfigSynonyms('log.flush.scheduler.interval.ms'), [
      'log.flush.scheduler.interval.ms',
    ]);
    assert.deepEqual(brokerConfigSynonyms('broker.id'), ['broker.id']);
  });

  it('every broker synonym a topic config names is defined once', () => {
    const defined = new Set(BROKER_SYNONYM_DEFS.map((d) => d.name));
    assert.equal(defined.size, BROKER_SYNONYM_DEFS.length);
    // These two are broker settings of their own, defined in src/broker/config.ts.
    const own = new Set(['message.max.bytes', 'log.flush.scheduler.interval.ms']);
    for (const def of TOPIC_CONFIG_DEFS) {
      for (const synonym of def.synonyms) assert.ok(defined.has(synonym) || own.has(synonym), synonym);
    }
  });

  it('docs/configs.md lists every topic config and broker synonym', () => {
    const page = readFileSync(path.join(repoRoot, 'docs', 'configs.md'), 'utf8');
    for (const def of [...TOPIC_CONFIG_DEFS, ...BROKER_SYNONYM_DEFS]) {
      assert.ok(page.includes(`| \`${def.name}\` | ${def.type.toUpperCase()} |`), def.name);
    }
  });
});
