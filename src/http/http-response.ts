import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * An HTTP failure in Confluent REST Proxy's terms: the status, and an `error_code` that is either
 * the status or REST Proxy's finer code (40401 unknown topic, 40403 unknown consumer instance, ...).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode: number = status,
    /** Sent with the error (`WWW-Authenticate` of a 401, `Retry-After` of a 429). */
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    super(message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body, (_key, value) => (typeof value === 'bigint' ? Number(value) : value));
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
