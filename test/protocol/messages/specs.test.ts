import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeMessage, encodeMessage } from '../../../src/protocol/codec.js';
import { API_SPECS } from '../../../src/protocol/messages/index.js';
import { type FieldSpec, type MessageSpec, PRIMITIVE_TYPES } from '../../../src/protocol/schema/types.js';
import { parseVersionRange } from '../../../src/protocol/schema/versions.js';

/** Kafka 3.9's validVersions and flexibleVersions (docs: /work/shared/PROTOCOL-NOTES.md, section 1). */
const KAFKA_3_9: ReadonlyMap<number, readonly [string, string]> = new Map([
  [0, ['0-11', '9+']],
  [1, ['0-17', '12+']],
  [2, ['0-9', '6+']],
  [3, ['0-12', '9+']],
  [7, ['0-3', '3+']],
  [8, ['0-9', '8+']],
  [9, ['0-9', '6+']],
  [10, ['0-6', '3+']],
  [11, ['0-9', '6+']],
  [12, ['0-4', '4+']],
  [13, ['0-5', '4+']],
  [14, ['0-5', '4+']],
  [15, ['0-5', '5+']],
  [16, ['0-5', '3+']],
  [17, ['0-1', 'none']],
  [18, ['0-4', '3+']],
  [19, ['0-7', '5+']],
  [20, ['0-6', '4+']],
  [21, ['0-2', '2+']],
  [22, ['0-5', '2+']],
  [23, ['0-4', '4+']],
  [24, ['0-5', '3+']],
  [25, ['0-4', '3+']],
  [26, ['0-4', '3+']],
  [27, ['0-1', '1+']],
  [28, ['0-4', '3+']],
  [29, ['0-3', '2+']],
  [30, ['0-3', '2+']],
  [31, ['0-3', '2+']],
  [32, ['0-4', '4+']],
  [33, ['0-2', '2+']],
  [36, ['0-2', '2+']],
  [37, ['0-3', '2+']],
  [42, ['0-2', '2+']],
  [43, ['0-2', '2+']],
  [44, ['0-1', '1+']],
  [47, ['0', 'none']],
  [48, ['0-1', '1+']],
  [49, ['0-1', '1+']],
  [50, ['0', '0+']],
  [51, ['0', '0+']],
  [60, ['0-1', '0+']],
  [61, ['0', '0+']],
  [65, ['0', '0+']],
  [66, ['0-1', '0+']],
]);

/** Versions the supported clients are known to send; each must stay inside validVersions. */
const CLIENT_VERSIONS: ReadonlyArray<readonly [number, number, string]> = [
  [0, 7, 'kafka-python Produce'],
  [0, 3, 'librdkafka Produce'],
  [1, 4, 'kafka-python Fetch'],
  [1, 11, 'librdkafka Fetch'],
  [3, 0, 'kafka-python Metadata probe'],
  [3, 1, 'kafka-python Metadata'],
  [8, 2, 'kafka-python OffsetCommit'],
  [9, 1, 'kafka-python OffsetFetch'],
  [10, 0, 'kafka-python FindCoordinator'],
  [17, 0, 'kafka-python SaslHandshake'],
  [18, 0, 'kafka-python ApiVersions'],
];

function isStructType(type: string): boolean {
  return !PRIMITIVE_TYPES.has(type.startsWith('[]') ? type.slice(2) : type);
}

/** Checks one struct level and recurses; returns a list of problems, each naming its path. */
function structProblems(fields: readonly FieldSpec[], path: string): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const tags = new Set<number>();
  for (const f of fields) {
    const at = `${path}.${f.name}`;
    if (!/^[a-z][A-Za-z0-9]*$/.test(f.name)) problems.push(`${at}: name is not camelCase`);
    if (names.has(f.name)) problems.push(`${at}: duplicate field name`);
    names.add(f.name);
    for (const key of ['versions', 'nullableVersions', 'taggedVersions'] as const) {
      const text = f[key];
      if (text === undefined) continue;
      try {
        parseVersionRange(text);
      } catch {
        problems.push(`${at}: bad ${key} "${text}"`);
      }
    }
    if (f.taggedVersions !== undefined) {
      if (f.tag === undefined) problems.push(`${at}: taggedVersions without tag`);
      else if (tags.has(f.tag)) problems.push(`${at}: duplicate tag ${f.tag}`);
      else tags.add(f.tag);
    } else if (f.tag !== undefined) {
      problems.push(`${at}: tag without taggedVersions`);
    }
    if (typeof f.default === 'number' && f.type === 'int64') problems.push(`${at}: int64 default not bigint`);
    if (isStructType(f.type)) {
      if (f.fields === undefined || f.fields.length === 0)
        problems.push(`${at}: struct ${f.type} has no fields`);
      else problems.push(...structProblems(f.fields, at));
    } else if (f.fields !== undefined) {
      problems.push(`${at}: primitive ${f.type} with fields`);
    }
  }
  return problems;
}

function versionsOf(spec: MessageSpec): number[] {
  const { min, max } = parseVersionRange(spec.validVersions);
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

describe('API_SPECS', () => {
  test('serves exactly the planned APIs, keyed by their own api key', () => {
    assert.deepEqual([...API_SPECS.keys()], [...KAFKA_3_9.keys()]);
    for (const [key, api] of API_SPECS) {
      assert.equal(api.apiKey, key, api.name);
      assert.equal(api.request.apiKey, key, api.name);
      assert.equal(api.response.apiKey, key, api.name);
      assert.equal(api.request.type, 'request');
      assert.equal(api.response.type, 'response');
      assert.equal(api.request.name, `${api.name}Request`);
      assert.equal(api.response.name, `${api.name}Response`);
    }
  });

  test("keeps Kafka 3.9's version ranges for request and response", () => {
    for (const [key, api] of API_SPECS) {
      const [valid, flexible] = KAFKA_3_9.get(key)!;
      for (const m of [api.request, api.response]) {
        assert.equal(m.validVersions, valid, m.name);
        assert.equal(m.flexibleVersions, flexible, m.name);
      }
    }
  });

  test('accepts the versions the supported clients send', () => {
    for (const [key, version, who] of CLIENT_VERSIONS) {
      const { min, max } = parseVersionRange(API_SPECS.get(key)!.request.validVersions);
      assert.ok(version >= min && version <= max, `${who} v${version}`);
    }
  });

  test('every field parses, is camelCase, and tags are present and unique per struct', () => {
    const problems: string[] = [];
    for (const api of API_SPECS.values()) {
      for (const m of [api.request, api.response]) problems.push(...structProblems(m.fields, m.name));
    }
    assert.deepEqual(problems, []);
  });

  test('SASL auth bytes are marked sensitive', () => {
    const sasl = API_SPECS.get(36)!;
    for (const m of [sasl.request, sasl.response]) {
      const auth = m.fields.find((f) => f.name === 'authBytes');
      assert.equal(auth?.sensitive, true, m.name);
    }
  });

  test('every message encodes its defaults and decodes them back at every valid version', () => {
    for (const api of API_SPECS.values()) {
      for (const m of [api.request, api.response]) {
        for (const v of versionsOf(m)) {
          const bytes = encodeMessage(m, v, {});
          const { value, offset } = decodeMessage(m, v, bytes);
          assert.equal(offset, bytes.length, `${m.name} v${v} consumed`);
          // Compared as values, not bytes: the codec writes a tagged struct whenever it is present.
          const again = decodeMessage(m, v, encodeMessage(m, v, value)).value;
          assert.deepEqual(again, value, `${m.name} v${v} re-decoded`);
        }
      }
    }
  });
});
