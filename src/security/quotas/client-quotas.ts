import { isIP } from 'node:net';
import { SamsaError } from '../../util/errors.js';
import { ClientQuotaManager } from './client-quota-manager.js';
import {
  CONSUMER_BYTE_RATE,
  ENTITY_CLIENT_ID,
  ENTITY_IP,
  ENTITY_USER,
  PRODUCER_BYTE_RATE,
  type QuotaEntity,
  type QuotaEntry,
  quotaKeysFor,
  REQUEST_PERCENTAGE,
} from './quota-entity.js';
import type { QuotaAlteration, QuotaStore } from './quota-store.js';

export interface ClientQuotasConfig {
  /** `quota.window.num`: samples kept per sensor. */
  readonly windowNum: number;
  /** `quota.window.size.seconds`: span of one sample. */
  readonly windowSizeSeconds: number;
}

/** One component of a describe filter: an exact name, the default entity, or any entity of the type. */
export interface QuotaFilterComponent {
  readonly entityType: string;
  readonly match: { kind: 'exact'; name: string } | { kind: 'default' } | { kind: 'any' };
}

/** One requested change: `value` undefined removes the key. */
export interface QuotaOp {
  readonly key: string;
  readonly value?: number;
}

export interface RequestedAlteration {
  /** Entity type → name (null = default), as sent. */
  readonly entity: readonly { entityType: string; entityName: string | null }[];
  readonly ops: readonly QuotaOp[];
}

/** An entity's type/name pairs in the order Kafka lists them. */
export function entityComponents(entity: QuotaEntity): { entityType: string; entityName: string | null }[] {
  const out: { entityType: string; entityName: string | null }[] = [];
  if (entity.user !== undefined) out.push({ entityType: ENTITY_USER, entityName: entity.user });
  if (entity.clientId !== undefined) out.push({ entityType: ENTITY_CLIENT_ID, entityName: entity.clientId });
  if (entity.ip !== undefined) out.push({ entityType: ENTITY_IP, entityName: entity.ip });
  return out;
}

const invalid = (message: string) => new SamsaError('INVALID_REQUEST', message);

/** Kafka's `parseAndSanitizeQuotaEntity`: known types, no duplicates, ip alone, no empty names. */
export function parseEntity(components: RequestedAlteration['entity']): QuotaEntity {
  if (components.length === 0) throw invalid('Invalid empty client quota entity');
  const entity: { user?: string | null; clientId?: string | null; ip?: string | null } = {};
  for (const { entityType, entityName } of components) {
    const field =
      entityType === ENTITY_USER
        ? 'user'
        : entityType === ENTITY_CLIENT_ID
          ? 'clientId'
          : entityType === ENTITY_IP
            ? 'ip'
            : undefined;
    if (!field) throw invalid(`Unhandled client quota entity type: ${entityType}`);
    if (entity[field] !== undefined) throw invalid(`Duplicate ${entityType} entity in client quota entity`);
    if (entityName !== null && entityName.length === 0) throw invalid(`Empty ${entityType} not supported`);
    entity[field] = entityName;
  }
  if (entity.ip !== undefined) {
    if (entity.user !== undefined || entity.clientId !== undefined) {
      throw invalid(
        'Invalid quota entity combination, IP entity should not be combined with User or ClientId entities.',
      );
    }
    if (entity.ip !== null && isIP(entity.ip) === 0) throw invalid(`${entity.ip} is not a valid IP.`);
  }
  return entity;
}

/** Kafka's checks of one op: a known key, integral for LONG/INT keys; Samsa also refuses values <= 0. */
function validateOp(entity: QuotaEntity, op: QuotaOp): void {
  // Kafka removes any key without checking it.
  if (op.value === undefined) return;
  const type = quotaKeysFor(entity).get(op.key);
  if (type === undefined) throw invalid(`Invalid configuration key ${op.key}`);
  if (!Number.isFinite(op.value) || op.value <= 0) {
    throw invalid(`Configuration ${op.key} must be a positive value`);
  }
  if (type !== 'double' && Math.abs(Math.round(op.value) - op.value) > 1e-6) {
    throw invalid(`Configuration ${op.key} must be a ${type.toUpperCase()} value`);
  }
}

