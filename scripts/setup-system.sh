#!/usr/bin/env bash
# Install the Debian packages reprlab needs (idempotent; skips what is already there).
#   - Jupyter runner: jupyter-nbconvert, python3-nbclient, jupyter-client, python3-ipykernel (+ jupyter-notebook
#     for the browser test)
#   - dataset-fashion-mnist (the full 70k set in /usr/share/datasets/fashion-mnist)
#   - Mesa's lavapipe Vulkan driver from bookworm-backports (a software WebGPU adapter for CPU-only machines)
#   - chromium (handout PDFs and browser tests), poppler-utils (PDF checks)
# Needs root (or sudo). Set REPRLAB_SKIP_SYSTEM=1 to skip entirely.
set -euo pipefail
[ "${REPRLAB_SKIP_SYSTEM:-0}" = 1 ] && { echo "setup-system: skipped (REPRLAB_SKIP_SYSTEM=1)"; exit 0; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
base_pkgs=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook
           dataset-fashion-mnist chromium poppler-utils xz-utils bubblewrap)
bp_pkgs=(mesa-vulkan-drivers libvulkan1)
missing=()
for p in "${base_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
mesa_ok=0
if v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null) && dpkg --compare-versions "$v" ge 25; then mesa_ok=1; fi
if [ ${#missing[@]} -eq 0 ] && [ $mesa_ok = 1 ]; then echo "setup-system: all Debian packages present"; exit 0; fi
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
if [ $mesa_ok = 0 ] && ! grep -rqs "${codename}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # same mirror as the main suite, backports suite added
  uri=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1 | tr -d ' ' || true)
  uri=${uri:-http://deb.debian.org/debian}
  printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" "$codename" | $SUDO tee /etc/apt/sources.list.d/reprlab-backports.sources >/dev/null
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
[ ${#missing[@]} -gt 0 ] && $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
[ $mesa_ok = 1 ] || $SUDO apt-get install -y -q --no-install-recommends -t "${codename}-backports" "${bp_pkgs[@]}"
echo "setup-system: done"
