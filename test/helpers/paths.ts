import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up from this file to the package.json named "samsa".
 * Works both from the sources (test/helpers/) and from the build (dist/test/helpers/).
 */
export const repoRoot: string = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

/**
 * The shared client scenarios (`seed_examples.py`, `kcat_roundtrip.sh`, ...). They live beside the
 * repository, in `<repo root>/../shared/compat/`; SAMSA_SHARED_COMPAT_DIR overrides the location.
 */
export const sharedCompatDir: string =
  process.env.SAMSA_SHARED_COMPAT_DIR ?? path.resolve(repoRoot, '..', 'shared', 'compat');

/** The project's own client scenarios (sources, not compiled): `test/compat/clients/`. */
export const compatClientsDir: string = path.join(repoRoot, 'test', 'compat', 'clients');

/** The `samsa` command, run as `node bin/samsa`. */
export const samsaBin: string = path.join(repoRoot, 'bin', 'samsa');

/** Debian's interpreter, where `python3-kafka` and `python3-confluent-kafka` are installed. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'samsa') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json named "samsa" above ${start}`);
    dir = parent;
  }
}
