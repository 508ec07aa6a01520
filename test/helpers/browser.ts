import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { repoRoot } from './paths.js';

/** Debian's Chromium (package `chromium`), driven by playwright-core. */
export const CHROMIUM_BIN = '/usr/bin/chromium';

/** Where browser tests leave their screenshots: `test-output/<suite>/` in the repository. */
export function screenshotDir(suite: string): string {
  const dir = path.join(repoRoot, 'test-output', suite);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Headless Chromium with no network of its own: background services, updates and sync are off, as
 * nothing but the loopback address is reachable here.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
