import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/**
 * Runs a client scenario (a script driving a real Kafka client) and parses its report. Scenarios
 * follow one convention (see ../shared/compat/README.md): the bootstrap address comes in BOOTSTRAP,
 * each check prints `PASS <name>` or `FAIL <name> — <detail>`, and the last line is
 * `<NAME>: <N> passed, <M> failed`.
 */

export interface ClientCheck {
  name: string;
  passed: boolean;
  /** What a failed check printed after " — ". */
  detail?: string;
}

export interface ClientSummary {
  name: string;
  passed: number;
  failed: number;
}

export interface ClientRun {
  /** The command line, for messages. */
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  checks: ClientCheck[];
  /** The final summary line; undefined if the script died before printing it. */
  summary?: ClientSummary;
}

export interface RunClientOptions {
  /** Passed to the script as BOOTSTRAP. */
  bootstrap: string;
  /** Kill the scenario (and anything it started) after this long; default 120 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export async function runClient(
  command: string,
  args: string[],
  options: RunClientOptions,
): Promise<ClientRun> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const started = Date.now();
  // Its own process group, so a timeout also kills what a shell scenario started (kcat, timeout).
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...options.env,
      BOOTSTRAP: options.bootstrap,
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  const killOnExit = () => killGroup(child.pid);
  process.once('exit', killOnExit);

  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      // 'close' rather than 'exit': both pipes are drained by then.
      child.once('close', (code, sig) => resolve({ exitCode: code, signal: sig }));
    },
  ).finally(() => {
    clearTimeout(timer);
    process.removeListener('exit', killOnExit);
  });

  return {
    command: [command, ...args].join(' '),
    exitCode,
    signal,
    timedOut,
    durationMs: Date.now() - started,
    stdout,
    stderr,
    ...parseClientOutput(stdout),
  };
}

const CHECK_LINE = /^(PASS|FAIL) (.*)$/;
const SUMMARY_LINE = /^(.+): (\d+) passed, (\d+) failed$/;
/** Scenarios separate a failed check's name from its detail with an em dash. */
const DETAIL_SEPARATOR = ' — ';

/** Extracts the PASS/FAIL lines and the final summary line from a scenario's stdout. */
export function parseClientOutput(stdout: string): { checks: ClientCheck[]; summary?: ClientSummary } {
  const checks: ClientCheck[] = [];
  let summary: ClientSummary | undefined;
  for (const line of stdout.split('\n')) {
    const trimmed = line.trimEnd();
    const check = CHECK_LINE.exec(trimmed);
    if (check) {
      const passed = check[1] === 'PASS';
      const at = check[2]!.indexOf(DETAIL_SEPARATOR);
      const name = at === -1 ? check[2]! : check[2]!.slice(0, at);
      const detail = at === -1 ? undefined : check[2]!.slice(at + DETAIL_SEPARATOR.length);
      checks.push(passed ? { name, passed } : { name, passed, detail });
      continue;
    }
    const total = SUMMARY_LINE.exec(trimmed);
    if (total) summary = { name: total[1]!, passed: Number(total[2]), failed: Number(total[3]) };
  }
  return { checks, summary };
}

/** The whole run, for an assertion message: how it ended and everything it printed. */
export function describeRun(run: ClientRun): string {
  const ending = run.timedOut
    ? 'timed out and was killed'
    : `exited with code ${run.exitCode}${run.signal ? ` (signal ${run.signal})` : ''}`;
  return [
    `${run.command} ${ending} after ${run.durationMs} ms`,
    '--- stdout ---',
    run.stdout.trimEnd(),
    '--- stderr ---',
    tail(run.stderr.trimEnd(), 8000),
  ].join('\n');
}

/**
 * Asserts a scenario ran to its end with every check passing; the message carries its whole output.
 */
export function assertAllPassed(run: ClientRun): void {
  const message = describeRun(run);
  assert.equal(run.timedOut, false, `scenario timed out\n${message}`);
  assert.ok(run.summary, `scenario printed no summary line\n${message}`);
  assert.deepEqual(failedChecks(run), [], `checks failed\n${message}`);
  assert.ok(run.checks.length > 0, `scenario printed no checks\n${message}`);
  assert.equal(run.summary.failed, 0, message);
  assert.equal(run.summary.passed, run.checks.length, `summary disagrees with the check lines\n${message}`);
  assert.equal(run.exitCode, 0, message);
}

/** Names of the checks that failed. */
export function failedChecks(run: ClientRun): string[] {
  return run.checks.filter((check) => !check.passed).map((check) => check.name);
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function tail(text: string, limit: number): string {
  return text.length <= limit ? text : `...${text.slice(-limit)}`;
}
