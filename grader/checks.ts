/**
 * Verdicts outside the student's runtime (issue #28).
 *
 * A test cell states its checks as `check('name', value, { tol })` lines. In the graded kernel `check` only
 * serialises the value (numbers, arrays, typed arrays, tensors as shape + values, booleans, strings, plain objects)
 * into a record tagged with a nonce the supervisor gives that one test cell, and prints it; the supervisor takes the
 * records out of the cell's output as data. The grader then compares them, outside the sandbox, with the records of
 * the same test cell run on the instructor's solution in a separate kernel that never ran student code
 * (grader/references.ts). Whatever student code patches in its kernel (Math.abs, Array.isArray, tslab, console,
 * JSON, the inspector), it can change only the values it reports, never the comparison.
 *
 * Options, taken from the REFERENCE record (the instructor's kernel), never from the student's:
 *   tol       relative tolerance for numbers: |got - ref| <= tol * max(1, |ref|)   (default 1e-4)
 *   atLeast / atMost   bounds every number of the value must meet (no comparison with the reference value:
 *             for results of the student's own training, which no reference reproduces)
 *   finite    every number of the value is finite (no comparison with the reference value)
 *   expected  what the instructor states in the test cell (the student's local feedback); in the reference run
 *             the instructor's value must agree with it, in grading it is ignored
 */

/** A line a check prints: the prefix, the cell's nonce, a space, the record as JSON. */
export const CHECK_PREFIX = '__reprlab_check__';
/** Replaced by the supervisor with a fresh nonce per test cell (only in test cells). */
export const NONCE_PLACEHOLDER = '__REPRLAB_CHECK_NONCE__';
/** Replaced by the grader with the assignment's test seed (the same in the reference kernel and every student kernel). */
export const SEED_PLACEHOLDER = '__REPRLAB_TEST_SEED__';
/** Names the grader declares in every test block (never inlined from the instructor's cells). */
export const GRADER_NAMES = new Set(['check', 'checkHidden', 'TEST_SEED']);

export interface CheckOptions {
  tol?: number;
  atLeast?: number;
  atMost?: number;
  finite?: boolean;
  expected?: unknown;
}
export interface CheckRecord {
  name: string;
  value: unknown;
  o?: CheckOptions;
  hidden?: boolean;
}

/**
 * The code declared at the top of every test block in a graded kernel: `check`, `checkHidden` (what `check` becomes
 * inside a hidden-test region) and `TEST_SEED`. It captures `console.log` and `JSON.stringify` when the block starts;
 * that protects nothing (student code ran before) and need not: the records are data judged outside.
 */
export function checkPrelude(seed: number): string {
  return `const TEST_SEED: number = ${seed};
const [check, checkHidden] = ((nonce: string, log: (s: string) => void, stringify: (v: unknown) => string) => {
  const ser = (v: any, depth: number): unknown => {
    if (depth > 6) return { $type: 'too deep' };
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
    if (typeof v === 'boolean' || typeof v === 'string' || v === null) return v;
    if (v === undefined) return { $type: 'undefined' };
    if (typeof v === 'bigint') return { $num: String(v) };
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => ser(Number(x), depth + 1));
    if (Array.isArray(v)) return v.map((x) => ser(x, depth + 1));
    if (typeof v === 'object' && typeof v.dataSync === 'function' && Array.isArray(v.shape)) return { $tensor: { shape: Array.from(v.shape as number[]), values: Array.from(v.dataSync() as ArrayLike<number>, (x) => ser(Number(x), depth + 1)) } };
    if (typeof v === 'object') { const o: Record<string, unknown> = {}; for (const k of Object.keys(v).sort()) o[k] = ser(v[k], depth + 1); return { $obj: o }; }
    return { $type: typeof v };
  };
  const make = (hidden: boolean) => (name: string, actual: unknown, o: { tol?: number; atLeast?: number; atMost?: number; finite?: boolean; expected?: unknown } = {}): void => {
    const opts: Record<string, unknown> = {};
    for (const k of ['tol', 'atLeast', 'atMost', 'finite']) if ((o as any)[k] !== undefined) opts[k] = (o as any)[k];
    if (o.expected !== undefined) opts.expected = ser(o.expected, 0);
    log('${CHECK_PREFIX}' + nonce + ' ' + stringify({ name: String(name), value: ser(actual, 0), o: opts, hidden }));
  };
  return [make(false), make(true)];
})('${NONCE_PLACEHOLDER}', console.log, JSON.stringify);
`;
}

/**
 * A test cell's source (with its hidden-test delimiters) as the grader sends it: delimiters removed, and every
 * `check(` inside a hidden region renamed `checkHidden(` so its verdict is worded without values.
 */
