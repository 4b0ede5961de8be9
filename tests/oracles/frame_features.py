#!/usr/bin/env python3
"""Independent NumPy / OpenCV computation of Parity's camera frame features.

    frame_features.py [--max-side N] DIR

For every DIR/<name>.full.npy (uint8, H x W x 3 RGB or H x W grey; a frame at its native size)
the frame is reduced to the analysis size with cv2.resize(INTER_AREA) and its statistics and
descriptor are computed as docs/features.md defines them (luma as the exact integer
S = 299 R + 587 G + 114 B = 1000 Y; kernels with cv2.Laplacian / cv2.filter2D / cv2.Sobel in
float64 on S, which is exact). When DIR/<name>.analysis.npy exists (Parity's analysis frame) the
largest absolute difference between the two reduced frames is reported as resize_max_abs_diff.
Prints one JSON object {name: {stat: value or null, ..., "descriptor": [...]}} on stdout.
"""
import argparse
import json
import math
import pathlib
import sys

import cv2
import numpy as np

GRID = 4
EDGE_MAGNITUDE = 100.0  # luma units
MIN_HUE_RESULTANT = 1e-3


def analysis_size(width, height, max_side):
    longer, shorter = max(width, height), min(width, height)
    if longer <= max_side:
        return width, height
    reduced = max((shorter * max_side + longer // 2) // longer, min(shorter, 3))
    return (max_side, reduced) if width >= height else (reduced, max_side)


def grid_edges(n):
    return [n * i // GRID for i in range(GRID + 1)]


def hsv(rgb):
    """Hue (degrees) and saturation as OpenCV's floating-point RGB2HSV defines them, float64."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    v = np.maximum(np.maximum(r, g), b)
    c = v - np.minimum(np.minimum(r, g), b)
    s = np.where(v > 0, c / np.where(v > 0, v, 1), 0.0)
    safe_c = np.where(c > 0, c, 1)
    h = np.where(v == r, 60.0 * (g - b) / safe_c,
                 np.where(v == g, 120.0 + 60.0 * (b - r) / safe_c, 240.0 + 60.0 * (r - g) / safe_c))
    h = np.where(h < 0, h + 360.0, h)
    return h, s, c


def frame_features(frame):
    height, width = frame.shape[:2]
    colour = frame.ndim == 3
    if colour:
        rgb = frame.astype(np.int64)
        s_luma = 299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2]
    else:
        s_luma = 1000 * frame.astype(np.int64)
    n = s_luma.size
    luma = s_luma / 1000.0
    rounded = (s_luma + 500) // 1000
    out = {}
    out["luma_mean"] = float(luma.mean())
    out["luma_std"] = float(luma.std())
    cumulative = np.cumsum(np.bincount(rounded.ravel(), minlength=256))
    for q in (10, 50, 90):
        out["luma_p%d" % q] = float(np.searchsorted(cumulative * 100, q * n, side="left"))
    out["over_exposed"] = float((s_luma >= 250000).mean())
    out["under_exposed"] = float((s_luma <= 5000).mean())

    hue_bins = np.zeros(12)
    grey_bins = np.zeros(4)
    if colour:
        h, sat, c = hsv(frame)
        chromatic = (c > 0) & (sat >= 0.1)
        out["saturation_mean"] = float(sat.mean())
        blue = float(frame[..., 2].astype(np.float64).sum())
        out["rb_ratio"] = float(frame[..., 0].astype(np.float64).sum()) / blue if blue > 0 else None
        weights = sat[chromatic]
        angles = np.radians(h[chromatic])
        total = weights.sum()
        x, y = (weights * np.cos(angles)).sum(), (weights * np.sin(angles)).sum()
        if total > 0 and math.hypot(x, y) >= MIN_HUE_RESULTANT * total:
            out["hue_mean"] = math.degrees(math.atan2(y, x)) % 360.0
        else:
            out["hue_mean"] = None
        # The same mean from OpenCV's own float32 conversion (checks "as OpenCV defines it").
        cv_hsv = cv2.cvtColor(frame.astype(np.float32) / 255.0, cv2.COLOR_RGB2HSV)
        cv_h = cv_hsv[..., 0].astype(np.float64)[chromatic]
        cv_w = cv_hsv[..., 1].astype(np.float64)[chromatic]
        cx, cy = (cv_w * np.cos(np.radians(cv_h))).sum(), (cv_w * np.sin(np.radians(cv_h))).sum()
        out["hue_mean_cv2"] = (math.degrees(math.atan2(cy, cx)) % 360.0
                               if out["hue_mean"] is not None else None)
        hue_bins = np.bincount(np.floor(h[chromatic] / 30.0).astype(np.int64), minlength=12)[:12]
        grey_bins = np.bincount((rounded[~chromatic] // 64).ravel(), minlength=4)[:4]
    else:
        out["saturation_mean"] = out["rb_ratio"] = out["hue_mean"] = out["hue_mean_cv2"] = None
        grey_bins = np.bincount((rounded // 64).ravel(), minlength=4)[:4]

    s_float = s_luma.astype(np.float64)
    interior = (slice(1, -1), slice(1, -1))
    m = (width - 2) * (height - 2)
    laplacian = cv2.Laplacian(s_float, cv2.CV_64F, ksize=1)[interior]
    out["sharpness"] = float(laplacian.var()) / 1e6
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float64)
    response = cv2.filter2D(s_float, cv2.CV_64F, kernel)[interior]
    out["noise_sigma"] = math.sqrt(math.pi / 2) / (6.0 * m) * float(np.abs(response).sum()) / 1000
    gx = cv2.Sobel(s_float, cv2.CV_64F, 1, 0, ksize=3)[interior]
    gy = cv2.Sobel(s_float, cv2.CV_64F, 0, 1, ksize=3)[interior]
    squared = gx * gx + gy * gy  # exact: integers below 2^53
    out["edge_density"] = float((squared > (EDGE_MAGNITUDE * 1000) ** 2).mean())

    xs, ys = grid_edges(width), grid_edges(height)
    entropies = []
    for by in range(GRID):
        for bx in range(GRID):
            block = rounded[ys[by]:ys[by + 1], xs[bx]:xs[bx + 1]]
            if block.size == 0:
                continue
            p = np.bincount(block.ravel(), minlength=256) / block.size
            p = p[p > 0]
            entropies.append(float(-(p * np.log2(p)).sum()))
    out["entropy"] = float(np.mean(entropies))

    # Descriptor.
    rgb3 = frame if colour else np.repeat(frame[..., None], 3, axis=2)
    colour_part = np.zeros((GRID, GRID, 3))
    gradient_part = np.zeros((GRID, GRID, 4))
    magnitude = np.sqrt(squared) / 1000.0
    ax, ay = np.abs(gx), np.abs(gy)
    tan = math.sqrt(2.0) - 1.0
    bins = np.where(ay < tan * ax, 0, np.where(ax < tan * ay, 2, np.where((gx > 0) == (gy > 0), 1, 3)))
    for by in range(GRID):
        for bx in range(GRID):
            cell = rgb3[ys[by]:ys[by + 1], xs[bx]:xs[bx + 1]].astype(np.float64)
            if cell.size:
                colour_part[by, bx] = cell.reshape(-1, 3).mean(axis=0) / 255.0
            # Interior pixel (y, x) sits at [y - 1, x - 1] of the interior arrays.
            y0, y1 = max(ys[by], 1) - 1, min(ys[by + 1], height - 1) - 1
            x0, x1 = max(xs[bx], 1) - 1, min(xs[bx + 1], width - 1) - 1
            if y1 > y0 and x1 > x0:
                mag = magnitude[y0:y1, x0:x1]
                b = bins[y0:y1, x0:x1]
                for k in range(4):
                    gradient_part[by, bx, k] = mag[b == k].sum() / mag.size
    hist_part = np.concatenate([hue_bins, grey_bins]).astype(np.float64) / n

    def unit(v):
        v = v.ravel().astype(np.float64)
        norm = np.linalg.norm(v)
        return v / norm if norm > 0 else v

    descriptor = unit(np.concatenate([unit(colour_part), unit(gradient_part), unit(hist_part)]))
    out["descriptor"] = [float(v) for v in descriptor]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-side", type=int, default=320)
    parser.add_argument("dir")
    args = parser.parse_args()
    results = {}
    for path in sorted(pathlib.Path(args.dir).glob("*.full.npy")):
        name = path.name[: -len(".full.npy")]
        full = np.load(path)
        height, width = full.shape[:2]
        w, h = analysis_size(width, height, args.max_side)
        frame = full if (w, h) == (width, height) else cv2.resize(
            full, (w, h), interpolation=cv2.INTER_AREA)
        features = frame_features(np.ascontiguousarray(frame))
        ours = path.with_name(name + ".analysis.npy")
        if ours.exists():
            theirs = np.load(ours)
            features["resize_max_abs_diff"] = (
                int(np.abs(theirs.astype(np.int64) - frame.astype(np.int64)).max())
                if theirs.shape == frame.shape else -1)
        features["width"], features["height"] = w, h
        results[name] = features
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
