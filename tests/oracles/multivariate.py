#!/usr/bin/env python3
"""Independent oracle for src/parity/multivariate (MMD^2, domain classifier, PRDC).

Usage: multivariate.py INPUT.json
INPUT holds "train" (rows), "weights" (null = equal), "target" (rows), "folds" (one fold per
row: training rows first, then target rows), "c", "quadratic_max_columns", "k" (the PRDC k to
use) and "expected_coverage". Prints one JSON object with the oracle's values:
  bandwidth   median of the pooled pairwise Euclidean distances (scipy pdist, numpy median)
  mmd2        weighted U-statistic MMD^2 with the RBF kernel at that bandwidth (NumPy)
  k_auto      smallest k with 1 - prod (N-i)/(N+M-i) >= expected_coverage (Naeem et al.)
  precision, recall, density, coverage   Naeem et al.'s definitions re-implemented in NumPy on
              sklearn NearestNeighbors radii and sklearn pairwise distances, weighted training
  auc, auc_ci, p_train, p_target, coef, intercept   sklearn LogisticRegression on the same
              terms, balanced sample weights and folds; roc_auc_score; DeLong in NumPy
Rows of weight 0 are dropped for MMD and PRDC, kept with weight 0 for the classifier.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import pdist
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances, roc_auc_score
from sklearn.neighbors import NearestNeighbors


def mmd(x, a, y, bandwidth):
    gamma = 1.0 / (2.0 * bandwidth ** 2)
    kxx = np.exp(-gamma * pairwise_distances(x, x, metric="sqeuclidean"))
    kyy = np.exp(-gamma * pairwise_distances(y, y, metric="sqeuclidean"))
    kxy = np.exp(-gamma * pairwise_distances(x, y, metric="sqeuclidean"))
    m = y.shape[0]
    sa2 = np.sum(a * a)
    xx = (a @ kxx @ a - np.sum(a * a * np.diag(kxx))) / (1.0 - sa2)
    yy = (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
    xy = a @ kxy.sum(axis=1) / m
    return float(xx + yy - 2.0 * xy)


def prdc(real, fake, w, k):
    def radii(x):
        nn = NearestNeighbors(n_neighbors=k + 1).fit(x)
        dist, _ = nn.kneighbors(x)
        return dist[:, k]

    real_r = radii(real)
    fake_r = radii(fake)
    d = pairwise_distances(real, fake)  # real x fake
    inside = d < real_r[:, None]
    w = w / w.sum()
    return {
        "precision": float(np.sum(w * inside.any(axis=0))),
        "recall": float((d < fake_r[None, :]).any(axis=1).mean()),
        "density": float(np.sum(w * inside.sum(axis=0)) / k),
        "coverage": float((d.min(axis=1) < real_r).mean()),
    }


def terms(x, quadratic):
    cols = [x, x * x]
    if quadratic:
        d = x.shape[1]
        cols += [x[:, [c]] * x[:, [e]] for c in range(d) for e in range(c + 1, d)]
    return np.hstack(cols)


def fit(x, y, s, c):
    model = LogisticRegression(C=c, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    model.fit(x, y, sample_weight=s)
    return model


def classifier(train, a, target, folds, c, quadratic_max_columns, confidence=0.95):
    n, m = train.shape[0], target.shape[0]
    quadratic = train.shape[1] <= quadratic_max_columns
    x = terms(np.vstack([train, target]), quadratic)
    y = np.r_[np.zeros(n), np.ones(m)]
    s = np.r_[a * (n + m) / 2.0, np.full(m, (n + m) / (2.0 * m))]
    p = np.zeros(n + m)
    for f in np.unique(folds):
        held = folds == f
        use = (~held) & (s > 0)
        p[held] = fit(x[use], y[use], s[use], c).predict_proba(x[held])[:, 1]
    auc_w = np.r_[a, np.full(m, 1.0 / m)]
    keep = auc_w > 0
    auc = roc_auc_score(y[keep], p[keep], sample_weight=auc_w[keep])
    # DeLong structural components, weighted training side (see multivariate.h).
    pt, pn = p[n:], p[:n]
    cmp = (pn[None, :] < pt[:, None]) + 0.5 * (pn[None, :] == pt[:, None])  # m x n
    v10 = cmp @ a
    v01 = cmp.mean(axis=0)
    s10 = np.sum((v10 - auc) ** 2) / (m - 1)
    n_eff = a.sum() ** 2 / np.sum(a * a)
    s01 = np.sum(a * (v01 - auc) ** 2) * n_eff / (n_eff - 1)
    se = np.sqrt(s10 / m + s01 / n_eff)
    z = norm.ppf(0.5 + 0.5 * confidence)
    full = fit(x[s > 0], y[s > 0], s[s > 0], c)
    return {
        "auc": float(auc),
        "auc_ci": [float(max(0.0, auc - z * se)), float(min(1.0, auc + z * se))],
        "p_train": p[:n].tolist(),
        "p_target": p[n:].tolist(),
        "coef": full.coef_[0].tolist(),
        "intercept": float(full.intercept_[0]),
    }


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    train = np.array(data["train"], dtype=float)
    target = np.array(data["target"], dtype=float)
    n = train.shape[0]
    weights = np.ones(n) if data["weights"] is None else np.array(data["weights"], dtype=float)
    a = weights / weights.sum()
    kept = weights > 0
    x, ak = train[kept], a[kept] / a[kept].sum()

    bandwidth = float(np.median(pdist(np.vstack([x, target]))))
    out = {"bandwidth": bandwidth, "mmd2": mmd(x, ak, target, bandwidth)}

    big_n, big_m = target.shape[0], x.shape[0]
    k_auto = min(big_n, big_m) - 1
    for k in range(1, min(big_n, big_m)):
        coverage = 1.0 - np.prod([(big_n - i) / (big_n + big_m - i) for i in range(1, k + 1)])
        if coverage >= data["expected_coverage"]:
            k_auto = k
            break
    out["k_auto"] = k_auto
    out.update(prdc(target, x, ak, data["k"]))
    out.update(classifier(train, a, target, np.array(data["folds"]), data["c"],
                          data["quadratic_max_columns"]))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
