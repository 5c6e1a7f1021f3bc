#!/usr/bin/env bash
# The whole GPU measurement in one command (docs/performance.md, "GPU host"). Run from the project root on the GPU
# host, after `bash offline-bundle/unpack.sh && source offline-bundle/env.sh` (or `npm ci && npm run build` where the network is reachable):
#   bash scripts/bench/gpu-host.sh [OUTDIR]
# Writes OUTDIR/{suite,profile,soak}.{log,json} (default /tmp/reprlab-bench-DATE): the full-size suite with stock vs
# our kernels on webgpu (plus the tensorflow backend when tfjs-node-gpu loads), the per-kernel profile of the
# reference SimCLR step, and 1,000 steps of it for memory. About 5-10 minutes on an H100.
set -uo pipefail
out="${1:-/tmp/reprlab-bench-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
bench() { node scripts/bench.mjs "$@" 2>&1 | grep -v '^Warning: max' ; }
echo "== suite (webgpu: stock vs ours)";   bench --backend webgpu --json "$out/suite.json" | tee "$out/suite.log"
echo "== suite (tensorflow, if it loads)"; bench --backend tensorflow --json "$out/suite-tensorflow.json" | tee "$out/suite-tensorflow.log"
echo "== profile";                         bench --backend webgpu --profile --only 'simclr step B=256' --json "$out/profile.json" | tee "$out/profile.log"
echo "== soak";                            bench --backend webgpu --soak 1000 --only 'simclr step B=256' --json "$out/soak.json" | tee "$out/soak.log"
echo "results in $out"
