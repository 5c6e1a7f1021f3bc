/**
 * CIFAR-10 (Krizhevsky 2009): 60,000 32x32 colour images in 10 classes, 50,000 train (data_batch_1..5.bin) +
 * 10,000 test (test_batch.bin), from the binary version cifar-10-binary.tar.gz. Each record is 1 label byte +
 * 3072 pixel bytes, channel-major (1024 red, 1024 green, 1024 blue, rows of 32); we convert to HWC.
 * The archive is looked for in <cache>/cifar-10/, else downloaded (when allowed) and verified by MD5; its
 * batches are extracted to <cache>/cifar-10/cifar-10-batches-bin/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { describeChecksums, verifyChecksums, type Checksum } from './checksum.js';
import { downloadVerified } from './download.js';
import { DataFileError } from './errors.js';
import { maybeGunzip } from './gzip.js';
import { loadDefaults, type LoadOptions } from './idx-dataset.js';
import { datasetCacheDir } from './paths.js';
import { readTar } from './tar.js';
import type { ImageSet, Split } from './types.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export const CIFAR10_ARCHIVE = 'cifar-10-binary.tar.gz';
export const CIFAR10_BASE_URL = 'https://www.cs.toronto.edu/~kriz/';
/** The MD5 published on https://www.cs.toronto.edu/~kriz/cifar.html. */
export const CIFAR10_CHECKSUMS: Checksum[] = [{ algorithm: 'md5', hex: 'c32a1d4ab5d03f1284b67883e8d87530', of: 'file' }];

const RECORD = 1 + 3 * 32 * 32;
const BATCHES: Record<Split, string[]> = {
  train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
  test: ['test_batch.bin'],
};

/** Get the archive's bytes: from the cache (verified), or downloaded; null when absent and downloading is off. */
async function archiveBytes(dir: string, options: LoadOptions, allowDownload: boolean, verbose: boolean): Promise<Uint8Array | null> {
  const path = join(dir, CIFAR10_ARCHIVE);
  const sums = options.checksums?.[CIFAR10_ARCHIVE] ?? CIFAR10_CHECKSUMS;
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    const bad = verifyChecksums(bytes, sums);
    if (bad !== null) {
      throw new DataFileError(path, `checksum mismatch: expected ${describeChecksums(sums)}, found ${bad}`, `delete ${path} and load again with allowDownload: true, or copy a good copy there`);
    }
    return bytes;
  }
  if (!allowDownload) return null;
  const base = options.baseUrl ?? CIFAR10_BASE_URL;
  const url = base.endsWith('/') ? base + CIFAR10_ARCHIVE : `${base}/${CIFAR10_ARCHIVE}`;
  return downloadVerified(url, path, { checksums: sums, verbose });
}

/** Unpack the batch files (and batches.meta.txt) from the archive into `binDir`, each written atomically. */
function extract(archive: Uint8Array, archivePath: string, binDir: string): void {
  const fix = `delete ${archivePath} and load again with allowDownload: true`;
  const entries = readTar(maybeGunzip(archive, archivePath, fix), { file: archivePath, fix });
  const wanted = new Set([...BATCHES.train, ...BATCHES.test, 'batches.meta.txt']);
  const found = new Set<string>();
  for (const e of entries) {
    const base = basename(e.name);
    if (e.type === '0' && wanted.has(base)) {
      writeFileAtomic(join(binDir, base), e.data);
      found.add(base);
    }
  }
  const missing = [...BATCHES.train, ...BATCHES.test].filter((b) => !found.has(b));
  if (missing.length > 0) {
    throw new DataFileError(archivePath, `not a CIFAR-10 binary archive: expected entries ${missing.join(', ')}, found ${entries.map((e) => e.name).join(', ') || 'none'}`, fix);
  }
}

/** Load CIFAR-10 (32x32x3 images in [0, 1], 10 classes). `set.name` is 'cifar-10/<split>'. */
export async function loadCifar10(options: LoadOptions = {}): Promise<ImageSet> {
  const where = 'loadCifar10';
  const { split, limit, allowDownload, verbose } = loadDefaults(where, options);
  const dir = datasetCacheDir('cifar-10', options.cacheDir);
  const binDir = join(dir, 'cifar-10-batches-bin');
  const names = BATCHES[split];
  if (!names.every((b) => existsSync(join(binDir, b)))) {
    const archive = await archiveBytes(dir, options, allowDownload, verbose);
    if (!archive) {
      throw new DataFileError(
        join(dir, CIFAR10_ARCHIVE),
        `CIFAR-10 not found (neither the extracted batches in ${binDir} nor the archive) and downloading is off`,
        `pass allowDownload: true (or set REPRLAB_ALLOW_DOWNLOAD=1) to download ${CIFAR10_BASE_URL}${CIFAR10_ARCHIVE} (about 160 MB), or copy that file into ${dir}`,
      );
    }
    extract(archive, join(dir, CIFAR10_ARCHIVE), binDir);
  }
  const batches: Uint8Array[] = [];
  let total = 0;
  for (const b of names) {
    if (limit !== undefined && total >= limit) break;
    const path = join(binDir, b);
    const bytes = readFileSync(path);
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      throw new DataFileError(
        path,
        `damaged CIFAR-10 batch: expected a non-zero multiple of ${RECORD} bytes (1 label + 3x32x32 pixels per image), found ${bytes.length}`,
        `delete ${binDir} so it is extracted again from the archive`,
      );
    }
    batches.push(bytes);
    total += bytes.length / RECORD;
  }
  const n = limit === undefined ? total : Math.min(limit, total);
  const images = new Float32Array(n * 3072);
  const labels = new Int32Array(n);
  let i = 0;
  for (let k = 0; k < batches.length && i < n; k++) {
    const bytes = batches[k]!;
    for (let r = 0; r < bytes.length / RECORD && i < n; r++, i++) {
      const o = r * RECORD;
      const y = bytes[o]!;
      if (y >= 10) {
        const path = join(binDir, names[k]!);
        throw new DataFileError(path, `record ${r} has label ${y}: expected labels in [0, 10)`, `delete ${binDir} so it is extracted again from the archive`);
      }
      labels[i] = y;
      const dst = i * 3072;
      for (let c = 0; c < 3; c++) {
        const src = o + 1 + c * 1024;
        for (let p = 0; p < 1024; p++) images[dst + p * 3 + c] = bytes[src + p]! / 255;
      }
    }
  }
  return { name: `cifar-10/${split}`, images, labels, n, height: 32, width: 32, channels: 3, numClasses: 10, classNames: [...CIFAR10_CLASSES] };
}
