/**
 * Splits a TCP byte stream into Kafka frames: int32 size, then `size` bytes.
 *
 * A frame that arrives whole inside one chunk (the common case) is returned without a copy. A frame
 * that spans chunks is assembled in one buffer of its announced size, allocated once the size is
 * read and, when a memory pool is given, only after the pool granted that size (Kafka's
 * NetworkReceive + MemoryPool): an unfinished frame never holds more than its reservation.
 */
export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`frame of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

/** Memory for frames being received (queued.max.request.bytes). */
export interface FrameMemory {
  /** Reserves `bytes` for a frame; false while the pool is exhausted (ask again once it frees). */
  tryReserve(bytes: number): boolean;
}

const UNBOUNDED: FrameMemory = { tryReserve: () => true };

export class FrameReader {
  /** Received bytes not yet copied into a frame. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size announced by the header of the frame in progress; -1 before its header is complete. */
  private size = -1;
  private reserved = false;
  /** The frame in progress, when it spans chunks. */
  private body: Buffer | undefined;
  private filled = 0;

  constructor(
    /** Largest frame accepted; lowered while a connection is unauthenticated (sasl.server.max.receive.size). */
    public maxFrameBytes: number,
    private readonly memory: FrameMemory = UNBOUNDED,
  ) {}

  /** Adds received bytes and returns every frame now complete (without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.append(chunk);
    const frames: Buffer[] = [];
    for (let frame = this.next(); frame; frame = this.next()) frames.push(frame);
    return frames;
  }

  /** Adds received bytes; take frames with `next()`. */
  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next complete frame, or undefined when more bytes are needed or the memory pool refused the
   * frame's size (`blockedOnMemory`; call again once it has room). Throws FrameTooLargeError.
   */
  next(): Buffer | undefined {
    if (this.size < 0) {
      if (this.buffered < 4) return undefined;
      const size = this.readSize();
      if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      this.size = size;
      this.reserved = false;
    }
    if (!this.reserved) {
      if (!this.memory.tryReserve(this.size)) return undefined;
      this.reserved = true;
    }
    if (!this.body) {
      const first = this.chunks[0];
      if (first && first.length >= this.size) return this.finish(this.consume(this.size));
      if (this.size === 0) return this.finish(Buffer.alloc(0));
      this.body = Buffer.allocUnsafe(this.size);
      this.filled = 0;
    }
    while (this.filled < this.size && this.chunks.length > 0) {
      const part = this.consume(Math.min(this.size - this.filled, this.chunks[0]!.length));
      part.copy(this.body, this.filled);
      this.filled += part.length;
    }
    if (this.filled < this.size) return undefined;
    const frame = this.body;
    this.body = undefined;
    return this.finish(frame);
  }

  /** True while the frame in progress waits for the memory pool to grant its size. */
  get blockedOnMemory(): boolean {
    return this.size >= 0 && !this.reserved;
  }

  /** True once any byte of a frame not yet complete has arrived. */
  get receiving(): boolean {
    return this.size >= 0 || this.buffered > 0;
  }

  /** Bytes the frame in progress holds in the memory pool (to release if the connection closes). */
  get reservedBytes(): number {
    return this.reserved ? this.size : 0;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered + this.filled;
  }

  private finish(frame: Buffer): Buffer {
    this.size = -1;
    this.reserved = false;
    this.filled = 0;
    return frame;
  }

  private readSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return this.consume(4).readInt32BE(0);
    const header = Buffer.allocUnsafe(4);
    let got = 0;
    while (got < 4) {
      const part = this.consume(Math.min(4 - got, this.chunks[0]!.length));
      part.copy(header, got);
      got += part.length;
    }
    return header.readInt32BE(0);
  }

  /** Removes and returns the next `n` bytes of the first chunk (n ≤ its length). */
  private consume(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    this.chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }
}
