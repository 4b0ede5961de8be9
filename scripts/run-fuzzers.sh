#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, seeded from fuzz/corpus/<name>
# and, where present, from real files under ../shared/data. Fails if any target crashes.
set -euo pipefail
build_dir=${1:?usage: run-fuzzers.sh BUILD_DIR SECONDS}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/data"
status=0
ran=0
for fuzzer in "$build_dir"/fuzz/*_fuzz; do
  [ -x "$fuzzer" ] || continue
  ran=$((ran + 1))
  name=$(basename "$fuzzer" _fuzz)
  work=$(mktemp -d)
  seeds=("$work")
  [ -d "$root/fuzz/corpus/$name" ] && cp "$root/fuzz/corpus/$name"/* "$work"/ 2>/dev/null || true
  if [ "$name" = "mcap_reader" ] && [ -d "$shared/mcap" ]; then
    find "$shared/mcap" -name '*.mcap' -size -64k -exec cp {} "$work"/ \;
  elif [ "$name" = "mcap_reader" ]; then
    echo "run-fuzzers: ../shared is absent: seeding $name from fuzz/corpus only"
  fi
  echo "run-fuzzers: $name for ${seconds}s"
  if ! "$fuzzer" "${seeds[@]}" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build_dir/$name-" \
       >"$build_dir/$name.log" 2>&1; then
    echo "run-fuzzers: $name FAILED; last lines of $build_dir/$name.log:"
    tail -40 "$build_dir/$name.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$build_dir/$name.log" | sed "s/^/  $name: /"
  fi
  rm -rf "$work"
done
if [ "$ran" -eq 0 ]; then
  echo "run-fuzzers: no fuzz targets found in $build_dir/fuzz"
  exit 1
fi
exit $status
