#!/usr/bin/env python3
"""Make test/eval/fixtures/digits-logreg.json: scikit-learn's digits (8x8 images, 1,797 rows, 64 features with
integer values 0..16, bundled with scikit-learn) and the accuracies of sklearn's multinomial logistic regression
on them, so that test/eval/probe-sklearn.test.ts compares lib/eval's linear probe with scikit-learn without
needing scikit-learn in CI.

Made with Debian bookworm's python3-sklearn 1.2.1 (`apt-get install -y --no-install-recommends python3-sklearn`):

    /usr/bin/python3 scripts/make-digits-fixture.py > test/eval/fixtures/digits-logreg.json

Protocol (the same as linearProbe's default): train = the first `n_train` rows, test = the last 597 rows;
StandardScaler fitted on the train rows (population std; zero-variance columns scaled by 1);
LogisticRegression(C=1) (lbfgs, multinomial, the intercept not penalised), both with its default max_iter=100 and
run to convergence (max_iter=10000, tol=1e-10). `objective` is the mean-form loss linearProbe minimises:
(1/N) sum_i CE_i + (1/(2 C N)) ||W||^2.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
TEST = 597
out = {
    "made_by": "/usr/bin/python3 scripts/make-digits-fixture.py > test/eval/fixtures/digits-logreg.json",
    "sklearn": sklearn.__version__,
    "n": int(X.shape[0]), "dim": int(X.shape[1]), "test_rows": TEST,
    # one character per pixel value 0..16 (base 17 digits 0-9a-g), row-major
    "pixels": "".join(np.base_repr(int(v), 17).lower() for v in X.astype(int).ravel()),
    "labels": "".join(str(int(v)) for v in y),
    "runs": [],
}
for n_train in (1200, 600):
    Xtr, ytr, Xte, yte = X[:n_train], y[:n_train], X[-TEST:], y[-TEST:]
    scaler = StandardScaler().fit(Xtr)
    Str, Ste = scaler.transform(Xtr), scaler.transform(Xte)
    for label, kw in (("default", {}), ("converged", {"max_iter": 10000, "tol": 1e-10})):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            clf = LogisticRegression(C=1.0, **kw).fit(Str, ytr)
        p = clf.predict_proba(Str)
        ce = -np.mean(np.log(p[np.arange(n_train), ytr]))
        obj = ce + 0.5 / n_train * float(np.sum(clf.coef_ ** 2))
        out["runs"].append({
            "n_train": n_train, "fit": label, "C": 1.0, "max_iter": kw.get("max_iter", 100),
            "iterations": int(clf.n_iter_[0]),
            "converged_warning": any(issubclass(w.category, ConvergenceWarning) for w in caught),
            "test_accuracy": float(clf.score(Ste, yte)), "train_accuracy": float(clf.score(Str, ytr)),
            "objective": float(obj),
        })
print(json.dumps(out))
