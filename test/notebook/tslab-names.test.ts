// tslab 1.x cannot compile a top-level name that starts with '__' ("Cannot find name '___x'"); the course's kernel
// loads tslab's converter with the fix (lib/notebook/tslab-names.ts). Checked on the converter itself, no kernel.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixTslabLeadingUnderscores } from '../../lib/notebook/tslab-names.js';

const require = createRequire(import.meta.url);
const tslabDir = dirname(require.resolve('tslab/package.json'));

describe("tslab: top-level names starting with '__'", () => {
  it('compile and are seen by the next cell once the converter is fixed', () => {
    const path = fixTslabLeadingUnderscores(tslabDir);
    const { createConverter } = require(path) as { createConverter: () => { convert(prev: string, src: string): { diagnostics: Array<{ messageText: string }>; declOutput?: string; output?: string }; close(): void } };
    const c = createConverter();
    try {
      let decl = '';
      const run = (src: string) => {
        const out = c.convert(decl, src);
        expect(out.diagnostics.map((d) => d.messageText), src).toEqual([]);
        decl = out.declOutput ?? '';
        return out;
      };
      run('const __x = 1;\nfunction __f(): number { return 2; }\nconst ___y = 3;');
      const next = run('const z: number = __x + __f() + ___y;');
      expect(next.output).toMatch(/exports\.__x \+ \(0, exports\.__f\)\(\) \+ exports\.___y|__x.*__f.*___y/);
      run('let __x = "redeclared";'); // a later cell redeclares it (tslab keeps the name as `any` meanwhile)
      run('const w: string = __x;');
    } finally {
      c.close();
    }
  });
});
