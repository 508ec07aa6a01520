import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { SecuritySession } from '../security/session.js';
import type { Logger } from '../util/logger.js';
import { Connection, type FrameProcessor } from './connection.js';
import { InflightBudget } from './inflight-budget.js';

/** How a listener secures its connections (TLS, and who the client is). */
export interface ListenerSecurity {
  /** TLS server options; absent for PLAINTEXT and SASL_PLAINTEXT. */
  readonly tls?: TlsOptions;
  /** The new connection's session, or undefined to refuse the client (an unmappable certificate). */
  sessionFor(socket: Socket): SecuritySession | undefined;
  /** How long a client has for its TLS handshake and SASL authentication. */
  readonly setupTimeoutMs: number;
  /** Largest frame before authentication (sasl.server.max.receive.size). */
  readonly unauthenticatedMaxFrameBytes: number;
}

/** No TLS, no SASL: every client is `User:ANONYMOUS` from its first request. */
export function plaintextSecurity(listenerName = 'PLAINTEXT'): ListenerSecurity {
  return {
    sessionFor: () => SecuritySession.plaintext(listenerName),
    setupTimeoutMs: 10_000,
    unauthenticatedMaxFrameBytes: 0,
  };
}

export interface ListenerOptions {
  /** The listener's name (`PLAINTEXT`, `SSL`, ...), for logs. */
  readonly name: string;
  readonly security: ListenerSecurity;
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly maxInflightBytesPerConnection: number;
  readonly maxInflightBytes: number;
  readonly logger: Logger;
}

/** One Kafka listener (one endpoint): accepts sockets, over TLS when configured, and gives each a Connection. */
export class Listener {
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly budget: InflightBudget;
  private nextId = 0;

  constructor(
    private readonly processor: FrameProcessor,
    private readonly options: ListenerOptions,
  ) {
    this.budget = new InflightBudget(options.maxInflightBytes);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Binds and resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const { tls, setupTimeoutMs } = this.options.security;
      const server = tls
        ? createTlsServer({ ...tls, handshakeTimeout: setupTimeoutMs }, (socket) => this.accept(socket))
        : createServer((socket) => this.accept(socket));
      // A failed or timed-out handshake (handshakeTimeout) leaves the socket to this listener to close.
      server.on('tlsClientError', (err, socket) => {
        this.options.logger.info(
          {
            listener: this.options.name,
            client: `${socket.remoteAddress}:${socket.remotePort}`,
            err: err.message,
          },
          'TLS handshake failed',
        );
        socket.destroy();
      });
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.options.logger.error({ err }, 'listener error'));
        this.server = server;
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : this.options.port);
      });
    });
  }

  /** Stops accepting, waits (up to `timeoutMs`) for answered requests, then closes every connection. */
  async close(timeoutMs: number): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const idle = Promise.all([...this.connections].map((c) => c.whenIdle()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([idle, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const c of this.connections) c.close();
    await closed;
  }

  private accept(socket: Socket): void {
    const { security, logger } = this.options;
    const session = security.sessionFor(socket);
    if (!session) {
      socket.destroy();
      return;
    }
    const id = `${this.options.host}:${socket.localPort}-${socket.remoteAddress}:${socket.remotePort}-${this.nextId++}`;
    const connection = new Connection(
      id,
      socket,
      this.processor,
      {
        maxFrameBytes: session.authenticated
          ? this.options.maxFrameBytes
          : security.unauthenticatedMaxFrameBytes,
        maxInflightBytes: this.options.maxInflightBytesPerConnection,
        budget: this.budget,
        logger,
      },
      session,
    );
    this.connections.add(connection);
    let setupTimer: NodeJS.Timeout | undefined;
    if (!session.authenticated) {
      setupTimer = setTimeout(() => {
        if (session.authenticated) return;
        logger.info(
          { listener: this.options.name, connection: id, timeoutMs: security.setupTimeoutMs },
          'closing connection: not authenticated within connections.setup.timeout.ms',
        );
        connection.close();
      }, security.setupTimeoutMs);
    }
    socket.on('close', () => {
      clearTimeout(setupTimer);
      this.connections.delete(connection);
    });
  }
}
