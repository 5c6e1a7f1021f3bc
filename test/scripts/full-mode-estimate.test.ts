/**
 * scripts/measure/full-mode-estimate.mjs without training anything: the command line (bad values named with the
 * fix), the notebook filter, the step timer that stops a run (driven by a fake clock), the extrapolation to the
 * full-mode counts (worked out by hand) and the table. The measurement itself: environment.md, "Full mode".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without type declarations
import { parseArgs, selectNotebooks, StepTimer, EnoughSteps, extrapolate, summarize, formatTable, hms, NOTEBOOKS, UsageError } from '../../scripts/measure/full-mode/plan.mjs';

const ROOT = join(__dirname, '..', '..');

describe('full-mode-estimate: command line', () => {
  it('defaults, and every option', () => {
    const o = parseArgs([]);
    expect(o).toMatchObject({ notebooks: NOTEBOOKS, steps: 20, warmup: 3, minSteps: 5, budget: 30, evalRows: 4096, backend: 'wasm', resume: false });
    const p = parseArgs(['--notebooks', '6,07', '--steps', '8', '--warmup', '0', '--min-steps', '8', '--budget', '2.5', '--eval-rows', '512', '--backend', 'cpu', '--out', '/tmp/x.jsonl', '--resume']);
    expect(p).toMatchObject({ notebooks: ['06-contrastive-simclr-moco', '07-non-contrastive'], steps: 8, warmup: 0, minSteps: 8, budget: 2.5, evalRows: 512, backend: 'cpu', out: '/tmp/x.jsonl', resume: true });
    expect(parseArgs(['--help']).help).toBe(true);
  });
  it('bad values are named with what is accepted', () => {
    const bad = (args: string[], msg: RegExp) => {
      expect(() => parseArgs(args)).toThrow(UsageError);
      expect(() => parseArgs(args)).toThrow(msg);
    };
    bad(['--steps', '0'], /--steps needs a whole number ≥ 1 \(got 0\)/);
    bad(['--steps', 'x'], /--steps needs a whole number/);
    bad(['--steps'], /--steps needs a value/);
    bad(['--budget', '-1'], /--budget needs a positive number of seconds \(got -1\)/);
    bad(['--backend', 'gpu'], /--backend must be one of wasm, cpu, webgpu, tensorflow \(got gpu\)/);
    bad(['--eval-rows', '10'], /--eval-rows needs a whole number ≥ 64/);
    bad(['--min-steps', '30'], /--min-steps \(30\) must not exceed --steps \(20\)/);
    bad(['--frobnicate'], /unknown option --frobnicate/);
  });
  it('--notebooks: numbers, name prefixes, all; unknown and ambiguous names are refused', () => {
    expect(selectNotebooks('all')).toEqual(NOTEBOOKS);
    expect(selectNotebooks('0,09,03-pre,0')).toEqual(['00-setup', '09-collapse-and-evaluation', '03-pretext-tasks']);
    expect(selectNotebooks('05-transfer-learning')).toEqual(['05-transfer-learning']);
    expect(() => selectNotebooks('10')).toThrow(/'10' names no notebook/);
    expect(() => selectNotebooks('0-')).toThrow(/names no notebook/);
    expect(() => parseArgs(['--notebooks', ','])).toThrow(/empty list/);
  });
  it('the script exits 2 with the message on a bad option, before loading tfjs', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'measure', 'full-mode-estimate.mjs'), '--notebooks', '42'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--notebooks: '42' names no notebook/);
  });
});

/** A fake clock: each step takes `wall` ms of wall time and `cpu` ms of CPU. */
function fakeClock(wall: number, cpu: number) {
  const c = { w: 0, u: 0, wall: () => c.w, cpu: () => c.u, step: () => ((c.w += wall), (c.u += cpu)) };
  return c;
}

/** Drive a timer like a training loop: one tick after each of up to `total` steps; returns the steps run. */
function drive(timer: { tick(n: number): void }, clock: { step(): void }, total: number): number {
  let n = 0;
  try {
    while (n < total) {
      clock.step();
      n++;
      timer.tick(n);
    }
  } catch (e) {
    if (!(e instanceof EnoughSteps)) throw e;
  }
  return n;
}

