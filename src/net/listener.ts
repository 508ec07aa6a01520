import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { SecuritySession } from '../security/session.js';
import type { Logger } from '../util/logger.js';
import { Connection, type FrameProcessor } from './connection.js';
import {
  type ConnectionQuotaLimits,
  ConnectionQuotas,
  normaliseAddress,
  UNLIMITED_CONNECTIONS,
} from './connection-quotas.js';
import { DescriptorHeadroom } from './descriptor-headroom.js';
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
  /** Called for every accepted connection (metrics). */
  readonly onConnection?: () => void;
  /** connections.max.idle.ms: close a connection with no request for this long (default: never). */
  readonly idleTimeoutMs?: number;
  /** socket.request.receive.timeout.ms: close a connection whose request frame takes longer. */
  readonly requestReceiveTimeoutMs?: number;
  readonly quotas?: ConnectionQuotaLimits;
  /** socket.listen.backlog.size: the accept backlog, and how many sockets may wait for a slot. */
  readonly listenBacklog?: number;
}

/** A connection accepted but waiting for `max.connections` or the creation rate. */
interface WaitingSocket {
  readonly socket: Socket;
  readonly address: string;
}

/** How long shutdown lets a connection flush its last responses before closing it regardless. */
const CLOSE_FLUSH_MS = 1_000;
const DESCRIPTOR_WARNING_INTERVAL_MS = 10_000;
/** Short of file descriptors, only a connection quiet for this long is closed to make room. */
const SHED_MIN_IDLE_MS = 1_000;

/**
 * One Kafka listener (one endpoint): accepts sockets, over TLS when configured, and gives each a
 * Connection, within the connection quotas; closes connections idle for `idleTimeoutMs` and those
 * whose request stalls.
 */
export class Listener {
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly budget: InflightBudget;
  private readonly quotas: ConnectionQuotas;
  private readonly waiting: WaitingSocket[] = [];
  private readonly idleTimeoutMs: number;
  private readonly receiveTimeoutMs: number;
  private readonly backlog: number;
  private sweeper: NodeJS.Timeout | undefined;
  private admitTimer: NodeJS.Timeout | undefined;
  private readonly descriptors = new DescriptorHeadroom();
  private descriptorWarnedAt = Number.NEGATIVE_INFINITY;
  private nextId = 0;

