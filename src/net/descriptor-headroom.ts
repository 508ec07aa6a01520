import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

const RECOUNT_MS = 3_000;
const LIMIT_REREAD_MS = 1_000;

/**
 * How close the process is to its file-descriptor limit (Linux /proc; elsewhere it never reports
 * pressure). At the limit libuv accepts and at once closes every new connection without telling
 * Node, so a broker whose descriptors are all held by connections would lock every new client out;
 * the listener uses this to close idle connections while fewer than `reserve` descriptors are free.
 */
export class DescriptorHeadroom {
  private limit = Number.POSITIVE_INFINITY;
  private limitReadAt = Number.NEGATIVE_INFINITY;
  private suspect = true;
  private countedAt = Number.NEGATIVE_INFINITY;
  /** A descriptor held back so that /proc can still be read when every other one is taken. */
  private spare: number | undefined = openSpare();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Descriptors kept free for new connections: 1/32 of the limit, between 8 and 64. */
  get reserve(): number {
    return Math.min(64, Math.max(8, Math.floor(this.softLimit() / 32)));
  }

  /** Notes a new socket's descriptor: Linux hands out the lowest free one, so a high one is a sign. */
  noteDescriptor(fd: number | undefined): void {
    if (fd !== undefined && fd >= this.softLimit() - this.reserve) this.suspect = true;
  }

  /**
   * Descriptors to free now (0 when there is room). Counting them reads /proc/self/fd, so it is
   * done after a high descriptor was seen, while the last count was short of room, and otherwise
   * every few seconds (connections refused at the limit never reach Node).
   */
  shortfall(): number {
    const at = this.now();
    if (!this.suspect && at - this.countedAt < RECOUNT_MS) return 0;
    this.countedAt = at;
    const limit = this.softLimit();
    if (!Number.isFinite(limit)) {
      this.suspect = false;
      return 0;
    }
    let open: number;
    try {
      open = this.withSpare(() => readdirSync('/proc/self/fd').length);
    } catch {
      this.suspect = false;
      return 0;
    }
    const missing = open + this.reserve - limit;
    this.suspect = missing > 0;
    return Math.max(0, missing);
  }

  /** The soft RLIMIT_NOFILE, re-read every second (prlimit can change it from outside). */
  private softLimit(): number {
    const at = this.now();
    if (at - this.limitReadAt < LIMIT_REREAD_MS) return this.limit;
    this.limitReadAt = at;
    try {
      const text = this.withSpare(() => readFileSync('/proc/self/limits', 'utf8'));
      const line = /^Max open files\s+(\d+|unlimited)/m.exec(text);
      this.limit = line && line[1] !== 'unlimited' ? Number(line[1]) : Number.POSITIVE_INFINITY;
    } catch {
      // Not Linux, or not even the spare descriptor could be had: keep the last value.
    }
    return this.limit;
  }

  /** Gives the spare descriptor back (listener closed). */
  dispose(): void {
    if (this.spare !== undefined) closeSync(this.spare);
    this.spare = undefined;
    this.suspect = false;
  }

  /** Runs `read` with the spare descriptor released, so it works with every other one taken. */
  private withSpare<T>(read: () => T): T {
    if (this.spare === undefined) return read();
    closeSync(this.spare);
    try {
      return read();
    } finally {
      this.spare = openSpare();
    }
  }
}

function openSpare(): number | undefined {
  try {
    return openSync('/dev/null', 'r');
  } catch {
    return undefined;
  }
}
