// Ratios between the engines of one bench run (issue #12): reprlab/PyTorch time on every row that PyTorch also ran,
// and the speed-up over the cpu backend when cpu ran beside it. Both come from medians measured in the same process,
// alternated (PyTorch) or workload by workload (cpu), never from figures of another run.

/**
 * Add `vsTorch` (reprlab ms / PyTorch ms, same workload) and `vsCpu` (cpu ms / this ms: how many times faster than
 * the cpu backend) to each reprlab row. When cpu did not run the same workload (its sizes stop at B = 32), `vsCpu`
 * compares per image with cpu's row of the same family (same step, same image size) at the nearest batch size, and
 * `vsCpuHow` says so. `rows`: { backend, workload, family?, items?, ms? }; PyTorch's rows have backend 'pytorch'.
 */
export function addRatios(rows) {
  const torch = new Map(rows.filter((r) => r.backend === 'pytorch' && r.ms).map((r) => [r.workload, r]));
  const cpu = rows.filter((r) => r.backend === 'cpu' && r.ms);
  for (const r of rows) {
    if (!r.ms || r.backend === 'pytorch') continue;
    const t = torch.get(r.workload);
    if (t) r.vsTorch = r.ms / t.ms;
    if (r.backend === 'cpu') continue;
    const same = cpu.find((c) => c.workload === r.workload);
    if (same) {
      r.vsCpu = same.ms / r.ms;
      r.vsCpuHow = 'same workload';
      continue;
    }
    if (!r.family || !r.items) continue;
    const kin = cpu.filter((c) => c.family === r.family && c.items).sort((a, b) => Math.abs(Math.log(a.items / r.items)) - Math.abs(Math.log(b.items / r.items)));
    if (kin.length) {
      const c = kin[0];
      r.vsCpu = c.ms / c.items / (r.ms / r.items);
      r.vsCpuHow = `per image, cpu at B=${c.items}`;
    }
  }
  return rows;
}

/** Issue #12's targets, read off the rows: SimCLR B = 256 on 28×28×1, ≥ 15× faster than cpu, ≤ 4× PyTorch's time. */
export function targetLines(rows, workload = 'simclr step B=256 28x28x1') {
  return rows
    .filter((r) => r.workload === workload && r.ms && r.backend !== 'cpu' && r.backend !== 'pytorch')
    .map((r) => {
      const cpu = r.vsCpu !== undefined ? `${r.vsCpu.toFixed(1)}× faster than cpu (${r.vsCpuHow}; target ≥ 15×: ${r.vsCpu >= 15 ? 'met' : 'not met'})` : 'cpu not run';
      const torch = r.vsTorch !== undefined ? `${r.vsTorch.toFixed(2)}× PyTorch's time (target ≤ 4×: ${r.vsTorch <= 4 ? 'met' : 'not met'})` : 'PyTorch not run';
      return `target: ${workload} on ${r.backend}: ${r.ms.toFixed(0)} ms, ${cpu}, ${torch}`;
    });
}
