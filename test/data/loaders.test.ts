import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  cacheRoot, classCounts, DataFileError, datasetCacheDir, findProjectRoot, digest, FASHION_MNIST_CLASSES, FASHION_MNIST_SYSTEM_DIR, loadFashionMnist, loadMnist, MNIST_CLASSES, verifyChecksums,
  type Checksum,
} from '../../lib/data/index.js';
import { resetNotices } from '../../lib/data/notice.js';
import { FASHION_MNIST_SPEC } from '../../lib/data/fashion-mnist.js';
import { fakeMnistFiles, serve, tmp } from './fixtures.js';

const NO_SYSTEM = '/nonexistent/reprlab-no-debian';
const sha = (b: Uint8Array): Checksum[] => [{ algorithm: 'sha256', hex: digest(b), of: 'file' }];

describe('download with checksum verification (local server)', () => {
  const good = fakeMnistFiles(12);
  const corrupt = good.images.slice();
  corrupt[corrupt.length - 20]! ^= 0xff;
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve({
      'train-images-idx3-ubyte.gz': good.images,
      'train-labels-idx1-ubyte.gz': good.labels,
      'bad/train-images-idx3-ubyte.gz': corrupt,
      'bad/train-labels-idx1-ubyte.gz': good.labels,
    });
  });
  afterAll(() => server.close());
  const checksums = { 'train-images-idx3-ubyte.gz': sha(good.images), 'train-labels-idx1-ubyte.gz': sha(good.labels) };

  it('downloads, verifies and caches; the next load reads the cache', async () => {
    const cacheDir = tmp();
    const opts = { cacheDir, baseUrl: server.baseUrl, allowDownload: true, checksums, systemDir: NO_SYSTEM, source: 'full' as const, verbose: false };
    const set = await loadFashionMnist(opts);
    expect(set.name).toBe('fashion-mnist/train');
    expect([set.n, set.height, set.width, set.channels, set.numClasses]).toEqual([12, 28, 28, 1, 10]);
    expect(set.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(Array.from(set.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(set.images[3 * 784 + 5]).toBeCloseTo(8 / 255, 7);
    const dir = join(cacheDir, 'fashion-mnist');
    expect(readdirSync(dir).sort()).toEqual(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    expect(digest(readFileSync(join(dir, 'train-images-idx3-ubyte.gz')))).toBe(digest(good.images));
    expect(server.hits['train-images-idx3-ubyte.gz']).toBe(1);
    const again = await loadFashionMnist({ ...opts, limit: 5 });
    expect(again.n).toBe(5);
    expect(server.hits['train-images-idx3-ubyte.gz']).toBe(1); // served from the cache
  });

  it('verifies against a checksum of the gunzipped content too (MNIST, same format)', async () => {
    const cacheDir = tmp();
    const content = (b: Uint8Array): Checksum[] => [{ algorithm: 'md5', hex: 'f'.repeat(32), of: 'file' }, { algorithm: 'sha256', hex: digest(new Uint8Array(gunzipSync(b))), of: 'gunzipped' }];
    const set = await loadMnist({
      cacheDir, baseUrl: server.baseUrl, allowDownload: true, verbose: false,
      checksums: { 'train-images-idx3-ubyte.gz': content(good.images), 'train-labels-idx1-ubyte.gz': content(good.labels) },
    });
    expect(set.name).toBe('mnist/train');
    expect(set.classNames).toEqual(MNIST_CLASSES);
    expect(existsSync(join(cacheDir, 'mnist', 'train-labels-idx1-ubyte.gz'))).toBe(true);
  });

  it('rejects a corrupt download with a clear error and writes nothing', async () => {
    const cacheDir = tmp();
    const p = loadFashionMnist({ cacheDir, baseUrl: server.baseUrl + 'bad/', allowDownload: true, checksums, systemDir: NO_SYSTEM, verbose: false });
    await expect(p).rejects.toThrow(DataFileError);
    await expect(p).rejects.toThrow(/bad\/train-images-idx3-ubyte\.gz: download failed verification: expected sha256 [0-9a-f]{64} of the file, found sha256 [0-9a-f]{64} of the file.*nothing was written.*Fix: retry/);
    const dir = join(cacheDir, 'fashion-mnist');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('reports HTTP errors and refused connections', async () => {
    await expect(loadMnist({ cacheDir: tmp(), baseUrl: server.baseUrl + 'nothing/', allowDownload: true, verbose: false })).rejects.toThrow(
      /download failed: the server answered HTTP 404.*Fix: check the network/,
    );
    await expect(loadMnist({ cacheDir: tmp(), baseUrl: 'http://127.0.0.1:9/', allowDownload: true, verbose: false })).rejects.toThrow(/download failed \(/);
  });

  it('a truncated cached file gives an error naming the file, the expected size and the fix', async () => {
    const cacheDir = tmp();
    const dir = join(cacheDir, 'fashion-mnist');
    mkdirSync(dir, { recursive: true });
    const raw = gunzipSync(good.images) as Buffer;
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), raw.subarray(0, 1000)); // uncompressed copies are found too
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), good.labels);
    const err = await loadFashionMnist({ cacheDir, systemDir: NO_SYSTEM, allowDownload: false, verbose: false }).then(() => new Error('no error'), (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toContain(join(dir, 'train-images-idx3-ubyte') + ': truncated IDX file: expected 9424 bytes (16-byte header + 12x28x28 uint8 values), found 1000');
    expect(err.message).toContain(`Fix: delete ${join(dir, 'train-images-idx3-ubyte')}`);
    // a truncated gzip in the cache
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), good.images.subarray(0, 100));
    await expect(loadFashionMnist({ cacheDir, systemDir: NO_SYSTEM, allowDownload: false, verbose: false })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: corrupt or truncated gzip data .*Fix: delete /,
    );
  });

  it('env: REPRLAB_DATA_DIR moves the cache, REPRLAB_ALLOW_DOWNLOAD=1 turns downloads on', async () => {
    const saved = { dir: process.env.REPRLAB_DATA_DIR, allow: process.env.REPRLAB_ALLOW_DOWNLOAD };
    try {
      const root = tmp();
      process.env.REPRLAB_DATA_DIR = root;
      delete process.env.REPRLAB_ALLOW_DOWNLOAD;
      expect(cacheRoot()).toBe(root);
      expect(datasetCacheDir('mnist')).toBe(join(root, 'mnist'));
      expect(cacheRoot('/elsewhere')).toBe('/elsewhere'); // the option wins
      await expect(loadMnist({ baseUrl: server.baseUrl, checksums })).rejects.toThrow(/downloading is off/);
      process.env.REPRLAB_ALLOW_DOWNLOAD = '1';
      const set = await loadMnist({ baseUrl: server.baseUrl, checksums, verbose: false });
      expect(set.n).toBe(12);
      expect(existsSync(join(root, 'mnist', 'train-images-idx3-ubyte.gz'))).toBe(true);
    } finally {
      for (const [k, v] of [['REPRLAB_DATA_DIR', saved.dir], ['REPRLAB_ALLOW_DOWNLOAD', saved.allow]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(findProjectRoot(join(process.cwd(), 'lib', 'data'))).toBe(process.cwd());
    expect(findProjectRoot('/')).toBeNull();
    if (process.env.REPRLAB_DATA_DIR === undefined) expect(cacheRoot()).toBe(join(process.cwd(), 'data', 'cache'));
  });

  it('mismatched image and label counts are an error', async () => {
    const cacheDir = tmp();
    const dir = join(cacheDir, 'mnist');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), good.images);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), fakeMnistFiles(5).labels);
    await expect(loadMnist({ cacheDir, split: 'test' })).rejects.toThrow(/label count does not match .*expected 12 labels, found 5/);
  });
});

