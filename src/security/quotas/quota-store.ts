import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../../storage/checkpoint.js';
import { entityKey, type QuotaEntity, type QuotaEntry } from './quota-entity.js';

/** One entity's change: keys to set and keys to remove. */
export interface QuotaAlteration {
  readonly entity: QuotaEntity;
  readonly set: Readonly<Record<string, number>>;
  readonly remove: readonly string[];
}

/**
 * Where client quota configs live. Single-node mode keeps them in the data directory
 * (`LocalQuotaStore`); in cluster mode they are ZooKeeper's `/config/users` and `/config/clients`
 * nodes. `onChange` lets a store that hears of remote changes (a ZooKeeper watch) refresh the
 * quota managers.
 */
export interface QuotaStore {
  load(): Promise<void>;
  entries(): QuotaEntry[];
  alter(alterations: readonly QuotaAlteration[]): Promise<void>;
  onChange(listener: () => void): void;
}

const FILE = 'samsa-quotas.json';

interface StoredQuotas {
  version: 1;
  entries: QuotaEntry[];
}

/** Applies alterations to a map of entries; entities left with no values disappear. */
export function applyAlterations(
  entries: Map<string, QuotaEntry>,
  alterations: readonly QuotaAlteration[],
): void {
  for (const a of alterations) {
    const key = entityKey(a.entity);
    const values: Record<string, number> = { ...entries.get(key)?.values };
    for (const k of a.remove) delete values[k];
    Object.assign(values, a.set);
    if (Object.keys(values).length === 0) entries.delete(key);
    else entries.set(key, { entity: a.entity, values });
  }
}

/** Single-node quota configs in `<data>/samsa-quotas.json`, rewritten atomically on every change. */
export class LocalQuotaStore implements QuotaStore {
  private readonly byEntity = new Map<string, QuotaEntry>();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly dataDir: string) {}

  async load(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    const path = join(this.dataDir, FILE);
    if (!existsSync(path)) return;
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredQuotas;
    for (const e of stored.entries) this.byEntity.set(entityKey(e.entity), e);
  }

  entries(): QuotaEntry[] {
    return [...this.byEntity.values()];
  }

  async alter(alterations: readonly QuotaAlteration[]): Promise<void> {
    applyAlterations(this.byEntity, alterations);
    const stored: StoredQuotas = { version: 1, entries: this.entries() };
    writeFileAtomically(join(this.dataDir, FILE), JSON.stringify(stored, null, 2));
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
