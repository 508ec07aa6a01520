import type { Socket } from 'node:net';
import type { SecuritySession } from '../security/session.js';
import type { Logger } from '../util/logger.js';
import { FrameReader, FrameTooLargeError } from './frame-reader.js';
import type { InflightBudget } from './inflight-budget.js';

/** Thrown by a processor when the connection must be closed (undecodable request, unknown API). */
export class CloseConnectionError extends Error {}

export interface ConnectionInfo {
  readonly id: string;
  readonly clientAddress: string;
  /** Stops reading requests from this client for `ms` (a quota throttle, KIP-219). */
  throttle?(ms: number): void;
  /** The listener it came in on and its authentication state. */
  readonly session: SecuritySession;
  /** Sets the largest request frame this connection accepts from now on. */
  limitFrames(maxFrameBytes: number): void;
  /** Closes the connection once every request received so far is answered (a failed login). */
  closeAfterResponses(): void;
}

/**
 * A size-prefixed response: one buffer, or pieces written back to back (large records are sent
 * from the buffers they were read into, not copied into the frame).
 */
export type ResponseFrame = Buffer | readonly Buffer[];

/** Bytes in a response frame. */
export function responseFrameBytes(frame: ResponseFrame): number {
  if (Buffer.isBuffer(frame)) return frame.length;
  let n = 0;
  for (const piece of frame) n += piece.length;
  return n;
}

/** Turns one request frame into a response frame, or null when none is sent. */
export interface FrameProcessor {
  process(frame: Buffer, connection: ConnectionInfo): Promise<ResponseFrame | null> | ResponseFrame | null;
}

export interface ConnectionOptions {
  readonly maxFrameBytes: number;
  /** Unanswered request bytes at which this connection stops reading. */
  readonly maxInflightBytes: number;
  readonly budget: InflightBudget;
  readonly logger: Logger;
}

interface Slot {
  readonly frameBytes: number;
  done: boolean;
  response: ResponseFrame | null;
}

/** Monotonic milliseconds. */
const now = (): number => performance.now();

/**
 * One client connection: frames in, responses out in request order (Kafka clients match responses
 * by order as well as correlation id), with requests handled concurrently. Reading pauses while too
 * many request bytes are unanswered on this connection, while the broker-wide budget cannot grant
 * the size of the next frame, and while the socket cannot take writes.
 */
