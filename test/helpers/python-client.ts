/**
 * Python snippets driving Debian's confluent-kafka / kafka-python against a test broker: one that
 * runs to its end and prints a JSON line, and one that runs beside the test, which reads its lines
 * and writes to its stdin (to act while a client is mid-way, e.g. a transaction in flight).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { DEBIAN_PYTHON } from './paths.js';

const run = promisify(execFile);

/** Runs `code` with BOOTSTRAP (and `env`) in the environment; returns its last line, parsed as JSON. */
export async function python(
  code: string,
  bootstrap: string,
  env: Record<string, string> = {},
  timeoutMs = 90_000,
): Promise<any> {
  const { stdout } = await run(DEBIAN_PYTHON, ['-c', code], {
    timeout: timeoutMs,
    env: { ...process.env, BOOTSTRAP: bootstrap, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

export interface PythonSession {
  /** Resolves with the next stdout line (rejects if the process ends first). */
  nextLine(): Promise<string>;
  /** Writes a line to the process's stdin. */
  send(line: string): void;
  /** Resolves with the last stdout line once the process has exited, parsed as JSON. */
  result(): Promise<any>;
  kill(): void;
  readonly child: ChildProcess;
}

/** Starts `code` beside the test, with BOOTSTRAP (and `env`) in the environment. */
export function startPython(
  code: string,
  bootstrap: string,
  env: Record<string, string> = {},
): PythonSession {
  const child = spawn(DEBIAN_PYTHON, ['-c', code], {
    env: { ...process.env, BOOTSTRAP: bootstrap, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let ended = false;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w.resolve(line);
    else lines.push(line);
  });
  void exited.then(() => {
    ended = true;
    for (const w of waiting.splice(0)) w.reject(new Error(`python exited early; stderr: ${stderr}`));
  });
  return {
    child,
    nextLine: () => {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (ended) return Promise.reject(new Error(`python exited; stderr: ${stderr}`));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    send: (line) => child.stdin!.write(`${line}\n`),
    result: async () => {
      await exited;
      const last = lines.at(-1);
      if (last === undefined)
        throw new Error(`python printed nothing (exit ${child.exitCode}); stderr: ${stderr}`);
      return JSON.parse(last);
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