function matches(entity: QuotaEntity, filter: readonly QuotaFilterComponent[], strict: boolean): boolean {
  const names: Record<string, string | null | undefined> = {
    [ENTITY_USER]: entity.user,
    [ENTITY_CLIENT_ID]: entity.clientId,
    [ENTITY_IP]: entity.ip,
  };
  for (const c of filter) {
    const name = names[c.entityType];
    if (name === undefined) return false;
    if (c.match.kind === 'exact' && name !== c.match.name) return false;
    if (c.match.kind === 'default' && name !== null) return false;
  }
  if (strict) {
    const filtered = new Set(filter.map((c) => c.entityType));
    for (const [type, name] of Object.entries(names))
      if (name !== undefined && !filtered.has(type)) return false;
  }
  return true;
}

/**
 * Client quotas: the configured entries (through a `QuotaStore`) and the three managers that enforce
 * them — produce bytes, fetch bytes and request time — kept in step with every change.
 */
export class ClientQuotas {
  readonly produce: ClientQuotaManager;
  readonly fetch: ClientQuotaManager;
  readonly request: ClientQuotaManager;

  constructor(
    private readonly store: QuotaStore,
    config: ClientQuotasConfig,
  ) {
    const rate = { samples: config.windowNum, windowMs: config.windowSizeSeconds * 1000 };
    this.produce = new ClientQuotaManager({ ...rate, key: PRODUCER_BYTE_RATE });
    this.fetch = new ClientQuotaManager({ ...rate, key: CONSUMER_BYTE_RATE });
    // ClientRequestQuotaManager caps its throttle at one sample window.
    this.request = new ClientQuotaManager({ ...rate, key: REQUEST_PERCENTAGE, maxThrottleMs: rate.windowMs });
    store.onChange(() => this.refresh());
    this.refresh();
  }

  /** Whether any quota is set at all; the request path skips every measurement when not. */
  get enabled(): boolean {
    return this.produce.enabled || this.fetch.enabled || this.request.enabled;
  }

  /**
   * The entries a DescribeClientQuotas filter selects. Throws INVALID_REQUEST for a duplicate or
   * empty entity type or ip mixed with user/client-id; UNSUPPORTED_VERSION for a custom type, as Kafka.
   */
  describe(filter: readonly QuotaFilterComponent[], strict: boolean): QuotaEntry[] {
    const seen = new Set<string>();
    for (const c of filter) {
      if (c.entityType === '') throw invalid('Unexpected empty filter component entity type');
      if (![ENTITY_USER, ENTITY_CLIENT_ID, ENTITY_IP].includes(c.entityType)) {
        throw new SamsaError('UNSUPPORTED_VERSION', `Custom entity type '${c.entityType}' not supported`);
      }
      if (seen.has(c.entityType)) throw invalid(`Duplicate ${c.entityType} filter component entity type`);
      seen.add(c.entityType);
    }
    if (seen.has(ENTITY_IP) && (seen.has(ENTITY_USER) || seen.has(ENTITY_CLIENT_ID))) {
      throw invalid(
        'Invalid entity filter component combination, IP filter component should not be used with user or clientId filter component.',
      );
    }
    return this.store.entries().filter((e) => matches(e.entity, filter, strict));
  }

  /**
   * Validates every entry, then applies the valid ones together (unless `validateOnly`). Returns
   * one result per requested entry, in order: undefined for success, or the error.
   */
  async alter(
    requested: readonly RequestedAlteration[],
    validateOnly: boolean,
  ): Promise<(SamsaError | undefined)[]> {
    const results: (SamsaError | undefined)[] = [];
    const valid: QuotaAlteration[] = [];
    for (const r of requested) {
      try {
        const entity = parseEntity(r.entity);
        const set: Record<string, number> = {};
        const remove: string[] = [];
        for (const op of r.ops) {
          validateOp(entity, op);
          if (op.value === undefined) remove.push(op.key);
          else set[op.key] = op.value;
        }
        valid.push({ entity, set, remove });
        results.push(undefined);
      } catch (error) {
        if (!(error instanceof SamsaError)) throw error;
        results.push(error);
      }
    }
    if (!validateOnly && valid.length > 0) await this.store.alter(valid);
    return results;
  }

  private refresh(): void {
    const entries = this.store.entries();
    this.produce.update(entries);
    this.fetch.update(entries);
    this.request.update(entries);
  }
}