export function markHiddenChecks(sourceWithDelimiters: string): string {
  const DELIM = /^\s*(?:\/\/+|#+)\s*(BEGIN|END)\s+HIDDEN TESTS\b/;
  let hidden = false;
  const out: string[] = [];
  for (const line of sourceWithDelimiters.split('\n')) {
    const m = DELIM.exec(line);
    if (m) {
      hidden = m[1] === 'BEGIN';
      continue;
    }
    out.push(hidden ? line.replace(/\bcheck\(/g, 'checkHidden(') : line);
  }
  return out.join('\n');
}

/** Whether a test source states checks (then its verdict is decided outside the kernel). */
export const usesChecks = (source: string): boolean => /\bcheck(Hidden)?\(/.test(source);

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Every number of a serialised value (NaN/Infinity as such); strings and booleans are left out. */
function numbersOf(v: unknown, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => numbersOf(x, out));
  else if (isObj(v)) {
    if (typeof v.$num === 'string') out.push(Number(v.$num));
    else if (isObj(v.$tensor)) numbersOf(v.$tensor.values, out);
    else if (isObj(v.$obj)) Object.values(v.$obj).forEach((x) => numbersOf(x, out));
  }
  return out;
}

/** Why `got` differs from `ref` (the supervisor's own words, never the student's value), or '' when it agrees. */
export function compareValues(ref: unknown, got: unknown, tol: number): string {
  if (typeof ref === 'number') {
    if (typeof got !== 'number') return isObj(got) && typeof got.$num === 'string' ? 'not a finite number' : 'not a number';
    return Math.abs(got - ref) <= tol * Math.max(1, Math.abs(ref)) ? '' : `differs by more than the tolerance (${tol})`;
  }
  if (typeof ref === 'string' || typeof ref === 'boolean' || ref === null) return got === ref ? '' : 'differs';
  if (Array.isArray(ref)) {
    if (!Array.isArray(got)) return 'not a list';
    if (got.length !== ref.length) return `has the wrong length (expected ${ref.length})`;
    for (let i = 0; i < ref.length; i++) {
      const why = compareValues(ref[i], got[i], tol);
      if (why) return why;
    }
    return '';
  }
  if (isObj(ref)) {
    if (!isObj(got)) return 'has the wrong type';
    if (typeof ref.$num === 'string') return isObj(got) && got.$num === ref.$num ? '' : 'differs';
    if (isObj(ref.$tensor)) {
      if (!isObj(got.$tensor)) return 'not a tensor';
      const rs = ref.$tensor.shape as number[];
      if (JSON.stringify(got.$tensor.shape) !== JSON.stringify(rs)) return `has the wrong shape (expected [${rs.join(', ')}])`;
      return compareValues(ref.$tensor.values, got.$tensor.values, tol);
    }
    if (isObj(ref.$obj)) {
      if (!isObj(got.$obj)) return 'not an object';
      const rk = Object.keys(ref.$obj).sort();
      if (JSON.stringify(rk) !== JSON.stringify(Object.keys(got.$obj).sort())) return `has other fields (expected ${rk.join(', ')})`;
      for (const k of rk) {
        const why = compareValues(ref.$obj[k], got.$obj[k], tol);
        if (why) return `field '${k}' ${why}`;
      }
      return '';
    }
    if (typeof ref.$type === 'string') return isObj(got) && got.$type === ref.$type ? '' : 'differs';
  }
  return 'has an unexpected form';
}

/** Bounds and finiteness (no reference value): why the value fails them, or ''. */
export function checkBounds(value: unknown, o: CheckOptions): string {
  const xs = numbersOf(value);
  if (xs.length === 0) return 'holds no numbers';
  if ((o.finite || o.atLeast !== undefined || o.atMost !== undefined) && !xs.every(Number.isFinite)) return 'holds NaN or Infinity';
  if (o.atLeast !== undefined && !xs.every((x) => x >= o.atLeast!)) return `is below ${o.atLeast}`;
  if (o.atMost !== undefined && !xs.every((x) => x <= o.atMost!)) return `is above ${o.atMost}`;
  return '';
}

const isBoundCheck = (o: CheckOptions | undefined) => !!o && (o.finite === true || o.atLeast !== undefined || o.atMost !== undefined);
const tolOf = (o: CheckOptions | undefined) => (o && typeof o.tol === 'number' && Number.isFinite(o.tol) && o.tol >= 0 ? o.tol : 1e-4);

/** A short rendering of a reference value for a visible check's message (the instructor's data, bounded). */
export function renderValue(v: unknown, max = 160): string {
  const plain = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(plain);
    if (isObj(x)) {
      if (typeof x.$num === 'string') return x.$num;
      if (isObj(x.$tensor)) return { shape: x.$tensor.shape, values: plain(x.$tensor.values) };
      if (isObj(x.$obj)) return Object.fromEntries(Object.entries(x.$obj).map(([k, y]) => [k, plain(y)]));
      return `<${String(x.$type)}>`;
    }
    return typeof x === 'number' ? Number(x.toPrecision(6)) : x;
  };
  const s = JSON.stringify(plain(v)) ?? 'undefined';
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export interface CheckVerdict {
  name: string;
  hidden: boolean;
  passed: boolean;
  /** The supervisor's own words; for hidden checks without any value. */
  message: string;
}

/** Judge one test cell's records against the reference records of the same cell. */
export function judgeChecks(reference: CheckRecord[], got: CheckRecord[]): CheckVerdict[] {
  const byName = new Map<string, CheckRecord[]>();
  for (const r of got) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  let k = 0;
  return reference.map((ref) => {
    const hidden = !!ref.hidden;
    // a hidden check is named by its number only: its name may say what it tests
    const label = hidden ? `hidden check #${++k}` : `check '${ref.name}'`;
    const mine = byName.get(ref.name) ?? [];
    const verdict = (passed: boolean, message: string): CheckVerdict => ({ name: ref.name, hidden, passed, message });
    if (mine.length === 0) return verdict(false, `${label} was not reached (the cell stopped before it)`);
    if (mine.length > 1) return verdict(false, `${label} was reported ${mine.length} times (only once is accepted)`);
    const value = mine[0]!.value;
    const why = isBoundCheck(ref.o) ? checkBounds(value, ref.o!) : compareValues(ref.value, value, tolOf(ref.o));
    if (!why) return verdict(true, `${label} passed`);
    if (hidden) return verdict(false, `${label} failed`);
    const expected = isBoundCheck(ref.o) ? '' : `: expected ${renderValue(ref.value)}${ref.o?.tol !== undefined ? ` (tolerance ${tolOf(ref.o)})` : ''}`;
    return verdict(false, `${label}: your value ${why}${expected}`);
  });
}

/** In the reference run: the instructor's own values must meet what the test cell states (expected, bounds). */
export function selfCheck(records: CheckRecord[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.name)) problems.push(`check '${r.name}' is stated twice in one test cell: give each check its own name`);
    seen.add(r.name);
    if (isBoundCheck(r.o)) {
      const why = checkBounds(r.value, r.o!);
      if (why) problems.push(`check '${r.name}': the instructor's value ${why}`);
    } else if (r.o?.expected !== undefined) {
      const why = compareValues(r.o.expected, r.value, tolOf(r.o));
      if (why) problems.push(`check '${r.name}': the instructor's value ${why.replace(/^/, '')} from the stated expected ${renderValue(r.o.expected)}`);
    }
  }
  return problems;
}

