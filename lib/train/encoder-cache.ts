/**
 * Trained encoders made once and reused (`pretrained`): several notebooks need the same trained SimCLR, MoCo, BYOL,
 * ... encoders. A run is keyed by everything that decides its weights — the method and its resolved options, the
 * architecture of every model it trains (layer by layer, initialisers and their seeds included), the optimizer's
 * configuration, the data, the recipe's own description (e.g. the augmentation), the steps, the batch size, the seed
 * and the library version — and its result is a checkpoint of every model of the method (lib/train/checkpoint.ts:
 * checksummed, written atomically). A second use with the same key loads it instead of training.
 *
 * Files, in {@link encoderCacheDir} (`$REPRLAB_ENCODER_CACHE`, else `<data cache>/encoders`: data/cache/encoders in
 * the project, see lib/data/paths.ts):
 * - `<name>-<key>.ckpt` — a finished run (step = steps; `extra.pretrained` holds the manifest: key fields, date,
 *   training seconds, machine, backend, loss history);
 * - `<name>-<key>.partial.ckpt` (and `.partial.ckpt.1`) — a run in progress, saved every `checkpointEvery` steps:
 *   stopping (Ctrl-C, a kernel restart) loses at most that many steps, and the next use resumes it (exactly: the
 *   batch order and the views are functions of the step).
 * Delete the folder (or `npm run pretrain -- --clear`) to clear it; each entry is the size of the method's
 * models plus Adam's two moments (≈ 3× the weights: 1.4 MB for the laptop SimCLR's small CNN + head).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cacheRoot, packageVersion } from '../data/paths.js';
import { check } from '../util/errors.js';
import type { ImageSource } from './batches.js';
import { checkpointGeneration, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { ProgressLike } from './loop.js';
import type { Method } from './method.js';

/** How to make one trained encoder: the method (untrained), its data, and the training budget. */
export interface PretrainRecipe {
  /** Short name for files and messages, e.g. 'simclr' (letters, digits, '-', '_'). */
  name: string;
  /** Builds the method, untrained; called once per use. */
  build: () => Method<unknown>;
  /** The training images (labels unused by self-supervised methods). */
  data: ImageSource;
  /**
   * What decides the weights and cannot be read off the built method: the data set's identity (name, split,
   * size, resolution), the augmentation's settings, ... Plain JSON.
   */
  describe: Record<string, unknown>;
  steps: number;
  /** Default: the method's batch size. */
  batchSize?: number;
  /** Seed of the batch order (the method's own seed is in its options). */
  seed: number;
}

export interface PretrainOptions {
  /** Cache folder (default {@link encoderCacheDir}()). */
  cacheDir?: string;
  /** Save the run in progress every this many steps (default 25). */
  checkpointEvery?: number;
  /** Progress display while training (default: fit's progress bar); `false` for none. */
  progress?: ProgressLike | false;
  /** Train even when a finished run is cached (it is replaced). */
  retrain?: boolean;
}

export interface PretrainedEncoder {
  /** The method with its trained weights (encoder, heads; optimizer state restored). Caller disposes. */
  method: Method<unknown>;
  /** True when loaded from the cache, false when trained (or finished) now. */
  cached: boolean;
  /** Seconds this call spent training (0 when loaded). */
  seconds: number;
  /**
   * Seconds of training of the call that finished the run (its manifest's `fromStep` is where that call started: 0
   * unless it resumed a stopped run, whose earlier seconds are not recorded).
   */
  trainSeconds: number;
  /** The loss of every step. */
  losses: number[];
  key: string;
  path: string;
}

/** Where trained encoders are kept: `$REPRLAB_ENCODER_CACHE`, else `<data cache root>/encoders`. */
export function encoderCacheDir(override?: string): string {
  if (override) return override;
  return process.env.REPRLAB_ENCODER_CACHE || join(cacheRoot(), 'encoders');
}

/** One model's architecture, layer by layer, without tfjs' process-dependent layer names. */
function architecture(model: tfl.LayersModel): unknown[] {
  return model.layers.map((l) => {
    const { name: _name, ...config } = l.getConfig() as Record<string, unknown>;
    return [l.getClassName(), config];
  });
}

/** JSON of plain data only (functions, tensors and models are left out: they are described elsewhere). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'function' || v instanceof tf.Tensor || (typeof v === 'object' && v !== null && 'layers' in v) ? undefined : v)));
}

/** The fields the key is made of (written into the manifest too). */
export function pretrainKeyFields(recipe: PretrainRecipe, method: Method<unknown>): Record<string, unknown> {
  return {
    name: recipe.name,
    method: method.name,
    options: plain(method.options),
    models: Object.fromEntries(Object.entries(method.models).map(([k, m]) => [k, architecture(m)])),
    optimizer: [method.optimizer.getClassName(), plain(method.optimizer.getConfig())],
    describe: plain(recipe.describe),
    data: { n: recipe.data.n, height: recipe.data.height, width: recipe.data.width, channels: recipe.data.channels },
    steps: recipe.steps,
    batchSize: recipe.batchSize ?? (method.options as { batchSize?: number }).batchSize,
    seed: recipe.seed,
    version: packageVersion(),
  };
}

/** The cache key: 16 hex digits of the SHA-256 of the key fields. */
export function pretrainKey(recipe: PretrainRecipe, method: Method<unknown>): string {
  return createHash('sha256').update(JSON.stringify(pretrainKeyFields(recipe, method))).digest('hex').slice(0, 16);
}

