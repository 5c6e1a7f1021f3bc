// The blocks' two initialisation schemes (lib/models/layers.ts InitScheme): 'torch' = PyTorch's default
// (kaiming_uniform, a = √5: U(±1/√fan_in), BatchNorm ε 1e-5); 'he' (the default) = He-normal conv, Glorot-uniform
// dense, ε 1e-3. The weight scale under BatchNorm sets Adam's effective learning rate (docs/results.md "SSL parity").
import { beforeAll, describe, expect, it } from 'vitest';
import { smallCnn, mlpEncoder } from '../../lib/models/encoders.js';
import { projectionHead } from '../../lib/models/heads.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

function kernelStats(w: Float32Array) {
  let max = 0, sq = 0;
  for (const v of w) (max = Math.max(max, Math.abs(v))), (sq += v * v);
  return { max, std: Math.sqrt(sq / w.length) };
}

describe('initialisation of convBlock / denseBlock', () => {
  it("init 'torch': conv and dense kernels are U(±1/√fan_in): bound and variance 1/(3·fan_in), as nn.Conv2d / nn.Linear", async () => {
    const cnn = smallCnn({ inputShape: [28, 28, 1], widths: [32, 64, 128], seed: 4, init: 'torch' });
    const head = projectionHead({ inputDim: 128, hiddenDim: 128, outputDim: 64, seed: 5, init: 'torch' });
    const mlp = mlpEncoder({ inputShape: [784], hidden: [256], outputDim: 32, seed: 6, init: 'torch' });
    const kernels = [cnn, head, mlp].flatMap((m) => m.layers.filter((l) => ['Conv2D', 'Dense'].includes(l.getClassName())).map((l) => l.getWeights()[0]!));
    expect(kernels).toHaveLength(3 + 2 + 2);
    for (const k of kernels) {
      const fanIn = k.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const { max, std } = kernelStats((await k.data()) as Float32Array);
      expect(max).toBeLessThanOrEqual(1 / Math.sqrt(fanIn) + 1e-7);
      expect(max).toBeGreaterThan(0.9 / Math.sqrt(fanIn)); // uniform over the whole range, not a narrower law
      expect(std).toBeGreaterThan(0.85 / Math.sqrt(3 * fanIn));
      expect(std).toBeLessThan(1.15 / Math.sqrt(3 * fanIn)); // He-normal would be √6 ≈ 2.45× this
    }
    for (const m of [cnn, head, mlp]) m.dispose();
  });

  it("init 'he' (the default): He-normal conv kernels (std √(2/fan_in)), Glorot dense, BatchNorm ε 1e-3", async () => {
    const cnn = smallCnn({ inputShape: [28, 28, 1], widths: [32, 64, 128], seed: 4 });
    for (const l of cnn.layers.filter((x) => x.getClassName() === 'Conv2D')) {
      const k = l.getWeights()[0]!;
      const fanIn = k.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const { std } = kernelStats((await k.data()) as Float32Array);
      expect(std).toBeGreaterThan(0.8 * Math.sqrt(2 / fanIn)); // truncated normal: a little below √(2/fan_in)
      expect(std).toBeLessThan(1.1 * Math.sqrt(2 / fanIn));
    }
    for (const l of cnn.layers.filter((x) => x.getClassName() === 'BatchNormalization')) expect((l.getConfig() as { epsilon: number }).epsilon).toBe(1e-3);
    const head = projectionHead({ inputDim: 128, hiddenDim: 128, outputDim: 64, seed: 5 });
    const k = head.layers.find((x) => x.getClassName() === 'Dense')!.getWeights()[0]!;
    expect(kernelStats((await k.data()) as Float32Array).max).toBeGreaterThan(1 / Math.sqrt(128)); // Glorot's bound √(6/256) = 0.153 > 1/√128
    expect(() => smallCnn({ inputShape: [8, 8, 1], init: 'kaiming' as 'he' })).toThrow(/init/);
    cnn.dispose();
    head.dispose();
  });

  it("init 'torch': BatchNorm ε is PyTorch's 1e-5, and the seed decides the weights", async () => {
    const a = smallCnn({ inputShape: [8, 8, 1], widths: [4, 8], seed: 1, init: 'torch' });
    const b = smallCnn({ inputShape: [8, 8, 1], widths: [4, 8], seed: 1, init: 'torch' });
    const c = smallCnn({ inputShape: [8, 8, 1], widths: [4, 8], seed: 2, init: 'torch' });
    const bns = a.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(bns).toHaveLength(2);
    for (const l of bns) expect((l.getConfig() as { epsilon: number }).epsilon).toBe(1e-5);
    const w = async (m: typeof a) => Array.from((await m.getWeights()[0]!.data()) as Float32Array);
    expect(await w(b)).toEqual(await w(a));
    expect(await w(c)).not.toEqual(await w(a));
    for (const m of [a, b, c]) m.dispose();
  });
});

