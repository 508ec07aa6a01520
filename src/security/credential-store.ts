/**
 * Where SCRAM credentials live. Each user's record has the shape of Kafka's ZooKeeper node
 * `/config/users/<user>`: `{"version":1,"config":{"SCRAM-SHA-256":"salt=...,stored_key=...,
 * server_key=...,iterations=4096"}}`. Single-node mode keeps every user's record in
 * `<data>/samsa-users.json` (`FileCredentialStore`); cluster mode keeps them in ZooKeeper itself
 * (`ZkCredentialStore`, src/cluster).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../storage/checkpoint.js';
import {
  formatScramCredential,
  isScramMechanism,
  parseScramCredential,
  type ScramCredential,
  type ScramMechanism,
} from './sasl/scram.js';

export interface CredentialChange {
  readonly user: string;
  readonly mechanism: ScramMechanism;
  /** The new credential; undefined deletes it. */
  readonly credential?: ScramCredential;
}

export interface UserCredentialSummary {
  readonly user: string;
  readonly mechanisms: readonly { mechanism: ScramMechanism; iterations: number }[];
}

export interface CredentialStore {
  load(): Promise<void>;
  /** Read on every SCRAM login, so answered from memory. */
  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined;
  list(): UserCredentialSummary[];
  /** Applies every change, durably, before resolving. */
  alter(changes: readonly CredentialChange[]): Promise<void>;
}

export type UserCredentials = Map<ScramMechanism, ScramCredential>;

/** A user's record as Kafka's `/config/users/<user>` JSON. */
export function encodeUserConfig(credentials: UserCredentials): string {
  const config: Record<string, string> = {};
  for (const [mechanism, credential] of credentials) config[mechanism] = formatScramCredential(credential);
  return JSON.stringify({ version: 1, config });
}

/** Parses a `/config/users/<user>` record; non-SCRAM entries (quotas) are ignored. */
export function decodeUserConfig(json: string): UserCredentials {
  const record = JSON.parse(json) as { version?: number; config?: Record<string, string> };
  return scramCredentialsOf(record.config ?? {});
}

/** The SCRAM entries of a user's config (its other keys are quotas). */
export function scramCredentialsOf(config: Readonly<Record<string, string>>): UserCredentials {
  const out: UserCredentials = new Map();
  for (const [key, value] of Object.entries(config)) {
    if (isScramMechanism(key)) out.set(key, parseScramCredential(value));
  }
  return out;
}

/** Common bookkeeping of in-memory credentials; subclasses persist the changes. */
export abstract class CachedCredentialStore implements CredentialStore {
  protected users = new Map<string, UserCredentials>();

  abstract load(): Promise<void>;
  protected abstract persist(changes: readonly CredentialChange[]): Promise<void>;

  /** Replaces what is known of one user (an empty map forgets the user). */
  protected setUser(user: string, credentials: UserCredentials): void {
    if (credentials.size === 0) this.users.delete(user);
    else this.users.set(user, credentials);
  }

  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism);
  }

  list(): UserCredentialSummary[] {
    return [...this.users.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([user, credentials]) => ({
        user,
        mechanisms: [...credentials.entries()].map(([mechanism, c]) => ({
          mechanism,
          iterations: c.iterations,
        })),
      }));
  }

  async alter(changes: readonly CredentialChange[]): Promise<void> {
    for (const change of changes) {
      const credentials = this.users.get(change.user) ?? new Map();
      if (change.credential) credentials.set(change.mechanism, change.credential);
      else credentials.delete(change.mechanism);
      this.setUser(change.user, credentials);
    }
    if (changes.length > 0) await this.persist(changes);
  }
}

const FILE = 'samsa-users.json';

/** Single-node credentials in `<data>/samsa-users.json`, replaced atomically on every change. */
export class FileCredentialStore extends CachedCredentialStore {
  constructor(private readonly dataDir: string) {
    super();
  }

  async load(): Promise<void> {
    const path = join(this.dataDir, FILE);
    if (!existsSync(path)) return;
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { users: Record<string, unknown> };
    this.users = new Map(
      Object.entries(stored.users ?? {}).map(([user, record]) => [
        user,
        decodeUserConfig(JSON.stringify(record)),
      ]),
    );
  }

  protected async persist(): Promise<void> {
    const users: Record<string, unknown> = {};
    for (const [user, credentials] of this.users) users[user] = JSON.parse(encodeUserConfig(credentials));
    writeFileAtomically(join(this.dataDir, FILE), `${JSON.stringify({ version: 1, users }, null, 2)}\n`);
  }
}
