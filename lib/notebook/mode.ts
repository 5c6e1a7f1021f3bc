/**
 * Run mode of a notebook: `full` (the default: the sizes the lecture's claims are made at) or `smoke` (tiny sizes
 * so that every notebook executes in well under a minute on the cpu backend; the notebook runner and the tests set
 * it). Chosen by the environment variable REPRLAB_MODE, read at each call, so a notebook can also switch with
 * `process.env.REPRLAB_MODE = 'smoke'` in its first cell.
 */
import { check } from '../util/errors.js';

export type RunMode = 'smoke' | 'full';
export const RUN_MODES: readonly RunMode[] = ['smoke', 'full'];

/** The current run mode: REPRLAB_MODE (`smoke` or `full`, case-insensitive); `full` when unset or empty. */
export function mode(): RunMode {
  const raw = (process.env.REPRLAB_MODE ?? '').trim().toLowerCase();
  if (raw === '') return 'full';
  check(
    (RUN_MODES as readonly string[]).includes(raw),
    'mode',
    'REPRLAB_MODE',
    `one of ${RUN_MODES.join(', ')}`,
    process.env.REPRLAB_MODE,
    "set REPRLAB_MODE=smoke (tiny sizes, CI) or REPRLAB_MODE=full (the lecture's sizes), or unset it for full",
  );
  return raw as RunMode;
}

/** True in smoke mode. */
export const isSmoke = (): boolean => mode() === 'smoke';

/**
 * Pick the sizes for the current mode:
 * `const { n, steps } = sizes({ smoke: { n: 256, steps: 20 }, full: { n: 60000, steps: 2000 } })`.
 * Both variants must have the same keys (so a notebook cannot forget one in smoke mode).
 */
export function sizes<T extends object>(choices: { smoke: T; full: T }): T {
  check(
    choices !== null && typeof choices === 'object' && typeof choices.smoke === 'object' && typeof choices.full === 'object' && choices.smoke !== null && choices.full !== null,
    'sizes',
    'choices',
    'an object { smoke: {...}, full: {...} }',
    choices,
  );
  const a = Object.keys(choices.smoke).sort();
  const b = Object.keys(choices.full).sort();
  const missing = [...a.filter((k) => !b.includes(k)).map((k) => `full.${k}`), ...b.filter((k) => !a.includes(k)).map((k) => `smoke.${k}`)];
  check(missing.length === 0, 'sizes', 'choices', 'smoke and full variants with the same keys', `missing ${missing.join(', ')}`, 'give every size in both variants');
  return choices[mode()];
}