describe('full-mode-estimate: StepTimer', () => {
  it('times `steps` steps after the warm-up, then stops the run', () => {
    const clock = fakeClock(300, 100);
    const t = new StepTimer({ warmup: 3, steps: 10, minSteps: 5, budget: 1e6 }, clock);
    expect(drive(t, clock, 1000)).toBe(13);
    expect(t.result()).toEqual({ timedSteps: 10, wallMsPerStep: 300, cpuMsPerStep: 100 });
  });
  it('stops early on the CPU budget, but not before minSteps', () => {
    const clock = fakeClock(5000, 2000); // 2 s CPU per step, budget 3 s: the budget is spent after 2 steps, minSteps 5 wins
    const t = new StepTimer({ warmup: 1, steps: 20, minSteps: 5, budget: 3 }, clock);
    expect(drive(t, clock, 1000)).toBe(6);
    expect(t.result()).toEqual({ timedSteps: 5, wallMsPerStep: 5000, cpuMsPerStep: 2000 });
    const fast = fakeClock(10, 500); // 0.5 s per step, budget 3 s: stops after 6 timed steps (3 s reached)
    const u = new StepTimer({ warmup: 0, steps: 20, minSteps: 2, budget: 3 }, fast);
    drive(u, fast, 1000);
    expect(u.result()?.timedSteps).toBe(6);
  });
  it('warm-up steps are not timed: a slow first step does not count', () => {
    const c = { w: 0, u: 0, wall: () => c.w, cpu: () => c.u };
    const t = new StepTimer({ warmup: 1, steps: 2, minSteps: 1, budget: 100 }, c);
    c.w = 9000; c.u = 9000; t.tick(1); // the first step: 9 s
    c.w += 100; c.u += 50; t.tick(2);
    c.w += 100; c.u += 50;
    expect(() => t.tick(3)).toThrow(EnoughSteps);
    expect(t.result()).toEqual({ timedSteps: 2, wallMsPerStep: 100, cpuMsPerStep: 50 });
  });
  it('a run that ends by itself keeps what was timed; one with no timed step gives undefined', () => {
    const clock = fakeClock(40, 20);
    const t = new StepTimer({ warmup: 2, steps: 20, minSteps: 5, budget: 100 }, clock);
    expect(drive(t, clock, 6)).toBe(6);
    expect(t.result()).toEqual({ timedSteps: 4, wallMsPerStep: 40, cpuMsPerStep: 20 });
    const none = new StepTimer({ warmup: 5, steps: 20, minSteps: 5, budget: 100 }, clock);
    drive(none, clock, 5);
    expect(none.result()).toBeUndefined();
  });
  it('progress() is a lib/train ProgressLike that ticks', () => {
    const clock = fakeClock(1, 1);
    const t = new StepTimer({ warmup: 0, steps: 1, minSteps: 1, budget: 100 }, clock);
    const p = t.progress();
    p.update(0, {});
    clock.step();
    expect(() => p.update(1, { loss: 1 })).toThrow(EnoughSteps);
    expect(p.done()).toBeUndefined();
  });
});

