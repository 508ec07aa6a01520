/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka runs them: the server keeps
 * (salt, iterations, StoredKey, ServerKey) per user and mechanism, never the password; the client
 * proves it knows the password without sending it. Both sides live here so they share one set of
 * primitives (Samsa's own client authenticates with `ScramClient`).
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { continueWith, invalidCredentials, type SaslServer, type SaslStep } from './sasl-server.js';

const pbkdf2Async = promisify(pbkdf2);

export const SCRAM_MECHANISMS = {
  'SCRAM-SHA-256': { hash: 'sha256', keyLength: 32, type: 1 },
  'SCRAM-SHA-512': { hash: 'sha512', keyLength: 64, type: 2 },
} as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;

/** Kafka's bounds on iterations (ScramMechanism.minIterations; AlterUserScramCredentials' maximum). */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

export function isScramMechanism(name: string): name is ScramMechanism {
  return Object.hasOwn(SCRAM_MECHANISMS, name);
}

/** The mechanism for DescribeUserScramCredentials' int8 (0 is UNKNOWN). */
export function scramMechanismOfType(type: number): ScramMechanism | undefined {
  return (Object.keys(SCRAM_MECHANISMS) as ScramMechanism[]).find((m) => SCRAM_MECHANISMS[m].type === type);
}

export interface ScramCredential {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

const hmac = (mechanism: ScramMechanism, key: Buffer, data: string | Buffer) =>
  createHmac(SCRAM_MECHANISMS[mechanism].hash, key).update(data).digest();
const digest = (mechanism: ScramMechanism, data: Buffer) =>
  createHash(SCRAM_MECHANISMS[mechanism].hash).update(data).digest();

/** Hi(password, salt, i): PBKDF2 off the event loop (it is deliberately slow). */
export function saltedPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  const { hash, keyLength } = SCRAM_MECHANISMS[mechanism];
  return pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, keyLength, hash);
}

/** StoredKey and ServerKey from a salted password (what AlterUserScramCredentials carries). */
export function credentialFromSaltedPassword(
  mechanism: ScramMechanism,
  salted: Buffer,
  salt: Buffer,
  iterations: number,
): ScramCredential {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: digest(mechanism, clientKey),
    serverKey: hmac(mechanism, salted, 'Server Key'),
  };
}

export async function createScramCredential(
  mechanism: ScramMechanism,
  password: string,
  iterations = SCRAM_MIN_ITERATIONS,
): Promise<ScramCredential> {
  const salt = randomBytes(32);
  return credentialFromSaltedPassword(
    mechanism,
    await saltedPassword(mechanism, password, salt, iterations),
    salt,
    iterations,
  );
}

/** True when `password` produces `credential` (PLAIN logins checked against SCRAM credentials). */
export async function passwordMatches(
  mechanism: ScramMechanism,
  credential: ScramCredential,
  password: string,
): Promise<boolean> {
  const salted = await saltedPassword(mechanism, password, credential.salt, credential.iterations);
  const { storedKey } = credentialFromSaltedPassword(
    mechanism,
    salted,
    credential.salt,
    credential.iterations,
  );
  return timingSafeEqual(storedKey, credential.storedKey);
}

/** Kafka's ZooKeeper form: `salt=...,stored_key=...,server_key=...,iterations=4096`. */
export function formatScramCredential(c: ScramCredential): string {
  const b64 = (b: Buffer) => b.toString('base64');
  return `salt=${b64(c.salt)},stored_key=${b64(c.storedKey)},server_key=${b64(c.serverKey)},iterations=${c.iterations}`;
}

export function parseScramCredential(text: string): ScramCredential {
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const need = (name: string) => {
    const value = fields.get(name);
    if (value === undefined) throw new Error(`SCRAM credential without ${name}`);
    return value;
  };
  const iterations = Number(need('iterations'));
  if (!Number.isInteger(iterations) || iterations <= 0)
    throw new Error('SCRAM credential with bad iterations');
  return {
    salt: Buffer.from(need('salt'), 'base64'),
    storedKey: Buffer.from(need('stored_key'), 'base64'),
    serverKey: Buffer.from(need('server_key'), 'base64'),
    iterations,
  };
}

/** RFC 5802 saslname: ',' and '=' are sent as =2C and =3D. */
function decodeSaslName(name: string): string | undefined {
  if (/=(?!2C|3D)/.test(name)) return undefined;
  return name.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

function encodeSaslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

/** Printable ASCII without ',' (RFC 5802 `printable`). */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length < 2 || part[1] !== '=') continue;
    out.set(part[0]!, part.slice(2));
  }
  return out;
}

/** Looks up a user's credential for one mechanism. */
export type ScramCredentialLookup = (user: string, mechanism: ScramMechanism) => ScramCredential | undefined;

/**
 * The server side of one SCRAM exchange: client-first → server-first, client-final → server-final.
 * An unknown user goes through the same steps with a stand-in credential, so neither the answer nor
 * its timing tells whether the user exists.
 */
