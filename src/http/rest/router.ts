import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { AdminRequest, Route } from '../admin-server.js';
import { authorizeEndpoint } from '../auth/rest-access.js';
import { HttpError, sendJson } from '../http-response.js';
import { httpErrorFor } from './rest-client.js';

export interface RestResult {
  readonly status: number;
  /** Omitted for 204. */
  readonly body?: unknown;
  readonly contentType?: string;
  /** Sent as one JSON line per item as they come (NDJSON), for answers that report progress. */
  readonly stream?: AsyncIterable<unknown>;
}

export type RestHandler = (
  request: AdminRequest,
  params: Readonly<Record<string, string>>,
) => Promise<RestResult>;

interface Endpoint {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: RestHandler;
}

/**
 * A table of `METHOD /path/:param` endpoints as one {@link Route}. A path that matches with another
 * method answers 405; each endpoint's ACL rule (auth/rest-access.ts) is checked before its handler;
 * errors thrown by a handler become REST Proxy's JSON error.
 */
export class RestRouter {
  private readonly endpoints: Endpoint[] = [];

  add(method: string, pattern: string, handler: RestHandler): this {
    this.endpoints.push({ method, pattern, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** `METHOD pattern` of every endpoint. */
  list(): { method: string; pattern: string }[] {
    return this.endpoints.map(({ method, pattern }) => ({ method, pattern }));
  }

  route(): Route {
    return async (request, response) => {
      const segments = request.path.split('/').filter(Boolean);
      let pathMatched = false;
      for (const endpoint of this.endpoints) {
        const params = match(endpoint.segments, segments);
        if (!params) continue;
        pathMatched = true;
        if (endpoint.method !== request.method) continue;
        let result: RestResult;
        try {
          await authorizeEndpoint(endpoint.method, endpoint.pattern, {
            params,
            query: request.query,
            access: request.access,
            body: () => lenientJsonBody(request),
          });
          result = await endpoint.handler(request, params);
        } catch (error) {
          throw httpErrorFor(error);
        }
        if (result.stream) {
          await streamLines(response, result.status, result.contentType, result.stream);
        } else if (result.status === 204 || result.body === undefined) {
          response.writeHead(result.status);
          response.end();
        } else {
          sendJson(response, result.status, result.body, result.contentType);
        }
        return true;
      }
      if (pathMatched) throw new HttpError(405, `${request.method} is not allowed on ${request.path}`);
      return false;
    };
  }
}

/**
 * Writes each item as a JSON line. An error before the first line is an ordinary HTTP error; after
 * it, the status is sent already, so the error becomes the last line.
 */
async function streamLines(
  response: ServerResponse,
  status: number,
  contentType: string | undefined,
  items: AsyncIterable<unknown>,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let next: IteratorResult<unknown>;
  try {
    next = await iterator.next();
  } catch (error) {
    throw httpErrorFor(error);
  }
  response.writeHead(status, { 'content-type': contentType ?? 'application/x-ndjson' });
  response.on('close', () => void iterator.return?.());
  try {
    while (!next.done && !response.destroyed) {
      if (!response.write(`${toJson(next.value)}\n`)) await once(response, 'drain');
      next = await iterator.next();
    }
  } catch (error) {
    response.write(`${toJson({ type: 'error', message: httpErrorFor(error).message })}\n`);
  }
  response.end();
}

const toJson = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? String(v) : v));

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    let s: string;
    try {
      s = decodeURIComponent(segments[i]!);
    } catch {
      return null;
    }
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (p !== s) return null;
  }
  return params;
}

/** The request body as JSON, or 400 with REST Proxy's message for a body that is not. */
export async function jsonBody<T = Record<string, unknown>>(request: AdminRequest): Promise<T> {
  const raw = await request.body();
  if (raw.length === 0) throw new HttpError(400, 'Request body is empty', 40001);
  try {
    const value = JSON.parse(raw.toString('utf8')) as unknown;
    if (value === null || typeof value !== 'object') throw new Error('not an object');
    return value as T;
  } catch {
    throw new HttpError(400, 'Malformed JSON in the request body', 40001);
  }
}

/** The body as a JSON object, or {} when it is empty or not one (the handler reports that). */
async function lenientJsonBody(request: AdminRequest): Promise<Record<string, unknown>> {
  const raw = await request.body();
  try {
    const value = JSON.parse(raw.toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
