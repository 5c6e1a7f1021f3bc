// The claim lines of an executed notebook, and the docs/results.md table of laptop-mode runs over seeds.
import { readFileSync } from 'node:fs';

/** The ✓/✗/· lines printed by an executed notebook's cells (checkClaim, and the '·' verdicts of shown figures). */
export function claimsOf(path) {
  const nb = JSON.parse(readFileSync(path, 'utf8'));
  const lines = [];
  for (const cell of nb.cells ?? []) for (const o of cell.outputs ?? []) {
    if (o.output_type === 'error') lines.push(`ERROR ${o.ename}: ${String(o.evalue).slice(0, 300)}`);
    if (o.output_type !== 'stream') continue;
    for (const l of [].concat(o.text).join('').split('\n')) if (/^(✓|✗|· )/.test(l.trim())) lines.push(l.trim());
  }
  return lines;
}

/** "✓ text (a 0.5, b 1.2e-3)" → { mark, text, figures: { a: 0.5, b: 0.0012 } } (figures: the trailing group). */
export function parseClaim(line) {
  const mark = line[0];
  let body = line.slice(1).trim(), figures = {};
  if (body.endsWith(')')) {
    let depth = 0, i = body.length - 1;
    for (; i >= 0; i--) {
      if (body[i] === ')') depth++;
      else if (body[i] === '(' && --depth === 0) break;
    }
    const inner = body.slice(i + 1, -1);
    const pairs = splitTopLevel(inner).map((p) => /^(.*\S)\s+(-?[\d.]+(?:e[-+]?\d+)?)(%?)$/.exec(p));
    if (i > 0 && pairs.length > 0 && pairs.every(Boolean)) {
      figures = Object.fromEntries(pairs.map((m) => [m[1], +m[2]]));
      body = body.slice(0, i).trim();
    }
  }
  return { mark, text: body, figures };
}

/** Split "a 1, f(x, y) 2" at the commas outside parentheses. */
function splitTopLevel(s) {
  const parts = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (depth === 0 && s.startsWith(', ', i)) {
      parts.push(s.slice(start, i));
      start = i + 2;
    }
  }
  return [...parts, s.slice(start)];
}

const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : Math.abs(v) >= 1e-3 ? v.toFixed(3) : v.toExponential(1));
/** "mean [min, max]" of a list (the value alone for one). */
export const spread = (xs) => (xs.length === 1 ? fmt(xs[0]) : `${fmt(xs.reduce((a, b) => a + b, 0) / xs.length)} [${fmt(Math.min(...xs))}, ${fmt(Math.max(...xs))}]`);

/** Markdown: a row per notebook (seeds, CPU, wall, RSS), then per notebook its claims with ✓ counts and figures. */
export function summarise(runs) {
  const byNb = new Map();
  for (const r of runs) byNb.set(r.notebook, [...(byNb.get(r.notebook) ?? []), r]);
  const names = [...byNb.keys()].sort();
  let md = '| notebook | seeds (ok) | CPU s: mean [min, max] | wall s | peak RSS MB | load (start → end) |\n|---|---|---:|---:|---:|---|\n';
  let total = 0;
  for (const n of names) {
    const rs = byNb.get(n).sort((a, b) => a.seed - b.seed);
    const cpu = rs.map((r) => r.cpuS ?? NaN);
    total += cpu.reduce((a, b) => a + b, 0) / cpu.length;
    md += `| ${n} | ${rs.map((r) => `${r.seed}${r.ok ? '' : ' ✗'}`).join(', ')} | ${spread(cpu)} | ${spread(rs.map((r) => r.wallS ?? NaN))} | ${Math.max(...rs.map((r) => r.maxRssMB ?? 0))} | ${rs.map((r) => r.load.join('→')).join('; ')} |\n`;
  }
  md += `| **all (mean CPU)** | | **${fmt(total)} s = ${(total / 60).toFixed(1)} min** | | | |\n`;
  for (const n of names) {
    const rs = byNb.get(n);
    md += `\n**${n}** (seeds ${rs.map((r) => r.seed).join(', ')})\n\n`;
    const claims = new Map();
    for (const r of rs) for (const line of r.claims) {
      const c = parseClaim(line);
      const e = claims.get(c.text) ?? { marks: [], figures: {} };
      e.marks.push(c.mark);
      for (const [k, v] of Object.entries(c.figures)) (e.figures[k] ??= []).push(v);
      claims.set(c.text, e);
    }
    for (const [text, e] of claims) {
      const marks = [...new Set(e.marks)].map((m) => `${m} ×${e.marks.filter((x) => x === m).length}`).join(' ');
      const figs = Object.entries(e.figures).map(([k, xs]) => `${k} ${spread(xs)}`).join('; ');
      md += `- ${marks} ${text}${figs ? ` — ${figs}` : ''}\n`;
    }
    for (const r of rs) if (!r.ok) md += `- seed ${r.seed} FAILED: ${String(r.error).split('\n').filter(Boolean).slice(-3).join(' / ')}\n`;
  }
  return md;
}
