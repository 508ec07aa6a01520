import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/logger.js';
import { Connection, type FrameProcessor } from './connection.js';
import { InflightBudget } from './inflight-budget.js';

export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxFrameBytes: number;
  readonly maxInflightBytesPerConnection: number;
  readonly maxInflightBytes: number;
  readonly logger: Logger;
  /** Called for every accepted connection (metrics). */
  readonly onConnection?: () => void;
}

/** A PLAINTEXT Kafka listener: accepts sockets and gives each a Connection. */
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
      const server = createServer((socket) => this.accept(socket));
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
    const id = `${this.options.host}:${socket.localPort}-${socket.remoteAddress}:${socket.remotePort}-${this.nextId++}`;
    const connection = new Connection(id, socket, this.processor, {
      maxFrameBytes: this.options.maxFrameBytes,
      maxInflightBytes: this.options.maxInflightBytesPerConnection,
      budget: this.budget,
      logger: this.options.logger,
    });
    this.connections.add(connection);
    this.options.onConnection?.();
    socket.on('close', () => this.connections.delete(connection));
  }
}
