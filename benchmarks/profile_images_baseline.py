#!/usr/bin/env python3
"""Baseline for benchmarks/profile_images: Parity's camera frame features computed the way a
competent Python engineer would, with NumPy and OpenCV (cv2), on the same frames.

    profile_images_baseline.py --jpeg-dir DIR [--video PATH ...] [--max-side 320]

JPEG: every DIR/*.jpg read with cv2.imread(IMREAD_REDUCED_COLOR_2) (libjpeg DCT scaling, the
same reduction Parity uses for 640x480 at max side 320), then area-resized if still larger.
AV1: every frame of each video read with cv2.VideoCapture (FFmpeg, decoder threads forced to 1
through OPENCV_FFMPEG_CAPTURE_OPTIONS by the caller), area-resized with cv2.resize(INTER_AREA).
For every frame the statistics (luma mean / std / p10 / p50 / p90, exposure fractions, hue mean,
saturation mean, R/B ratio, Laplacian variance, Immerkaer noise, Sobel edge density, 4x4 block
entropy) and the 128-dim descriptor are computed as docs/features.md defines them, vectorised,
in float32 where OpenCV kernels run. cv2.setNumThreads(1): one core.

Prints one JSON object: {"jpeg": {...}, "av1": {...}, "jpeg_decode": {...}, "av1_decode":
{...}} with frames, wall_s (the decode and feature loop; for *_decode the decode and reduction
alone), cpu_s (process time over the loop) and sums of luma_mean and sharpness over the
frames (to check that both sides computed the same thing).
"""
import argparse
import json
import math
import pathlib
import sys
import time

import cv2
import numpy as np

N_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
TAN_22_5 = math.sqrt(2.0) - 1.0


