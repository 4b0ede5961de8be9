#!/usr/bin/env python3
"""Independent NumPy / SciPy computation of Parity's signal features (the definitions in
src/features/signals/signal_feature_specs.cc), for src/features/signals/test/real_signals_test.cc.

    signal_features.py joints   samples.csv        # t_ns, position per joint
    signal_features.py imu      samples.csv        # t_ns, ax, ay, az, gx, gy, gz
    signal_features.py odometry samples.csv        # t_ns, x, y, z, qx, qy, qz, qw
    signal_features.py cloud    points.f32         # float32 x, y, z per point, native order
    signal_features.py depth    frames.u16 WIDTH HEIGHT NEAR_M   # uint16 mm, frame after frame

Prints one JSON object of feature name -> value. Uses scipy.signal.butter / sosfilt (IMU
bands) and scipy.spatial.transform.Rotation (odometry angular speed), not Parity's code.
"""
import json
import sys

import numpy as np


def load_csv(path):
    return np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64)


def rms(values):
    return float(np.sqrt(np.mean(np.square(values))))


def joints(path):
    data = load_csv(path)
    t = (data[:, 0] - data[0, 0]) * 1e-9
    p = data[:, 1:]
    dt = np.diff(t)
    v = np.diff(p, axis=0) / dt[:, None]
    mid = (t[1:] + t[:-1]) / 2
    a = np.diff(v, axis=0) / np.diff(mid)[:, None]
    mid2 = (mid[1:] + mid[:-1]) / 2
    j = np.diff(a, axis=0) / np.diff(mid2)[:, None]
    ranges = p.max(axis=0) - p.min(axis=0)
    return {
        "vel_rms_differenced": rms(v),
        "acc_rms": rms(a),
        "jerk_rms": rms(j),
        "pos_range_mean": float(ranges.mean()),
        "ranges": [float(r) for r in ranges],
    }


def imu(path):
    from scipy import signal

    data = load_csv(path)
    t, acc, gyro = data[:, 0], data[:, 1:4], data[:, 4:7]
    window = t[:256]
    rate = (len(window) - 1) / ((window[-1] - window[0]) * 1e-9)
    out = {
        "nominal_rate_hz": rate,
        "gyro_rms": float(np.sqrt(np.mean(np.sum(gyro**2, axis=1)))),
    }

    def run(sos, x):
        zi = signal.sosfilt_zi(sos) * x[0]
        y, _ = signal.sosfilt(sos, x, zi=zi)
        return y

    max_edge = 0.45 * rate
    bands = {"vib_low_rms": (0.5, 5.0), "vib_mid_rms": (5.0, 20.0), "vib_high_rms": (20.0, None),
             "vib_rms": (0.5, None)}
    for name, (low, high) in bands.items():
        if low >= max_edge:
            continue
        sos = signal.butter(4, low, "highpass", fs=rate, output="sos")
        if high is not None and high < max_edge:
            sos = np.vstack([sos, signal.butter(4, high, "lowpass", fs=rate, output="sos")])
        energy = sum(run(sos, acc[:, k]) ** 2 for k in range(3))
        out[name] = float(np.sqrt(np.mean(energy)))
    sos = signal.butter(2, min(0.5, 0.2 * rate), "lowpass", fs=rate, output="sos")
    g = np.stack([run(sos, acc[:, k]) for k in range(3)], axis=1)
    tilt = np.degrees(np.arctan2(np.hypot(g[:, 0], g[:, 1]), g[:, 2]))
    out["tilt_mean_deg"] = float(tilt.mean())
    out["tilt_p90_deg"] = float(np.percentile(tilt, 90))
    return out


def odometry(path):
    from scipy.spatial.transform import Rotation

    data = load_csv(path)
    t = data[:, 0] * 1e-9
    p = data[:, 1:4]
    steps = np.linalg.norm(np.diff(p, axis=0), axis=1)
    dt = np.diff(t)
    speed = steps / dt
    rotations = Rotation.from_quat(data[:, 4:8])
    angles = (rotations[:-1].inv() * rotations[1:]).magnitude()
    path_length = float(steps.sum())
    displacement = float(np.linalg.norm(p[-1] - p[0]))
    return {
        "path_length_m": path_length,
        "displacement_m": displacement,
        "straightness": displacement / path_length,
        "speed_mean": float(speed.mean()),
        "speed_p90": float(np.percentile(speed, 90)),
        "angular_speed_mean": float((angles / dt).mean()),
    }


def cloud(path):
    xyz = np.fromfile(path, dtype=np.float32).reshape(-1, 3).astype(np.float64)
    finite = np.all(np.isfinite(xyz), axis=1)
    nonzero = np.any(xyz != 0, axis=1)
    valid = xyz[finite & nonzero]
    r = np.linalg.norm(valid, axis=1)
    return {
        "valid_fraction": float(len(valid) / len(xyz)),
        "range_p10": float(np.percentile(r, 10)),
        "range_p50": float(np.percentile(r, 50)),
        "range_p90": float(np.percentile(r, 90)),
    }


def depth(path, width, height, near_m):
    frames = np.fromfile(path, dtype="<u2").reshape(-1, height, width)
    per_frame = {k: [] for k in ("valid_fraction", "range_p10", "range_p50", "range_p90",
                                 "near_occupancy")}
    for frame in frames:
        valid = frame[frame > 0].astype(np.float64) / 1000.0
        per_frame["valid_fraction"].append(valid.size / frame.size)
        if valid.size:
            for q in (10, 50, 90):
                per_frame["range_p%d" % q].append(np.percentile(valid, q))
            per_frame["near_occupancy"].append(np.mean(valid < near_m))
    out = {"frames": len(frames)}
    for name, values in per_frame.items():
        if not values:
            continue
        v = np.array(values)
        out[name + ".mean"] = float(v.mean())
        out[name + ".std"] = float(v.std())
        for q in (10, 50, 90):
            out["%s.p%d" % (name, q)] = float(np.percentile(v, q))
    return out


def main(argv):
    mode = argv[1]
    if mode == "joints":
        result = joints(argv[2])
    elif mode == "imu":
        result = imu(argv[2])
    elif mode == "odometry":
        result = odometry(argv[2])
    elif mode == "cloud":
        result = cloud(argv[2])
    elif mode == "depth":
        result = depth(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    else:
        raise SystemExit("unknown mode " + mode)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
