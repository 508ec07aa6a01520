import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TlsOptions } from 'node:tls';
import { ANONYMOUS } from '../security/principal.js';
import type { Logger } from '../util/logger.js';
import type { HttpIdentity } from './auth/identity.js';
import { requestIdentity } from './auth/request-context.js';
import type { RequestAccess } from './auth/rest-access.js';
import { HttpError, sendJson } from './http-response.js';

/** A route answers a request, or returns false to let the next route try. */
export type Route = (request: AdminRequest, response: ServerResponse) => Promise<boolean> | boolean;

export interface AdminRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** Arrived over TLS (links in answers use https). */
  readonly secure: boolean;
  /** The body, read whole up to the server's limit (HTTP 413 beyond it); read once, then remembered. */
  body(): Promise<Buffer>;
  /** Who the request acts as (ANONYMOUS on a port without authentication, and on public routes). */
  readonly identity: HttpIdentity;
  /** The identity's ACL rights. */
  readonly access: RequestAccess;
}

export interface AdminServerOptions {
  readonly host: string;
  readonly port: number;
  /** Routes served without authentication (health; metrics unless configured otherwise). */
  readonly publicRoutes: readonly Route[];
  /** Routes behind {@link AdminServerOptions.authenticate}. */
  readonly routes: readonly Route[];
  /** Who a request is (throws a 401/429 HttpError); without it every request is ANONYMOUS. */
  readonly authenticate?: (
    headers: IncomingMessage['headers'],
    clientAddress: string,
  ) => Promise<HttpIdentity>;
  /** The rights of an identity connecting from `clientAddress`. */
  readonly accessFor: (identity: HttpIdentity, clientAddress: string) => RequestAccess;
  /** node:tls server options when the port serves HTTPS. */
  readonly tls?: TlsOptions;
  /** Largest request body accepted. */
  readonly maxBodyBytes: number;
  /** Largest request header block (Node's `maxHeaderSize`); larger gets 431. */
  readonly maxHeaderBytes: number;
  /** A request must arrive whole within this time (slow headers or bodies are cut off with 408). */
  readonly requestTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * The broker's HTTP port: metrics, health, the REST API and the console, each a {@link Route}. Bad
 * requests get a 4xx JSON answer in REST Proxy's shape (`error_code`, `message`); a route that throws
 * something unexpected gets a 500 and a log line, never a crashed broker.
 */
export class AdminServer {
  private server: Server | undefined;
  private boundPort = 0;

  constructor(private readonly options: AdminServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  listen(): Promise<number> {
    const options = this.options;
    const serverOptions = {
      maxHeaderSize: options.maxHeaderBytes,
      requestTimeout: options.requestTimeoutMs,
      // How often Node checks for requests past their timeout (its default is 30 s).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, options.requestTimeoutMs / 4)),
    };
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.dispatch(req, res);
    const server: Server = options.tls
      ? createTlsServer(
          // A TLS handshake gets no longer than a request does (Node's own default is 120 s).
          { ...options.tls, ...serverOptions, handshakeTimeout: Math.min(options.requestTimeoutMs, 10_000) },
          handler,
        )
      : createServer(serverOptions, handler);
    server.headersTimeout = Math.min(options.requestTimeoutMs, 60_000);
    server.on('clientError', (err, socket) => {
      options.logger.debug({ err: err.message }, 'bad HTTP request');
      if (socket.writable) {
        const code = (err as NodeJS.ErrnoException).code;
        const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        socket.end(
          `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
      } else {
        socket.destroy();
      }
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => options.logger.error({ err }, 'admin server error'));
        this.server = server;
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : options.port;
        resolve(this.boundPort);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://admin');
    } catch {
      sendJson(res, 400, { error_code: 400, message: 'Malformed request URL' });
      return;
    }
    const options = this.options;
    const clientAddress = req.socket.remoteAddress ?? '';
    let body: Promise<Buffer> | undefined;
    const anonymous: HttpIdentity = { principal: ANONYMOUS };
    let request: AdminRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      secure: options.tls !== undefined,
      body: () => {
        body ??= readBody(req, options.maxBodyBytes);
        return body;
      },
      identity: anonymous,
      access: options.accessFor(anonymous, clientAddress),
    };
    try {
      for (const route of options.publicRoutes) {
        if (await route(request, res)) return;
      }
      if (options.authenticate) {
        const identity = await options.authenticate(req.headers, clientAddress);
        request = { ...request, identity, access: options.accessFor(identity, clientAddress) };
      }
      const served = await requestIdentity.run(request.identity, async () => {
        for (const route of options.routes) {
          if (await route(request, res)) return true;
        }
        return false;
      });
      if (!served) throw new HttpError(404, `No resource at ${request.path}`);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(
          res,
          error.status,
          { error_code: error.errorCode, message: error.message },
          'application/json',
          error.headers,
        );
        if (error.status === 413) req.destroy();
        return;
      }
      this.options.logger.error(
        { err: error, path: request.path, method: request.method },
        'admin request failed',
      );
      sendJson(res, 500, { error_code: 500, message: 'Internal server error' });
    }
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? -1);
  if (declared > limit) {
    return Promise.reject(
      new HttpError(413, `Request body of ${declared} bytes exceeds the limit of ${limit}`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body exceeds the limit of ${limit} bytes`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
