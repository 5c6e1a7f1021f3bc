/**
 * A minimal PNG encoder (8-bit greyscale, RGB or RGBA; no interlace; filter 0 on every row), on node:zlib's
 * deflate. Enough for image grids and hover thumbnails; see the PNG spec (ISO/IEC 15948) for the chunk layout.
 */
import { deflateSync } from 'node:zlib';
import { concatBytes } from '../util/bytes.js';
import { check } from '../util/errors.js';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 }; // channels -> PNG colour type

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as PNG uses) of `bytes`, continuing from `crc` (default: a fresh one). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encode 8-bit pixels (row-major, interleaved channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) as a PNG file.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4): Uint8Array {
  check(Number.isInteger(width) && width > 0, 'encodePng', 'width', 'a positive integer', width);
  check(Number.isInteger(height) && height > 0, 'encodePng', 'height', 'a positive integer', height);
  check(COLOR_TYPE[channels] !== undefined, 'encodePng', 'channels', '1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA)', channels);
  check(pixels.length === width * height * channels, 'encodePng', 'pixels', `width*height*channels = ${width * height * channels} bytes`, pixels.length);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE[channels]!;
  // compression 0, filter 0, interlace 0
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const idat: Uint8Array = new Uint8Array(deflateSync(raw, { level: 9 }));
  return concatBytes([Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** `data:image/png;base64,...` for an <img src>. */
export function pngDataUri(png: Uint8Array): string {
  return 'data:image/png;base64,' + Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
}
