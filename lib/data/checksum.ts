/**
 * Checksums for downloaded files. A file passes when ANY of its listed checksums matches, so a dataset can list
 * both the publisher's MD5 of the compressed file and a SHA-256 of the decompressed content (which survives
 * re-compression, e.g. by Debian).
 */
import { createHash } from 'node:crypto';
import { maybeGunzip } from './gzip.js';

export interface Checksum {
  algorithm: 'sha256' | 'md5';
  hex: string;
  /** 'file': the bytes as stored/downloaded; 'gunzipped': the content after gzip decompression. */
  of: 'file' | 'gunzipped';
}

/** Hex digest of `bytes`. */
export function digest(bytes: Uint8Array, algorithm: 'sha256' | 'md5' = 'sha256'): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

/** Human description of what was expected, e.g. "md5 8d4f... of the file or sha256 c59f... of its gunzipped content". */
export function describeChecksums(sums: readonly Checksum[]): string {
  return sums.map((s) => `${s.algorithm} ${s.hex} of ${s.of === 'file' ? 'the file' : 'its gunzipped content'}`).join(' or ');
}

/**
 * Check `bytes` against `sums`. Returns null when one matches (or when `sums` is empty), else a description of
 * what was found, for an error message.
 */
export function verifyChecksums(bytes: Uint8Array, sums: readonly Checksum[]): string | null {
  if (sums.length === 0) return null;
  const found: string[] = [];
  let content: Uint8Array | null | undefined;
  for (const s of sums) {
    let data: Uint8Array | null = bytes;
    if (s.of === 'gunzipped') {
      if (content === undefined) {
        try {
          content = maybeGunzip(bytes);
        } catch {
          content = null;
        }
      }
      data = content;
    }
    if (data === null) {
      found.push('content that does not gunzip');
      continue;
    }
    const h = digest(data, s.algorithm);
    if (h === s.hex.toLowerCase()) return null;
    found.push(`${s.algorithm} ${h} of ${s.of === 'file' ? 'the file' : 'its gunzipped content'}`);
  }
  return [...new Set(found)].join(', ');
}