export class Connection implements ConnectionInfo {
  readonly clientAddress: string;
  private readonly frames: FrameReader;
  private readonly slots: Slot[] = [];
  private inflightBytes = 0;
  private paused = false;
  private closed = false;
  private readingFrames = false;
  /** Set by shutdown: no more requests are read. */
  private readingStopped = false;
  /** When the last complete request arrived or the last response left (idle timeout). */
  private lastActiveAt = now();
  /** When the frame in progress started arriving, or reading resumed under it (receive timeout). */
  private frameStartedAt: number | undefined;
  private readonly resume = () => this.maybeResume();
  private idleWaiters: (() => void)[] = [];
  private corked = false;
  private throttledUntil = 0;
  private throttleTimer: NodeJS.Timeout | undefined;
  private closeWhenAnswered = false;
  private readonly uncork = () => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly processor: FrameProcessor,
    private readonly options: ConnectionOptions,
    readonly session: SecuritySession,
  ) {
    this.clientAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.frames = new FrameReader(options.maxFrameBytes, options.budget);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', this.resume);
    socket.on('error', (err) => options.logger.debug({ connection: id, err: err.message }, 'socket error'));
    socket.on('close', () => this.onClose());
  }

  /** Resolves once every request received so far has been answered. */
  whenIdle(): Promise<void> {
    if (this.slots.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    if (!this.closed) this.socket.destroy();
  }

  /** Mutes the channel until `ms` from now (or later, if already muted longer), as Kafka's ThrottledChannel. */
  throttle(ms: number): void {
    if (ms <= 0 || this.closed) return;
    const until = performance.now() + ms;
    if (this.throttleTimer && until <= this.throttledUntil) return;
    clearTimeout(this.throttleTimer);
    this.throttledUntil = until;
    this.throttleTimer = setTimeout(() => {
      this.throttleTimer = undefined;
      this.maybeResume();
    }, ms);
    this.maybePause();
  }

  limitFrames(maxFrameBytes: number): void {
    this.frames.maxFrameBytes = maxFrameBytes;
  }

  closeAfterResponses(): void {
    this.closeWhenAnswered = true;
    if (this.slots.length === 0) this.finishAndClose();
  }

  /** Flushes what was written, then closes without waiting for the client to close its side. */
  private finishAndClose(): void {
    if (!this.closed) this.socket.end(() => this.socket.destroy());
  }

  /** Closes after the answered responses are flushed (graceful shutdown). */
  end(): void {
    if (!this.closed) this.socket.end();
  }

  /** Closes once the responses written so far have left (graceful shutdown); resolves when closed. */
  closeAfterFlush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.once('finish', () => this.socket.destroy());
    this.socket.end();
    return closed;
  }

  /** Reads no further requests; those already received are still answered (shutdown). */
  stopReading(): void {
    this.readingStopped = true;
    this.maybePause();
  }

  /** Milliseconds since the last request or response when none is outstanding, else -1 (or closing). */
  idleMs(at = now()): number {
    if (this.closed || this.socket.destroyed || this.slots.length > 0) return -1;
    return at - this.lastActiveAt;
  }

  /**
   * Closes the connection when it has had no request outstanding and none received for `idleMs`
   * (connections.max.idle.ms), or when the frame it is sending has not completed within
   * `receiveTimeoutMs` of reading time (socket.request.receive.timeout.ms). Returns true if closed.
   */
  expire(at: number, idleMs: number, receiveTimeoutMs: number): boolean {
    if (this.closed) return false;
    const idle = this.idleMs(at);
    if (idle >= idleMs) {
      this.options.logger.debug(
        { connection: this.id, client: this.clientAddress, idleMs: Math.round(idle) },
        'closing idle connection (connections.max.idle.ms)',
      );
      this.close();
      return true;
    }
    if (!this.paused && this.frameStartedAt !== undefined && at - this.frameStartedAt >= receiveTimeoutMs) {
      this.options.logger.warn(
        { connection: this.id, client: this.clientAddress, received: this.frames.pendingBytes },
        'closing connection: request not received within socket.request.receive.timeout.ms',
      );
      this.close();
      return true;
    }
    return false;
  }

  private onData(chunk: Buffer): void {
    this.frames.append(chunk);
    this.readFrames();
  }

  /** Dispatches every frame the reader can complete, then pauses if this connection must wait. */
  private readFrames(): void {
    if (this.readingFrames) return; // a response completed synchronously inside dispatch
    this.readingFrames = true;
    try {
      while (!this.closed && !this.closeWhenAnswered && !this.socket.destroyed && !this.readingStopped) {
        let frame: Buffer | undefined;
        try {
          frame = this.frames.next();
        } catch (err) {
          if (!(err instanceof FrameTooLargeError)) throw err;
          this.options.logger.warn(
            { connection: this.id, client: this.clientAddress, size: err.size, limit: err.limit },
            'closing connection: request frame larger than socket.request.max.bytes',
          );
          this.close();
          return;
        }
        if (!frame) break;
        this.lastActiveAt = now();
        this.frameStartedAt = undefined;
        this.dispatch(frame);
      }
    } finally {
      this.readingFrames = false;
    }
    if (!this.frames.receiving) this.frameStartedAt = undefined;
    else this.frameStartedAt ??= now();
    this.maybePause();
  }

  private dispatch(frame: Buffer): void {
    // The frame's bytes were reserved in the budget when its size was read; the slot releases them.
    const slot: Slot = { frameBytes: frame.length, done: false, response: null };
    this.slots.push(slot);
    this.inflightBytes += frame.length;
    let result: Promise<ResponseFrame | null> | ResponseFrame | null;
    try {
      result = this.processor.process(frame, this);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (response) => this.complete(slot, response),
        (err) => this.fail(err),
      );
    } else {
      this.complete(slot, result);
    }
  }

  private complete(slot: Slot, response: ResponseFrame | null): void {
    slot.done = true;
    slot.response = response;
    this.flush();
  }

  private fail(err: unknown): void {
    const level = err instanceof CloseConnectionError ? 'warn' : 'error';
    this.options.logger[level](
      { connection: this.id, client: this.clientAddress, err: (err as Error)?.message ?? String(err) },
      'closing connection',
    );
    this.close();
  }

  /** Writes completed responses from the head of the queue, in request order. */
  private flush(): void {
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      this.inflightBytes -= slot.frameBytes;
      this.options.budget.release(slot.frameBytes);
      if (slot.response && !this.closed) this.write(slot.response);
    }
    if (this.slots.length === 0) {
      this.lastActiveAt = now();
      if (this.closeWhenAnswered) this.finishAndClose();
      if (this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
    if (this.mustWait()) this.maybePause();
    else this.maybeResume();
  }

  /**
   * Responses completed in the same tick (a pipelined burst of small requests, such as async offset
   * commits) leave in one writev instead of one system call each.
   */
  private write(response: ResponseFrame): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    if (Buffer.isBuffer(response)) this.socket.write(response);
    else for (const piece of response) this.socket.write(piece);
  }

  private mustWait(): boolean {
    return (
      this.throttleTimer !== undefined ||
      this.readingStopped ||
      this.inflightBytes >= this.options.maxInflightBytes ||
      this.frames.blockedOnMemory ||
      this.socket.writableNeedDrain
    );
  }

  private maybePause(): void {
    if (this.closed || !this.mustWait()) return;
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (this.frames.blockedOnMemory) this.options.budget.whenAvailable(this.resume);
  }

  private maybeResume(): void {
    if (!this.paused || this.closed) return;
    // Frames already buffered come first: the one refused memory may be granted it now.
    if (this.frames.blockedOnMemory && !this.readingStopped) this.readFrames();
    if (this.closed || this.mustWait()) {
      this.maybePause();
      return;
    }
    this.paused = false;
    // The receive timeout counts reading time only: waiting on the broker is not the client's delay.
    if (this.frames.receiving) this.frameStartedAt = now();
    this.socket.resume();
  }

  private onClose(): void {
    this.closed = true;
    clearTimeout(this.throttleTimer);
    this.throttleTimer = undefined;
    this.options.budget.forget(this.resume);
    // Requests still being handled release their bytes when they complete; drop them from the budget now.
    for (const slot of this.slots) this.options.budget.release(slot.frameBytes);
    this.options.budget.release(this.frames.reservedBytes);
    this.slots.length = 0;
    this.inflightBytes = 0;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
