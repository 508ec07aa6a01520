import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigValueError } from '../../src/storage/config-def.js';
import { DEFAULT_LOG_CONFIG, logConfigFieldOf, logConfigFrom } from '../../src/storage/log-config.js';
import {
  parseTopicConfig,
  TOPIC_CONFIG_DEFS,
  topicDefaultsFromBroker,
} from '../../src/storage/topic-config-defs.js';
import { InvalidConfigError } from '../../src/util/errors.js';

describe('LogConfig', () => {
  it("has Kafka's defaults", () => {
    assert.equal(DEFAULT_LOG_CONFIG.segmentBytes, 1_073_741_824);
    assert.equal(DEFAULT_LOG_CONFIG.segmentMs, 604_800_000);
    assert.equal(DEFAULT_LOG_CONFIG.retentionMs, 604_800_000);
    assert.equal(DEFAULT_LOG_CONFIG.retentionBytes, -1);
    assert.equal(DEFAULT_LOG_CONFIG.maxMessageBytes, 1_048_588);
    assert.equal(DEFAULT_LOG_CONFIG.messageTimestampType, 'CreateTime');
    assert.equal(DEFAULT_LOG_CONFIG.cleanupPolicy, 'delete');
    assert.equal(DEFAULT_LOG_CONFIG.flushMessages, Number.MAX_SAFE_INTEGER);
    assert.equal(DEFAULT_LOG_CONFIG.flushMs, Number.MAX_SAFE_INTEGER);
    assert.equal(DEFAULT_LOG_CONFIG.indexIntervalBytes, 4096);
    assert.equal(DEFAULT_LOG_CONFIG.segmentIndexBytes, 10_485_760);
    assert.equal(DEFAULT_LOG_CONFIG.fileDeleteDelayMs, 60_000);
    assert.equal(DEFAULT_LOG_CONFIG.minInsyncReplicas, 1);
    assert.equal(DEFAULT_LOG_CONFIG.compressionType, 'producer');
    assert.equal(DEFAULT_LOG_CONFIG.uncleanLeaderElectionEnable, false);
    assert.equal(DEFAULT_LOG_CONFIG.minCleanableDirtyRatio, 0.5);
    for (const def of TOPIC_CONFIG_DEFS) {
      const field = logConfigFieldOf(def.name);
      assert.ok(field === undefined ? def.unused : field in DEFAULT_LOG_CONFIG, def.name);
    }
  });

  it('applies topic overrides by their Kafka names', () => {
    const config = logConfigFrom(DEFAULT_LOG_CONFIG, {
      'retention.ms': '-1',
      'cleanup.policy': 'compact, delete',
      'message.timestamp.type': 'LogAppendTime',
      'flush.messages': '9223372036854775807',
      'unclean.leader.election.enable': 'TRUE',
    });
    assert.equal(config.retentionMs, -1);
    assert.equal(config.cleanupPolicy, 'compact,delete');
    assert.equal(config.messageTimestampType, 'LogAppendTime');
    assert.equal(config.flushMessages, Number.MAX_SAFE_INTEGER);
    assert.equal(config.uncleanLeaderElectionEnable, true);
    assert.equal(DEFAULT_LOG_CONFIG.retentionMs, 604_800_000, 'base untouched');
  });

  it('rejects unknown names and bad values with InvalidConfigError', () => {
    const bad: Record<string, string>[] = [
      { 'retention.mss': '1' },
      { 'segment.bytes': '10' },
      { 'segment.bytes': '2147483648' },
      { 'retention.ms': 'soon' },
      { 'cleanup.policy': 'shred' },
      { 'message.timestamp.type': 'WallTime' },
      { 'min.cleanable.dirty.ratio': '1.5' },
      { preallocate: 'yes' },
    ];
    for (const overrides of bad) {
      assert.throws(
        () => logConfigFrom(DEFAULT_LOG_CONFIG, overrides),
        InvalidConfigError,
        JSON.stringify(overrides),
      );
    }
  });

  it('reads broker-level names, with the hours/minutes synonyms', () => {
    const props: Record<string, string> = {
      'log.retention.hours': '1',
      'log.segment.bytes': '1048576',
      'log.roll.hours': '2',
      'broker.id': '7',
    };
    const defaults = (p: Record<string, string>) =>
      topicDefaultsFromBroker(
        (name) => name in p,
        (name) => p[name]!,
      );
    assert.deepEqual(defaults(props), {
      'retention.ms': '3600000',
      'segment.bytes': '1048576',
      'segment.ms': '7200000',
    });
    // log.retention.ms wins over .minutes, which wins over .hours; a negative one means forever.
    assert.equal(defaults({ 'log.retention.ms': '5', 'log.retention.hours': '1' })['retention.ms'], '5');
    assert.equal(
      defaults({ 'log.retention.minutes': '2', 'log.retention.hours': '1' })['retention.ms'],
      '120000',
    );
    assert.equal(defaults({ 'log.retention.ms': '-7' })['retention.ms'], '-1');
    // message.max.bytes is max.message.bytes at broker level.
    assert.equal(defaults({ 'message.max.bytes': '2000' })['max.message.bytes'], '2000');
    assert.throws(() => defaults({ 'log.roll.hours': '0' }), {
      message: 'Invalid value 0 for configuration log.roll.hours: Value must be at least 1',
    });
  });

  it('declares each default as Kafka prints it, valid under its own type and validator', () => {
    for (const def of TOPIC_CONFIG_DEFS) {
      assert.equal(parseTopicConfig(def, def.default).canonical, def.default, def.name);
    }
    assert.equal(TOPIC_CONFIG_DEFS.length, 36, "Kafka 3.9's LogConfig defines 36 topic configs");
  });

  it("refuses values with Kafka's ConfigException messages", () => {
    const message = (overrides: Record<string, string>) => {
      try {
        logConfigFrom(DEFAULT_LOG_CONFIG, overrides);
      } catch (error) {
        assert.ok(error instanceof InvalidConfigError);
        return error.message;
      }
      return 'accepted';
    };
    assert.equal(
      message({ 'retention.ms': 'soon' }),
      'Invalid value soon for configuration retention.ms: Not a number of type LONG',
    );
    assert.equal(
      message({ 'segment.bytes': '10' }),
      'Invalid value 10 for configuration segment.bytes: Value must be at least 14',
    );
    assert.equal(
      message({ 'min.cleanable.dirty.ratio': '1.5' }),
      'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    );
    assert.equal(
      message({ 'cleanup.policy': 'compact,shred' }),
      'Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete',
    );
    assert.equal(
      message({ preallocate: 'yes' }),
      'Invalid value yes for configuration preallocate: Expected value to be either true or false',
    );
    assert.equal(
      message({ 'message.format.version': '9.9' }),
      'Invalid value 9.9 for configuration message.format.version: Version 9.9 is not a valid version',
    );
    assert.equal(
      message({ 'leader.replication.throttled.replicas': '0:1,x' }),
      "Invalid value [0:1, x] for configuration leader.replication.throttled.replicas: leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
    );
    assert.equal(
      message({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' }),
      'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)',
    );
    assert.equal(message({ 'retention.mss': '1' }), 'Unknown topic config name: retention.mss');
    assert.throws(() => logConfigFrom(DEFAULT_LOG_CONFIG, { 'retention.ms': 'x' }), ConfigValueError);
  });

  it('accepts the deprecated and replication configs Kafka 3.9 still knows', () => {
    const accepted = {
      'message.format.version': '0.10.2',
      'leader.replication.throttled.replicas': '0:0,1:0',
      'follower.replication.throttled.replicas': '*',
      'message.downconversion.enable': 'false',
      'message.timestamp.difference.max.ms': '1000',
      'message.timestamp.before.max.ms': '1000',
      'message.timestamp.after.max.ms': '1000',
      'compression.zstd.level': '-5',
      'compression.gzip.level': '-1',
      'local.retention.ms': '-2',
      'remote.storage.enable': 'false',
      'cleanup.policy': '',
    };
    const config = logConfigFrom(DEFAULT_LOG_CONFIG, accepted);
    assert.equal(config.cleanupPolicy, '');
    assert.equal(config.messageDownconversionEnable, false);
    assert.throws(() => logConfigFrom(DEFAULT_LOG_CONFIG, { 'remote.storage.enable': 'true' }), {
      message: /Tiered Storage functionality is disabled in the broker/,
    });
  });
});
