#!/usr/bin/env bash
# Runs every benchmark in BUILD_DIR/benchmarks (each prints its side-by-side ratio).
# MCAP_READ_MB sets the size of the generated MCAP (default 1024, as in docs/performance.md);
set -euo pipefail
build_dir=${1:-build/release}
"$build_dir/benchmarks/mcap_read" --size-mb "${MCAP_READ_MB:-1024}"
# ROSBAG_LZ4_MB / ROSBAG_BZ2_MB set the sizes of the generated ROS 1 bags (defaults as in
# docs/performance.md).
"$build_dir/benchmarks/rosbag_read" --lz4-mb "${ROSBAG_LZ4_MB:-300}" --bz2-mb "${ROSBAG_BZ2_MB:-60}"
# Parquet decode next to raw snappy / zstd decompression of the same pages (PARQUET_READ_MB per
# file, default 200).
"$build_dir/benchmarks/parquet_read" --size-mb "${PARQUET_READ_MB:-200}"
# Decodes the G1 AV1 LeRobot video (skips when ../shared is absent) next to the ffmpeg CLI.
"$build_dir/benchmarks/video_frames"
# JointFeatureExtractor on a 1 kHz JointState stream next to raw CDR decoding, 1 and 2 threads
# (PROFILE_JOINTS_SECONDS of 1 kHz data per stream, default 600).
"$build_dir/benchmarks/profile_joints" --seconds "${PROFILE_JOINTS_SECONDS:-600}"
# Camera features on 640x480 JPEGs and the G1 AV1 videos (skips when ../shared is absent) next
# to the same features in Python + NumPy + OpenCV (benchmarks/profile_images_baseline.py).
"$build_dir/benchmarks/profile_images"
# parity compare's statistics on 100k vs 100k episodes x 64 features, end to end and per
# estimator, next to SciPy / scikit-learn / NumPy (benchmarks/compare_baseline.py); COMPARE_N
# sets the episodes per side (default 100000), COMPARE_GROWTH=1 also runs N/100 and N/10 and fits
# each estimator's growth exponent.
"$build_dir/benchmarks/compare" --n "${COMPARE_N:-100000}" ${COMPARE_GROWTH:+--growth}
# parity plan's numerical core (classifier and KLIEP weights, source mix, herding at budgets 100
# and 1000) on 100k vs 100k episodes x 64 features from 3 sources, next to scikit-learn / NumPy /
# SciPy (benchmarks/plan_baseline.py); PLAN_N sets the episodes per side (default 100000),
# PLAN_GROWTH=1 also runs N/100 and N/10 and fits each step's growth exponent.
"$build_dir/benchmarks/plan" --n "${PLAN_N:-100000}" ${PLAN_GROWTH:+--growth}
