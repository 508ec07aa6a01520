import { entityKey, type QuotaEntity, type QuotaEntry } from './quota-entity.js';
import { type RateConfig, SampledRate } from './rate.js';

/** Kafka drops a client's sensors after an hour without use (`InactiveSensorExpirationTimeSeconds`). */
const INACTIVE_SENSOR_EXPIRATION_MS = 3_600_000;
const SENSOR_SWEEP_INTERVAL_MS = 60_000;

export interface ClientQuotaManagerOptions extends RateConfig {
  /** The quota key this manager enforces (`producer_byte_rate`, ...). */
  readonly key: string;
  /** Upper bound of a throttle time; Kafka caps only the request quota's, at one window. */
  readonly maxThrottleMs?: number;
}

interface Sensor {
  readonly rate: SampledRate;
  lastRecordMs: number;
}

/**
 * One quota type (produce bytes, fetch bytes or request time), as Kafka's `ClientQuotaManager` with
 * its default quota callback: each request's (user, client id) is mapped to the most specific
 * configured entity in Kafka's precedence order; clients that share that entity share one rate
 * sensor (all clients of `alice` under a `user=alice` quota); a client over its quota gets
 * `(observed - quota) / quota * window` milliseconds of throttle.
 */
export class ClientQuotaManager {
  private quotas = new Map<string, number>();
  private readonly sensors = new Map<string, Sensor>();
  private lastSweepMs = 0;

  constructor(private readonly options: ClientQuotaManagerOptions) {}

  /** Any quota of this type configured: without one nothing is recorded. */
  get enabled(): boolean {
    return this.quotas.size > 0;
  }

  /** Replaces the configured quotas with those in `entries` that carry this manager's key. */
  update(entries: readonly QuotaEntry[]): void {
    const quotas = new Map<string, number>();
    for (const e of entries) {
      const value = e.values[this.options.key];
      if (value !== undefined && e.entity.ip === undefined) quotas.set(entityKey(e.entity), value);
    }
    this.quotas = quotas;
  }

  /**
   * Records `value` for the client and returns the throttle time in ms (0 when within quota or
   * when no quota applies).
   */
  recordAndGetThrottleTimeMs(user: string, clientId: string, value: number, nowMs: number): number {
    const tags = this.metricTags(user, clientId);
    const bound = this.quotaLimit(tags);
    if (bound === undefined) return 0;
    const sensor = this.sensorFor(tags, nowMs);
    sensor.rate.record(value, nowMs);
    sensor.lastRecordMs = nowMs;
    const observed = sensor.rate.measure(nowMs);
    if (observed <= bound) return 0;
    const throttle = Math.round(((observed - bound) / bound) * sensor.rate.windowSizeMs(nowMs));
    return Math.min(throttle, this.options.maxThrottleMs ?? Number.POSITIVE_INFINITY);
  }

  /**
   * The most that can be recorded at once without a certain throttle: quota × (samples − 1) ×
   * window. Kafka bounds a fetch response by it. Infinity when no quota applies.
   */
  maxValueInQuotaWindow(user: string, clientId: string): number {
    const bound = this.quotaLimit(this.metricTags(user, clientId));
    if (bound === undefined) return Number.POSITIVE_INFINITY;
    return bound * (this.options.samples - 1) * (this.options.windowMs / 1000);
  }

  /** The quota that applies to a client, for tests and descriptions; undefined when none. */
  quotaFor(user: string, clientId: string): number | undefined {
    return this.quotaLimit(this.metricTags(user, clientId));
  }

  private has(entity: QuotaEntity): boolean {
    return this.quotas.has(entityKey(entity));
  }

  /**
   * Kafka's `DefaultQuotaCallback.quotaMetricTags`: which (user, client id) pair the client's
   * sensor is keyed by, from the most specific entity configured. '' means "not part of the key".
   */
  private metricTags(user: string, clientId: string): [string, string] {
    if (this.has({ user, clientId }) || this.has({ user, clientId: null })) return [user, clientId];
    if (this.has({ user })) return [user, ''];
    if (this.has({ user: null, clientId }) || this.has({ user: null, clientId: null }))
      return [user, clientId];
    if (this.has({ user: null })) return [user, ''];
    return ['', clientId];
  }

  /** Kafka's `DefaultQuotaCallback.quotaLimit`, in its precedence order. */
  private quotaLimit([user, clientId]: [string, string]): number | undefined {
    const q = (entity: QuotaEntity) => this.quotas.get(entityKey(entity));
    if (user !== '' && clientId !== '') {
      return (
        q({ user, clientId }) ??
        q({ user, clientId: null }) ??
        q({ user: null, clientId }) ??
        q({ user: null, clientId: null })
      );
    }
    if (user !== '') return q({ user }) ?? q({ user: null });
    if (clientId !== '') return q({ clientId }) ?? q({ clientId: null });
    return undefined;
  }

  private sensorFor(tags: [string, string], nowMs: number): Sensor {
    if (nowMs - this.lastSweepMs >= SENSOR_SWEEP_INTERVAL_MS) this.sweep(nowMs);
    const key = JSON.stringify(tags);
    let sensor = this.sensors.get(key);
    if (!sensor) {
      sensor = { rate: new SampledRate(this.options), lastRecordMs: nowMs };
      this.sensors.set(key, sensor);
    }
    return sensor;
  }

  private sweep(nowMs: number): void {
    this.lastSweepMs = nowMs;
    for (const [key, sensor] of this.sensors) {
      if (nowMs - sensor.lastRecordMs >= INACTIVE_SENSOR_EXPIRATION_MS) this.sensors.delete(key);
    }
  }
}
