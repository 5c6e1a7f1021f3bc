#!/usr/bin/python3
"""PyTorch + scikit-learn side of the SSL-parity protocol (scripts/measure/ssl-parity.mjs runs both sides).

The protocol (issue "SSL parity"): small CNN 32-64-128 (conv3x3 'same' -> BN -> ReLU -> max-pool 2 on the first two
blocks, global average pool) + projection head 128-128-64 (Linear no bias -> BN -> ReLU -> Linear), NT-Xent tau 0.5,
Adam 1e-3, batch 256 drawn from all 60,000 Fashion-MNIST training images, two views of random resized crop (scale
0.35-1, ratio 3/4-4/3) + horizontal flip + brightness/contrast jitter (0.4, 0.4) per image; evaluation: linear probe
(scikit-learn LogisticRegression, C = 1, lbfgs, on standardised features, 60k -> 10k test) and kNN (k = 20, cosine,
majority vote).

`--init torch` (PyTorch's defaults: kaiming_uniform(a=sqrt 5) for conv and linear weights, BN eps 1e-5) or
`--init reprlab-old` (what reprlab used before 2026-12-07: He-normal conv, Glorot-uniform dense, BN eps 1e-3) isolates
the weight scale's effect on how much the encoder learns per step. Prints one JSON line per evaluation.
Never a dependency of reprlab: a side-by-side measurement only (Debian's python3-torch, python3-sklearn).
"""
import argparse, gzip, json, math, os, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FMNIST = '/usr/share/datasets/fashion-mnist'


def load_idx(name):
    with gzip.open(os.path.join(FMNIST, name), 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split):
    p = 'train' if split == 'train' else 't10k'
    x = load_idx(f'{p}-images-idx3-ubyte.gz').astype(np.float32) / 255.0
    y = load_idx(f'{p}-labels-idx1-ubyte.gz').astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), y


def encoder(init):
    layers, c = [], 1
    for i, w in enumerate([32, 64, 128]):
        layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), bn2d(w, init), nn.ReLU()]
        if i < 2:
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
        c = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return reinit(nn.Sequential(*layers), init)


def bn2d(w, init):
    return nn.BatchNorm2d(w, eps=1e-3 if init == 'reprlab-old' else 1e-5, momentum=0.1)


def head(init):
    eps = 1e-3 if init == 'reprlab-old' else 1e-5
    return reinit(nn.Sequential(nn.Linear(128, 128, bias=False), nn.BatchNorm1d(128, eps=eps), nn.ReLU(), nn.Linear(128, 64)), init)


def reinit(model, init):
    if init != 'reprlab-old':
        return model
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity='relu')  # He normal: std sqrt(2 / fan_in)
        elif isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def augment(x, g, scale=(0.35, 1.0), ratio=(3 / 4, 4 / 3), brightness=0.4, contrast=0.4):
    """One view per image: random resized crop (bilinear) -> flip -> brightness -> contrast, clipped to [0, 1]."""
    n = x.shape[0]
    area = torch.empty(n).uniform_(*scale, generator=g)
    logr = torch.empty(n).uniform_(math.log(ratio[0]), math.log(ratio[1]), generator=g)
    r = torch.exp(logr)
    w = torch.sqrt(area * r).clamp(max=1.0)
    h = torch.sqrt(area / r).clamp(max=1.0)
    cx = (torch.rand(n, generator=g) * (1 - w) + w / 2) * 2 - 1
    cy = (torch.rand(n, generator=g) * (1 - h) + h / 2) * 2 - 1
    flip = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = w * flip
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = h
    theta[:, 1, 2] = cy
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    y = F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=False)
    b = torch.empty(n, 1, 1, 1).uniform_(max(0, 1 - brightness), 1 + brightness, generator=g)
    y = (y * b).clamp(0, 1)
    c = torch.empty(n, 1, 1, 1).uniform_(max(0, 1 - contrast), 1 + contrast, generator=g)
    m = y.mean(dim=(1, 2, 3), keepdim=True)
    return (c * y + (1 - c) * m).clamp(0, 1)


