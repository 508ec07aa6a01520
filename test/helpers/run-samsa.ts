import { spawn } from 'node:child_process';
import { samsaBin } from './paths.js';

export interface SamsaRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/samsa ARGS` with SAMSA_BROKERS cleared (so only the flags pick the broker), and
 * resolves with its exit code and output; killed after 30 s.
 */
export function runSamsa(args: string[]): Promise<SamsaRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [samsaBin, ...args], {
      env: { ...process.env, SAMSA_BROKERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
