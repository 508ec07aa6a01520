/**
 * How the coordinators' internal-topic records are framed: an int16 schema version, then the key or
 * value struct at that version (Kafka's `MessageUtil.toVersionPrefixedBytes`). Their schemas are
 * `"type": "data"` specs in Kafka's spec language; the generic codec only looks at versions and
 * fields, so they are carried as MessageSpecs with no API key.
 */
import { decodeMessage, encodeMessage } from '../codec.js';
import type { FieldSpec, MessageSpec } from '../schema/types.js';

/** A decoded record struct, fields by name. */
export type RecordStruct = Record<string, unknown>;

export function dataSpec(
  name: string,
  validVersions: string,
  flexibleVersions: string,
  fields: FieldSpec[],
): MessageSpec {
  return { apiKey: -1, type: 'request', name, validVersions, flexibleVersions, fields };
}

/** `int16 version` + the struct at that version. */
export function encodeVersionedRecord(spec: MessageSpec, version: number, value: object): Buffer {
  const body = encodeMessage(spec, version, value);
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

/** The version a record was written with. */
export function recordVersionOf(buf: Buffer): number {
  return buf.readInt16BE(0);
}

/** The struct of a version-prefixed record, at the version it was written with. */
export function decodeVersionedRecord(spec: MessageSpec, buf: Buffer): RecordStruct {
  return decodeMessage<RecordStruct>(spec, recordVersionOf(buf), buf, 2).value;
}
