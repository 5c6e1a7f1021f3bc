// File formats and the CIFAR-10 loader: IDX, tar, and loadCifar10 on a small archive served from 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CIFAR10_CLASSES, DataFileError, digest, loadCifar10, readIdx, readTar, writeIdx, type Checksum, type IdxDtype,
} from '../../lib/data/index.js';
import { makeTar, serve, tmp } from './fixtures.js';

describe('readIdx', () => {
  it('parses a hand-written big-endian header and data', () => {
    // magic 0 0 0x0B (int16) 2 dims; dims 2x3; values -1..4 big-endian
    const bytes = new Uint8Array([0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0xff, 0xff, 0, 0, 0, 1, 0, 2, 0, 3, 0x01, 0x00]);
    const a = readIdx(bytes);
    expect(a.dtype).toBe('int16');
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([-1, 0, 1, 2, 3, 256]);
  });

  it('round-trips every dtype, raw and gzip-compressed', () => {
    const cases: [IdxDtype, number[]][] = [
      ['uint8', [0, 1, 255]],
      ['int8', [-128, 0, 127]],
      ['int16', [-32768, 7, 32767]],
      ['int32', [-2147483648, 42, 2147483647]],
      ['float32', [-1.5, 0, 3.25]],
      ['float64', [Math.PI, -1e300, 0]],
    ];
    const ctor = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array };
    for (const [dtype, values] of cases) {
      const data = ctor[dtype].from(values);
      const raw = writeIdx({ dtype, dims: [3, 1], data });
      for (const bytes of [raw, gzipSync(raw), Buffer.concat([Buffer.from('pool'), Buffer.from(raw)]).subarray(4)]) {
        const back = readIdx(bytes);
        expect(back.dtype).toBe(dtype);
        expect(back.dims).toEqual([3, 1]);
        expect(back.data.constructor).toBe(ctor[dtype]);
        expect(Array.from(back.data)).toEqual(Array.from(data));
      }
    }
  });

  it('truncated data: names the file, the expected size and the fix', () => {
    const raw = writeIdx({ dtype: 'uint8', dims: [60, 28, 28], data: new Uint8Array(60 * 784) });
    const cut = raw.slice(0, 1000);
    const err = (() => {
      try {
        readIdx(cut, { file: '/c/train-images-idx3-ubyte', fix: 'delete /c/train-images-idx3-ubyte' });
      } catch (e) {
        return e as DataFileError;
      }
    })();
    expect(err).toBeInstanceOf(DataFileError);
    expect(err!.message).toBe(
      '/c/train-images-idx3-ubyte: truncated IDX file: expected 47056 bytes (16-byte header + 60x28x28 uint8 values), found 1000. Fix: delete /c/train-images-idx3-ubyte',
    );
  });

  it('truncated gzip, wrong magic, unknown dtype and trailing bytes are clear errors', () => {
    const raw = writeIdx({ dtype: 'uint8', dims: [100], data: new Uint8Array(100).fill(7) });
    const gz = gzipSync(raw);
    expect(() => readIdx(gz.slice(0, gz.length - 10), { file: 'f.gz' })).toThrow(/f\.gz: corrupt or truncated gzip data.*Fix:/);
    expect(() => readIdx(new TextEncoder().encode('<html>404</html>'), { file: 'x' })).toThrow(/x: not an IDX file: expected the magic number to start with 0x00 0x00, found 0x3c 0x68/);
    expect(() => readIdx(new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 0]))).toThrow(/dtype byte.*found 0x07/);
    expect(() => readIdx(new Uint8Array([0, 0, 0x08, 2, 0, 0]))).toThrow(/truncated IDX header: expected 12 bytes for 2 dimensions, found 6/);
    expect(() => readIdx(new Uint8Array([...raw, 1, 2]))).toThrow(/longer than its header says: expected 108 bytes.*found 110/);
    expect(() => readIdx(new Uint8Array(2))).toThrow(/expected at least 4 bytes/);
  });
});

describe('readTar', () => {
  it('reads entries written by a ustar writer', () => {
    const a = new Uint8Array(700).map((_, i) => i % 251);
    const tar = makeTar({ 'dir/a.bin': a, 'dir/empty.txt': new Uint8Array(0), 'b.txt': new TextEncoder().encode('hi') });
    const entries = readTar(tar);
    expect(entries.map((e) => [e.name, e.size, e.type])).toEqual([
      ['dir/a.bin', 700, '0'],
      ['dir/empty.txt', 0, '0'],
      ['b.txt', 2, '0'],
    ]);
    expect(Array.from(entries[0]!.data)).toEqual(Array.from(a));
  });

  it('rejects a corrupt header and a truncated entry', () => {
    const tar = makeTar({ 'a.bin': new Uint8Array(2000) });
    const bad = tar.slice();
    bad[10] = 65;
    expect(() => readTar(bad, { file: 'x.tar' })).toThrow(/x\.tar: corrupt tar header at byte 0: expected header checksum/);
    expect(() => readTar(tar.slice(0, 1024), { file: 'x.tar' })).toThrow(/truncated tar archive: entry "a\.bin" needs 2000 bytes/);
  });
});