export class ScramServer implements SaslServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private user = '';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: ScramCredentialLookup,
    private readonly standIn: (user: string, mechanism: ScramMechanism) => ScramCredential,
  ) {}

  evaluate(token: Buffer): SaslStep {
    const message = token.toString('utf8');
    if (this.state === 'first') return this.clientFirst(message);
    if (this.state === 'final') return this.clientFinal(message);
    throw invalidCredentials(this.mechanism);
  }

  private clientFirst(message: string): SaslStep {
    const m = /^([ny]),(?:a=([^,]*))?,(n=[^,]*,r=[^,]*(?:,.*)?)$/.exec(message);
    if (!m) throw invalidCredentials(this.mechanism);
    this.gs2Header = message.slice(0, message.length - m[3]!.length);
    this.clientFirstBare = m[3]!;
    const attrs = attributes(this.clientFirstBare);
    const user = decodeSaslName(attrs.get('n') ?? '');
    const clientNonce = attrs.get('r') ?? '';
    const authzid = m[2] === undefined ? undefined : decodeSaslName(m[2]);
    if (!user || !NONCE.test(clientNonce)) throw invalidCredentials(this.mechanism);
    // Kafka only lets a client act as itself.
    if (authzid !== undefined && authzid !== '' && authzid !== user) throw invalidCredentials(this.mechanism);
    this.user = user;
    this.credential = this.lookup(user, this.mechanism);
    const credential = this.credential ?? this.standIn(user, this.mechanism);
    this.nonce = clientNonce + newNonce();
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = 'final';
    return continueWith(Buffer.from(this.serverFirst, 'utf8'));
  }

  private clientFinal(message: string): SaslStep {
    this.state = 'done';
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) throw invalidCredentials(this.mechanism);
    const withoutProof = message.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const channelBinding = attrs.get('c');
    if (channelBinding !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      throw invalidCredentials(this.mechanism);
    }
    // A nonce other than this exchange's (a replayed client-final) fails. Kafka accepts any nonce
    // that ends with this exchange's (librdkafka sends the client nonce twice).
    if (!(attrs.get('r') ?? '').endsWith(this.nonce)) throw invalidCredentials(this.mechanism);
    const credential = this.credential;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const expectedLength = SCRAM_MECHANISMS[this.mechanism].keyLength;
    if (!credential || proof.length !== expectedLength) throw invalidCredentials(this.mechanism);
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage);
    const clientKey = Buffer.alloc(expectedLength);
    for (let i = 0; i < expectedLength; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(digest(this.mechanism, clientKey), credential.storedKey)) {
      throw invalidCredentials(this.mechanism);
    }
    const serverSignature = hmac(this.mechanism, credential.serverKey, authMessage);
    return {
      response: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'),
      complete: true,
      user: this.user,
    };
  }
}

/**
 * A stand-in credential per user name, stable for the broker's life (a secret makes it unguessable),
 * so repeated probes of an unknown user see the same salt.
 */
export function standInCredentials(): (user: string, mechanism: ScramMechanism) => ScramCredential {
  const secret = randomBytes(32);
  return (user, mechanism) => {
    const key = hmac(mechanism, secret, `${mechanism}\0${user}`);
    return {
      salt: key.subarray(0, 32),
      storedKey: hmac(mechanism, key, 'stored'),
      serverKey: key,
      iterations: 4096,
    };
  };
}

/** The client side of one SCRAM exchange. */
export class ScramClient {
  private readonly clientNonce = newNonce();
  private clientFirstBare = '';
  private expectedServerSignature: Buffer | undefined;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly user: string,
    private readonly password: string,
  ) {}

  first(): Buffer {
    this.clientFirstBare = `n=${encodeSaslName(this.user)},r=${this.clientNonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  async final(serverFirstToken: Buffer): Promise<Buffer> {
    const serverFirst = serverFirstToken.toString('utf8');
    const attrs = attributes(serverFirst);
    const nonce = attrs.get('r') ?? '';
    const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
    const iterations = Number(attrs.get('i'));
    if (
      !nonce.startsWith(this.clientNonce) ||
      !Number.isInteger(iterations) ||
      iterations < SCRAM_MIN_ITERATIONS
    ) {
      throw new Error(`${this.mechanism}: unexpected server-first message`);
    }
    const salted = await saltedPassword(this.mechanism, this.password, salt, iterations);
    const clientKey = hmac(this.mechanism, salted, 'Client Key');
    const storedKey = digest(this.mechanism, clientKey);
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.mechanism, storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
    this.expectedServerSignature = hmac(
      this.mechanism,
      hmac(this.mechanism, salted, 'Server Key'),
      authMessage,
    );
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Checks the server-final message: the server, too, knew the credential. */
  verify(serverFinalToken: Buffer): void {
    const attrs = attributes(serverFinalToken.toString('utf8'));
    const signature = Buffer.from(attrs.get('v') ?? '', 'base64');
    const expected = this.expectedServerSignature;
    if (!expected || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new Error(`${this.mechanism}: the server's signature does not match`);
    }
  }
}
