/**
 * Momentum (EMA) copies of a network — MoCo's key encoder, BYOL's target, DINO's teacher:
 *   ξ ← m·ξ + (1 − m)·θ      (deck 003, "BYOL": target parameters ξ follow the online parameters θ)
 * applied to every weight, BatchNorm moving statistics included. Gradients never flow into the copy
 * (it is only ever written with `assign`, never passed to an optimizer).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';

/** Make `target` an exact copy of `source` (same architecture required). */
export function copyWeights(target: tfl.LayersModel, source: tfl.LayersModel): void {
  checkSameArchitecture('copyWeights', target, source);
  tf.tidy(() => {
    target.weights.forEach((w, i) => w.write(tf.clone(source.weights[i]!.read())));
  });
}

/** ξ ← m·ξ + (1 − m)·θ for every weight pair; m in [0, 1] (m = 1 freezes the target, m = 0 copies). */
export function emaUpdate(target: tfl.LayersModel, online: tfl.LayersModel, momentum: number): void {
  check(typeof momentum === 'number' && momentum >= 0 && momentum <= 1, 'emaUpdate', 'momentum', 'a number in [0, 1] (typically 0.99-0.999)', momentum, 'pass e.g. momentum: 0.996');
  checkSameArchitecture('emaUpdate', target, online);
  if (momentum === 1) return;
  tf.tidy(() => {
    target.weights.forEach((w, i) => {
      const o = online.weights[i]!.read();
      w.write(tf.add(tf.mul(w.read(), momentum), tf.mul(o, 1 - momentum)));
    });
  });
}

/** Cosine schedule of the EMA momentum from `base` to 1 over training (BYOL, DINO): m_t = 1 − (1 − base)(cos(πt/T) + 1)/2. */
export function cosineMomentum(base: number, step: number, totalSteps: number): number {
  const t = Math.min(Math.max(step / Math.max(totalSteps, 1), 0), 1);
  return 1 - ((1 - base) * (Math.cos(Math.PI * t) + 1)) / 2;
}

function checkSameArchitecture(where: string, a: tfl.LayersModel, b: tfl.LayersModel): void {
  const sa = a.weights.map((w) => w.shape.join('x')).join(',');
  const sb = b.weights.map((w) => w.shape.join('x')).join(',');
  check(sa === sb, where, 'target', 'a model with the same weight shapes as the online model', `${a.weights.length} weights vs ${b.weights.length}`, 'build both with the same factory and options');
}