/** A batch of `n` records: label (offset + i) % 10, pixel (c, y, x) = (offset + i + 3c + 5y + 7x) % 256. */
function batch(n: number, offset: number): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    const o = i * 3073;
    out[o] = (offset + i) % 10;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
      out[o + 1 + c * 1024 + y * 32 + x] = (offset + i + 3 * c + 5 * y + 7 * x) % 256;
    }
  }
  return out;
}

const files: Record<string, Uint8Array> = { 'cifar-10-batches-bin/batches.meta.txt': new TextEncoder().encode(CIFAR10_CLASSES.join('\n')) };
for (let b = 1; b <= 5; b++) files[`cifar-10-batches-bin/data_batch_${b}.bin`] = batch(3, 3 * (b - 1));
files['cifar-10-batches-bin/test_batch.bin'] = batch(4, 100);
const archive = new Uint8Array(gzipSync(makeTar(files)));
const sums: Record<string, Checksum[]> = { 'cifar-10-binary.tar.gz': [{ algorithm: 'md5', hex: digest(archive, 'md5'), of: 'file' }] };

describe('loadCifar10 on a small archive', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const bad = archive.slice();
    bad[bad.length - 30]! ^= 1;
    server = await serve({ 'cifar-10-binary.tar.gz': archive, 'bad/cifar-10-binary.tar.gz': bad });
  });
  afterAll(() => server.close());

  it('downloads, verifies, extracts, and converts CHW records to HWC', async () => {
    const cacheDir = tmp('cifar');
    const opts = { cacheDir, baseUrl: server.baseUrl, allowDownload: true, checksums: sums, verbose: false };
    const train = await loadCifar10(opts);
    expect([train.name, train.n, train.height, train.width, train.channels, train.numClasses]).toEqual(['cifar-10/train', 15, 32, 32, 3, 10]);
    expect(train.classNames).toEqual(CIFAR10_CLASSES);
    expect(Array.from(train.labels)).toEqual([...Array(15).keys()].map((i) => i % 10));
    // image 7 (batch 3, record 1), pixel y=2, x=5, channel c=1 -> (7 + 3 + 10 + 35) % 256 = 55
    expect(train.images[7 * 3072 + (2 * 32 + 5) * 3 + 1]).toBeCloseTo(55 / 255, 7);
    const dir = join(cacheDir, 'cifar-10');
    expect(readdirSync(dir).sort()).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
    expect(readdirSync(join(dir, 'cifar-10-batches-bin')).sort()).toEqual(
      ['batches.meta.txt', 'data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'],
    );
    const test = await loadCifar10({ ...opts, split: 'test', limit: 2 });
    expect([test.name, test.n, test.labels[1]]).toEqual(['cifar-10/test', 2, 1]);
    expect(server.hits['cifar-10-binary.tar.gz']).toBe(1);
    const first = await loadCifar10({ ...opts, limit: 4 }); // limit reads only the batches it needs
    expect(first.images).toEqual(train.images.subarray(0, 4 * 3072));
  });

  it('re-extracts from a cached archive; rejects a corrupt download and a damaged batch', async () => {
    const cacheDir = tmp('cifar');
    const dir = join(cacheDir, 'cifar-10');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cifar-10-binary.tar.gz'), archive);
    expect((await loadCifar10({ cacheDir, split: 'test', checksums: sums })).n).toBe(4);

    const other = tmp('cifar');
    const p = loadCifar10({ cacheDir: other, baseUrl: server.baseUrl + 'bad/', allowDownload: true, checksums: sums, verbose: false });
    await expect(p).rejects.toThrow(DataFileError);
    await expect(p).rejects.toThrow(/download failed verification: expected md5 [0-9a-f]{32} of the file/);
    expect(existsSync(join(other, 'cifar-10')) ? readdirSync(join(other, 'cifar-10')) : []).toEqual([]);

    writeFileSync(join(dir, 'cifar-10-batches-bin', 'test_batch.bin'), new Uint8Array(5000));
    await expect(loadCifar10({ cacheDir, split: 'test' })).rejects.toThrow(
      /test_batch\.bin: damaged CIFAR-10 batch: expected a non-zero multiple of 3073 bytes .*found 5000\. Fix: delete /,
    );
  });

  it('without files or download: an error saying how to get them; the real MD5 guards a cached archive', async () => {
    await expect(loadCifar10({ cacheDir: tmp('cifar'), allowDownload: false })).rejects.toThrow(/CIFAR-10 not found.*Fix: pass allowDownload: true/);
    const cacheDir = tmp('cifar');
    mkdirSync(join(cacheDir, 'cifar-10'));
    writeFileSync(join(cacheDir, 'cifar-10', 'cifar-10-binary.tar.gz'), archive);
    await expect(loadCifar10({ cacheDir })).rejects.toThrow(/checksum mismatch: expected md5 c32a1d4ab5d03f1284b67883e8d87530 of the file/);
  });
});