describe('methods pass init to the encoder they build and to SimCLR/MoCo heads', () => {
  it("simclr({ init: 'torch' }) builds encoder and projector with PyTorch's scheme; the default keeps 'he'", async () => {
    const { simclr } = await import('../../lib/methods/simclr.js');
    const eps = (m: { layers: { getClassName(): string; getConfig(): unknown }[] }) =>
      m.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => (l.getConfig() as { epsilon: number }).epsilon);
    const t = simclr({ inputShape: [8, 8, 1], widths: [4, 8], init: 'torch' });
    const h = simclr({ inputShape: [8, 8, 1], widths: [4, 8] });
    expect(new Set([...eps(t.encoder), ...eps(t.projector!)])).toEqual(new Set([1e-5]));
    expect(new Set([...eps(h.encoder), ...eps(h.projector!)])).toEqual(new Set([1e-3]));
    t.dispose();
    h.dispose();
  });
});

describe("the non-contrastive methods pass init to their heads too (projector, predictor, DINO's MLP)", () => {
  it("byol, simsiam, barlowTwins, vicreg, swav, dino with init 'torch': every BatchNorm has ε 1e-5 and every dense kernel is U(±1/√fan_in) except the normalised last layers; the default keeps 'he'", async () => {
    const { byol, simsiam, barlowTwins, vicreg, swav, dino } = await import('../../lib/methods/index.js');
    const base = { inputShape: [8, 8, 1] as [number, number, number], widths: [4, 8], batchSize: 4 };
    const makers = { byol, simsiam, barlowTwins, vicreg, swav, dino } as Record<string, (o: object) => { models: Record<string, { layers: { getClassName(): string; getConfig(): unknown; getWeights(): { shape: number[]; data(): Promise<unknown> }[]; name: string }[] }>; dispose(): void }>;
    for (const [name, make] of Object.entries(makers)) {
      for (const init of ['torch', 'he'] as const) {
        const m = make({ ...base, ...(init === 'torch' ? { init } : {}) });
        const layers = Object.values(m.models).flatMap((model) => model.layers);
        const eps = new Set(layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => (l.getConfig() as { epsilon: number }).epsilon));
        if (eps.size) expect([name, init, [...eps]]).toEqual([name, init, [init === 'torch' ? 1e-5 : 1e-3]]);
        const dense = layers.filter((l) => l.getClassName() === 'Dense');
        expect(dense.length, name).toBeGreaterThan(0);
        for (const l of dense) {
          const k = l.getWeights()[0]!;
          const bound = 1 / Math.sqrt(k.shape[0]!);
          const { max } = kernelStats((await k.data()) as Float32Array);
          if (init === 'torch') expect(max, `${name} ${l.name}`).toBeLessThanOrEqual(bound + 1e-7);
        }
        if (init === 'he') {
          // Glorot-uniform on some dense layer exceeds PyTorch's bound somewhere (√(6/(in+out)) > 1/√in when out < 5·in)
          const over = await Promise.all(dense.map(async (l) => kernelStats((await l.getWeights()[0]!.data()) as Float32Array).max > 1 / Math.sqrt(l.getWeights()[0]!.shape[0]!) + 1e-7));
          expect(over.some(Boolean), name).toBe(true);
        }
        m.dispose();
      }
    }
  });
});
