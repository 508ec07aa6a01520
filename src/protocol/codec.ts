/**
 * The one generic encoder/decoder for Kafka API messages. It walks a `MessageSpec`
 * (`schema/types.ts`) for any version, the way apache/kafka's generated `*Data.read/write` do:
 *
 * - field presence: a field exists in `versions`; outside them it takes its default on decode and is
 *   not written on encode;
 * - flexible versions (KIP-482): compact strings, bytes, arrays and records (unsigned varint N+1,
 *   0 = null), and a tagged-field section ending every struct and the message itself;
 * - tagged fields (`taggedVersions` + `tag`): written only when they differ from their default,
 *   in ascending tag order, each as (tag, size, value); unknown tags are skipped on decode;
 * - nullable versions: -1 (or compact 0) lengths mean null; nullable structs carry a int8 marker
 *   (-1 null, 1 present), as Kafka's MessageDataGenerator writes them;
 * - records: decoded as a slice of the frame, never parsed; encoded from a Buffer, an array of
 *   Buffers written back to back, or null, behind one length prefix covering all chunks.
 *
 * Each (spec, version) pair is compiled once into a plan of closures and cached, so decoding a message
 * never re-parses version strings or re-reads the spec.
 */

import { SamsaError } from '../util/errors.js';
import { ProtocolDecodeError, Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';
import { type FieldSpec, type MessageSpec, PRIMITIVE_TYPES } from './schema/types.js';
import { versionIn } from './schema/versions.js';

/** A version outside the API's `validVersions` (Kafka answers UNSUPPORTED_VERSION). */
export class UnsupportedVersionError extends SamsaError {
  readonly apiKey: number;
  readonly apiVersion: number;

  constructor(spec: MessageSpec, version: number) {
    super('UNSUPPORTED_VERSION', `${spec.name} v${version} is not supported (valid: ${spec.validVersions})`);
    this.apiKey = spec.apiKey;
    this.apiVersion = version;
  }
}

type ReadFn = (r: Reader) => unknown;
type WriteFn = (w: Writer, v: any) => void;

const REGULAR = 0;
const ABSENT = 1;
const TAGGED = 2;

interface FieldPlan {
  readonly name: string;
  /** REGULAR: on the wire in schema order; ABSENT: not in this version; TAGGED: in the tag section. */
  readonly kind: typeof REGULAR | typeof ABSENT | typeof TAGGED;
  readonly read: ReadFn;
  readonly write: WriteFn;
  /** A fresh default value (arrays, structs and buffers are new objects every call). */
  readonly makeDefault: () => unknown;
  readonly tag: number;
  /** For tagged fields: true when the value equals the default, so it is not written. */
  readonly isDefault: (v: unknown) => boolean;
}

interface StructPlan {
  readonly fields: readonly FieldPlan[];
  /** Tagged fields in ascending tag order. */
  readonly tagged: readonly FieldPlan[];
  readonly taggedByTag: ReadonlyMap<number, FieldPlan>;
  readonly flexible: boolean;
}

interface MessagePlan {
  readonly decode: (r: Reader) => any;
  readonly encode: (w: Writer, value: any) => void;
}

const plans = new WeakMap<MessageSpec, Map<number, MessagePlan>>();

export function isFlexibleVersion(spec: MessageSpec, version: number): boolean {
  return versionIn(spec.flexibleVersions, version);
}

/** The compiled plan for (spec, version); throws UnsupportedVersionError outside `validVersions`. */
function planFor(spec: MessageSpec, version: number): MessagePlan {
  let byVersion = plans.get(spec);
  if (byVersion === undefined) {
    byVersion = new Map();
    plans.set(spec, byVersion);
  }
  let plan = byVersion.get(version);
  if (plan === undefined) {
    if (!versionIn(spec.validVersions, version)) throw new UnsupportedVersionError(spec, version);
    const struct = compileStruct(spec.fields, version, isFlexibleVersion(spec, version), spec.name);
    plan = { decode: structReader(struct), encode: structWriter(struct) };
    byVersion.set(version, plan);
  }
  return plan;
}

export function decodeMessage<T = any>(
  spec: MessageSpec,
  version: number,
  buf: Buffer,
  offset = 0,
): { value: T; offset: number } {
  const plan = planFor(spec, version);
  const r = new Reader(buf, offset);
  const value = plan.decode(r) as T;
  return { value, offset: r.offset };
}

/** Decodes a message body at the reader's offset, advancing it. */
export function readMessage<T = any>(spec: MessageSpec, version: number, r: Reader): T {
  return planFor(spec, version).decode(r) as T;
}

export function encodeMessage(spec: MessageSpec, version: number, value: object): Buffer {
  const plan = planFor(spec, version);
  const w = new Writer();
  plan.encode(w, value);
  return w.finish();
}

/** Encodes a message body into an existing writer (used to build whole frames in one buffer). */
export function writeMessage(spec: MessageSpec, version: number, value: object, w: Writer): void {
  planFor(spec, version).encode(w, value);
}

// ---------------------------------------------------------------------------------------------
// Compilation

function compileStruct(
  specs: readonly FieldSpec[],
  version: number,
  flexible: boolean,
  where: string,
): StructPlan {
  const fields: FieldPlan[] = [];
  for (const f of specs) fields.push(compileField(f, version, flexible, where));
  const tagged = fields.filter((f) => f.kind === TAGGED).sort((a, b) => a.tag - b.tag);
  const taggedByTag = new Map<number, FieldPlan>();
  for (const f of tagged) {
    if (taggedByTag.has(f.tag)) throw new Error(`${where}: duplicate tag ${f.tag} at version ${version}`);
    taggedByTag.set(f.tag, f);
  }
  return { fields, tagged, taggedByTag, flexible };
}

function compileField(f: FieldSpec, version: number, flexible: boolean, where: string): FieldPlan {
  const path = `${where}.${f.name}`;
  let kind: FieldPlan['kind'];
  // KIP-482: a field in its taggedVersions lives in the tag section; those are always flexible.
  if (versionIn(f.taggedVersions, version)) {
    if (f.tag === undefined) throw new Error(`${path}: taggedVersions without a tag`);
    kind = flexible ? TAGGED : ABSENT;
  } else {
    kind = versionIn(f.versions, version) ? REGULAR : ABSENT;
  }
  const nullable = versionIn(f.nullableVersions, version);
  const codec = compileType(f, version, flexible, nullable, path);
  const makeDefault = defaultFactory(f, codec, nullable, path);
  return {
    name: f.name,
    kind,
    read: codec.read,
    write: codec.write,
    makeDefault,
    tag: f.tag ?? -1,
    isDefault: defaultTest(makeDefault()),
  };
}

interface TypeCodec {
  read: ReadFn;
  write: WriteFn;
  /** The type's zero value when not nullable (fresh each call). */
  zero: () => unknown;
}

const zeroNumber = () => 0;

function compileType(
  f: FieldSpec,
  version: number,
  flexible: boolean,
  nullable: boolean,
  path: string,
): TypeCodec {
  const type = f.type;
  if (type.startsWith('[]')) {
    const elementType = type.slice(2);
    const element = isPrimitive(elementType)
      ? primitiveCodec(elementType, flexible, false, path)
      : structCodec(f, version, flexible, false, path);
    return arrayCodec(element, flexible, nullable, path);
  }
  if (isPrimitive(type)) return primitiveCodec(type, flexible, nullable, path);
  return structCodec(f, version, flexible, nullable, path);
}

function isPrimitive(type: string): boolean {
  return PRIMITIVE_TYPES.has(type);
}

function primitiveCodec(type: string, flexible: boolean, nullable: boolean, path: string): TypeCodec {
  switch (type) {
    case 'int8':
      return { read: (r) => r.int8(), write: (w, v) => w.int8(v), zero: zeroNumber };
    case 'int16':
      return { read: (r) => r.int16(), write: (w, v) => w.int16(v), zero: zeroNumber };
    case 'int32':
      return { read: (r) => r.int32(), write: (w, v) => w.int32(v), zero: zeroNumber };
    case 'uint16':
      return { read: (r) => r.uint16(), write: (w, v) => w.uint16(v), zero: zeroNumber };
    case 'uint32':
      return { read: (r) => r.uint32(), write: (w, v) => w.uint32(v), zero: zeroNumber };
    case 'float64':
      return { read: (r) => r.float64(), write: (w, v) => w.float64(v), zero: zeroNumber };
    case 'int64':
      return {
        read: (r) => r.int64(),
        write: (w, v) => w.int64(typeof v === 'bigint' ? v : BigInt(v)),
        zero: () => 0n,
      };
    case 'bool':
      return { read: (r) => r.bool(), write: (w, v) => w.bool(v), zero: () => false };
    case 'uuid':
      return { read: (r) => r.uuid(), write: (w, v) => w.uuid(v), zero: () => Buffer.alloc(16) };
    case 'string':
      return {
        ...lengthPrefixed(flexible, nullable, {
          compactNullable: {
            read: (r) => r.compactNullableString(),
            write: (w, v) => w.compactNullableString(v),
          },
          compact: { read: (r) => r.compactString(), write: (w, v) => w.compactString(nonNull(v, path)) },
          nullable: { read: (r) => r.nullableString(), write: (w, v) => w.nullableString(v) },
          classic: { read: (r) => r.string(), write: (w, v) => w.string(nonNull(v, path)) },
        }),
        zero: () => '',
      };
    case 'bytes':
      return {
        ...lengthPrefixed(flexible, nullable, {
          compactNullable: {
            read: (r) => r.compactNullableBytes(),
            write: (w, v) => w.compactNullableBytes(v),
          },
          compact: { read: (r) => r.compactBytes(), write: (w, v) => w.compactBytes(nonNull(v, path)) },
          nullable: { read: (r) => r.nullableBytes(), write: (w, v) => w.nullableBytes(v) },
          classic: { read: (r) => r.bytes(), write: (w, v) => w.bytes(nonNull(v, path)) },
        }),
        zero: () => Buffer.alloc(0),
      };
    case 'records':
      // Kafka's RECORDS type: a bytes field whose contents are record batches, left as bytes here.
      return {
        read: flexible ? (r) => r.compactNullableBytes() : (r) => r.nullableBytes(),
        write: (w, v) => writeRecords(w, v, flexible),
        zero: () => Buffer.alloc(0),
      };
    default:
      throw new Error(`${path}: unknown primitive type ${type}`);
  }
}

type ReadWrite = Pick<TypeCodec, 'read' | 'write'>;

/**
 * Picks the encoding of a length-prefixed type (string, bytes): compact lengths (unsigned varint of
 * length + 1) in flexible versions (KIP-482), int16/int32 lengths before; the nullable encodings,
 * where the field is nullable at this version, write null as length -1 (compact: 0).
 */
function lengthPrefixed(
  flexible: boolean,
  nullable: boolean,
  encodings: { compactNullable: ReadWrite; compact: ReadWrite; nullable: ReadWrite; classic: ReadWrite },
): ReadWrite {
  if (flexible) return nullable ? encodings.compactNullable : encodings.compact;
  return nullable ? encodings.nullable : encodings.classic;
}

function nonNull<T>(v: T | null, path: string): T {
  if (v === null) throw new TypeError(`${path}: null is not allowed at this version`);
  return v;
}

/** Writes records from a Buffer, an array of Buffers (one prefix covers all chunks) or null. */
function writeRecords(w: Writer, v: Buffer | readonly Buffer[] | null, flexible: boolean): void {
  if (v === null) {
    if (flexible) w.uvarint(0);
    else w.int32(-1);
    return;
  }
  if (Buffer.isBuffer(v)) {
    if (flexible) w.uvarint(v.length + 1);
    else w.int32(v.length);
    w.bulk(v);
    return;
  }
  let total = 0;
  for (const chunk of v) total += chunk.length;
  if (flexible) w.uvarint(total + 1);
  else w.int32(total);
  if (!w.gathers) w.ensure(total);
  for (const chunk of v) w.bulk(chunk);
}

function arrayCodec(element: TypeCodec, flexible: boolean, nullable: boolean, path: string): TypeCodec {
  const readElement = element.read;
  const writeElement = element.write;
  return {
    read: (r) => {
      const n = flexible ? r.compactArrayLength() : r.arrayLength();
      if (n < 0) {
        if (nullable) return null;
        throw new ProtocolDecodeError(`${path}: null array at a version where it is not nullable`);
      }
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(readElement(r));
      return out;
    },
    write: (w, v: readonly unknown[] | null) => {
      if (v === null) {
        if (!nullable) throw new TypeError(`${path}: null is not allowed at this version`);
        if (flexible) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      const n = v.length;
      if (flexible) w.uvarint(n + 1);
      else w.int32(n);
      for (let i = 0; i < n; i++) writeElement(w, v[i]);
    },
    zero: () => [],
  };
}

function structCodec(
  f: FieldSpec,
  version: number,
  flexible: boolean,
  nullable: boolean,
  path: string,
): TypeCodec {
  if (f.fields === undefined) throw new Error(`${path}: struct type ${f.type} has no fields`);
  const struct = compileStruct(f.fields, version, flexible, path);
  const read = structReader(struct);
  const write = structWriter(struct);
  const zero = () => structDefaults(struct);
  if (!nullable) return { read, write, zero };
  // Nullable struct: an int8 marker, -1 for null and 1 for present (Kafka's MessageDataGenerator).
  return {
    read: (r) => (r.int8() < 0 ? null : read(r)),
    write: (w, v) => {
      if (v === null) w.int8(-1);
      else {
        w.int8(1);
        write(w, v);
      }
    },
    zero,
  };
}

function defaultFactory(f: FieldSpec, codec: TypeCodec, nullable: boolean, path: string): () => unknown {
  const d = f.default;
  if (d === null) return () => null;
  if (d !== undefined) {
    const value = normalizeDefault(f.type, d, path);
    return () => value;
  }
  // schema/types.ts: with no explicit default, null where the version allows it, else the zero value.
  return nullable ? () => null : codec.zero;
}

/** Spec defaults may be written as Kafka writes them (strings); bring them to the decoded JS type. */
function normalizeDefault(type: string, d: string | number | boolean | bigint, path: string): unknown {
  switch (type) {
    case 'int64':
      return typeof d === 'bigint' ? d : BigInt(d as string | number);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32':
    case 'float64': {
      const n = typeof d === 'number' ? d : Number(d);
      if (Number.isNaN(n)) throw new Error(`${path}: default ${String(d)} is not a number`);
      return n;
    }
    case 'bool':
      return typeof d === 'boolean' ? d : d === 'true';
    default:
      return d;
  }
}

function defaultTest(def: unknown): (v: unknown) => boolean {
  if (def === null) return (v) => v === null;
  if (Array.isArray(def)) return (v) => Array.isArray(v) && v.length === 0;
  if (Buffer.isBuffer(def)) return (v) => Buffer.isBuffer(v) && v.equals(def);
  if (typeof def === 'object') return () => false;
  return (v) => v === def;
}

function structDefaults(struct: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of struct.fields) out[f.name] = f.makeDefault();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Walking a plan

function structReader(struct: StructPlan): (r: Reader) => Record<string, unknown> {
  const { fields, taggedByTag, flexible } = struct;
  const n = fields.length;
  return (r) => {
    // Every field is assigned in schema order, so decoded objects of one plan share a shape.
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const f = fields[i]!;
      out[f.name] = f.kind === REGULAR ? f.read(r) : f.makeDefault();
    }
    if (flexible) {
      const count = r.uvarint();
      for (let i = 0; i < count; i++) {
        const tag = r.uvarint();
        const size = r.uvarint();
        const f = taggedByTag.get(tag);
        if (f === undefined) {
          r.skip(size); // Unknown tag: a newer peer's field (KIP-482).
          continue;
        }
        r.ensure(size);
        const end = r.offset + size;
        out[f.name] = f.read(r);
        if (r.offset !== end) {
          throw new ProtocolDecodeError(`Tagged field ${f.name} (tag ${tag}) declared ${size} bytes`);
        }
      }
    }
    return out;
  };
}

function structWriter(struct: StructPlan): (w: Writer, value: any) => void {
  const { fields, tagged, flexible } = struct;
  const regular = fields.filter((f) => f.kind === REGULAR);
  const n = regular.length;
  const nTagged = tagged.length;
  return (w, value) => {
    for (let i = 0; i < n; i++) {
      const f = regular[i]!;
      let v = value[f.name];
      if (v === undefined) v = f.makeDefault();
      f.write(w, v);
    }
    if (!flexible) return;
    if (nTagged === 0) {
      w.emptyTaggedFields();
      return;
    }
    let count = 0;
    for (let i = 0; i < nTagged; i++) {
      const f = tagged[i]!;
      const v = value[f.name];
      if (v !== undefined && !f.isDefault(v)) count++;
    }
    w.uvarint(count);
    for (let i = 0; i < nTagged && count > 0; i++) {
      const f = tagged[i]!;
      const v = value[f.name];
      if (v === undefined || f.isDefault(v)) continue;
      // The size precedes the value, so the value is encoded aside first; tagged fields are small.
      const sub = new Writer(64);
      f.write(sub, v);
      w.uvarint(f.tag).uvarint(sub.offset).raw(sub.finish());
    }
  };
}
