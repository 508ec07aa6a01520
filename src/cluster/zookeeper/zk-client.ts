/**
 * A promise-based ZooKeeper session over `node-zookeeper-client` (pure JavaScript, jute protocol):
 * versioned reads and writes, multi-ops, and watches that stay armed (ZooKeeper's watches fire
 * once; these re-read and re-arm). One `ZkClient` outlives ZooKeeper sessions: when a session
 * expires it opens a new one, re-arms every watch, and tells its owner through `onSession` so
 * ephemeral znodes can be created again.
 */
import { EventEmitter } from 'node:events';
import zookeeper from 'node-zookeeper-client';
import type { Logger } from '../../util/logger.js';

export interface ZkClientOptions {
  /** `host:port[,host:port...][/chroot]`; a missing chroot is created, as Kafka does. */
  readonly connect: string;
  readonly sessionTimeoutMs: number;
  /** How long `start()` waits for a first connection. */
  readonly connectionTimeoutMs: number;
  readonly logger: Logger;
}

export interface ZNode {
  readonly data: Buffer;
  /** The data version, for compare-and-set writes. */
  readonly version: number;
  /** The zxid that created the node (Kafka's broker epoch comes from it). */
  readonly czxid: bigint;
  /** The session owning an ephemeral node; 0n for a persistent one. */
  readonly ephemeralOwner: bigint;
  /** When the node was created (ms since the epoch), as ZooKeeper's clock had it. */
  readonly ctimeMs: number;
}

export const ZkErrorCode = {
  CONNECTION_LOSS: -4,
  NO_NODE: -101,
  BAD_VERSION: -103,
  NODE_EXISTS: -110,
  NOT_EMPTY: -111,
  SESSION_EXPIRED: -112,
} as const;

/** One operation of a multi (ZooKeeper transaction). */
export type ZkOp =
  | { readonly op: 'create'; readonly path: string; readonly data: Buffer; readonly ephemeral?: boolean }
  | { readonly op: 'set'; readonly path: string; readonly data: Buffer; readonly version: number }
  | { readonly op: 'check'; readonly path: string; readonly version: number }
  | { readonly op: 'delete'; readonly path: string; readonly version?: number };

export class ZkError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function isZkError(error: unknown, code: number): boolean {
  return error instanceof ZkError && error.code === code;
}

function wrap(error: unknown, what: string): Error {
  const code = (error as { getCode?: () => number }).getCode?.();
  if (code === undefined) return error as Error;
  return new ZkError(code, `${what}: ${(error as { getName(): string }).getName()}`);
}

function toBigInt(bytes: Buffer | undefined): bigint {
  return bytes && bytes.length === 8 ? bytes.readBigInt64BE(0) : 0n;
}

/** Splits `host:port,.../chroot` into the server list and the chroot ('' for none). */
export function parseConnectString(connect: string): { servers: string; chroot: string } {
  const slash = connect.indexOf('/');
  if (slash < 0) return { servers: connect, chroot: '' };
  const chroot = connect.slice(slash).replace(/\/+$/, '');
  return { servers: connect.slice(0, slash), chroot };
}

interface Watch {
  readonly kind: 'data' | 'children';
  readonly path: string;
  readonly onChange: (value: unknown) => void;
  cancelled: boolean;
}

type Events = { session: [initial: boolean]; expired: []; disconnected: []; connected: [] };

export class ZkClient extends EventEmitter<Events> {
  private client: zookeeper.Client | undefined;
  private readonly watches = new Set<Watch>();
  private closed = false;
  private connectedNow = false;
  private heartbeat: NodeJS.Timeout | undefined;
  /** The server stopped answering although the socket is open (node-zookeeper-client never notices). */
  private unresponsive = false;

  constructor(private readonly options: ZkClientOptions) {
    super();
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  /** Connects (creating the chroot if needed); throws a clear error after the connection timeout. */
  async start(): Promise<void> {
    const { servers, chroot } = parseConnectString(this.options.connect);
    if (chroot !== '') {
      const root = await this.openSession(servers);
      try {
        await new Promise<void>((resolve, reject) =>
          root.mkdirp(chroot, (err) => (err ? reject(wrap(err, `create chroot ${chroot}`)) : resolve())),
        );
      } finally {
        root.close();
      }
    }
    this.client = await this.openSession(this.options.connect);
    this.emit('session', true);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const w of this.watches) w.cancelled = true;
    this.watches.clear();
    this.client?.close();
    this.connectedNow = false;
  }

