#!/usr/bin/env python3
"""Independent SciPy / NumPy computation of Parity's univariate comparisons (the definitions in
include/parity/parity/univariate.h), for src/parity/univariate/test/univariate_oracle_test.cc.

    univariate.py cases.json

cases.json holds a list of cases, each an object with a "kind":
  numeric      train, weights (null = equal), target, psi_bins
  categorical  train, weights (null = equal), target (lists of strings)
  kstwo        n, x (lists): scipy.stats.kstwo.sf
  chi2         x, dof (lists): scipy.stats.chi2.sf
  bh           p (list): Benjamini-Hochberg by direct NumPy (this SciPy has no
               false_discovery_control; the formula is the textbook step-up one)
  bootstrap    train, weights, target, psi_bins, replicates, confidence, seed: percentile
               intervals of w1_normalized, ks and psi, resampling training with probability
               proportional to weight and the target uniformly (NumPy's generator, so only
               statistically comparable to Parity's)
Prints a JSON list with one result object per case, in order.
"""
import json
import sys
import warnings

import numpy as np
from scipy import stats
from scipy.spatial import distance


def kish(weights):
    return weights.sum() ** 2 / np.square(weights).sum()


def weighted_median(values, weights):
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = np.cumsum(w)
    half = w.sum() / 2
    i = int(np.searchsorted(cum, half, side="left"))
    while w[i] <= 0:
        i += 1
    if cum[i] == half:
        rest = np.nonzero(w[i + 1:] > 0)[0]
        if len(rest):
            return (v[i] + v[i + 1 + rest[0]]) / 2
    return v[i]


def numeric(case):
    train = np.asarray(case["train"], dtype=np.float64)
    target = np.asarray(case["target"], dtype=np.float64)
    weights = case.get("weights")
    w = np.ones_like(train) if weights is None else np.asarray(weights, dtype=np.float64)
    out = {}
    out["w1"] = float(stats.wasserstein_distance(train, target, u_weights=w))
    if weights is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an exact computation that fails must not pass
            res = stats.ks_2samp(train, target, method="auto")
            out["ks"] = float(res.statistic)
            out["ks_p"] = float(res.pvalue)
            if max(len(train), len(target)) <= 10000:
                out["ks_p_exact"] = float(stats.ks_2samp(train, target, method="exact").pvalue)
            out["ks_p_asymp"] = float(stats.ks_2samp(train, target, method="asymp").pvalue)
        out["train_ess"] = float(len(train))
    else:
        # Weighted ECDFs at every sample value, right-continuous.
        order = np.argsort(train, kind="stable")
        cum = np.cumsum(w[order]) / w.sum()
        grid = np.concatenate([train, target])
        idx = np.searchsorted(train[order], grid, side="right")
        f_train = np.where(idx > 0, cum[np.maximum(idx - 1, 0)], 0.0)
        f_target = np.searchsorted(np.sort(target), grid, side="right") / len(target)
        d = float(np.max(np.abs(f_train - f_target)))
        ess = kish(w)
        m = float(len(target))
        en = ess * m / (ess + m)
        out["ks"] = d
        out["ks_p"] = float(stats.kstwo.sf(d, max(1.0, np.round(en))))
        out["train_ess"] = float(ess)
    # PSI on target quantile bins (right-closed), target = expected side.
    bins = int(case["psi_bins"])
    eps = float(case.get("psi_epsilon", 1e-4))
    edges = np.unique(np.quantile(target, np.arange(1, bins) / bins))
    t = np.bincount(np.searchsorted(edges, target, side="left"), minlength=len(edges) + 1)
    r = np.bincount(np.searchsorted(edges, train, side="left"), weights=w,
                    minlength=len(edges) + 1)
    t = np.maximum(t / len(target), eps)
    r = np.maximum(r / w.sum(), eps)
    out["psi"] = float(np.sum((t - r) * np.log(t / r)))
    out["psi_bins_used"] = int(len(edges) + 1)
    spread = float(np.std(target))
    out["spread"] = spread
    if spread > 0:
        out["w1_normalized"] = out["w1"] / spread
    out["target_p50"] = float(np.median(target))
    out["train_p50"] = float(weighted_median(train, w))
    out["train_mean"] = float(np.average(train, weights=w))
    out["target_mean"] = float(np.mean(target))
    return out


