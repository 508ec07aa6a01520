/**
 * Kafka's `ZkNodeChangeNotificationListener`: a writer announces a change by creating a persistent
 * sequential znode under a notification path (`/config/changes/config_change_0000000007`,
 * `/kafka-acl-changes/acl_changes_0000000003`); every broker watches the path's children and hands
 * each notification newer than the last one it processed to its handler, in sequence order, which
 * re-reads what changed. Notifications older than 15 minutes are deleted, as Kafka's
 * `changeExpirationMs`, so the path stays short; a broker that starts reads the current state
 * anyway and processes the notifications still there.
 */
import type { Logger } from '../../util/logger.js';
import { isZkError, type ZkClient, ZkErrorCode } from './zk-client.js';

/** Kafka's `ZkNodeChangeNotificationListener.changeExpirationMs` default. */
export const CHANGE_EXPIRATION_MS = 15 * 60_000;
const RETRY_MS = 1000;

export interface ChangeNotificationOptions {
  readonly logger: Logger;
  readonly expirationMs?: number;
}

/** Announces a change: creates `<path>/<sequencePrefix><seq>` holding `data`. */
export function createChangeNotification(
  zk: ZkClient,
  path: string,
  sequencePrefix: string,
  data: Buffer,
): Promise<string> {
  return zk.create(`${path}/${sequencePrefix}`, data, { sequential: true });
}

export class ZkChangeNotificationListener {
  private lastExecuted = -1;
  private latestChildren: string[] = [];
  private running: Promise<void> = Promise.resolve();
  private unwatch: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly zk: ZkClient,
    private readonly path: string,
    private readonly sequencePrefix: string,
    /** Re-reads what the notification names; throws only when that read should be retried. */
    private readonly handler: (data: Buffer) => Promise<void>,
    private readonly options: ChangeNotificationOptions,
  ) {}

  /** Creates the path if needed and resolves once the notifications already there are processed. */
  async start(): Promise<void> {
    await this.zk.ensurePath(this.path);
    let first: () => void = () => {};
    const firstDone = new Promise<void>((resolve) => {
      first = resolve;
    });
    this.unwatch = this.zk.watchChildren(this.path, (children) => {
      this.latestChildren = children ?? [];
      this.schedule().then(first);
    });
    await firstDone;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.unwatch?.();
  }

  private sequenceOf(child: string): number {
    return child.startsWith(this.sequencePrefix) ? Number(child.slice(this.sequencePrefix.length)) : -1;
  }

  /** One pass at a time; a pass reads the latest children the watch reported. */
  private schedule(): Promise<void> {
    this.running = this.running.then(() => this.process());
    return this.running;
  }

  private async process(): Promise<void> {
    if (this.closed) return;
    const notifications = this.latestChildren
      .map((child) => ({ child, seq: this.sequenceOf(child) }))
      .filter((n) => n.seq >= 0)
      .sort((a, b) => a.seq - b.seq);
    const now = Date.now();
    const expired: string[] = [];
    for (const { child, seq } of notifications) {
      const path = `${this.path}/${child}`;
      try {
        const node = await this.zk.get(path);
        if (node && now - node.ctimeMs > (this.options.expirationMs ?? CHANGE_EXPIRATION_MS))
          expired.push(path);
        if (seq <= this.lastExecuted) continue;
        if (node) await this.handler(node.data);
        this.lastExecuted = seq;
      } catch (err) {
        if (this.closed) return;
        this.options.logger.warn(
          { path, err: (err as Error).message },
          'processing a change notification failed; retrying',
        );
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => void this.schedule(), RETRY_MS);
        this.retryTimer.unref();
        return;
      }
    }
    for (const path of expired) {
      try {
        await this.zk.delete(path);
      } catch (err) {
        // Another broker purged it first.
        if (!isZkError(err, ZkErrorCode.NO_NODE)) {
          this.options.logger.debug({ path, err: (err as Error).message }, 'could not purge a notification');
        }
      }
    }
  }
}
