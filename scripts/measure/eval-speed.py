#!/usr/bin/python3
"""scikit-learn / PyTorch side of scripts/measure/eval-speed.mjs (issue #24, "Evaluation"): the SSL-parity
protocol's evaluation (scripts/measure/ssl-parity.py: LogisticRegression C = 1, lbfgs, on standardised features;
kNN k = 20 cosine, majority vote, blocks of 1000 test rows), each part timed on its own.

  /usr/bin/python3 scripts/measure/eval-speed.py --what raw|encoder [--train 60000] [--threads 1]

raw: raw pixels (60k x 784 -> 10k). encoder: the small CNN 32-64-128 at its (seeded) initialisation embeds the
70k images (batch 1000, eval mode), then the same probe and kNN on the 128-d features. One JSON line.
Never a dependency of reprlab: a side-by-side measurement only (Debian's python3-torch, python3-sklearn).
"""
import argparse, importlib.util, json, os, time

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('ssl_parity', os.path.join(here, 'ssl-parity.py'))
sp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sp)


def probe(ftr, ytr, fte, yte):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    t0 = time.time()
    sc = StandardScaler().fit(ftr)
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(sc.transform(ftr), ytr)
    acc = float(clf.score(sc.transform(fte), yte))
    return acc, int(clf.n_iter_[0]), time.time() - t0


def knn(ftr, ytr, fte, yte, k=20):
    t0 = time.time()
    a = ftr / np.maximum(np.linalg.norm(ftr, axis=1, keepdims=True), 1e-12)
    b = fte / np.maximum(np.linalg.norm(fte, axis=1, keepdims=True), 1e-12)
    correct = 0
    for i in range(0, b.shape[0], 1000):
        s = b[i:i + 1000] @ a.T
        idx = np.argpartition(-s, k, axis=1)[:, :k]
        votes = np.zeros((idx.shape[0], 10))
        for j in range(k):
            np.add.at(votes, (np.arange(idx.shape[0]), ytr[idx[:, j]]), 1)
        correct += int((votes.argmax(1) == yte[i:i + 1000]).sum())
    return correct / b.shape[0], time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--what', choices=['raw', 'encoder'], required=True)
    ap.add_argument('--train', type=int, default=60000)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = sp.load('train')
    xte, yte = sp.load('test')
    n = a.train
    out = {'side': 'sklearn', 'what': a.what, 'train': n, 'threads': a.threads, 'load': list(os.getloadavg())}
    if a.what == 'raw':
        ftr, fte = xtr[:n].reshape(n, -1).numpy().astype(np.float64), xte.reshape(len(yte), -1).numpy().astype(np.float64)
    else:
        f = sp.encoder('torch')
        t0 = time.time()
        ftr, fte = sp.embed(f, xtr[:n]), sp.embed(f, xte)
        out['embed_s'] = time.time() - t0
    out['probe'], out['probe_iterations'], out['probe_s'] = probe(ftr, ytr[:n], fte, yte)
    out['knn'], out['knn_s'] = knn(ftr, ytr[:n], fte, yte)
    out['load_end'] = list(os.getloadavg())
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