  private openSession(connect: string): Promise<zookeeper.Client> {
    const client = zookeeper.createClient(connect, {
      sessionTimeout: this.options.sessionTimeoutMs,
      spinDelay: 200,
      retries: 0,
    });
    return new Promise<zookeeper.Client>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(
          new Error(
            `could not connect to ZooKeeper at ${connect} within ${this.options.connectionTimeoutMs} ms (zookeeper.connection.timeout.ms)`,
          ),
        );
      }, this.options.connectionTimeoutMs);
      client.once('connected', () => {
        clearTimeout(timer);
        this.connectedNow = true;
        this.track(client);
        resolve(client);
      });
      client.connect();
    }).then((client) => {
      if (connect === this.options.connect) this.startHeartbeat(client);
      return client;
    });
  }

  /**
   * Pings (an exists on '/') every third of the session timeout; no answer within two thirds of
   * it counts as a lost connection, as the Java client's read timeout does.
   */
  private startHeartbeat(client: zookeeper.Client): void {
    clearInterval(this.heartbeat);
    const sessionMs = this.options.sessionTimeoutMs;
    let outstanding = false;
    this.heartbeat = setInterval(
      () => {
        if (this.client !== client || this.closed || outstanding) return;
        outstanding = true;
        const deadline = setTimeout(
          () => {
            if (this.client !== client || this.closed || !this.connectedNow) return;
            this.unresponsive = true;
            this.connectedNow = false;
            this.options.logger.warn('ZooKeeper does not answer');
            this.emit('disconnected');
          },
          (sessionMs * 2) / 3,
        );
        client.exists('/', (err) => {
          outstanding = false;
          clearTimeout(deadline);
          if (err || this.client !== client || !this.unresponsive) return;
          this.unresponsive = false;
          this.connectedNow = true;
          this.options.logger.info('ZooKeeper answers again');
          this.emit('connected');
        });
      },
      Math.max(100, sessionMs / 3),
    );
    this.heartbeat.unref();
  }

  /** Follows the session's state; on expiry opens a new session and re-arms the watches. */
  private track(client: zookeeper.Client): void {
    client.on('disconnected', () => {
      if (this.client !== client || this.closed) return;
      this.connectedNow = false;
      this.options.logger.warn('ZooKeeper connection lost');
      this.emit('disconnected');
    });
    client.on('connected', () => {
      if (this.client !== client || this.closed) return;
      if (!this.connectedNow) this.options.logger.info('ZooKeeper connection restored');
      this.connectedNow = true;
      this.emit('connected');
    });
    client.on('expired', () => {
      if (this.client !== client || this.closed) return;
      this.connectedNow = false;
      this.options.logger.warn('ZooKeeper session expired; opening a new session');
      // Retired before it closes: its own 'disconnected' on close must not count against the
      // new session (that would arm the broker's fence timer with nothing left to clear it).
      this.client = undefined;
      this.emit('expired');
      client.close();
      void this.reopen();
    });
  }

  private async reopen(): Promise<void> {
    while (!this.closed) {
      try {
        this.client = await this.openSession(this.options.connect);
        for (const w of this.watches) this.arm(w);
        this.emit('session', false);
        return;
      } catch (err) {
        this.options.logger.warn({ err: (err as Error).message }, 'ZooKeeper still unreachable');
      }
    }
  }

  /** The current session's id (ephemeral znodes it owns carry it as their ephemeralOwner). */
  sessionId(): bigint {
    return toBigInt(this.zk.getSessionId());
  }

  private get zk(): zookeeper.Client {
    if (!this.client || this.closed)
      throw new ZkError(ZkErrorCode.CONNECTION_LOSS, 'ZooKeeper client closed');
    return this.client;
  }

  // ------------------------------------------------------------------------------------ reads

  /** The node's data and version, or undefined when it does not exist. */
  get(path: string, watcher?: () => void): Promise<ZNode | undefined> {
    return new Promise((resolve, reject) => {
      const cb = (err: unknown, data: Buffer, stat: zookeeper.Stat) => {
        if (err) {
          const e = wrap(err, `get ${path}`);
          if (isZkError(e, ZkErrorCode.NO_NODE)) resolve(undefined);
          else reject(e);
          return;
        }
        resolve({
          data: data ?? Buffer.alloc(0),
          version: stat.version,
          czxid: toBigInt(stat.czxid),
          ephemeralOwner: toBigInt(stat.ephemeralOwner),
          ctimeMs: Number(toBigInt(stat.ctime)),
        });
      };
      if (watcher) this.zk.getData(path, watcher, cb);
      else this.zk.getData(path, cb);
    });
  }

  /** The node's children, or undefined when it does not exist. */
  children(path: string, watcher?: () => void): Promise<string[] | undefined> {
    return new Promise((resolve, reject) => {
      const cb = (err: unknown, children: string[]) => {
        if (err) {
          const e = wrap(err, `children of ${path}`);
          if (isZkError(e, ZkErrorCode.NO_NODE)) resolve(undefined);
          else reject(e);
          return;
        }
        resolve(children);
      };
      if (watcher) this.zk.getChildren(path, watcher, cb);
      else this.zk.getChildren(path, cb);
    });
  }

  exists(path: string, watcher?: () => void): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const cb = (err: unknown, stat: zookeeper.Stat) =>
        err ? reject(wrap(err, `exists ${path}`)) : resolve(stat !== null && stat !== undefined);
      if (watcher) this.zk.exists(path, watcher, cb);
      else this.zk.exists(path, cb);
    });
  }

  // ----------------------------------------------------------------------------------- writes

  /** Creates a node; with `sequential` returns the created path (with its sequence number). */
  create(
    path: string,
    data: Buffer,
    mode: { ephemeral?: boolean; sequential?: boolean } = {},
  ): Promise<string> {
    const flag =
      (mode.ephemeral ? zookeeper.CreateMode.EPHEMERAL : zookeeper.CreateMode.PERSISTENT) +
      (mode.sequential ? zookeeper.CreateMode.PERSISTENT_SEQUENTIAL : 0);
    return new Promise((resolve, reject) =>
      this.zk.create(path, data, flag, (err, created) =>
        err ? reject(wrap(err, `create ${path}`)) : resolve(created),
      ),
    );
  }

  /** Creates a node and any missing parents; an existing node is left as it is. */
  async ensurePath(path: string, data: Buffer = Buffer.alloc(0)): Promise<void> {
    const parts = path.split('/').filter(Boolean);
    let current = '';
    for (let i = 0; i < parts.length; i++) {
      current += `/${parts[i]}`;
      try {
        await this.create(current, i === parts.length - 1 ? data : Buffer.alloc(0));
      } catch (err) {
        if (!isZkError(err, ZkErrorCode.NODE_EXISTS)) throw err;
      }
    }
  }

  /** Compare-and-set write (version -1 = any); resolves with the new version. */
  set(path: string, data: Buffer, version: number): Promise<number> {
    return new Promise((resolve, reject) =>
      this.zk.setData(path, data, version, (err, stat) =>
        err ? reject(wrap(err, `set ${path}`)) : resolve(stat.version),
      ),
    );
  }

  delete(path: string, version = -1): Promise<void> {
    return new Promise((resolve, reject) =>
      this.zk.remove(path, version, (err) => (err ? reject(wrap(err, `delete ${path}`)) : resolve())),
    );
  }

  /** Deletes a node and everything below it; a missing node is fine. */
  async deleteRecursive(path: string): Promise<void> {
    const kids = await this.children(path);
    if (kids === undefined) return;
    for (const kid of kids) await this.deleteRecursive(`${path}/${kid}`);
    try {
      await this.delete(path);
    } catch (err) {
      if (!isZkError(err, ZkErrorCode.NO_NODE)) throw err;
    }
  }

  /** All or nothing; resolves with the new version of each `set` (undefined for other ops). */
  multi(ops: readonly ZkOp[]): Promise<(number | undefined)[]> {
    const tx = this.zk.transaction();
    for (const op of ops) {
      if (op.op === 'create')
        tx.create(
          op.path,
          op.data,
          op.ephemeral ? zookeeper.CreateMode.EPHEMERAL : zookeeper.CreateMode.PERSISTENT,
        );
      else if (op.op === 'set') tx.setData(op.path, op.data, op.version);
      else if (op.op === 'check') tx.check(op.path, op.version);
      else tx.remove(op.path, op.version ?? -1);
    }
    return new Promise((resolve, reject) =>
      tx.commit((err, results: { stat?: zookeeper.Stat }[]) =>
        err
          ? reject(wrap(err, `multi on ${ops.map((o) => o.path).join(', ')}`))
          : resolve(ops.map((op, i) => (op.op === 'set' ? results[i]?.stat?.version : undefined))),
      ),
    );
  }

  // ---------------------------------------------------------------------------------- watches

  /**
   * Calls `onChange` with the node (or undefined while it does not exist) now and after every
   * change, until the returned function is called. Survives session expiry.
   */
  watchData(path: string, onChange: (node: ZNode | undefined) => void): () => void {
    return this.watch('data', path, onChange as (v: unknown) => void);
  }

  /** Calls `onChange` with the children (undefined while the node does not exist), now and on change. */
  watchChildren(path: string, onChange: (children: string[] | undefined) => void): () => void {
    return this.watch('children', path, onChange as (v: unknown) => void);
  }

  private watch(kind: Watch['kind'], path: string, onChange: (v: unknown) => void): () => void {
    const w: Watch = { kind, path, onChange, cancelled: false };
    this.watches.add(w);
    this.arm(w);
    return () => {
      w.cancelled = true;
      this.watches.delete(w);
    };
  }

  private arm(w: Watch): void {
    if (w.cancelled || this.closed) return;
    const client = this.client;
    const again = () => {
      // A watch of an expired session is re-armed by reopen(), not here.
      if (this.client === client) this.arm(w);
    };
    const read = async (): Promise<unknown> => {
      if (w.kind === 'data') {
        const node = await this.get(w.path, again);
        if (node !== undefined) return node;
        // Missing: watch for its creation instead (and read again if it appeared meanwhile).
        if (await this.exists(w.path, again)) return this.get(w.path);
        return undefined;
      }
      const kids = await this.children(w.path, again);
      if (kids !== undefined) return kids;
      if (await this.exists(w.path, again)) return this.children(w.path);
      return undefined;
    };
    read().then(
      (value) => {
        if (!w.cancelled) w.onChange(value);
      },
      (err) => {
        if (w.cancelled || this.closed) return;
        this.options.logger.debug(
          { path: w.path, err: (err as Error).message },
          'watch read failed; retrying',
        );
        setTimeout(() => this.arm(w), 500).unref();
      },
    );
  }
}
