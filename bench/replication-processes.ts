/**
 * The static replication layout over broker processes (bench/replication-broker.ts, forked): the
 * parent's StaticController reaches them over IPC, and answers their ISR writes the same way.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PartitionState } from '../src/cluster/partition-state.js';
import { StaticLayout } from '../test/helpers/static-cluster.js';
import { makeTempDir } from '../test/helpers/temp-dir.js';

const BROKER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'replication-broker.js');

type FromChild =
  | { type: 'ready'; host: string; port: number }
  | { type: 'applied'; seq: number }
  | { type: 'writeIsr'; seq: number; args: [string, number, number, number, number[], number] };

export class ProcessLayout extends StaticLayout {
  private readonly children: ChildProcess[] = [];
  private readonly cleanups: (() => void)[] = [];

  static async start(count: number): Promise<ProcessLayout> {
    const layout = new ProcessLayout();
    try {
      for (let id = 0; id < count; id++) await layout.startBroker(id);
    } catch (error) {
      await layout.stop();
      throw error;
    }
    return layout;
  }

  private async startBroker(id: number): Promise<void> {
    const dir = makeTempDir(`samsa-bench-broker-${id}-`);
    this.cleanups.push(dir.cleanup);
    const child = fork(BROKER_SCRIPT, [String(id), dir.path], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.children.push(child);
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
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.send({ type: 'stop' });
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    for (const cleanup of this.cleanups) cleanup();
  }
}
