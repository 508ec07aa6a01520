import { readFileSync } from 'node:fs';

/** Samsa's version, from the package manifest (two levels above the compiled `dist/src/`). */
export const SAMSA_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
