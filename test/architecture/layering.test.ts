import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAYERS, layeringViolations, relativeImports } from './layering.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe('layering of lib/ (docs/architecture.md, "Layers")', () => {
  it('no file of lib/ imports from a folder of the same or a higher layer', () => {
    const found = layeringViolations(here('../../lib'));
    expect(found.map((v) => `${v.file}: '${v.specifier}': ${v.reason}`)).toEqual([]);
  });

  it('fails on a violation (fixture: util importing methods), not on the import of a lower layer or a comment', () => {
    const found = layeringViolations(here('fixtures/lib'));
    expect(found).toEqual([{ file: 'util/low.ts', specifier: '../methods/high.js', reason: 'util (layer 0) imports methods (layer 8, higher)' }]);
  });

  it('reads every import form and no comment', () => {
    const src = "// import a from './x.js';\nimport b from './b.js';\nexport * from '../c.js';\nimport './d.js';\nconst e = await import('./e.js');\nimport tf from 'pkg';\n/* import f from './f.js' */";
    expect(relativeImports(src)).toEqual(['./b.js', '../c.js', './d.js', './e.js']);
  });

  it('every layer is named once', () => {
    const names = LAYERS.flat();
    expect(new Set(names).size).toBe(names.length);
  });
});
