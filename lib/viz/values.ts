/** Read figure inputs (plain arrays, typed arrays or tensors) into plain numbers; tensors are read asynchronously. */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';

export type Numbers = ArrayLike<number> | tf.Tensor;
export type Matrix = ArrayLike<ArrayLike<number>> | tf.Tensor;

/** A 1-D list of numbers (a tensor of any shape is flattened). */
export async function toNumbers(v: Numbers, where: string, arg: string): Promise<number[]> {
  if (v instanceof tf.Tensor) return Array.from((await v.data()) as ArrayLike<number>, Number);
  check(v !== null && typeof v === 'object' && typeof (v as ArrayLike<number>).length === 'number', where, arg, 'an array, a typed array or a tensor of numbers', v);
  return Array.from(v as ArrayLike<number>, Number);
}

/** Rows of a matrix: number[][], an array of typed arrays, or a 2-D tensor. `cols` reshapes a flat typed array. */
export async function toRows(m: Matrix | ArrayLike<number>, where: string, arg: string, cols?: number): Promise<number[][]> {
  if (m instanceof tf.Tensor) {
    check(m.rank === 2, where, arg, 'a 2-D tensor [rows, cols]', m);
    const flat = (await m.data()) as ArrayLike<number>;
    const [r, c] = m.shape as [number, number];
    return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => flat[i * c + j]!));
  }
  check(m !== null && typeof m === 'object' && typeof (m as ArrayLike<unknown>).length === 'number', where, arg, 'a matrix (number[][] or a 2-D tensor)', m);
  const first = (m as ArrayLike<unknown>)[0];
  if (typeof first === 'number' || (m as ArrayLike<unknown>).length === 0) {
    check(cols !== undefined && cols > 0 && (m as ArrayLike<number>).length % cols === 0, where, arg, `rows of numbers, or a flat array whose length is a multiple of ${cols ?? 'the column count'}`, m);
    const flat = m as ArrayLike<number>;
    return Array.from({ length: flat.length / cols }, (_, i) => Array.from({ length: cols }, (_, j) => flat[i * cols + j]!));
  }
  return Array.from(m as ArrayLike<ArrayLike<number>>, (row) => Array.from(row, Number));
}
