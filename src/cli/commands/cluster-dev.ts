/**
 * `samsa cluster dev`: a whole cluster on this machine for development: Debian's ZooKeeper and N
 * broker processes (`samsa start --zookeeper ... --broker-id i`), each over its own directory under
 * --data-dir, with its log in `<data-dir>/broker-<i>.log`. Prints the bootstrap list once every
 * broker listens; Ctrl-C stops the brokers (controlled shutdown) and then ZooKeeper.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { startLocalZooKeeper } from '../../cluster/zookeeper/local-server.js';
import { BROKER_NODE_FLAGS } from '../broker-node-flags.js';
import { out, UsageError } from './shared.js';

export const CLUSTER_DEV_HELP = `Usage: samsa cluster dev [options]

Starts a local ZooKeeper and N brokers, prints the bootstrap list, and stops them all on Ctrl-C.

Options:
  --brokers <n>         number of brokers (default 3)
  --data-dir <dir>      where ZooKeeper and the brokers keep their data and logs (default ./samsa-dev)
  --port <n>            port of broker 1; broker i listens on port+i-1 (default 9092)
  --zookeeper-port <n>  ZooKeeper's client port (default 2181)
  --admin-port <n|none> admin HTTP port of broker 1 (console, metrics); broker i uses n+i-1
                        (default 9644)
  --set <key=value>     a Kafka config name for every broker, repeatable (the internal topics'
                        replication factors default to min(3, n), their min ISR to min(2, n))
  -h, --help            show this help
`;

interface RunningBroker {
  readonly id: number;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

export async function clusterDev(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      brokers: { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'zookeeper-port': { type: 'string' },
      'admin-port': { type: 'string' },
      set: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    out(CLUSTER_DEV_HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`cluster dev takes no arguments (got '${positionals[0]}')`);
  const count = positiveInt(values.brokers ?? '3', '--brokers');
  const basePort = positiveInt(values.port ?? '9092', '--port');
  const zkPort = positiveInt(values['zookeeper-port'] ?? '2181', '--zookeeper-port');
  const adminFlag = values['admin-port'] ?? '9644';
  const adminBase = adminFlag === 'none' ? null : positiveInt(adminFlag, '--admin-port');
  const dir = resolve(values['data-dir'] ?? 'samsa-dev');
  mkdirSync(dir, { recursive: true });

  const zookeeper = await startLocalZooKeeper({
    dir: join(dir, 'zookeeper'),
    port: zkPort,
    tickTimeMs: 2000,
  });
  out(`zookeeper  ${zookeeper.connect} (pid ${zookeeper.pid})\n`);
  const brokers: RunningBroker[] = [];
  // Internal topics as replicated as the cluster allows (Kafka's quickstart lowers them too).
  const sets = [
    `offsets.topic.replication.factor=${Math.min(3, count)}`,
    `transaction.state.log.replication.factor=${Math.min(3, count)}`,
    `transaction.state.log.min.isr=${Math.min(2, count)}`,
    ...(values.set ?? []),
  ];
  // One broker after another, so each controlled shutdown can hand its leadership to live brokers.
  const stopAll = async () => {
    for (const b of [...brokers].reverse()) {
      b.child.kill('SIGTERM');
      await b.exited;
    }
    await zookeeper.stop();
  };
  try {
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startBroker(
          i + 1,
          basePort + i,
          `${zookeeper.connect}/samsa`,
          dir,
          [
            ...sets,
            // Each broker its own admin port, so their consoles and metrics do not collide.
            `admin.listener=${adminBase === null ? 'none' : `127.0.0.1:${adminBase + i}`}`,
          ],
          brokers,
        ),
      ),
    );
    for (const [i, b] of started.entries()) {
      const admin = b.admin && b.admin !== 'none' ? `  console ${b.admin}` : '';
      out(`broker ${i + 1}   ${b.address}${admin}  (log ${join(dir, `broker-${i + 1}.log`)})\n`);
    }
    out(`\nbootstrap: ${started.map((b) => b.address).join(',')}\nPress Ctrl-C to stop the cluster.\n`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      out('\nstopping brokers and ZooKeeper...\n');
      void stopAll().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // A broker that dies on its own is reported; the others keep running.
    for (const b of brokers) void b.exited.then(() => !stopping && out(`broker ${b.id} exited\n`));
  });
  return 0;
}

/** Starts one broker process and resolves with its address once it logs "listening". */
function startBroker(
  id: number,
  port: number,
  zookeeper: string,
  dir: string,
  sets: readonly string[],
  brokers: RunningBroker[],
): Promise<{ address: string; admin?: string }> {
  const args = [
    ...BROKER_NODE_FLAGS,
    process.argv[1]!,
    'start',
    '--port',
    String(port),
    '--data-dir',
    join(dir, `broker-${id}`),
    '--zookeeper',
    zookeeper,
    '--broker-id',
    String(id),
    ...sets.flatMap((s) => ['--set', s]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  brokers.push({ id, child, exited });
  const log = createWriteStream(join(dir, `broker-${id}.log`), { flags: 'a' });
  child.stderr!.pipe(log);
  return new Promise((resolveAddress, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (!line.includes('"msg":"listening"')) return;
      const entry = JSON.parse(line) as { advertised?: string; admin?: string };
      resolveAddress({ address: entry.advertised ?? `127.0.0.1:${port}`, admin: entry.admin });
    });
    void exited.then(() =>
      reject(new Error(`broker ${id} exited during start; see ${join(dir, `broker-${id}.log`)}`)),
    );
  });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}
