// Notebooks are written as Markdown with ```ts code blocks (notebooks/src/NN-topic.md) and generated as .ipynb:
//
//   node scripts/nb.mjs                       every notebooks/src/*.md -> notebooks/*.ipynb
//   node scripts/nb.mjs notebooks/src/00-setup.md [more.md]   just those
//   node scripts/nb.mjs --check               exit 1 if a notebook differs from its source (CI)
//   node scripts/nb.mjs --from notebooks/00-setup.ipynb      write the source back from a notebook edited in Jupyter
//
// Source format: ```ts (or ```typescript) fenced blocks are code cells; everything between them is one Markdown
// cell; a line `<!-- cell -->` starts a new Markdown cell. Other fences (```text, ```bash) stay in the Markdown.
// Options after the language: ```ts tags=slow,raises-exception sets the cell's metadata.tags.
// Output: nbformat 4.5 with the tslab kernelspec, no outputs, content-hash cell ids (stable across edits
// elsewhere), Jupyter's own JSON layout (indent 1, trailing newline).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SRC_DIR = join(ROOT, 'notebooks', 'src');
export const OUT_DIR = join(ROOT, 'notebooks');
const SPLIT = /^<!--\s*cell\s*-->\s*$/;
const CODE_LANGS = new Set(['ts', 'typescript']);

export const NOTEBOOK_METADATA = {
  kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
  language_info: { codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true }, file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript', version: '5.0.4' },
};

/** Parse the Markdown source into cells: [{ type: 'markdown'|'code', source, tags? }]. */
export function parseSource(text) {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const cells = [];
  let md = [];
  const flushMd = () => {
    const src = trimBlank(md).join('\n');
    if (src.trim()) cells.push({ type: 'markdown', source: src });
    md = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = /^(`{3,})\s*([A-Za-z]+)?\s*(.*)$/.exec(line);
    if (open) {
      const fence = open[1];
      const lang = (open[2] ?? '').toLowerCase();
      const close = new RegExp(`^\`{${fence.length},}\\s*$`);
      let j = i + 1;
      while (j < lines.length && !close.test(lines[j])) j++;
      if (j >= lines.length) throw new Error(`line ${i + 1}: the code block opened here is never closed (${fence})`);
      if (CODE_LANGS.has(lang)) {
        flushMd();
        const cell = { type: 'code', source: trimBlank(lines.slice(i + 1, j)).join('\n') };
        const tags = /(?:^|\s)tags=([\w,.-]+)/.exec(open[3] ?? '');
        if (tags) cell.tags = tags[1].split(',').filter(Boolean);
        cells.push(cell);
      } else md.push(...lines.slice(i, j + 1));
      i = j;
      continue;
    }
    if (SPLIT.test(line)) {
      flushMd();
      continue;
    }
    md.push(line);
  }
  flushMd();
  return cells;
}

function trimBlank(lines) {
  let a = 0;
  let b = lines.length;
  while (a < b && !lines[a].trim()) a++;
  while (b > a && !lines[b - 1].trim()) b--;
  return lines.slice(a, b);
}

/** Jupyter's multi-line string form: lines keeping their '\n', the last without. */
function toLines(src) {
  if (!src) return [];
  const parts = src.split('\n');
  return parts.map((l, k) => (k < parts.length - 1 ? l + '\n' : l)).filter((l, k) => l !== '' || k < parts.length - 1);
}

/** Build the notebook object (nbformat 4.5) from source text. */
export function sourceToNotebook(text) {
  const seen = new Map();
  const cells = parseSource(text).map((c) => {
    const h = createHash('sha1').update(`${c.type}\n${c.source}`).digest('hex').slice(0, 8);
    const n = seen.get(h) ?? 0;
    seen.set(h, n + 1);
    const id = n ? `${h}-${n}` : h;
    const metadata = c.tags ? { tags: c.tags } : {};
    return c.type === 'code'
      ? { cell_type: 'code', execution_count: null, id, metadata, outputs: [], source: toLines(c.source) }
      : { cell_type: 'markdown', id, metadata, source: toLines(c.source) };
  });
  return { cells, metadata: NOTEBOOK_METADATA, nbformat: 4, nbformat_minor: 5 };
}

/** The .ipynb text, laid out as Jupyter writes it. */
export function notebookJson(nb) {
  return JSON.stringify(nb, null, 1) + '\n';
}

/** Back from a notebook (e.g. edited in JupyterLab) to the Markdown source; outputs are dropped. */
export function notebookToSource(nb) {
  const out = [];
  let prevMd = false;
  for (const cell of nb.cells) {
    const src = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
    if (cell.cell_type === 'code') {
      const longest = Math.max(2, ...[...src.matchAll(/`+/g)].map((m) => m[0].length));
      const fence = '`'.repeat(longest + 1);
      const tags = cell.metadata?.tags?.length ? ` tags=${cell.metadata.tags.join(',')}` : '';
      out.push(`${fence}ts${tags}\n${src.replace(/\n+$/, '')}\n${fence}`);
      prevMd = false;
    } else {
      if (prevMd) out.push('<!-- cell -->');
      out.push(src.replace(/\n+$/, ''));
      prevMd = true;
    }
  }
  return out.join('\n\n') + '\n';
}

function writeAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function outPathFor(src) {
  return join(OUT_DIR, basename(src).replace(/\.md$/, '.ipynb'));
}

function main(argv) {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
    return 0;
  }
  const from = argv.indexOf('--from');
  if (from >= 0) {
    const nbPath = argv[from + 1];
    if (!nbPath) throw new Error('--from needs a notebook path');
    const src = join(SRC_DIR, basename(nbPath).replace(/\.ipynb$/, '.md'));
    writeAtomic(src, notebookToSource(JSON.parse(readFileSync(nbPath, 'utf8'))));
    console.log(`nb: ${relative(process.cwd(), nbPath)} -> ${relative(process.cwd(), src)}`);
    return 0;
  }
  const check = argv.includes('--check');
  const named = argv.filter((a) => !a.startsWith('--'));
  const sources = named.length ? named.map((p) => resolve(p)) : existsSync(SRC_DIR) ? readdirSync(SRC_DIR).filter((f) => f.endsWith('.md') && !f.startsWith('.') && f !== 'README.md').sort().map((f) => join(SRC_DIR, f)) : [];
  let stale = 0;
  for (const src of sources) {
    const out = outPathFor(src);
    const text = notebookJson(sourceToNotebook(readFileSync(src, 'utf8')));
    const current = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
    if (check) {
      if (current !== text) {
        stale++;
        console.error(`nb: ${relative(process.cwd(), out)} is out of date with ${relative(process.cwd(), src)}: run 'node scripts/nb.mjs ${relative(ROOT, src)}'`);
      }
    } else if (current !== text) {
      writeAtomic(out, text);
      console.log(`nb: ${relative(process.cwd(), src)} -> ${relative(process.cwd(), out)}`);
    }
  }
  if (check && !stale) console.log(`nb: ${sources.length} notebook(s) up to date`);
  return stale ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    console.error(`nb: ${err.message}`);
    process.exit(1);
  }
}
