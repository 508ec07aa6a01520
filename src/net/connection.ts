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
  /** The listener it came in on and its authentication state. */
  readonly session: SecuritySession;
  /** Sets the largest request frame this connection accepts from now on. */
  limitFrames(maxFrameBytes: number): void;
  /** Closes the connection once every request received so far is answered (a failed login). */
  closeAfterResponses(): void;
}

/** Turns one request frame into a response frame (size-prefixed), or null when none is sent. */
export interface FrameProcessor {
  process(frame: Buffer, connection: ConnectionInfo): Promise<Buffer | null> | Buffer | null;
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
  response: Buffer | null;
}

/**
 * One client connection: frames in, responses out in request order (Kafka clients match responses
 * by order as well as correlation id), with requests handled concurrently. Reading pauses while too
 * many request bytes are unanswered, here or broker-wide, and while the socket cannot take writes.
 */
export class Connection implements ConnectionInfo {
  readonly clientAddress: string;
  private readonly frames: FrameReader;
  private readonly slots: Slot[] = [];
  private inflightBytes = 0;
  private paused = false;
  private closed = false;
  private readonly resume = () => this.maybeResume();
  private idleWaiters: (() => void)[] = [];
  private corked = false;
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
    this.frames = new FrameReader(options.maxFrameBytes);
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

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      if (err instanceof FrameTooLargeError) {
        this.options.logger.warn(
          { connection: this.id, client: this.clientAddress, size: err.size, limit: err.limit },
          'closing connection: request frame larger than socket.request.max.bytes',
        );
        this.close();
        return;
      }
      throw err;
    }
    for (const frame of frames) {
      if (this.closed || this.closeWhenAnswered) return;
      this.dispatch(frame);
    }
    this.maybePause();
  }

  private dispatch(frame: Buffer): void {
    const slot: Slot = { frameBytes: frame.length, done: false, response: null };
    this.slots.push(slot);
    this.inflightBytes += frame.length;
    this.options.budget.acquire(frame.length);
    let result: Promise<Buffer | null> | Buffer | null;
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

  private complete(slot: Slot, response: Buffer | null): void {
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
    if (this.slots.length === 0 && this.closeWhenAnswered) this.finishAndClose();
    if (this.slots.length === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    if (this.mustWait()) this.maybePause();
    else this.maybeResume();
  }

  /**
   * Responses completed in the same tick (a pipelined burst of small requests, such as async offset
   * commits) leave in one writev instead of one system call each.
   */
  private write(response: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(response);
  }

  private mustWait(): boolean {
    return (
      this.inflightBytes >= this.options.maxInflightBytes ||
      this.options.budget.exhausted ||
      this.socket.writableNeedDrain
    );
  }

  private maybePause(): void {
    if (!this.paused && !this.closed && this.mustWait()) {
      this.paused = true;
      this.socket.pause();
      if (this.options.budget.exhausted) this.options.budget.whenAvailable(this.resume);
    }
  }

  private maybeResume(): void {
    if (!this.paused || this.closed) return;
    if (this.mustWait()) {
      if (this.options.budget.exhausted) this.options.budget.whenAvailable(this.resume);
      return;
    }
    this.paused = false;
    this.socket.resume();
  }

  private onClose(): void {
    this.closed = true;
    this.options.budget.forget(this.resume);
    // Requests still being handled release their bytes when they complete; drop them from the budget now.
    for (const slot of this.slots) this.options.budget.release(slot.frameBytes);
    this.slots.length = 0;
    this.inflightBytes = 0;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
