#!/usr/bin/env python3
"""Independent oracle for src/evaluation/stats (intervals, two-policy tests, correlations).

Usage: eval_stats.py INPUT.json
INPUT holds lists:
  intervals     [k, n, confidence]: Wilson (scipy.stats.norm.ppf), Clopper-Pearson and Jeffreys
                (scipy.stats.beta.ppf), the latter two with bound 0 at k = 0 and 1 at k = n
  tables        [k_a, n_a, k_b, n_b]: scipy.stats.fisher_exact; pooled z-test (norm.sf);
                P(p_b > p_a) under Beta(1, 1) priors by numerical integration of
                pdf_b(x) cdf_a(x) over [0, 1] (scipy.stats.beta pdf / cdf, 100 panels of
                32-point Gauss-Legendre)
  unconditional [k_a, n_a, k_b, n_b, margins]: scipy.stats.barnard_exact (pooled) and
                boschloo_exact, n=200, on [[k_a, k_b], [n_a-k_a, n_b-k_b]] (margins
                "policies", each policy a column) or [[k_a, n_a-k_a], [k_b, n_b-k_b]]
                ("outcomes")
  mcnemar       [a_only, b_only]: 2 * scipy.stats.binom.cdf(min, a_only + b_only, 0.5), capped
                at 1, as statsmodels' mcnemar(exact=True); and scipy.stats.binomtest
  correlations  {"x": [...], "y": [...]}: scipy.stats.pearsonr, spearmanr, kendalltau (tau-b)
  adjust        [p, ...]: Holm and Benjamini-Hochberg, re-implemented with NumPy sorts
  tails         [f, n, p]: scipy.stats.binom.sf(f - 1, n, p)
Prints one JSON object with a list per key, in input order.
"""
import json
import math
import sys

import numpy as np
from scipy import stats

_GL_X, _GL_W = np.polynomial.legendre.leggauss(32)
_EDGES = np.linspace(0.0, 1.0, 101)
NODES = (0.5 * (_EDGES[1:, None] - _EDGES[:-1, None]) * _GL_X[None, :]
         + 0.5 * (_EDGES[1:, None] + _EDGES[:-1, None])).ravel()
WEIGHTS = (0.5 * (_EDGES[1:, None] - _EDGES[:-1, None]) * _GL_W[None, :]).ravel()


def interval(k, n, confidence):
    alpha = 1.0 - confidence
    z = stats.norm.ppf(1.0 - alpha / 2.0)
    p = k / n
    centre = (k + z * z / 2.0) / (n + z * z)
    half = z * math.sqrt(n) / (n + z * z) * math.sqrt(p * (1.0 - p) + z * z / (4.0 * n))
    wilson = [0.0 if k == 0 else centre - half, 1.0 if k == n else centre + half]
    cp = [0.0 if k == 0 else stats.beta.ppf(alpha / 2.0, k, n - k + 1),
          1.0 if k == n else stats.beta.ppf(1.0 - alpha / 2.0, k + 1, n - k)]
    jeffreys = [0.0 if k == 0 else stats.beta.ppf(alpha / 2.0, k + 0.5, n - k + 0.5),
                1.0 if k == n else stats.beta.ppf(1.0 - alpha / 2.0, k + 0.5, n - k + 0.5)]
    return {"wilson": wilson, "clopper_pearson": [float(v) for v in cp],
            "jeffreys": [float(v) for v in jeffreys]}


def table(ka, na, kb, nb):
    fisher = stats.fisher_exact([[ka, kb], [na - ka, nb - kb]]).pvalue
    p = (ka + kb) / (na + nb)
    if p <= 0.0 or p >= 1.0:
        z, zp = 0.0, 1.0
    else:
        z = (kb / nb - ka / na) / math.sqrt(p * (1 - p) * (1 / na + 1 / nb))
        zp = 2.0 * stats.norm.sf(abs(z))
    x = NODES
    bayes = np.sum(WEIGHTS * stats.beta.pdf(x, kb + 1, nb - kb + 1)
                   * stats.beta.cdf(x, ka + 1, na - ka + 1))
    return {"fisher": float(fisher), "z": float(z), "z_p": float(zp), "bayes": float(bayes)}


def unconditional(ka, na, kb, nb, margins):
    if margins == "policies":
        t = [[ka, kb], [na - ka, nb - kb]]
    else:
        t = [[ka, na - ka], [kb, nb - kb]]
    return {"barnard": float(stats.barnard_exact(t, pooled=True, n=200).pvalue),
            "boschloo": float(stats.boschloo_exact(t, n=200).pvalue)}


def mcnemar(a_only, b_only):
    d = a_only + b_only
    exact = min(1.0, 2.0 * stats.binom.cdf(min(a_only, b_only), d, 0.5)) if d > 0 else 1.0
    test = stats.binomtest(a_only, d, 0.5).pvalue if d > 0 else 1.0
    return {"statsmodels_formula": float(exact), "binomtest": float(test)}


def correlations(x, y):
    return {"pearson": float(stats.pearsonr(x, y)[0]),
            "spearman": float(stats.spearmanr(x, y)[0]),
            "kendall": float(stats.kendalltau(x, y)[0])}


def adjust(p):
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    holm = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        holm[i] = running
    bh = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, min(1.0, m * p[i] / (rank + 1)))
        bh[i] = running
    return {"holm": holm.tolist(), "bh": bh.tolist()}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    out = {
        "intervals": [interval(*row) for row in spec.get("intervals", [])],
        "tables": [table(*row) for row in spec.get("tables", [])],
        "unconditional": [unconditional(*row) for row in spec.get("unconditional", [])],
        "mcnemar": [mcnemar(*row) for row in spec.get("mcnemar", [])],
        "correlations": [correlations(c["x"], c["y"]) for c in spec.get("correlations", [])],
        "adjust": [adjust(p) for p in spec.get("adjust", [])],
        "tails": [float(stats.binom.sf(f - 1, n, p)) for f, n, p in spec.get("tails", [])],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
