/**
 * Runs Debian's ZooKeeper (`zookeeperd`, /usr/share/java/zookeeper.jar) as a standalone child
 * process over a directory of its own: for `samsa cluster dev` and for the cluster tests. The admin
 * HTTP server is disabled; the four-letter `ruok` command tells when it serves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

export const ZOOKEEPER_JAR = process.env.SAMSA_ZOOKEEPER_JAR ?? '/usr/share/java/zookeeper.jar';
/** zookeeper.jar's manifest names its other jars; a logger binding is all we add. */
const LOGGER_JAR = '/usr/share/java/slf4j-simple.jar';

export interface LocalZooKeeperOptions {
  /** Holds zoo.cfg, the snapshots and the transaction log. */
  readonly dir: string;
  /** 0 (default) picks a free loopback port. */
  readonly port?: number;
  /** ZooKeeper's tick; sessions may last 2 to `maxSessionTimeoutMs`. Default 500 ms. */
  readonly tickTimeMs?: number;
  readonly maxSessionTimeoutMs?: number;
  /** How long to wait for `ruok` to answer `imok`; default 30 s (a JVM on a busy machine). */
  readonly startupTimeoutMs?: number;
}

export interface LocalZooKeeper {
  /** `127.0.0.1:port` */
  readonly connect: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** SIGTERM (SIGKILL after 5 s); resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT, to make ZooKeeper unreachable without closing its sockets. */
  pause(): void;
  resume(): void;
  /** The process's recent output, for error messages. */
  output(): string;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Sends a four-letter command and returns the answer ('' when nothing answers). */
export function fourLetterWord(port: number, word: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, done);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('end', done);
    socket.on('error', done);
  });
}

export async function startLocalZooKeeper(options: LocalZooKeeperOptions): Promise<LocalZooKeeper> {
  if (!existsSync(ZOOKEEPER_JAR)) {
    throw new Error(`ZooKeeper is not installed (${ZOOKEEPER_JAR} is missing): apt-get install zookeeperd`);
  }
  const port = options.port || (await freePort());
  const dataDir = join(options.dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const tick = options.tickTimeMs ?? 500;
  const cfg = join(options.dir, 'zoo.cfg');
  writeFileSync(
    cfg,
    [
      `tickTime=${tick}`,
      `dataDir=${dataDir}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      `maxSessionTimeout=${options.maxSessionTimeoutMs ?? 60_000}`,
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok,srvr,stat',
      'maxClientCnxns=0',
      // A development and test server: skip the fsync per transaction.
      'forceSync=no',
      '',
    ].join('\n'),
  );
  let tail = '';
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-cp',
      `${ZOOKEEPER_JAR}:${LOGGER_JAR}`,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      cfg,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const deadline = Date.now() + (options.startupTimeoutMs ?? 30_000);
  while ((await fourLetterWord(port, 'ruok')) !== 'imok') {
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`ZooKeeper did not start on port ${port}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    connect: `127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    exited,
    async stop() {
      if (gone) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    output: () => tail,
  };
}
