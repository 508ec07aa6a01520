/**
 * How Samsa's client secures its connections, from the client properties Kafka's tools take
 * (`--command-config client.properties`): `security.protocol`, `sasl.mechanism`,
 * `sasl.username`/`sasl.password` (or a PLAIN/SCRAM `sasl.jaas.config`), and PEM `ssl.*` files
 * (Kafka's `ssl.truststore.location`/`ssl.keystore.location` with type PEM or PKCS12, or librdkafka's
 * `ssl.ca.location`/`ssl.certificate.location`/`ssl.key.location`).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectOptions } from 'node:tls';
import { SECURITY_PROTOCOLS, type SecurityProtocol, usesSasl, usesTls } from '../net/listener-config.js';
import { parseJaasConfig } from '../security/sasl/jaas.js';
import { isScramMechanism, ScramClient } from '../security/sasl/scram.js';
import { pkcs12Certificates } from '../security/tls/pkcs12-certificates.js';
import { splitPem } from '../security/tls/tls-options.js';
import { InvalidConfigError } from '../util/errors.js';

export interface ClientSasl {
  readonly mechanism: string;
  readonly username: string;
  readonly password: string;
}

export interface ClientSecurity {
  readonly protocol: SecurityProtocol;
  /** node:tls options (CA, client certificate, server name checks); present for SSL and SASL_SSL. */
  readonly tls?: TlsConnectOptions;
  readonly sasl?: ClientSasl;
}

export const PLAINTEXT_SECURITY: ClientSecurity = { protocol: 'PLAINTEXT' };

function read(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidConfigError(`${setting}: cannot read ${path}: ${(error as Error).message}`);
  }
}

function tlsOptions(props: Readonly<Record<string, string>>): TlsConnectOptions {
  const options: TlsConnectOptions = {};
  const ca = props['ssl.truststore.location'] ?? props['ssl.ca.location'];
  const caType = (props['ssl.truststore.type'] ?? '').toUpperCase();
  if (ca) {
    if (caType === 'PKCS12') {
      const pfx = read(ca, 'ssl.truststore.location');
      options.ca = pkcs12Certificates(pfx, props['ssl.truststore.password'] ?? '');
    } else options.ca = splitPem(read(ca, 'ssl.truststore.location').toString()).certificates;
  }
  const keystore = props['ssl.keystore.location'];
  const keystoreType = (
    props['ssl.keystore.type'] ?? (keystore && /\.(p12|pfx)$/i.test(keystore) ? 'PKCS12' : 'PEM')
  ).toUpperCase();
  const passphrase = props['ssl.key.password'] ?? props['ssl.keystore.password'];
  if (keystore && keystoreType === 'PKCS12') {
    options.pfx = [
      ...((options.pfx as { buf: Buffer; passphrase?: string }[] | undefined) ?? []),
      { buf: read(keystore, 'ssl.keystore.location'), passphrase: props['ssl.keystore.password'] },
    ];
  } else if (keystore) {
    const { keys, certificates } = splitPem(read(keystore, 'ssl.keystore.location').toString());
    options.key = keys[0];
    options.cert = certificates.join('');
  } else if (props['ssl.certificate.location'] && props['ssl.key.location']) {
    options.cert = read(props['ssl.certificate.location'], 'ssl.certificate.location');
    options.key = read(props['ssl.key.location'], 'ssl.key.location');
  }
  if (passphrase && !options.pfx) options.passphrase = passphrase;
  // Kafka's `ssl.endpoint.identification.algorithm=` (empty) turns off the host name check.
  const identification = props['ssl.endpoint.identification.algorithm'];
  if (identification !== undefined && identification.trim() === '')
    options.checkServerIdentity = () => undefined;
  return options;
}

function saslCredentials(props: Readonly<Record<string, string>>): ClientSasl {
  const mechanism = (props['sasl.mechanism'] ?? 'GSSAPI').toUpperCase();
  if (mechanism !== 'PLAIN' && !isScramMechanism(mechanism)) {
    throw new InvalidConfigError(
      `sasl.mechanism ${mechanism}: Samsa's client speaks PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512`,
    );
  }
  let username: string | undefined = props['sasl.username'];
  let password: string | undefined = props['sasl.password'];
  const jaas = props['sasl.jaas.config'];
  if ((username === undefined || password === undefined) && jaas) {
    const options = parseJaasConfig(jaas, 'sasl.jaas.config').options;
    username ??= options.get('username');
    password ??= options.get('password');
  }
  if (username === undefined || password === undefined) {
    throw new InvalidConfigError(
      `sasl.mechanism ${mechanism} needs sasl.username and sasl.password (or sasl.jaas.config)`,
    );
  }
  return { mechanism, username, password };
}

/** Client security from Kafka client properties. */
export function clientSecurityFromProperties(props: Readonly<Record<string, string>>): ClientSecurity {
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new InvalidConfigError(
      `security.protocol must be one of ${SECURITY_PROTOCOLS.join(', ')} (got ${protocol})`,
    );
  }
  const p = protocol as SecurityProtocol;
  return {
    protocol: p,
    tls: usesTls(p) ? tlsOptions(props) : undefined,
    sasl: usesSasl(p) ? saslCredentials(props) : undefined,
  };
}

/** One client-side SASL exchange: the first token, then each answer to the server's. */
export interface SaslClientExchange {
  first(): Buffer;
  /** The next token for the server's `token`, or undefined when the exchange is over. */
  next(token: Buffer): Promise<Buffer | undefined>;
}

export function saslClientExchange(sasl: ClientSasl): SaslClientExchange {
  if (sasl.mechanism === 'PLAIN') {
    return {
      first: () => Buffer.from(`\0${sasl.username}\0${sasl.password}`, 'utf8'),
      next: async () => undefined,
    };
  }
  if (!isScramMechanism(sasl.mechanism))
    throw new InvalidConfigError(`unsupported sasl.mechanism ${sasl.mechanism}`);
  const scram = new ScramClient(sasl.mechanism, sasl.username, sasl.password);
  let step = 0;
  return {
    first: () => scram.first(),
    async next(token) {
      step++;
      if (step === 1) return scram.final(token);
      scram.verify(token);
      return undefined;
    },
  };
}
