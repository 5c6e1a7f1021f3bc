import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { notebookJson, notebookToSource, outPathFor, parseSource, sourceToNotebook } from '../../scripts/nb.mjs';
import { listNotebooks } from '../../scripts/notebooks.mjs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SRC_DIR } from '../../scripts/nb.mjs';

const SRC = `# Title

Some prose.

\`\`\`text
not code
\`\`\`

<!-- cell -->
## Second markdown cell

\`\`\`ts
const a = 1;

console.log(a);
\`\`\`

\`\`\`\`ts tags=slow,check
const s = \`\`\`;
\`\`\`\`
`;

describe('notebook sources (scripts/nb.mjs)', () => {
  it('splits Markdown and ```ts cells, keeps other fences in Markdown, reads tags', () => {
    expect(parseSource(SRC)).toEqual([
      { type: 'markdown', source: '# Title\n\nSome prose.\n\n```text\nnot code\n```' },
      { type: 'markdown', source: '## Second markdown cell' },
      { type: 'code', source: 'const a = 1;\n\nconsole.log(a);' },
      { type: 'code', source: 'const s = ```;', tags: ['slow', 'check'] },
    ]);
  });

  it('makes an nbformat 4.5 tslab notebook with stable ids, and converts back', () => {
    const nb = sourceToNotebook(SRC);
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformat_minor).toBe(5);
    expect(nb.metadata.kernelspec).toEqual({ display_name: 'TypeScript', language: 'typescript', name: 'tslab' });
    expect(nb.cells[2]).toEqual({ cell_type: 'code', execution_count: null, id: expect.stringMatching(/^[0-9a-f]{8}$/), metadata: {}, outputs: [], source: ['const a = 1;\n', '\n', 'console.log(a);'] });
    expect(new Set(nb.cells.map((c) => c.id)).size).toBe(4);
    expect(sourceToNotebook(SRC.replace('Some prose.', 'Other prose.')).cells[2]!.id).toBe(nb.cells[2]!.id);
    const back = notebookToSource(JSON.parse(notebookJson(nb)));
    expect(parseSource(back)).toEqual(parseSource(SRC));
  });

  it('every notebooks/src/*.md has an up-to-date notebook', () => {
    const sources = existsSync(SRC_DIR) ? readdirSync(SRC_DIR).filter((f) => f.endsWith('.md') && f !== 'README.md') : [];
    for (const f of sources) {
      const out = outPathFor(join(SRC_DIR, f));
      expect(existsSync(out), `${out} missing: run node scripts/nb.mjs`).toBe(true);
      expect(readFileSync(out, 'utf8') === notebookJson(sourceToNotebook(readFileSync(join(SRC_DIR, f), 'utf8'))), `${out} is out of date: run node scripts/nb.mjs`).toBe(true);
    }
    expect(listNotebooks().every((p) => !p.includes('homework'))).toBe(true);
  });
});
