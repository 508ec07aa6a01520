/**
 * A listener's TLS settings, from Kafka's `ssl.*` names (per listener as
 * `listener.name.<l>.ssl.*`), as node:tls server options: PEM (one file with key and chain,
 * KIP-651, or inline `ssl.keystore.key` / `ssl.keystore.certificate.chain`) or PKCS#12 keystores,
 * a PEM or PKCS#12 truststore, and `ssl.client.auth`.
 */
import { readFileSync } from 'node:fs';
import type { SecureVersion, TlsOptions } from 'node:tls';
import { listenerSetting } from '../../broker/security-config.js';
import { InvalidConfigError } from '../../util/errors.js';
import { pkcs12Certificates } from './pkcs12-certificates.js';

export type ClientAuth = 'none' | 'requested' | 'required';

export interface ListenerTls {
  readonly options: TlsOptions;
  readonly clientAuth: ClientAuth;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Splits PEM text into its private key blocks and its certificate blocks. */
export function splitPem(text: string): { keys: string[]; certificates: string[] } {
  const keys: string[] = [];
  const certificates: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1]!.endsWith('PRIVATE KEY')) keys.push(`${m[0]}\n`);
    else if (m[1] === 'CERTIFICATE') certificates.push(`${m[0]}\n`);
  }
  return { keys, certificates };
}

function storeType(explicit: string | undefined, location: string | undefined, inline: boolean): string {
  if (explicit) return explicit.toUpperCase();
  if (inline) return 'PEM';
  if (location && /\.(p12|pfx|pkcs12)$/i.test(location)) return 'PKCS12';
  return 'PEM';
}

function readFile(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidConfigError(`${setting}: cannot read ${path}: ${(error as Error).message}`);
  }
}

const TLS_VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export function listenerTls(values: ReadonlyMap<string, string>, listenerName: string): ListenerTls {
  const get = (name: string) => {
    const value = listenerSetting(values, listenerName, name);
    return value === undefined || value === '' ? undefined : value;
  };
  const setting = (name: string) => `${name} (listener ${listenerName})`;
  const options: TlsOptions = {};

  const keystoreLocation = get('ssl.keystore.location');
  const inlineKey = get('ssl.keystore.key');
  const inlineChain = get('ssl.keystore.certificate.chain');
  const keystoreType = storeType(get('ssl.keystore.type'), keystoreLocation, inlineKey !== undefined);
  if (keystoreType === 'PEM') {
    const text = inlineKey
      ? `${inlineKey}\n${inlineChain ?? ''}`
      : keystoreLocation
        ? readFile(keystoreLocation, setting('ssl.keystore.location')).toString('utf8')
        : undefined;
    if (text === undefined) {
      throw new InvalidConfigError(
        `listener ${listenerName} uses TLS but has no keystore: set ssl.keystore.location or ssl.keystore.key and ssl.keystore.certificate.chain`,
      );
    }
    const { keys, certificates } = splitPem(text);
    if (keys.length !== 1 || certificates.length === 0) {
      throw new InvalidConfigError(
        `${setting('ssl.keystore')}: a PEM keystore needs one private key and its certificate chain (found ${keys.length} keys, ${certificates.length} certificates)`,
      );
    }
    options.key = keys[0];
    options.cert = certificates.join('');
    const password = get('ssl.key.password');
    if (password) options.passphrase = password;
  } else if (keystoreType === 'PKCS12') {
    if (!keystoreLocation) throw new InvalidConfigError(`${setting('ssl.keystore.location')} is required`);
    options.pfx = readFile(keystoreLocation, setting('ssl.keystore.location'));
    const password = get('ssl.keystore.password');
    if (password) options.passphrase = password;
  } else {
    throw new InvalidConfigError(
      `${setting('ssl.keystore.type')}: ${keystoreType} keystores are not supported (use PEM or PKCS12)`,
    );
  }

  const truststoreLocation = get('ssl.truststore.location');
  const inlineCa = get('ssl.truststore.certificates');
  const truststoreType = storeType(get('ssl.truststore.type'), truststoreLocation, inlineCa !== undefined);
  if (inlineCa || truststoreLocation) {
    if (truststoreType === 'PEM') {
      const text = inlineCa ?? readFile(truststoreLocation!, setting('ssl.truststore.location')).toString();
      options.ca = splitPem(text).certificates;
    } else if (truststoreType === 'PKCS12') {
      const pfx = readFile(truststoreLocation!, setting('ssl.truststore.location'));
      options.ca = pkcs12Certificates(pfx, get('ssl.truststore.password') ?? '');
    } else {
      throw new InvalidConfigError(`${setting('ssl.truststore.type')}: ${truststoreType} is not supported`);
    }
  }

  const clientAuth = (get('ssl.client.auth') ?? 'none').toLowerCase();
  if (clientAuth !== 'none' && clientAuth !== 'requested' && clientAuth !== 'required') {
    throw new InvalidConfigError(`${setting('ssl.client.auth')} must be none, requested or required`);
  }
  options.requestCert = clientAuth !== 'none';
  // 'requested' lets a client without a certificate in; one with an untrusted certificate is closed
  // after the handshake (see the listener).
  options.rejectUnauthorized = clientAuth === 'required';

  const protocols = (get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3')
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is SecureVersion => (TLS_VERSIONS as string[]).includes(p));
  if (protocols.length === 0) {
    throw new InvalidConfigError(`${setting('ssl.enabled.protocols')}: none of ${TLS_VERSIONS.join(', ')}`);
  }
  const order = (v: SecureVersion) => TLS_VERSIONS.indexOf(v);
  options.minVersion = protocols.reduce((a, b) => (order(a) <= order(b) ? a : b));
  options.maxVersion = protocols.reduce((a, b) => (order(a) >= order(b) ? a : b));
  return { options, clientAuth: clientAuth as ClientAuth };
}
