/**
 * The static replication layout over broker processes (static-cluster-broker.ts, forked): the
 * parent's StaticController reaches them over IPC and answers their ISR writes the same way. A
 * broker can be killed (SIGKILL) and restarted over the same data directory.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROKER_NODE_FLAGS } from '../../src/cli/broker-node-flags.js';
import type { PartitionState } from '../../src/cluster/partition-state.js';
import { StaticLayout } from './static-cluster.js';
import { makeTempDir } from './temp-dir.js';

const BROKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static-cluster-broker.js');

type FromChild =
  | { type: 'ready'; host: string; port: number }
  | { type: 'applied'; seq: number }
  | { type: 'writeIsr'; seq: number; args: [string, number, number, number, number[], number] };

export class ProcessLayout extends StaticLayout {
  readonly dataDirs = new Map<number, string>();
  private readonly children = new Map<number, ChildProcess>();
  private readonly cleanups: (() => void)[] = [];

  private constructor(private readonly config: Record<string, string>) {
    super();
  }

  /** Starts `count` broker processes with ids 0..count-1, each over a fresh temp data dir. */
  static async start(count: number, config: Record<string, string> = {}): Promise<ProcessLayout> {
    const layout = new ProcessLayout(config);
    try {
      for (let id = 0; id < count; id++) {
        const dir = makeTempDir(`samsa-replica-process-${id}-`);
        layout.cleanups.push(dir.cleanup);
        layout.dataDirs.set(id, dir.path);
        await layout.startBroker(id);
      }
    } catch (error) {
      await layout.stop();
      throw error;
    }
    return layout;
  }

  /** kill -9: the broker's member entry goes until `startBroker` brings it back. */
  async kill(id: number): Promise<void> {
    const child = this.children.get(id);
    this.children.delete(id);
    this.members.delete(id);
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Starts broker `id` over its data dir (again, after a kill). */
  async startBroker(id: number): Promise<void> {
    const child = fork(BROKER_SCRIPT, [String(id), this.dataDirs.get(id)!, JSON.stringify(this.config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...BROKER_NODE_FLAGS],
    });
    this.children.set(id, child);
    let nextSeq = 0;
    const applied = new Map<number, () => void>();
    const ready = new Promise<{ host: string; port: number }>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`broker ${id} exited with ${code}`)));
      child.on('message', (message: FromChild) => {
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'applied') {
          applied.get(message.seq)?.();
          applied.delete(message.seq);
        } else if (message.type === 'writeIsr') {
          void this.controller.writeIsr(...message.args).then((result) => {
            child.send({ type: 'isr', seq: message.seq, result });
          });
        }
      });
    });
    const { host, port } = await ready;
    this.members.set(id, {
      host,
      port,
      apply: (state: PartitionState, brokers) =>
        new Promise<void>((resolve) => {
          const seq = nextSeq++;
          applied.set(seq, resolve);
          child.send({ type: 'apply', seq, state, brokers });
        }),
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.send({ type: 'stop' });
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    this.children.clear();
    this.members.clear();
    for (const cleanup of this.cleanups) cleanup();
  }
}
