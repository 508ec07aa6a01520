import type { BrokerConfigDef } from './config.js';

/**
 * Security of the admin HTTP port, named after Confluent REST Proxy's `authentication.method` /
 * `authentication.realm` under the `admin.` prefix. TLS comes from `admin.listener=https://...`
 * with the broker's `ssl.keystore.*` (or `listener.name.admin.ssl.*`). `admin.client.*` holds Kafka
 * client properties for the connection the REST API and console make to the broker.
 */
export const ADMIN_CONFIG_DEFS: readonly BrokerConfigDef[] = [
  {
    name: 'admin.authentication.method',
    type: 'string',
    default: 'NONE',
    doc: 'NONE, or BASIC: HTTP Basic authentication against the SCRAM credentials and PLAIN JAAS users',
  },
  {
    name: 'admin.authentication.realm',
    type: 'string',
    default: 'samsa',
    doc: 'Realm named in the WWW-Authenticate header of a 401',
  },
  {
    name: 'admin.authentication.metrics',
    type: 'boolean',
    default: 'false',
    doc: 'Require authentication for /metrics too (by default it stays open to Prometheus, as /v1/health always is)',
  },
  {
    name: 'admin.authentication.max.failures',
    type: 'int',
    default: '10',
    doc: 'Failed logins one client address may make per minute before it is answered 429 without a check',
  },
];

/** `admin.client.<kafka client property>`: the REST API's own Kafka client identity. */
export const ADMIN_CLIENT_PREFIX = 'admin.client.';

export function isAdminClientSetting(name: string): boolean {
  return name.startsWith(ADMIN_CLIENT_PREFIX) && name.length > ADMIN_CLIENT_PREFIX.length;
}
