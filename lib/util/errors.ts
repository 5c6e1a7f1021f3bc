/**
 * Errors for bad input. Every message names the argument, what was expected, what was given, and how to fix it:
 *   `kMeans: argument 'k' must be an integer in [1, N=100] (got 500). Fix: choose k <= the number of rows.`
 */
export class ArgumentError extends Error {
  constructor(
    readonly where: string,
    readonly argument: string,
    readonly expected: string,
    readonly got: unknown,
    readonly fix?: string,
  ) {
    super(`${where}: argument '${argument}' must be ${expected} (got ${describe(got)}).` + (fix ? ` Fix: ${fix}` : ''));
    this.name = 'ArgumentError';
  }
}

/** Throw an {@link ArgumentError} unless `ok`. */
export function check(ok: boolean, where: string, argument: string, expected: string, got: unknown, fix?: string): asserts ok {
  if (!ok) throw new ArgumentError(where, argument, expected, got, fix);
}

/** Short human description of a value for an error message (shapes for tensors, lengths for arrays). */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (Array.isArray(value)) return value.length <= 6 ? `[${value.map(describe).join(', ')}]` : `an array of length ${value.length}`;
  const v = value as { shape?: unknown; dtype?: unknown; length?: unknown; constructor?: { name?: string } };
  if (Array.isArray(v.shape)) return `a ${String(v.dtype ?? '')} tensor of shape [${v.shape.join(', ')}]`.replace('a  tensor', 'a tensor');
  if (typeof v.length === 'number') return `a ${v.constructor?.name ?? 'array'} of length ${v.length}`;
  return v.constructor?.name ?? typeof value;
}
