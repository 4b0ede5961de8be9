#!/usr/bin/env python3
"""Baseline for benchmarks/compare: the statistics of `parity compare` written the way a competent
Python engineer would, with SciPy, scikit-learn and NumPy, on the data the benchmark wrote.

    compare_baseline.py --dir DIR [--budget SECONDS]

DIR holds train.npy / target.npy (episodes x features, float64, NaN = missing),
train_attributes.npy / target_attributes.npy (episodes x attributes, int32 category codes) and
meta.json (feature and attribute names, the options the C++ side uses). Every step runs on the
same definitions as docs/metrics.md:

- numeric: per feature (missing values dropped) scipy.stats.wasserstein_distance / target SD,
  scipy.stats.ks_2samp (method 'auto': exact up to 10,000 per side), PSI on the target's deciles
  (np.quantile, right-closed bins, shares floored at epsilon); Benjamini-Hochberg over the p-values.
- bootstrap: per feature, B replicates resampling both sides with replacement, each recomputing
  W1 / SD, the KS statistic (ks_2samp, method 'asymp': only the statistic is used) and PSI on the
  original edges; percentile intervals.
- categorical: np.bincount shares, scipy.spatial.distance.jensenshannon(base=2), L-inf,
  scipy.stats.chi2_contingency(correction=False), Cramer's V.
- slices: 1- and 2-wise combination codes, np.bincount per side, under-supported slices
  (training count < minimum), the target share outside them.
- standardize: the target's nanmean / nanstd per column, missing -> 0.
- mmd: RBF kernel, median heuristic on a seeded 1000-row subsample (scipy pdist); the exact
  U-statistic on the kernel matrix when the pooled rows fit the C++ side's exact limit, else
  random Fourier features (same D); permutation p-value with the same count.
- classifier: sklearn LogisticRegression(C, class_weight='balanced', lbfgs, max_iter=1000) on the
  columns and their squares (and products up to 16 columns), cross_val_predict over
  StratifiedKFold(5, shuffle) -> roc_auc_score; a fit on all rows for the drivers.
- prdc: seeded subsample of at most 10,000 rows per side, sklearn NearestNeighbors for the k-NN
  radii, sklearn.metrics.pairwise_distances_chunked for the cross distances; k from the expected
  coverage rule.

A step whose replicates (bootstrap, permutations) would take longer than --budget seconds runs
the number of replicates that fits, and its time is extrapolated linearly to the full count
(the "note" of the stage says so).

Prints one JSON object: {"stages": {key: {"wall_s", "cpu_s"[, "note"]}}, "checks": {...},
"mmd_estimator": "exact" | "rff", "maxrss_kb": peak resident set of this process}.
"""
import argparse
import json
import math
import pathlib
import resource
import sys
import time
import warnings

import numpy as np
from scipy.spatial.distance import jensenshannon, pdist
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances_chunked, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.neighbors import NearestNeighbors


class Stage:
    """Wall and process CPU time of a block; `scale` extrapolates a measured fraction."""

    def __init__(self, stages, key):
        self.stages, self.key, self.scale, self.note = stages, key, 1.0, None
        self.extra_wall = self.extra_cpu = 0.0  # extrapolated time added to the measured

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        entry = {"wall_s": wall * self.scale + self.extra_wall,
                 "cpu_s": cpu * self.scale + self.extra_cpu}
        if self.note:
            entry["note"] = self.note
        self.stages[self.key] = entry
        return False


def spread(v):
    sd = v.std()
    return sd if sd > 0 else 1.0


def psi(edges, u, v, eps):
    k = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, u, side="left"), minlength=k) / len(u)
    t = np.bincount(np.searchsorted(edges, v, side="left"), minlength=k) / len(v)
    r, t = np.maximum(r, eps), np.maximum(t, eps)
    return float(np.sum((t - r) * np.log(t / r)))


