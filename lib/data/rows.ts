/** Copying rows out of the flat row-major arrays of an ImageSet (images, labels, factors, masks). */

/**
 * The rows at `indices` (each `rowLength` values long; in that order, repeats allowed) of a flat row-major array,
 * copied into a new array of the same type. The indices must have been checked (checkIndices).
 */
export function gatherRows<A extends Float32Array | Int32Array>(data: A, rowLength: number, indices: ArrayLike<number>): A {
  const k = indices.length;
  const out = (data instanceof Int32Array ? new Int32Array(k * rowLength) : new Float32Array(k * rowLength)) as A;
  if (rowLength === 1) {
    for (let j = 0; j < k; j++) out[j] = data[indices[j]!]!;
    return out;
  }
  for (let j = 0; j < k; j++) {
    const i = indices[j]!;
    out.set(data.subarray(i * rowLength, (i + 1) * rowLength), j * rowLength);
  }
  return out;
}
