import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  inRange,
  isEmptyRange,
  MAX_VERSION,
  parseVersionRange,
  versionIn,
} from '../../../src/protocol/schema/versions.js';

test('parses Kafka version ranges', () => {
  assert.deepEqual({ ...parseVersionRange('0+') }, { min: 0, max: MAX_VERSION });
  assert.deepEqual({ ...parseVersionRange('3-5') }, { min: 3, max: 5 });
  assert.deepEqual({ ...parseVersionRange('7') }, { min: 7, max: 7 });
  assert.ok(isEmptyRange(parseVersionRange('none')));
});

test('inRange is inclusive at both ends and empty for "none"', () => {
  const r = parseVersionRange('3-5');
  assert.deepEqual(
    [2, 3, 4, 5, 6].map((v) => inRange(r, v)),
    [false, true, true, true, false],
  );
  assert.equal(inRange(parseVersionRange('9+'), 32767), true);
  assert.equal(inRange(parseVersionRange('9+'), 8), false);
  for (const v of [0, 1, 100]) assert.equal(inRange(parseVersionRange('none'), v), false);
  assert.equal(versionIn(undefined, 0), false);
  assert.equal(versionIn('0+', 0), true);
});

test('rejects malformed ranges', () => {
  for (const bad of ['5-3', '+1', 'x', '1-', '-1', '99999']) {
    assert.throws(() => parseVersionRange(bad), /Invalid version range/, bad);
  }
});

test('caches parsed ranges', () => {
  assert.equal(parseVersionRange('2-4'), parseVersionRange('2-4'));
});
