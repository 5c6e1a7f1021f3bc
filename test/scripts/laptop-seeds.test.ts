/**
 * scripts/measure/laptop-seeds: the claim lines it reads from an executed notebook, the figures it parses out of
 * them, and the table it prints over seeds (mean [min, max]); bad options are named. The runs themselves take
 * 40 minutes a seed: docs/results.md has their table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script module without type declarations
import { claimsOf, parseClaim, spread, summarise } from '../../scripts/measure/laptop-seeds/summary.mjs';

const ROOT = join(__dirname, '..', '..');

describe('scripts/measure/laptop-seeds', () => {
  it('parses the trailing figures of a claim line, and leaves a line without them whole', () => {
    expect(parseClaim('✓ the loss (of a fixed batch) went down (first 2.303, last 0.612, gap 1.4e-7)')).toEqual({ mark: '✓', text: 'the loss (of a fixed batch) went down', figures: { first: 2.303, last: 0.612, gap: 1.4e-7 } });
    expect(parseClaim('· batch size at equal epochs (paper: Fig. 9) not visible')).toEqual({ mark: '·', text: 'batch size at equal epochs (paper: Fig. 9) not visible', figures: {} });
    expect(parseClaim('✗ probe beats pixels (SimCLR 0.55, pixels 0.746)').figures).toEqual({ SimCLR: 0.55, pixels: 0.746 });
    expect(parseClaim('✓ PCA disentangles (PCA of RGB 0.453, |corr(PC 1, value)| 0.885)').figures).toEqual({ 'PCA of RGB': 0.453, '|corr(PC 1, value)|': 0.885 });
  });

  it('spread: one value alone, else mean [min, max]', () => {
    expect(spread([0.5])).toBe('0.500');
    expect(spread([0.7, 0.8, 0.9])).toBe('0.800 [0.700, 0.900]');
    expect(spread([100, 200])).toBe('150 [100, 200]');
  });

  it('reads ✓/✗/· lines and errors from an executed notebook, and sums up runs over seeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'laptop-seeds-'));
    const nb = join(dir, 'x.ipynb');
    writeFileSync(nb, JSON.stringify({ cells: [
      { cell_type: 'code', outputs: [{ output_type: 'stream', name: 'stdout', text: ['progress 10%\n', '✓ probe beats pixels (probe 0.8, pixels 0.7)\n'] }] },
      { cell_type: 'code', outputs: [{ output_type: 'error', ename: 'ClaimError', evalue: 'claim not supported' }] },
    ] }));
    expect(claimsOf(nb)).toEqual(['✓ probe beats pixels (probe 0.8, pixels 0.7)', 'ERROR ClaimError: claim not supported']);
    const runs = [0, 1, 2].map((seed) => ({ notebook: '06-x', seed, ok: seed !== 2, cpuS: 200 + seed * 10, wallS: 300, maxRssMB: 500 + seed, load: [1, 2], claims: [`${seed === 2 ? '✗' : '✓'} probe beats pixels (probe 0.${7 + seed}, pixels 0.7)`], error: seed === 2 ? 'cell 9 failed' : undefined }));
    const md = summarise(runs);
    expect(md).toContain('| 06-x | 0, 1, 2 ✗ | 210 [200, 220] | 300 [300, 300] | 502 |');
    expect(md).toContain('- ✓ ×2 ✗ ×1 probe beats pixels — probe 0.800 [0.700, 0.900]; pixels 0.700 [0.700, 0.700]');
    expect(md).toContain('seed 2 FAILED: cell 9 failed');
    expect(md).toContain('**210 s = 3.5 min**');
  });

  it('names a bad option and what it takes', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/measure/laptop-seeds.mjs'), '--seeds', '1,x', '--out', mkdtempSync(join(tmpdir(), 'ls-'))], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--seeds takes non-negative integers/);
  });
});
