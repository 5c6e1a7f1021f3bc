// The blocks' initialisation is PyTorch's default (kaiming_uniform, a = √5: U(±1/√fan_in)) and BatchNorm ε is 1e-5:
// the weight scale under BatchNorm sets Adam's effective learning rate (lib/models/layers.ts, docs/results.md "SSL parity").
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
  it('conv and dense kernels are U(±1/√fan_in): bound and variance 1/(3·fan_in), as nn.Conv2d / nn.Linear', async () => {
    const cnn = smallCnn({ inputShape: [28, 28, 1], widths: [32, 64, 128], seed: 4 });
    const head = projectionHead({ inputDim: 128, hiddenDim: 128, outputDim: 64, seed: 5 });
    const mlp = mlpEncoder({ inputShape: [784], hidden: [256], outputDim: 32, seed: 6 });
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

  it('BatchNorm ε is PyTorch\'s 1e-5, and the seed decides the weights', async () => {
    const a = smallCnn({ inputShape: [8, 8, 1], widths: [4, 8], seed: 1 });
    const b = smallCnn({ inputShape: [8, 8, 1], widths: [4, 8], seed: 1 });
    const c = smallCnn({ inputShape: [8, 8, 1], widths: [4, 8], seed: 2 });
    const bns = a.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(bns).toHaveLength(2);
    for (const l of bns) expect((l.getConfig() as { epsilon: number }).epsilon).toBe(1e-5);
    const w = async (m: typeof a) => Array.from((await m.getWeights()[0]!.data()) as Float32Array);
    expect(await w(b)).toEqual(await w(a));
    expect(await w(c)).not.toEqual(await w(a));
    for (const m of [a, b, c]) m.dispose();
  });
});
