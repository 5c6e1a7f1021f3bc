/**
 * MNIST (LeCun, Cortes & Burges): 70,000 28x28 grayscale handwritten digits, 60,000 train + 10,000 test.
 * Looked for in the cache, else downloaded (when allowed) from the CVDF mirror; there is no Debian package and
 * no bundled subset.
 */
import type { Checksum } from './checksum.js';
import { DataFileError } from './errors.js';
import { loadDefaults, loadIdxFull, MNIST_FORMAT_FILES, type IdxDatasetSpec, type LoadOptions } from './idx-dataset.js';
import { datasetCacheDir } from './paths.js';
import type { ImageSet } from './types.js';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const md5 = (hex: string): Checksum => ({ algorithm: 'md5', hex, of: 'file' });

/**
 * The MD5s of the original .gz files (yann.lecun.com/exdb/mnist, the same files the CVDF mirror serves), as
 * listed by torchvision's MNIST dataset. No SHA-256 is hard-coded: none could be computed here (offline).
 */
const CHECKSUMS: Record<string, Checksum[]> = {
  'train-images-idx3-ubyte.gz': [md5('f68b3c2dcbeaaa9fbdd348bbdeb94873')],
  'train-labels-idx1-ubyte.gz': [md5('d53e105ee54ea40749a09fcbcd1e9432')],
  't10k-images-idx3-ubyte.gz': [md5('9fb629c4189551a2d022fa330f9573f3')],
  't10k-labels-idx1-ubyte.gz': [md5('ec29112dd5afa0611ce80d1b7f02629c')],
};

export const MNIST_SPEC: IdxDatasetSpec = {
  name: 'mnist',
  title: 'MNIST',
  classNames: MNIST_CLASSES,
  baseUrl: 'https://storage.googleapis.com/cvdf-datasets/mnist/',
  files: MNIST_FORMAT_FILES,
  checksums: CHECKSUMS,
};

/** Load MNIST (28x28x1 images in [0, 1], digits 0-9). `set.name` is 'mnist/<split>'. */
export async function loadMnist(options: LoadOptions = {}): Promise<ImageSet> {
  const where = 'loadMnist';
  const { split } = loadDefaults(where, options);
  const set = await loadIdxFull(MNIST_SPEC, options, undefined, where);
  if (set) return set;
  const files = MNIST_SPEC.files[split];
  const dir = datasetCacheDir(MNIST_SPEC.name, options.cacheDir);
  throw new DataFileError(
    dir,
    `MNIST ${split} files (${files.images}, ${files.labels}) not found and downloading is off`,
    `pass allowDownload: true (or set REPRLAB_ALLOW_DOWNLOAD=1) to download them from ${options.baseUrl ?? MNIST_SPEC.baseUrl}, or copy them into ${dir}`,
  );
}
