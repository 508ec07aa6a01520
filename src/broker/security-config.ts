import type { BrokerConfigDef } from './config.js';

/**
 * Listener, TLS and SASL settings under Kafka's names. Most of them may also be set for one listener
 * as `listener.name.<listener>.<name>` (lower-case listener name), which wins over the plain name,
 * as in Kafka's `ListenerName.configPrefix()`.
 */
export const SECURITY_CONFIG_DEFS: readonly BrokerConfigDef[] = [
  {
    name: 'listeners',
    type: 'list',
    default: '',
    doc: 'NAME://host:port,... to bind (replaces host/port when set)',
  },
  {
    name: 'advertised.listeners',
    type: 'list',
    default: '',
    doc: 'NAME://host:port,... clients are told to connect to (default: listeners)',
  },
  {
    name: 'listener.security.protocol.map',
    type: 'list',
    default: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    doc: 'Listener name to security protocol',
  },
  {
    name: 'inter.broker.listener.name',
    type: 'string',
    default: '',
    doc: 'Listener brokers use between themselves (default: the security.inter.broker.protocol name)',
  },
  {
    name: 'security.inter.broker.protocol',
    type: 'string',
    default: 'PLAINTEXT',
    doc: 'Security protocol between brokers when inter.broker.listener.name is not set',
  },
  {
    name: 'sasl.mechanism.inter.broker.protocol',
    type: 'string',
    default: 'GSSAPI',
    doc: 'SASL mechanism brokers log in to each other with (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)',
  },
  {
    name: 'ssl.endpoint.identification.algorithm',
    type: 'string',
    default: 'https',
    doc: "https checks the host name in a peer broker's certificate; empty turns the check off",
  },
  {
    name: 'connections.setup.timeout.ms',
    type: 'long',
    default: '10000',
    doc: 'Time a client has to finish its TLS handshake and SASL authentication before it is closed',
  },
  { name: 'ssl.keystore.type', type: 'string', default: '', doc: 'PEM or PKCS12 (default: inferred)' },
  { name: 'ssl.keystore.location', type: 'string', default: '', doc: 'PEM file (key and chain) or PKCS12' },
  { name: 'ssl.keystore.password', type: 'password', default: '', doc: 'PKCS12 keystore password' },
  { name: 'ssl.key.password', type: 'password', default: '', doc: 'Password of an encrypted PEM key' },
  { name: 'ssl.keystore.key', type: 'password', default: '', doc: 'Inline PEM private key' },
  {
    name: 'ssl.keystore.certificate.chain',
    type: 'string',
    default: '',
    doc: 'Inline PEM certificate chain',
  },
  { name: 'ssl.truststore.type', type: 'string', default: '', doc: 'PEM or PKCS12 (default: inferred)' },
  { name: 'ssl.truststore.location', type: 'string', default: '', doc: 'CA certificates (PEM or PKCS12)' },
  { name: 'ssl.truststore.password', type: 'password', default: '', doc: 'PKCS12 truststore password' },
  { name: 'ssl.truststore.certificates', type: 'string', default: '', doc: 'Inline PEM CA certificates' },
  {
    name: 'ssl.client.auth',
    type: 'string',
    default: 'none',
    doc: 'none, requested or required: whether clients present a certificate',
  },
  {
    name: 'ssl.enabled.protocols',
    type: 'list',
    default: 'TLSv1.2,TLSv1.3',
    doc: 'TLS versions accepted',
  },
  {
    name: 'ssl.principal.mapping.rules',
    type: 'string',
    default: 'DEFAULT',
    doc: 'RULE:pattern/replacement/[LU],...,DEFAULT: certificate subject to user name',
  },
  {
    name: 'sasl.enabled.mechanisms',
    type: 'list',
    default: 'GSSAPI',
    doc: 'SASL mechanisms a SASL listener offers (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)',
  },
  {
    name: 'sasl.jaas.config',
    type: 'password',
    default: '',
    doc: 'JAAS login module entry (PLAIN users, OAUTHBEARER validator options)',
  },
  {
    name: 'sasl.server.max.receive.size',
    type: 'int',
    default: '524288',
    doc: 'Largest request frame before authentication; larger ones close the connection',
  },
  {
    name: 'connections.max.reauth.ms',
    type: 'long',
    default: '0',
    doc: 'Lifetime of a SASL session; a request after it without re-authentication closes the connection',
  },
  {
    name: 'authorizer.class.name',
    type: 'string',
    default: '',
    doc: "Kafka's AclAuthorizer or StandardAuthorizer class name turns ACLs on",
  },
  {
    name: 'super.users',
    type: 'string',
    default: '',
    doc: 'User:a;User:b — principals every ACL check allows',
  },
  {
    name: 'allow.everyone.if.no.acl.found',
    type: 'boolean',
    default: 'false',
    doc: 'Allow access to resources no ACL names',
  },
];

/** Kafka's authorizer class names; either turns on Samsa's ACL authorizer. */
export const AUTHORIZER_CLASS_NAMES: readonly string[] = [
  'kafka.security.authorizer.AclAuthorizer',
  'kafka.security.auth.SimpleAclAuthorizer',
  'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
];

const LISTENER_PREFIX = /^listener\.name\.[^.]+\./;

/** True for `listener.name.<listener>.<name>` settings, kept as given. */
export function isListenerPrefixed(name: string): boolean {
  return LISTENER_PREFIX.test(name);
}

/** The setting for one listener: `listener.name.<listener>.<name>`, else `<name>`. */
export function listenerSetting(
  values: ReadonlyMap<string, string>,
  listenerName: string,
  name: string,
): string | undefined {
  const prefixed = values.get(`listener.name.${listenerName.toLowerCase()}.${name}`);
  if (prefixed !== undefined) return prefixed;
  return values.get(name);
}
