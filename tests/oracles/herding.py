#!/usr/bin/env python3
"""Independent NumPy oracle for kernel herding without repetition (src/plan/math/kernel_herding.cc).

Usage: herding.py INPUT.json
INPUT holds "train" (candidate rows), "target" (rows), "bandwidth", "budget". On full kernel
matrices: mu_Q(x_i) = mean_j K(x_i, y_j); step t + 1 picks argmax over unchosen i of
mu_Q(x_i) - sum_{j in S_t} K(x_i, x_j) / (t + 1) (np.argmax: first on ties); MMD^2 of each prefix
S = (1/|S|^2) sum_{S x S} K - (2/|S|) sum_S mu_Q + c, c the target's U-statistic.
Prints {"rows": [...], "mmd2_by_size": [...]}.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import cdist


def main():
    with open(sys.argv[1]) as f:
        inp = json.load(f)
    x = np.array(inp["train"], dtype=float)
    y = np.array(inp["target"], dtype=float)
    gamma = 1.0 / (2.0 * inp["bandwidth"] ** 2)
    kxx = np.exp(-gamma * cdist(x, x, "sqeuclidean"))
    mu = np.exp(-gamma * cdist(x, y, "sqeuclidean")).mean(axis=1)
    m = len(y)
    c = (np.exp(-gamma * cdist(y, y, "sqeuclidean")).sum() - m) / (m * (m - 1))
    acc = np.zeros(len(x))
    chosen = []
    path = []
    for t in range(inp["budget"]):
        score = mu - acc / (t + 1)
        score[chosen] = -np.inf
        i = int(np.argmax(score))
        chosen.append(i)
        acc += kxx[:, i]
        s = np.array(chosen)
        path.append(float(kxx[np.ix_(s, s)].sum() / len(s) ** 2 - 2.0 * mu[s].mean() + c))
    json.dump({"rows": chosen, "mmd2_by_size": path}, sys.stdout)


if __name__ == "__main__":
    main()
