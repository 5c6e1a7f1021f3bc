// Downloads behind a proxy, retries and the progress line (lib/data/download.ts, proxy.ts, download-progress.ts).
// Everything runs on 127.0.0.1: a file server and a counting CONNECT proxy started here; no outside network.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataFileError, digest, downloadVerified, type Checksum } from '../../lib/data/index.js';
import { DownloadProgress, formatBytes } from '../../lib/data/download-progress.js';
import { bypassed, proxyFor, redact } from '../../lib/data/proxy.js';
import { serve, tmp } from './fixtures.js';
import { startProxy, type TestProxy } from './proxy-server.js';

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'] as const;
const saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
function setProxyEnv(vars: Partial<Record<(typeof PROXY_VARS)[number], string>>) {
  for (const k of PROXY_VARS) delete process.env[k];
  Object.assign(process.env, vars);
}
afterEach(() => {
  for (const k of PROXY_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  vi.restoreAllMocks();
});

const payload = new Uint8Array(200_000).map((_, i) => (i * 7) % 251);
const sums: Checksum[] = [{ algorithm: 'sha256', hex: digest(payload), of: 'file' }];
const quiet = { checksums: sums, verbose: false, retryDelayMs: 5 };

describe('proxy choice from the environment', () => {
  it('picks the variable by scheme (lowercase first; https falls back to the http proxy), honours NO_PROXY, never proxies loopback', () => {
    const env = { HTTP_PROXY: 'http://p1:3128', HTTPS_PROXY: 'p2:8080' };
    expect(proxyFor('http://example.org/f', env)).toEqual({ url: 'http://p1:3128/', shown: 'http://p1:3128/', variable: 'HTTP_PROXY' });
    expect(proxyFor('https://example.org/f', env)).toMatchObject({ url: 'http://p2:8080/', variable: 'HTTPS_PROXY' }); // scheme-less value: http://
    expect(proxyFor('https://example.org/f', { HTTP_PROXY: 'http://p1:3128' })).toMatchObject({ variable: 'HTTP_PROXY' });
    expect(proxyFor('http://example.org/f', { http_proxy: 'http://low:1', HTTP_PROXY: 'http://up:2' })).toMatchObject({ url: 'http://low:1/' });
    expect(proxyFor('https://example.org/f', {})).toBeNull();
    expect(proxyFor('https://example.org/f', { HTTPS_PROXY: ' ' })).toBeNull();
    for (const host of ['localhost', '127.0.0.1', '127.3.2.1', '[::1]']) expect(proxyFor(`http://${host}:8080/f`, env)).toBeNull();
    expect(proxyFor('https://yann.lecun.com/f', { ...env, NO_PROXY: 'lecun.com' })).toBeNull(); // subdomains too
    expect(proxyFor('https://notlecun.com/f', { ...env, NO_PROXY: 'lecun.com' })).not.toBeNull();
    expect(proxyFor('https://a.example.org/f', { ...env, no_proxy: '*' })).toBeNull();
    expect(bypassed('a.example.org', 443, 'x.org, .example.org')).toBe(true);
    expect(bypassed('a.example.org', 443, '*.example.org:8443')).toBe(false); // port given and different
    expect(bypassed('a.example.org', 8443, '*.example.org:8443')).toBe(true);
  });

  it('hides proxy passwords in messages and names the variable of a bad value', () => {
    expect(redact('http://me:s3cret@proxy:3128/')).toBe('http://me:***@proxy:3128/');
    expect(proxyFor('https://x.org/', { HTTPS_PROXY: 'http://me:s3cret@proxy:3128' })).toMatchObject({ url: 'http://me:s3cret@proxy:3128/', shown: 'http://me:***@proxy:3128/' });
    expect(() => proxyFor('https://x.org/', { HTTPS_PROXY: 'http://[bad' })).toThrow(/the proxy in HTTPS_PROXY is not a URL.*Fix: set HTTPS_PROXY=http:\/\/proxy\.example\.org:3128/);
    expect(() => proxyFor('https://x.org/', { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(/must be an http:\/\/ or https:\/\/ URL.*SOCKS proxies are not supported/);
  });
});

describe('downloads through an HTTP proxy (local CONNECT proxy on 127.0.0.1)', () => {
  let files: Awaited<ReturnType<typeof serve>>;
  let proxy: TestProxy;
  beforeAll(async () => {
    files = await serve({ 'mnist/train-images.gz': payload });
    proxy = await startProxy({ host: '127.0.0.1', port: Number(new URL(files.baseUrl).port) });
  });
  afterAll(async () => {
    await proxy.close();
    await files.close();
  });

  it('goes through HTTP_PROXY: the proxy sees the request, the file arrives verified', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    const before = proxy.seen.length;
    const dest = join(tmp('proxy'), 'train-images.gz');
    // reprlab-mirror.test resolves nowhere: only the proxy (which tunnels to the local file server) can fetch it
    const bytes = await downloadVerified('http://reprlab-mirror.test/mnist/train-images.gz', dest, quiet);
    expect(digest(bytes)).toBe(digest(payload));
    expect(digest(readFileSync(dest))).toBe(digest(payload));
    expect(proxy.seen.slice(before)).toEqual([expect.stringMatching(/^(CONNECT reprlab-mirror\.test:80|GET http:\/\/reprlab-mirror\.test\/mnist\/train-images\.gz)$/)]);
    expect(files.hits['mnist/train-images.gz']).toBeGreaterThanOrEqual(1);
  });

  it('lowercase http_proxy too; an https:// URL uses HTTP_PROXY when HTTPS_PROXY is unset (CONNECT to port 443)', async () => {
    setProxyEnv({ http_proxy: proxy.url });
    const before = proxy.seen.length;
    await downloadVerified('http://reprlab-mirror.test/mnist/train-images.gz', join(tmp('proxy'), 'a.gz'), quiet);
    expect(proxy.seen.length).toBe(before + 1);
    // https through the tunnel: the proxy is asked for reprlab-mirror.test:443 (the TLS handshake then fails
    // against the plain-HTTP test server, which is all this test can show without a certificate)
    setProxyEnv({ HTTP_PROXY: proxy.url });
    await expect(downloadVerified('https://reprlab-mirror.test/mnist/train-images.gz', join(tmp('proxy'), 'b.gz'), { ...quiet, retries: 0 })).rejects.toThrow(DataFileError);
    expect(proxy.seen.slice(before + 1)).toEqual(['CONNECT reprlab-mirror.test:443']);
  });

  it('NO_PROXY sends the host direct: the proxy sees nothing', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: 'example.org,reprlab-mirror.test' });
    const before = proxy.seen.length;
    // direct, the name does not resolve: the download fails (whatever the resolver says), and never via the proxy
    await expect(downloadVerified('http://reprlab-mirror.test/mnist/train-images.gz', join(tmp('proxy'), 'c.gz'), { ...quiet, retries: 0, timeoutMs: 5000 })).rejects.toThrow(/download failed \(.*Fix: check the network/);
    expect(proxy.seen.length).toBe(before);
  });

  it('a proxy that refuses (407) or is not there: a clear error naming the proxy and the variable, not retried', async () => {
    const refusing = await startProxy({ host: '127.0.0.1', port: 9 }, { refuse: 407 });
    try {
      setProxyEnv({ HTTPS_PROXY: refusing.url.replace('http://', 'http://me:s3cret@') });
      const err = await downloadVerified('https://reprlab-mirror.test/f.gz', join(tmp('proxy'), 'd.gz'), quiet).then(() => new Error('no error'), (e: unknown) => e as Error);
      expect(err).toBeInstanceOf(DataFileError);
      expect(err.message).toMatch(/download failed \(.*407.*\) \(through the proxy http:\/\/me:\*\*\*@127\.0\.0\.1:\d+\/ from HTTPS_PROXY\)\. Fix: check the proxy/);
      expect(err.message).not.toContain('s3cret');
      expect(refusing.seen).toHaveLength(1);
    } finally {
      await refusing.close();
    }
    setProxyEnv({ HTTPS_PROXY: 'http://127.0.0.1:9' });
    await expect(downloadVerified('https://reprlab-mirror.test/f.gz', join(tmp('proxy'), 'e.gz'), quiet)).rejects.toThrow(
      /download failed \(.*ECONNREFUSED.*\) \(through the proxy http:\/\/127\.0\.0\.1:9\/ from HTTPS_PROXY\)\. Fix: check the proxy http:\/\/127\.0\.0\.1:9\/ \(HTTPS_PROXY; NO_PROXY lists hosts to reach directly\)/,
    );
  });
});

/** A loopback port with nothing listening (fetch refuses port 9 and other 'bad ports' before connecting). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A server that answers request n with `plan[n]` (then the last entry): a status, or 'cut' (half the body, then the connection dies). */
async function flakyServer(plan: Array<number | 'cut' | 'ok'>) {
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const step = plan[Math.min(n++, plan.length - 1)]!;
    if (step === 'ok') res.writeHead(200, { 'content-length': payload.length }).end(payload);
    else if (step === 'cut') {
      res.writeHead(200, { 'content-length': payload.length });
      res.write(payload.subarray(0, payload.length / 2), () => res.destroy());
    } else res.writeHead(step, step === 503 ? { 'retry-after': '0' } : {}).end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/data.gz`, requests: () => n, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('retries with backoff', () => {
  it('retries transient failures (503, a body cut short, 502) and succeeds; says so in the log', async () => {
    setProxyEnv({});
    const s = await flakyServer([503, 'cut', 502, 'ok']);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const t0 = Date.now();
      const bytes = await downloadVerified(s.url, join(tmp('retry'), 'data.gz'), { checksums: sums, verbose: true, retryDelayMs: 20, progressStream: { write: () => true } });
      expect(digest(bytes)).toBe(digest(payload));
      expect(s.requests()).toBe(4);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(20 + 40 + 80 - 5); // backoff doubles
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines.filter((l) => /retrying in/.test(l))).toEqual([
        'reprlab: download failed: the server answered HTTP 503 Service Unavailable; retrying in 0.0 s (attempt 2 of 4)',
        expect.stringMatching(/^reprlab: download interrupted after 100 kB \(.*\); retrying in 0\.0 s \(attempt 3 of 4\)$/),
        'reprlab: download failed: the server answered HTTP 502 Bad Gateway; retrying in 0.1 s (attempt 4 of 4)',
      ]);
    } finally {
      await s.close();
    }
  });

  it('gives up after the last retry naming the attempts; never retries a 404 or a refused connection', async () => {
    setProxyEnv({});
    const always = await flakyServer([503]);
    const missing = await flakyServer([404]);
    try {
      await expect(downloadVerified(always.url, join(tmp('retry'), 'x.gz'), { ...quiet, retries: 2 })).rejects.toThrow(/HTTP 503 Service Unavailable after 3 attempts\. Fix: check the network/);
      expect(always.requests()).toBe(3);
      await expect(downloadVerified(missing.url, join(tmp('retry'), 'y.gz'), quiet)).rejects.toThrow(/HTTP 404 Not Found\. Fix/);
      expect(missing.requests()).toBe(1);
      const port = await closedPort();
      const t0 = Date.now();
      // offline / nothing listening: at once, today's message (and a hint about proxies)
      await expect(downloadVerified(`http://127.0.0.1:${port}/z.gz`, join(tmp('retry'), 'z.gz'), { checksums: sums, verbose: false })).rejects.toThrow(
        new RegExp(`127\\.0\\.0\\.1:${port}/z\\.gz: download failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\. Fix: check the network and retry, or download http://127\\.0\\.0\\.1:${port}/z\\.gz yourself and put it at .*z\\.gz; behind a proxy, set HTTPS_PROXY=`),
      );
      expect(Date.now() - t0).toBeLessThan(900); // no backoff (the default first wait is 1 s)
      expect(existsSync(join(tmp('retry'), 'z.gz'))).toBe(false);
    } finally {
      await always.close();
      await missing.close();
    }
  });
});

