#!/usr/bin/env node
// Make data/fashion-mnist-mini: the first 2000 train and first 1000 test images of Fashion-MNIST (MIT licence,
// Zalando SE) as gzipped IDX files under the usual names, from the Debian package dataset-fashion-mnist.
//   node scripts/make-mini-fashion.mjs [sourceDir=/usr/share/datasets/fashion-mnist] [outDir=data/fashion-mnist-mini]
// Deterministic: gzip level 9 with no timestamp, so re-running gives identical bytes.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const out = resolve(process.argv[3] ?? join(root, 'data', 'fashion-mnist-mini'));
const parts = [
  ['train', 2000],
  ['t10k', 1000],
];

/** Keep the first `count` items of an IDX file (any rank, uint8), rewriting dimension 0. */
function head(idx, count) {
  if (idx[0] !== 0 || idx[1] !== 0 || idx[2] !== 0x08) throw new Error('expected a uint8 IDX file');
  const ndims = idx[3];
  const header = 4 + 4 * ndims;
  const view = new DataView(idx.buffer, idx.byteOffset, idx.byteLength);
  let per = 1;
  for (let i = 1; i < ndims; i++) per *= view.getUint32(4 + 4 * i);
  if (view.getUint32(4) < count) throw new Error(`only ${view.getUint32(4)} items, need ${count}`);
  const res = new Uint8Array(header + count * per);
  res.set(idx.subarray(0, header + count * per));
  new DataView(res.buffer).setUint32(4, count);
  return res;
}

mkdirSync(out, { recursive: true });
for (const [prefix, count] of parts) {
  for (const kind of ['images-idx3', 'labels-idx1']) {
    const name = `${prefix}-${kind}-ubyte.gz`;
    const idx = gunzipSync(readFileSync(join(src, name)));
    const gz = gzipSync(head(new Uint8Array(idx.buffer, idx.byteOffset, idx.byteLength), count), { level: 9 });
    const tmp = join(out, `.${name}.tmp`);
    writeFileSync(tmp, gz);
    renameSync(tmp, join(out, name));
    console.log(`${join(out, name)}: ${count} items, ${gz.length} bytes`);
  }
}
