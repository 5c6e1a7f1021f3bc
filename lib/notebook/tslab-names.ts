/**
 * A fix for tslab 1.x: a top-level name that starts with `__` (`const __x = 1`) fails with "Cannot find name
 * '___x'". TypeScript keys a file's `locals` by *escaped* names (a leading `__` gets a third underscore), and tslab's
 * converter writes those keys as source text twice: the `export { ... }` it appends to every cell (so that the next
 * cell sees the cell's names) and the `let <name>: any;` declarations it keeps for names whose type it drops. Both
 * must be unescaped (`ts.unescapeLeadingUnderscores`). Loaded by the course's kernel (tslab-kernel.ts) before tslab:
 * the converter module is compiled from its own source with the two lines fixed and put into the require cache.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const FIXES: Array<[string, string]> = [
  ['"\\nexport {" + Array.from(keys).join(", ") + "}"', '"\\nexport {" + Array.from(keys, (k) => ts.unescapeLeadingUnderscores(k)).join(", ") + "}"'],
  ['anyVarsDecls.push(`let ${name}: any;\\n`);', 'anyVarsDecls.push(`let ${ts.unescapeLeadingUnderscores(name)}: any;\\n`);'],
];

/** Put the fixed converter into the require cache of the tslab in `tslabDir`; returns its path. Throws if tslab changed. */
export function fixTslabLeadingUnderscores(tslabDir: string): string {
  const path = join(tslabDir, 'dist', 'converter.js');
  const require = createRequire(path);
  if (require.cache[path]) return path; // already loaded (fixed or not): nothing to do safely
  let src = readFileSync(path, 'utf8');
  for (const [from, to] of FIXES) {
    if (!src.includes(from)) throw new Error(`reprlab kernel: tslab's converter (${path}) no longer has the code the '__name' fix replaces (${from}); check whether tslab fixed it and drop lib/notebook/tslab-names.ts`);
    src = src.replace(from, to);
  }
  const M = Module as unknown as { new (id: string, parent?: unknown): NodeModule & { _compile(code: string, file: string): void; paths: string[] }; _nodeModulePaths(dir: string): string[] };
  const m = new M(path);
  m.filename = path;
  m.paths = M._nodeModulePaths(dirname(path));
  m._compile(src, path);
  (m as unknown as { loaded: boolean }).loaded = true;
  require.cache[path] = m;
  return path;
}
