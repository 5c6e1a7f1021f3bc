#!/usr/bin/python3
"""The grading supervisor: runs one submission's kernel in a sandbox and records every result itself.

Started by grader/execute.ts (Debian's /usr/bin/python3 with jupyter_client), it reads a plan (JSON on stdin):
the cells to send, in order (hidden tests included, each sent only when its turn comes), the sandbox command
(bubblewrap, built by grader/sandbox.ts), the kernel command and the limits. It

- writes a connection file (ipc transport, a fresh HMAC key) into a socket folder, the only grader-made folder the
  sandbox sees besides its private work folder, and starts `bwrap ... -- prlimit ... -- node tslab kernel`;
- sends each cell over Jupyter's ipc sockets, collects the outputs whose parent is that request, and waits for its
  execute_reply; a test cell counts as run only when its reply is `ok` *and* it printed the end marker (a random
  token the supervisor appends to it); after the last cell an end-of-notebook marker must come back;
- interrupts a cell over its limit (SIGINT to the kernel through a pidfd taken at start-up, never a pid from a
  file); a kernel that does not answer the interrupt (a busy loop in a timer) is killed, like one past the
  notebook's limit; a kernel that dies is reported with the cell it died in;
- puts the sandbox into its own cgroup where the host allows (memory and process limits for the whole tree);
- kills the whole sandbox at the end (the kernel is bwrap's grandchild in its own pid namespace: killing bwrap ends
  every process in it, detached or not);
- writes the executed notebook to the plan's `output` (a folder the sandbox cannot see) and prints the report as
  the last line of its stdout (the kernel's own output goes to a separate pipe and is kept only as a tail).

Report: {"status": "ok"|"timeout"|"crashed"|"error", "message": str, "seconds": float, "sandbox": str,
         "cgroup": ""|"v1"|"v2", "kernelOutput": str, "cells": {"<index>": {"status": "ok"|"error"|"timeout"|"not-run", "seconds": float,
         "error": str}}}
"""
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402
from jupyter_client.blocking.client import BlockingKernelClient  # noqa: E402

from atomic_io import atomic_write  # noqa: E402  (grader/atomic_io.py: this script's folder is on sys.path)

MAX_STREAM_CHARS = 200_000    # per cell: a student printing in a loop must not blow up the graded notebook
MAX_RICH_CHARS = 30_000_000   # per cell: figures (the first one carries plotly.js inline, ~5 MB) and images
MAX_NOTEBOOK_CHARS = 64_000_000  # all cells together: output beyond it is dropped while it streams in
CHECK_PREFIX = "__reprlab_check__"           # grader/checks.ts: a check record's line
NONCE_PLACEHOLDER = "__REPRLAB_CHECK_NONCE__"  # replaced by a fresh nonce in each test cell's code
MAX_CHECK_CHARS = 8_000_000   # check records of one cell (JSON)
MAX_CHECKS = 2_000            # check records of one cell
TSLAB_ABORT_GRACE = 0.3       # tslab drops requests that arrive < 200 ms after a failed cell (tslab issue #19)
INTERRUPT_GRACE = 4.0         # seconds a kernel gets to answer after SIGINT before it counts as hung
WALL_FACTOR = 3.0             # where limits count CPU time: a cell (a notebook) also stops after this many times its limit in wall time
KERNEL_OUTPUT_TAIL = 20_000


class IpcKernelClient(BlockingKernelClient):
    """tslab binds `ipc://<ip>:<port>`; jupyter_client's default for ipc is `<ip>-<port>`."""

    def _make_url(self, channel):
        if self.transport == "ipc":
            return f"ipc://{self.ip}:{getattr(self, channel + '_port')}"
        return super()._make_url(channel)


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


