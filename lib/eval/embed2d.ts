/**
 * 2-D maps of a representation for plotting (with lib/viz `scatter`): PCA (the best linear 2-D view: the plane of
 * the two largest-variance directions), t-SNE (local neighbourhoods kept: {@link tsne}) and UMAP (McInnes et al.
 * 2018, through umap-js with a seeded random source). t-SNE and UMAP first reduce to `preDims` (default 50)
 * dimensions with PCA, as is customary.
 */
import { UMAP } from 'umap-js';
import { autoPcaEngine, principalComponents, projectRows } from '../linalg/principal-components.js';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { setAxisTitles } from '../viz/scatter.js';
import { checkFeatures, type Features } from './features.js';
import { tsneAsync } from './tsne.js';

export type Projection = 'pca' | 'tsne' | 'umap';

export interface Project2dOptions {
  /** 'pca' (default), 'tsne' or 'umap'. */
  method?: Projection;
  seed?: number;
  /** t-SNE perplexity (default min(30, (N − 1)/3)). */
  perplexity?: number;
  /** t-SNE iterations (default 750) / UMAP epochs (default umap-js's choice). */
  iterations?: number;
  /** UMAP neighbours (default 15). */
  nNeighbors?: number;
  /** UMAP minimum distance (default 0.1). */
  minDist?: number;
  /** PCA pre-reduction for t-SNE/UMAP (default 50; 0 = none). */
  preDims?: number;
}

/** Axis titles of each map, recorded on its coordinates for `scatter` ("PC 1"/"PC 2", ...). */
export const PROJECTION_AXES: Record<Projection, readonly [string, string]> = { pca: ['PC 1', 'PC 2'], tsne: ['t-SNE 1', 't-SNE 2'], umap: ['UMAP 1', 'UMAP 2'] };

/**
 * N × 2 coordinates of the rows of `f` (Features with dim 2; `scatter(p.data, ...)` plots them, with the axis
 * titles of {@link PROJECTION_AXES}; 2-D input to 'pca' comes back as it is, titled "dimension 1"/"dimension 2").
 */
export async function project2d(f: Features, options: Project2dOptions = {}): Promise<Features> {
  const out = await project(f, options);
  const method = options.method ?? 'pca';
  setAxisTitles(out.data, method === 'pca' && f.dim === 2 ? ['dimension 1', 'dimension 2'] : PROJECTION_AXES[method]);
  return out;
}

async function project(f: Features, options: Project2dOptions): Promise<Features> {
  const where = 'project2d';
  checkFeatures(f, where, 'features', { minRows: 3 });
  const { method = 'pca', seed = 0, preDims = 50 } = options;
  check(method === 'pca' || method === 'tsne' || method === 'umap', where, 'method', "'pca', 'tsne' or 'umap'", method);
  check(Number.isInteger(preDims) && preDims >= 0, where, 'preDims', 'an integer >= 0', preDims);
  if (method === 'pca') {
    if (f.dim === 2) return { data: f.data.slice(), n: f.n, dim: 2 };
    return pcaProject(f, 2);
  }
  let x = f;
  if (preDims > 0 && f.dim > preDims && f.n > preDims) x = await pcaProject(f, preDims);
  // t-SNE and UMAP run in slices, letting the event loop run between them (a kernel stays responsive: tsneAsync)
  if (method === 'tsne') return tsneAsync(x, { perplexity: options.perplexity, iterations: options.iterations, seed });
  const rng = new Rng(seed);
  const nNeighbors = options.nNeighbors ?? 15;
  check(Number.isInteger(nNeighbors) && nNeighbors >= 2 && nNeighbors < f.n, where, 'nNeighbors', `an integer in [2, N = ${f.n})`, nNeighbors);
  const umap = new UMAP({ nComponents: 2, nNeighbors, minDist: options.minDist ?? 0.1, random: () => rng.uniform(), ...(options.iterations ? { nEpochs: options.iterations } : {}) });
  const rows = Array.from({ length: x.n }, (_, i) => Array.from(x.data.subarray(i * x.dim, (i + 1) * x.dim)));
  const y = await umap.fitAsync(rows); // the same epochs as fit(), each one a setTimeout(0) slice
  const out = new Float32Array(x.n * 2);
  y.forEach((p, i) => out.set([p[0]!, p[1]!], i * 2));
  return { data: out, n: x.n, dim: 2 };
}

/** The first k principal coordinates of the rows of `f`: what lib/classical's `(await pca(f, { components: k })).project(f)` gives. */
async function pcaProject(f: Features, k: number): Promise<Features> {
  const tileRows = 8192;
  const { mean, W } = await principalComponents(f, k, autoPcaEngine(f.n, f.dim), tileRows);
  return projectRows(f, mean, Float32Array.from(W), k, tileRows);
}
