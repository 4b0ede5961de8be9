#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, JOBS targets at a time
# (default: the number of cores), seeded from fuzz/corpus/<name> and, where present, from small
# real files under ../shared/data. Fails if any target crashes, leaks or times out.
set -euo pipefail
build_dir=${1:?usage: run-fuzzers.sh BUILD_DIR [SECONDS] [JOBS]}
seconds=${2:-60}
jobs=${3:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/data"

# Real seeds per target: "<target> <folder under ../shared/data> <find -name pattern>".
real_seeds=(
  "mcap_reader mcap *.mcap"
  "ros1_bag ros1-bag *.bag"
  "tfrecord rlds *.tfrecord*"
  "parquet_reader lerobot *.parquet"
)

# Seeds from the repository itself: "<target> <folder under the repo root> <find -name pattern>".
repo_seeds=(
  "profile src/profile/test/data *.bin"
)

# run_one FUZZER: runs one target; its summary goes to BUILD_DIR/<name>.summary.
run_one() {
  local fuzzer=$1 name work
  name=$(basename "$fuzzer" _fuzz)
  work=$(mktemp -d)
  [ -d "$root/fuzz/corpus/$name" ] && cp "$root/fuzz/corpus/$name"/* "$work"/ 2>/dev/null || true
  for entry in "${real_seeds[@]}"; do
    read -r target folder pattern <<<"$entry"
    [ "$target" = "$name" ] || continue
    if [ -d "$shared/$folder" ]; then
      find "$shared/$folder" -name "$pattern" -size -64k -exec cp {} "$work"/ \;
    else
      echo "run-fuzzers: ../shared is absent: seeding $name from fuzz/corpus only"
    fi
  done
  for entry in "${repo_seeds[@]}"; do
    read -r target folder pattern <<<"$entry"
    [ "$target" = "$name" ] || continue
    find "$root/$folder" -name "$pattern" -size -64k -exec cp {} "$work"/ \;
  done
  echo "run-fuzzers: $name for ${seconds}s"
  if "$fuzzer" "$work" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build_dir/$name-" \
       >"$build_dir/$name.log" 2>&1; then
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$build_dir/$name.log" |
      sed "s/^/  $name: /" >"$build_dir/$name.summary"
  else
    { echo "run-fuzzers: $name FAILED; last lines of $build_dir/$name.log:"
      tail -40 "$build_dir/$name.log"; } >"$build_dir/$name.summary"
    touch "$build_dir/$name.failed"
  fi
  rm -rf "$work"
}

fuzzers=()
for fuzzer in "$build_dir"/fuzz/*_fuzz; do
  [ -x "$fuzzer" ] && fuzzers+=("$fuzzer")
done
if [ "${#fuzzers[@]}" -eq 0 ]; then
  echo "run-fuzzers: no fuzz targets found in $build_dir/fuzz"
  exit 1
fi
rm -f "$build_dir"/*.failed "$build_dir"/*.summary
running=0
for fuzzer in "${fuzzers[@]}"; do
  run_one "$fuzzer" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
cat "$build_dir"/*.summary
if compgen -G "$build_dir/*.failed" >/dev/null; then exit 1; fi
exit 0
