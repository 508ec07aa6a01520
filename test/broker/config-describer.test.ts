import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveBrokerConfig } from '../../src/broker/config.js';
import { describeBrokerConfigs, describeTopicConfigs } from '../../src/broker/config-describer.js';

// Expectations from Kafka 3.9's ConfigHelper.createTopicConfigEntry / configSynonyms and
// KafkaConfig.logRetentionTimeMillis, logRollTimeMillis.
const DEFAULT = 5;
const STATIC = 4;
const TOPIC = 1;
const synonymsOf = (c: { synonyms: { name: string; value: string | null; source: number }[] }) =>
  c.synonyms.map((s) => [s.name, s.value, s.source]);

describe('DescribeConfigs entries', () => {
  it('gives topics the defaults that broker settings imply, hours and minutes included', () => {
    const broker = resolveBrokerConfig({
      'log.retention.hours': '1',
      'log.roll.hours': '2',
      'log.cleaner.min.cleanable.ratio': '1',
    });
    assert.equal(broker.logDefaults.retentionMs, 3_600_000);
    assert.equal(broker.logDefaults.segmentMs, 7_200_000);
    assert.equal(broker.logDefaults.minCleanableDirtyRatio, 1);
    const [retention, segment, ratio] = describeTopicConfigs({}, broker, [
      'retention.ms',
      'segment.ms',
      'min.cleanable.dirty.ratio',
    ]);
    // log.retention.hours set: the value follows it, but no synonym precedes log.retention.ms, so none is listed.
    assert.deepEqual(
      [retention!.value, retention!.configSource, synonymsOf(retention!)],
      ['3600000', DEFAULT, []],
    );
    assert.deepEqual([segment!.value, segment!.configSource, synonymsOf(segment!)], ['7200000', DEFAULT, []]);
    assert.deepEqual(
      [ratio!.value, ratio!.configSource, synonymsOf(ratio!)],
      [
        '1.0',
        STATIC,
        [
          ['log.cleaner.min.cleanable.ratio', '1', STATIC],
          ['log.cleaner.min.cleanable.ratio', '0.5', DEFAULT],
        ],
      ],
    );
  });

  it('lists a set log.retention.ms first, then the default of log.retention.hours', () => {
    const broker = resolveBrokerConfig({ 'log.retention.ms': '5000', 'log.retention.hours': '1' });
    const [retention] = describeTopicConfigs({ 'retention.ms': ' 60000 ' }, broker, ['retention.ms']);
    assert.deepEqual(
      [retention!.value, retention!.configSource, synonymsOf(retention!)],
      [
        '60000',
        TOPIC,
        [
          ['retention.ms', '60000', TOPIC],
          ['log.retention.ms', '5000', STATIC],
          ['log.retention.hours', '1', STATIC],
          ['log.retention.hours', '168', DEFAULT],
        ],
      ],
    );
    const [hours] = describeBrokerConfigs(broker, ['log.retention.hours']);
    assert.deepEqual(synonymsOf(hours!), [
      ['log.retention.hours', '1', STATIC],
      ['log.retention.hours', '168', DEFAULT],
    ]);
  });

  it('reads offsets.commit.timeout.ms (Kafka default 5000) for how long a commit waits for the ISR', () => {
    assert.equal(resolveBrokerConfig({}).offsetsCommitTimeoutMs, 5000);
    assert.equal(resolveBrokerConfig({ 'offsets.commit.timeout.ms': '1234' }).offsetsCommitTimeoutMs, 1234);
  });

  it('refuses a broker setting Kafka would refuse at startup', () => {
    assert.throws(() => resolveBrokerConfig({ 'log.roll.hours': '0' }), {
      message: 'Invalid value 0 for configuration log.roll.hours: Value must be at least 1',
    });
    assert.throws(() => resolveBrokerConfig({ 'log.cleanup.policy': 'shred' }), {
      message:
        'Invalid value shred for configuration log.cleanup.policy: String must be one of: compact, delete',
    });
  });
});
