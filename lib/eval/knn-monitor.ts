/**
 * A kNN monitor for self-supervised training (the "zero-shot k-NN validation" of deck 003, "From Supervised to
 * Self-supervised"; InstDisc/DINO's online kNN): every `every` steps, embed a small labelled train subset and a
 * test subset with the current encoder (inference mode) and report the kNN accuracy of the test images. Plug it
 * into any method's `train` through `onLog`:
 *
 *   const monitor = knnMonitor({ encoder: method.encoder, train: small, test: smallTest, every: 50 });
 *   await method.train(data, { steps, onLog: monitor.onLog });
 *   await lineChart({ name: 'kNN', x: monitor.history.map((h) => h.step), y: monitor.history.map((h) => h.accuracy) });
 *
 * A collapsing run shows up as a kNN accuracy falling towards chance while the loss still goes down.
 */
import { check } from '../util/errors.js';
import { embed, type Encoder } from './embed.js';
import type { PixelSource } from './features.js';
import { knnAccuracy, type KnnOptions } from './knn.js';

/** Images with labels (an ImageSet fits). */
export interface LabelledPixels extends PixelSource {
  labels: ArrayLike<number>;
}

export interface KnnMonitorOptions extends Pick<KnnOptions, 'k' | 'metric' | 'weighted' | 'temperature'> {
  encoder: Encoder;
  /** Labelled reference images (the kNN "memory bank"). */
  train: LabelledPixels;
  /** Labelled images to classify. */
  test: LabelledPixels;
  /** Evaluate every this many steps (default 50; also call `evaluate` yourself at any time). */
  every?: number;
  /** Called with each result (e.g. to print it). */
  onResult?: (r: KnnMonitorPoint) => void;
}

export interface KnnMonitorPoint {
  /** Steps completed when it was measured. */
  step: number;
  accuracy: number;
}

export interface KnnMonitor {
  /** Pass as `onLog` to fit/train: evaluates when `every` more steps have completed since the last evaluation. */
  onLog: (info: { step: number; loss: number }) => Promise<void>;
  /** Evaluate now, recording the point under `step`. */
  evaluate: (step: number) => Promise<number>;
  history: KnnMonitorPoint[];
}

export function knnMonitor(options: KnnMonitorOptions): KnnMonitor {
  const where = 'knnMonitor';
  const { encoder, train, test, every = 50, onResult, ...knn } = options;
  check(encoder !== null && (typeof encoder === 'object' || typeof encoder === 'function'), where, 'encoder', 'a LayersModel or a function (x) => features', encoder);
  for (const [arg, s] of [['train', train], ['test', test]] as const)
    check(s !== null && typeof s === 'object' && s.images instanceof Float32Array && s.labels?.length === s.n, where, arg, 'an ImageSet (images with one label each)', s);
  check(Number.isInteger(every) && every >= 1, where, 'every', 'a positive integer (steps between evaluations)', every);
  const k = Math.min(knn.k ?? 20, train.n);
  const history: KnnMonitorPoint[] = [];
  let last = 0;
  const evaluate = async (step: number) => {
    const [ftr, fte] = [await embed(encoder, train), await embed(encoder, test)];
    const { accuracy } = await knnAccuracy(ftr, train.labels, fte, test.labels, { ...knn, k });
    const point = { step, accuracy };
    history.push(point);
    onResult?.(point);
    return accuracy;
  };
  return {
    history,
    evaluate,
    onLog: async ({ step }) => {
      const done = step + 1;
      if (done - last >= every) {
        last = done;
        await evaluate(done);
      }
    },
  };
}
