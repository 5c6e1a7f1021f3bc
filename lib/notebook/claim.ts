/**
 * The closing check cell of every notebook: `checkClaim('the loss went down', last < first, { first, last })`
 * prints `✓ the loss went down (first 2.303, last 0.612)`, or prints `✗ ...` and throws a {@link ClaimError},
 * which fails the cell and so the notebook run (npm run notebooks, the notebook test, CI).
 */
import { formatNumber } from './format.js';

export class ClaimError extends Error {
  constructor(
    readonly claim: string,
    readonly details: string,
  ) {
    super(`claim not supported at this scale: ${claim}${details ? ` (${details})` : ''}`);
    this.name = 'ClaimError';
  }
}

export type ClaimDetails = Record<string, number | string | boolean | null | undefined> | string;

/** Format measured figures as `first 2.303, last 0.612`. */
export function formatDetails(details: ClaimDetails | undefined): string {
  if (details === undefined) return '';
  if (typeof details === 'string') return details;
  return Object.entries(details)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v) : String(v)}`)
    .join(', ');
}

/**
 * Print ✓/✗ with the measured figures; throw a ClaimError when `ok` is false. Returns nothing (a returned value
 * would be printed a second time when the call ends a tslab cell).
 */
export function checkClaim(description: string, ok: boolean, details?: ClaimDetails): void {
  const d = formatDetails(details);
  const line = `${ok ? '✓' : '✗'} ${description}${d ? ` (${d})` : ''}`;
  console.log(line);
  if (!ok) throw new ClaimError(description, d);
}
