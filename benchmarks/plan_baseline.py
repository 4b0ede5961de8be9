#!/usr/bin/env python3
"""Baseline for benchmarks/plan: the numerical core of `parity plan` (importance weights, source
mix, herding) written the way a competent Python engineer would, with scikit-learn, NumPy and
SciPy, on the data the benchmark wrote.

    plan_baseline.py --dir DIR [--budget SECONDS]

DIR holds train.npy / target.npy (episodes x features, float64, already standardised on the
target's scale), source.npy (the training episodes' source, int64, n x 1) and meta.json (source
names, the C++ side's default options). Every step follows the definitions of
include/parity/plan/{weights,mix,subset}.h; random draws (folds, centres, subsamples) come from
NumPy's generator, so results agree with ours up to those random parts.

- classifier: LogisticRegression(C, class_weight='balanced', lbfgs, max_iter=1000) on the columns
  and their squares (and pairwise products up to quadratic_max_columns columns: the terms of
  compare::domain_classifier), cross_val_predict over StratifiedKFold(folds, shuffle) for
  out-of-fold p(target | x); p kept in [1e-9, 1 - 1e-9]; odds -> ratio -> the shared
  post-processing (mean 1, cap max_ratio x the mean / clip_quantile, mean 1 again, Kish ESS).
- kliep: one seeded shuffle of the target: the first min(centers, m / 2) rows are the centres,
  the next min(max_target_rows, rest) the objective rows; sigma_0 by the median heuristic (median
  pdist of a seeded bandwidth_subsample-row subsample of train + target); for each factor the
  kernel matrices in NumPy, b_l = mean_i K(x_i, c_l), beta on the simplex fitted by FISTA with
  backtracking and monotone restarts (sort-based Euclidean projection), likelihood
  cross-validation over cv_folds folds (objective row r in fold r mod folds), the final fit on
  all objective rows, ratio(x) = sum_l alpha_l K(x, c_l) for every training row.
- mix: sigma by the median heuristic on all rows; each source subsampled to max_rows_per_source
  rows, the target to max_target_rows; the exact kernel matrix of the pooled rows (NumPy);
  A_st and b_s block means, A_ss and c the U-statistics; scipy.optimize.minimize(SLSQP) of
  pi' A pi - 2 b' pi on the simplex (bounds [0, 1], sum = 1, analytic gradient).
- herding100 / herding1000 (each from scratch, as ours): sigma by the median heuristic; the
  target's embedding mu_Q at every training row from a seeded max_target_rows-row target
  subsample (chunked NumPy kernel blocks), c its U-statistic; greedy herding without
  repetition (one kernel row per step); random_subsets random subsets of the same size scored
  by the same MMD^2.

A greedy loop that would take longer than --budget seconds stops there and its remaining steps
are extrapolated linearly (each step costs the same; the stage's "note" says so, and its MMD^2
checks are then those of the shorter subset).

Prints one JSON object: {"stages": {key: {"wall_s", "cpu_s"[, "note"]}}, "checks": {...},
"maxrss_kb": peak resident set of this process}.
"""
import argparse
import json
import pathlib
import resource
import sys
import time
import warnings

import numpy as np
from scipy.optimize import minimize
from scipy.spatial.distance import pdist
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

CHUNK = 8192  # candidate rows per kernel block


class Stage:
    """Wall and process CPU time of a block, plus extrapolated time."""

    def __init__(self, stages, key):
        self.stages, self.key, self.note = stages, key, None
        self.extra_wall = self.extra_cpu = 0.0

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        entry = {"wall_s": time.perf_counter() - self.wall + self.extra_wall,
                 "cpu_s": time.process_time() - self.cpu + self.extra_cpu}
        if self.note:
            entry["note"] = self.note
        self.stages[self.key] = entry
        return False


def sq_dist(a, b, a_sq=None, b_sq=None):
    a_sq = np.einsum("ij,ij->i", a, a) if a_sq is None else a_sq
    b_sq = np.einsum("ij,ij->i", b, b) if b_sq is None else b_sq
    return np.maximum(a_sq[:, None] + b_sq[None, :] - 2.0 * (a @ b.T), 0.0)


def median_bandwidth(x, y, size, rng):
    pooled = np.vstack([x, y])
    if len(pooled) > size:
        pooled = pooled[np.sort(rng.choice(len(pooled), size, replace=False))]
    return float(np.median(pdist(pooled)))


