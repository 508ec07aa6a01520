/**
 * The CA certificates of a PKCS#12 truststore (`ssl.truststore.type=PKCS12`), as PEM. Node's TLS
 * reads PKCS#12 only as a key with its chain, so the certificate bags are read here: plain ones, and
 * ones encrypted with PBES2 (PBKDF2 + AES-CBC, what OpenSSL 3 and current Java keytool write).
 * The integrity MAC is not checked; the certificates themselves are what TLS verifies against.
 */
import { createDecipheriv, pbkdf2Sync, X509Certificate } from 'node:crypto';
import { InvalidConfigError } from '../../util/errors.js';

interface Node {
  readonly tag: number;
  readonly value: Buffer;
}

function readNode(buf: Buffer, offset: number): { node: Node; next: number } {
  if (offset + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[offset]!;
  let length = buf[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + buf[start + i]!;
    start += bytes;
  }
  if (start + length > buf.length) throw new Error('truncated DER');
  return { node: { tag, value: buf.subarray(start, start + length) }, next: start + length };
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let offset = 0; offset < node.value.length; ) {
    const { node: child, next } = readNode(node.value, offset);
    out.push(child);
    offset = next;
  }
  return out;
}

function parse(buf: Buffer): Node {
  return readNode(buf, 0).node;
}

function oid(node: Node): string {
  const bytes = node.value;
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let n = 0;
  for (const b of bytes.subarray(1)) {
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  return parts.join('.');
}

function integer(node: Node): number {
  return node.value.reduce((n, b) => n * 256 + b, 0);
}

/** OCTET STRING contents, joining the pieces of a constructed one. */
function octets(node: Node): Buffer {
  if ((node.tag & 0x20) === 0) return node.value;
  return Buffer.concat(children(node).map(octets));
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
};

function decryptPbes2(algorithm: Node, encrypted: Buffer, password: string): Buffer {
  const [algorithmId, params] = children(algorithm);
  if (oid(algorithmId!) !== OID.pbes2) {
    throw new InvalidConfigError(
      `PKCS#12 truststore: certificates encrypted with ${oid(algorithmId!)}; only PBES2 (AES) is supported, re-export with openssl pkcs12 -certpbe AES-256-CBC`,
    );
  }
  const [kdf, scheme] = children(params!);
  const [kdfId, kdfParams] = children(kdf!);
  if (oid(kdfId!) !== OID.pbkdf2) throw new InvalidConfigError('PKCS#12 truststore: PBES2 without PBKDF2');
  const kdfFields = children(kdfParams!);
  const salt = kdfFields[0]!.value;
  const iterations = integer(kdfFields[1]!);
  const prfNode = kdfFields.find((f) => f.tag === 0x30);
  const hash = prfNode ? PRF[oid(children(prfNode)[0]!)] : 'sha1';
  const [cipherId, iv] = children(scheme!);
  const cipher = CIPHERS[oid(cipherId!)];
  if (!hash || !cipher) throw new InvalidConfigError('PKCS#12 truststore: unsupported PBES2 parameters');
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyLength, hash);
  const decipher = createDecipheriv(cipher.name, key, iv!.value);
  try {
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    throw new InvalidConfigError('PKCS#12 truststore: wrong ssl.truststore.password');
  }
}

function certificatesOfSafeContents(safeContents: Buffer): string[] {
  const out: string[] = [];
  for (const bag of children(parse(safeContents))) {
    const [bagId, bagValue] = children(bag);
    if (oid(bagId!) !== OID.certBag) continue;
    const [certId, certValue] = children(children(bagValue!)[0]!);
    if (oid(certId!) !== OID.x509Certificate) continue;
    out.push(new X509Certificate(octets(children(certValue!)[0]!)).toString());
  }
  return out;
}

export function pkcs12Certificates(pfx: Buffer, password: string): string[] {
  try {
    const [, authSafe] = children(parse(pfx));
    const [contentType, content] = children(authSafe!);
    if (oid(contentType!) !== OID.data)
      throw new InvalidConfigError('PKCS#12 truststore: signed PFX not supported');
    const certificates: string[] = [];
    for (const info of children(parse(octets(children(content!)[0]!)))) {
      const [type, wrapped] = children(info);
      const inner = children(wrapped!)[0]!;
      if (oid(type!) === OID.data) {
        certificates.push(...certificatesOfSafeContents(octets(inner)));
      } else if (oid(type!) === OID.encryptedData) {
        const encryptedContentInfo = children(inner)[1]!;
        const [, algorithm, encrypted] = children(encryptedContentInfo);
        certificates.push(
          ...certificatesOfSafeContents(decryptPbes2(algorithm!, octets(encrypted!), password)),
        );
      }
    }
    return certificates;
  } catch (error) {
    if (error instanceof InvalidConfigError) throw error;
    throw new InvalidConfigError(`PKCS#12 truststore: cannot read it (${(error as Error).message})`);
  }
}
