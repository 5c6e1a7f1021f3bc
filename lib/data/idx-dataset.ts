/**
 * The loader shared by the MNIST-format datasets (MNIST, Fashion-MNIST): four gzipped IDX files, found in
 * order in (1) the cache folder, (2) a system folder (the Debian package, where there is one), (3) the
 * canonical URL (only when downloads are allowed), which is verified and written to the cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../util/errors.js';
import type { Checksum } from './checksum.js';
import { downloadVerified } from './download.js';
import { DataFileError } from './errors.js';
import { readIdx } from './idx.js';
import { datasetCacheDir, downloadAllowedByEnv } from './paths.js';
import type { ImageSet, Split } from './types.js';

/** Options common to every dataset loader. */
export interface LoadOptions {
  /** 'train' (default) or 'test'. */
  split?: Split;
  /** Keep only the first `limit` images. */
  limit?: number;
  /** Cache root (the dataset lives in <cacheDir>/<name>/); default $REPRLAB_DATA_DIR or <project>/data/cache. */
  cacheDir?: string;
  /** Download missing files from `baseUrl` (default: true only when env REPRLAB_ALLOW_DOWNLOAD=1). */
  allowDownload?: boolean;
  /** Where to download from (default: the dataset's canonical URL); a mirror serving the same file names. */
  baseUrl?: string;
  /** Replace the known checksums of files by name (for a mirror serving different files, and for tests). */
  checksums?: Record<string, Checksum[]>;
  /** Print one-line notices (downloads, fallbacks); default true. */
  verbose?: boolean;
}

/** What describes one MNIST-format dataset. */
export interface IdxDatasetSpec {
  name: string;
  title: string;
  classNames: string[];
  baseUrl: string;
  files: Record<Split, { images: string; labels: string }>;
  checksums: Record<string, Checksum[]>;
  /** Folder of a system package holding the same files (Debian), and how to repair it. */
  systemDir?: string;
  systemFix?: string;
}

/** The four file names of the original MNIST distribution; Fashion-MNIST reuses them, as a drop-in replacement. */
export const MNIST_FORMAT_FILES: IdxDatasetSpec['files'] = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

/** A file found or fetched, with the advice to give if it turns out damaged. */
interface Located {
  path: string;
  bytes: Uint8Array;
  fix: string;
}

const stripGz = (f: string) => f.replace(/\.gz$/, '');

function findIn(dir: string, file: string): string | null {
  for (const f of [file, stripGz(file)]) {
    const p = join(dir, f);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Check the common loader options; returns them with defaults filled in. */
export function loadDefaults(where: string, options: LoadOptions) {
  const split = options.split ?? 'train';
  check(split === 'train' || split === 'test', where, 'split', "'train' or 'test'", split);
  const limit = options.limit;
  check(limit === undefined || (Number.isInteger(limit) && limit > 0), where, 'limit', 'a positive integer (or undefined for all images)', limit);
  return {
    split,
    limit,
    allowDownload: options.allowDownload ?? downloadAllowedByEnv(),
    verbose: options.verbose ?? true,
  };
}

/**
 * Find one file: cache, then system folder, then download. Returns null when it is nowhere and downloading is
 * off.
 */
async function locate(
  spec: IdxDatasetSpec,
  file: string,
  cacheDir: string,
  systemDir: string | undefined,
  download: boolean,
  options: LoadOptions,
  verbose: boolean,
): Promise<Located | null> {
  const cached = findIn(cacheDir, file);
  if (cached) return { path: cached, bytes: readFileSync(cached), fix: cacheFix(cached) };
  if (systemDir) {
    const sys = findIn(systemDir, file);
    if (sys) return { path: sys, bytes: readFileSync(sys), fix: spec.systemFix ?? 'reinstall the package that provides it' };
  }
  if (!download) return null;
  const base = options.baseUrl ?? spec.baseUrl;
  const url = base.endsWith('/') ? base + file : `${base}/${file}`;
  const dest = join(cacheDir, file);
  const sums = options.checksums?.[file] ?? spec.checksums[file] ?? [];
  const bytes = await downloadVerified(url, dest, { checksums: sums, verbose });
  return { path: dest, bytes, fix: cacheFix(dest) };
}

const cacheFix = (path: string) =>
  `delete ${path} and load again with allowDownload: true (or REPRLAB_ALLOW_DOWNLOAD=1) to fetch a fresh copy, or copy a good one there`;

/**
 * Load a split from the full dataset; returns null when its files are missing and cannot be downloaded (the
 * caller falls back or explains).
 */
export async function loadIdxFull(
  spec: IdxDatasetSpec,
  options: LoadOptions,
  systemDir: string | undefined,
  where: string,
): Promise<ImageSet | null> {
  const { split, limit, allowDownload, verbose } = loadDefaults(where, options);
  const cacheDir = datasetCacheDir(spec.name, options.cacheDir);
  const names = spec.files[split];
  const images = await locate(spec, names.images, cacheDir, systemDir, allowDownload, options, verbose);
  const labels = images && (await locate(spec, names.labels, cacheDir, systemDir, allowDownload, options, verbose));
  if (!images || !labels) return null;
  return decodeIdxPair(images, labels, spec, `${spec.name}/${split}`, limit);
}

/** Load a split from a folder holding the four files under their usual names (the bundled mini subset). */
export function loadIdxFromDir(spec: IdxDatasetSpec, dir: string, split: Split, limit: number | undefined, name: string, fix: string): ImageSet {
  const names = spec.files[split];
  const read = (file: string): Located => {
    const path = findIn(dir, file);
    if (!path) throw new DataFileError(join(dir, file), 'file not found', fix);
    return { path, bytes: readFileSync(path), fix };
  };
  return decodeIdxPair(read(names.images), read(names.labels), spec, name, limit);
}

/** Decode an images file [N, H, W] uint8 and a labels file [N] uint8 into an ImageSet (first `limit` images). */
function decodeIdxPair(images: Located, labels: Located, spec: IdxDatasetSpec, name: string, limit?: number): ImageSet {
  const img = readIdx(images.bytes, { file: images.path, fix: images.fix });
  const lab = readIdx(labels.bytes, { file: labels.path, fix: labels.fix });
  if (img.dtype !== 'uint8' || img.dims.length !== 3) {
    throw new DataFileError(images.path, `expected a uint8 image array [N, H, W], found ${img.dtype} [${img.dims.join(', ')}]`, images.fix);
  }
  if (lab.dtype !== 'uint8' || lab.dims.length !== 1) {
    throw new DataFileError(labels.path, `expected a uint8 label array [N], found ${lab.dtype} [${lab.dims.join(', ')}]`, labels.fix);
  }
  const [total, height, width] = img.dims as [number, number, number];
  if (lab.dims[0] !== total) {
    throw new DataFileError(
      labels.path,
      `label count does not match ${images.path}: expected ${total} labels, found ${lab.dims[0]}`,
      `the two files come from different copies of the dataset; ${labels.fix}`,
    );
  }
  const n = limit === undefined ? total : Math.min(limit, total);
  const numClasses = spec.classNames.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = lab.data[i]!;
    if (y >= numClasses) {
      throw new DataFileError(labels.path, `label ${i} is ${y}: expected labels in [0, ${numClasses})`, labels.fix);
    }
    out[i] = y;
  }
  const d = height * width;
  const pix = img.data as Uint8Array;
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = pix[i]! / 255;
  return { name, images: x, labels: out, n, height, width, channels: 1, numClasses, classNames: [...spec.classNames] };
}
