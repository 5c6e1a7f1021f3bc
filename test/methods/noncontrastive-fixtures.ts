/** Helpers shared by the BYOL / SimSiam / Barlow Twins / VICReg / DINO / MAE tests. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { toTensor } from '../../lib/data/tensor.js';
import type { Method } from '../../lib/train/method.js';
import { expectFlatAcrossSteps, tinyShapes } from './fixtures.js';

/** Repeated steps on one fixed batch (same step index → same views): the loss must go down. */
export async function expectLossDecreasesOnFixedBatch(m: Method<unknown>, x: tf.Tensor4D, steps = 8): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const l = m.step(x, 0);
    losses.push((await l.data())[0]!);
    l.dispose();
  }
  for (const l of losses) expect(Number.isFinite(l)).toBe(true);
  expect(losses.at(-1)!, `losses ${losses.map((v) => v.toFixed(4)).join(', ')}`).toBeLessThan(losses[0]!);
  return losses;
}

/**
 * The training checks of the BYOL / SimSiam / Barlow Twins / VICReg / DINO tests: repeated steps on a fixed batch of
 * 8 tiny shapes lower the loss, and training on 32 of them keeps the tensor count flat. Disposes `m`.
 */
export async function expectTrainsOnTinyShapes(m: Method<unknown>): Promise<void> {
  const { x } = toTensor(tinyShapes(8));
  await expectLossDecreasesOnFixedBatch(m, x);
  x.dispose();
  await expectFlatAcrossSteps(m, tinyShapes(32), 8);
  m.dispose();
}

export async function scalar(t: tf.Tensor): Promise<number> {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}
