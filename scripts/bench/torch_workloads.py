#!/usr/bin/python3
"""The benchmark's workloads in PyTorch (CPU), for reprlab/PyTorch ratios measured in the same run (issue #12).

scripts/bench.mjs --vs-torch drives this as a child process (--serve): one JSON request per line on stdin, one JSON
answer per line on stdout, so reprlab's and PyTorch's steps can alternate and machine drift hits both alike.
Run by hand it times one workload and prints one JSON object:

  /usr/bin/python3 scripts/bench/torch_workloads.py --spec '{"kind":"matmul","n":512}' --steps 5 --threads 1

Needs torch: Debian `sudo apt-get install -y --no-install-recommends python3-torch` (PyTorch 1.13).

The workloads mirror scripts/bench/workloads.mjs and lib/models exactly in shape and work:
- smallCnn(widths): per width conv 3x3 'same' (no bias) -> BatchNorm (eps 1e-3, Keras momentum 0.9 = torch 0.1)
  -> ReLU -> max-pool 2/2 'same' (ceil mode) on every block but the last; then global average pooling.
- projectionHead 128-128-64: dense (no bias) -> BatchNorm1d -> ReLU -> dense (bias).
- SimCLR step: both views (x + noise1, x + noise2, fixed) through encoder + head as one batch of 2B, NT-Xent
  L = mean_i [ logsumexp_{k != i} s_ik - s_i,pos(i) ],  s = z_hat z_hat^T / tau,  z_hat = z / max(|z|, 1e-12),
  then Adam (lr 1e-3).
- supervised step: smallCnn + linear classifier (10 classes), softmax cross-entropy, Adam.
- ops: matmul n^3, NT-Xent value + both gradients, conv2d forward / filter gradient / input gradient.
Images are NCHW here (PyTorch's native layout), NHWC in tfjs: the same arithmetic, each engine's own layout.
"""
import argparse
import json
import statistics
import sys
import time


def _need_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        print(json.dumps({"ok": False, "error": "torch not found: apt-get install python3-torch"}), flush=True)
        sys.exit(3)


def small_cnn(torch, in_ch, widths):
    nn = torch.nn
    layers = []
    c = in_ch
    for i, w in enumerate(widths):
        layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w, eps=1e-3, momentum=0.1), nn.ReLU()]
        if i < len(widths) - 1 or len(widths) == 1:
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
        c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())


def projection_head(torch, d_in, hidden, d_out):
    nn = torch.nn
    return nn.Sequential(nn.Linear(d_in, hidden, bias=False), nn.BatchNorm1d(hidden, eps=1e-3, momentum=0.1), nn.ReLU(), nn.Linear(hidden, d_out))


def nt_xent(torch, z1, z2, tau):
    """NT-Xent (SimCLR): cross-entropy of each row's positive among the 2N-1 others, cosine similarity over tau."""
    n = z1.shape[0]
    z = torch.nn.functional.normalize(torch.cat([z1, z2], 0), dim=1, eps=1e-12)
    sim = z @ z.t() / tau
    sim = sim - torch.eye(2 * n) * 1e9
    pos = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return torch.nn.functional.cross_entropy(sim, pos)


