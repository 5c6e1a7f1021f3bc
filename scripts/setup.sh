#!/usr/bin/env bash
# One command from a fresh clone to executed handouts:
#   1. Debian packages when missing (Jupyter runner, Fashion-MNIST, Mesa Vulkan from backports, Chromium)
#   2. npm ci            3. npm run build         4. which backend the notebooks get (and the optional
#   tfjs-node packages' fate)   5. register the tslab Jupyter kernel
#   6. the main job: npm run handouts (every notebook executed -> handouts/*.html + *.pdf) in auto mode: full on
#      a GPU backend, laptop on a CPU engine (all ten in about 17 min on a 2-core CPU; docs/results.md, "Laptop mode")
# Options: --no-run (stop after set-up), --mode auto|smoke|laptop|full (handouts mode, default auto; smoke = the
#          quick self-check, ~10 min on a 2-core CPU, whose figures are a smoke test, not the lecture's).
# REPRLAB_SKIP_SYSTEM=1 skips step 1 (no root, or packages installed another way).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
run=1; mode=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --no-run) run=0 ;;
    --mode) mode="$2"; shift ;;
    --mode=*) mode="${1#--mode=}" ;;
    *) echo "setup.sh: unknown option '$1' (use --no-run, --mode auto|smoke|laptop|full)" >&2; exit 2 ;;
  esac
  shift
done
step() { printf '\n== %s\n' "$*"; }
step "system packages"; bash scripts/setup-system.sh
step "npm ci"; npm ci --no-audit --no-fund
step "build"; npm run build
# stderr through a pipe: lib/backend drops Dawn's harmless limit notices there, even when this log goes to a file
step "backend"; node scripts/check-backend.mjs 2> >(cat >&2)
step "tslab kernel"; bash scripts/register-kernel.sh
if [ $run = 1 ]; then step "main job: handouts ($mode mode)"; npm run handouts -- --mode "$mode"; fi
