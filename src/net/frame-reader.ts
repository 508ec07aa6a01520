/**
 * Splits a TCP byte stream into Kafka frames: int32 size, then `size` bytes.
 *
 * Chunks are kept as received and joined only when a frame spans them, so a socket that delivers
 * whole frames (the common case) costs no copy.
 */
export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`frame of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Largest frame accepted; lowered while a connection is unauthenticated (sasl.server.max.receive.size). */
  constructor(public maxFrameBytes: number) {}

  /** Adds received bytes and returns every frame now complete (without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      if (this.buffered < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.take(4, false).readInt32BE(0);
  }

  /** Returns the next `n` bytes; consumes them unless `consume` is false. */
  private take(n: number, consume = true): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (consume) {
        if (first.length === n) this.chunks.shift();
        else this.chunks[0] = first.subarray(n);
        this.buffered -= n;
      }
      return out;
    }
    // The frame spans chunks: join just enough of them.
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
    return this.take(n, consume);
  }
}