  constructor(
    private readonly processor: FrameProcessor,
    private readonly options: ListenerOptions,
  ) {
    this.budget = new InflightBudget(options.maxInflightBytes);
    this.quotas = new ConnectionQuotas(options.quotas ?? UNLIMITED_CONNECTIONS);
    this.idleTimeoutMs = options.idleTimeoutMs ?? Number.POSITIVE_INFINITY;
    this.receiveTimeoutMs = options.requestReceiveTimeoutMs ?? Number.POSITIVE_INFINITY;
    this.backlog = options.listenBacklog ?? 511;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Sockets accepted and waiting for a connection slot. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Request bytes being received or awaiting their response, across connections. */
  get bufferedRequestBytes(): number {
    return this.budget.usedBytes;
  }

  /** Binds and resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const { tls, setupTimeoutMs } = this.options.security;
      // Paused until admitted: a socket waiting for a slot is not read, like one in Kafka's backlog.
      // A TLS socket is paused once its handshake is done (accept), as the handshake must flow.
      const server = tls
        ? createTlsServer({ ...tls, handshakeTimeout: setupTimeoutMs }, (socket) => this.accept(socket))
        : createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
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
      server.listen({ port: this.options.port, host: this.options.host, backlog: this.backlog }, () => {
        server.off('error', reject);
        server.on('error', (err: NodeJS.ErrnoException) => this.onServerError(err));
        this.server = server;
        this.startSweeper();
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : this.options.port);
      });
    });
  }

  /**
   * Stops accepting and reading requests, waits (up to `timeoutMs`) for the requests already
   * received to be answered, then closes every connection once its answers are sent.
   */
  async close(timeoutMs: number): Promise<void> {
    const server = this.server;
    this.server = undefined;
    clearInterval(this.sweeper);
    clearTimeout(this.admitTimer);
    this.descriptors.dispose();
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const w of this.waiting.splice(0)) w.socket.destroy();
    for (const c of this.connections) c.stopReading();
    const idle = Promise.all([...this.connections].map((c) => c.whenIdle()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([idle, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    // Answers written last must leave before the socket closes; a client not reading gets a moment.
    const flushed = Promise.all([...this.connections].map((c) => c.closeAfterFlush()));
    await Promise.race([flushed, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_FLUSH_MS)))]);
    clearTimeout(timer);
    for (const c of this.connections) c.close();
    await closed;
  }

  private accept(socket: Socket): void {
    if (!this.server) {
      socket.destroy();
      return;
    }
    socket.pause();
    this.descriptors.noteDescriptor((socket as unknown as { _handle?: { fd?: number } })._handle?.fd);
    const address = normaliseAddress(socket.remoteAddress);
    if (!this.quotas.admitAddress(address)) {
      // Kafka's TooManyConnectionsException: the acceptor closes the new connection at once.
      this.options.logger.info(
        { client: `${socket.remoteAddress}:${socket.remotePort}`, max: this.quotas.maxFor(address) },
        'rejected connection: address already has max.connections.per.ip connections',
      );
      socket.destroy();
      return;
    }
    socket.on('error', (err) => this.options.logger.debug({ err: err.message }, 'socket error'));
    socket.once('close', () => this.quotas.releaseAddress(address));
    this.waiting.push({ socket, address });
    this.admitWaiting();
    if (this.waiting.length > this.backlog) {
      this.options.logger.warn(
        { client: `${socket.remoteAddress}:${socket.remotePort}`, waiting: this.waiting.length - 1 },
        'rejected connection: max.connections reached and socket.listen.backlog.size sockets already wait',
      );
      this.waiting.pop();
      socket.destroy();
    }
  }

  /** Opens waiting sockets, oldest first, while max.connections and the creation rate allow. */
  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.server) {
      const next = this.waiting[0]!;
      if (next.socket.destroyed) {
        this.waiting.shift();
        continue;
      }
      const waitMs = this.quotas.tryOpen();
      if (waitMs > 0) {
        if (Number.isFinite(waitMs) && !this.admitTimer) {
          this.admitTimer = setTimeout(() => {
            this.admitTimer = undefined;
            this.admitWaiting();
          }, waitMs);
        }
        return;
      }
      this.waiting.shift();
      this.open(next.socket);
    }
  }

  private open(socket: Socket): void {
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
    this.options.onConnection?.();
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
    socket.once('close', () => {
      clearTimeout(setupTimer);
      this.connections.delete(connection);
      this.quotas.close();
      this.admitWaiting();
    });
    socket.resume();
  }

  /**
   * Closes idle and stalled connections, a few times per shortest timeout (at least every second),
   * and makes room when file descriptors run short.
   */
  private startSweeper(): void {
    const shortest = Math.min(this.idleTimeoutMs, this.receiveTimeoutMs);
    const periodMs = Math.min(1_000, Math.max(5, Math.floor(shortest / 4)));
    this.sweeper = setInterval(() => {
      const at = performance.now();
      for (const c of this.connections) c.expire(at, this.idleTimeoutMs, this.receiveTimeoutMs);
      this.makeDescriptorRoom();
    }, periodMs);
    this.sweeper.unref();
  }

  /**
   * Near the descriptor limit, closes the connections quiet for longest until `reserve` descriptors
   * are free again, so that a broker whose descriptors are held by idle connections keeps letting
   * new clients in (Kafka has no such rule; its acceptor just fails). Warns at most every 10 s.
   */
  private makeDescriptorRoom(): void {
    const missing = this.descriptors.shortfall();
    if (missing === 0) return;
    let closed = 0;
    for (; closed < missing; closed++) {
      const idle = this.longestIdle();
      if (!idle) break;
      idle.close();
    }
    const at = performance.now();
    if (at - this.descriptorWarnedAt >= DESCRIPTOR_WARNING_INTERVAL_MS) {
      this.descriptorWarnedAt = at;
      this.options.logger.warn(
        { short: missing, closedIdle: closed, connections: this.connections.size },
        'out of file descriptors: new connections fail; closing idle connections to make room (raise the descriptor limit or lower max.connections)',
      );
    }
  }

  private onServerError(err: NodeJS.ErrnoException): void {
    this.options.logger.error({ err }, 'listener error');
  }

  private longestIdle(): Connection | undefined {
    const at = performance.now();
    let best: Connection | undefined;
    let bestIdle = SHED_MIN_IDLE_MS;
    for (const c of this.connections) {
      const idle = c.idleMs(at);
      if (idle >= bestIdle) {
        best = c;
        bestIdle = idle;
      }
    }
    return best;
  }
}
