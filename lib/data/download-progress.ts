/**
 * The progress line of a download:
 *
 *   reprlab: downloading train-images-idx3-ubyte.gz  12.3 / 26.4 MB  47%  3.1 MB/s
 *
 * On a terminal (TTY) one line rewritten with `\r` at most every 0.5 s; elsewhere (a notebook cell, a CI log, a pipe)
 * whole lines at 25 %, 50 %, 75 % and the end, so a log gets at most five lines per file. Written to
 * `process.stdout`, looked up at each write (tslab redirects it per cell). lib/viz's ProgressBar is the training
 * bar; lib/data sits below lib/viz and carries this small one of its own.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface DownloadProgressOptions {
  /** Where to write (default process.stdout at each write). */
  stream?: ProgressStream;
  /** Clock in milliseconds (default performance.now; tests pass a fake one). */
  now?: () => number;
}

/** `26.4 MB`, `812 kB`, `93 B`. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

export class DownloadProgress {
  private received = 0;
  private lastDraw = -Infinity;
  private nextQuarter = 1;
  private readonly started: number;
  private readonly now: () => number;

  /** `name`: what is downloaded (the file name); `total`: its size in bytes when the server said (content-length). */
  constructor(
    private readonly name: string,
    private readonly total: number | undefined,
    private readonly options: DownloadProgressOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  private get stream(): ProgressStream {
    return this.options.stream ?? process.stdout;
  }

  /** The line as it reads now (no `\r`, no newline). */
  line(): string {
    const seconds = (this.now() - this.started) / 1000;
    const rate = seconds > 0.2 ? `  ${formatBytes(this.received / seconds)}/s` : '';
    const size = this.total ? `${formatBytes(this.received)} / ${formatBytes(this.total)}  ${Math.floor((100 * this.received) / this.total)}%` : formatBytes(this.received);
    return `reprlab: downloading ${this.name}  ${size}${rate}`;
  }

  /** `bytes` more arrived. */
  update(bytes: number): void {
    this.received += bytes;
    if (this.stream.isTTY) {
      const t = this.now();
      if (t - this.lastDraw < 500) return;
      this.lastDraw = t;
      this.stream.write(`\r${this.line()}`);
    } else if (this.total) {
      let crossed = false;
      while (this.nextQuarter < 4 && this.received >= (this.total * this.nextQuarter) / 4) {
        this.nextQuarter++;
        crossed = true;
      }
      if (crossed) this.stream.write(`${this.line()}\n`);
    }
  }

  /** The download ended (complete or not): the last line, ended with a newline. */
  done(note = ''): void {
    const text = `${this.line()}${note ? `  ${note}` : ''}`;
    this.stream.write(this.stream.isTTY ? `\r${text}\n` : `${text}\n`);
  }
}