function checkRecipe(recipe: PretrainRecipe): void {
  const where = 'pretrained';
  check(recipe !== null && typeof recipe === 'object', where, 'recipe', 'an object { name, build, data, describe, steps, seed }', recipe);
  check(typeof recipe.name === 'string' && /^[A-Za-z0-9_-]+$/.test(recipe.name), where, 'recipe.name', "letters, digits, '-' or '_' (it names the cache file)", recipe.name);
  check(typeof recipe.build === 'function', where, 'recipe.build', 'a function returning the untrained method', recipe.build);
  check(Number.isInteger(recipe.steps) && recipe.steps > 0, where, 'recipe.steps', 'a positive integer', recipe.steps);
  check(Number.isInteger(recipe.seed) && recipe.seed >= 0, where, 'recipe.seed', 'a non-negative integer', recipe.seed);
  check(recipe.data !== null && typeof recipe.data === 'object' && recipe.data.images instanceof Float32Array, where, 'recipe.data', 'an image set (lib/data)', recipe.data);
  check(recipe.describe !== null && typeof recipe.describe === 'object', where, 'recipe.describe', 'a JSON object describing what the method does not show (data, augmentation)', recipe.describe);
}

/** The finished run's file of a recipe, if cached (no training, no method kept). */
export function cachedEncoderPath(recipe: PretrainRecipe, options: { cacheDir?: string } = {}): string | null {
  checkRecipe(recipe);
  const method = recipe.build();
  try {
    const path = join(encoderCacheDir(options.cacheDir), `${recipe.name}-${pretrainKey(recipe, method)}.ckpt`);
    return existsSync(path) ? path : null;
  } finally {
    method.dispose();
  }
}

/**
 * The trained method of `recipe`: loaded from the cache when a finished run is there, else trained (resuming a run
 * in progress) and cached. The notebook cell's pattern:
 *
 *   const run = await pretrained(recipe);
 *   console.log(run.cached ? `loaded (trained in ${run.trainSeconds} s)` : `trained in ${run.seconds} s`);
 */
export async function pretrained(recipe: PretrainRecipe, options: PretrainOptions = {}): Promise<PretrainedEncoder> {
  checkRecipe(recipe);
  const every = options.checkpointEvery ?? 25;
  check(Number.isInteger(every) && every > 0, 'pretrained', 'checkpointEvery', 'a positive integer', every);
  const method = recipe.build();
  const key = pretrainKey(recipe, method);
  const dir = encoderCacheDir(options.cacheDir);
  const path = join(dir, `${recipe.name}-${key}.ckpt`);
  const partial = join(dir, `${recipe.name}-${key}.partial.ckpt`);
  const state = { models: method.models, optimizer: method.optimizer, tensors: method.state };
  try {
    if (existsSync(path) && !options.retrain) {
      const { step, extra } = await loadCheckpoint(path, state);
      const saved = extra.methodState;
      if (method.resumeState && saved !== null && typeof saved === 'object') method.resumeState.restore(saved as Record<string, unknown>, step);
      const manifest = (extra.pretrained ?? {}) as { trainSeconds?: number };
      return { method, cached: true, seconds: 0, trainSeconds: manifest.trainSeconds ?? 0, losses: (extra.losses as number[]) ?? [], key, path };
    }
    const t0 = performance.now();
    const result = await method.train(recipe.data, {
      steps: recipe.steps, batchSize: recipe.batchSize ?? (method.options as { batchSize: number }).batchSize, seed: recipe.seed,
      checkpointPath: partial, checkpointEvery: every, keepCheckpoints: 2, progress: options.progress,
    });
    const seconds = (performance.now() - t0) / 1000;
    const manifest = {
      ...pretrainKeyFields(recipe, method), key, trainSeconds: seconds, fromStep: recipe.steps - result.stepsRun, date: new Date().toISOString(),
      machine: `${hostname()} (${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'})`, backend: tf.getBackend(),
    };
    await saveCheckpoint(partial, { step: recipe.steps, ...state, extra: {
      method: method.name, losses: result.losses, pretrained: manifest, ...(method.resumeState ? { methodState: method.resumeState.save() } : {}),
    } });
    renameSync(partial, path);
    rmSync(checkpointGeneration(partial, 1), { force: true });
    return { method, cached: false, seconds, trainSeconds: manifest.trainSeconds, losses: result.losses, key, path };
  } catch (err) {
    method.dispose();
    throw err;
  }
}

export interface CachedEncoderEntry {
  file: string;
  name: string;
  key: string;
  bytes: number;
  /** A run in progress (resumable), not a finished one. */
  partial: boolean;
}

/** What the cache holds (finished and in-progress runs), with sizes. */
export function listEncoderCache(cacheDir?: string): CachedEncoderEntry[] {
  const dir = encoderCacheDir(cacheDir);
  if (!existsSync(dir)) return [];
  const out: CachedEncoderEntry[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(.+)-([0-9a-f]{16})(\.partial)?\.ckpt(\.\d+)?$/.exec(file);
    if (!m) continue;
    out.push({ file: join(dir, file), name: m[1]!, key: m[2]!, bytes: statSync(join(dir, file)).size, partial: m[3] !== undefined });
  }
  return out;
}

/** Delete every cached encoder (finished and in progress); returns how many files went. */
export function clearEncoderCache(cacheDir?: string): number {
  const entries = listEncoderCache(cacheDir);
  for (const e of entries) rmSync(e.file, { force: true });
  return entries.length;
}
