/**
 * Client quota configs in ZooKeeper, shared by every broker, where Kafka's ZooKeeper mode keeps
 * them: `/config/users/<user>`, `/config/users/<user>/clients/<client-id>`,
 * `/config/clients/<client-id>` and `/config/ips/<ip>`, `<default>` for a default entity, user
 * and client names sanitized (Kafka's `Sanitizer`), values as strings (`"producer_byte_rate":
 * "1048576"`, `"request_percentage":"200.0"`). A user's znode also holds its SCRAM credentials,
 * which a quota change leaves alone. Every broker re-reads an entity when a config change
 * notification names it, and tells the quota managers.
 */
import {
  entityKey,
  type QuotaEntity,
  type QuotaEntry,
  quotaKeysFor,
} from '../security/quotas/quota-entity.js';
import type { QuotaAlteration, QuotaStore } from '../security/quotas/quota-store.js';
import type { ZkEntityConfigs } from './zk-entity-configs.js';
import {
  CONFIG_CLIENTS,
  CONFIG_IPS,
  CONFIG_USERS,
  DEFAULT_ENTITY,
  desanitizeEntityName,
  sanitizeEntityName,
} from './zookeeper/zk-data.js';

/** Java's `Double.toString`, which Kafka uses for DOUBLE quota values (`200.0`, `1.0E7`). */
export function javaDoubleString(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  const abs = Math.abs(value);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa!.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** The string Kafka's ZkAdminManager.alterClientQuotas writes for a value of the key's type. */
function formatQuotaValue(type: 'long' | 'int' | 'double', value: number): string {
  return type === 'double' ? javaDoubleString(value) : String(Math.trunc(value + 1e-6));
}

const nameOf = (name: string | null, sanitize: boolean): string =>
  name === null ? DEFAULT_ENTITY : sanitize ? sanitizeEntityName(name) : name;
const entityNameOf = (znodeName: string, sanitized: boolean): string | null =>
  znodeName === DEFAULT_ENTITY ? null : sanitized ? desanitizeEntityName(znodeName) : znodeName;

/** The entity path (`users/alice/clients/app`) of a quota entity. */
export function quotaEntityPath(entity: QuotaEntity): string {
  if (entity.ip !== undefined) return `${CONFIG_IPS}/${nameOf(entity.ip, false)}`;
  if (entity.user !== undefined) {
    const user = `${CONFIG_USERS}/${nameOf(entity.user, true)}`;
    return entity.clientId === undefined
      ? user
      : `${user}/${CONFIG_CLIENTS}/${nameOf(entity.clientId, true)}`;
  }
  return `${CONFIG_CLIENTS}/${nameOf(entity.clientId ?? null, true)}`;
}

/** The quota entity an entity path names, or undefined (a topic, a broker...). */
export function quotaEntityOfPath(entityPath: string): QuotaEntity | undefined {
  const p = entityPath.split('/');
  if (p.length === 2 && p[0] === CONFIG_USERS) return { user: entityNameOf(p[1]!, true) };
  if (p.length === 4 && p[0] === CONFIG_USERS && p[2] === CONFIG_CLIENTS)
    return { user: entityNameOf(p[1]!, true), clientId: entityNameOf(p[3]!, true) };
  if (p.length === 2 && p[0] === CONFIG_CLIENTS) return { clientId: entityNameOf(p[1]!, true) };
  if (p.length === 2 && p[0] === CONFIG_IPS) return { ip: entityNameOf(p[1]!, false) };
  return undefined;
}

export class ZkQuotaStore implements QuotaStore {
  private byEntity = new Map<string, QuotaEntry>();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly configs: ZkEntityConfigs) {
    configs.onChange((entityPath) => this.onEntityChange(entityPath));
  }

  /** Reads every user, user/client, client and IP entity, then follows the changes. */
  async load(): Promise<void> {
    const entries = new Map<string, QuotaEntry>();
    const read = async (entity: QuotaEntity) => {
      const entry = this.entryOf(entity, await this.configs.fetch(quotaEntityPath(entity)));
      if (entry) entries.set(entityKey(entity), entry);
    };
    for (const name of await this.configs.names(CONFIG_USERS)) {
      const user = entityNameOf(name, true);
      await read({ user });
      for (const client of await this.configs.names(`${CONFIG_USERS}/${name}/${CONFIG_CLIENTS}`))
        await read({ user, clientId: entityNameOf(client, true) });
    }
    for (const name of await this.configs.names(CONFIG_CLIENTS))
      await read({ clientId: entityNameOf(name, true) });
    for (const name of await this.configs.names(CONFIG_IPS)) await read({ ip: entityNameOf(name, false) });
    this.byEntity = entries;
    await this.configs.start();
  }

  entries(): QuotaEntry[] {
    return [...this.byEntity.values()];
  }

  async alter(alterations: readonly QuotaAlteration[]): Promise<void> {
    try {
      for (const a of alterations) {
        const types = quotaKeysFor(a.entity);
        const config = await this.configs.change(quotaEntityPath(a.entity), (config) => {
          for (const key of a.remove) delete config[key];
          for (const [key, value] of Object.entries(a.set))
            config[key] = formatQuotaValue(types.get(key) ?? 'double', value);
        });
        this.setEntry(a.entity, config);
      }
    } finally {
      this.notify();
    }
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private async onEntityChange(entityPath: string): Promise<void> {
    const entity = quotaEntityOfPath(entityPath);
    if (!entity) return;
    this.setEntry(entity, await this.configs.fetch(entityPath));
    this.notify();
  }

  /** The quota keys of an entity's config (a user's SCRAM entries are not quotas). */
  private entryOf(entity: QuotaEntity, config: Readonly<Record<string, string>>): QuotaEntry | undefined {
    const keys = quotaKeysFor(entity);
    const values: Record<string, number> = {};
    for (const [key, text] of Object.entries(config)) {
      const value = Number(text);
      if (keys.has(key) && text.trim() !== '' && !Number.isNaN(value)) values[key] = value;
    }
    return Object.keys(values).length > 0 ? { entity, values } : undefined;
  }

  private setEntry(entity: QuotaEntity, config: Readonly<Record<string, string>>): void {
    const entry = this.entryOf(entity, config);
    if (entry) this.byEntity.set(entityKey(entity), entry);
    else this.byEntity.delete(entityKey(entity));
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}
