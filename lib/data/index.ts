/** lib/data: datasets as typed arrays on the CPU (docs/architecture.md, data contract) + batching. */
export type { ImageSet, SegmentationSet, Split } from './types.js';
export { DataFileError } from './errors.js';
export { readIdx, writeIdx, type IdxArray, type IdxDtype, type IdxData, type ReadIdxOptions } from './idx.js';
export { isGzip, maybeGunzip } from './gzip.js';
export { readTar, type TarEntry } from './tar.js';
export { digest, verifyChecksums, type Checksum } from './checksum.js';
export { downloadVerified, type DownloadOptions } from './download.js';
export { cacheRoot, datasetCacheDir, findProjectRoot } from './paths.js';
export type { LoadOptions } from './idx-dataset.js';
export {
  loadFashionMnist, fashionMnistMiniDir, FASHION_MNIST_CLASSES, FASHION_MNIST_MINI, FASHION_MNIST_SYSTEM_DIR,
  type FashionMnistOptions,
} from './fashion-mnist.js';
export { loadMnist, MNIST_CLASSES } from './mnist.js';
export { loadCifar10, CIFAR10_CLASSES } from './cifar10.js';
export { syntheticShapes, type ShapesOptions } from './shapes.js';
export { syntheticSegmentation, type SegmentationOptions } from './segmentation.js';
export { sampleTriples, type TripleIndices } from './triples.js';
export { SHAPE_NAMES, ALL_SHAPE_NAMES, type ShapeName } from './raster.js';
export { EXTRA_SHAPE_NAMES, polygonSdf, type ExtraShapeName } from './more-shapes.js';
export { checkImageSet, checkIndices, makeImageSet, classCounts, type ImageSetInit } from './imageset.js';
export { toTensor, masksToTensor } from './tensor.js';
export { batches, type BatchesOptions } from './batches.js';
export { classBalancedBatches, type ClassBalancedOptions } from './class-balanced.js';
export { trainTestSplit, labelFraction, labelFractionIndices, type TrainTestSplitOptions, type TrainTestSplit } from './split.js';
export { subset, filterClasses, flattenImages } from './subset.js';
export { toGrayscale, LUMA_WEIGHTS } from './grayscale.js';
