#!/usr/bin/env bash
# Runs every benchmark in BUILD_DIR/benchmarks (each prints its side-by-side ratio).
# MCAP_READ_MB sets the size of the generated MCAP (default 1024, as in docs/performance.md);
set -euo pipefail
build_dir=${1:-build/release}
"$build_dir/benchmarks/mcap_read" --size-mb "${MCAP_READ_MB:-1024}"
# ROSBAG_LZ4_MB / ROSBAG_BZ2_MB set the sizes of the generated ROS 1 bags (defaults as in
# docs/performance.md).
"$build_dir/benchmarks/rosbag_read" --lz4-mb "${ROSBAG_LZ4_MB:-300}" --bz2-mb "${ROSBAG_BZ2_MB:-60}"
