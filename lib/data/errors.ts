/**
 * Errors about data files (missing, truncated, corrupt, failed checksum, failed download). The message names
 * the file, what was expected, what was found and how to fix it:
 *   `/x/train-images-idx3-ubyte.gz: truncated IDX file: expected 47040016 bytes (16-byte header + 60000x28x28
 *    uint8 values), found 1000. Fix: delete /x/train-images-idx3-ubyte.gz so it is fetched again.`
 */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}: ${problem}. Fix: ${fix}`);
    this.name = 'DataFileError';
  }
}
