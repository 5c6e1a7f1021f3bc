/**
 * Which HTTP proxy a download goes through, from the environment as curl, pip and undici read it:
 * - `https_proxy` / `HTTPS_PROXY` for https:// URLs (falling back to the http proxy, as undici's
 *   EnvHttpProxyAgent does), `http_proxy` / `HTTP_PROXY` for http:// URLs; lowercase first; empty = none;
 * - `no_proxy` / `NO_PROXY`: comma- or space-separated host names (a leading `.` or `*.` allowed; an entry matches
 *   the host and its subdomains), optionally `host:port`; `*` turns the proxy off;
 * - loopback hosts (localhost, 127.0.0.0/8, ::1) never go through a proxy (a mirror on this machine, the tests'
 *   local servers), as Go's net/http decides too.
 * Node 20's built-in `fetch` ignores all of these; lib/data/download.ts passes the answer to undici's ProxyAgent.
 */
import { DataFileError } from './errors.js';

export interface ProxyChoice {
  /** The proxy's URL (credentials included, for the agent). */
  url: string;
  /** The same URL with any password replaced by `***`, for messages. */
  shown: string;
  /** The environment variable it came from (e.g. `HTTPS_PROXY`). */
  variable: string;
}

type Env = Record<string, string | undefined>;

/** The proxy for `url`, or null for a direct connection. Throws a DataFileError naming the variable when its value is not a URL. */
export function proxyFor(url: string, env: Env = process.env): ProxyChoice | null {
  const target = new URL(url);
  const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] : target.protocol === 'http:' ? ['http_proxy', 'HTTP_PROXY'] : [];
  const variable = names.find((n) => (env[n] ?? '').trim() !== '');
  if (!variable) return null;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  if (isLoopback(host) || bypassed(host, port, env.no_proxy ?? env.NO_PROXY ?? '')) return null;
  const raw = env[variable]!.trim();
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new DataFileError(url, `the proxy in ${variable} is not a URL (got '${redact(raw)}')`, `set ${variable}=http://proxy.example.org:3128 (or unset it for a direct connection)`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new DataFileError(url, `the proxy in ${variable} must be an http:// or https:// URL (got '${redact(raw)}')`, `set ${variable}=http://proxy.example.org:3128; SOCKS proxies are not supported`);
  }
  return { url: proxy.href, shown: redact(proxy.href), variable };
}

/** True for localhost and loopback addresses. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}

/** True when a NO_PROXY list names `host` (or a parent domain), with a matching port if the entry gives one. */
export function bypassed(host: string, port: number, noProxy: string): boolean {
  const list = noProxy.trim();
  if (list === '') return false;
  if (list === '*') return true;
  for (const entry of list.split(/[,\s]+/)) {
    if (!entry) continue;
    const m = /^(.+):(\d+)$/.exec(entry);
    const name = (m ? m[1]! : entry).replace(/^\*?\./, '').replace(/^\[|\]$/g, '').toLowerCase();
    if (m && Number(m[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** A URL with its password (if any) replaced by `***`. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+):[^@/]*@/i, '$1:***@');
}
