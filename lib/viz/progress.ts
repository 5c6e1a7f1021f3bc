/**
 * A training progress bar for notebooks, terminals and CI logs:
 *
 *   simclr  120/500 [████▊               ]  24% loss 2.113 acc 0.41 | 18.2 it/s | ETA 0:20
 *
 * `update(step, { loss, ...metrics })` after step `step` (1-based, out of `total`); `done()` ends the line and
 * returns a summary. The loss is shown smoothed (bias-corrected exponential moving average), other metrics as
 * their last value; speed counts steps since the first update. A non-finite loss (NaN, ±Infinity) is shown as it
 * is — `loss NaN` — until a finite one follows: the bar never keeps showing the last good value of a diverged run.
 *
 * Where it writes:
 * - a tslab notebook or a terminal (TTY): one line rewritten in place with `\r` (Jupyter collapses carriage
 *   returns in stream output), at most every `every` seconds (default 0.5), and a newline at `done()`;
 * - anywhere else (CI logs, pipes): whole lines, at most `maxLines` (default 10) spread over the run.
 * It looks up `process.stdout` at each write, so it follows tslab's per-cell stream redirection.
 */
import { inNotebook } from '../notebook/display.js';
import { formatNumber } from '../notebook/format.js';
import { check } from '../util/errors.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type ProgressMode = 'tty' | 'notebook' | 'log' | 'silent';

export interface ProgressBarOptions {
  /** Number of steps. */
  total: number;
  /** Name at the start of the line (e.g. the method). */
  label?: string;
  /** Seconds between redraws of the live line (default 0.5). */
  every?: number;
  /** Weight of the loss's moving average in [0, 1) (default 0.9; 0 shows the raw loss). */
  smoothing?: number;
  /** Steps already done when the bar starts (resumed runs); default: the first update's step - 1. */
  start?: number;
  /** Where to write (default process.stdout, looked up at each write). */
  stream?: ProgressStream;
  /** Force a rendering mode (default: notebook in tslab, tty on a terminal, log otherwise). */
  mode?: ProgressMode;
  /** Lines printed at most in log mode (default 10). */
  maxLines?: number;
  /** Bar width in characters (default 20). */
  width?: number;
  /** Clock in milliseconds (default performance.now; tests pass a fake one). */
  now?: () => number;
}

