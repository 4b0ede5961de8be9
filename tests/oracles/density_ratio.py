#!/usr/bin/env python3
"""Loose cross-check for the classifier density-ratio weights (src/plan/math/importance_weights.cc).

Usage: density_ratio.py INPUT.json
INPUT holds "train" and "target" (rows) and "folds" (one fold per row: training rows first, then
target rows). An independent textbook recipe (Bickel et al. 2009) with scikit-learn: a
LogisticRegression (default lbfgs, C = 1, no class balancing) on the columns and their squares,
out-of-fold probabilities over the given folds, ratio = p / (1 - p) x n_train / n_target,
normalised to mean 1 (no clipping). Prints {"ratio": [...]} (per training row), or {"skip": why}
when scikit-learn is missing.
"""
import json
import sys

import numpy as np


def main():
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        json.dump({"skip": "no scikit-learn (python3-sklearn) for tests/oracles/density_ratio.py"},
                  sys.stdout)
        return
    with open(sys.argv[1]) as f:
        inp = json.load(f)
    x = np.array(inp["train"], dtype=float)
    y = np.array(inp["target"], dtype=float)
    folds = np.array(inp["folds"])
    z = np.vstack([x, y])
    z = np.hstack([z, z ** 2])
    label = np.r_[np.zeros(len(x)), np.ones(len(y))]
    p = np.zeros(len(z))
    for k in np.unique(folds):
        test = folds == k
        model = LogisticRegression(C=1.0, max_iter=1000).fit(z[~test], label[~test])
        p[test] = model.predict_proba(z[test])[:, 1]
    p = p[: len(x)]
    ratio = p / (1.0 - p) * len(x) / len(y)
    ratio /= ratio.mean()
    json.dump({"ratio": ratio.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
