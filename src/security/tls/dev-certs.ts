/**
 * Development certificates without external tools: a CA, a broker certificate for the given host
 * names and a client certificate, ECDSA P-256 with SHA-256, written as PEM (`samsa tls gen-dev-certs`).
 * Not for production: the CA key is written next to the certificates, unencrypted.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  bitString,
  booleanTrue,
  explicit,
  implicitPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const DAY_MS = 86_400_000;

interface Party {
  readonly commonName: string;
  readonly key: KeyObject;
  readonly publicKey: KeyObject;
}

/** Subject `CN=<cn>,O=Samsa` (encoded O first, so RFC 2253 order prints CN first). */
function name(commonName: string): Buffer {
  const rdn = (oid: string, value: Buffer) => set(sequence(objectIdentifier(oid), value));
  return sequence(rdn(OID.organization, utf8String('Samsa')), rdn(OID.commonName, utf8String(commonName)));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(objectIdentifier(oid), booleanTrue(), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}

/** SHA-1 of the subjectPublicKey bits, RFC 5280's method (1) for key identifiers. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // The EC P-256 SPKI ends with the 65-byte uncompressed point.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

function subjectAltNames(hosts: readonly string[]): Buffer {
  return sequence(
    ...hosts.map((host) => {
      const family = isIP(host);
      if (family === 4) return implicitPrimitive(7, Buffer.from(host.split('.').map(Number)));
      if (family === 6) return implicitPrimitive(7, ipv6Bytes(host));
      return implicitPrimitive(2, Buffer.from(host, 'ascii'));
    }),
  );
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(head!);
  const right = groups(tail);
  const all = address.includes('::')
    ? [...left, ...new Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const out = Buffer.alloc(16);
  for (const [i, group] of all.entries()) out.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return out;
}

interface CertificateRequest {
  readonly subject: Party;
  readonly issuer: Party;
  readonly isCa: boolean;
  readonly hosts?: readonly string[];
  readonly usages?: readonly string[];
  readonly validDays: number;
}

function certificate(request: CertificateRequest): string {
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const now = Date.now();
  const extensions = [
    extension(
      OID.basicConstraints,
      true,
      request.isCa ? sequence(booleanTrue(), smallInteger(0)) : sequence(),
    ),
    // CA: keyCertSign + cRLSign; leaf: digitalSignature.
    extension(
      OID.keyUsage,
      true,
      request.isCa ? bitString(Buffer.from([0x06]), 1) : bitString(Buffer.from([0x80]), 7),
    ),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(request.subject.publicKey))),
    extension(
      OID.authorityKeyIdentifier,
      false,
      sequence(implicitPrimitive(0, keyIdentifier(request.issuer.publicKey))),
    ),
  ];
  if (request.usages) {
    extensions.push(extension(OID.extKeyUsage, false, sequence(...request.usages.map(objectIdentifier))));
  }
  if (request.hosts && request.hosts.length > 0) {
    extensions.push(extension(OID.subjectAltName, false, subjectAltNames(request.hosts)));
  }
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    signatureAlgorithm,
    name(request.issuer.commonName),
    sequence(time(new Date(now - 3_600_000)), time(new Date(now + request.validDays * DAY_MS))),
    name(request.subject.commonName),
    request.subject.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, request.issuer.key);
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  return pem('CERTIFICATE', der);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function party(commonName: string): Party {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { commonName, key: privateKey, publicKey };
}

function keyPem(p: Party): string {
  return p.key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface DevCertificateOptions {
  /** Host names and IP addresses of the broker certificate (default localhost, 127.0.0.1, ::1). */
  readonly hosts?: readonly string[];
  /** CN of the client certificate (default `client`). */
  readonly clientName?: string;
  /** Validity of the broker and client certificates (default 365 days; the CA gets ten times that). */
  readonly validDays?: number;
}

export interface DevCertificates {
  readonly caCert: string;
  readonly caKey: string;
  readonly brokerCert: string;
  readonly brokerKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

export function generateDevCertificates(options: DevCertificateOptions = {}): DevCertificates {
  const hosts = options.hosts ?? ['localhost', '127.0.0.1', '::1'];
  const validDays = options.validDays ?? 365;
  const ca = party('Samsa Development CA');
  const broker = party(hosts[0] ?? 'localhost');
  const client = party(options.clientName ?? 'client');
  return {
    caCert: certificate({ subject: ca, issuer: ca, isCa: true, validDays: validDays * 10 }),
    caKey: keyPem(ca),
    brokerCert: certificate({
      subject: broker,
      issuer: ca,
      isCa: false,
      hosts,
      usages: [OID.serverAuth, OID.clientAuth],
      validDays,
    }),
    brokerKey: keyPem(broker),
    clientCert: certificate({
      subject: client,
      issuer: ca,
      isCa: false,
      usages: [OID.clientAuth],
      validDays,
    }),
    clientKey: keyPem(client),
  };
}

/** The files `writeDevCertificates` creates, by role. */
export const DEV_CERT_FILES = {
  caCert: 'ca-cert.pem',
  caKey: 'ca-key.pem',
  brokerCert: 'broker-cert.pem',
  brokerKey: 'broker-key.pem',
  /** Key, certificate and CA in one file: `ssl.keystore.type=PEM` with `ssl.keystore.location` (KIP-651). */
  brokerKeystore: 'broker.pem',
  clientCert: 'client-cert.pem',
  clientKey: 'client-key.pem',
  clientKeystore: 'client.pem',
} as const;

/** Writes the certificates to `dir` (created if needed); keys are readable by the owner only. */
export function writeDevCertificates(dir: string, options: DevCertificateOptions = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const certs = generateDevCertificates(options);
  const files: [string, string, boolean][] = [
    [DEV_CERT_FILES.caCert, certs.caCert, false],
    [DEV_CERT_FILES.caKey, certs.caKey, true],
    [DEV_CERT_FILES.brokerCert, certs.brokerCert, false],
    [DEV_CERT_FILES.brokerKey, certs.brokerKey, true],
    [DEV_CERT_FILES.brokerKeystore, certs.brokerKey + certs.brokerCert + certs.caCert, true],
    [DEV_CERT_FILES.clientCert, certs.clientCert, false],
    [DEV_CERT_FILES.clientKey, certs.clientKey, true],
    [DEV_CERT_FILES.clientKeystore, certs.clientKey + certs.clientCert + certs.caCert, true],
  ];
  return files.map(([file, contents, secret]) => {
    const path = join(dir, file);
    writeFileSync(path, contents, { mode: secret ? 0o600 : 0o644 });
    return path;
  });
}