const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** `m:ss`, or `h:mm:ss` from an hour. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class ProgressBar {
  readonly total: number;
  readonly label: string;
  readonly mode: ProgressMode;
  private readonly o: ProgressBarOptions;
  private readonly now: () => number;
  private readonly t0: number;
  private base: number | undefined;
  private step = 0;
  private metrics: Record<string, number> = {};
  private ema = 0;
  private emaNorm = 0;
  /** The last reported loss when it was not finite (shown instead of the average). */
  private nonFiniteLoss: number | undefined;
  private lastDraw = -Infinity;
  private lastLen = 0;
  private drawn = false;
  private linesPrinted = 0;
  private nextMilestone = 1;
  private finished: string | undefined;

  constructor(options: ProgressBarOptions) {
    check(options !== null && typeof options === 'object', 'ProgressBar', 'options', 'an object { total, label? }', options);
    const { total, smoothing = 0.9, every = 0.5, maxLines = 10 } = options;
    check(Number.isInteger(total) && total >= 0, 'ProgressBar', 'total', 'a non-negative integer number of steps', total);
    check(smoothing >= 0 && smoothing < 1, 'ProgressBar', 'smoothing', 'a weight in [0, 1)', smoothing);
    check(every >= 0, 'ProgressBar', 'every', 'seconds >= 0', every);
    check(Number.isInteger(maxLines) && maxLines >= 1, 'ProgressBar', 'maxLines', 'a positive integer', maxLines);
    this.o = options;
    this.total = total;
    this.label = options.label ?? '';
    this.now = options.now ?? (() => performance.now());
    this.t0 = this.now();
    this.base = options.start;
    const stream = options.stream ?? process.stdout;
    this.mode = options.mode ?? (inNotebook() ? 'notebook' : stream.isTTY ? 'tty' : 'log');
    this.nextMilestone = this.milestone(1);
  }

  /** Record that `step` steps are done (1-based), with the step's loss and any other metrics. */
  update(step: number, metrics: Record<string, number> = {}): void {
    if (this.finished !== undefined) return;
    check(Number.isFinite(step), 'ProgressBar.update', 'step', 'a number of steps done', step);
    this.base ??= Math.max(0, step - 1);
    this.step = step;
    for (const [k, v] of Object.entries(metrics)) {
      if (typeof v !== 'number') continue;
      this.metrics[k] = v;
      if (k === 'loss') this.nonFiniteLoss = Number.isFinite(v) ? undefined : v;
      if (k === 'loss' && Number.isFinite(v)) {
        const w = this.o.smoothing ?? 0.9;
        this.ema = w * this.ema + (1 - w) * v;
        this.emaNorm = w * this.emaNorm + (1 - w);
      }
    }
    const t = this.now();
    if (this.mode === 'log') {
      if (step >= this.nextMilestone && step < this.total) {
        this.writeLine(this.line());
        while (this.nextMilestone <= step) this.nextMilestone = this.milestone(++this.linesPrinted + 1);
      }
      return;
    }
    if (this.mode === 'silent') return;
    if (!this.drawn || t - this.lastDraw >= (this.o.every ?? 0.5) * 1000 || step >= this.total) this.draw(t);
  }

  /** Smoothed loss (NaN before any loss was reported; the raw value when the last one reported was not finite). */
  get loss(): number {
    if (this.nonFiniteLoss !== undefined) return this.nonFiniteLoss;
    return this.emaNorm > 0 ? this.ema / this.emaNorm : (this.metrics.loss ?? NaN);
  }

  /** Steps per second since the first update. */
  get rate(): number {
    const seconds = (this.now() - this.t0) / 1000;
    return seconds > 0 ? (this.step - (this.base ?? 0)) / seconds : 0;
  }

  /** Finish: draw the final state, end the line, and return a one-line summary. Calling it again is harmless. */
  done(): string {
    if (this.finished !== undefined) return this.finished;
    const seconds = (this.now() - this.t0) / 1000;
    const name = this.label ? `${this.label}: ` : '';
    if (this.base === undefined) {
      this.finished = `${name}no steps run`;
      if (this.mode === 'log') this.writeLine(this.finished);
      return this.finished;
    }
    const loss = Number.isFinite(this.loss) || this.nonFiniteLoss !== undefined ? `, loss ${formatNumber(this.loss)}` : '';
    const others = Object.entries(this.metrics)
      .filter(([k]) => k !== 'loss')
      .map(([k, v]) => `, ${k} ${formatNumber(v)}`)
      .join('');
    this.finished = `${name}${this.step}/${this.total} steps in ${formatDuration(seconds)} (${formatNumber(this.rate, 3)} it/s)${loss}${others}`;
    if (this.mode === 'log') this.writeLine(this.line(true));
    else if (this.mode !== 'silent') {
      this.draw(this.now(), true);
      this.write('\n');
    }
    return this.finished;
  }

  /** The current status line. */
  line(final = false): string {
    const total = this.total;
    const frac = total > 0 ? Math.min(1, Math.max(0, this.step / total)) : 1;
    const width = this.o.width ?? 20;
    const eighths = Math.round(frac * width * 8);
    const full = Math.floor(eighths / 8);
    const bar = ('█'.repeat(full) + PARTIAL[eighths % 8]).padEnd(width, ' ');
    const digits = String(total).length;
    const parts = [`${this.label ? this.label + ' ' : ''}${String(this.step).padStart(digits)}/${total} [${bar}] ${String(Math.floor(frac * 100)).padStart(3)}%`];
    const metrics = Object.entries(this.metrics).map(([k, v]) => `${k} ${formatNumber(k === 'loss' ? this.loss : v)}`);
    if (metrics.length) parts[0] += ' ' + metrics.join(' ');
    const rate = this.rate;
    parts.push(`${formatNumber(rate, 3)} it/s`);
    const elapsed = (this.now() - this.t0) / 1000;
    if (final || this.step >= total) parts.push(formatDuration(elapsed));
    else parts.push(`ETA ${rate > 0 ? formatDuration((total - this.step) / rate) : '?'}`);
    return parts.join(' | ');
  }

  private milestone(k: number): number {
    const lines = this.o.maxLines ?? 10;
    return Math.max(1, Math.ceil((this.total * k) / lines));
  }

  private draw(t: number, force = false): void {
    if (!force && this.step === 0 && this.drawn) return;
    let text = this.line(force);
    const cols = this.mode === 'tty' ? this.stream().columns : undefined;
    if (cols && text.length > cols - 1) text = text.slice(0, cols - 1);
    const pad = this.lastLen > text.length ? ' '.repeat(this.lastLen - text.length) : '';
    this.write('\r' + text + pad);
    this.lastLen = text.length;
    this.lastDraw = t;
    this.drawn = true;
  }

  private writeLine(text: string): void {
    this.write(text + '\n');
  }

  private stream(): ProgressStream {
    return this.o.stream ?? process.stdout;
  }

  private write(text: string): void {
    this.stream().write(text);
  }
}
