import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startBroker } from '../helpers/broker.js';
import { samsaBin } from '../helpers/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);

/** Runs `samsa start` until a line matches `until`, then stops it with SIGTERM; returns stdout's lines. */
async function startUntil(args: string[], until: RegExp): Promise<string[]> {
  const dir = makeTempDir('samsa-logs-');
  const child = spawn(
    process.execPath,
    [samsaBin, 'start', '--port', '0', '--admin-port', '0', '--data-dir', dir.path, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SAMSA_LOG_LEVEL: undefined } },
  );
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no line matched ${until} within 30 s:\n${stdout}`)),
      30_000,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (until.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`samsa exited early:\n${stdout}`)));
  });
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  dir.cleanup();
  return stdout.split('\n').filter((line) => line !== '');
}

describe('samsa start logs', { timeout: 120_000 }, () => {
  test('a terminal sees a one-line banner first, and no line per internal partition', async () => {
    const lines = await startUntil(['--log-format', 'pretty'], /Samsa .* · PLAINTEXT:\/\//);
    assert.match(
      lines[0]!,
      /Samsa \d+\.\d+\.\d+ · PLAINTEXT:\/\/127\.0\.0\.1:\d+ · admin http:\/\/127\.0\.0\.1:\d+ · data \S+ · cluster \S+/,
    );
    assert.equal(
      lines.filter((l) => l.includes('__consumer_offsets') || l.includes('__transaction_state')).length,
      0,
      lines.join('\n'),
    );
  });

  test('JSON lines by default off a terminal, the banner line carrying version, listeners and admin URL', async () => {
    const lines = await startUntil([], /"msg":"listening"/);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(first.msg, 'listening');
    assert.match(String(first.version), /^\d+\.\d+\.\d+/);
    assert.ok(Array.isArray(first.listeners) && String(first.listeners[0]).startsWith('PLAINTEXT://'));
    assert.match(String(first.admin), /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('per-module levels: storage at debug, every other module at info', async () => {
    const lines = await startUntil(['--log-level', 'info,storage=debug'], /"msg":"listening"/);
    const entries = lines.map((l) => JSON.parse(l) as { level: number; module?: string; msg: string });
    const debug = entries.filter((e) => e.level === 20);
    assert.ok(
      debug.some((e) => e.module === 'storage' && e.msg === 'loaded logs'),
      lines.join('\n'),
    );
    assert.deepEqual(
      debug.filter((e) => e.module !== 'storage'),
      [],
      'no debug line from another module',
    );
  });

  test('an unknown log level is refused with a one-line reason', async () => {
    await assert.rejects(
      run(process.execPath, [samsaBin, 'start', '--log-level', 'storage=loud', '--port', '0']),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /unknown log level 'loud'/);
        return true;
      },
    );
  });
});

test('client commands take -b and --bootstrap-server as --brokers', { timeout: 60_000 }, async (t) => {
  const broker = await startBroker();
  t.after(broker.cleanup);
  await run(process.execPath, [samsaBin, 'topic', 'create', 'aliased', '-b', broker.bootstrap]);
  const listed = await run(process.execPath, [
    samsaBin,
    'topic',
    'list',
    '--bootstrap-server',
    broker.bootstrap,
  ]);
  assert.match(listed.stdout, /aliased/);
});
