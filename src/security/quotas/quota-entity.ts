/**
 * Client quota entities and keys, as Kafka names them (`ClientQuotaEntity`, `QuotaConfigs`).
 * An entity names a user, a client id, both, or an ip; a `null` name is the `<default>` entity of
 * that type. In ZooKeeper they live at `/config/users/<user>[/clients/<client-id>]`,
 * `/config/clients/<client-id>` and `/config/ips/<ip>`.
 */
export const ENTITY_USER = 'user';
export const ENTITY_CLIENT_ID = 'client-id';
export const ENTITY_IP = 'ip';

export const PRODUCER_BYTE_RATE = 'producer_byte_rate';
export const CONSUMER_BYTE_RATE = 'consumer_byte_rate';
export const REQUEST_PERCENTAGE = 'request_percentage';
export const CONTROLLER_MUTATION_RATE = 'controller_mutation_rate';
export const CONNECTION_CREATION_RATE = 'connection_creation_rate';

/** The type of each key: integral keys reject fractional values, as Kafka's LONG/INT configs. */
const USER_CLIENT_KEYS: ReadonlyMap<string, 'long' | 'double'> = new Map([
  [PRODUCER_BYTE_RATE, 'long'],
  [CONSUMER_BYTE_RATE, 'long'],
  [REQUEST_PERCENTAGE, 'double'],
  [CONTROLLER_MUTATION_RATE, 'double'],
]);
const IP_KEYS: ReadonlyMap<string, 'int' | 'double'> = new Map([[CONNECTION_CREATION_RATE, 'int']]);

/** Entity type → name (null = default). At most one name per type. */
export interface QuotaEntity {
  readonly user?: string | null;
  readonly clientId?: string | null;
  readonly ip?: string | null;
}

export interface QuotaEntry {
  readonly entity: QuotaEntity;
  /** Key → value, e.g. `producer_byte_rate` → 1048576. */
  readonly values: Readonly<Record<string, number>>;
}

/** A stable map key for an entity; an absent type and a default (null) name stay distinct. */
export function entityKey(entity: QuotaEntity): string {
  const part = (name: string | null | undefined) => (name === undefined ? 0 : name === null ? 1 : `=${name}`);
  return JSON.stringify([part(entity.user), part(entity.clientId), part(entity.ip)]);
}

/** The keys an entity may carry and their types. */
export function quotaKeysFor(entity: QuotaEntity): ReadonlyMap<string, 'long' | 'int' | 'double'> {
  return entity.ip !== undefined ? IP_KEYS : USER_CLIENT_KEYS;
}

/** The user name part of a principal (`User:alice` → `alice`), as Kafka's quota user. */
export function quotaUserOf(principal: string): string {
  const colon = principal.indexOf(':');
  return colon < 0 ? principal : principal.slice(colon + 1);
}