describe('fallbacks and options', () => {
  afterEach(() => vi.restoreAllMocks());

  it('without cache, Debian files or download, Fashion-MNIST falls back to the mini subset with one notice', async () => {
    resetNotices();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const opts = { cacheDir: tmp(), systemDir: NO_SYSTEM, allowDownload: false };
    const train = await loadFashionMnist(opts);
    const test = await loadFashionMnist({ ...opts, split: 'test', limit: 100 });
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]![0]);
    expect(line).toMatch(/mini subset \(2000 train \/ 1000 test images\).*bash scripts\/setup-system\.sh.*dataset-fashion-mnist/);
    expect(line).not.toContain('\n');
    expect([train.name, train.n, test.name, test.n]).toEqual(['fashion-mnist-mini/train', 2000, 'fashion-mnist-mini/test', 100]);
    let lo = 1, hi = 0;
    for (const v of train.images) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    expect([lo, hi]).toEqual([0, 1]);
    expect(Math.min(...classCounts(train))).toBeGreaterThan(150); // every class present
  });

  it("source: 'full' errors instead of falling back; MNIST has no fallback", async () => {
    await expect(loadFashionMnist({ cacheDir: tmp(), systemDir: NO_SYSTEM, allowDownload: false, source: 'full' })).rejects.toThrow(
      /Fashion-MNIST train files .* not found .*Fix: run `bash scripts\/setup-system\.sh`.*source: 'mini'/,
    );
    await expect(loadMnist({ cacheDir: tmp(), allowDownload: false, split: 'test' })).rejects.toThrow(
      /MNIST test files .* not found and downloading is off.*Fix: pass allowDownload: true/,
    );
  });

  it("source: 'mini' reads the bundled subset whatever else exists, matching the full set's first images", async () => {
    const mini = await loadFashionMnist({ source: 'mini', split: 'test', limit: 50 });
    expect(mini.name).toBe('fashion-mnist-mini/test');
    expect(mini.n).toBe(50);
    if (existsSync(FASHION_MNIST_SYSTEM_DIR)) {
      const full = await loadFashionMnist({ source: 'full', split: 'test', limit: 50, cacheDir: tmp(), allowDownload: false });
      expect(full.images).toEqual(mini.images);
      expect(full.labels).toEqual(mini.labels);
    }
  });

  it('bad options are ArgumentErrors naming the argument', async () => {
    await expect(loadFashionMnist({ limit: 0 })).rejects.toThrow("loadFashionMnist: argument 'limit' must be a positive integer");
    await expect(loadFashionMnist({ split: 'val' as 'train' })).rejects.toThrow("argument 'split' must be 'train' or 'test'");
    await expect(loadFashionMnist({ source: 'big' as 'full' })).rejects.toThrow("argument 'source'");
  });
});

