/**
 * The layering of lib/ (docs/architecture.md, "Layers"): every folder of lib/ (and each top-level file, by its name
 * without `.ts`) has a rank; a file may import from its own folder and from folders of a lower rank only — never
 * from a folder of the same rank (siblings stay independent) or a higher one. `layeringViolations(root)` reads every
 * .ts file under `root` with TypeScript's own import scanner (static imports, re-exports, `import '…'`, `import()`;
 * comments are not imports) and lists each import that breaks the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Lowest first. A new folder of lib/ must be added here (the test fails on a folder it does not know). */
export const LAYERS: readonly (readonly string[])[] = [
  ['util', 'chained-ops'],
  ['tf', 'kernels'],
  ['backend', 'ops', 'linalg', 'data', 'augment'],
  ['models', 'notebook', 'losses'],
  ['viz'],
  ['train', 'eval'],
  ['classical'],
  ['transfer'],
  ['methods'],
  ['index'],
];

export interface Violation {
  /** The importing file, relative to the root. */
  file: string;
  /** The import as written. */
  specifier: string;
  /** Why it breaks the layering. */
  reason: string;
}

/** The rank of a folder (or top-level file name) of lib/, undefined when LAYERS does not list it. */
export function rankOf(unit: string): number | undefined {
  const r = LAYERS.findIndex((layer) => layer.includes(unit));
  return r < 0 ? undefined : r;
}

/** The unit of a path relative to the root: its first folder, or the file's name without `.ts`/`.js` at the top. */
function unitOf(rel: string): string {
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.(d\.ts|ts|js)$/, '');
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** The relative imports of one source text (package imports are not layering). */
export function relativeImports(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

/** Every import under `root` (a lib/ folder) that breaks the layering. */
export function layeringViolations(root: string): Violation[] {
  const out: Violation[] = [];
  for (const file of tsFiles(root)) {
    const rel = relative(root, file);
    const from = unitOf(rel);
    const fromRank = rankOf(from);
    if (fromRank === undefined) {
      out.push({ file: rel, specifier: '', reason: `'${from}' has no layer: add it to LAYERS in test/architecture/layering.ts and to docs/architecture.md` });
      continue;
    }
    for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
      const target = relative(root, resolve(dirname(file), specifier));
      if (target.startsWith('..')) {
        out.push({ file: rel, specifier, reason: 'imports from outside lib/' });
        continue;
      }
      const to = unitOf(target);
      if (to === from) continue;
      const toRank = rankOf(to);
      if (toRank === undefined) out.push({ file: rel, specifier, reason: `'${to}' has no layer` });
      else if (toRank >= fromRank)
        out.push({ file: rel, specifier, reason: `${from} (layer ${fromRank}) imports ${to} (layer ${toRank}${toRank === fromRank ? ', the same' : ', higher'})` });
    }
  }
  return out;
}
