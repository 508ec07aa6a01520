/**
 * Request and response headers, and whole size-prefixed frames.
 *
 * A frame is an int32 size followed by a header and a body. Header layouts
 * (apache/kafka `RequestHeader.json`, `ResponseHeader.json`):
 *
 *   request header v0  ApiKey int16, ApiVersion int16, CorrelationId int32
 *                      (only ControlledShutdown v0 used it)
 *   request header v1  v0 + ClientId (nullable string, always int16-length: older brokers must be able
 *                      to read the header of any ApiVersions request)
 *   request header v2  v1 + tagged fields; used when the request's version is flexible
 *   response header v0 CorrelationId int32
 *   response header v1 v0 + tagged fields; used when the response's version is flexible, except for
 *                      ApiVersions, whose response header is always v0 (ApiVersionsResponse.json:
 *                      "Tagged fields are only supported in the body but not in the header")
 */

import { ApiKey } from './api-keys.js';
import { isFlexibleVersion, readMessage, writeMessage } from './codec.js';
import { Reader } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';
import type { MessageSpec } from './schema/types.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** ControlledShutdown v0 is the one request that used header v0, without a client id. */
function usesHeaderV0(apiKey: number, apiVersion: number): boolean {
  return apiKey === ApiKey.ControlledShutdown && apiVersion === 0;
}

/**
 * Decodes a request header from a frame (without its size prefix). The header's layout depends on
 * whether the body's version is flexible, which only the caller's API table knows: `isFlexible`.
 */
export function decodeRequestHeader(
  frame: Buffer,
  isFlexible: (apiKey: number, apiVersion: number) => boolean,
): { header: RequestHeader; bodyOffset: number } {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  let clientId: string | null = null;
  if (!usesHeaderV0(apiKey, apiVersion)) {
    clientId = r.nullableString();
    if (isFlexible(apiKey, apiVersion)) r.skipTaggedFields();
  }
  return { header: { apiKey, apiVersion, correlationId, clientId }, bodyOffset: r.offset };
}

export function encodeRequestHeader(w: Writer, header: RequestHeader, flexible: boolean): void {
  w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
  if (usesHeaderV0(header.apiKey, header.apiVersion)) return;
  w.nullableString(header.clientId);
  if (flexible) w.emptyTaggedFields();
}

/** Response header: v1 when flexible, EXCEPT ApiVersions (key 18) whose response header is always v0. */
export function responseHeaderIsFlexible(apiKey: number, bodyFlexible: boolean): boolean {
  return bodyFlexible && apiKey !== ApiKey.ApiVersions;
}

export function encodeResponseHeader(w: Writer, correlationId: number, flexible: boolean): void {
  w.int32(correlationId);
  if (flexible) w.emptyTaggedFields();
}

/** A complete response frame: int32 size, response header, body. */
export function encodeResponseFrame(
  spec: MessageSpec,
  version: number,
  correlationId: number,
  body: object,
): Buffer {
  return writeResponseFrame(new Writer(), spec, version, correlationId, body).finish();
}

/**
 * A complete response frame whose large records are referenced rather than copied: one buffer, or
 * the pieces to write back to back (see `Writer.gathering`).
 */
export function encodeResponseChunks(
  spec: MessageSpec,
  version: number,
  correlationId: number,
  body: object,
): Buffer | Buffer[] {
  return writeResponseFrame(Writer.gathering(), spec, version, correlationId, body).chunks();
}

function writeResponseFrame(
  w: Writer,
  spec: MessageSpec,
  version: number,
  correlationId: number,
  body: object,
): Writer {
  const sizeAt = w.reserveInt32();
  encodeResponseHeader(
    w,
    correlationId,
    responseHeaderIsFlexible(spec.apiKey, isFlexibleVersion(spec, version)),
  );
  writeMessage(spec, version, body, w);
  w.patchInt32(sizeAt, w.length - 4);
  return w;
}

/** A complete request frame: int32 size, request header, body. `header.apiKey` must match the spec. */
export function encodeRequestFrame(
  spec: MessageSpec,
  version: number,
  header: Omit<RequestHeader, 'apiKey' | 'apiVersion'> & Partial<RequestHeader>,
  body: object,
): Buffer {
  const w = new Writer();
  const sizeAt = w.reserveInt32();
  const full: RequestHeader = {
    apiKey: spec.apiKey,
    apiVersion: version,
    correlationId: header.correlationId,
    clientId: header.clientId,
  };
  if (header.apiKey !== undefined && header.apiKey !== spec.apiKey) {
    throw new TypeError(`Header api key ${header.apiKey} does not match ${spec.name} (${spec.apiKey})`);
  }
  encodeRequestHeader(w, full, isFlexibleVersion(spec, version));
  writeMessage(spec, version, body, w);
  w.patchInt32(sizeAt, w.length - 4);
  return w.finish();
}

/** Decodes a response frame (without its size prefix) whose request was `spec` at `version`. */
export function decodeResponseFrame<T = any>(
  spec: MessageSpec,
  version: number,
  frame: Buffer,
): { correlationId: number; body: T } {
  const r = new Reader(frame);
  const correlationId = r.int32();
  if (responseHeaderIsFlexible(spec.apiKey, isFlexibleVersion(spec, version))) r.skipTaggedFields();
  return { correlationId, body: readMessage<T>(spec, version, r) };
}
