#!/usr/bin/python3
"""Execute a notebook for grading (used by lib/notebook/assign/execute.ts; run with Debian's /usr/bin/python3).

Unlike a normal run it goes on after a failing cell (every test cell gets its chance), records each code cell's
status from the kernel's execute_reply, enforces a per-cell and a per-notebook time limit, survives a dying kernel,
and rewrites the executed notebook and a JSON report after every cell (atomically), so whatever ran is kept even
if this process is killed.

    execute-graded.py IN.ipynb OUT.ipynb REPORT.json [--kernel tslab] [--timeout S] [--cell-timeout S] [--cwd DIR]

Report: {"status": "ok"|"timeout"|"crashed"|"error", "message": str, "kernel_pid": int|null,
         "cells": {"<index>": {"status": "ok"|"error"|"timeout"|"not-run", "seconds": float, "error": str}}}
"""
import argparse
import asyncio
import json
import os
import signal
import sys
import threading
import time

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import DeadKernelError, CellTimeoutError  # noqa: E402

sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
from nbexec import atomic_write, kernel_pid  # noqa: E402

MAX_STREAM_CHARS = 200_000    # per cell: a student printing in a loop must not blow up the graded notebook
MAX_RICH_CHARS = 30_000_000   # per cell: figures (the first one carries plotly.js inline, ~5 MB) and images
TSLAB_ABORT_GRACE = 0.3     # tslab drops requests that arrive < 200 ms after a failed cell (tslab issue #19)


def text_of(outputs):
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append("\n".join(o.get("traceback") or [f"{o.get('ename')}: {o.get('evalue')}"]))
    return "".join(parts)


def cap_outputs(cell):
    streams = rich = 0
    kept = []
    for o in cell.get("outputs", []):
        size = len(json.dumps(o))
        is_stream = o.get("output_type") in ("stream", "error")
        limit = MAX_STREAM_CHARS if is_stream else MAX_RICH_CHARS
        used = streams if is_stream else rich
        if used + size > limit:
            kept.append(nbformat.v4.new_output("stream", name="stderr", text=f"[grader: further output cut; over {limit} characters]\n"))
            break
        if is_stream:
            streams += size
        else:
            rich += size
        kept.append(o)
    cell["outputs"] = kept


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("report")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=float, default=600, help="seconds for the whole notebook")
    ap.add_argument("--cell-timeout", type=float, default=None, help="seconds per cell (default: --timeout)")
    ap.add_argument("--startup-timeout", type=float, default=60)
    ap.add_argument("--cwd", default=None)
    a = ap.parse_args()

    nb = nbformat.read(a.input, as_version=4)
    report = {"status": "running", "message": "", "kernel_pid": None, "cells": {}}

    def save():
        atomic_write(a.output, nbformat.writes(nb))
        atomic_write(a.report, json.dumps(report, indent=1))

    replies = {}

    async def on_executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply
        if execute_reply.get("content", {}).get("status") != "ok":
            await asyncio.sleep(TSLAB_ABORT_GRACE)

    client = NotebookClient(
        nb,
        kernel_name=a.kernel,
        allow_errors=True,
        interrupt_on_timeout=True,
        timeout=None,
        startup_timeout=int(a.startup_timeout),
        resources={"metadata": {"path": a.cwd or os.path.dirname(os.path.abspath(a.input))}},
        on_cell_executed=on_executed,
    )

    stopping = {"signal": None}

    def on_signal(signum, _frame):
        stopping["signal"] = signum
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)

    # if the grader that started us dies (killed, crashed), stop too: SIGTERM shuts the kernel down
    parent = os.getppid()

    def watch_parent():
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch_parent, daemon=True).start()

    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for i in code_cells:
        report["cells"][str(i)] = {"status": "not-run", "seconds": 0.0, "error": ""}
    cell_limit = a.cell_timeout or a.timeout
    try:
        with client.setup_kernel():
            report["kernel_pid"] = kernel_pid(client)
            save()
            deadline = time.monotonic() + a.timeout
            for pos, i in enumerate(code_cells):
                cell = nb.cells[i]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    report["status"] = "timeout"
                    report["message"] = f"the notebook's time limit ({a.timeout:g} s) ran out before cell {i}"
                    for j in code_cells[pos:]:
                        report["cells"][str(j)]["error"] = "not run: the notebook's time limit ran out"
                    break
                limit = min(cell_limit, remaining)
                client.timeout = max(1, int(limit + 0.999))
                t0 = time.monotonic()
                entry = report["cells"][str(i)]
                try:
                    client.execute_cell(cell, i)
                    reply = replies.get(i, {}).get("content", {})
                    elapsed = time.monotonic() - t0
                    entry["seconds"] = round(elapsed, 3)
                    if reply.get("status") == "ok":
                        entry["status"] = "ok"
                    else:
                        timed_out = elapsed >= limit - 0.5
                        entry["status"] = "timeout" if timed_out else "error"
                        err = text_of(cell.get("outputs", []))
                        if timed_out:
                            err = f"cell timed out after {limit:.0f} s and was interrupted\n" + err
                        elif reply.get("status") == "abort":
                            err = "the kernel aborted this cell\n" + err
                        entry["error"] = err[-4000:] or f"{reply.get('ename', 'Error')}: {reply.get('evalue', '')}"
                        if timed_out and limit < cell_limit:
                            report["status"] = "timeout"
                            report["message"] = f"the notebook's time limit ({a.timeout:g} s) ran out in cell {i}"
                except CellTimeoutError as e:
                    entry["status"] = "timeout"
                    entry["seconds"] = round(time.monotonic() - t0, 3)
                    entry["error"] = f"cell timed out after {limit:.0f} s: {e}"[-4000:]
                except DeadKernelError as e:
                    entry["status"] = "error"
                    entry["seconds"] = round(time.monotonic() - t0, 3)
                    entry["error"] = ("the kernel died while running this cell (process.exit, out of memory, or a crash)\n" + text_of(cell.get("outputs", [])))[-4000:]
                    report["status"] = "crashed"
                    report["message"] = f"the kernel died in cell {i}: {e}"
                    for j in code_cells[pos + 1:]:
                        report["cells"][str(j)]["error"] = f"not run: the kernel died in cell {i}"
                    cap_outputs(cell)
                    save()
                    break
                cap_outputs(cell)
                save()
                if report["status"] == "timeout":
                    for j in code_cells[pos + 1:]:
                        report["cells"][str(j)]["error"] = "not run: the notebook's time limit ran out"
                    break
            if report["status"] == "running":
                report["status"] = "ok"
    except KeyboardInterrupt:
        report["status"] = "timeout" if stopping["signal"] else "error"
        report["message"] = "stopped by the grader (hard time limit)" if stopping["signal"] else "interrupted"
    except DeadKernelError as e:
        report["status"] = "crashed"
        report["message"] = f"the kernel died: {e}"
    except Exception as e:  # kernel failed to start, missing kernelspec, ...
        report["status"] = "error"
        report["message"] = f"{type(e).__name__}: {e}"
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
