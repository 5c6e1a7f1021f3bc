/**
 * What student cells do to the runtime, read from their source with the TypeScript parser (nothing runs):
 *
 * - `runtime-tampering`: an assignment (or defineProperty / Object.assign / setPrototypeOf / Reflect.set) whose
 *   target is a JavaScript intrinsic (Math, JSON, Array, Number, Object, ..., a `.prototype`), `globalThis`,
 *   `console`, `process`, `require`, `module` or tslab's `__tslab__`; any use of `__tslab__`; and code that reaches
 *   for `vm` or `inspector` (how a kernel reads or rewrites the code of a running test cell).
 * - `library-answer`: a use of a library export the assignment asks students to write (the instructor notebook's
 *   `metadata.reprlab.covers`, e.g. hw1: pairwiseSquaredDistances, tripletLoss, onlineTripletLoss): imported from
 *   'reprlab', read as a property (`R.tripletLoss`, `R['tripletLoss']`) or destructured.
 *
 * Verdicts never depend on this (they are decided outside the kernel, grader/checks.ts); the flags tell the
 * instructor where to look, with the cell and the line. Code built at run time (eval, new Function, strings) is
 * not seen: this is a defence in depth, not a proof.
 */
import ts from 'typescript';

const INTRINSICS = new Set([
  'Math', 'JSON', 'Array', 'Object', 'Number', 'String', 'Boolean', 'Function', 'Promise', 'Reflect', 'Proxy', 'Symbol', 'BigInt',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'RegExp', 'Date', 'Map', 'Set', 'WeakMap', 'WeakSet', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
  'Atomics', 'Intl', 'WebAssembly', 'globalThis', 'global', 'window', 'self', 'console', 'process', 'require', 'module', 'exports', 'Buffer', '__tslab__',
  'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'isFinite', 'isNaN', 'parseFloat', 'parseInt', 'eval',
]);
const DENIED_MODULES = new Set(['vm', 'node:vm', 'inspector', 'node:inspector', 'inspector/promises', 'node:inspector/promises', 'v8', 'node:v8']);

export interface Finding {
  kind: 'runtime-tampering' | 'library-answer';
  /** 1-based line in the cell. */
  line: number;
  what: string;
}

const unwrap = (e: ts.Expression): ts.Expression => {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isTypeAssertionExpression(x) || (ts.isSatisfiesExpression?.(x) ?? false)) x = (x as ts.ParenthesizedExpression).expression;
  return x;
};

/** The root identifier of a target like `(Math as any).abs`, `Array.prototype['forEach']`, and whether `.prototype` is on the way. */
function rootOf(e: ts.Expression): { root?: string; path: string; prototype: boolean } {
  const parts: string[] = [];
  let prototype = false;
  let x = unwrap(e);
  for (;;) {
    if (ts.isPropertyAccessExpression(x)) {
      parts.unshift(x.name.text);
      if (x.name.text === 'prototype' || x.name.text === '__proto__') prototype = true;
      x = unwrap(x.expression);
    } else if (ts.isElementAccessExpression(x)) {
      const arg = x.argumentExpression;
      parts.unshift(ts.isStringLiteralLike(arg) ? arg.text : '[…]');
      if (ts.isStringLiteralLike(arg) && (arg.text === 'prototype' || arg.text === '__proto__')) prototype = true;
      x = unwrap(x.expression);
    } else break;
  }
  const root = ts.isIdentifier(x) ? x.text : undefined;
  return { root, path: [root ?? '(…)', ...parts].join('.'), prototype };
}

const isAssignment = (k: ts.SyntaxKind) => k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
const MUTATORS = new Set(['defineProperty', 'defineProperties', 'assign', 'setPrototypeOf', 'set', 'deleteProperty', '__defineGetter__', '__defineSetter__']);

