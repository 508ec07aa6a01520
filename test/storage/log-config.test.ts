import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  brokerLogConfigFrom,
  DEFAULT_LOG_CONFIG,
  logConfigFrom,
  logConfigToProperties,
  TOPIC_CONFIG_DEFS,
} from '../../src/storage/log-config.js';
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
    for (const def of TOPIC_CONFIG_DEFS) assert.ok(def.key in DEFAULT_LOG_CONFIG, def.name);
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
    const config = brokerLogConfigFrom(DEFAULT_LOG_CONFIG, {
      'log.retention.hours': '1',
      'log.segment.bytes': '1048576',
      'log.roll.hours': '2',
      'broker.id': '7',
    });
    assert.equal(config.retentionMs, 3_600_000);
    assert.equal(config.segmentBytes, 1_048_576);
    assert.equal(config.segmentMs, 7_200_000);
    assert.equal(
      brokerLogConfigFrom(DEFAULT_LOG_CONFIG, { 'log.retention.ms': '5', 'log.retention.hours': '1' })
        .retentionMs,
      5,
    );
  });

  it('prints values as Kafka does, Long.MAX_VALUE included', () => {
    const properties = logConfigToProperties(DEFAULT_LOG_CONFIG);
    assert.equal(properties['flush.ms'], '9223372036854775807');
    assert.equal(properties['segment.bytes'], '1073741824');
    assert.equal(properties['unclean.leader.election.enable'], 'false');
    assert.deepEqual(
      Object.fromEntries(TOPIC_CONFIG_DEFS.map((def) => [def.name, def.default])),
      properties,
      'defaults print as their declared default',
    );
  });
});
