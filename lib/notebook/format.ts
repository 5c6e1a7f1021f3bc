/** Text/HTML formatting shared by `show`, `checkClaim` and the progress bar: numbers, tensors, tables. */

/** A number in at most 4 significant digits: 2.303, 0.01234, 1.235e+6; integers stay whole up to 1e6. */
export function formatNumber(x: number, digits = 4): string {
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  const s = x.toPrecision(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Escape text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface FormatTensorOptions {
  /** Items kept at each end of a long axis when the tensor is summarised (default 3). */
  edgeItems?: number;
  /** Summarise (elide the middle of long axes) above this many elements (default 1000). */
  threshold?: number;
}

/** numpy-style text of a tensor's values: nested brackets, aligned columns, `...` in the middle of long axes. */
export function formatTensorValues(values: ArrayLike<number | string | boolean>, shape: readonly number[], o: FormatTensorOptions = {}): string {
  const { edgeItems = 3, threshold = 1000 } = o;
  const fmt = (v: number | string | boolean) => (typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? JSON.stringify(v) : String(v));
  if (shape.length === 0) return fmt(values[0]!);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 0) return `[] (empty, shape [${shape.join(', ')}])`;
  const summarise = size > threshold;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const shown = (n: number): (number | null)[] =>
    summarise && n > 2 * edgeItems
      ? [...Array.from({ length: edgeItems }, (_, i) => i), null, ...Array.from({ length: edgeItems }, (_, i) => n - edgeItems + i)]
      : Array.from({ length: n }, (_, i) => i);
  // first pass: the width of the widest shown element, so columns line up
  let width = 0;
  const visit = (offset: number, dim: number, f: (offset: number) => void): void => {
    if (dim === shape.length) return f(offset);
    for (const i of shown(shape[dim]!)) if (i !== null) visit(offset + i * strides[dim]!, dim + 1, f);
  };
  visit(0, 0, (off) => (width = Math.max(width, fmt(values[off]!).length)));
  const build = (offset: number, dim: number): string => {
    if (dim === shape.length) return fmt(values[offset]!).padStart(width);
    const items = shown(shape[dim]!).map((i) => (i === null ? '...' : build(offset + i * strides[dim]!, dim + 1)));
    if (dim === shape.length - 1) return `[${items.join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(dim + 1);
    return `[${items.join(sep)}]`;
  };
  return build(0, 0);
}

export type TableRow = Record<string, unknown>;

function cellText(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cellText).join(', ');
  return String(v);
}

/** Column names in order of first appearance across the rows. */
export function tableColumns(rows: readonly TableRow[]): string[] {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

/** Aligned plain-text table (numbers right-aligned) of an array of row objects. */
export function formatTableText(rows: readonly TableRow[], columns = tableColumns(rows)): string {
  const body = rows.map((r) => columns.map((c) => cellText(r[c])));
  const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number'));
  const widths = columns.map((c, j) => Math.max(c.length, ...body.map((b) => b[j]!.length)));
  const line = (cells: string[]) => cells.map((s, j) => (numeric[j] ? s.padStart(widths[j]!) : s.padEnd(widths[j]!))).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** HTML table of an array of row objects (numbers right-aligned, tabular digits). */
export function formatTableHtml(rows: readonly TableRow[], columns = tableColumns(rows)): string {
  const numeric = columns.map((c) => rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number'));
  const align = (j: number) => (numeric[j] ? ' style="text-align:right"' : ' style="text-align:left"');
  const head = columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c, j) => `<td${align(j)}>${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`).join('\n');
  return `<table class="reprlab-table" style="font-variant-numeric:tabular-nums"><thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}
