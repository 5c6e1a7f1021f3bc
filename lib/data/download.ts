/**
 * Download a file with `fetch`, verify it against known checksums, and only then write it to the cache
 * atomically (temp file + rename): a failed or corrupt download leaves nothing behind.
 */
import { writeFileAtomic } from '../util/fs.js';
import { describeChecksums, verifyChecksums, type Checksum } from './checksum.js';
import { DataFileError } from './errors.js';

export interface DownloadOptions {
  /** Known checksums: the download must match one of them. */
  checksums: readonly Checksum[];
  /** Print a line before downloading (default true). */
  verbose?: boolean;
  /** Give up after this many milliseconds (default 30 minutes). */
  timeoutMs?: number;
}

/** Fetch `url`, verify it, write it to `dest` atomically and return its bytes. */
export async function downloadVerified(url: string, dest: string, options: DownloadOptions): Promise<Uint8Array> {
  const { checksums, verbose = true, timeoutMs = 30 * 60_000 } = options;
  const manual = `check the network and retry, or download ${url} yourself and put it at ${dest}`;
  if (verbose) console.log(`reprlab: downloading ${url} -> ${dest}`);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new DataFileError(url, `download failed (${cause})`, manual);
  }
  if (!response.ok) {
    throw new DataFileError(url, `download failed: the server answered HTTP ${response.status} ${response.statusText}`, manual);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new DataFileError(url, `download interrupted (${err instanceof Error ? err.message : String(err)})`, manual);
  }
  const bad = verifyChecksums(bytes, checksums);
  if (bad !== null) {
    throw new DataFileError(
      url,
      `download failed verification: expected ${describeChecksums(checksums)}, found ${bad} (${bytes.length} bytes); nothing was written to ${dest}`,
      `retry; if it fails again the server sends a different or damaged file: ${manual}`,
    );
  }
  writeFileAtomic(dest, bytes);
  return bytes;
}
