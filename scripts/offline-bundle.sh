#!/usr/bin/env bash
# An offline bundle: what a machine without network (an air-gapped GPU node) needs to run this checkout, made on a
# machine with network after `npm ci && npm run build`.
#
#   bash scripts/offline-bundle.sh pack [--out DIR] [--no-node] [--no-debs] [--level 0-9]
#       writes DIR (default offline-bundle/): node.xz (this node binary), files.tar.xz (node_modules, dist/ —
#       Linux x86-64 runtime files only), debs/ (the Vulkan loader libvulkan1, for hosts without it; needs apt),
#       unpack.sh and MANIFEST (sizes, node version, date). --level: xz compression (default 6; 0 is fast and
#       larger). 2026-12-01, 2 busy cores: 9 min, 56 MB (node 24 MB, files 32 MB).
#   copy the checkout and DIR to the host (e.g. rsync or a USB disk), then, from the checkout:
#   bash DIR/unpack.sh
#       unpacks node_modules/ and dist/ into the checkout, node into DIR/node/bin, the .debs into DIR/sysroot (not
#       into /: no root needed), writes DIR/env.sh (PATH, LD_LIBRARY_PATH, the NVIDIA Vulkan driver if present)
#       and prints the backend that initBackend picks. Then `source DIR/env.sh` in each shell.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
usage="usage: bash scripts/offline-bundle.sh pack [--out DIR] [--no-node] [--no-debs] [--level 0-9]"
[ "${1:-}" = pack ] || { echo "$usage" >&2; exit 2; }
shift
out=offline-bundle; node_too=1; debs=1; level=6
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --out=*) out="${1#--out=}" ;;
    --no-node) node_too=0 ;;
    --no-debs) debs=0 ;;
    --level) level="$2"; shift ;;
    --level=*) level="${1#--level=}" ;;
    *) echo "offline-bundle: unknown option '$1'; $usage" >&2; exit 2 ;;
  esac
  shift
done
case "$level" in [0-9]) ;; *) echo "offline-bundle: --level must be 0-9 (got '$level')" >&2; exit 2 ;; esac
[ -d node_modules ] || { echo "offline-bundle: no node_modules here: run 'npm ci' first" >&2; exit 1; }
[ -f dist/index.js ] || { echo "offline-bundle: no dist/index.js here: run 'npm run build' first" >&2; exit 1; }
command -v xz >/dev/null || { echo "offline-bundle: xz is missing (apt-get install xz-utils)" >&2; exit 1; }
tmp="$out.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp/debs"
trap 'rm -rf "$tmp"' EXIT
[ $node_too = 1 ] && xz -T0 -$level -c "$(command -v node)" >"$tmp/node.xz"
# runtime files only: no source maps, no other platforms' Dawn builds, no caches
tar cf - --exclude='*.map' --exclude='node_modules/.cache' \
  --exclude='node_modules/webgpu/dist/win32-*' --exclude='node_modules/webgpu/dist/darwin-*' \
  --exclude='node_modules/webgpu/dist/linux-arm64' \
  node_modules dist | xz -T0 -$level >"$tmp/files.tar.xz"
if [ $debs = 1 ]; then
  (cd "$tmp/debs" && apt-get download libvulkan1 >/dev/null 2>&1) ||
    echo "offline-bundle: could not download libvulkan1 (run 'apt-get update' first, or --no-debs); the bundle goes on without it" >&2
fi
cp scripts/offline-unpack.sh "$tmp/unpack.sh"
{
  echo "reprlab offline bundle, made $(date -u +%FT%TZ) on $(uname -m)"
  [ $node_too = 1 ] && echo "node $(node --version)"
  (cd "$tmp" && du -sh -- * | sort -h)
} >"$tmp/MANIFEST"
rm -rf "$out" && mv "$tmp" "$out"
trap - EXIT
cat "$out/MANIFEST"
echo "offline-bundle: wrote $out/; on the host, from the checkout: bash $out/unpack.sh"
