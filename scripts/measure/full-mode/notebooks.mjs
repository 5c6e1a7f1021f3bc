// What each notebook runs in full mode (its `sizes({ full })` and its training and evaluation cells), as parts the
// runner of scripts/measure/full-mode-estimate.mjs can time: training runs are started with the notebook's full-mode
// options and step count and stopped by the runner's StepTimer after a few timed steps; evaluation parts are timed
// once on a subset and scaled by their (linear) size, or timed at full size where that is cheap. Keep these in step
// with notebooks/src/NN-*.md when a notebook's full sizes change.
import {
  tf, loadFashionMnist, resizeImages, subset, filterClasses, labelFraction, syntheticShapes, pixelFeatures, selectRows, embed, linearProbe,
  knnAccuracy, retrievalMetrics, project2d, pca, kMeans, smallCnn, mlpEncoder, linearClassifier, stack, featureDim, makeOptimizer,
  BatchStream, trainLoop, toTensor, rotateHue, rng, dominantColor, smoothness, invariance, clustering, effectiveRank, sparsity, disentanglement,
  flipHorizontal, autoencoder, vae, rotation, jigsaw, inpainting, colorization, metricLearner, simclr, supervised, finetune, moco, byol, simsiam,
  barlowTwins, vicreg, dino, simclrAugment, randomResizedCrop, mae, vit, charVocabulary, charLanguageModel, REPRESENTATION_LEARNING_TEXT,
} from 'reprlab';

const range = (n) => Int32Array.from({ length: n }, (_, i) => i);
const first = (set, n) => subset(set, range(Math.min(n, set.n)));
const cnn = (shape, widths = [32, 64, 128], seed = 0) => smallCnn({ inputShape: shape, widths, seed });

/**
 * Time `embed(encoder)` on evalRows images of `set` (after a small untimed warm-up) and scale to `fullRows`, the
 * images the notebook embeds with such an encoder in full mode. Returns the features of the timed subset (train) and
 * of `queries` test images (untimed), for the probe and kNN parts.
 */
async function embedPart(R, name, encoder, set, testSet, fullRows, what) {
  await embed(encoder, first(set, 256));
  const sub = first(set, R.opts.evalRows);
  let f;
  await R.evalPart(name, { scale: fullRows / sub.n, note: `${fullRows.toLocaleString('en')} images in full mode (${what}); timed on ${sub.n}, ×${(fullRows / sub.n).toFixed(1)}` }, async () => {
    f = await embed(encoder, sub);
  });
  const te = first(testSet, 1024);
  return { train: f, trainLabels: sub.labels, test: await embed(encoder, te), testLabels: te.labels };
}

/** The converged L-BFGS probe (linearProbe's default) on the subset's features, scaled linearly to `fullRows` training rows. */
async function probePart(R, name, F, fullRows, count, what) {
  await R.evalPart(name, { scale: fullRows / F.train.n, count, note: `${what}: ${fullRows.toLocaleString('en')} × ${F.train.dim} rows, ×${count}; timed to convergence on ${F.train.n} rows, ×${(fullRows / F.train.n).toFixed(1)} (cost per iteration linear in rows; same iteration count assumed)` }, async () => {
    await linearProbe(F.train, F.trainLabels, F.test, F.testLabels);
  });
}

/** kNN accuracy (cost ∝ train rows × test rows) on the subsets, scaled to the full sizes. */
async function knnPart(R, name, F, fullTrain, fullTest, count, options) {
  const scale = (fullTrain * fullTest) / (F.train.n * F.test.n);
  await R.evalPart(name, { scale, count, note: `${fullTrain.toLocaleString('en')} × ${fullTest.toLocaleString('en')} in ${F.train.dim}-d, ×${count}; timed on ${F.train.n} × ${F.test.n}, ×${scale.toFixed(0)} (train rows × queries)` }, async () => {
    await knnAccuracy(F.train, F.trainLabels, F.test, F.testLabels, options);
  });
}