def same_padding(size, k, stride):
    """Symmetric padding giving TF's 'same' output size ceil(size / stride) (the same work as TF's split padding)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    p = -(-total // 2)
    if (size + 2 * p - k) // stride + 1 != out:
        raise ValueError(f"no symmetric padding gives 'same' for size {size}, k {k}, stride {stride}")
    return p


def setup(torch, spec):
    """Build one workload; returns (step() -> float, note). step() does one step/op, synchronous on the CPU."""
    kind = spec["kind"]
    g = torch.Generator().manual_seed(1)
    if kind in ("simclr", "supervised"):
        b = spec["batch"]
        h, w, c = spec["shape"]
        widths = spec.get("widths", [32, 64, 128])
        torch.manual_seed(1)
        encoder = small_cnn(torch, c, widths)
        x = torch.rand(b, c, h, w, generator=g)
        if kind == "simclr":
            head = projection_head(torch, widths[-1], spec.get("hidden", 128), spec.get("out", 64))
            n1 = torch.randn(b, c, h, w, generator=g) * 0.1
            n2 = torch.randn(b, c, h, w, generator=g) * 0.1
            params = list(encoder.parameters()) + list(head.parameters())
            tau = spec.get("tau", 0.5)

            def loss_fn():
                z = head(encoder(torch.cat([x + n1, x + n2], 0)))
                return nt_xent(torch, z[:b], z[b:], tau)
        else:
            clf = torch.nn.Linear(widths[-1], spec.get("classes", 10))
            labels = torch.randint(0, spec.get("classes", 10), (b,), generator=g)
            params = list(encoder.parameters()) + list(clf.parameters())

            def loss_fn():
                return torch.nn.functional.cross_entropy(clf(encoder(x)), labels)

        opt = torch.optim.Adam(params, lr=spec.get("lr", 1e-3))

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn()
            loss.backward()
            opt.step()
            return loss.item()

        return step, None
    if kind == "matmul":
        n, repeat = spec["n"], spec.get("repeat", 1)
        a, bm = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g)

        def step():
            with torch.no_grad():
                for _ in range(repeat):
                    y = a @ bm
            return y[0, 0].item()

        return step, None
    if kind == "ntxent":
        n, d, tau = spec["n"], spec["d"], spec.get("tau", 0.5)
        z1 = torch.randn(n, d, generator=g)
        z2 = (z1 + 0.5 * torch.randn(n, d, generator=g))
        z1.requires_grad_(True)
        z2.requires_grad_(True)

        def step():
            loss = nt_xent(torch, z1, z2, tau)
            g1, g2 = torch.autograd.grad(loss, [z1, z2])
            return loss.item() + g2[0, 0].item()

        return step, None
    if kind == "conv":
        bsz, h, w, c = spec["x"]
        k, s, cout, repeat = spec.get("k", 3), spec.get("stride", 1), spec["cout"], spec.get("repeat", 1)
        ph, pw = (same_padding(h, k, s), same_padding(w, k, s)) if spec.get("pad", "same") == "same" else (0, 0)
        x = torch.randn(bsz, c, h, w, generator=g)
        wt = torch.randn(cout, c, k, k, generator=g) * 0.1
        y = torch.nn.functional.conv2d(x, wt, stride=s, padding=(ph, pw))
        dy = torch.randn(y.shape, generator=g)
        grad = torch.nn.grad
        what = spec["what"]
        ops = {
            "fwd": lambda: torch.nn.functional.conv2d(x, wt, stride=s, padding=(ph, pw)),
            "bwd-filter": lambda: grad.conv2d_weight(x, wt.shape, dy, stride=s, padding=(ph, pw)),
            "bwd-input": lambda: grad.conv2d_input(x.shape, wt, dy, stride=s, padding=(ph, pw)),
        }
        if what not in ops:
            raise ValueError(f"conv: unknown 'what' {what!r}; use one of {', '.join(ops)}")
        f = ops[what]

        def step():
            with torch.no_grad():
                for _ in range(repeat):
                    out = f()
            return out.reshape(-1)[0].item()

        return step, None
    raise ValueError(f"unknown workload kind {kind!r}; use simclr, supervised, matmul, ntxent or conv")


def blas_library(torch):
    """The BLAS shared library torch's matmuls use here (Debian: the reference libblas3 unless OpenBLAS/BLIS is
    installed as the libblas.so.3 alternative), read from this process's memory map after one matmul."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() or "blis" in line.lower()}
    except OSError:
        return "unknown"
    import os
    return ", ".join(sorted({os.path.realpath(p) for p in libs if p.startswith("/")})) or "none loaded"


def timed(step):
    t0 = time.perf_counter()
    value = step()
    return (time.perf_counter() - t0) * 1000.0, value


def set_threads(torch, n):
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set (only once per process)
    return torch.get_num_threads()


def serve(torch, threads):
    """Line protocol: {"op": "setup"|"step"|"dispose"|"info", "id": ..., "spec": {...}} -> {"ok": ..., ...}."""
    steps = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "info":
                out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available(), "blas": blas_library(torch)}
            elif op == "setup":
                steps[req["id"]], note = setup(torch, req["spec"])
                out = {"note": note}
            elif op == "step":
                ms, value = timed(steps[req["id"]])
                out = {"ms": ms, "value": value}
            elif op == "dispose":
                steps.pop(req["id"], None)
                out = {}
            elif op == "quit":
                break
            else:
                raise ValueError(f"unknown op {op!r}")
            print(json.dumps({"ok": True, **out}), flush=True)
        except Exception as err:  # the error goes back to the bench, which prints it on the row
            print(json.dumps({"ok": False, "error": f"{type(err).__name__}: {err}"}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    p.add_argument("--serve", action="store_true", help="line protocol on stdin/stdout (used by scripts/bench.mjs)")
    p.add_argument("--spec", help="one workload as JSON, e.g. '{\"kind\":\"simclr\",\"batch\":32,\"shape\":[28,28,1]}'")
    p.add_argument("--ntxent", help="JSON {z1, z2, tau}: print the NT-Xent loss of these rows (a cross-check)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=20)
    a = p.parse_args()
    if a.threads < 1:
        p.error(f"--threads must be a positive integer (got {a.threads})")
    _need_torch()
    import torch

    threads = set_threads(torch, a.threads)
    if a.serve:
        serve(torch, threads)
        return
    if a.ntxent:
        d = json.loads(a.ntxent)
        loss = nt_xent(torch, torch.tensor(d["z1"], dtype=torch.float32), torch.tensor(d["z2"], dtype=torch.float32), d.get("tau", 0.5))
        print(json.dumps({"torch": torch.__version__, "loss": loss.item()}))
        return
    if not a.spec:
        p.error("give --spec JSON (or --serve, or --ntxent JSON)")
    if a.steps < 1:
        p.error(f"--steps must be a positive integer (got {a.steps})")
    step, note = setup(torch, json.loads(a.spec))
    for _ in range(a.warmup):
        step()
    times = [timed(step)[0] for _ in range(a.steps)]
    print(json.dumps({"torch": torch.__version__, "threads": threads, "ms": statistics.median(times), "times": times, "note": note}))


if __name__ == "__main__":
    main()
