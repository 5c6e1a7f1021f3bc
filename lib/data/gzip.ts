/** gzip detection and decompression with errors that name the file. */
import { gunzipSync } from 'node:zlib';
import { DataFileError } from './errors.js';

/** True when `bytes` starts with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompress `bytes` if they are gzip-compressed, else return them as they are. A truncated or corrupt stream
 * throws a {@link DataFileError} naming `file` and suggesting `fix`.
 */
export function maybeGunzip(bytes: Uint8Array, file = '<buffer>', fix = 'replace the file with a good copy'): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataFileError(file, `corrupt or truncated gzip data (zlib: ${reason}; ${bytes.length} compressed bytes)`, fix);
  }
}
