/**
 * scripts/bench (issue #12): the argument handling, the engine ratios, the closing table, and the PyTorch side —
 * its absence (a clear "torch not found" and rows without the ratio, as on CI, which does not install torch) and,
 * where this machine's /usr/bin/python3 has torch, its NT-Xent against a value worked out by hand and against the
 * library's. Fast tests only: the timings themselves are the bench's output (docs/performance.md).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ntXent } from '../../lib/losses/contrastive/ntxent.js';
import { useBackend } from '../helpers.js';
// @ts-expect-error: plain .mjs script modules without type declarations
import { parseArgs, UsageError } from '../../scripts/bench/args.mjs';
// @ts-expect-error: plain .mjs script modules without type declarations
import { addRatios, targetLines } from '../../scripts/bench/compare.mjs';
// @ts-expect-error: plain .mjs script modules without type declarations
import { markdownTable } from '../../scripts/bench/report.mjs';
// @ts-expect-error: plain .mjs script modules without type declarations
import { probeTorch, TORCH_MISSING, TORCH_SCRIPT } from '../../scripts/bench/torch.mjs';

const ROOT = join(__dirname, '..', '..');
const PYTHON = '/usr/bin/python3';
const hasTorch = probeTorch(PYTHON).ok;

describe('bench arguments', () => {
  const parse = (...argv: string[]) => parseArgs(argv, {});
  it('--backend takes one name or a comma list, checked and deduplicated', () => {
    expect(parse().backends).toEqual([undefined]);
    expect(parse('--backend', 'wasm').backends).toEqual(['wasm']);
    expect(parse('--backend', 'wasm,cpu,wasm').backends).toEqual(['wasm', 'cpu']);
    expect(parse('--backend', 'all').backends).toEqual(['all']);
    expect(parseArgs([], { REPRLAB_BACKEND: 'cpu' }).backends).toEqual(['cpu']);
    expect(() => parse('--backend', 'wasm,gpu')).toThrow(UsageError);
    expect(() => parse('--backend', 'wasm,gpu')).toThrow(/--backend: unknown gpu; use one of tensorflow, webgpu, wasm, cpu, all/);
  });
  it('--vs-torch and --threads (1 by default, a positive whole number)', () => {
    const o = parse('--vs-torch', '--threads', '2');
    expect(o.vsTorch).toBe(true);
    expect(o.threads).toBe(2);
    expect(parse().vsTorch).toBe(false);
    expect(parse().threads).toBeUndefined();
    expect(() => parse('--threads', '0')).toThrow(/--threads needs a positive whole number \(got 0\)/);
    expect(() => parse('--threads', 'two')).toThrow(/--threads needs a whole number \(got two\)/);
  });
  it('a missing value, a bad count and an unknown option are named', () => {
    expect(() => parse('--steps')).toThrow(/--steps needs a value/);
    expect(() => parse('--only', '--vs-torch')).toThrow(/--only needs a value/);
    expect(() => parse('--steps', '0')).toThrow(/--steps needs a positive whole number/);
    expect(() => parse('--torch')).toThrow(/unknown option --torch/);
    expect(() => parse('--kernels', 'fast')).toThrow(/--kernels must be both, or a comma list of stock, ours, auto \(got fast\)/);
    expect(parse('--help').help).toBe(true);
  });
  it('defaults: 3 warm-up and 20 timed steps, 1 and 3 with --quick', () => {
    expect([parse().warmup, parse().steps]).toEqual([3, 20]);
    expect([parse('--quick').warmup, parse('--quick').steps]).toEqual([1, 3]);
  });
});

describe('engine ratios', () => {
  const rows = () => [
    { backend: 'wasm', workload: 'matmul 512x512x512', ms: 20 },
    { backend: 'pytorch', workload: 'matmul 512x512x512', ms: 5 },
    { backend: 'cpu', workload: 'matmul 512x512x512', ms: 2000 },
    { backend: 'wasm', workload: 'simclr step B=256 28x28x1', family: 'simclr step 28x28x1', items: 256, ms: 800 },
    { backend: 'pytorch', workload: 'simclr step B=256 28x28x1', family: 'simclr step 28x28x1', items: 256, ms: 400 },
    { backend: 'wasm', workload: 'simclr step B=32 28x28x1', family: 'simclr step 28x28x1', items: 32, ms: 120 },
    { backend: 'cpu', workload: 'simclr step B=32 28x28x1', family: 'simclr step 28x28x1', items: 32, ms: 2000 },
    { backend: 'wasm', workload: 'simclr step B=256 32x32x3', family: 'simclr step 32x32x3', items: 256, ms: 900 },
  ];
  it('reprlab/PyTorch time on each row PyTorch ran, cpu time / this time on the same workload', () => {
    const r = addRatios(rows());
    expect(r[0].vsTorch).toBeCloseTo(4, 12);
    expect(r[0].vsCpu).toBeCloseTo(100, 12);
    expect(r[0].vsCpuHow).toBe('same workload');
    expect(r[2].vsTorch).toBeCloseTo(400, 12);
    expect(r[2].vsCpu).toBeUndefined();
    expect(r[1].vsTorch).toBeUndefined();
  });
  it('a batch size cpu did not run is compared per image with its nearest batch of the same family', () => {
    const r = addRatios(rows());
    // (2000 ms / 32 images) / (800 ms / 256 images) = 62.5 / 3.125
    expect(r[3].vsCpu).toBeCloseTo(20, 12);
    expect(r[3].vsCpuHow).toBe('per image, cpu at B=32');
    expect(r[3].vsTorch).toBeCloseTo(2, 12);
    expect(r[5].vsCpu).toBeCloseTo(2000 / 120, 12);
    expect(r[7].vsCpu).toBeUndefined(); // cpu ran no 32x32x3 step
    expect(targetLines(r)).toEqual([
      "target: simclr step B=256 28x28x1 on wasm: 800 ms, 20.0× faster than cpu (per image, cpu at B=32; target ≥ 15×: met), 2.00× PyTorch's time (target ≤ 4×: met)",
    ]);
  });
  it('the closing table has the engine columns only when a run has them', () => {
    const withEngines = markdownTable(addRatios(rows()));
    expect(withEngines.split('\n')[0]).toBe('| backend | workload | ms/step (median) | p10–p90 ms | img/s | TFLOP/s | reprlab/PyTorch | speed-up vs cpu |');
    expect(withEngines).toContain('| wasm | simclr step B=256 28x28x1 | 800.0 | -–- |  |  | 2.00 | 20.0× (per image, cpu at B=32) |');
    const gpuOnly = markdownTable([{ backend: 'webgpu', workload: 'matmul', kernels: 'ours', ms: 2, ratio: 0.5, dispatches: 1 }]);
    expect(gpuOnly.split('\n')[0]).toBe('| backend | workload | kernels | ms/step (median) | p10–p90 ms | img/s | TFLOP/s | GPU dispatches | time vs stock (speed-up) |');
  });
});

describe('bench without torch', () => {
  let dir: string;
  let noTorch: string;
  beforeAll(() => {
    // A python that runs but cannot import torch: Debian's python3 without its site packages (-S).
    dir = mkdtempSync(join(tmpdir(), 'reprlab-bench-'));
    noTorch = join(dir, 'python3');
    writeFileSync(noTorch, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
    chmodSync(noTorch, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('probeTorch says what is missing and how to install it', () => {
    expect(TORCH_MISSING).toBe('torch not found: apt-get install python3-torch');
    const gone = probeTorch('/nonexistent/python3');
    expect(gone.ok).toBe(false);
    expect(gone.reason).toBe('torch not found: apt-get install python3-torch (no /nonexistent/python3)');
    const bare = probeTorch(noTorch);
    expect(bare.ok).toBe(false);
    expect(bare.reason).toBe(`torch not found: apt-get install python3-torch (${noTorch} has no module torch)`);
  });
  it('torch_workloads.py itself answers with the same message and status 3', () => {
    const r = spawnSync(noTorch, [TORCH_SCRIPT, '--spec', '{"kind":"matmul","n":8}'], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: 'torch not found: apt-get install python3-torch' });
  });
  it('torch_workloads.py checks its own arguments before it needs torch', () => {
    const r = spawnSync(noTorch, [TORCH_SCRIPT, '--threads', '0', '--spec', '{}'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--threads must be a positive integer \(got 0\)/);
  });
  it('npm run bench -- --vs-torch prints the message and rows without the ratio', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench.mjs'), '--backend', 'cpu', '--vs-torch', '--quick', '--only', 'matmul 128', '--steps', '1', '--warmup', '0'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, REPRLAB_PYTHON: noTorch },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`torch not found: apt-get install python3-torch (${noTorch} has no module torch)`);
    expect(r.stdout).toContain('sudo apt-get install -y --no-install-recommends python3-torch');
    const row = r.stdout.split('\n').find((l) => l.startsWith('| cpu | matmul 128x128x128 |'));
    expect(row).toBeDefined();
    expect(r.stdout).toContain('| reprlab/PyTorch |');
    expect(row!.trim().endsWith('|  |')).toBe(true); // the reprlab/PyTorch cell is empty
    expect(r.stdout).not.toMatch(/\| pytorch \|/);
  }, 120_000);
});

describe.skipIf(!hasTorch)('PyTorch workloads (where /usr/bin/python3 has torch)', () => {
  const torchNtXent = (z1: number[][], z2: number[][], tau: number) => {
    const r = spawnSync(PYTHON, [TORCH_SCRIPT, '--ntxent', JSON.stringify({ z1, z2, tau })], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout).loss as number;
  };
  it('NT-Xent: log(2 + e²) − 2 for two orthogonal unit pairs at τ = 0.5 (worked by hand)', () => {
    // Each row's positive has cosine 1 (s = 2), its two negatives cosine 0 (s = 0): ℓ = log(e⁰ + e² + e⁰) − 2.
    expect(torchNtXent([[1, 0], [0, 1]], [[2, 0], [0, 3]], 0.5)).toBeCloseTo(Math.log(2 + Math.exp(2)) - 2, 5);
  });
  it("NT-Xent equals the library's ntXent on random rows", async () => {
    await useBackend('cpu');
    const a = tf.randomNormal([5, 4], 0, 1, 'float32', 7);
    const b = tf.randomNormal([5, 4], 0, 1, 'float32', 8);
    const lib = ntXent(a as tf.Tensor2D, b as tf.Tensor2D, { temperature: 0.3 });
    const expected = (await lib.data())[0]!;
    const got = torchNtXent((await a.array()) as number[][], (await b.array()) as number[][], 0.3);
    tf.dispose([a, b, lib]);
    expect(got).toBeCloseTo(expected, 4);
  });
  it('one timed workload prints JSON with the median and the thread count', () => {
    const r = spawnSync(PYTHON, [TORCH_SCRIPT, '--spec', '{"kind":"conv","what":"bwd-filter","x":[2,9,7,3],"cout":4,"stride":2}', '--steps', '2', '--warmup', '0'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.threads).toBe(1);
    expect(out.times).toHaveLength(2);
    expect(out.ms).toBeGreaterThan(0);
  });
});