class Cgroups:
    """A cgroup per sandbox where the host lets us make one (v2, or v1 memory + pids): a memory limit for the
    whole tree (rlimits are per process), a process limit, and a list of every process in it to kill at the end."""

    def __init__(self, memory_bytes, pids, cpus=None):
        self.dirs = []
        self.version = ""
        self.cpu = ""  # "cpu.max" (v2) or "cfs" (v1) when the CPU quota is set
        self.usage_file = None  # where the tree's CPU time is read: v2 cpu.stat (usage_usec), v1 cpuacct.usage (ns)
        name = f"reprlab-grade-{secrets.token_hex(6)}"
        try:
            with open("/proc/self/cgroup") as f:
                mine = dict((line.split(":", 2)[1], line.split(":", 2)[2].strip()) for line in f if line.count(":") >= 2)
            if os.path.exists("/sys/fs/cgroup/cgroup.controllers") and "" in mine:
                d = os.path.join("/sys/fs/cgroup" + mine[""].rstrip("/"), name)
                os.mkdir(d)
                self.dirs.append(d)
                self._write(d, "memory.max", memory_bytes)
                self._write(d, "pids.max", pids)
                self.version = "v2"
                if cpus:
                    try:
                        if not os.path.exists(os.path.join(d, "cpu.max")):
                            self._write(os.path.dirname(d), "cgroup.subtree_control", "+cpu")  # where the parent allows it
                    except OSError:
                        pass
                    try:
                        self._write(d, "cpu.max", f"{int(cpus * 100_000)} 100000")
                        self.cpu = "cpu.max"
                    except OSError:
                        pass
                if os.path.exists(os.path.join(d, "cpu.stat")):
                    self.usage_file = os.path.join(d, "cpu.stat")
            else:
                for ctrl, file, value in (("memory", "memory.limit_in_bytes", memory_bytes), ("pids", "pids.max", pids)):
                    base = "/sys/fs/cgroup/" + ctrl
                    if not os.path.isdir(base) or ctrl not in mine:
                        raise OSError(f"no {ctrl} cgroup")
                    d = os.path.join(base + mine[ctrl].rstrip("/"), name)
                    os.mkdir(d)
                    self.dirs.append(d)
                    self._write(d, file, value)
                self.version = "v1"
                # CPU: the quota (cpu controller) and the tree's CPU time (cpuacct), where the host has them
                bases = set()
                for ctrl in ("cpu,cpuacct", "cpu", "cpuacct"):
                    base = "/sys/fs/cgroup/" + ctrl
                    if not os.path.isdir(base) or ctrl not in mine or os.path.realpath(base) in bases:
                        continue
                    bases.add(os.path.realpath(base))
                    try:
                        d = os.path.join(base + mine[ctrl].rstrip("/"), name)
                        os.mkdir(d)
                        self.dirs.append(d)
                        if cpus and os.path.exists(os.path.join(d, "cpu.cfs_quota_us")) and not self.cpu:
                            self._write(d, "cpu.cfs_period_us", 100000)
                            self._write(d, "cpu.cfs_quota_us", int(cpus * 100000))
                            self.cpu = "cfs"
                        if os.path.exists(os.path.join(d, "cpuacct.usage")) and not self.usage_file:
                            self.usage_file = os.path.join(d, "cpuacct.usage")
                    except OSError:
                        pass
        except OSError:
            self.remove()
            self.dirs = []
            self.version = ""

    def cpu_seconds(self):
        """CPU time of the whole sandbox so far (seconds), or None where the host does not say."""
        if not self.usage_file:
            return None
        try:
            with open(self.usage_file) as f:
                text = f.read()
            if self.usage_file.endswith("cpu.stat"):
                for line in text.splitlines():
                    if line.startswith("usage_usec "):
                        return int(line.split()[1]) / 1e6
                return None
            return int(text.strip()) / 1e9
        except (OSError, ValueError):
            return None

    @staticmethod
    def _write(d, file, value):
        with open(os.path.join(d, file), "w") as f:
            f.write(str(value))

    def enter(self):
        """Called in the child before it becomes bwrap: everything it starts stays in the cgroups."""
        for d in self.dirs:
            self._write(d, "cgroup.procs", os.getpid())

    def kill(self):
        for d in self.dirs:
            try:
                if os.path.exists(os.path.join(d, "cgroup.kill")):
                    self._write(d, "cgroup.kill", 1)
                with open(os.path.join(d, "cgroup.procs")) as f:
                    for pid in f.read().split():
                        try:
                            os.kill(int(pid), signal.SIGKILL)
                        except OSError:
                            pass
            except OSError:
                pass

    def remove(self):
        for d in self.dirs:
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    self.kill()
                    time.sleep(0.1)


