/**
 * Checks an HTTP Basic user name and password against the broker's users: PLAIN users of the JAAS
 * config (`user_NAME="PASSWORD"`), else the SCRAM credentials (SHA-512 first), by deriving the
 * salted password with the stored salt and iterations and comparing StoredKey and ServerKey in
 * constant time. PBKDF2 at 4096+ iterations is what makes a guess expensive, so a verified
 * password is remembered for a while; the entry is bound to the credential it was checked
 * against, so a changed or deleted credential takes effect on the next request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CredentialStore } from '../../security/credential-store.js';
import { passwordsEqual } from '../../security/sasl/plain.js';
import {
  credentialFromSaltedPassword,
  type ScramCredential,
  type ScramMechanism,
  saltedPassword,
  standInCredentials,
} from '../../security/sasl/scram.js';

/** How the password was verified: it decides how the REST client logs in to the broker as this user. */
export type VerifiedBy = 'PLAIN' | ScramMechanism;

export interface VerifiedUser {
  readonly user: string;
  readonly by: VerifiedBy;
}

interface CacheEntry {
  readonly by: VerifiedBy;
  /** The credential object the password matched (CredentialStore replaces it on change). */
  readonly credential: ScramCredential | string;
  readonly expiresAt: number;
}

const SCRAM_ORDER: readonly ScramMechanism[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256'];

export interface PasswordVerifierOptions {
  readonly credentials: CredentialStore;
  /** PLAIN users by name (from `user_NAME` JAAS options). */
  readonly plainUsers: ReadonlyMap<string, string>;
  readonly cacheTtlMs: number;
  readonly cacheMaxEntries: number;
  readonly now: () => number;
}

export class PasswordVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly standIn = standInCredentials();

  constructor(private readonly options: PasswordVerifierOptions) {}

  /** The cached answer for this user and password, without any key derivation. */
  cached(user: string, password: string): VerifiedUser | undefined {
    const key = cacheKey(user, password);
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if (
      entry.expiresAt <= this.options.now() ||
      this.currentCredential(user, entry.by) !== entry.credential
    ) {
      this.cache.delete(key);
      return undefined;
    }
    return { user, by: entry.by };
  }

  /** Verifies the password (PBKDF2 off the event loop for SCRAM users); undefined when wrong. */
  async verify(user: string, password: string): Promise<VerifiedUser | undefined> {
    const hit = this.cached(user, password);
    if (hit) return hit;
    const configured = this.options.plainUsers.get(user);
    if (configured !== undefined) {
      return passwordsEqual(password, configured)
        ? this.remember(user, password, 'PLAIN', configured)
        : undefined;
    }
    for (const mechanism of SCRAM_ORDER) {
      const credential = this.options.credentials.get(user, mechanism);
      if (!credential) continue;
      return (await scramPasswordMatches(mechanism, credential, password))
        ? this.remember(user, password, mechanism, credential)
        : undefined;
    }
    // An unknown user costs what a known one does, so timing does not tell which names exist.
    await scramPasswordMatches('SCRAM-SHA-512', this.standIn(user, 'SCRAM-SHA-512'), password);
    return undefined;
  }

  private currentCredential(user: string, by: VerifiedBy): ScramCredential | string | undefined {
    return by === 'PLAIN' ? this.options.plainUsers.get(user) : this.options.credentials.get(user, by);
  }

  private remember(
    user: string,
    password: string,
    by: VerifiedBy,
    credential: ScramCredential | string,
  ): VerifiedUser {
    if (this.cache.size >= this.options.cacheMaxEntries) {
      // Oldest first: a Map iterates in insertion order.
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(cacheKey(user, password), {
      by,
      credential,
      expiresAt: this.options.now() + this.options.cacheTtlMs,
    });
    return { user, by };
  }
}

/** The cache never holds a password, only a digest of user and password together. */
function cacheKey(user: string, password: string): string {
  return createHash('sha256').update(user, 'utf8').update('\0').update(password, 'utf8').digest('base64');
}

/** Both StoredKey and ServerKey must match what the password derives, compared in constant time. */
async function scramPasswordMatches(
  mechanism: ScramMechanism,
  credential: ScramCredential,
  password: string,
): Promise<boolean> {
  const salted = await saltedPassword(mechanism, password, credential.salt, credential.iterations);
  const derived = credentialFromSaltedPassword(mechanism, salted, credential.salt, credential.iterations);
  const stored = timingSafeEqual(derived.storedKey, credential.storedKey);
  const server = timingSafeEqual(derived.serverKey, credential.serverKey);
  return stored && server;
}
