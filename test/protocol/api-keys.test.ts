import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiKey, apiKeyName, apiKeyOf } from '../../src/protocol/api-keys.js';

test('keys match Kafka ApiKeys', () => {
  assert.equal(ApiKey.Produce, 0);
  assert.equal(ApiKey.Fetch, 1);
  assert.equal(ApiKey.Metadata, 3);
  assert.equal(ApiKey.FindCoordinator, 10);
  assert.equal(ApiKey.SaslHandshake, 17);
  assert.equal(ApiKey.ApiVersions, 18);
  assert.equal(ApiKey.InitProducerId, 22);
  assert.equal(ApiKey.SaslAuthenticate, 36);
  assert.equal(ApiKey.IncrementalAlterConfigs, 44);
  assert.equal(ApiKey.DescribeCluster, 60);
  assert.equal(ApiKey.DescribeTopicPartitions, 75);
});

test('keys 0..75 are each assigned exactly once', () => {
  const keys = Object.values(ApiKey).sort((a, b) => a - b);
  assert.deepEqual(
    keys,
    Array.from({ length: 76 }, (_, i) => i),
  );
});

test('name lookups both ways', () => {
  assert.equal(apiKeyName(18), 'ApiVersions');
  assert.equal(apiKeyName(999), undefined);
  assert.equal(apiKeyOf('Produce'), 0);
  assert.equal(apiKeyOf('toString'), undefined);
});
