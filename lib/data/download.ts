/**
 * Download a file, verify it against known checksums, and only then write it to the cache atomically (temp file +
 * rename): a failed or corrupt download leaves nothing behind.
 *
 * - Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lowercase forms) are honoured (lib/data/proxy.ts),
 *   through undici's ProxyAgent (Node 20's built-in fetch ignores them).
 * - Transient failures (a reset or timed-out connection, a body cut short, HTTP 408/429/5xx) are retried with
 *   exponential backoff: `retries` more attempts (default 3), waiting `retryDelayMs` (default 1 s), then twice that,
 *   … (an HTTP Retry-After up to 60 s is honoured). A refused connection, an unknown host (offline), HTTP 4xx and a
 *   failed checksum are not retried: the error says at once what happened and how to fix it.
 * - Progress: one line (lib/data/download-progress.ts) while the bytes arrive, when `verbose`.
 */
import { basename } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { describeChecksums, verifyChecksums, type Checksum } from './checksum.js';
import { DownloadProgress, formatBytes, type ProgressStream } from './download-progress.js';
import { DataFileError } from './errors.js';
import { proxyFor, type ProxyChoice } from './proxy.js';

export interface DownloadOptions {
  /** Known checksums: the download must match one of them. */
  checksums: readonly Checksum[];
  /** Print a line before downloading and a progress line while it runs (default true). */
  verbose?: boolean;
  /** Give up on one attempt after this many milliseconds (default 30 minutes). */
  timeoutMs?: number;
  /** More attempts after a transient failure (default 3). */
  retries?: number;
  /** Wait before the first retry, doubled before each next one (default 1000 ms). */
  retryDelayMs?: number;
  /** Where the progress line goes (default process.stdout). */
  progressStream?: ProgressStream;
}

/** A failure of one attempt: what to say, and whether another attempt may succeed. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Error codes of a connection that may work on the next try (not: refused, unknown host, unreachable network). */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;

async function loadUndici(url: string): Promise<Undici> {
  undici ??= import('undici');
  try {
    return await undici;
  } catch (err) {
    undici = undefined;
    throw new DataFileError(url, `cannot download: the 'undici' package is missing (${err instanceof Error ? err.message : String(err)})`, "run 'npm ci' in the reprlab folder");
  }
}

/** Fetch `url` (through the environment's proxy), verify it, write it to `dest` atomically and return its bytes. */
export async function downloadVerified(url: string, dest: string, options: DownloadOptions): Promise<Uint8Array> {
  const { checksums, verbose = true, timeoutMs = 30 * 60_000, retries = 3, retryDelayMs = 1000 } = options;
  const proxy = proxyFor(url);
  const via = proxy ? ` (through the proxy ${proxy.shown} from ${proxy.variable})` : '';
  const manual = `check the network and retry, or download ${url} yourself and put it at ${dest}`;
  const fix = proxy
    ? `check the proxy ${proxy.shown} (${proxy.variable}; NO_PROXY lists hosts to reach directly), or download ${url} yourself and put it at ${dest}`
    : `${manual}; behind a proxy, set HTTPS_PROXY=http://proxy.example.org:3128`;
  if (verbose) console.log(`reprlab: downloading ${url} -> ${dest}${via}`);
  const { fetch, ProxyAgent } = await loadUndici(url);
  const dispatcher = proxy ? new ProxyAgent({ uri: proxy.url }) : undefined;
  let bytes: Uint8Array | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        bytes = await attemptDownload(fetch, dispatcher, url, timeoutMs, verbose ? options.progressStream ?? process.stdout : undefined, proxy);
        break;
      } catch (err) {
        if (!(err instanceof AttemptError)) throw err;
        const tried = attempt + 1;
        if (!err.transient || attempt >= retries) {
          const after = tried > 1 ? ` after ${tried} attempts` : '';
          throw new DataFileError(url, `${err.message}${after}${via}`, fix);
        }
        const wait = Math.min(Math.max(retryDelayMs * 2 ** attempt, err.retryAfterMs ?? 0), 60_000);
        if (verbose) console.log(`reprlab: ${err.message}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${tried + 1} of ${retries + 1})`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  } finally {
    await dispatcher?.close().catch(() => {});
  }
  const bad = verifyChecksums(bytes, checksums);
  if (bad !== null) {
    throw new DataFileError(
      url,
      `download failed verification: expected ${describeChecksums(checksums)}, found ${bad} (${bytes.length} bytes); nothing was written to ${dest}`,
      `retry; if it fails again the server sends a different or damaged file: ${manual}`,
    );
  }
  writeFileAtomic(dest, bytes);
  return bytes;
}

/** One attempt: the whole body, or an AttemptError saying whether to retry. */
async function attemptDownload(
  fetch: Undici['fetch'],
  dispatcher: InstanceType<Undici['ProxyAgent']> | undefined,
  url: string,
  timeoutMs: number,
  stream: ProgressStream | undefined,
  proxy: ProxyChoice | null,
): Promise<Uint8Array> {
  let response: Awaited<ReturnType<Undici['fetch']>>;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), ...(dispatcher ? { dispatcher } : {}) });
  } catch (err) {
    const { code, message } = causeOf(err);
    const proxyRefused = proxy && /proxy/i.test(message) && /\b40[37]\b/.test(message);
    throw new AttemptError(`download failed (${message})`, !proxyRefused && (TRANSIENT_CODES.has(code) || code === 'TimeoutError'));
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new AttemptError(`download failed: the server answered HTTP ${response.status} ${response.statusText}`, TRANSIENT_STATUS.has(response.status), Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  const length = Number(response.headers.get('content-length'));
  const progress = stream ? new DownloadProgress(basename(new URL(url).pathname) || url, length > 0 ? length : undefined, { stream }) : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body ?? []) {
      chunks.push(chunk);
      received += chunk.byteLength;
      progress?.update(chunk.byteLength);
    }
  } catch (err) {
    progress?.done('interrupted');
    throw new AttemptError(`download interrupted after ${formatBytes(received)} (${causeOf(err).message})`, true);
  }
  if (length > 0 && received !== length) {
    progress?.done('incomplete');
    throw new AttemptError(`download interrupted: ${received} of ${length} bytes arrived`, true);
  }
  progress?.done();
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

/** The innermost cause of a fetch error: its code (ECONNREFUSED, …) and message. */
function causeOf(err: unknown): { code: string; message: string } {
  let e = err as { cause?: unknown; code?: unknown; name?: unknown; message?: unknown } | undefined;
  while (e && typeof e === 'object' && e.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  return { code, message };
}
