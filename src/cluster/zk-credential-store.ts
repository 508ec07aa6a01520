/**
 * SCRAM credentials in ZooKeeper, shared by every broker of the cluster: each user's mechanisms are
 * entries of its `/config/users/<sanitized user>` config (Kafka's ScramCredentialUtils format,
 * `"SCRAM-SHA-256":"salt=...,stored_key=...,server_key=...,iterations=4096"`), next to the user's
 * quotas. A change is written as Kafka's AlterUserScramCredentials does in ZooKeeper mode (the
 * user's znode, then a config change notification), and every broker re-reads the user when it
 * hears of it, so a user created through one broker logs in on any other.
 */
import {
  CachedCredentialStore,
  type CredentialChange,
  scramCredentialsOf,
} from '../security/credential-store.js';
import { formatScramCredential } from '../security/sasl/scram.js';
import type { ZkEntityConfigs } from './zk-entity-configs.js';
import {
  CONFIG_USERS,
  DEFAULT_ENTITY,
  desanitizeEntityName,
  sanitizeEntityName,
} from './zookeeper/zk-data.js';

const userPath = (user: string): string => `${CONFIG_USERS}/${sanitizeEntityName(user)}`;

export class ZkCredentialStore extends CachedCredentialStore {
  constructor(private readonly configs: ZkEntityConfigs) {
    super();
    configs.onChange((entityPath) => this.onEntityChange(entityPath));
  }

  /** Reads every user's credentials, then follows the changes. */
  async load(): Promise<void> {
    const users = new Map<string, ReturnType<typeof scramCredentialsOf>>();
    for (const name of await this.configs.names(CONFIG_USERS)) {
      if (name === DEFAULT_ENTITY) continue;
      const credentials = scramCredentialsOf(await this.configs.fetch(`${CONFIG_USERS}/${name}`));
      if (credentials.size > 0) users.set(desanitizeEntityName(name), credentials);
    }
    this.users = users;
    await this.configs.start();
  }

  protected async persist(changes: readonly CredentialChange[]): Promise<void> {
    const byUser = new Map<string, CredentialChange[]>();
    for (const c of changes) byUser.set(c.user, [...(byUser.get(c.user) ?? []), c]);
    for (const [user, userChanges] of byUser) {
      try {
        const config = await this.configs.change(userPath(user), (config) => {
          for (const c of userChanges) {
            if (c.credential) config[c.mechanism] = formatScramCredential(c.credential);
            else delete config[c.mechanism];
          }
        });
        this.setUser(user, scramCredentialsOf(config));
      } catch (err) {
        // Memory already holds the change; ZooKeeper's state is the truth again.
        await this.reload(user).catch(() => {});
        throw err;
      }
    }
  }

  private async onEntityChange(entityPath: string): Promise<void> {
    const parts = entityPath.split('/');
    if (parts.length !== 2 || parts[0] !== CONFIG_USERS || parts[1] === DEFAULT_ENTITY) return;
    await this.reload(desanitizeEntityName(parts[1]!));
  }

  private async reload(user: string): Promise<void> {
    this.setUser(user, scramCredentialsOf(await this.configs.fetch(userPath(user))));
  }
}
