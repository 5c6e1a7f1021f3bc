#!/usr/bin/env bash
# Register the tslab (TypeScript) Jupyter kernel with a Python's Jupyter (default Debian's /usr/bin/python3),
# running this project's tslab through dist/notebook/tslab-kernel.js. Idempotent.
#
# Where it goes (Jupyter's own rule for `kernelspec install`):
#   as a user: per user,     ~/.local/share/jupyter/kernels/tslab
#   as root:   system-wide,  /usr/local/share/jupyter/kernels/tslab (every user of the machine sees it)
# We write the kernel spec ourselves instead of `tslab install`, which registers a second kernel, `jslab`
# (tslab's JavaScript mode), that the course does not use. A `jslab` left by an earlier `tslab install` that points at
# this checkout is removed; one pointing elsewhere is someone else's and is left alone.
#
# Options: --python PATH   the Python whose Jupyter gets the kernel (e.g. a venv or conda env with JupyterLab)
#          --user | --sys-prefix   force per-user, or into that Python's prefix (venv/conda: `--sys-prefix`)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
py=/usr/bin/python3; [ -x "$py" ] || py=python3
where=""
while [ $# -gt 0 ]; do
  case "$1" in
    --python) py="$2"; shift ;;
    --python=*) py="${1#--python=}" ;;
    --user) where="--user" ;;
    --sys-prefix) where="--sys-prefix" ;;
    *) echo "register-kernel: unknown option '$1' (use --python PATH, --user, --sys-prefix)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$where" ] || { [ "$(id -u)" = 0 ] || where="--user"; }
bin="$PWD/node_modules/.bin/tslab"
[ -x "$bin" ] || { echo "register-kernel: $bin missing; run 'npm ci' first" >&2; exit 1; }
# The kernel is tslab started through dist/notebook/tslab-kernel.js, which queues tslab's ZeroMQ sends (without it a
# busy output socket kills the kernel mid-notebook: lib/notebook/zmq-send-queue.ts).
launcher="$PWD/dist/notebook/tslab-kernel.js"
[ -f "$launcher" ] || { echo "register-kernel: $launcher missing; run 'npm run build' first" >&2; exit 1; }
node=$(command -v node) || { echo "register-kernel: node is not on PATH" >&2; exit 1; }
# Debian's Python 3.11 + debugpy: importing ipykernel prints a "Debugger warning: frozen modules" notice; these
# two switches silence it (they change nothing else).
export PYDEVD_DISABLE_FILE_VALIDATION=1
jupyter() { "$py" -X frozen_modules=off -m jupyter "$@"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
spec="$tmp/tslab"; mkdir -m 755 "$spec"
# the kernel.json `tslab install` writes, with node + our launcher in place of tslab's bin
printf '{"argv": ["%s", "%s", "kernel", "--config-path", "{connection_file}"], "display_name": "TypeScript", "language": "typescript"}\n' "$node" "$launcher" >"$spec/kernel.json"
jupyter kernelspec install --replace --name tslab $where "$spec" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
# a jslab kernel from an earlier `tslab install` of this checkout
json=$(jupyter kernelspec list --json)
jslab=$("$py" -c 'import json,sys; k=json.load(sys.stdin)["kernelspecs"].get("jslab"); print(k["resource_dir"] if k and k["spec"]["argv"][0]==sys.argv[1] else "")' "$bin" <<<"$json")
[ -n "$jslab" ] && jupyter kernelspec remove -f jslab >/dev/null 2>&1 && echo "register-kernel: removed the unused 'jslab' kernel ($jslab)"
dir=$("$py" -c 'import json,sys; k=json.load(sys.stdin)["kernelspecs"].get("tslab"); print(k["resource_dir"] if k else "")' <<<"$json")
[ -n "$dir" ] || { echo "register-kernel: the tslab kernel is not listed by $py -m jupyter kernelspec list" >&2; exit 1; }
scope="per user"; case "$dir" in "$HOME"/*) ;; *) scope="system-wide" ;; esac
[ "$where" = --sys-prefix ] && scope="in $("$py" -c 'import sys; print(sys.prefix)')"
echo "register-kernel: TypeScript kernel 'tslab' registered $scope in $dir (runs $launcher)"