class Sandbox:
    """The kernel's process tree: started here, found through /proc of our own child, killed as a whole."""

    def __init__(self, plan, connection_inside):
        argv = [a.replace("{connection_file}", connection_inside) for a in plan["sandboxArgv"] + plan["kernelArgv"]]
        limits = plan.get("cgroup")
        self.cgroups = Cgroups(limits["memoryBytes"], limits["pids"], limits.get("cpus")) if limits else Cgroups.__new__(Cgroups)
        if not limits:
            self.cgroups.dirs, self.cgroups.version, self.cgroups.cpu, self.cgroups.usage_file = [], "", "", None
        uid, gid, cgroups = plan.get("uid"), plan.get("gid"), self.cgroups

        def enter_and_drop():
            cgroups.enter()
            if uid is not None:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)

        kw = {"preexec_fn": enter_and_drop}
        self.sandboxed = bool(plan["sandboxArgv"])
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=plan["workDir"],
            env=plan["env"] if not self.sandboxed else {"PATH": "/usr/bin:/bin"},
            **kw,
        )
        self.output = bytearray()
        self.lock = threading.Lock()
        threading.Thread(target=self._drain, daemon=True).start()
        self.kernel_fd = None

    def _drain(self):
        while True:
            chunk = self.proc.stdout.read1(65536) if hasattr(self.proc.stdout, "read1") else self.proc.stdout.read(65536)
            if not chunk:
                return
            with self.lock:
                self.output += chunk
                if len(self.output) > 4 * KERNEL_OUTPUT_TAIL:
                    del self.output[: len(self.output) - KERNEL_OUTPUT_TAIL]

    def tail(self):
        with self.lock:
            return bytes(self.output[-KERNEL_OUTPUT_TAIL:]).decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def take_kernel(self):
        """A pidfd of the kernel process: bwrap (our child) -> bwrap's init in the namespace -> the kernel."""
        if not hasattr(os, "pidfd_open"):
            return
        pid = self.proc.pid
        if self.sandboxed:
            inits = children_of(pid)
            kids = children_of(inits[0]) if inits else []
            if not kids:
                return
            pid = min(kids)  # the first process bwrap's init started; later ones are reparented orphans
        try:
            self.kernel_fd = os.pidfd_open(pid)
        except OSError:
            self.kernel_fd = None

    def interrupt(self):
        if self.kernel_fd is not None:
            try:
                signal.pidfd_send_signal(self.kernel_fd, signal.SIGINT)
            except OSError:
                pass

    def kill(self):
        """Kill the whole tree: bwrap's init dies with bwrap (--die-with-parent), and with it its pid namespace;
        whatever is left in the cgroup is killed too."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.cgroups.kill()
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.cgroups.remove()
        if self.kernel_fd is not None:
            os.close(self.kernel_fd)
            self.kernel_fd = None


def text_of(outputs):
    parts = []
    for o in outputs:
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append("\n".join(o.get("traceback") or [f"{o.get('ename')}: {o.get('evalue')}"]))
    return "".join(parts)


class Budget:
    """Output of the whole notebook: a total, enforced while it streams in."""

    def __init__(self, limit):
        self.limit = limit
        self.used = 0
        self.cut = False


class CellOutputs:
    """Outputs of one request, capped (streams and rich outputs separately, and the notebook's total). In a test
    cell (`nonce` given), the lines of check records with that nonce are taken out as data (`checks`); lines that
    look like records with another nonce are counted (`forged`) and dropped."""

    def __init__(self, budget=None, nonce=None, marker=None):
        self.marker = marker
        self.saw_marker = False  # seen before any cap: a student's flood of output cannot hide it
        self.outputs = []
        self.streams = 0
        self.rich = 0
        self.cut = False
        self.budget = budget or Budget(MAX_NOTEBOOK_CHARS)
        self.nonce = nonce
        self.checks = []
        self.check_chars = 0
        self.forged = 0
        self.check_overflow = False

    def _records(self, text):
        """Take the check records out of a stdout chunk; what is left is shown."""
        if CHECK_PREFIX not in text:
            return text
        kept = []
        for line in text.split("\n"):
            at = line.find(CHECK_PREFIX)
            if at < 0:
                kept.append(line)
                continue
            rest = line[at + len(CHECK_PREFIX):]
            if not self.nonce or not rest.startswith(self.nonce + " "):
                self.forged += 1
                continue
            body = rest[len(self.nonce) + 1:]
            if len(self.checks) >= MAX_CHECKS or self.check_chars + len(body) > MAX_CHECK_CHARS:
                self.check_overflow = True
                continue
            try:
                rec = json.loads(body)
            except ValueError:
                self.forged += 1
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("name"), str):
                self.forged += 1
                continue
            self.check_chars += len(body)
            self.checks.append(rec)
            kept.append(f"[grader] check {json.dumps(rec['name'][:200])} reported")
        return "\n".join(kept)

    def add(self, msg):
        t = msg["msg_type"]
        c = msg["content"]
        if t == "clear_output":
            self.budget.used -= sum(len(json.dumps(o)) for o in self.outputs)
            self.outputs = []
            return
        if t == "stream":
            text = c.get("text", "")
            if not isinstance(text, str):
                text = str(text)
            if c.get("name", "stdout") == "stdout":
                text = self._records(text)
                if self.marker and self.marker in text:
                    self.saw_marker = True
                    text = text.replace(self.marker + "\n", "").replace(self.marker, "")
                    if not text:
                        return
            out = nbformat.v4.new_output("stream", name=c.get("name", "stdout"), text=text)
        elif t in ("display_data", "execute_result"):
            out = nbformat.v4.new_output(t, data=c.get("data", {}), metadata=c.get("metadata", {}))
            if t == "execute_result":
                out["execution_count"] = c.get("execution_count")
        elif t == "error":
            out = nbformat.v4.new_output("error", ename=c.get("ename", ""), evalue=c.get("evalue", ""), traceback=c.get("traceback", []))
        else:
            return
        if self.cut or self.budget.cut:
            return
        size = len(json.dumps(out))
        if self.budget.used + size > self.budget.limit:
            self.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=f"[grader: further output of this notebook cut; over {self.budget.limit} characters in all]\n"))
            self.budget.cut = True
            return
        is_stream = t in ("stream", "error")
        used, limit = (self.streams, MAX_STREAM_CHARS) if is_stream else (self.rich, MAX_RICH_CHARS)
        if used + size > limit:
            self.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=f"[grader: further output cut; over {limit} characters]\n"))
            self.cut = True
            return
        self.budget.used += size
        if is_stream:
            self.streams += size
            # merge consecutive stream outputs of the same name (as Jupyter shows them)
            last = self.outputs[-1] if self.outputs else None
            if last is not None and last.get("output_type") == "stream" and last.get("name") == out["name"]:
                last["text"] += out["text"]
                return
        else:
            self.rich += size
        self.outputs.append(out)


class Supervisor:
    def __init__(self, plan):
        self.plan = plan
        self.t0 = time.monotonic()
        self.report = {"status": "running", "message": "", "seconds": 0.0, "sandbox": plan.get("sandboxName", "none"), "kernelOutput": "", "cells": {}}
        self.nb = nbformat.reads(plan["notebook"], as_version=4)
        self.sandbox = None
        self.kc = None
        self.budget = Budget(plan.get("outputBudget", MAX_NOTEBOOK_CHARS))

    # -- kernel ---------------------------------------------------------------------------------------------------
    def start(self):
        p = self.plan
        key = secrets.token_hex(32)
        ports = {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5}
        info_inside = {"transport": "ipc", "ip": p["socketDirInside"] + "/k", "key": key, "signature_scheme": "hmac-sha256", "kernel_name": "tslab", **ports}
        conn_host = os.path.join(p["socketDir"], "kernel.json")
        atomic_write(conn_host, json.dumps(info_inside))
        os.chmod(conn_host, 0o644)
        self.sandbox = Sandbox(p, p["socketDirInside"] + "/kernel.json")
        kc = IpcKernelClient()
        kc.load_connection_info({**info_inside, "ip": os.path.join(p["socketDir"], "k")})
        # connect only once the kernel has bound its sockets (ipc connects to a missing path would wait anyway)
        deadline = time.monotonic() + p["startupTimeout"]
        shell = os.path.join(p["socketDir"], "k:1")
        while not os.path.exists(shell):
            if not self.sandbox.alive():
                raise KernelStartError(f"the kernel exited while starting (exit {self.sandbox.proc.returncode}): {self.sandbox.tail()[-1500:]}")
            if time.monotonic() > deadline:
                raise KernelStartError(f"the kernel did not start within {p['startupTimeout']:g} s: {self.sandbox.tail()[-1500:]}")
            time.sleep(0.05)
        kc.start_channels()
        self.kc = kc
        while True:
            msg_id = kc.kernel_info()
            try:
                while True:
                    reply = kc.get_shell_msg(timeout=1)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        break
                break
            except queue.Empty:
                pass
            if not self.sandbox.alive():
                raise KernelStartError(f"the kernel exited while starting (exit {self.sandbox.proc.returncode}): {self.sandbox.tail()[-1500:]}")
            if time.monotonic() > deadline:
                raise KernelStartError(f"the kernel did not answer within {p['startupTimeout']:g} s: {self.sandbox.tail()[-1500:]}")
        self._drain_iopub(0.2)
        self.sandbox.take_kernel()
        if p.get("sealSockets"):
            os.chmod(p["socketDir"], 0o555)  # bound: nothing in the sandbox can add or remove files there any more

    def _drain_iopub(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                self.kc.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                return

    # -- one request ----------------------------------------------------------------------------------------------
    def used(self, wall0, cpu0):
        """Time used since (wall0, cpu0): the sandbox's CPU seconds where the host measures them, else wall seconds."""
        if cpu0 is not None:
            now = self.sandbox.cgroups.cpu_seconds()
            if now is not None:
                return now - cpu0
        return time.monotonic() - wall0

    def over(self, limit, wall0, cpu0):
        if cpu0 is None:
            return time.monotonic() - wall0 > limit
        return self.used(wall0, cpu0) > limit or time.monotonic() - wall0 > limit * WALL_FACTOR

    def run_code(self, code, limit, nonce=None, marker=None):
        """Send code; returns (state, reply content, outputs) with state 'replied' | 'timeout' | 'hung' | 'died'.
        The limit counts the sandbox's CPU time where the host measures it (a busy neighbour does not use it up), and
        wall time (WALL_FACTOR times the limit) for a kernel that only waits."""
        kc = self.kc
        outs = CellOutputs(self.budget, nonce, marker)
        msg_id = kc.execute(code, store_history=True, allow_stdin=False, stop_on_error=False)
        wall0, cpu0 = time.monotonic(), self.sandbox.cgroups.cpu_seconds()
        interrupted_at = None
        reply = None
        idle = False
        while True:
            now = time.monotonic()
            try:
                msg = kc.get_iopub_msg(timeout=0.05)
                if msg["parent_header"].get("msg_id") == msg_id:
                    if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                        idle = True
                    else:
                        outs.add(msg)
            except queue.Empty:
                pass
            while reply is None:
                try:
                    m = kc.get_shell_msg(timeout=0)
                except queue.Empty:
                    break
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_reply":
                    reply = m["content"]
                    reply_at = time.monotonic()
            if reply is not None and (idle or time.monotonic() - reply_at > 2):
                return ("timeout" if interrupted_at else "replied"), reply, outs
            if not self.sandbox.alive():
                return "died", None, outs
            if interrupted_at is None and self.over(limit, wall0, cpu0):
                self.sandbox.interrupt()
                interrupted_at = now
            elif interrupted_at is not None and now - interrupted_at > INTERRUPT_GRACE and reply is None:
                return "hung", None, outs

    # -- the notebook ---------------------------------------------------------------------------------------------
    def run(self):
        p = self.plan
        cells = p["cells"]
        for c in cells:
            self.report["cells"][str(c["index"])] = {"status": "not-run", "seconds": 0.0, "error": ""}
        try:
            self.start()
        except KernelStartError as e:
            self.finish("error", str(e))
            return
        run_start = time.monotonic()
        cpu_start = self.sandbox.cgroups.cpu_seconds()
        factor = WALL_FACTOR if cpu_start is not None else 1.0
        deadline = self.t0 + p["startupTimeout"] + p["timeout"] * factor
        self.report["timing"] = "cpu" if cpu_start is not None else "wall"
        prelude = p.get("prelude")
        self.report["hardened"] = "off" if not prelude else ""
        for pos, c in enumerate(cells):
            i = c["index"]
            entry = self.report["cells"][str(i)]
            if prelude and c["role"] == "student":
                # grader/harden.ts: freeze the intrinsics, deny vm/inspector, before the first student cell
                prelude = None
                hs, hreply, houts = self.run_code(p["prelude"], 60.0)
                if hs == "replied" and hreply.get("status") == "ok":
                    self.report["hardened"] = "ok"
                else:
                    self.report["hardened"] = "failed: " + (text_of(houts.outputs).strip().split("\n") or [hs])[-1][:300]
                    if hs == "died":
                        self.finish("crashed", "the kernel died while the grader hardened it, before the first student cell")
                        return
                    time.sleep(TSLAB_ABORT_GRACE)
            remaining = min(p["timeout"] - self.used(run_start, cpu_start), (deadline - time.monotonic()) / factor)
            if remaining <= 0:
                self.stop_rest(cells[pos:], "not run: the notebook's time limit ran out")
                self.finish("timeout", f"the notebook's time limit ({p['timeout']:g} s) ran out before cell {i}")
                return
            limit = min(p["cellTimeout"], remaining)
            marker = f"__reprlab_cell_done_{secrets.token_hex(12)}__" if c["role"] == "test" else None
            nonce = secrets.token_hex(12) if c["role"] == "test" else None
            send = c["send"].replace(NONCE_PLACEHOLDER, nonce) if nonce else c["send"]
            code = send + (f"\nconsole.log({json.dumps(marker)});" if marker else "")
            t0 = time.monotonic()
            state, reply, outs = self.run_code(code, limit, nonce, marker)
            entry["seconds"] = round(time.monotonic() - t0, 3)
            if nonce:
                entry["checks"] = outs.checks
                entry["checkOverflow"] = outs.check_overflow
            if outs.forged:
                entry["forgedChecks"] = outs.forged
            saw_marker = outs.saw_marker
            self.nb.cells[i]["outputs"] = outs.outputs
            if reply and isinstance(reply.get("execution_count"), int):
                self.nb.cells[i]["execution_count"] = reply["execution_count"]
            err = text_of(outs.outputs)
            if state == "replied" and reply.get("status") == "ok":
                if marker and not saw_marker:
                    entry["status"] = "error"
                    entry["error"] = "the test cell ended without the grader's end marker (its output was tampered with)\n" + err[-3000:]
                else:
                    entry["status"] = "ok"
            elif state == "replied":
                entry["status"] = "error"
                prefix = "the kernel aborted this cell\n" if reply.get("status") == "abort" else ""
                entry["error"] = (prefix + err)[-4000:] or f"{reply.get('ename', 'Error')}: {reply.get('evalue', '')}"
                time.sleep(TSLAB_ABORT_GRACE)
            elif state == "timeout":
                entry["status"] = "timeout"
                entry["error"] = (f"cell timed out after {limit:.0f} s{' of CPU time' if cpu_start is not None else ''} and was interrupted\n" + err)[-4000:]
                time.sleep(TSLAB_ABORT_GRACE)
                if limit < p["cellTimeout"]:
                    self.stop_rest(cells[pos + 1:], "not run: the notebook's time limit ran out")
                    self.finish("timeout", f"the notebook's time limit ({p['timeout']:g} s) ran out in cell {i}")
                    return
            elif state == "hung":
                entry["status"] = "timeout"
                entry["error"] = (f"cell timed out after {limit:.0f} s{' of CPU time' if cpu_start is not None else ''} and the kernel did not answer the interrupt; it was stopped\n" + err)[-4000:]
                self.stop_rest(cells[pos + 1:], f"not run: the kernel stopped answering in cell {i}")
                why = "the notebook's time limit" if limit < p["cellTimeout"] else f"the cell time limit ({limit:.0f} s)"
                self.finish("timeout", f"{why} ran out and the kernel did not answer the interrupt (a busy loop, e.g. in a timer); it was stopped")
                return
            else:  # died
                entry["status"] = "error"
                entry["error"] = ("the kernel died while running this cell (process.exit, out of memory, a resource limit, or a crash)\n" + err)[-4000:]
                self.stop_rest(cells[pos + 1:], f"not run: the kernel died in cell {i}")
                self.finish("crashed", f"the kernel died in cell {i} (exit {self.sandbox.proc.returncode})")
                return
        # the end-of-notebook marker: the kernel must still be there and answer
        end = f"__reprlab_notebook_done_{secrets.token_hex(12)}__"
        state, reply, outs = self.run_code(f"console.log({json.dumps(end)});", max(5.0, min(30.0, deadline - time.monotonic())), marker=end)
        if state == "replied" and outs.saw_marker:
            self.finish("ok", "")
        elif state == "died":
            self.finish("crashed", f"the kernel died after the last cell (exit {self.sandbox.proc.returncode}), before the grader's end marker")
        else:
            self.finish("crashed", "the kernel did not return the grader's end marker after the last cell")

    def stop_rest(self, rest, why):
        for c in rest:
            self.report["cells"][str(c["index"])]["error"] = why

    def finish(self, status, message):
        self.report["status"] = status
        self.report["message"] = message

    def close(self):
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
        if self.sandbox is not None:
            cpu = self.sandbox.cgroups.cpu_seconds()
            if cpu is not None:
                self.report["cpuSeconds"] = round(cpu, 3)
            self.report["cpuQuota"] = self.sandbox.cgroups.cpu
            self.sandbox.kill()
            self.report["kernelOutput"] = self.sandbox.tail()
            self.report["cgroup"] = self.sandbox.cgroups.version
        self.report["seconds"] = round(time.monotonic() - self.t0, 3)
        atomic_write(self.plan["output"], nbformat.writes(self.nb))


class KernelStartError(Exception):
    pass


def main():
    plan = json.load(sys.stdin)
    sup = Supervisor(plan)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        sup.run()
    except SystemExit:
        sup.finish("error", "stopped by the grader")
    except Exception as e:  # noqa: BLE001 - every failure becomes this row's message
        sup.finish("error", f"supervisor failure: {type(e).__name__}: {e}")
    finally:
        sup.close()
    sys.stdout.write("\n" + json.dumps(sup.report) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
