/**
 * A minimal tar reader (POSIX ustar, with GNU long names and pax path records): enough to unpack dataset
 * archives such as cifar-10-binary.tar.gz (decompress first, e.g. with maybeGunzip).
 */
import { DataFileError } from './errors.js';

export interface TarEntry {
  /** Path inside the archive. */
  name: string;
  /** Type flag: '0' regular file, '5' directory, ... */
  type: string;
  size: number;
  /** The entry's bytes (a view into the archive buffer). */
  data: Uint8Array;
}

const decoder = new TextDecoder();

function cstring(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function numeric(block: Uint8Array, start: number, length: number): number {
  if (block[start]! & 0x80) {
    let v = block[start]! & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + block[start + i]!;
    return v;
  }
  const text = cstring(block, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Parse a tar archive held in memory. Throws a {@link DataFileError} naming `file` when it is damaged. */
export function readTar(bytes: Uint8Array, options: { file?: string; fix?: string } = {}): TarEntry[] {
  const file = options.file ?? '<buffer>';
  const fix = options.fix ?? 'replace the archive with a good copy';
  const fail = (problem: string): never => {
    throw new DataFileError(file, problem, fix);
  };
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (offset + 512 <= bytes.length) {
    const block = bytes.subarray(offset, offset + 512);
    if (block.every((b) => b === 0)) return entries; // end-of-archive marker
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
    const stored = numeric(block, 148, 8);
    if (stored !== sum) fail(`corrupt tar header at byte ${offset}: expected header checksum ${sum}, found ${stored}`);
    let name = cstring(block, 0, 100);
    if (cstring(block, 257, 6) === 'ustar' && block[262] === 0) {
      const prefix = cstring(block, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const size = numeric(block, 124, 12);
    const type = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
    const start = offset + 512;
    if (start + size > bytes.length) {
      fail(`truncated tar archive: entry "${name}" needs ${size} bytes from byte ${start}, found ${bytes.length - start}`);
    }
    const data = bytes.subarray(start, start + size);
    offset = start + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cstring(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(decoder.decode(data));
      if (m) paxPath = m[1];
      continue;
    }
    if (type === 'g') continue;
    entries.push({ name: paxPath ?? longName ?? name, type, size, data });
    longName = paxPath = undefined;
  }
  if (offset < bytes.length) fail(`truncated tar archive: ${bytes.length - offset} trailing bytes, less than one 512-byte header`);
  return entries;
}
