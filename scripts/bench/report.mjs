// Printing the benchmark's results: one line per measurement as it comes, and a closing markdown table that can be
// pasted into docs/performance.md.

const fmt = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? '-' : Number(x).toFixed(d));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

/** TFLOP/s with 3 significant digits (lavapipe is in the 1e-4 range, an H100 in the tens). */
const tflops = (x) => (x ? Number(x.toPrecision(3)).toString() : '0');

export const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);

export function rowLine(r) {
  const parts = [
    pad(r.workload, 44),
    pad(r.kernels && r.kernels !== '-' ? r.kernels : r.backend, 7),
    lpad(`${fmt(r.ms, r.ms < 10 ? 2 : 1)} ms`, 11),
    lpad(`[${fmt(r.p10, 1)}..${fmt(r.p90, 1)}]`, 18),
    lpad(r.imgPerS ? `${fmt(r.imgPerS, 0)} img/s` : '', 13),
    lpad(r.tflops !== undefined ? `${tflops(r.tflops)} TFLOP/s` : '', 16),
    lpad(r.dispatches != null ? `${r.dispatches} disp` : '', 10),
    lpad(r.ratio !== undefined ? `${r.kernels}/stock ${fmt(r.ratio, 3)} (${fmt(1 / r.ratio, 1)}x)` : '', 28),
    r.vsTorch !== undefined ? `reprlab/PyTorch ${fmt(r.vsTorch, 2)}` : r.torchNote ? `(PyTorch: ${r.torchNote})` : '',
  ];
  return parts.join(' ').trimEnd();
}

/**
 * The closing table. The engine columns (reprlab/PyTorch time, speed-up over the cpu backend) appear when the run
 * had PyTorch or a second backend (scripts/bench/compare.mjs); the GPU columns (dispatches, ours vs stock) when a
 * row has them.
 */
export function markdownTable(results) {
  const any = (f) => results.some(f);
  const cols = [
    ['backend', (r) => r.backend],
    ['workload', (r) => r.workload],
    ...(any((r) => r.kernels && r.kernels !== '-') ? [['kernels', (r) => r.kernels]] : []),
    ['ms/step (median)', (r) => fmt(r.ms, r.ms < 10 ? 2 : 1), true],
    ['p10–p90 ms', (r) => `${fmt(r.p10)}–${fmt(r.p90)}`, true],
    ['img/s', (r) => (r.imgPerS ? fmt(r.imgPerS, 0) : ''), true],
    ['TFLOP/s', (r) => (r.tflops !== undefined ? tflops(r.tflops) : ''), true],
    ...(any((r) => r.dispatches != null) ? [['GPU dispatches', (r) => r.dispatches ?? '', true]] : []),
    ...(any((r) => r.ratio !== undefined) ? [['time vs stock (speed-up)', (r) => (r.ratio !== undefined ? `${fmt(r.ratio, 3)} (${fmt(1 / r.ratio, 1)}×)` : ''), true]] : []),
    ...(any((r) => r.backend === 'pytorch' || r.torchNote) ? [['reprlab/PyTorch', (r) => (r.vsTorch !== undefined ? fmt(r.vsTorch, 2) : ''), true]] : []),
    ...(any((r) => r.vsCpu !== undefined) ? [['speed-up vs cpu', (r) => (r.vsCpu !== undefined ? `${fmt(r.vsCpu, 1)}×${r.vsCpuHow === 'same workload' ? '' : ` (${r.vsCpuHow})`}` : ''), true]] : []),
  ];
  const lines = [`| ${cols.map((c) => c[0]).join(' | ')} |`, `|${cols.map((c) => (c[2] ? '---:' : '---')).join('|')}|`];
  for (const r of results) {
    if (r.skipped) {
      lines.push(`| ${r.backend} | (skipped: ${r.skipped}) |${' |'.repeat(cols.length - 2)}`);
      continue;
    }
    lines.push(`| ${cols.map((c) => c[1](r)).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function profileReport(p) {
  const lines = [];
  lines.push(`  ${p.kernelCalls} kernel calls, ${fmt(p.totalKernelMs, 1)} ms summed kernel time`);
  if (!p.totalKernelMs) lines.push('  (no kernel times: this adapter gives tfjs no timestamp queries; the counts and shapes still hold)');
  lines.push(`  ${pad('kernel', 26)} ${lpad('calls', 6)} ${lpad('ms', 10)} ${lpad('share', 7)} ${lpad('GFLOP', 8)}`);
  for (const k of p.byName) {
    lines.push(`  ${pad(k.name, 26)} ${lpad(k.count, 6)} ${lpad(fmt(k.ms, 2), 10)} ${lpad(fmt((100 * k.ms) / (p.totalKernelMs || 1), 1) + '%', 7)} ${lpad(k.flops ? fmt(k.flops / 1e9, 3) : '', 8)}`);
  }
  if (p.others.length) {
    const ms = p.others.reduce((s, k) => s + k.ms, 0);
    const n = p.others.reduce((s, k) => s + k.count, 0);
    lines.push(`  ${pad(`(${p.others.length} other kernels)`, 26)} ${lpad(n, 6)} ${lpad(fmt(ms, 2), 10)} ${lpad(fmt((100 * ms) / (p.totalKernelMs || 1), 1) + '%', 7)}`);
  }
  lines.push('  heaviest single calls:');
  for (const h of p.heaviest) lines.push(`    ${pad(h.name, 24)} ${lpad(fmt(h.ms, 2), 9)} ms  in ${JSON.stringify(h.inputShapes)} -> ${JSON.stringify(h.outputShape)}`);
  return lines.join('\n');
}
