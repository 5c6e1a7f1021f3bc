// docs/deck-coverage.md stays true to the notebooks: every notebook heading (`NN §«words»`), closing claim
// (`NN ✓«words»`) and lib file it cites exists in today's sources, every status is one of the legend's, no row is
// WRONG, every ASSERTED row cites what asserts it, and the counts table agrees with the rows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = join(ROOT, 'docs', 'deck-coverage.md');
const SRC = join(ROOT, 'notebooks', 'src');
export const STATUSES = ['ASSERTED-laptop', 'ASSERTED-full', 'ASSERTED-HW', 'WEAK', 'PRINTED', 'LIB-ONLY', 'MISSING', 'WRONG'] as const;

export interface CoverageRow { id: string; deck: string; item: string; where: string; status: string; note: string; line: number }

/** Table cells of a Markdown row, `\|` kept as a literal bar. */
function cells(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** The item rows of the coverage table (`| 000-01 | item | where | status | note |`). */
export function coverageRows(text: string): CoverageRow[] {
  const rows: CoverageRow[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\|\s*(\d{3})-(\d{2})\s*\|/.exec(line);
    if (!m) return;
    const c = cells(line);
    if (c.length !== 5) throw new Error(`docs/deck-coverage.md line ${i + 1}: ${c.length} cells, expected 5 (# | item | where | status | note)`);
    rows.push({ id: c[0]!, deck: m[1]!, item: c[1]!, where: c[2]!, status: c[3]!, note: c[4]!, line: i + 1 });
  });
  return rows;
}

/** Notebook citations of a cell: `NN §«heading words»` and `NN ✓«claim words»`. */
export function citations(where: string): { notebook: string; kind: '§' | '✓'; words: string }[] {
  return [...where.matchAll(/\b(\d\d)\s*(§|✓)«([^»]+)»/g)].map((m) => ({ notebook: m[1]!, kind: m[2] as '§' | '✓', words: m[3]! }));
}

const STRING = '([\'"`])((?:\\\\.|(?!\\1)[\\s\\S])*)\\1'; // a quoted string: its quote, its body
const unquote = (body: string) => norm(body.replace(/\\(.)/g, '$1'));

/** The first argument of every checkClaim call in a notebook source (quotes removed, whitespace collapsed); a
 * name held in a constant (`const shrinkName = `…`; checkClaim(shrinkName, …)`) is read from its declaration. */