def nt_xent(z1, z2, tau):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    sim = z @ z.t() / tau
    sim.fill_diagonal_(float('-inf'))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


@torch.no_grad()
def embed(f, x, bs=1000):
    f.eval()
    out = torch.cat([f(x[i:i + bs]) for i in range(0, x.shape[0], bs)])
    f.train()
    return out.numpy().astype(np.float64)


def evaluate(ftr, ytr, fte, yte):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    t0 = time.time()
    sc = StandardScaler().fit(ftr)
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(sc.transform(ftr), ytr)
    probe = float(clf.score(sc.transform(fte), yte))
    a = ftr / np.maximum(np.linalg.norm(ftr, axis=1, keepdims=True), 1e-12)
    b = fte / np.maximum(np.linalg.norm(fte, axis=1, keepdims=True), 1e-12)
    correct = 0
    for i in range(0, b.shape[0], 1000):
        s = b[i:i + 1000] @ a.T
        idx = np.argpartition(-s, 20, axis=1)[:, :20]
        votes = np.zeros((idx.shape[0], 10))
        for j in range(20):
            np.add.at(votes, (np.arange(idx.shape[0]), ytr[idx[:, j]]), 1)
        correct += int((votes.argmax(1) == yte[i:i + 1000]).sum())
    return probe, correct / b.shape[0], time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', default='100,300', help='comma-separated step counts to evaluate at')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--init', default='torch', choices=['torch', 'reprlab-old'])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--eval-train', type=int, default=60000, help='training rows of the probe/kNN (first N)')
    ap.add_argument('--concat', action='store_true', help='both views in one forward pass (BatchNorm over 2N)')
    ap.add_argument('--baselines', action='store_true', help='also evaluate raw pixels and the random-init encoder')
    ap.add_argument('--no-pixels', action='store_true', help='with --baselines: skip raw pixels (they do not depend on the seed)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed + 1)
    xtr, ytr = load('train')
    xte, yte = load('test')
    ne = a.eval_train
    f, p = encoder(a.init), head(a.init)
    emit = lambda d: print(json.dumps({'side': 'pytorch', 'init': a.init, 'concat': a.concat, 'seed': a.seed, **d}), flush=True)
    if a.baselines and not a.no_pixels:
        pr, kn, t = evaluate(xtr[:ne].reshape(ne, -1).numpy().astype(np.float64), ytr[:ne], xte.reshape(len(yte), -1).numpy().astype(np.float64), yte)
        emit({'what': 'raw pixels', 'probe': pr, 'knn': kn, 'eval_s': t})
    if a.baselines:
        pr, kn, t = evaluate(embed(f, xtr[:ne]), ytr[:ne], embed(f, xte), yte)
        emit({'what': 'random init', 'probe': pr, 'knn': kn, 'eval_s': t})
    opt = torch.optim.Adam(list(f.parameters()) + list(p.parameters()), lr=1e-3)
    marks = sorted(int(s) for s in a.steps.split(','))
    t_train, step = 0.0, 0
    for mark in marks:
        t0 = time.time()
        while step < mark:
            idx = torch.randint(0, xtr.shape[0], (a.batch,), generator=g)
            xb = xtr[idx]
            v1, v2 = augment(xb, g), augment(xb, g)
            if a.concat:  # both views in one pass: BatchNorm statistics over the 2N views (reprlab's SimCLR)
                z = p(f(torch.cat([v1, v2])))
                loss = nt_xent(z[:a.batch], z[a.batch:], 0.5)
            else:  # each view its own pass: BatchNorm statistics per view
                loss = nt_xent(p(f(v1)), p(f(v2)), 0.5)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        t_train += time.time() - t0
        pr, kn, t = evaluate(embed(f, xtr[:ne]), ytr[:ne], embed(f, xte), yte)
        emit({'what': f'SimCLR {mark} steps', 'steps': mark, 'probe': pr, 'knn': kn, 'train_s': t_train, 'eval_s': t, 'loss': float(loss)})


if __name__ == '__main__':
    sys.exit(main())
