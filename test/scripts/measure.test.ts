/**
 * scripts/measure: the argument checks (they fail before any data is loaded or model trained, naming the option and
 * the fix) and the option parser. The measurements themselves take tens of minutes: docs/results.md has their output.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script module without type declarations
import { option } from '../../scripts/measure/backend.mjs';

const ROOT = join(__dirname, '..', '..');
const run = (script: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'measure', script), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
};

describe('scripts/measure', () => {
  it('option(): --name value, else the default', () => {
    expect(option('steps', '6000', ['--backend', 'cpu', '--steps', '12'])).toBe('12');
    expect(option('steps', '6000', ['--backend', 'cpu'])).toBe('6000');
    expect(option('steps', '6000', ['--steps'])).toBe('6000');
  });
  it('wasm-matmul-ab: a bad --steps is named before any model is built', () => {
    const r = run('wasm-matmul-ab.mjs', '--steps', '0');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--steps must be a positive integer/);
  });
  it('autoencoder-knn: a bad --steps is named', () => {
    const r = run('autoencoder-knn.mjs', '--steps', '0');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--steps must be a positive integer \(got '0'\)/);
  });
  it('metric-heldout: bad --backbone, --widths, --losses are named with the accepted values', () => {
    expect(run('metric-heldout.mjs', '--backbone', 'vit').stderr).toMatch(/--backbone must be conv or mlp \(got 'vit'\)/);
    expect(run('metric-heldout.mjs', '--widths', '32,x').stderr).toMatch(/--widths must be positive integers/);
    const r = run('metric-heldout.mjs', '--losses', 'softmax,magic');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--losses: unknown magic; use a comma-separated list of softmax, .*arcface/);
  });
});
