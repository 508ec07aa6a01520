import { isIP } from 'node:net';
import { InvalidConfigError } from '../util/errors.js';

/**
 * Kafka's ConnectionQuotas for one listener: `max.connections.per.ip` (with
 * `max.connections.per.ip.overrides`) refuses a new connection outright, while `max.connections`
 * and `max.connection.creation.rate` make new connections wait for a slot, as Kafka's acceptor
 * blocks in `waitForConnectionSlot`.
 */
export interface ConnectionQuotaLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Per-address limits that replace `maxConnectionsPerIp` (normalised addresses). */
  readonly maxConnectionsPerIpOverrides: ReadonlyMap<string, number>;
  /** New connections per second across the listener. */
  readonly maxConnectionCreationRate: number;
}

export const UNLIMITED_CONNECTIONS: ConnectionQuotaLimits = {
  maxConnections: Number.MAX_SAFE_INTEGER,
  maxConnectionsPerIp: Number.MAX_SAFE_INTEGER,
  maxConnectionsPerIpOverrides: new Map(),
  maxConnectionCreationRate: Number.MAX_SAFE_INTEGER,
};

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) counts as `1.2.3.4`. */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * Parses `max.connections.per.ip.overrides`: `address:count` pairs separated by commas, e.g.
 * `127.0.0.1:200,::1:50` (the count follows the last colon). Kafka also resolves host names here;
 * Samsa takes addresses only.
 */
export function parseConnectionOverrides(value: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.lastIndexOf(':');
    const address = colon > 0 ? normaliseAddress(entry.slice(0, colon).replace(/^\[|\]$/g, '')) : '';
    const count = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!isIP(address) || !/^\d+$/.test(count)) {
      throw new InvalidConfigError(
        `max.connections.per.ip.overrides: expected address:count, got '${entry}'`,
      );
    }
    out.set(address, Number(count));
  }
  return out;
}

export class ConnectionQuotas {
  private readonly perIp = new Map<string, number>();
  private open = 0;
  /** Token bucket for the creation rate: one token per connection, refilled at the rate, burst = rate. */
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limits: ConnectionQuotaLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limits.maxConnectionCreationRate;
    this.refilledAt = now();
  }

  get openConnections(): number {
    return this.open;
  }

  maxFor(address: string): number {
    return this.limits.maxConnectionsPerIpOverrides.get(address) ?? this.limits.maxConnectionsPerIp;
  }

  /** Counts a socket from `address`; false (nothing counted) when that address is at its limit. */
  admitAddress(address: string): boolean {
    const count = this.perIp.get(address) ?? 0;
    if (count >= this.maxFor(address)) return false;
    this.perIp.set(address, count + 1);
    return true;
  }

  releaseAddress(address: string): void {
    const count = (this.perIp.get(address) ?? 1) - 1;
    if (count <= 0) this.perIp.delete(address);
    else this.perIp.set(address, count);
  }

  /**
   * Takes a connection slot if `max.connections` and the creation rate allow one now. Otherwise
   * returns how long to wait before asking again (Infinity: until a connection closes).
   */
  tryOpen(): number {
    if (this.open >= this.limits.maxConnections) return Number.POSITIVE_INFINITY;
    const rate = this.limits.maxConnectionCreationRate;
    if (rate < Number.MAX_SAFE_INTEGER) {
      const at = this.now();
      this.tokens = Math.min(rate, this.tokens + ((at - this.refilledAt) * rate) / 1000);
      this.refilledAt = at;
      if (this.tokens < 1) return Math.ceil(((1 - this.tokens) * 1000) / rate);
      this.tokens -= 1;
    }
    this.open++;
    return 0;
  }

  close(): void {
    this.open--;
  }
}
