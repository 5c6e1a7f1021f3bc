#!/usr/bin/env bash
# Unpack a bundle made by `bash scripts/offline-bundle.sh pack` (copied into it as unpack.sh). Run from the
# checkout on the offline host: `bash <bundle>/unpack.sh`. No root needed, nothing outside the checkout and the
# bundle folder is written. Afterwards `source <bundle>/env.sh` puts the bundled node and Vulkan loader on the paths.
# REPRLAB_UNPACK_NO_CHECK=1 skips the closing backend check.
set -euo pipefail
b="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -f package.json ] && grep -q '"name": "reprlab"' package.json ||
  { echo "unpack: run me from the reprlab checkout (the folder with its package.json), not $(pwd)" >&2; exit 1; }
[ -f "$b/files.tar.xz" ] || { echo "unpack: $b/files.tar.xz missing: not a bundle from scripts/offline-bundle.sh" >&2; exit 1; }
tar xJf "$b/files.tar.xz"
path_add=""; ld_add=""
if [ -f "$b/node.xz" ]; then
  mkdir -p "$b/node/bin" && xz -dc "$b/node.xz" >"$b/node/bin/node" && chmod +x "$b/node/bin/node"
  path_add="$b/node/bin"
fi
for f in "$b"/debs/*.deb; do
  [ -e "$f" ] || continue
  mkdir -p "$b/sysroot" && dpkg-deb -x "$f" "$b/sysroot"
done
[ -d "$b/sysroot/usr/lib/x86_64-linux-gnu" ] && ld_add="$b/sysroot/usr/lib/x86_64-linux-gnu"
{
  echo "# written by unpack.sh: source me in each shell on this host"
  [ -n "$path_add" ] && echo "export PATH=\"$path_add:\$PATH\""
  [ -n "$ld_add" ] && echo "export LD_LIBRARY_PATH=\"$ld_add\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$icd" ] && { echo "export VK_DRIVER_FILES=\"$icd\"  # the NVIDIA Vulkan driver"; break; }
  done
} >"$b/env.sh"
echo "unpack: node_modules/ and dist/ unpacked here; source $b/env.sh in each shell"
if [ "${REPRLAB_UNPACK_NO_CHECK:-0}" != 1 ]; then
  # shellcheck disable=SC1091
  source "$b/env.sh"
  node --input-type=module -e "const { initBackend } = await import('./dist/index.js'); await initBackend();" ||
    echo "unpack: the backend check failed (see above)" >&2
fi
