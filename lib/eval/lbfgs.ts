/**
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", 2nd ed., Algorithm 7.4 and 7.5) for a smooth
 * objective f: R^P → R given with its gradient, in float64 JS. What lib/eval's linear probe solves its convex
 * softmax regression with (a full-batch second-order method: no learning rate, no epoch budget).
 *
 *   d_k = −H_k ∇f(x_k)       H_k from the last `memory` pairs s = x_{k+1} − x_k, y = ∇f_{k+1} − ∇f_k
 *                            (two-loop recursion, initial scaling γ = sᵀy / yᵀy);
 *   x_{k+1} = x_k + α d_k    α: backtracking from 1 until f(x + α d) ≤ f(x) + 10⁻⁴ α ∇fᵀd (Armijo),
 *                            halving; a pair with sᵀy ≤ 10⁻¹⁰ is not stored (keeps H positive definite).
 *
 * Stops at the first of: max_i |∇f_i| ≤ gradientTolerance; a relative decrease
 * (f_k − f_{k+1}) / max(1, |f_k|) ≤ tolerance; a line search that finds no decrease even along −∇f (the
 * objective's numerical precision is reached); `maxIterations`. Never before `minIterations` (unless the gradient
 * is already below the tolerance).
 */
export interface LbfgsOptions {
  maxIterations?: number;
  minIterations?: number;
  /** Relative decrease per iteration below which the loss counts as no longer improving (default 1e-9). */
  tolerance?: number;
  /** max |∇f| at which the point counts as optimal (default 1e-6). */
  gradientTolerance?: number;
  /** Pairs kept (default 10). */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** Iterations done (each one accepted step). */
  iterations: number;
  /** Objective evaluations (line-search trials included). */
  evaluations: number;
  /** f after each iteration, f(x0) first. */
  history: number[];
  /** Why it stopped. */
  stop: 'gradient' | 'tolerance' | 'line-search' | 'max-iterations';
}

export type Objective = (x: Float64Array) => Promise<{ f: number; g: Float64Array }>;

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

/** Minimise `fg` from `x0` (not modified). */
export async function lbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions = {}): Promise<LbfgsResult> {
  const { maxIterations = 500, minIterations = 0, tolerance = 1e-9, gradientTolerance = 1e-6, memory = 10 } = options;
  const p = x0.length;
  let x = Float64Array.from(x0);
  let { f, g } = await fg(x);
  let evaluations = 1;
  const history = [f];
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  let stop: LbfgsResult['stop'] = 'max-iterations';
  let iterations = 0;
  const direction = (): Float64Array => {
    const q = Float64Array.from(g);
    const alpha = new Array<number>(S.length);
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j]! * dot(S[j]!, q);
      const y = Y[j]!;
      for (let i = 0; i < p; i++) q[i] = q[i]! - alpha[j]! * y[i]!;
    }
    const gamma = S.length ? dot(S.at(-1)!, Y.at(-1)!) / dot(Y.at(-1)!, Y.at(-1)!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < p; i++) q[i] = q[i]! * gamma;
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j]! * dot(Y[j]!, q);
      const s = S[j]!;
      for (let i = 0; i < p; i++) q[i] = q[i]! + (alpha[j]! - beta) * s[i]!;
    }
    for (let i = 0; i < p; i++) q[i] = -q[i]!;
    return q;
  };
  while (iterations < maxIterations) {
    if (maxAbs(g) <= gradientTolerance) {
      stop = 'gradient';
      break;
    }
    let d = direction();
    let slope = dot(g, d);
    if (!(slope < 0)) {
      S.length = Y.length = rho.length = 0;
      d = direction();
      slope = dot(g, d);
    }
    let step = 1;
    let next: { f: number; g: Float64Array } | null = null;
    let xn = x;
    for (let trial = 0; trial < 40; trial++) {
      xn = new Float64Array(p);
      for (let i = 0; i < p; i++) xn[i] = x[i]! + step * d[i]!;
      const r = await fg(xn);
      evaluations++;
      if (Number.isFinite(r.f) && r.f <= f + 1e-4 * step * slope) {
        next = r;
        break;
      }
      step *= 0.5;
    }
    if (!next) {
      if (S.length === 0) {
        stop = 'line-search';
        break;
      }
      S.length = Y.length = rho.length = 0; // a stale curvature model: restart from steepest descent
      continue;
    }
    const s = new Float64Array(p), y = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = next.g[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-10) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const decrease = (f - next.f) / Math.max(1, Math.abs(f));
    x = xn;
    f = next.f;
    g = next.g;
    iterations++;
    history.push(f);
    if (iterations >= minIterations && decrease <= tolerance) {
      stop = 'tolerance';
      break;
    }
  }
  return { x, f, iterations, evaluations, history, stop };
}
