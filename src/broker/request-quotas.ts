import { ApiKey } from '../protocol/api-keys.js';
import type { ClientQuotas } from '../security/quotas/client-quotas.js';
import { quotaUserOf } from '../security/quotas/quota-entity.js';
import type { RequestContext } from './handlers/handler.js';

/** APIs Kafka leaves out of the request-time quota: connection set-up and inter-broker traffic. */
const EXEMPT_FROM_REQUEST_QUOTA: ReadonlySet<number> = new Set([
  ApiKey.ApiVersions,
  ApiKey.SaslHandshake,
  ApiKey.SaslAuthenticate,
  ApiKey.LeaderAndIsr,
  ApiKey.StopReplica,
  ApiKey.UpdateMetadata,
  ApiKey.ControlledShutdown,
  ApiKey.WriteTxnMarkers,
]);

/**
 * The first version of Produce and Fetch whose clients throttle themselves on `throttle_time_ms`
 * (KIP-219); older clients get their response held back for the throttle time instead.
 */
const CLIENT_THROTTLES_FROM: ReadonlyMap<number, number> = new Map([
  [ApiKey.Produce, 6],
  [ApiKey.Fetch, 8],
]);

const NANOS_TO_PERCENTAGE = 100 / 1e9;

interface FetchLimits {
  replicaId?: number;
  minBytes: number;
  maxBytes?: number;
}

function isFollowerFetch(body: FetchLimits): boolean {
  return body.replicaId !== undefined && body.replicaId >= 0;
}

/** What one request measured, for the quotas that apply to it. */
export interface RequestUsage {
  readonly apiKey: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** Time the broker spent on the request (its synchronous handling and encoding). */
  readonly handlerNanos: number;
}

/**
 * Kafka's `KafkaApis` use of the quota managers: Produce counts request bytes against
 * `producer_byte_rate`, a consumer Fetch its response bytes against `consumer_byte_rate`, and
 * every non-exempt request its handling time against `request_percentage`. The throttle answered
 * is the larger of the byte and request throttles.
 */
export class RequestQuotas {
  constructor(
    private readonly quotas: ClientQuotas,
    private readonly nowMs: () => number,
  ) {}

  get enabled(): boolean {
    return this.quotas.enabled;
  }

  /**
   * Before a consumer Fetch is served: its size is bounded by what the quota allows in one window
   * (`getMaxValueInQuotaWindow`), as Kafka 3.9 does, so one fetch cannot take many windows' worth.
   */
  limitRequest(apiKey: number, body: unknown, context: RequestContext): void {
    if (apiKey !== ApiKey.Fetch || !this.quotas.fetch.enabled) return;
    const fetch = body as FetchLimits;
    if (isFollowerFetch(fetch)) return;
    const limit = this.quotas.fetch.maxValueInQuotaWindow(
      quotaUserOf(context.principal),
      clientIdOf(context),
    );
    if (!Number.isFinite(limit)) return;
    const maxBytes = Math.min(fetch.maxBytes ?? 0x7fffffff, Math.max(1, Math.floor(limit)));
    fetch.maxBytes = maxBytes;
    fetch.minBytes = Math.min(fetch.minBytes, maxBytes);
  }

  /** Records the request's usage and returns the throttle time in ms (0 when within every quota). */
  record(usage: RequestUsage, body: unknown, context: RequestContext): number {
    const user = quotaUserOf(context.principal);
    const clientId = clientIdOf(context);
    const now = this.nowMs();
    let bandwidth = 0;
    if (usage.apiKey === ApiKey.Produce) {
      bandwidth = this.quotas.produce.recordAndGetThrottleTimeMs(user, clientId, usage.requestBytes, now);
    } else if (usage.apiKey === ApiKey.Fetch && !isFollowerFetch(body as FetchLimits)) {
      bandwidth = this.quotas.fetch.recordAndGetThrottleTimeMs(user, clientId, usage.responseBytes, now);
    }
    let request = 0;
    if (
      !EXEMPT_FROM_REQUEST_QUOTA.has(usage.apiKey) &&
      !(usage.apiKey === ApiKey.Fetch && isFollowerFetch(body as FetchLimits))
    ) {
      request = this.quotas.request.recordAndGetThrottleTimeMs(
        user,
        clientId,
        usage.handlerNanos * NANOS_TO_PERCENTAGE,
        now,
      );
    }
    return Math.max(bandwidth, request);
  }

  /** Whether a client of this version waits out `throttle_time_ms` itself (KIP-219). */
  clientThrottles(apiKey: number, version: number): boolean {
    return version >= (CLIENT_THROTTLES_FROM.get(apiKey) ?? 0);
  }
}

function clientIdOf(context: RequestContext): string {
  return context.header.clientId ?? '';
}