export function claimNames(source: string): string[] {
  const literal = [...source.matchAll(new RegExp(String.raw`checkClaim\(\s*` + STRING, 'g'))].map((m) => unquote(m[2]!));
  const named = [...source.matchAll(/checkClaim\(\s*([A-Za-z_$][\w$]*)\s*,/g)].flatMap((m) =>
    [...source.matchAll(new RegExp(String.raw`\b(?:const|let)\s+${m[1]}\s*=\s*` + STRING, 'g'))].map((d) => unquote(d[2]!)));
  return [...literal, ...named];
}

/** Headings (## and ###) of a notebook source, outside code blocks. */
export function headings(source: string): string[] {
  const out: string[] = [];
  let inCode = false;
  for (const line of source.split('\n')) {
    if (/^```/.test(line)) inCode = !inCode;
    else if (!inCode && /^#{2,3}\s/.test(line)) out.push(norm(line.replace(/^#+\s*/, '')));
  }
  return out;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

function notebookSource(nn: string): string | undefined {
  const file = readdirSync(SRC).find((f) => f.startsWith(`${nn}-`) && f.endsWith('.md'));
  return file && readFileSync(join(SRC, file), 'utf8');
}

describe('docs/deck-coverage.md', () => {
  const text = readFileSync(DOC, 'utf8');
  const rows = coverageRows(text);

  it('has the five decks, every item once', () => {
    expect(new Set(rows.map((r) => r.deck))).toEqual(new Set(['000', '001', '002', '003', '004']));
    const ids = rows.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(rows.length).toBeGreaterThan(150);
  });

  it('gives every row a status of the legend, and no row is WRONG', () => {
    const bad = rows.filter((r) => !(STATUSES as readonly string[]).includes(r.status)).map((r) => `${r.id}: '${r.status}'`);
    expect(bad, 'statuses outside the legend').toEqual([]);
    expect(rows.filter((r) => r.status === 'WRONG').map((r) => r.id), 'WRONG rows: fix the notebook text, then the row').toEqual([]);
  });

  it('cites only notebooks, headings and closing claims that exist in notebooks/src', () => {
    const missing: string[] = [];
    for (const r of rows) {
      for (const c of citations(r.where)) {
        const src = notebookSource(c.notebook);
        if (!src) {
          missing.push(`${r.id}: notebook ${c.notebook} (no notebooks/src/${c.notebook}-*.md)`);
          continue;
        }
        const pool = c.kind === '§' ? headings(src) : claimNames(src);
        if (!pool.some((p) => p.includes(norm(c.words)))) missing.push(`${r.id}: ${c.notebook} ${c.kind}«${c.words}» (no ${c.kind === '§' ? 'heading' : 'checkClaim'} contains it)`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('cites only lib files that exist', () => {
    const missing = rows.flatMap((r) => [...r.where.matchAll(/`(lib\/[\w./-]+\.ts)`/g)].map((m) => m[1]!).filter((p) => !existsSync(join(ROOT, p))).map((p) => `${r.id}: ${p}`));
    expect(missing).toEqual([]);
  });

  it('has each ASSERTED or WEAK row cite what asserts it (a closing claim, or homework)', () => {
    const uncited = rows.filter((r) => {
      if (r.status === 'ASSERTED-HW') return !/\bHW[12]\b/.test(r.where);
      if (r.status.startsWith('ASSERTED') || r.status === 'WEAK') return !citations(r.where).some((c) => c.kind === '✓');
      return false;
    });
    expect(uncited.map((r) => `${r.id} (${r.status})`)).toEqual([]);
  });

  it('has a counts table that agrees with the rows', () => {
    const block = /<!-- counts -->([\s\S]*?)<!-- \/counts -->/.exec(text);
    expect(block, 'the <!-- counts --> … <!-- /counts --> block').not.toBeNull();
    const table = block![1]!.split('\n').filter((l) => l.startsWith('|') && !/^\|\s*(deck|---)/.test(l)).map(cells);
    const header = cells(block![1]!.split('\n').find((l) => /^\|\s*deck/.test(l))!);
    expect(header.slice(1, -1)).toEqual([...STATUSES]);
    const expected = [...['000', '001', '002', '003', '004'].map((d) => [d, rows.filter((r) => r.deck === d)] as const), ['**all**', rows] as const].map(([d, rs]) =>
      [d, ...STATUSES.map((s) => String(rs.filter((r) => r.status === s).length)), String(rs.length)].map((v) => (d === '**all**' && v !== d ? `**${v}**` : v)));
    expect(table).toEqual(expected);
  });
});

describe('the parsers of the coverage test', () => {
  it('reads claim names across quotes, escapes and template literals', () => {
    const src = "checkClaim('SwAV\\'s probe', a > b);\ncheckClaim(`${r.name}: no collapse (RankMe > 2)`, ok, {});\ncheckClaim(\n  \"x ≥ 0.5\", ok)\nconst shrink = `it shrinks from ${a}`;\ncheckClaim(shrink, ok)";
    expect(claimNames(src)).toEqual(["SwAV's probe", '${r.name}: no collapse (RankMe > 2)', 'x ≥ 0.5', 'it shrinks from ${a}']);
  });
  it('reads headings outside code blocks only', () => {
    expect(headings('## 1 · A\n```ts\n## not a heading\n```\n### B\n')).toEqual(['1 · A', 'B']);
  });
  it('reads citations and table cells with escaped bars', () => {
    expect(citations('01 §«The five» ; 02 ✓«k-means: no»')).toEqual([{ notebook: '01', kind: '§', words: 'The five' }, { notebook: '02', kind: '✓', words: 'k-means: no' }]);
    expect(coverageRows('| 000-08 | item | 01 §«x» | PRINTED | \\|corr\\| 0.9 |')[0]!.note).toBe('|corr| 0.9');
  });
});