def finalize(ratio, opt):
    """Steps 2-4 of plan::WeightOptions (no base weights): weights, ESS share, max, clipped."""
    n = len(ratio)
    w = ratio * (n / ratio.sum())
    cap = np.inf
    if opt["clip_quantile"] < 1.0:
        cap = np.quantile(w, opt["clip_quantile"])
    if opt["max_ratio"] > 0:
        cap = min(cap, opt["max_ratio"])
    clipped = int(np.sum(w > cap))
    w = np.minimum(w, cap)
    w *= n / w.sum()
    ess = w.sum() ** 2 / np.sum(w * w)
    return w, dict(ess_fraction=float(ess / n), max_weight=float(w.max()), clipped=clipped)


def mean_gap(x, y, w, columns):
    return float(np.max(np.abs(np.average(x[:, :columns], axis=0, weights=w) -
                               y[:, :columns].mean(axis=0))))


def classifier_weights(x, y, opt):
    d = x.shape[1]
    terms, target_terms = [x, x * x], [y, y * y]
    if d <= opt["quadratic_max_columns"]:
        for c in range(d):
            for e in range(c + 1, d):
                terms.append((x[:, c] * x[:, e])[:, None])
                target_terms.append((y[:, c] * y[:, e])[:, None])
    features = np.vstack([np.hstack(terms), np.hstack(target_terms)])
    labels = np.r_[np.zeros(len(x)), np.ones(len(y))]
    model = LogisticRegression(C=opt["c"], class_weight="balanced", max_iter=1000)
    folds = StratifiedKFold(opt["folds"], shuffle=True, random_state=opt["seed"])
    p = cross_val_predict(model, features, labels, cv=folds, method="predict_proba")[:, 1]
    auc = roc_auc_score(labels, p)
    p_train = np.clip(p[:len(x)], 1e-9, 1 - 1e-9)
    w, summary = finalize(p_train / (1 - p_train), opt)
    summary["auc"] = float(auc)
    return w, summary


def project_simplex(v):
    """Euclidean projection onto the probability simplex (Duchi et al. 2008)."""
    u = np.sort(v)[::-1]
    cumulative = np.cumsum(u) - 1.0
    t = cumulative / np.arange(1, len(v) + 1)
    theta = t[np.nonzero(u - t > 0)[0][-1]]
    return np.maximum(v - theta, 0.0)


def log_likelihood(a, beta, gradient=True):
    v = a @ beta
    if not np.all(v > 0):
        return -np.inf, None
    j = float(np.mean(np.log(v)))
    return j, (a.T @ (1.0 / v)) / len(v) if gradient else None


def kliep_fit(a, opt):
    """Maximises mean log (a beta) over the simplex: FISTA, backtracking, monotone restarts."""
    nc = a.shape[1]
    x = np.full(nc, 1.0 / nc)
    jx, gx = log_likelihood(a, x)
    gap = gx.max() - 1.0
    y, gy, jy = x.copy(), gx.copy(), jx
    t, lipschitz, it = 1.0, 1.0, 0
    while gap > opt["kliep_tolerance"] and it < opt["kliep_max_iterations"]:
        it += 1
        lipschitz *= 0.5
        for _ in range(64):
            z = project_simplex(y + gy / lipschitz)
            jz, _ = log_likelihood(a, z, gradient=False)
            step = z - y
            if jz >= jy + gy @ step - 0.5 * lipschitz * (step @ step):
                break
            lipschitz *= 2.0
        if not jz >= jx:
            y, gy, jy, t = x.copy(), gx.copy(), jx, 1.0
            continue
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        y = z + (t - 1.0) / t_next * (z - x)
        x = z
        jx, gx = log_likelihood(a, x)
        gap = gx.max() - 1.0
        t = t_next
        jy, gy = log_likelihood(a, y)
        if not np.isfinite(jy):
            y, gy, jy, t = x.copy(), gx.copy(), jx, 1.0
    return x, jx