def analysis_size(width, height, max_side):
    longer, shorter = max(width, height), min(width, height)
    if longer <= max_side:
        return width, height
    reduced = max((shorter * max_side + longer // 2) // longer, min(shorter, 3))
    return (max_side, reduced) if width >= height else (reduced, max_side)


def features(bgr):
    """Statistics and descriptor of one BGR uint8 analysis frame."""
    h, w = bgr.shape[:2]
    n = h * w
    b, g, r = bgr[..., 0], bgr[..., 1], bgr[..., 2]
    s_luma = r.astype(np.int32) * 299 + g.astype(np.int32) * 587 + b.astype(np.int32) * 114
    luma = s_luma.astype(np.float32) * np.float32(1e-3)
    out = {"luma_mean": float(s_luma.mean()) / 1000.0, "luma_std": float(s_luma.std()) / 1000.0}
    rounded = (s_luma + 500) // 1000
    cumulative = np.cumsum(np.bincount(rounded.ravel(), minlength=256))
    p = np.searchsorted(cumulative * 100, [10 * n, 50 * n, 90 * n])
    out["luma_p10"], out["luma_p50"], out["luma_p90"] = (float(v) for v in p)
    out["over_exposed"] = np.count_nonzero(s_luma >= 250000) / n
    out["under_exposed"] = np.count_nonzero(s_luma <= 5000) / n

    hsv = cv2.cvtColor(bgr.astype(np.float32) * np.float32(1 / 255), cv2.COLOR_BGR2HSV)
    hue, sat = hsv[..., 0], hsv[..., 1]
    out["saturation_mean"] = float(sat.mean())
    chromatic = sat >= 0.1
    weights = sat[chromatic]
    angles = np.radians(hue[chromatic])
    x, y = float((weights * np.cos(angles)).sum()), float((weights * np.sin(angles)).sum())
    total = float(weights.sum())
    out["hue_mean"] = (math.degrees(math.atan2(y, x)) % 360.0
                       if total > 0 and math.hypot(x, y) >= 1e-3 * total else None)
    blue = int(b.sum(dtype=np.int64))
    out["rb_ratio"] = int(r.sum(dtype=np.int64)) / blue if blue else None

    inner = (slice(1, -1), slice(1, -1))
    out["sharpness"] = float(cv2.Laplacian(luma, cv2.CV_32F, ksize=1)[inner].var())
    noise = np.abs(cv2.filter2D(luma, cv2.CV_32F, N_KERNEL)[inner]).sum(dtype=np.float64)
    out["noise_sigma"] = math.sqrt(math.pi / 2) / (6.0 * (w - 2) * (h - 2)) * float(noise)
    gx = cv2.Sobel(luma, cv2.CV_32F, 1, 0, ksize=3)[inner]
    gy = cv2.Sobel(luma, cv2.CV_32F, 0, 1, ksize=3)[inner]
    magnitude = cv2.magnitude(gx, gy)
    out["edge_density"] = np.count_nonzero(magnitude > 100.0) / magnitude.size

    xs = [w * i // 4 for i in range(5)]
    ys = [h * i // 4 for i in range(5)]
    entropies = []
    for by in range(4):
        for bx in range(4):
            block = rounded[ys[by]:ys[by + 1], xs[bx]:xs[bx + 1]]
            if block.size:
                q = np.bincount(block.ravel(), minlength=256)
                q = q[q > 0] / block.size
                entropies.append(-(q * np.log2(q)).sum())
    out["entropy"] = float(np.mean(entropies))

    # Descriptor: cell colour means, per-cell orientation histograms, hue / grey histogram.
    colour = np.empty((4, 4, 3))
    for by in range(4):
        for bx in range(4):
            cell = bgr[ys[by]:ys[by + 1], xs[bx]:xs[bx + 1]]
            colour[by, bx] = cell.reshape(-1, 3).mean(axis=0)[::-1] / 255.0
    ax, ay = np.abs(gx), np.abs(gy)
    orientation = np.where(ay < TAN_22_5 * ax, 0,
                           np.where(ax < TAN_22_5 * ay, 2, np.where((gx > 0) == (gy > 0), 1, 3)))
    col_cell = np.searchsorted(xs[1:4], np.arange(1, w - 1), side="right")
    row_cell = np.searchsorted(ys[1:4], np.arange(1, h - 1), side="right")
    cell_index = row_cell[:, None] * 4 + col_cell[None, :]
    gradient = np.bincount((cell_index * 4 + orientation).ravel(), weights=magnitude.ravel(),
                           minlength=64)
    cell_pixels = np.bincount(cell_index.ravel(), minlength=16)
    gradient = gradient / np.repeat(np.maximum(cell_pixels, 1), 4)
    hue_bins = np.bincount((hue[chromatic] // 30).astype(np.int64), minlength=12)[:12]
    grey_bins = np.bincount((rounded[~chromatic] // 64).ravel(), minlength=4)[:4]
    histogram = np.concatenate([hue_bins, grey_bins]) / n

    def unit(v):
        v = np.asarray(v, dtype=np.float64).ravel()
        norm = np.linalg.norm(v)
        return v / norm if norm > 0 else v

    out["descriptor"] = unit(np.concatenate([unit(colour), unit(gradient), unit(histogram)]))
    return out


def reduce(frame, max_side):
    h, w = frame.shape[:2]
    tw, th = analysis_size(w, h, max_side)
    if (tw, th) == (w, h):
        return frame
    return cv2.resize(frame, (tw, th), interpolation=cv2.INTER_AREA)


class Totals:
    def __init__(self):
        self.frames = 0
        self.luma_mean = 0.0
        self.sharpness = 0.0

    def add(self, values):
        self.frames += 1
        self.luma_mean += values["luma_mean"]
        self.sharpness += values["sharpness"]


def timed(loop):
    totals = Totals()
    wall, cpu = time.perf_counter(), time.process_time()
    loop(totals)
    return {"frames": totals.frames, "wall_s": time.perf_counter() - wall,
            "cpu_s": time.process_time() - cpu, "luma_mean_sum": totals.luma_mean,
            "sharpness_sum": totals.sharpness}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jpeg-dir")
    parser.add_argument("--video", action="append", default=[])
    parser.add_argument("--max-side", type=int, default=320)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    result = {}
    if args.jpeg_dir:
        files = sorted(str(p) for p in pathlib.Path(args.jpeg_dir).glob("*.jpg"))

        def jpeg_loop(totals):
            for path in files:
                frame = cv2.imread(path, cv2.IMREAD_REDUCED_COLOR_2)
                totals.add(features(reduce(frame, args.max_side)))

        def jpeg_decode_loop(totals):
            for path in files:
                frame = reduce(cv2.imread(path, cv2.IMREAD_REDUCED_COLOR_2), args.max_side)
                totals.frames += 1

        result["jpeg"] = timed(jpeg_loop)
        result["jpeg_decode"] = timed(jpeg_decode_loop)
    if args.video:
        def video_loop(totals):
            for path in args.video:
                capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
                while True:
                    ok, frame = capture.read()
                    if not ok:
                        break
                    totals.add(features(reduce(frame, args.max_side)))
                capture.release()

        def video_decode_loop(totals):
            for path in args.video:
                capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
                while True:
                    ok, frame = capture.read()
                    if not ok:
                        break
                    reduce(frame, args.max_side)
                    totals.frames += 1
                capture.release()

        result["av1"] = timed(video_loop)
        result["av1_decode"] = timed(video_decode_loop)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