/** The raw-pixel probe (784-d, L-BFGS to convergence) as notebook 02 measured it, scaled to `fullRows` training rows. */
async function rawProbe(R, fullRows) {
  const from = R.previous('02-classical-baselines', 'probe, raw pixels (784-d)');
  const rows = 60000 / from.scale; // the rows notebook 02 timed it on
  await R.reuse('probe, raw pixels (784-d)', '02-classical-baselines', 'probe, raw pixels (784-d)', 1, `timed on ${Math.round(rows)} rows, ×${(fullRows / rows).toFixed(1)} to ${fullRows.toLocaleString('en')}`, fullRows / rows);
}

/** A method's `train` at full size, stopped by the timer (progress is the timer; logEvery 1: one read per step). */
const trainMethod = (make, data, fullSteps, extra = {}) => async (timer) => {
  const m = make();
  try {
    await m.train(data, { steps: fullSteps, logEvery: 1, progress: timer.progress(), ...extra });
  } finally {
    m.dispose?.();
  }
};

const fashion = async (n = 60000, t = 10000) => [await loadFashionMnist({ split: 'train', limit: n }), await loadFashionMnist({ split: 'test', limit: t })];

export const NOTEBOOK_PARTS = {
  // full: { train: 10000, test: 2000, steps: 400, batch: 128, shapes: 2000, encoder: 'cnn' }
  async '00-setup'(R) {
    const [train, test] = await fashion(10000, 2000);
    await R.train('classifier (smallCnn 16-32-64, B=128)', 400, async (timer) => {
      const encoder = smallCnn({ inputShape: [28, 28, 1], widths: [16, 32, 64], seed: 0 });
      const classifier = stack([encoder, linearClassifier({ inputDim: featureDim(encoder), numClasses: 10, seed: 1 })]);
      const optimizer = makeOptimizer({ name: 'adam', learningRate: 3e-3 });
      const stream = new BatchStream(train, 128, 0);
      R.keep.classifier = classifier;
      await trainLoop({ steps: 400, logEvery: 1, progress: timer.progress(), step: (i) => {
        const { x, y } = stream.batch(i);
        const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), classifier.apply(x, { training: true })), true);
        tf.dispose([x, y]);
        return loss;
      } });
    });
    await R.evalPart('test predictions (2,000 images)', { note: 'timed at full size' }, async () => {
      const { x, y } = toTensor(test);
      const p = tf.tidy(() => R.keep.classifier.predict(x).argMax(-1));
      await p.data();
      tf.dispose([x, y, p]);
    });
  },

  // full: { shapes: 6000, test: 2000, colors: 5000, steps: 2000, samples: 512 }
  async '01-good-representations'(R) {
    const shapeOptions = { size: 16, rotation: [0, 0], scale: [0.45, 0.75] };
    const train = syntheticShapes({ n: 6000, seed: 0, ...shapeOptions });
    const test = syntheticShapes({ n: 2000, seed: 1, ...shapeOptions });
    const encoder = mlpEncoder({ inputShape: [16, 16, 3], hidden: [128], outputDim: 32, seed: 0 });
    await R.train('shape classifier (MLP 768-128-32, B=64, hue rotation)', 2000, async (timer) => {
      const classifier = stack([encoder, linearClassifier({ inputDim: 32, numClasses: train.numClasses, seed: 1 })]);
      const optimizer = makeOptimizer({ learningRate: 3e-3 });
      const stream = new BatchStream(train, 64, 0);
      const hues = rng(7);
      await trainLoop({ steps: 2000, logEvery: 1, progress: timer.progress(), step: (i) => {
        const { x, y } = stream.batch(i);
        const recoloured = rotateHue(x, Float32Array.from({ length: x.shape[0] }, () => hues.uniform()));
        const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, train.numClasses), classifier.apply(recoloured, { training: true })), true);
        tf.dispose([x, y, recoloured]);
        return loss;
      } });
    });
    const hueShift = (x) => rotateHue(x, new Float32Array(x.shape[0]).fill(1 / 3));
    const flat = (x) => tf.reshape(x, [x.shape[0], -1]);
    let pcaModel;
    await R.evalPart('dominant colour, 2 probes, PCA-32 (6,000 images)', { note: 'timed at full size' }, async () => {
      const domTrain = dominantColor(train, { minBrightness: 0.25 }), domTest = dominantColor(test, { minBrightness: 0.25 });
      const hueBin = (set) => Int32Array.from(set.factors.hue, (h) => Math.min(5, Math.floor(h * 6)));
      await linearProbe(domTrain, hueBin(train), domTest, hueBin(test));
      await linearProbe(domTrain, train.labels, domTest, test.labels);
      pcaModel = await pca(pixelFeatures(train), { components: 32 });
    });
    const reps = [{ name: 'raw pixels', f: flat }, { name: 'PCA-32', f: pcaModel.encoder(32) }, { name: 'MLP-32', f: encoder }];
    await R.evalPart('properties of 3 representations (2,000 test images, 512 samples)', { note: 'timed at full size (untrained MLP)' }, async () => {
      for (const { f } of reps) {
        const feats = await embed(f, test);
        await smoothness(f, test, { samples: 512 });
        await invariance(f, test, hueShift, { samples: 512 });
        await invariance(f, test, flipHorizontal, { samples: 512 });
        await clustering(feats, test.labels);
        await effectiveRank(feats);
        sparsity(feats);
      }
    });
    await R.evalPart('t-SNE (2,000 points, 750 iterations) + PCA map', { note: 'timed at full size' }, async () => {
      await project2d(await embed(encoder, test), { method: 'tsne', seed: 0, iterations: 750 });
      await project2d(pixelFeatures(test), { method: 'pca' });
    });
    await R.evalPart('probe + kNN of 3 representations (6,000 / 2,000)', { note: 'timed at full size (untrained MLP)' }, async () => {
      for (const { f } of reps) {
        const a = await embed(f, train), b = await embed(f, test);
        await linearProbe(a, train.labels, b, test.labels);
        await knnAccuracy(a, train.labels, b, test.labels, { k: 10, metric: 'cosine', weighted: true });
      }
    });
  },

  // full: { train: 60000, test: 10000, restarts: 3, components: 100, batch: 128, linearSteps: 4000, aeSteps: 6000, hidden: [256], vaeSteps: 4000, mapPoints: 2000 }
  async '02-classical-baselines'(R) {
    const [train, test] = await fashion();
    const shape = [28, 28, 1];
    const rows = R.opts.evalRows * 2;
    const px = pixelFeatures(first(train, rows));
    await R.evalPart('k-means k=20 and k=10, 3 restarts each, 60,000 × 784', { scale: 60000 / px.n, count: 6, note: `timed: one k-means (k = 20, 1 restart) on ${px.n} rows, ×${(60000 / px.n).toFixed(1)} rows ×6 (2 k × 3 restarts; same iteration count assumed)` }, async () => {
      await kMeans(px, { k: 20, seed: 0, restarts: 1 });
    });
    await R.evalPart('PCA, 100 components, 60,000 × 784', { scale: 60000 / px.n, note: `timed on ${px.n} rows, ×${(60000 / px.n).toFixed(1)}` }, async () => {
      await pca(px, { components: 100 });
    });
    await R.train('linear autoencoder (16-d, B=128)', 4000, trainMethod(() => autoencoder({ inputShape: shape, kind: 'linear', latentDim: 16, learningRate: 1e-2, seed: 0 }), train, 4000, { batchSize: 128 }));
    await R.train('autoencoder MLP 784-256-32, BCE (B=128)', 6000, trainMethod(() => autoencoder({ inputShape: shape, kind: 'mlp', hidden: [256], latentDim: 32, loss: 'bce', seed: 0 }), train, 6000, { batchSize: 128 }));
    await R.train('denoising autoencoder (same, noise 0.3)', 6000, trainMethod(() => autoencoder({ inputShape: shape, kind: 'mlp', hidden: [256], latentDim: 32, loss: 'bce', noise: 0.3, seed: 0 }), train, 6000, { batchSize: 128 }));
    await R.train('VAE MLP 784-256-2 (B=128)', 4000, trainMethod(() => vae({ inputShape: shape, kind: 'mlp', hidden: [256], latentDim: 2, seed: 0 }), train, 4000, { batchSize: 128 }));
    const ae = autoencoder({ inputShape: shape, kind: 'mlp', hidden: [256], latentDim: 32, loss: 'bce', seed: 0 });
    // embeds: linear AE train+test, AE train+test (+2,000 map), DAE train+test, VAE train+test (+2,000 map)
    const codes = await embedPart(R, 'embed (MLP encoders)', ae.encoder, train, test, 4 * 70000 + 4000, '4 encoders × (60,000 train + 10,000 test) + 2 × 2,000 map points');
    const sub = first(train, R.opts.evalRows), te = first(test, 1024);
    const pixels = { train: pixelFeatures(sub), trainLabels: sub.labels, test: pixelFeatures(te), testLabels: te.labels };
    await probePart(R, 'probe, raw pixels (784-d)', pixels, 60000, 1, 'raw pixels');
    await probePart(R, 'probes of 6 low-d codes (2–50-d)', codes, 60000, 6, 'k-means one-hot 20, PCA-50, linear AE-16, AE-32, DAE-32, VAE-2; timed on AE-32 codes');
    await knnPart(R, 'kNN, raw pixels (784-d)', pixels, 60000, 10000, 1, { k: 20, metric: 'cosine', weighted: true });
    await knnPart(R, 'kNN of 6 low-d codes', codes, 60000, 10000, 6, { k: 20, metric: 'cosine', weighted: true });
    await R.evalPart('UMAP (2,000 raw-pixel rows)', { note: 'timed at full size' }, async () => {
      await project2d(selectRows(pixelFeatures(test), range(2000)), { method: 'umap', seed: 0 });
    });
    // t-SNE's cost is set by the points and iterations (the features are PCA-reduced to 50-d first): notebook 01's
    // t-SNE of 2,000 points × 750 iterations (its PCA map is a few ms)
    await R.reuse('t-SNE (2,000 AE codes, 750 iterations)', '01-good-representations', 't-SNE (2,000 points, 750 iterations) + PCA map', 1);
    ae.dispose?.();
  },

  // full: { size: 28, n: 60000, test: 10000, widths: [32, 64, 128], lr: 1e-3, rotLr: 1e-3, rotSteps: 2000, jigSteps: 1500, inpSteps: 2000, colSteps: 2000, batch: 128, colorN: 20000, colorSize: 32 }
  async '03-pretext-tasks'(R) {
    const [train, test] = await fashion();
    const fm = [28, 28, 1], widths = [32, 64, 128];
    await R.train('rotation (B=128 × 4 rotations)', 2000, trainMethod(() => rotation({ inputShape: fm, widths, batchSize: 128, learningRate: 1e-3, seed: 0 }), train, 2000));
    await R.train('jigsaw 2×2 (B=128)', 1500, trainMethod(() => jigsaw({ inputShape: fm, widths, batchSize: 128, grid: 2, learningRate: 1e-3, seed: 0 }), train, 1500));
    await R.train('inpainting (B=256)', 2000, trainMethod(() => inpainting({ inputShape: fm, widths, batchSize: 256, maskFraction: 0.5, learningRate: 1e-3, seed: 0 }), train, 2000));
    // CIFAR-10 when cached, else synthetic shapes of 32×32×3 (what the notebook falls back to): the same step cost
    const colorSet = syntheticShapes({ n: 2048, size: 32, seed: 0 });
    await R.train('colorization 32×32×3 (B=128)', 2000, trainMethod(() => colorization({ inputShape: [32, 32, 3], widths, batchSize: 128, learningRate: 1e-3, seed: 0 }), colorSet, 2000));
    // probes: random CNN, rotation, jigsaw, inpainting on Fashion-MNIST (4 × 70,000); random CNN and colorization on the 20,000 + 10,000 colour images
    const F = await embedPart(R, 'embed, smallCnn 28×28×1', cnn(fm), train, test, 4 * 70000, '4 encoders × (60,000 + 10,000)');
    const colorTest = syntheticShapes({ n: 1024, size: 32, seed: 1 });
    const C = await embedPart(R, 'embed, smallCnn 32×32×3', cnn([32, 32, 3]), syntheticShapes({ n: R.opts.evalRows, size: 32, seed: 0 }), colorTest, 2 * 30000, '2 encoders × (20,000 + 10,000)');
    await probePart(R, 'probes on Fashion-MNIST (128-d)', F, 60000, 4, '4 encoders');
    await probePart(R, 'probes on colour images (128-d)', C, 20000, 2, '2 encoders');
  },

  // full: { train: 60000, test: 10000, steps: 2000, perClass: 16, backbone: 'conv', widths: [32, 64, 128], dim: 64, lr: 1e-3, pairs: 5000, plotPoints: 1500 }
  async '04-metric-learning'(R) {
    const [all, testAll] = await fashion();
    const train = filterClasses(all, [0, 1, 2, 3, 4]);
    const heldOut = filterClasses(testAll, [5, 6, 7, 8, 9]);
    const runs = [
      ['cross-entropy', { loss: 'softmax' }], ['pair', { loss: 'pair' }], ['triplet batch-hard', { loss: 'triplet', mining: 'batchHard' }],
      ['triplet semi-hard', { loss: 'triplet', mining: 'semihard' }], ['triplet batch-all', { loss: 'triplet', mining: 'all', average: 'nonzero' }],
      ['center', { loss: 'center' }], ['CosFace', { loss: 'cosface' }], ['ArcFace', { loss: 'arcface' }], ['sub-center ArcFace', { loss: 'subcenterArcface' }],
    ];
    // the loss acts on 80 × 64 embeddings: the conv backbone is the step. Timed: one loss of each kind (a softmax
    // head, a mined triplet loss, an angular-margin head); the others take the ms/step of the closest
    const timed = { 'cross-entropy': null, 'triplet batch-all': null, ArcFace: null };
    const like = { pair: 'triplet batch-all', 'triplet batch-hard': 'triplet batch-all', 'triplet semi-hard': 'triplet batch-all', center: 'cross-entropy', CosFace: 'ArcFace', 'sub-center ArcFace': 'ArcFace' };
    const label = (name) => `${name} (conv 32-64-128, 5 × 16 images)`;
    for (const [name, options] of runs) {
      if (!(name in timed)) continue;
      await R.train(label(name), 2000, async (timer) => {
        const learner = metricLearner({ inputShape: [28, 28, 1], numClasses: 5, backbone: 'conv', widths: [32, 64, 128], embeddingDim: 64, learningRate: 1e-3, seed: 0, ...options });
        try {
          await learner.train(train, { steps: 2000, classesPerBatch: 5, perClass: 16, logEvery: 1, progress: timer.progress() });
        } finally {
          learner.dispose();
        }
      });
    }
    for (const [name, closest] of Object.entries(like)) await R.alias(label(name), 2000, label(closest), `the same backbone and batch; the ${name} loss on 80 × 64 embeddings in place of ${closest}'s`);
    const learner = metricLearner({ inputShape: [28, 28, 1], numClasses: 5, backbone: 'conv', widths: [32, 64, 128], embeddingDim: 64, learningRate: 1e-3, seed: 0, loss: 'softmax' });
    // 10 encoders (untrained + 9) × (5,000 held-out + 5,000 seen test images)
    const F = await embedPart(R, 'embed, conv 32-64-128 → 64', learner.encoder, heldOut, heldOut, 10 * 10000, '10 encoders × (5,000 held-out + 5,000 seen)');
    const held = await embed(learner.encoder, heldOut);
    await R.evalPart('retrieval metrics, 5,000 queries (×20: 10 encoders × held-out and seen)', { count: 20, note: 'timed at full size' }, async () => {
      await retrievalMetrics(held, heldOut.labels);
    });
    void F;
    learner.dispose();
  },

  // full: { size: 28, n: 60000, test: 10000, widths: [32, 64, 128], batch: 256, simclrSteps: 3000, supSteps: 1500, fractions: [0.01, 0.1, 1], epochs: 15, minSteps: 200, ftBatch: 64, lr: 1e-3 }
  async '05-transfer-learning'(R) {
    const [train, test] = await fashion();
    const fm = [28, 28, 1], widths = [32, 64, 128];
    await R.train('SimCLR pre-training (B=256)', 3000, trainMethod(() => simclr({ inputShape: fm, widths, batchSize: 256, learningRate: 1e-3, seed: 0 }), train, 3000));
    const seen = filterClasses(train, [0, 1, 2, 3, 4]);
    await R.train('supervised pre-training, classes 0–4 (B=256)', 1500, trainMethod(() => supervised({ inputShape: fm, widths, numClasses: 5, batchSize: 256, learningRate: 1e-3, seed: 0 }), seen, 1500));
    const unseen = { train: filterClasses(train, [5, 6, 7, 8, 9]), test: filterClasses(test, [5, 6, 7, 8, 9]) };
    const steps = (n) => Math.max(200, Math.round((15 * n) / Math.min(64, n)));
    const labelled = [0.01, 0.1, 1].map((f) => (f < 1 ? labelFraction(train, f, { seed: 0 }).n : train.n));
    const unseenLabelled = labelFraction(unseen.train, 0.01, { seed: 0 }).n;
    const ftSteps = labelled.reduce((s, n) => s + steps(n), 0) + steps(unseenLabelled);
    const encoder = cnn(fm);
    const small = { train: first(train, 2048), test: first(test, 256) };
    for (const m of ['finetune', 'partial', 'scratch']) {
      await R.train(`${m}, B=64 (labels ${labelled.join(' / ')} + ${unseenLabelled} of classes 5–9)`, ftSteps, async (timer) => {
        let done = 0;
        // the augment hook runs at the start of every step and changes nothing: a per-step tick for the timer
        const augment = (x) => (timer.tick(done++), x);
        await finetune(encoder, small, { mode: m, steps: ftSteps, batchSize: 64, learningRate: 1e-3, seed: 0, augment, progress: false });
      }, `steps = Σ max(200, 15 · labelled / 64) = ${ftSteps.toLocaleString('en')}`);
    }
    // embeds: frozen (labelled train + test per fraction, and the unseen run), and the accuracy of every fine-tuned model on test and its labelled train images
    const frozenRows = labelled.reduce((s, n) => s + n + 10000, 0) + unseenLabelled + unseen.test.n;
    const accRows = 3 * (labelled.reduce((s, n) => s + n + 10000, 0) + unseenLabelled + unseen.test.n);
    const F = await embedPart(R, 'embed, smallCnn (frozen features + accuracies)', encoder, train, test, frozenRows + accRows, `frozen ${frozenRows.toLocaleString('en')} + accuracies of 12 fine-tuned models ${accRows.toLocaleString('en')}`);
    await probePart(R, 'frozen probes (128-d)', F, labelled[2] + labelled[1] + labelled[0] + unseenLabelled, 1, `4 frozen runs, ${labelled.join(' + ')} + ${unseenLabelled} rows in all`);
  },

  // full: { size: 28, n: 60000, test: 10000, batch: 256, steps: 3000, lr: 1e-3, ablationSteps: 600, ablationBatch: 256, widths: [32, 64, 128], ablationWidths: [32, 64, 128], queue: 4096, k: 20 }
  async '06-contrastive-simclr-moco'(R) {
    const [train, test] = await fashion();
    const fm = [28, 28, 1], widths = [32, 64, 128];
    await R.reuseTrain('SimCLR (B=256)', 3000, '05-transfer-learning', 'SimCLR pre-training (B=256)', 'the same step (smallCnn 32-64-128, B=256, 28×28, default augmentation; τ does not change the cost)');
    await R.train('ablation: batch 64', 600, trainMethod(() => simclr({ inputShape: fm, widths, batchSize: 64, learningRate: 1e-3, seed: 0 }), train, 600, { batchSize: 64 }));
    await R.alias('ablations at B=256 (batch 256, τ 0.1/0.5/1, 3 heads, 4 augmentations)', 11 * 600, 'SimCLR (B=256)', 'same encoder, batch and step as SimCLR (B=256); only τ, the 128-wide head or the augmentation differ');
    await R.train('MoCo (B=256, queue 4096)', 3000, trainMethod(() => moco({ inputShape: fm, widths, batchSize: 256, queueSize: 4096, temperature: 0.2, momentum: 0.99, learningRate: 1e-3, seed: 0 }), train, 3000, { batchSize: 256 }));
    // evaluate(): raw pixels, random CNN, SimCLR, 12 ablation variants, MoCo = 16 rows; 15 of them embed 70,000 images
    const F = await embedPart(R, 'embed, smallCnn', cnn(fm), train, test, 15 * 70000, '15 encoders × (60,000 + 10,000)');
    await rawProbe(R, 60000);
    await probePart(R, 'probes, 15 encoders (128-d)', F, 60000, 15, '15 encoders');
    await R.reuse('kNN, raw pixels', '02-classical-baselines', 'kNN, raw pixels (784-d)', 1, 'the same 60,000 × 10,000 × 784');
    await knnPart(R, 'kNN, 15 encoders', F, 60000, 10000, 15, { k: 20 });
  },

  // full: { train: 20000, test: 5000, steps: 3000, batch: 256, lr: 1e-3, backbone: 'cnn', full: true, localCrops: 4 }
  async '07-non-contrastive'(R) {
    const [train, test] = await fashion(20000, 5000);
    const makeEncoder = () => cnn([28, 28, 1]);
    const augment = simclrAugment({ strength: 0.5, seed: 0 });
    const common = { batchSize: 256, learningRate: 1e-3, seed: 0 };
    const joint = { ...common, augment, projectionDim: 256 };
    const dinoOptions = { outputDim: 1024, hiddenDim: 512, bottleneckDim: 128, localCrops: 4, localSize: [14, 14] };
    const factories = {
      BYOL: () => byol({ encoder: makeEncoder(), ...joint, momentum: 0.996 }),
      SimSiam: () => simsiam({ encoder: makeEncoder(), ...joint }),
      'Barlow Twins': () => barlowTwins({ encoder: makeEncoder(), ...joint, lambda: 5e-3 }),
      VICReg: () => vicreg({ encoder: makeEncoder(), ...joint }),
      DINO: () => dino({ encoder: makeEncoder(), ...common, ...dinoOptions, momentum: 0.996 }),
    };
    const label = (name) => `${name} (B=256${name === 'DINO' ? ', 2 global + 4 local 14×14 crops' : ''})`;
    for (const [name, make] of Object.entries(factories)) {
      if (name === 'VICReg') await R.alias(label(name), 3000, label('Barlow Twins'), 'the same encoder, views and 256-d projector as Barlow Twins; only the loss on the 256-d embeddings differs');
      else await R.train(label(name), 3000, trainMethod(make, train, 3000));
    }
    // raw-pixel probe; encoderReport of 5 encoders: embed 25,000, kNN 20,000 × 5,000, probe 20,000 × 128
    const F = await embedPart(R, 'embed, smallCnn', makeEncoder(), train, test, 5 * 25000, '5 encoders × (20,000 + 5,000)');
    await rawProbe(R, 20000);
    await probePart(R, 'probes, 5 encoders (128-d)', F, 20000, 5, '5 encoders');
    await knnPart(R, 'kNN, 5 encoders', F, 20000, 5000, 5, { k: 20 });
  },

  // full: { train: 20000, test: 5000, steps: 4000, batch: 256, patch: 4, dim: 128, depth: 6, heads: 4, decoderDim: 64, lr: 1e-3, textSteps: 3000, textBatch: 64, context: 48, textDim: 128, textDepth: 4, textLr: 1e-3, full: true }
  async '08-masked-modelling'(R) {
    const [train, test] = await fashion(20000, 5000);
    await R.train('MAE (ViT patch 4, D=128, depth 6, B=256, 75% masked)', 4000, trainMethod(() => mae({ inputShape: [28, 28, 1], patchSize: 4, dim: 128, depth: 6, numHeads: 4, decoderDim: 64, decoderNumHeads: 2, maskRatio: 0.75, learningRate: 1e-3, batchSize: 256, seed: 0 }), train, 4000));
    const vocab = charVocabulary(REPRESENTATION_LEARNING_TEXT);
    const ids = vocab.encode(REPRESENTATION_LEARNING_TEXT);
    const trainIds = ids.slice(0, Math.floor(ids.length * 0.9));
    for (const objective of ['next', 'masked']) {
      await R.train(`char LM, ${objective === 'next' ? 'GPT' : 'BERT'}-style (context 48, D=128, depth 4, B=64)`, 3000, async (timer) => {
        const lm = charLanguageModel({ vocab, context: 48, dim: 128, depth: 4, numHeads: 4, learningRate: 1e-3, seed: 0, objective });
        try {
          await lm.train(trainIds, { steps: 3000, batchSize: 64, logEvery: 1, progress: timer.progress() });
        } finally {
          lm.dispose();
        }
      });
    }
    // encoderReport of the MAE encoder and of a random ViT (all 49 patches): embed 2 × 25,000, plus the final reconstruction of 5,000 test images
    const randomVit = vit({ inputShape: [28, 28, 1], patchSize: 4, dim: 128, depth: 6, numHeads: 4, seed: 0 });
    const F = await embedPart(R, 'embed, ViT D=128 depth 6 (49 patches)', randomVit.encoder, train, test, 2 * 25000 + 5000, '2 encoders × (20,000 + 5,000), + 5,000 reconstructed (counted as a ViT forward)');
    await rawProbe(R, 20000);
    await probePart(R, 'probes, 2 encoders', F, 20000, 2, 'MAE and random ViT');
    await knnPart(R, 'kNN, 2 encoders', F, 20000, 5000, 2, { k: 20 });
    randomVit.encoder.dispose();
  },

  // full: { train: 10000, test: 2000, steps: 1500, batch: 256, lr: 1e-3, backbone: 'cnn', full: true, every: 100, map: 'umap', mapPoints: 1500 }
  async '09-collapse-and-evaluation'(R) {
    const [train, test] = await fashion(10000, 2000);
    const augment = simclrAugment({ strength: 0.5, seed: 0 });
    const base = { projectionDim: 32, batchSize: 256, learningRate: 1e-3, augment, seed: 0 };
    const make = (f, options) => () => f({ encoder: cnn([28, 28, 1]), ...base, ...options });
    // the 25 configurations: SimSiam ± stop-gradient, then 8 rows × 3 regularisers less the one already run
    await R.train('SimSiam: SG PR BN', 1500, trainMethod(make(simsiam, { outputBatchNorm: false }), train, 1500));
    await R.alias('SimSiam without stop-gradient', 1500, 'SimSiam: SG PR BN', 'the same networks; without stop-gradient the target branch is back-propagated too (a little dearer)');
    await R.reuseTrain('BYOL: ME SG PR BN', 1500, '07-non-contrastive', 'BYOL (B=256)', "notebook 07's BYOL step (same encoder, augmentation and batch; its projector is 256-d, this one 32-d)");
    await R.alias('BYOL Var Reg, Var/Cov Reg (2 runs)', 2 * 1500, 'BYOL: ME SG PR BN', 'same networks as BYOL; the regulariser is on 32-d z');
    await R.alias('SimSiam: SG PR BN · 2 regs, SG PR ×3, SG ×3 (8 runs)', 8 * 1500, 'SimSiam: SG PR BN', 'SimSiam; without BatchNorm / predictor the step is no dearer');
    await R.train('VICReg: PR', 1500, trainMethod(make(vicreg, { batchNorm: false, predictor: true }), train, 1500));
    await R.alias('VICReg: SG, SG PR, PR, plain × 3 regs less this one (11 runs)', 11 * 1500, 'VICReg: PR', 'VICReg without BatchNorm; predictor / stop-gradient change a 32-d head');
    // per run: embed of z and h on 2,000 test images, 15 monitor embeds of 200, encoderReport (10,000 + 2,000); plus the untrained report and 4 UMAPs
    const F = await embedPart(R, 'embed, smallCnn', cnn([28, 28, 1]), train, test, 25 * (2000 + 2000 + 15 * 200 + 12000) + 12000, '25 runs × (z 2,000 + h 2,000 + monitor 3,000 + report 12,000), + the untrained report');
    await rawProbe(R, 10000);
    await probePart(R, 'probes, 26 encoders (128-d)', F, 10000, 26, '25 runs + untrained');
    await knnPart(R, 'kNN, 26 encoders', F, 10000, 2000, 26, { k: 20 });
    await R.evalPart('UMAP of h and z (1,500 points) × 2 runs', { count: 4, note: 'one UMAP of 1,500 untrained 128-d features timed (z is 32-d; both PCA-reduced to 50-d first), ×4' }, async () => {
      await project2d(selectRows(F.train, range(1500)), { method: 'umap', seed: 0 });
    });
  },
};