describe('progress line', () => {
  it('on a terminal: one line rewritten with \\r, at most every 0.5 s, ended by a newline', () => {
    let t = 0;
    const out: string[] = [];
    const p = new DownloadProgress('train.gz', 4_000_000, { stream: { isTTY: true, write: (s) => out.push(s) }, now: () => t });
    for (let i = 0; i < 8; i++) {
      t += 125;
      p.update(500_000);
    }
    p.done();
    expect(out.every((s) => s.startsWith('\r'))).toBe(true);
    expect(out).toHaveLength(3); // at 125 ms, 625 ms, and done()
    expect(out.at(-1)).toBe('\rreprlab: downloading train.gz  4.0 MB / 4.0 MB  100%  4.0 MB/s\n');
  });

  it('in a notebook or a log: whole lines at 25, 50, 75 % and the end', () => {
    const out: string[] = [];
    const p = new DownloadProgress('train.gz', 1000, { stream: { write: (s) => out.push(s) }, now: () => 0 });
    for (let i = 0; i < 10; i++) p.update(100);
    p.done();
    expect(out).toEqual([
      'reprlab: downloading train.gz  300 B / 1 kB  30%\n',
      'reprlab: downloading train.gz  500 B / 1 kB  50%\n',
      'reprlab: downloading train.gz  800 B / 1 kB  80%\n',
      'reprlab: downloading train.gz  1 kB / 1 kB  100%\n',
    ]);
    expect([formatBytes(93), formatBytes(812_000), formatBytes(26_400_000), formatBytes(2.5e9)]).toEqual(['93 B', '812 kB', '26.4 MB', '2.50 GB']);
  });

  it('a real download prints where it goes, then its progress line up to 100 %', async () => {
    setProxyEnv({});
    const s = await serve({ 'f.gz': payload });
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await downloadVerified(`${s.baseUrl}f.gz`, join(tmp('progress'), 'f.gz'), { checksums: sums, progressStream: { write: (t) => out.push(t) } });
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^reprlab: downloading http:\/\/127\.0\.0\.1:\d+\/f\.gz -> .*f\.gz$/));
      expect(out.at(-1)).toMatch(/^reprlab: downloading f\.gz {2}200 kB \/ 200 kB {2}100%/);
    } finally {
      await s.close();
    }
  });
});
