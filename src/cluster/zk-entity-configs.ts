/**
 * The entity configs of `/config/<type>/<name>` that every broker shares: SCRAM credentials and
 * client quotas of users (`users/alice`, `users/alice/clients/app`, `users/<default>`), client
 * ids (`clients/app`) and IPs (`ips/10.0.0.1`). A change is written as Kafka's
 * `AdminZkClient.changeConfigs` does (the entity znode, then a `/config/changes/config_change_`
 * notification naming the entity path), and every broker hears of it as Kafka's
 * `DynamicConfigManager` does: its listeners get the changed entity path and re-read it.
 */
import type { Logger } from '../util/logger.js';
import { createChangeNotification, ZkChangeNotificationListener } from './zookeeper/change-notifications.js';
import { isZkError, type ZkClient, ZkErrorCode } from './zookeeper/zk-client.js';
import {
  CONFIG_CHANGE_SEQUENCE,
  CONFIG_CHANGES_PATH,
  decodeConfigChange,
  decodeEntityConfig,
  encodeConfigChange,
  encodeEntityConfig,
  entityConfigPath,
} from './zookeeper/zk-data.js';

/** Called with the entity path of each change (`users/alice`); throws to have it retried. */
export type EntityChangeListener = (entityPath: string) => Promise<void>;

const MAX_UPDATE_RETRIES = 10;

export class ZkEntityConfigs {
  private readonly listeners: EntityChangeListener[] = [];
  private readonly notifications: ZkChangeNotificationListener;
  private started: Promise<void> | undefined;

  constructor(
    private readonly zk: ZkClient,
    private readonly logger: Logger,
  ) {
    this.notifications = new ZkChangeNotificationListener(
      zk,
      CONFIG_CHANGES_PATH,
      CONFIG_CHANGE_SEQUENCE,
      (data) => this.dispatch(data),
      { logger },
    );
  }

  onChange(listener: EntityChangeListener): void {
    this.listeners.push(listener);
  }

  /** Starts following `/config/changes` (once, however many stores ask). */
  start(): Promise<void> {
    this.started ??= this.notifications.start();
    return this.started;
  }

  close(): void {
    this.notifications.close();
  }

  /** An entity's config (`{}` when it has none, or when its znode is not JSON, which is logged). */
  async fetch(entityPath: string): Promise<Record<string, string>> {
    const node = await this.zk.get(entityConfigPath(entityPath));
    if (!node) return {};
    try {
      return decodeEntityConfig(node.data);
    } catch (err) {
      this.logger.warn(
        { entityPath, err: (err as Error).message },
        'ignoring an unreadable entity config znode',
      );
      return {};
    }
  }

  /** The (sanitized) entity names under `/config/<parentPath>`. */
  async names(parentPath: string): Promise<string[]> {
    return (await this.zk.children(entityConfigPath(parentPath))) ?? [];
  }

  /**
   * Rewrites an entity's config with `mutate` and announces the change. Compare-and-set on the
   * znode's version, so that a credential change and a quota change of one user (each a different
   * part of the same znode) made at once on two brokers both survive. Resolves with the config written.
   */
  async change(
    entityPath: string,
    mutate: (config: Record<string, string>) => void,
  ): Promise<Record<string, string>> {
    const path = entityConfigPath(entityPath);
    for (let attempt = 1; ; attempt++) {
      const node = await this.zk.get(path);
      const config = node ? decodeEntityConfig(node.data) : {};
      mutate(config);
      try {
        if (node) await this.zk.set(path, encodeEntityConfig(config), node.version);
        else {
          await this.zk.ensurePath(path.slice(0, path.lastIndexOf('/')));
          await this.zk.create(path, encodeEntityConfig(config));
        }
      } catch (err) {
        const raced = isZkError(err, ZkErrorCode.BAD_VERSION) || isZkError(err, ZkErrorCode.NODE_EXISTS);
        if (raced && attempt < MAX_UPDATE_RETRIES) continue;
        throw err;
      }
      await createChangeNotification(
        this.zk,
        CONFIG_CHANGES_PATH,
        CONFIG_CHANGE_SEQUENCE,
        encodeConfigChange(entityPath),
      );
      return config;
    }
  }

  private async dispatch(data: Buffer): Promise<void> {
    let entityPath: string | undefined;
    try {
      entityPath = decodeConfigChange(data);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'ignoring an unreadable config change notification');
      return;
    }
    if (entityPath === undefined) return;
    for (const listener of this.listeners) await listener(entityPath);
  }
}
