import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar } from '../../lib/viz/index.js';

function fake(isTTY = false) {
  const out: string[] = [];
  let t = 0;
  return {
    out,
    text: () => out.join(''),
    stream: { write: (s: string) => out.push(s), isTTY },
    now: () => t,
    advance: (ms: number) => (t += ms),
  };
}

describe('ProgressBar', () => {
  it('rewrites one line with \\r, throttled, with step, smoothed loss, it/s and ETA; done ends the line', () => {
    const f = fake();
    const bar = new ProgressBar({ total: 100, label: 'train', stream: f.stream, now: f.now, mode: 'tty', smoothing: 0 });
    f.advance(100);
    bar.update(1, { loss: 2.5 });
    expect(f.out).toHaveLength(1);
    expect(f.out[0]).toMatch(/^\rtrain   1\/100 \[▎ +\]   1% loss 2\.5 \| 10 it\/s \| ETA 0:10$/);
    f.advance(100);
    bar.update(2, { loss: 2.4 }); // within 0.5 s: not drawn
    expect(f.out).toHaveLength(1);
    f.advance(400);
    bar.update(6, { loss: 2.0, acc: 0.25 });
    expect(f.out).toHaveLength(2);
    expect(f.out[1]).toMatch(/^\rtrain   6\/100 \[█▎ +\]   6% loss 2 acc 0\.25 \| 10 it\/s \| ETA 0:09/);
    f.advance(9400);
    bar.update(100, { loss: 1 }); // the last step is always drawn
    const summary = bar.done();
    expect(summary).toBe('train: 100/100 steps in 0:10 (10 it/s), loss 1, acc 0.25');
    expect(f.text().endsWith('\n')).toBe(true);
    expect(f.text().split('\n')).toHaveLength(2); // one line, then the final newline
    expect(f.out.at(-2)).toMatch(/\[█{20}\] 100% loss 1 acc 0\.25 \| 10 it\/s \| 0:10/);
    expect(bar.done()).toBe(summary); // idempotent, writes nothing more
    const n = f.out.length;
    bar.update(5, { loss: 3 });
    expect(f.out.length).toBe(n);
  });

  it('pads a shorter line so no characters of the previous one remain', () => {
    const f = fake();
    const bar = new ProgressBar({ total: 10, stream: f.stream, now: f.now, mode: 'notebook', every: 0 });
    f.advance(1000);
    bar.update(1, { loss: 123.456, extra: 1.23456 });
    const first = f.out[0]!.length;
    f.advance(1000);
    bar.update(2, { loss: 1 });
    expect(f.out[1]!.length).toBeGreaterThanOrEqual(first);
  });

  it('smooths the loss with a bias-corrected moving average', () => {
    const f = fake();
    const bar = new ProgressBar({ total: 10, stream: f.stream, now: f.now, mode: 'silent', smoothing: 0.5 });
    bar.update(1, { loss: 4 });
    expect(bar.loss).toBe(4); // bias correction: the first value is not pulled towards 0
    bar.update(2, { loss: 1 });
    expect(bar.loss).toBeCloseTo((0.5 * 0.5 * 4 + 0.5 * 1) / 0.75, 10);
    expect(f.out).toHaveLength(0);
  });

  it('prints at most maxLines whole lines in log mode (CI), the last being the final state', () => {
    const f = fake(false);
    const bar = new ProgressBar({ total: 1000, label: 'fit', stream: f.stream, now: f.now });
    expect(bar.mode).toBe('log');
    for (let s = 1; s <= 1000; s++) {
      f.advance(10);
      bar.update(s, { loss: 1 / s });
    }
    bar.done();
    const lines = f.text().trimEnd().split('\n');
    expect(lines.length).toBe(10);
    expect(lines.every((l) => !l.includes('\r'))).toBe(true);
    expect(lines[0]).toMatch(/^fit  100\/1000 /);
    expect(lines.at(-1)).toMatch(/^fit 1000\/1000 \[█{20}\] 100% loss .* \| 100 it\/s \| 0:10$/);
  });

  it('counts speed from the first update (resumed runs) and handles bursts of updates', () => {
    const f = fake();
    const bar = new ProgressBar({ total: 600, stream: f.stream, now: f.now, mode: 'silent' });
    f.advance(1000);
    for (let s = 501; s <= 510; s++) bar.update(s, { loss: 1 });
    expect(bar.rate).toBe(10);
  });

  it('shows a non-finite loss as it is (NaN), not the last smoothed value; a finite one afterwards resumes the average', () => {
    const f = fake();
    const bar = new ProgressBar({ total: 10, label: 'run', stream: f.stream, now: f.now, mode: 'tty', every: 0, smoothing: 0.5 });
    bar.update(1, { loss: 2 });
    bar.update(2, { loss: 2 });
    expect(bar.loss).toBeCloseTo(2, 10);
    bar.update(3, { loss: NaN });
    expect(bar.loss).toBeNaN();
    expect(f.out.at(-1)).toMatch(/^\rrun  3\/10 \[.*\]  30% loss NaN \|/);
    bar.update(4, { loss: Infinity });
    expect(f.out.at(-1)).toContain('loss Infinity');
    expect(bar.done()).toMatch(/^run: 4\/10 steps in .*, loss Infinity$/);
    const g = new ProgressBar({ total: 3, stream: f.stream, now: f.now, mode: 'silent', smoothing: 0 });
    g.update(1, { loss: NaN });
    g.update(2, { loss: 1.5 });
    expect(g.loss).toBe(1.5);
  });

  it('reports a run with no steps', () => {
    const f = fake();
    expect(new ProgressBar({ total: 5, label: 'x', stream: f.stream, now: f.now, mode: 'tty' }).done()).toBe('x: no steps run');
    expect(f.out).toHaveLength(0);
  });

  it('validates its options', () => {
    expect(() => new ProgressBar({ total: -1 })).toThrow(/argument 'total' must be a non-negative integer/);
    expect(() => new ProgressBar({ total: 5, smoothing: 1 })).toThrow(/'smoothing'/);
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75.4)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('?');
  });
});
