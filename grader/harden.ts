/**
 * Defence in depth in the graded kernel (issue #28): code the supervisor runs once, after the instructor's set-up
 * cells and before the first student cell (its output is not kept), that
 *
 * - freezes the JavaScript intrinsics students patched to fool in-kernel tests (Math, JSON, Reflect, the
 *   constructors' static functions such as Array.isArray and Number.isFinite, and the prototypes of Object, Array,
 *   Function, the typed arrays, Map, Set, Promise, String, Number, RegExp, Date, the errors) — the same idea as SES's
 *   `lockdown()` without its package: the `Error` constructor stays writable (Node and tslab set
 *   `Error.prepareStackTrace` / `stackTraceLimit`), and `globalThis` stays writable (tslab and every cell declare
 *   globals on it);
 * - denies `vm`, `inspector` and `v8` to every later `require` (tslab loaded `vm` long before; its cached copy is
 *   its own), so student code cannot wrap `vm.runInThisContext` or read a running test through the inspector.
 *
 * Verdicts do not depend on it (grader/checks.ts decides them outside the kernel); it makes the attacks of the
 * issue fail early, in the student's own cell. Freezing happens after the set-up cells so that the library and tfjs
 * finish their own initialisation (backend registration, wasm) first.
 */

export const DENIED_IN_KERNEL = ['vm', 'node:vm', 'inspector', 'node:inspector', 'inspector/promises', 'node:inspector/promises', 'v8', 'node:v8'];

/** The code (TypeScript, compiled by tslab like any cell) that hardens the kernel. */
export function hardeningCode(): string {
  return `{
  const frozen: unknown[] = [];
  const freeze = (o: unknown) => { if (o && (typeof o === 'object' || typeof o === 'function') && !Object.isFrozen(o)) { Object.freeze(o); frozen.push(o); } };
  const TypedArray = Object.getPrototypeOf(Int8Array);
  const ctors: any[] = [Object, Array, Function, Number, String, Boolean, Symbol, Promise, RegExp, Date, Map, Set, WeakMap, WeakSet, ArrayBuffer, DataView, TypedArray,
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
    TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];
  for (const c of ctors) { freeze(c); freeze(c.prototype); }
  freeze(Error.prototype);
  for (const o of [Math, JSON, Reflect, Atomics, Intl]) freeze(o);
  const M: any = require('module');
  const load = M._load;
  const denied = new Set(${JSON.stringify(DENIED_IN_KERNEL)});
  Object.defineProperty(M, '_load', {
    value: function (request: unknown, ...rest: unknown[]) {
      if (denied.has(String(request))) throw new Error(\`'\${String(request)}' is not available in a graded notebook\`);
      return load.call(this, request, ...rest);
    },
    writable: false,
    configurable: false,
  });
}`;
}