describe('full-mode-estimate: extrapolation and table', () => {
  it('a training run: ms/step × full-mode steps', () => {
    expect(extrapolate({ kind: 'train', run: 'r', fullSteps: 3000, cpuMsPerStep: 2500, wallMsPerStep: 9000 })).toEqual({ cpuS: 7500, wallS: 27000 });
  });
  it('an evaluation part: time × scale × count', () => {
    // embed timed on 4,096 images in 1.2 s CPU, 70,000 images × 15 encoders: 1.2 · (1,050,000 / 4,096) = 307.6 s
    const e = extrapolate({ kind: 'eval', run: 'embed', cpuMs: 1200, wallMs: 3000, scale: 1050000 / 4096, count: 1 });
    expect(e.cpuS).toBeCloseTo(307.617, 3);
    expect(e.wallS).toBeCloseTo(769.043, 3);
    expect(extrapolate({ kind: 'eval', run: 'knn', cpuMs: 800, wallMs: 800, scale: 143.05, count: 15 }).cpuS).toBeCloseTo(1716.6, 1);
    expect(extrapolate({ kind: 'eval', run: 'once', cpuMs: 500, wallMs: 700 })).toEqual({ cpuS: 0.5, wallS: 0.7 });
    expect(() => extrapolate({ kind: 'eval', run: 'x', cpuMs: 1, wallMs: 1, scale: 0 })).toThrow(/scale must be > 0/);
    expect(() => extrapolate({ kind: 'train', run: 'y', cpuMsPerStep: 1 })).toThrow(/needs fullSteps/);
  });
  it('summarize: the latest record of a part wins, a total per notebook', () => {
    const recs = [
      { notebook: '06', run: 'SimCLR', kind: 'train', fullSteps: 3000, timedSteps: 5, cpuMsPerStep: 9999, wallMsPerStep: 9999 },
      { notebook: '06', run: 'SimCLR', kind: 'train', fullSteps: 3000, timedSteps: 5, cpuMsPerStep: 2000, wallMsPerStep: 4000 },
      { notebook: '06', run: 'kNN', kind: 'eval', cpuMs: 1000, wallMs: 2000, scale: 10, count: 3 },
      { notebook: '00', run: 'cls', kind: 'train', fullSteps: 400, timedSteps: 20, cpuMsPerStep: 500, wallMsPerStep: 600 },
    ];
    const rows = summarize(recs);
    expect(rows.map((r: { notebook: string; run: string }) => `${r.notebook}/${r.run}`)).toEqual(['00/cls', '00/total', '06/SimCLR', '06/kNN', '06/total']);
    const total06 = rows.find((r: { notebook: string; run: string }) => r.notebook === '06' && r.run === 'total');
    expect(total06.cpuS).toBeCloseTo(6000 + 30, 6); // 2 s × 3000 + 1 s × 10 × 3
    expect(total06.wallS).toBeCloseTo(12000 + 60, 6);
    const md = formatTable(rows, { markdown: true });
    expect(md.split('\n')[0]).toMatch(/^\| notebook \| run \|/);
    expect(md).toContain('| 06 | **total** |  |  |  |  | **1:40:30** | **3:21:00** |  |');
    expect(formatTable(rows)).toContain('1:40:30');
  });
  it('summarize with groupEval: one evaluation row per notebook, the same total', () => {
    const recs = [
      { notebook: '07', run: 'BYOL', kind: 'train', fullSteps: 3000, timedSteps: 5, cpuMsPerStep: 3000, wallMsPerStep: 9000 },
      { notebook: '07', run: 'embed', kind: 'eval', cpuMs: 2000, wallMs: 4000, scale: 30, count: 1 },
      { notebook: '07', run: 'kNN', kind: 'eval', cpuMs: 500, wallMs: 500, scale: 100, count: 5 },
    ];
    const rows = summarize(recs, { groupEval: true });
    expect(rows.map((r: { run: string }) => r.run)).toEqual(['BYOL', 'evaluation (2 parts)', 'total']);
    expect(rows[1].cpuS).toBeCloseTo(60 + 250, 6);
    expect(rows[2].cpuS).toBeCloseTo(9000 + 310, 6);
    expect(summarize(recs).at(-1).cpuS).toBeCloseTo(rows[2].cpuS, 9);
  });
  it('hms', () => {
    expect(hms(59.4)).toBe('0:59');
    expect(hms(3599.6)).toBe('1:00:00');
    expect(hms(7530)).toBe('2:05:30');
  });
  it('--table prints a saved file without tfjs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fme-'));
    const f = join(dir, 'r.jsonl');
    writeFileSync(f, `${JSON.stringify({ notebook: '00-setup', run: 'cls', kind: 'train', fullSteps: 400, timedSteps: 20, cpuMsPerStep: 500, wallMsPerStep: 600 })}\n`);
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'measure', 'full-mode-estimate.mjs'), '--table', f, '--markdown'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('| 00-setup | cls | 400 | 20 | 500 | 600 | 3:20 | 4:00 |');
  });
});
