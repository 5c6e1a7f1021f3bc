/** Test fixtures for lib/data: tiny IDX/tar files and a local HTTP server (no network needed). */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeIdx } from '../../lib/data/index.js';
import { concatBytes } from '../../lib/util/bytes.js';

export const tmp = (tag = 'data') => mkdtempSync(join(tmpdir(), `reprlab-${tag}-`));

/** A gzipped uint8 IDX file of `n` fake 28x28 images (pixel = (i + p) mod 256) and its labels (i mod 10). */
export function fakeMnistFiles(n: number): { images: Uint8Array; labels: Uint8Array } {
  const pix = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) pix[i * 784 + p] = (i + p) % 256;
  const lab = new Uint8Array(n);
  for (let i = 0; i < n; i++) lab[i] = i % 10;
  return {
    images: new Uint8Array(gzipSync(writeIdx({ dtype: 'uint8', dims: [n, 28, 28], data: pix }))),
    labels: new Uint8Array(gzipSync(writeIdx({ dtype: 'uint8', dims: [n], data: lab }))),
  };
}

/** A ustar archive of the given files (regular files only; names < 100 characters). */
export function makeTar(files: Record<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const [name, data] of Object.entries(files)) {
    const h = new Uint8Array(512);
    const put = (s: string, off: number) => h.set(enc.encode(s), off);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(data.length.toString(8).padStart(11, '0') + '\0', 124);
    put('00000000000\0', 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\0', 257);
    put('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return concatBytes(blocks);
}

/** Serve `files` (path -> bytes) on 127.0.0.1; counts requests per path. */
export async function serve(files: Record<string, Uint8Array>): Promise<{ baseUrl: string; hits: Record<string, number>; close: () => Promise<void> }> {
  const hits: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').slice(1));
    hits[path] = (hits[path] ?? 0) + 1;
    const body = files[path];
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