const haveDebian = existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-images-idx3-ubyte.gz'));
if (!haveDebian) console.warn(`[test/data] skipping the Debian Fashion-MNIST test: ${FASHION_MNIST_SYSTEM_DIR} not found (install dataset-fashion-mnist)`);

describe.skipIf(!haveDebian)(`Debian package ${FASHION_MNIST_SYSTEM_DIR}`, () => {
  it('loads 60000 train / 10000 test images with 6000 / 1000 per class', async () => {
    const opts = { cacheDir: tmp(), allowDownload: false, source: 'full' as const };
    const train = await loadFashionMnist(opts);
    expect([train.name, train.n, train.images.length]).toEqual(['fashion-mnist/train', 60000, 60000 * 784]);
    expect(Array.from(classCounts(train))).toEqual(Array(10).fill(6000));
    const test = await loadFashionMnist({ ...opts, split: 'test' });
    expect(test.n).toBe(10000);
    expect(Array.from(classCounts(test))).toEqual(Array(10).fill(1000));
  });

  it('the hard-coded checksums match the Debian files (file SHA-256 and content SHA-256 each on their own)', () => {
    for (const [file, sums] of Object.entries(FASHION_MNIST_SPEC.checksums)) {
      const bytes = readFileSync(join(FASHION_MNIST_SYSTEM_DIR, file));
      // content hashes of the small files only (gunzipping the 26 MB train images costs a second)
      for (const of of file.startsWith('train-images') ? (['file'] as const) : (['file', 'gunzipped'] as const)) {
        const only = sums.filter((s) => s.of === of && s.algorithm === 'sha256');
        expect(only.length, file).toBe(1);
        expect(verifyChecksums(bytes, only), `${file} ${of}`).toBeNull();
      }
    }
  });
});