def categorical(case):
    train = case["train"]
    target = case["target"]
    weights = case.get("weights")
    w = np.ones(len(train)) if weights is None else np.asarray(weights, dtype=np.float64)
    names = sorted(set(train) | set(target))
    index = {name: i for i, name in enumerate(names)}
    train_mass = np.zeros(len(names))
    np.add.at(train_mass, [index[x] for x in train], w)
    target_counts = np.zeros(len(names))
    np.add.at(target_counts, [index[x] for x in target], 1.0)
    p = train_mass / train_mass.sum()
    q = target_counts / target_counts.sum()
    out = {"js": float(distance.jensenshannon(p, q, base=2))}
    gaps = np.abs(p - q)
    out["linf"] = float(gaps.max())
    out["linf_category"] = names[int(np.argmax(gaps))]
    ess = float(len(train)) if weights is None else kish(w)
    table = np.vstack([p * ess, target_counts])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] >= 2:
        chi2, pval, dof, expected = stats.chi2_contingency(table, correction=False)
        out["chi2"] = float(chi2)
        out["chi2_p"] = float(pval)
        out["chi2_dof"] = int(dof)
        out["cramers_v"] = float(np.sqrt(chi2 / table.sum()))
        out["chi2_valid"] = bool(expected.min() >= 1 and np.mean(expected >= 5) >= 0.8)
    else:
        out["chi2_dof"] = 0
        out["cramers_v"] = 0.0
    out["missing_in_train"] = [n for n in names if target_counts[index[n]] > 0
                               and train_mass[index[n]] == 0]
    return out


def psi_on_edges(train, w, target, edges, eps=1e-4):
    t = np.bincount(np.searchsorted(edges, target, side="left"), minlength=len(edges) + 1)
    r = np.bincount(np.searchsorted(edges, train, side="left"), weights=w,
                    minlength=len(edges) + 1)
    t = np.maximum(t / len(target), eps)
    r = np.maximum(r / w.sum(), eps)
    return float(np.sum((t - r) * np.log(t / r)))


def bootstrap(case):
    train = np.asarray(case["train"], dtype=np.float64)
    target = np.asarray(case["target"], dtype=np.float64)
    w = np.asarray(case["weights"], dtype=np.float64)
    bins = int(case["psi_bins"])
    edges = np.unique(np.quantile(target, np.arange(1, bins) / bins))
    rng = np.random.default_rng(int(case["seed"]))
    reps = {"w1_normalized": [], "ks": [], "psi": []}
    for _ in range(int(case["replicates"])):
        u = rng.choice(train, size=len(train), replace=True, p=w / w.sum())
        v = rng.choice(target, size=len(target), replace=True)
        reps["w1_normalized"].append(stats.wasserstein_distance(u, v) / np.std(v))
        reps["ks"].append(stats.ks_2samp(u, v, method="asymp").statistic)
        reps["psi"].append(psi_on_edges(u, np.ones_like(u), v, edges))
    tail = (1 - float(case["confidence"])) / 2 * 100
    return {k: [float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))]
            for k, v in reps.items()}


def benjamini_hochberg(p):
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    out = np.empty(m)
    out[order] = q
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    results = []
    for case in cases:
        kind = case["kind"]
        if kind == "numeric":
            results.append(numeric(case))
        elif kind == "categorical":
            results.append(categorical(case))
        elif kind == "kstwo":
            results.append({"sf": [float(stats.kstwo.sf(x, n))
                                   for n, x in zip(case["n"], case["x"])]})
        elif kind == "chi2":
            results.append({"sf": [float(stats.chi2.sf(x, d))
                                   for x, d in zip(case["x"], case["dof"])]})
        elif kind == "bootstrap":
            results.append(bootstrap(case))
        elif kind == "bh":
            results.append({"q": [float(v) for v in benjamini_hochberg(case["p"])]})
        else:
            raise SystemExit(f"unknown case kind {kind!r}")
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
