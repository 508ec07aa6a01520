import { connect, type Socket } from 'node:net';
import { decodeResponseFrame, encodeRequestFrame } from '../../src/protocol/header.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';
import { CreateTopics } from '../../src/protocol/messages/create-topics.js';
import type { ApiSpec } from '../../src/protocol/schema/types.js';

/**
 * A bare socket to the broker for tests of bad input: it sends whatever bytes it is given and
 * reports responses and whether the broker closed the connection.
 */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private correlationId = 0;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => {});
  }

  static open(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect({ host: host!, port: Number(port) }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a well-formed request and returns the decoded response body. */
  async request<T = any>(api: ApiSpec, version: number, body: object): Promise<T> {
    const correlationId = ++this.correlationId;
    this.send(encodeRequestFrame(api.request, version, { correlationId, clientId: 'raw-test' }, body));
    const frame = await this.nextFrame();
    const decoded = decodeResponseFrame<T>(api.response, version, frame);
    if (decoded.correlationId !== correlationId) throw new Error('response out of order');
    return decoded.body;
  }

  /** CreateTopics v4 of one topic; returns the topic's error code. */
  async createTopic(name: string, numPartitions = 1, configs: Record<string, string> = {}): Promise<number> {
    const res = await this.request(CreateTopics, 4, {
      topics: [
        {
          name,
          numPartitions,
          replicationFactor: 1,
          assignments: [],
          configs: Object.entries(configs).map(([key, value]) => ({ name: key, value })),
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    return res.topics[0].errorCode;
  }

  /** The next response frame (without the size prefix); rejects if the connection closes first. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('connection closed by broker');
      if (Date.now() > deadline) throw new Error('timed out waiting for a response');
      await this.changed(deadline - Date.now());
    }
    return this.frames.shift()!;
  }

  /** Resolves true once the broker has closed the connection (false on timeout). */
  async waitForClose(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.changed(deadline - Date.now());
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, timeoutMs));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Sends ApiVersions v0 (every broker answers it, in a layout every client reads) and resolves true
 * once its answer arrives, skipping answers to requests sent earlier; false on close or timeout.
 */
export async function answersApiVersions(
  client: RawClient,
  correlationId: number,
  timeoutMs: number,
): Promise<boolean> {
  if (client.closed) return false;
  client.send(encodeRequestFrame(ApiVersions.request, 0, { correlationId, clientId: 'sentinel' }, {}));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let frame: Buffer;
    try {
      frame = await client.nextFrame(deadline - Date.now());
    } catch {
      return false;
    }
    if (frame.length >= 4 && frame.readInt32BE(0) === correlationId) return true;
  }
}
