/**
 * Kafka's version-range notation, as used by `validVersions`, `flexibleVersions`, `versions`,
 * `nullableVersions` and `taggedVersions` in the message specs (apache/kafka
 * `generator/src/main/java/org/apache/kafka/message/Versions.java`):
 *
 * - `"3+"`   versions 3 and up
 * - `"3-5"`  versions 3 to 5 inclusive
 * - `"7"`    version 7 only
 * - `"none"` no version (an empty range)
 */

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Open upper bound of `"N+"`: Kafka versions are int16, so Short.MAX_VALUE as in Versions.java. */
export const MAX_VERSION = 0x7fff;

/** The empty range (`"none"`): min > max, so nothing is in it. */
export const NO_VERSIONS: VersionRange = Object.freeze({ min: 1, max: 0 });

const cache = new Map<string, VersionRange>();

/** Parses a version range; results are cached, so callers may parse on every use. */
export function parseVersionRange(text: string): VersionRange {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const range = parseUncached(text.trim());
  cache.set(text, range);
  return range;
}

function parseUncached(text: string): VersionRange {
  if (text === 'none' || text === '') return NO_VERSIONS;
  let m = /^(\d+)\+$/.exec(text);
  if (m) return Object.freeze({ min: toVersion(m[1]!, text), max: MAX_VERSION });
  m = /^(\d+)-(\d+)$/.exec(text);
  if (m) {
    const min = toVersion(m[1]!, text);
    const max = toVersion(m[2]!, text);
    if (min > max) throw new Error(`Invalid version range "${text}": ${min} > ${max}`);
    return Object.freeze({ min, max });
  }
  m = /^(\d+)$/.exec(text);
  if (m) {
    const v = toVersion(m[1]!, text);
    return Object.freeze({ min: v, max: v });
  }
  throw new Error(`Invalid version range "${text}"`);
}

function toVersion(digits: string, text: string): number {
  const v = Number(digits);
  if (v > MAX_VERSION) throw new Error(`Invalid version range "${text}": ${v} exceeds ${MAX_VERSION}`);
  return v;
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}

/** True when `version` lies in the range written as `text` (absent text means `"none"`). */
export function versionIn(text: string | undefined, version: number): boolean {
  return text !== undefined && inRange(parseVersionRange(text), version);
}

export function isEmptyRange(range: VersionRange): boolean {
  return range.min > range.max;
}
