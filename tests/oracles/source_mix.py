#!/usr/bin/env python3
"""Independent oracle for the source mix (src/plan/math/source_mix.cc, exact estimator).

Usage: source_mix.py INPUT.json
INPUT holds "train" (rows), "source" (per row, 0..k-1), "source_count", "base_weights" (null =
equal), "target" (rows), "bandwidth". With NumPy / SciPy on full kernel matrices:
  A_st = sum_{i in s, i' in t} a_i a_i' K(x_i, x_i')  (s != t), A_ss the weighted U-statistic
         (pairs i != i', divided by 1 - sum a_i^2), a = base weights normalised within each source
         (equal weights in a source whose base weights are all zero);
  b_s  = sum_{i in s} a_i mean_j K(x_i, y_j);  c = the target's U-statistic;
then min pi' A pi - 2 b' pi on the simplex with scipy.optimize.minimize(method="SLSQP", ftol 1e-15)
from the uniform mix. Prints {"gram", "affinity", "target_self", "proportions", "mmd2"}.
"""
import json
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.spatial.distance import cdist


def main():
    with open(sys.argv[1]) as f:
        inp = json.load(f)
    x = np.array(inp["train"], dtype=float)
    y = np.array(inp["target"], dtype=float)
    src = np.array(inp["source"])
    k = inp["source_count"]
    base = np.ones(len(x)) if inp["base_weights"] is None else np.array(inp["base_weights"])
    gamma = 1.0 / (2.0 * inp["bandwidth"] ** 2)

    def kern(u, v):
        return np.exp(-gamma * cdist(u, v, "sqeuclidean"))

    a = np.zeros(len(x))
    for s in range(k):
        sel = src == s
        w = base[sel] if base[sel].sum() > 0 else np.ones(sel.sum())
        a[sel] = w / w.sum()
    gram = np.zeros((k, k))
    aff = np.zeros(k)
    for s in range(k):
        xs, as_ = x[src == s], a[src == s]
        aff[s] = as_ @ kern(xs, y).mean(axis=1)
        for t in range(k):
            xt, at = x[src == t], a[src == t]
            kst = kern(xs, xt)
            if s == t:
                sa2 = np.sum(as_ ** 2)
                gram[s, s] = (as_ @ kst @ as_ - sa2) / (1.0 - sa2)
            else:
                gram[s, t] = as_ @ kst @ at
    m = len(y)
    kyy = kern(y, y)
    c = (kyy.sum() - m) / (m * (m - 1))

    def f(p):
        return p @ gram @ p - 2.0 * aff @ p

    def g(p):
        return 2.0 * gram @ p - 2.0 * aff

    res = minimize(f, np.full(k, 1.0 / k), jac=g, method="SLSQP", bounds=[(0.0, 1.0)] * k,
                   constraints=[{"type": "eq", "fun": lambda p: p.sum() - 1.0,
                                 "jac": lambda p: np.ones(k)}],
                   options={"ftol": 1e-15, "maxiter": 1000})
    pi = np.clip(res.x, 0.0, None)
    pi /= pi.sum()
    json.dump({
        "gram": gram.ravel().tolist(),
        "affinity": aff.tolist(),
        "target_self": float(c),
        "proportions": pi.tolist(),
        "mmd2": float(f(pi) + c),
    }, sys.stdout)


if __name__ == "__main__":
    main()
