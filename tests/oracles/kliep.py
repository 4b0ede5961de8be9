#!/usr/bin/env python3
"""Independent NumPy oracle for KLIEP (src/plan/math/kliep.cc; Sugiyama et al. 2008).

Usage: kliep.py INPUT.json
INPUT holds "train" (rows), "base_weights" (null = equal), "target" (rows), "centers" and
"objective_rows" (target row indices, as chosen by the C++ code's seeded shuffle), "sigma0",
"factors", "cv_folds", "max_iterations", "tolerance", "clip_quantile", "max_ratio".
It re-implements in NumPy, on full kernel matrices, the same problem and the same iterations:
  ratio(x) = sum_l alpha_l exp(-|x - c_l|^2 / (2 sigma^2)), b_l = sum_i a_i K(x_i, c_l);
  in beta = b * alpha on the simplex, maximise J = mean_j log (A~ beta)_j, A~_jl = K(y_j, c_l)/b_l,
  by FISTA with backtracking (L halved before each step, doubled until the quadratic lower
  bound holds) and monotone restarts, until max_l dJ/dbeta_l - 1 <= tolerance;
  likelihood cross-validation over the factors (fold of objective position r = r mod folds);
then the clipping and normalisation of parity/plan/weights.h.
Prints one JSON object: cv (per factor), chosen, sigma, alpha, log_likelihood, iterations, gap,
ratio, weights, ess, max_weight, clipped.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import cdist


def loglik(a, beta, grad=False):
    v = a @ beta
    if np.any(v <= 0.0):
        return (-np.inf, None) if grad else -np.inf
    j = float(np.mean(np.log(v)))
    if grad:
        return j, a.T @ (1.0 / v) / len(v)
    return j


def project(v, active):
    """Euclidean projection of v[active] onto the simplex (Duchi et al. 2008); zeros elsewhere."""
    u = np.sort(v[active])[::-1]
    css = np.cumsum(u)
    t = (css - 1.0) / np.arange(1, len(u) + 1)
    theta = t[np.nonzero(u - t > 0)[0][-1]]
    out = np.zeros_like(v)
    out[active] = np.maximum(0.0, v[active] - theta)
    return out


def fit(a, active, max_it, tol):
    k = a.shape[1]
    x = np.zeros(k)
    x[active] = 1.0 / active.sum()
    jx, gx = loglik(a, x, True)
    gap = gx[active].max() - 1.0
    y, gy, jy = x.copy(), gx.copy(), jx
    t, lip, it = 1.0, 1.0, 0
    while gap > tol and it < max_it:
        it += 1
        lip *= 0.5
        for _ in range(64):
            z = project(y + gy / lip, active)
            jz = loglik(a, z)
            d = z - y
            if jz >= jy + gy @ d - 0.5 * lip * (d @ d):
                break
            lip *= 2.0
        if not jz >= jx:
            y, gy, jy, t = x.copy(), gx.copy(), jx, 1.0
            continue
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        y = z + (t - 1.0) / t_next * (z - x)
        x = z
        jx, gx = loglik(a, x, True)
        gap = gx[active].max() - 1.0
        t = t_next
        jy, gy = loglik(a, y, True)
        if not np.isfinite(jy):
            y, gy, jy, t = x.copy(), gx.copy(), jx, 1.0
    return x, jx, it, gap


def finalize(ratio, base, q, max_ratio):
    used = base > 0
    w = np.where(used, base * ratio, 0.0)
    w[used] *= used.sum() / w[used].sum()
    cap = np.inf
    if q < 1.0:
        cap = np.quantile(w[used], q)
    if max_ratio > 0:
        cap = min(cap, max_ratio)
    clipped = int(np.sum(w[used] > cap))
    w[used] = np.minimum(w[used], cap)
    w[used] *= used.sum() / w[used].sum()
    ess = w[used].sum() ** 2 / np.sum(w[used] ** 2)
    return w, float(ess), float(w.max()), clipped


def main():
    with open(sys.argv[1]) as f:
        inp = json.load(f)
    x = np.array(inp["train"], dtype=float)
    y = np.array(inp["target"], dtype=float)
    base = np.ones(len(x)) if inp["base_weights"] is None else np.array(inp["base_weights"])
    a_norm = base / base.sum()
    centres = y[inp["centers"]]
    objective = y[inp["objective_rows"]]
    factors = inp["factors"]
    max_it = inp["max_iterations"]
    tol = inp["tolerance"]
    folds = inp["cv_folds"]
    d_obj = cdist(objective, centres, "sqeuclidean")
    d_train = cdist(x, centres, "sqeuclidean")
    problems = []
    for f in factors:
        gamma = 1.0 / (2.0 * (f * inp["sigma0"]) ** 2)
        b = a_norm @ np.exp(-gamma * d_train)
        active = b > 0
        a = np.where(active[None, :], np.exp(-gamma * d_obj) / np.where(active, b, 1.0), 0.0)
        problems.append((gamma, a, b, active))
    cv = []
    chosen = 0
    if len(factors) > 1:
        pos = np.arange(len(objective))
        best = -np.inf
        for h, (_, a, b, active) in enumerate(problems):
            score = 0.0
            for k in range(folds):
                rows = a[pos % folds != k]
                rows = rows[(rows[:, active] > 0).any(axis=1)]
                beta, _, _, _ = fit(rows, active, max_it, tol)
                score += loglik(a[pos % folds == k], beta)
            score /= folds
            cv.append(score)
            if score > best:
                best, chosen = score, h
    gamma, a, b, active = problems[chosen]
    beta, obj, it, gap = fit(a[(a[:, active] > 0).any(axis=1)], active, max_it, tol)
    alpha = np.where(active, beta / np.where(active, b, 1.0), 0.0)
    ratio = np.exp(-gamma * d_train) @ alpha
    w, ess, max_w, clipped = finalize(ratio, base, inp["clip_quantile"], inp["max_ratio"])
    json.dump({
        "cv": [s if np.isfinite(s) else None for s in cv],
        "chosen": chosen,
        "sigma": factors[chosen] * inp["sigma0"],
        "alpha": alpha.tolist(),
        "log_likelihood": obj,
        "iterations": it,
        "gap": gap,
        "ratio": ratio.tolist(),
        "weights": w.tolist(),
        "ess": ess,
        "max_weight": max_w,
        "clipped": clipped,
    }, sys.stdout)


if __name__ == "__main__":
    main()
