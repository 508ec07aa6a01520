import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { encodeRequestFrame } from '../../src/protocol/header.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';

/**
 * A bare Kafka connection for tests that send bytes no client would: frames in, response frames
 * (without their size prefix) out, in order.
 */
export class RawKafkaClient {
  private readonly frames: Buffer[] = [];
  private readonly waiters: (() => void)[] = [];
  private buffered: Buffer = Buffer.alloc(0);
  private isClosed = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.wakeAll();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wakeAll();
        resolve();
      }),
    );
  }

  static connect(host: string, port: number): Promise<RawKafkaClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawKafkaClient(socket));
      });
    });
  }

  get open(): boolean {
    return !this.isClosed;
  }

  send(bytes: Buffer): boolean {
    if (this.isClosed) return false;
    return this.socket.write(bytes);
  }

  /** The next response frame, or undefined if the connection closes or `timeoutMs` passes first. */
  async next(timeoutMs: number): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.isClosed) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.shift();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wakeAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** An ApiVersions v0 request frame: every broker answers it, in a layout every client reads. */
export function apiVersionsFrame(correlationId: number): Buffer {
  return encodeRequestFrame(ApiVersions.request, 0, { correlationId, clientId: 'sentinel' }, {});
}

/**
 * Sends ApiVersions and resolves true once the answer with that correlation id arrives (responses
 * to requests sent earlier on the connection are skipped), false on close or timeout.
 */
export async function answersApiVersions(
  client: RawKafkaClient,
  correlationId: number,
  timeoutMs: number,
): Promise<boolean> {
  if (!client.send(apiVersionsFrame(correlationId)) && !client.open) return false;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = await client.next(deadline - Date.now());
    if (!frame) return false;
    if (frame.length >= 4 && frame.readInt32BE(0) === correlationId) return true;
  }
}

/** Resident set size and its peak (VmRSS, VmHWM) of a process, in bytes, from /proc. */
export function processMemory(pid: number): { rssBytes: number; peakRssBytes: number } {
  const text = readProcStatus(pid);
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

/** Resets a process's peak RSS (VmHWM) to its current RSS (Linux clear_refs). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

function readProcStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}
