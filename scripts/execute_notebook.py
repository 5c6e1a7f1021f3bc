#!/usr/bin/python3
"""Execute one notebook headless through a Jupyter kernel (tslab by default), stopping at the first failing cell.

Run with Debian's /usr/bin/python3 (it has jupyter + nbclient); scripts/notebooks.mjs calls it.

    execute_notebook.py IN.ipynb OUT.ipynb [--kernel tslab] [--timeout S] [--startup-timeout S] [--cwd DIR]

--timeout is per cell. The kernel inherits this process's environment (REPRLAB_MODE, REPRLAB_BACKEND, ...) and
runs in --cwd (default: the notebook's folder). The executed notebook (up to and including a failing cell) is
written to OUT atomically, with each cell's stream output merged and carriage-return progress lines collapsed
to their final state. stdout carries JSON lines:
    {"event": "kernel", "pid": 1234}
    {"event": "cell", "index": 3, "seconds": 1.2}
    {"event": "result", "status": "ok"|"error", "notebook": IN, "seconds": 12.3,
     "cell": 3, "source": "first line of the cell", "error": "what went wrong (type errors included)"}
Exit status: 0 ok, 1 a cell failed (or timed out, or the kernel died), 2 the helper itself failed.
"""
import argparse
import json
import os
import re
import signal
import sys
import time

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # noqa: E402

sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
from nbexec import atomic_write, kernel_pid  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# stack frames of the kernel's own machinery say nothing about the notebook
NOISE = re.compile(r"^\s+at .*(node:vm|node:internal|[\\/]tslab[\\/]dist[\\/]|sigintHandlersWrap)")
ERROR_CHARS = 6000


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def collapse_cr(text):
    """What a terminal shows: on each line, only the text after its last carriage return."""
    lines = text.split("\n")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in lines)


def coalesce_streams(cell):
    outs = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and outs and outs[-1].get("output_type") == "stream" and outs[-1].get("name") == o.get("name"):
            outs[-1]["text"] += o.get("text", "")
        else:
            outs.append(o)
    kept = []
    for o in outs:
        if o.get("output_type") == "stream":
            text = collapse_cr(o["text"])
            if not text.strip():
                continue  # e.g. the empty line tslab prints for a figure that ends a cell
            o["text"] = text.rstrip("\n") + "\n" if text.endswith("\n") else text
        kept.append(o)
    cell["outputs"] = kept


def error_text(cell, exc):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and o.get("name") == "stderr":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            tb = o.get("traceback") or []
            parts.append("\n".join(tb) if tb else f"{o.get('ename', 'Error')}: {o.get('evalue', '')}")
    text = ANSI.sub("", "".join(parts))
    text = "\n".join(line for line in text.split("\n") if not NOISE.search(line)).strip()
    if not text and exc is not None:
        text = ANSI.sub("", str(exc)).strip()
    if len(text) > ERROR_CHARS:
        text = "...\n" + text[-ERROR_CHARS:]
    return text or "the cell failed without an error message"


def first_line(cell):
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(src)
    for line in src.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per cell")
    ap.add_argument("--startup-timeout", type=float, default=60)
    ap.add_argument("--cwd", default=None)
    a = ap.parse_args()

    t0 = time.monotonic()
    nb = nbformat.read(a.input, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=a.kernel,
        timeout=max(1, int(a.timeout + 0.999)),
        startup_timeout=int(a.startup_timeout),
        interrupt_on_timeout=False,
        allow_errors=False,
        resources={"metadata": {"path": a.cwd or os.path.dirname(os.path.abspath(a.input))}},
    )

    def on_term(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    result = {"event": "result", "status": "ok", "notebook": a.input}
    failed = None
    try:
        with client.setup_kernel():
            emit(event="kernel", pid=kernel_pid(client))
            for i, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                failed = i
                t = time.monotonic()
                try:
                    client.execute_cell(cell, i)
                except CellTimeoutError as e:
                    raise CellTimeout(a.timeout) from e
                emit(event="cell", index=i, seconds=round(time.monotonic() - t, 3))
                failed = None
    except CellExecutionError as e:
        result.update(status="error", error=error_text(nb.cells[failed], e))
    except CellTimeout as e:
        result.update(status="error", error=f"the cell did not finish within {e.seconds:g} s (--timeout)\n" + error_text(nb.cells[failed], None))
    except DeadKernelError as e:
        result.update(status="error", error=f"the kernel died (process.exit, out of memory, or a crash): {e}\n" + (error_text(nb.cells[failed], None) if failed is not None else ""))
    except KeyboardInterrupt as e:
        result.update(status="error", error=f"stopped ({e})")
    except Exception as e:  # kernel failed to start, missing kernelspec, unreadable notebook, ...
        result.update(status="error", error=f"{type(e).__name__}: {e}")
        if failed is None:
            result["cell"] = None
    if result["status"] == "error" and failed is not None:
        result.update(cell=failed, source=first_line(nb.cells[failed]))
    for cell in nb.cells:
        if cell.cell_type == "code":
            coalesce_streams(cell)
    try:
        atomic_write(a.output, nbformat.writes(nb))
    except Exception as e:
        result.setdefault("error", "")
        result["write_error"] = f"could not write {a.output}: {e}"
    result["seconds"] = round(time.monotonic() - t0, 3)
    emit(**result)
    return 0 if result["status"] == "ok" else 1


class CellTimeout(Exception):
    def __init__(self, seconds):
        super().__init__(f"cell timeout {seconds}")
        self.seconds = seconds


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001
        emit(event="result", status="error", notebook=sys.argv[1] if len(sys.argv) > 1 else "", cell=None, error=f"execute_notebook.py failed: {type(e).__name__}: {e}")
        sys.exit(2)
