/** CSV for gradebooks: RFC 4180 quoting, and cells that a spreadsheet would run as formulas are defused. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'number' ? (Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000)) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`; // CSV injection (a student-controlled text)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
