/**
 * sRGB ↔ CIE L*a*b* (D65) on image tensors [N, H, W, 3], the same formulas as lib/classical/color.ts `rgbToLab`
 * (per colour, in JS): linearise sRGB, XYZ = M·rgb_lin, L* = 116 f(Y/Yn) − 16, a* = 500 (f(X/Xn) − f(Y/Yn)),
 * b* = 200 (f(Y/Yn) − f(Z/Zn)); and the inverse. For colorization's targets (no gradient is needed through them).
 */
import * as tf from '@tensorflow/tfjs-core';

const D65 = [0.95047, 1.0, 1.08883];
const M = [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.072175], [0.0193339, 0.119192, 0.9503041]];
const M_INV = [[3.2404542, -1.5371385, -0.4985314], [-0.969266, 1.8760108, 0.041556], [0.0556434, -0.2040259, 1.0572252]];
const DELTA = 6 / 29;

/** Multiply the colour axis by a 3×3 matrix: out_c = Σ_k m[c][k] x_k. */
function mix(x: tf.Tensor4D, m: number[][]): tf.Tensor4D {
  const [n, h, w] = x.shape;
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, 3]), tf.tensor2d(m), false, true), [n, h, w, 3]) as tf.Tensor4D;
}

/** sRGB in [0, 1] → [L*, a*, b*] per pixel (L* ∈ [0, 100]). Returns a new tensor (caller disposes). */
export function rgbToLabTensor(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const c = tf.clipByValue(x, 0, 1);
    const lin = tf.where(tf.lessEqual(c, 0.04045), tf.div(c, 12.92), tf.pow(tf.div(tf.add(c, 0.055), 1.055), 2.4));
    const xyz = tf.div(mix(lin as tf.Tensor4D, M), tf.tensor1d(D65));
    const f = tf.where(tf.greater(xyz, DELTA ** 3), tf.pow(tf.maximum(xyz, DELTA ** 3), 1 / 3), tf.add(tf.div(xyz, 3 * DELTA * DELTA), 4 / 29));
    const [fx, fy, fz] = tf.split(f, 3, 3);
    return tf.concat([tf.sub(tf.mul(116, fy!), 16), tf.mul(500, tf.sub(fx!, fy!)), tf.mul(200, tf.sub(fy!, fz!))], 3) as tf.Tensor4D;
  });
}

/** [L*, a*, b*] → sRGB, clipped to [0, 1]. Returns a new tensor (caller disposes). */
export function labToRgbTensor(lab: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [l, a, b] = tf.split(lab, 3, 3);
    const fy = tf.div(tf.add(l!, 16), 116);
    const f = tf.concat([tf.add(fy, tf.div(a!, 500)), fy, tf.sub(fy, tf.div(b!, 200))], 3);
    const xyz = tf.mul(tf.where(tf.greater(f, DELTA), tf.pow(f, 3), tf.mul(3 * DELTA * DELTA, tf.sub(f, 4 / 29))), tf.tensor1d(D65));
    const lin = tf.clipByValue(mix(xyz as tf.Tensor4D, M_INV), 0, 1);
    const srgb = tf.where(tf.lessEqual(lin, 0.0031308), tf.mul(lin, 12.92), tf.sub(tf.mul(1.055, tf.pow(tf.maximum(lin, 0.0031308), 1 / 2.4)), 0.055));
    return tf.clipByValue(srgb, 0, 1) as tf.Tensor4D;
  });
}
