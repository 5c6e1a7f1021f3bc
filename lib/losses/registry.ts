/**
 * Losses selected by name (like tfjs-layers' `losses.get`): a registry maps names to loss functions, and
 * `get(nameOrFn)` returns the function for a name — or the function itself when one is given — with a clear error
 * naming every registered name otherwise. The metric learner (lib/methods/metric-learning.ts) and the
 * joint-embedding methods (lib/methods/joint-embedding.ts) choose their loss this way instead of a closed switch;
 * `register` adds a loss of your own under a new name.
 *
 *   const pair = jointEmbeddingLosses.get('simsiam');
 *   jointEmbeddingLosses.register('myLoss', (o1, t2, o2, t1) => ...);
 */
import { check } from '../util/errors.js';

export class LossRegistry<F extends (...args: never[]) => unknown> {
  private readonly entries = new Map<string, F>();

  /** `kind` names the registry in errors (e.g. 'metric loss'). */
  constructor(readonly kind: string, entries: Record<string, F> = {}) {
    for (const [name, fn] of Object.entries(entries)) this.register(name, fn);
  }

  /** Add `fn` under `name` (an error if the name is taken: pick another). */
  register(name: string, fn: F): void {
    check(typeof name === 'string' && name.length > 0, `${this.kind} registry`, 'name', 'a non-empty string', name);
    check(typeof fn === 'function', `${this.kind} registry`, 'fn', 'a loss function', fn);
    check(!this.entries.has(name), `${this.kind} registry`, 'name', `a name not registered yet (registered: ${this.names().join(', ')})`, name);
    this.entries.set(name, fn);
  }

  /** The function registered as `nameOrFn`, or `nameOrFn` itself when it is a function. */
  get(nameOrFn: string | F, where = `${this.kind} registry`, arg = 'loss'): F {
    if (typeof nameOrFn === 'function') return nameOrFn;
    const fn = typeof nameOrFn === 'string' ? this.entries.get(nameOrFn) : undefined;
    check(fn !== undefined, where, arg, `a ${this.kind} function or one of ${this.names().map((n) => `'${n}'`).join(', ')}`, nameOrFn);
    return fn!;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The registered names, in the order of registration. */
  names(): string[] {
    return [...this.entries.keys()];
  }
}
