#!/usr/bin/env bash
# Register the tslab (TypeScript) kernel with the Debian Jupyter (/usr/bin/python3), pointing at this
# project's node_modules/.bin/tslab. Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
py=/usr/bin/python3; [ -x "$py" ] || py=python3
bin="$PWD/node_modules/.bin/tslab"
[ -x "$bin" ] || { echo "register-kernel: $bin missing; run 'npm ci' first" >&2; exit 1; }
user_flag=""; [ "$(id -u)" = 0 ] || user_flag="--user"
npx --no-install tslab install --python="$py" --binary="$bin" $user_flag >/dev/null
"$py" -m jupyter kernelspec list | grep -q '^ *tslab ' && echo "register-kernel: tslab kernel registered ($bin)"
