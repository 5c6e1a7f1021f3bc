/**
 * Where data files live:
 *   - cache root: $REPRLAB_DATA_DIR, else <project>/data/cache where <project> is the nearest folder at or above
 *     process.cwd() whose package.json is named "reprlab", else ~/.cache/reprlab. Dataset `name` lives in
 *     <cache root>/<name>/.
 *   - package root: the folder of reprlab's own package.json (found from this module's location), which holds
 *     data/fashion-mnist-mini.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function isReprlabRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'reprlab';
  } catch {
    return false;
  }
}

/** The nearest folder at or above `start` whose package.json is named "reprlab", or null. */
export function findProjectRoot(start: string = process.cwd()): string | null {
  let dir = resolve(start);
  for (;;) {
    if (isReprlabRoot(dir)) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The root of the dataset cache (see the module comment); `override` (an option) wins over everything. */
export function cacheRoot(override?: string): string {
  if (override) return resolve(override);
  const env = process.env.REPRLAB_DATA_DIR;
  if (env) return resolve(env);
  const project = findProjectRoot();
  return project ? join(project, 'data', 'cache') : join(homedir(), '.cache', 'reprlab');
}

/** The cache folder of one dataset: <cache root>/<name>. */
export function datasetCacheDir(name: string, override?: string): string {
  return join(cacheRoot(override), name);
}

/** The root of the reprlab package itself (holds data/fashion-mnist-mini), found from this module's path. */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return findProjectRoot(here) ?? resolve(here, '..', '..');
}

/** True when the download default is on: env REPRLAB_ALLOW_DOWNLOAD=1 (or "true"). */
export function downloadAllowedByEnv(): boolean {
  const v = process.env.REPRLAB_ALLOW_DOWNLOAD;
  return v === '1' || v === 'true';
}

let version: string | undefined;
/** reprlab's version (its package.json), e.g. '0.1.0': part of the encoder cache's key (lib/train/encoder-cache.ts). */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      version = String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