def benjamini_hochberg(p):
    p = np.asarray(p)
    order = np.argsort(p)
    m = len(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


def numeric(train, target, opt, checks):
    columns = []
    w1s, kss, psis, ps = [], [], [], []
    for c in range(train.shape[1]):
        u = train[:, c][~np.isnan(train[:, c])]
        v = target[:, c][~np.isnan(target[:, c])]
        edges = np.unique(np.quantile(v, np.arange(1, opt["psi_bins"]) / opt["psi_bins"]))
        w1s.append(wasserstein_distance(u, v) / spread(v))
        ks = ks_2samp(u, v)
        kss.append(ks.statistic)
        ps.append(ks.pvalue)
        psis.append(psi(edges, u, v, opt["psi_epsilon"]))
        columns.append((u, v, edges))
    q = benjamini_hochberg(ps)
    checks.update(sum_w1_normalized=float(np.sum(w1s)), sum_ks=float(np.sum(kss)),
                  sum_psi=float(np.sum(psis)), ks_q_below_fdr=int(np.sum(q <= opt["fdr"])))
    return columns


def bootstrap(columns, replicates, opt, rng):
    """Percentile intervals from `replicates` resamples per feature; returns the mean W1 width."""
    tail = (1 - opt["confidence"]) / 2
    widths = []
    for u, v, edges in columns:
        w1, ks, ps = [], [], []
        for _ in range(replicates):
            ub = u[rng.integers(0, len(u), len(u))]
            vb = v[rng.integers(0, len(v), len(v))]
            w1.append(wasserstein_distance(ub, vb) / spread(vb))
            ks.append(ks_2samp(ub, vb, method="asymp").statistic)
            ps.append(psi(edges, ub, vb, opt["psi_epsilon"]))
        lo, hi = np.quantile(w1, [tail, 1 - tail])
        np.quantile(ks, [tail, 1 - tail])
        np.quantile(ps, [tail, 1 - tail])
        widths.append(hi - lo)
    return float(np.mean(widths))


def categorical(train_codes, target_codes, meta, checks):
    js = linf = cramers_v = 0.0
    missing = 0
    for a, attribute in enumerate(meta["attributes"]):
        k = len(attribute["values"])
        ct = np.bincount(train_codes[:, a], minlength=k)
        cv = np.bincount(target_codes[:, a], minlength=k)
        p, q = ct / ct.sum(), cv / cv.sum()
        js += float(jensenshannon(p, q, base=2))
        gap = np.abs(p - q)
        linf += float(gap.max())
        _ = attribute["values"][int(np.argmax(gap))]
        table = np.vstack([ct, cv])
        table = table[:, table.sum(axis=0) > 0]
        chi2, _, _, _ = chi2_contingency(table, correction=False)
        cramers_v += math.sqrt(chi2 / table.sum())
        missing += int(np.sum((cv > 0) & (ct == 0)))
    checks.update(sum_js=js, sum_linf=linf, sum_cramers_v=cramers_v, missing_in_train=missing)


def slices(train_codes, target_codes, meta, opt, checks):
    sizes = [len(a["values"]) for a in meta["attributes"]]
    groups = [(a,) for a in range(len(sizes))]
    if opt["max_order"] >= 2:
        groups += [(a, b) for a in range(len(sizes)) for b in range(a + 1, len(sizes))]
    supported = np.ones(len(target_codes), dtype=bool)
    rows = []  # (gap, target share, train count) of every slice the target shows
    for group in groups:
        code_t = np.zeros(len(train_codes), dtype=np.int64)
        code_v = np.zeros(len(target_codes), dtype=np.int64)
        cells = 1
        for a in group:
            code_t = code_t * sizes[a] + train_codes[:, a]
            code_v = code_v * sizes[a] + target_codes[:, a]
            cells *= sizes[a]
        count_t = np.bincount(code_t, minlength=cells)
        count_v = np.bincount(code_v, minlength=cells)
        shown = count_v > 0
        target_share = count_v[shown] / len(target_codes)
        train_share = count_t[shown] / len(train_codes)
        gap = target_share * np.maximum(0.0, 1.0 - count_t[shown] / opt["min_train_count"])
        rows.append(np.column_stack([gap, target_share, train_share, count_t[shown]]))
        supported &= count_t[code_v] >= opt["min_train_count"]
    table = np.vstack(rows)
    table = table[np.lexsort((-table[:, 1], -table[:, 0]))]  # ranked by gap, then share
    checks.update(slices=len(table), under_supported_slices=int(np.sum(table[:, 3] <
                                                                        opt["min_train_count"])),
                  unsupported_target_mass=float(1.0 - supported.mean()))


def standardize(train, target):
    mean = np.nanmean(target, axis=0)
    sd = np.nanstd(target, axis=0)
    sd[sd == 0] = 1.0
    x = np.nan_to_num((train - mean) / sd, nan=0.0)
    y = np.nan_to_num((target - mean) / sd, nan=0.0)
    return x, y


def mmd(x, y, opt, rng, budget, stage):
    n, m = len(x), len(y)
    pooled = np.vstack([x, y])
    big_n = n + m
    sub = pooled[np.sort(rng.choice(big_n, opt["bandwidth_subsample"], replace=False))] \
        if big_n > opt["bandwidth_subsample"] else pooled
    bandwidth = float(np.median(pdist(sub)))
    gamma = 1.0 / (2 * bandwidth * bandwidth)
    permutations = opt["permutations"]
    if big_n <= opt["exact_max_rows"]:
        estimator = "exact"
        sq = np.sum(pooled * pooled, axis=1)
        kernel = np.exp(-gamma * np.maximum(sq[:, None] + sq[None, :] - 2 * pooled @ pooled.T, 0))
        row_total = kernel.sum(axis=1)
        total = row_total.sum()

        def statistic(in_x):
            t = in_x.astype(float)
            xx = t @ kernel @ t
            yy = total - 2 * t @ row_total + xx
            xy = t @ row_total - xx
            return (xx - n) / (n * (n - 1)) + (yy - m) / (m * (m - 1)) - 2 * xy / (n * m)
    else:
        estimator = "rff"
        d = opt["rff_features"]
        w = rng.normal(size=(x.shape[1], d)) / bandwidth
        phase = rng.uniform(0, 2 * np.pi, d)
        phi = np.sqrt(2.0 / d) * np.cos(pooled @ w + phase)
        norms = np.einsum("ij,ij->i", phi, phi)
        phi_total, norm_total = phi.sum(axis=0), norms.sum()

        def statistic(in_x):
            t = in_x.astype(float)
            sx = t @ phi
            sy = phi_total - sx
            nx = t @ norms
            return ((sx @ sx - nx) / (n * (n - 1)) + (sy @ sy - (norm_total - nx)) / (m * (m - 1))
                    - 2 * (sx @ sy) / (n * m))
    first = np.zeros(big_n, dtype=bool)
    first[:n] = True
    observed = statistic(first)
    # Permutations until the budget is spent; the rest of the loop is extrapolated.
    wall, cpu = time.perf_counter(), time.process_time()
    at_least = done = 0
    while done < permutations and (done == 0 or time.perf_counter() - wall < budget):
        in_x = np.zeros(big_n, dtype=bool)
        in_x[rng.permutation(big_n)[:n]] = True
        at_least += statistic(in_x) >= observed
        done += 1
    if done < permutations:
        factor = permutations / done - 1
        stage.extra_wall = (time.perf_counter() - wall) * factor
        stage.extra_cpu = (time.process_time() - cpu) * factor
        stage.note = f"extrapolated from {done} of {permutations} permutations"
    p_value = (1 + at_least) / (1 + done)
    return estimator, float(observed), float(p_value), bandwidth


def classifier(x, y, opt):
    d = x.shape[1]
    terms = [x * 1.0, x * x]
    target_terms = [y * 1.0, y * y]
    columns = list(range(d)) + list(range(d))
    if d <= opt["quadratic_max_columns"]:
        for c in range(d):
            for e in range(c + 1, d):
                terms.append((x[:, c] * x[:, e])[:, None])
                target_terms.append((y[:, c] * y[:, e])[:, None])
                columns.append(c)
    features = np.vstack([np.hstack(terms), np.hstack(target_terms)])
    labels = np.r_[np.zeros(len(x)), np.ones(len(y))]
    model = LogisticRegression(C=opt["c"], class_weight="balanced", max_iter=1000)
    folds = StratifiedKFold(opt["folds"], shuffle=True, random_state=opt["seed"])
    p = cross_val_predict(model, features, labels, cv=folds, method="predict_proba")[:, 1]
    auc = roc_auc_score(labels, p)
    model.fit(features, labels)
    top = columns[int(np.argmax(np.abs(model.coef_[0])))]
    return float(auc), top


def prdc(x, y, opt, rng):
    cap = opt["max_rows_per_side"]
    real = y[np.sort(rng.choice(len(y), cap, replace=False))] if len(y) > cap else y
    fake = x[np.sort(rng.choice(len(x), cap, replace=False))] if len(x) > cap else x
    nr, nf = len(real), len(fake)
    k = min(nr, nf) - 1
    for kk in range(1, min(nr, nf) - 1):
        if 1 - np.prod((nr - np.arange(1, kk + 1)) / (nr + nf - np.arange(1, kk + 1))) >= \
                opt["expected_coverage"]:
            k = kk
            break
    real_r = NearestNeighbors(n_neighbors=k + 1).fit(real).kneighbors(real)[0][:, k]
    fake_r = NearestNeighbors(n_neighbors=k + 1).fit(fake).kneighbors(fake)[0][:, k]
    inside = np.zeros(nf)
    in_fake_ball = np.zeros(nr, dtype=bool)
    nearest = np.full(nr, np.inf)
    start = 0
    for chunk in pairwise_distances_chunked(fake, real):
        rows = slice(start, start + len(chunk))
        inside[rows] = (chunk < real_r[None, :]).sum(axis=1)
        in_fake_ball |= (chunk < fake_r[rows, None]).any(axis=0)
        np.minimum(nearest, chunk.min(axis=0), out=nearest)
        start += len(chunk)
    return dict(precision=float(np.mean(inside > 0)), recall=float(in_fake_ball.mean()),
                density=float(inside.mean() / k), coverage=float(np.mean(nearest < real_r)), k=k)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--budget", type=float, default=60.0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    folder = pathlib.Path(args.dir)
    meta = json.loads((folder / "meta.json").read_text())
    opt = meta["options"]
    train = np.load(folder / "train.npy")
    target = np.load(folder / "target.npy")
    train_codes = np.load(folder / "train_attributes.npy")
    target_codes = np.load(folder / "target_attributes.npy")
    rng = np.random.default_rng(opt["seed"])
    stages, checks = {}, {}

    with Stage(stages, "numeric"):
        columns = numeric(train, target, opt, checks)
    with Stage(stages, "bootstrap") as stage:
        replicates = opt["bootstrap"]
        if replicates > 0:
            # One replicate of every feature says how many fit in the budget.
            start = time.perf_counter()
            bootstrap(columns, 1, opt, rng)
            per_replicate = time.perf_counter() - start
            replicates = max(1, min(replicates, int(args.budget / max(per_replicate, 1e-9))))
            if replicates < opt["bootstrap"]:
                stage.scale = opt["bootstrap"] / (replicates + 1)
                stage.note = f"extrapolated from {replicates + 1} of {opt['bootstrap']} replicates"
            else:
                replicates -= 1
            checks["mean_w1_interval_width"] = bootstrap(columns, replicates, opt, rng)
    with Stage(stages, "categorical"):
        categorical(train_codes, target_codes, meta, checks)
    with Stage(stages, "slices"):
        slices(train_codes, target_codes, meta, opt, checks)
    with Stage(stages, "standardize"):
        x, y = standardize(train, target)
    with Stage(stages, "mmd") as stage:
        estimator, mmd2, mmd_p, bandwidth = mmd(x, y, opt, rng, args.budget, stage)
    checks.update(mmd2=mmd2, mmd_p=mmd_p, mmd_bandwidth=bandwidth)
    with Stage(stages, "classifier"):
        checks["auc"], checks["top_feature"] = classifier(x, y, opt)
    with Stage(stages, "prdc"):
        checks.update(prdc(x, y, opt, rng))
    checks["score"] = checks["coverage"] * (1.0 - checks["unsupported_target_mass"])
    json.dump({"stages": stages, "checks": checks, "mmd_estimator": estimator,
               "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}, sys.stdout)


if __name__ == "__main__":
    main()
