import { InvalidConfigError } from '../util/errors.js';

/**
 * Kafka's `ConfigDef` rules for one config value: how a string parses for each type, how the
 * parsed value prints back (`ConfigDef.convertToString`), and the stock validators (`Range`,
 * `ValidString`, `ValidList`) with their messages, so that errors read as Kafka's do:
 * `Invalid value X for configuration Y: <why>`.
 */
export type ConfigType =
  | 'boolean'
  | 'string'
  | 'int'
  | 'short'
  | 'long'
  | 'double'
  | 'list'
  | 'class'
  | 'password';

/**
 * Kafka's `ConfigException`, as opposed to `InvalidConfigurationException` (InvalidConfigError):
 * Kafka's AlterConfigs answers it with INVALID_REQUEST where CreateTopics says INVALID_CONFIG.
 */
export class ConfigDefError extends InvalidConfigError {}

/** A bad value, as Kafka's `ConfigException(name, value, message)`. */
export class ConfigValueError extends ConfigDefError {
  constructor(
    readonly configName: string,
    value: string,
    why: string,
  ) {
    super(`Invalid value ${value} for configuration ${configName}: ${why}`);
  }
}

/** A value as ConfigDef parsed it: `canonical` is how Kafka prints it back. */
export interface ParsedValue {
  readonly canonical: string;
  /** int/long/double as number (Long.MAX_VALUE kept exact in `canonical`), boolean, string, or list items. */
  readonly value: number | boolean | string | readonly string[];
}

export interface Validator {
  /** The reason `parsed` is refused, and how Kafka prints the offending value; undefined when valid. */
  check(parsed: ParsedValue, name: string): { value: string; why: string } | undefined;
  /** The "Valid Values" text Kafka's documentation prints for it. */
  readonly validValues: string;
}

const INT_RANGE = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const SHORT_RANGE = [-(2n ** 15n), 2n ** 15n - 1n] as const;
const LONG_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
/** Java's Double.parseDouble grammar (decimal only; Kafka configs never carry hex floats). */
const JAVA_DOUBLE = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;

/** ConfigDef.parseType: throws ConfigValueError with Kafka's message for a value of the wrong type. */
export function parseConfigValue(name: string, type: ConfigType, raw: string): ParsedValue {
  const trimmed = raw.trim();
  const notA = () => new ConfigValueError(name, raw, `Not a number of type ${type.toUpperCase()}`);
  switch (type) {
    case 'int':
    case 'short':
    case 'long': {
      if (!/^[+-]?\d+$/.test(trimmed)) throw notA();
      const big = BigInt(trimmed);
      const [min, max] = type === 'int' ? INT_RANGE : type === 'short' ? SHORT_RANGE : LONG_RANGE;
      if (big < min || big > max) throw notA();
      return { canonical: big.toString(), value: clampToSafe(big) };
    }
    case 'double': {
      if (!JAVA_DOUBLE.test(trimmed)) throw notA();
      const value = Number(trimmed.replace(/[fFdD]$/, ''));
      return { canonical: javaDoubleToString(value), value };
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw new ConfigValueError(name, raw, 'Expected value to be either true or false');
      }
      return { canonical: lower, value: lower === 'true' };
    }
    case 'list': {
      // Kafka splits on commas with surrounding whitespace and keeps empty items ("a,,b").
      const items = trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
      return { canonical: items.join(','), value: items };
    }
    default:
      return { canonical: trimmed, value: trimmed };
  }
}

/** Parses and validates; throws ConfigValueError. */
export function parseAndValidate(
  name: string,
  type: ConfigType,
  raw: string,
  validator: Validator | undefined,
): ParsedValue {
  const parsed = parseConfigValue(name, type, raw);
  const problem = validator?.check(parsed, name);
  if (problem) throw new ConfigValueError(name, problem.value, problem.why);
  return parsed;
}

/** Long.MAX_VALUE and friends ("never") do not fit a double exactly; MAX_SAFE_INTEGER keeps them ordered. */
function clampToSafe(big: bigint): number {
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(big);
}

/** Java's Double.toString: `0.5`, `1.0`, `1.0E7`, `1.0E-4`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = d.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

function numberOf(parsed: ParsedValue): number {
  return parsed.value as number;
}

/** ConfigDef.Range.atLeast. */
export function atLeast(min: number): Validator {
  return {
    check: (parsed) =>
      numberOf(parsed) < min ? { value: parsed.canonical, why: `Value must be at least ${min}` } : undefined,
    validValues: `[${min},...]`,
  };
}

/** ConfigDef.Range.between (inclusive). */
export function between(min: number, max: number): Validator {
  return {
    check: (parsed) => {
      const n = numberOf(parsed);
      if (n < min) return { value: parsed.canonical, why: `Value must be at least ${min}` };
      if (n > max) return { value: parsed.canonical, why: `Value must be no more than ${max}` };
      return undefined;
    },
    validValues: `[${min},...,${max}]`,
  };
}

/** ConfigDef.ValidString.in. */
export function oneOf(...allowed: string[]): Validator {
  return {
    check: (parsed) =>
      allowed.includes(parsed.canonical)
        ? undefined
        : { value: parsed.canonical, why: `String must be one of: ${allowed.join(', ')}` },
    validValues: `[${allowed.join(', ')}]`,
  };
}

/** ConfigDef.ValidList.in: every item one of `allowed` (Kafka 3.9 accepts the empty list). */
export function listOf(...allowed: string[]): Validator {
  return {
    check: (parsed) => {
      const bad = (parsed.value as string[]).find((item) => !allowed.includes(item));
      return bad === undefined
        ? undefined
        : { value: bad, why: `String must be one of: ${allowed.join(', ')}` };
    },
    validValues: `[${allowed.join(', ')}]`,
  };
}