def kliep_weights(x, y, opt, rng):
    m = len(y)
    nc = min(opt["kliep_centers"], m // 2)
    m_used = min(m - nc, opt["kliep_max_target_rows"])
    order = rng.permutation(m)
    centres, objective = y[order[:nc]], y[order[nc:nc + m_used]]
    sigma0 = median_bandwidth(x, y, opt["kliep_bandwidth_subsample"], rng)
    factors = opt["kliep_bandwidth_factors"]
    train_dist = np.vstack([sq_dist(x[i:i + CHUNK], centres) for i in range(0, len(x), CHUNK)])
    objective_dist = sq_dist(objective, centres)
    problems = []
    for f in factors:
        gamma = 1.0 / (2.0 * (f * sigma0) ** 2)
        b = np.exp(-gamma * train_dist).mean(axis=0)
        active = b > 0
        problems.append((gamma, b, active, np.exp(-gamma * objective_dist[:, active]) / b[active]))
    folds = min(opt["kliep_cv_folds"], m_used)
    fold_of = np.arange(m_used) % folds
    scores = []
    for gamma, b, active, a in problems:
        score = 0.0
        for f in range(folds):
            fit_rows = a[fold_of != f]
            fit_rows = fit_rows[np.any(fit_rows > 0, axis=1)]
            beta, _ = kliep_fit(fit_rows, opt)
            held, _ = log_likelihood(a[fold_of == f], beta, gradient=False)
            score += held
        scores.append(score / folds)
    chosen = int(np.argmax(scores))
    gamma, b, active, a = problems[chosen]
    beta, _ = kliep_fit(a[np.any(a > 0, axis=1)], opt)
    alpha = np.zeros(nc)
    alpha[active] = beta / b[active]
    ratio = np.exp(-gamma * train_dist) @ alpha
    w, summary = finalize(ratio, opt)
    summary["bandwidth"] = factors[chosen] * sigma0
    return w, summary


def source_mix(x, source, k, y, opt, rng):
    bandwidth = median_bandwidth(x, y, opt["mix_bandwidth_subsample"], rng)
    gamma = 1.0 / (2.0 * bandwidth * bandwidth)
    cap = opt["mix_max_rows_per_source"]
    blocks = []
    for s in range(k):
        rows = np.nonzero(source == s)[0]
        if len(rows) > cap:
            rows = np.sort(rng.choice(rows, cap, replace=False))
        blocks.append(x[rows])
    target = y
    if len(y) > opt["mix_max_target_rows"]:
        target = y[np.sort(rng.choice(len(y), opt["mix_max_target_rows"], replace=False))]
    blocks.append(target)
    pooled = np.vstack(blocks)
    if len(pooled) > opt["mix_exact_max_rows"]:
        raise SystemExit("plan_baseline: more pooled rows than the exact estimator takes")
    kernel = np.exp(-gamma * sq_dist(pooled, pooled))
    edges = np.cumsum([0] + [len(block) for block in blocks])
    means = np.empty((k + 1, k + 1))
    for s in range(k + 1):
        for t in range(k + 1):
            part = kernel[edges[s]:edges[s + 1], edges[t]:edges[t + 1]]
            size = len(part)
            if s == t:  # U-statistic: without the diagonal K(x, x) = 1
                means[s, t] = (part.sum() - size) / (size * (size - 1))
            else:
                means[s, t] = part.mean()
    a, b, c = means[:k, :k], means[:k, k], means[k, k]
    shares = np.bincount(source, minlength=k) / len(source)

    def mmd2(pi):
        return float(pi @ a @ pi - 2 * b @ pi + c)

    result = minimize(lambda pi: pi @ a @ pi - 2 * b @ pi, np.full(k, 1.0 / k),
                      jac=lambda pi: 2 * a @ pi - 2 * b, method="SLSQP",
                      bounds=[(0.0, 1.0)] * k,
                      constraints=[{"type": "eq", "fun": lambda pi: pi.sum() - 1.0,
                                    "jac": lambda pi: np.ones_like(pi)}],
                      options={"ftol": 1e-14, "maxiter": 1000})
    pi = np.clip(result.x, 0.0, None)
    pi /= pi.sum()
    return pi, dict(mmd2=mmd2(pi), current_mmd2=mmd2(shares), bandwidth=bandwidth)


def herding(x, y, budget, opt, rng, budget_s, stage):
    n = len(x)
    bandwidth = median_bandwidth(x, y, opt["subset_bandwidth_subsample"], rng)
    gamma = 1.0 / (2.0 * bandwidth * bandwidth)
    reference = y
    if len(y) > opt["subset_max_target_rows"]:
        reference = y[np.sort(rng.choice(len(y), opt["subset_max_target_rows"], replace=False))]
    m = len(reference)
    x_sq = np.einsum("ij,ij->i", x, x)
    ref_sq = np.einsum("ij,ij->i", reference, reference)
    mu = np.concatenate([
        np.exp(-gamma * sq_dist(x[i:i + CHUNK], reference, x_sq[i:i + CHUNK], ref_sq)).mean(axis=1)
        for i in range(0, n, CHUNK)])
    c = (np.exp(-gamma * sq_dist(reference, reference, ref_sq, ref_sq)).sum() - m) / (m * (m - 1))

    acc = np.zeros(n)  # sum over the chosen rows of K(x_i, x_j)
    chosen = np.zeros(n, dtype=bool)
    picks = []
    sum_kk = sum_mu = 0.0
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    for t in range(budget):
        score = mu - acc / (t + 1)
        score[chosen] = -np.inf
        pick = int(np.argmax(score))  # first maximum: ties go to the lower row
        chosen[pick] = True
        picks.append(pick)
        sum_kk += 2 * acc[pick] + 1.0
        sum_mu += mu[pick]
        if t + 1 < budget:
            acc += np.exp(-gamma * np.maximum(x_sq + x_sq[pick] - 2.0 * (x @ x[pick]), 0.0))
        if t + 1 < budget and time.perf_counter() - start_wall > budget_s:
            factor = budget / (t + 1) - 1
            stage.extra_wall = (time.perf_counter() - start_wall) * factor
            stage.extra_cpu = (time.process_time() - start_cpu) * factor
            stage.note = f"greedy extrapolated from {t + 1} of {budget} steps"
            break
    size = len(picks)
    mmd2 = sum_kk / size ** 2 - 2 * sum_mu / size + c

    random_mmd2 = []
    for _ in range(opt["subset_random_subsets"]):
        pick = rng.choice(n, size, replace=False)
        rows, rows_sq = x[pick], x_sq[pick]
        total = np.exp(-gamma * sq_dist(rows, rows, rows_sq, rows_sq)).sum()
        random_mmd2.append(total / size ** 2 - 2 * mu[pick].sum() / size + c)
    random_mmd2 = np.array(random_mmd2)
    return dict(mmd2=float(mmd2), random_mean=float(random_mmd2.mean()),
                beats_random=float(np.mean(mmd2 < random_mmd2)), bandwidth=bandwidth)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--budget", type=float, default=120.0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    folder = pathlib.Path(args.dir)
    meta = json.loads((folder / "meta.json").read_text())
    opt = meta["options"]
    x = np.load(folder / "train.npy")
    y = np.load(folder / "target.npy")
    source = np.load(folder / "source.npy")[:, 0]
    names = meta["sources"]
    columns = meta["checked_columns"]
    rng = np.random.default_rng(opt["seed"])
    stages, checks = {}, {"unweighted_mean_gap": mean_gap(x, y, None, columns)}

    with Stage(stages, "classifier"):
        w, summary = classifier_weights(x, y, opt)
    checks.update({f"classifier_{key}": value for key, value in summary.items()})
    checks["classifier_mean_gap"] = mean_gap(x, y, w, columns)
    with Stage(stages, "kliep"):
        w, summary = kliep_weights(x, y, opt, rng)
    checks.update({f"kliep_{key}": value for key, value in summary.items()})
    checks["kliep_mean_gap"] = mean_gap(x, y, w, columns)
    with Stage(stages, "mix"):
        pi, summary = source_mix(x, source, len(names), y, opt, rng)
    checks.update({f"mix_pi_{name}": float(p) for name, p in zip(names, pi)})
    checks.update({f"mix_{key}": value for key, value in summary.items()})
    for budget in (100, 1000):
        if budget > len(x):
            continue
        key = f"herding{budget}"
        with Stage(stages, key) as stage:
            summary = herding(x, y, budget, opt, rng, args.budget, stage)
        checks.update({f"{key}_{name}": value for name, value in summary.items()})
    json.dump({"stages": stages, "checks": checks,
               "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, sys.stdout)


if __name__ == "__main__":
    main()