/** Parse the records the supervisor took out of a cell's output (it sends them as JSON values). */
export function parseRecords(raw: unknown): CheckRecord[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r) => (isObj(r) && typeof r.name === 'string' ? [{ name: r.name.slice(0, 300), value: r.value, o: isObj(r.o) ? (r.o as CheckOptions) : {}, hidden: r.hidden === true }] : []));
}

// -- messages for feedback files: verdicts and the grader's own words, never text the kernel produced ------------

/**
 * What a failed cell's error may say in result.json, the gradebooks and students/*.json. The kernel's own text
 * (a stack, a message) can carry anything student code put there, hidden test sources included, so only these
 * pass: a stub's `not implemented: <id>`; the error's class name; TypeScript diagnostics of a student cell (they
 * come from its own static source); and the supervisor's own lines (time limits, a dead kernel, a missing marker).
 * The whole text stays in graded.ipynb for the instructor.
 */
export function safeErrorText(raw: string, o: { studentCell: boolean; answerNames?: Set<string>; stubIds?: Set<string> }): string {
  const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => /^(cell timed out after \d+ s|the kernel died while running this cell|the kernel aborted this cell|the test cell ended without the grader's end marker|not run: )/.test(l));
  const stub = [...raw.matchAll(/\bnot implemented: ([A-Za-z0-9_.-]{1,64})/g)].find((m) => !o.stubIds || o.stubIds.has(m[1]!));
  const diags = lines.filter((l) => /^\d+:\d+ - /.test(l));
  const out: string[] = own.map((l) => l.replace(/ \(its output was tampered with\)$/, ' (its output was tampered with)'));
  if (stub) out.push(`Error: ${stub[0]}`);
  else if (diags.length) {
    if (o.studentCell) out.push(...diags.slice(0, 5).map((l) => l.slice(0, 300)));
    else {
      const names = diags.map((l) => /Cannot find name '([A-Za-z_$][\w$]*)'/.exec(l)?.[1]).filter((n): n is string => !!n && !!o.answerNames?.has(n));
      out.push(`the test cell does not compile against your code${names.length ? ` (cannot find ${[...new Set(names)].map((n) => `'${n}'`).join(', ')})` : ''}: keep every function's name and signature as released`);
    }
  } else {
    const cls = lines.map((l) => /^(?:Uncaught )?(?=[A-Z])([A-Za-z]{0,35}(?:Error|Exception))\b/.exec(l)?.[1]).find(Boolean);
    if (cls) out.push(`${cls} (its message is not copied into feedback files: run the notebook yourself to see it)`);
    else if (!own.length && lines.length) out.push('the cell failed (its output is not copied into feedback files: run the notebook yourself to see it)');
  }
  return out.join('\n');
}