/** Findings in one student cell's source. `covers`: library exports the assignment asks students to write. */
export function scanCell(source: string, covers: ReadonlySet<string>): Finding[] {
  const sf = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Finding[] = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const tampered = (n: ts.Node, target: ts.Expression, verb: string, onObject = false) => {
    const r = rootOf(target);
    // `Math = ...` rebinds a name (a local named Math, say); `Object.defineProperty(Math, ...)` changes the object
    const direct = !onObject && ts.isIdentifier(unwrap(target));
    if (r.root && (INTRINSICS.has(r.root) || r.prototype) && !(direct && r.root !== '__tslab__' && !['globalThis', 'global', 'require', 'module', 'exports'].includes(r.root))) {
      out.push({ kind: 'runtime-tampering', line: line(n), what: `${verb} ${r.path}` });
    }
  };
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) tampered(n, n.left, 'assigns to');
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) tampered(n, n.operand, 'changes');
    else if (ts.isDeleteExpression(n)) tampered(n, n.expression, 'deletes');
    else if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text) && n.arguments[0]) {
        const owner = rootOf(callee.expression).root;
        if (owner === 'Object' || owner === 'Reflect' || callee.name.text.startsWith('__')) tampered(n, n.arguments[0], `${owner ?? ''}.${callee.name.text} on`, true);
      }
      const arg = n.arguments[0];
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) {
        if (arg && ts.isStringLiteralLike(arg) && DENIED_MODULES.has(arg.text)) out.push({ kind: 'runtime-tampering', line: line(n), what: `loads '${arg.text}'` });
      }
    } else if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) {
      const spec = n.moduleSpecifier;
      if (spec && ts.isStringLiteralLike(spec)) {
        if (DENIED_MODULES.has(spec.text)) out.push({ kind: 'runtime-tampering', line: line(n), what: `imports '${spec.text}'` });
        if (/^reprlab(\/|$)/.test(spec.text) && ts.isImportDeclaration(n)) {
          const nb = n.importClause?.namedBindings;
          if (nb && ts.isNamedImports(nb)) for (const e of nb.elements) {
            const name = (e.propertyName ?? e.name).text;
            if (covers.has(name)) out.push({ kind: 'library-answer', line: line(e), what: `imports the library's ${name}` });
          }
        }
      }
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      const e = n.moduleReference.expression;
      if (ts.isStringLiteralLike(e) && DENIED_MODULES.has(e.text)) out.push({ kind: 'runtime-tampering', line: line(n), what: `imports '${e.text}'` });
    } else if (ts.isIdentifier(n) && n.text === '__tslab__' && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      out.push({ kind: 'runtime-tampering', line: line(n), what: 'uses __tslab__ (the kernel itself)' });
    } else if (ts.isPropertyAccessExpression(n) && covers.has(n.name.text) && n.expression.kind !== ts.SyntaxKind.ThisKeyword) {
      out.push({ kind: 'library-answer', line: line(n), what: `uses the library's ${n.name.text} (…${n.getText(sf).slice(-60)})` });
    } else if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression) && covers.has(n.argumentExpression.text)) {
      out.push({ kind: 'library-answer', line: line(n), what: `uses the library's ${n.argumentExpression.text}` });
    } else if (ts.isBindingElement(n) && ts.isObjectBindingPattern(n.parent)) {
      const name = n.propertyName && (ts.isIdentifier(n.propertyName) || ts.isStringLiteralLike(n.propertyName)) ? n.propertyName.text : ts.isIdentifier(n.name) ? n.name.text : '';
      if (covers.has(name)) out.push({ kind: 'library-answer', line: line(n), what: `takes the library's ${name} out of an object` });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The library exports an instructor notebook says its answers cover (`metadata.reprlab.covers`). */
export function coversOf(metadata: Record<string, unknown>): Set<string> {
  const r = metadata?.reprlab as { covers?: unknown } | undefined;
  return new Set(r && Array.isArray(r.covers) ? r.covers.filter((x): x is string => typeof x === 'string') : []);
}
