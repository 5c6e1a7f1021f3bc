/**
 * tfjs treats a seed of 0 as "no seed" in its normal and gamma draws (`seed ? seed : Math.random()` in
 * tfjs-core's rand_util), so seed 0 would give different numbers on every call: map it to a fixed non-zero value.
 * Every seed handed to `tf.randomNormal`, `tf.truncatedNormal` or a normal initializer goes through this.
 */
export const initSeed = (seed: number): number => (seed === 0 ? 0x5eed : seed);

/**
 * Seeded pseudo-random numbers (sfc32 seeded through splitmix32): same seed, same sequence on every machine.
 * Use `rng.seed()` to derive integer seeds for tfjs ops (`tf.randomNormal(shape, 0, 1, 'float32', rng.seed())`).
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed = 0) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A fresh integer seed for a tfjs op or a child generator. */
  seed(): number {
    return this.nextUint32() & 0x7fffffff;
  }

  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(array: T[] | Int32Array | Float32Array | Uint32Array): typeof array {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i]!;
      array[i] = array[j]!;
      array[j] = t;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p) as Int32Array;
  }

  /** k distinct integers from [0, n) (k <= n). */
  sample(n: number, k: number): Int32Array {
    return this.permutation(n).slice(0, k);
  }
}

/** Shorthand: `rng(42).uniform()`. */
export const rng = (seed = 0) => new Rng(seed);
