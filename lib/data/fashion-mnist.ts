/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando; MIT licence): 70,000 28x28 grayscale images of
 * clothing in 10 classes, 60,000 train + 10,000 test. Looked for in the cache, then in the Debian package
 * dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), then downloaded (when allowed); otherwise the
 * bundled mini subset (data/fashion-mnist-mini: the first 2,000 train and 1,000 test images) is used.
 */
import { join } from 'node:path';
import { check } from '../util/errors.js';
import type { Checksum } from './checksum.js';
import { DataFileError } from './errors.js';
import { loadDefaults, loadIdxFromDir, loadIdxFull, MNIST_FORMAT_FILES, type IdxDatasetSpec, type LoadOptions } from './idx-dataset.js';
import { noticeOnce } from './notice.js';
import { datasetCacheDir, packageRoot } from './paths.js';
import type { ImageSet } from './types.js';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Folder of the Debian package dataset-fashion-mnist. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/** Size of the bundled mini subset (data/fashion-mnist-mini). */
export const FASHION_MNIST_MINI = { train: 2000, test: 1000 } as const;

const md5 = (hex: string): Checksum => ({ algorithm: 'md5', hex, of: 'file' });
const sha256File = (hex: string): Checksum => ({ algorithm: 'sha256', hex, of: 'file' });
const sha256Content = (hex: string): Checksum => ({ algorithm: 'sha256', hex, of: 'gunzipped' });

/**
 * Known checksums: the MD5s the publishers list for the .gz files (github.com/zalandoresearch/fashion-mnist),
 * the SHA-256 of the decompressed IDX content, and the SHA-256 of the Debian package's .gz files (re-compressed
 * without the file name, so their bytes differ from the download). The SHA-256s were computed from the Debian
 * package dataset-fashion-mnist 0.0~git20200523.55506a9-1.
 */
const CHECKSUMS: Record<string, Checksum[]> = {
  'train-images-idx3-ubyte.gz': [
    md5('8d4fb7e6c68d591d4c3dfef9ec88bf0d'),
    sha256Content('c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888'),
    sha256File('b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7'),
  ],
  'train-labels-idx1-ubyte.gz': [
    md5('25c81989df183df01b3e8a0aad5dffbe'),
    sha256Content('bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9'),
    sha256File('0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056'),
  ],
  't10k-images-idx3-ubyte.gz': [
    md5('bef4ecab320f06d8554ea6380940ec79'),
    sha256Content('5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b'),
    sha256File('cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa'),
  ],
  't10k-labels-idx1-ubyte.gz': [
    md5('bb300cfdad3c16e7a12a480ee83cd310'),
    sha256Content('0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34'),
    sha256File('8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05'),
  ],
};

export const FASHION_MNIST_SPEC: IdxDatasetSpec = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  classNames: FASHION_MNIST_CLASSES,
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  files: MNIST_FORMAT_FILES,
  checksums: CHECKSUMS,
  systemDir: FASHION_MNIST_SYSTEM_DIR,
  systemFix: 'reinstall the Debian package: sudo apt-get install --reinstall dataset-fashion-mnist',
};

export interface FashionMnistOptions extends LoadOptions {
  /**
   * 'auto' (default): the full set if found (or downloadable), else the bundled mini subset with a notice;
   * 'full': the full set or an error; 'mini': the bundled subset (2,000 train / 1,000 test images).
   */
  source?: 'auto' | 'full' | 'mini';
  /** Where the Debian package keeps the files (default /usr/share/datasets/fashion-mnist). */
  systemDir?: string;
}

const HOW_TO_GET_FULL =
  "run `bash scripts/setup-system.sh` (installs the Debian package dataset-fashion-mnist), or pass allowDownload: true / set REPRLAB_ALLOW_DOWNLOAD=1 to download it";

/** Folder of the bundled mini subset. */
export function fashionMnistMiniDir(): string {
  return join(packageRoot(), 'data', 'fashion-mnist-mini');
}

function loadMini(split: 'train' | 'test', limit: number | undefined): ImageSet {
  const fix = 'restore the folder from the reprlab repository (git checkout -- data/fashion-mnist-mini) or reinstall reprlab';
  return loadIdxFromDir(FASHION_MNIST_SPEC, fashionMnistMiniDir(), split, limit, `fashion-mnist-mini/${split}`, fix);
}

/**
 * Load Fashion-MNIST (28x28x1 images in [0, 1], 10 classes). `set.name` is 'fashion-mnist/<split>' for the
 * full set and 'fashion-mnist-mini/<split>' for the bundled subset.
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<ImageSet> {
  const where = 'loadFashionMnist';
  const source = options.source ?? 'auto';
  check(source === 'auto' || source === 'full' || source === 'mini', where, 'source', "'auto', 'full' or 'mini'", source);
  const { split, limit, verbose } = loadDefaults(where, options);
  if (source === 'mini') return loadMini(split, limit);
  const full = await loadIdxFull(FASHION_MNIST_SPEC, options, options.systemDir ?? FASHION_MNIST_SYSTEM_DIR, where);
  if (full) return full;
  if (source === 'full') {
    const files = FASHION_MNIST_SPEC.files[split];
    throw new DataFileError(
      datasetCacheDir(FASHION_MNIST_SPEC.name, options.cacheDir),
      `Fashion-MNIST ${split} files (${files.images}, ${files.labels}) not found here nor in ${options.systemDir ?? FASHION_MNIST_SYSTEM_DIR}, and downloading is off`,
      HOW_TO_GET_FULL + ", or use source: 'mini'",
    );
  }
  if (verbose) {
    noticeOnce(
      'fashion-mnist-mini',
      `reprlab: using the Fashion-MNIST mini subset (${FASHION_MNIST_MINI.train} train / ${FASHION_MNIST_MINI.test} test images); for the full 70,000 ${HOW_TO_GET_FULL}.`,
    );
  }
  return loadMini(split, limit);
}
