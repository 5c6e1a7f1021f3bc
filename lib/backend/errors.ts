/** Raised when a backend was asked for by name (REPRLAB_BACKEND or `initBackend({ backend })`) but cannot start. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}. ${fix}`);
    this.name = 'BackendUnavailableError';
  }
}
