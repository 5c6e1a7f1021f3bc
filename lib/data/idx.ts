/**
 * Reader for the IDX format of (Fashion-)MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * 0x00 0x00 <dtype> <ndims>, then ndims big-endian uint32 dimensions, then the values, big-endian, row-major.
 * gzip-compressed input is detected and decompressed.
 */
import { check } from '../util/errors.js';
import { DataFileError } from './errors.js';
import { maybeGunzip } from './gzip.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  dims: number[];
  data: IdxData;
}

export interface ReadIdxOptions {
  /** Name of the file in error messages. */
  file?: string;
  /** How to fix a damaged file, for error messages (e.g. "delete it so it is downloaded again"). */
  fix?: string;
}

const DTYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

const hex = (b: number | undefined) => '0x' + (b ?? 0).toString(16).padStart(2, '0');

/** Parse an IDX file (raw or gzip-compressed). Throws a {@link DataFileError} for truncated or corrupt input. */
export function readIdx(buffer: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  const file = options.file ?? '<buffer>';
  const fix = options.fix ?? 'replace the file with a good copy';
  const unzipped = maybeGunzip(buffer, file, fix);
  // a plain Uint8Array view (a Node Buffer's slice() would not copy, and its .buffer may be a shared pool)
  const bytes = new Uint8Array(unzipped.buffer, unzipped.byteOffset, unzipped.byteLength);
  const fail = (problem: string): never => {
    throw new DataFileError(file, problem, fix);
  };
  if (bytes.length < 4) fail(`not an IDX file: expected at least 4 bytes (the magic number), found ${bytes.length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`not an IDX file: expected the magic number to start with 0x00 0x00, found ${hex(bytes[0])} ${hex(bytes[1])} (an HTML error page or another format?)`);
  }
  const type = DTYPES[bytes[2]!];
  if (!type) fail(`corrupt IDX header: expected a dtype byte in {0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e}, found ${hex(bytes[2])}`);
  const { dtype, bytes: width } = type!;
  const ndims = bytes[3]!;
  if (ndims === 0) fail('corrupt IDX header: expected at least 1 dimension, found 0');
  const header = 4 + 4 * ndims;
  if (bytes.length < header) fail(`truncated IDX header: expected ${header} bytes for ${ndims} dimensions, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count * width;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated IDX file' : 'IDX file longer than its header says';
    fail(`${what}: expected ${expected} bytes (${header}-byte header + ${dims.join('x')} ${dtype} values), found ${bytes.length}`);
  }
  let data: IdxData;
  switch (dtype) {
    case 'uint8':
      data = bytes.slice(header, expected);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(header, expected).buffer);
      break;
    case 'int16':
      data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(header + 2 * i, false);
      break;
    case 'int32':
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(header + 4 * i, false);
      break;
    case 'float32':
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(header + 4 * i, false);
      break;
    case 'float64':
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(header + 8 * i, false);
      break;
  }
  return { dtype, dims, data };
}

/** Encode an array as an IDX file (uncompressed): the inverse of {@link readIdx}. */
export function writeIdx(array: IdxArray): Uint8Array {
  const count = array.dims.reduce((a, b) => a * b, 1);
  check(array.data.length === count, 'writeIdx', 'array.data', `of length ${array.dims.join('x')} = ${count}`, array.data.length);
  const entry = Object.entries(DTYPES).find(([, t]) => t.dtype === array.dtype)!;
  const code = Number(entry[0]);
  const width = entry[1].bytes;
  const header = 4 + 4 * array.dims.length;
  const out = new Uint8Array(header + array.data.length * width);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const d = array.data;
  for (let i = 0; i < d.length; i++) {
    const o = header + i * width;
    switch (array.dtype) {
      case 'uint8': view.setUint8(o, d[i]!); break;
      case 'int8': view.setInt8(o, d[i]!); break;
      case 'int16': view.setInt16(o, d[i]!, false); break;
      case 'int32': view.setInt32(o, d[i]!, false); break;
      case 'float32': view.setFloat32(o, d[i]!, false); break;
      case 'float64': view.setFloat64(o, d[i]!, false); break;
    }
  }
  return out;
}
