/**
 * The schema language for Kafka API messages.
 *
 * It mirrors apache/kafka's `clients/src/main/resources/common/message/*.json` so that a schema file
 * here reads like Kafka's spec: the same field order, the same version ranges, the same types.
 * Field names are the camelCase form of Kafka's PascalCase names (`PartitionIndex` → `partitionIndex`).
 *
 * Version ranges use Kafka's notation: `"0+"`, `"3-5"`, `"7"`, `"none"`.
 *
 * Types:
 * - primitives: `int8 int16 int32 int64 uint16 uint32 float64 bool uuid string bytes records`
 * - arrays: `[]int32`, `[]string`, or `[]StructName` with `fields` describing the element struct
 * - a single struct: `StructName` with `fields` (Kafka writes these as a type name with fields)
 *
 * Decoded JavaScript values:
 * - int8/int16/int32/uint16/uint32/float64 → number; int64 → bigint; bool → boolean
 * - uuid → 16-byte Buffer (all zero = Kafka's ZERO_UUID)
 * - string → string (nullable → string | null)
 * - bytes → Buffer (nullable → Buffer | null); a slice of the frame, never copied
 * - records → Buffer | null on decode (a slice, never parsed by the codec);
 *   on encode a Buffer, an array of Buffers (written back to back), or null
 * - arrays → JS arrays (nullable → array | null); structs → plain objects
 * A message's unknown tagged fields are skipped on decode.
 *
 * On encode a field absent from the object takes its `default`, else the type's zero value
 * (0, 0n, false, '', empty array, zero uuid; null where the version allows null).
 */

const PRIMITIVE_TYPE_NAMES = [
  'int8',
  'int16',
  'int32',
  'int64',
  'uint16',
  'uint32',
  'float64',
  'bool',
  'uuid',
  'string',
  'bytes',
  'records',
] as const;

export type Primitive = (typeof PRIMITIVE_TYPE_NAMES)[number];

/** The primitive type names, for checks at run time. */
export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set(PRIMITIVE_TYPE_NAMES);

export interface FieldSpec {
  /** camelCase form of Kafka's field name. */
  readonly name: string;
  /** A primitive, `[]primitive`, `[]StructName` or `StructName` (the last two need `fields`). */
  readonly type: string;
  /** Versions in which the field is present, e.g. `"0+"`, `"3-5"`, `"none"` (tagged-only fields). */
  readonly versions: string;
  readonly nullableVersions?: string;
  /** Versions in which the field is a tagged field (KIP-482), with its `tag`. */
  readonly taggedVersions?: string;
  readonly tag?: number;
  /** Kafka's `ignorable`: the field may be dropped silently when the version lacks it. */
  readonly ignorable?: boolean;
  /** Kafka's `default`, already in the decoded JS type (bigint for int64, null for nullable). */
  readonly default?: string | number | boolean | bigint | null;
  /** Kafka's `entityType` (`topicName`, `brokerId`, `producerId`, `groupId`, `transactionalId`). */
  readonly entityType?: string;
  /** Never logged (SASL auth bytes, passwords). */
  readonly sensitive?: boolean;
  /** Fields of the struct, for struct and struct-array types. */
  readonly fields?: readonly FieldSpec[];
}

export interface MessageSpec {
  readonly apiKey: number;
  readonly type: 'request' | 'response';
  /** Kafka's message name, e.g. `ProduceRequest`. */
  readonly name: string;
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSpec[];
}

/** One API: its request and response schemas. */
export interface ApiSpec {
  readonly apiKey: number;
  /** Kafka's API name, e.g. `Produce`, `ApiVersions`. */
  readonly name: string;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
}
