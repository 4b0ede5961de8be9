#!/usr/bin/env bash
# Lint: clang-format must leave every tracked source unchanged, and clang-tidy (checks in
# .clang-tidy) must report nothing for the library and CLI sources.
# Usage: scripts/lint.sh [--format-only]   (`make test` runs the format check only)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t sources < <(git ls-files '*.h' '*.cc' 2>/dev/null || find include src fuzz benchmarks -name '*.h' -o -name '*.cc')
echo "lint: clang-format on ${#sources[@]} files"
clang-format-14 --dry-run --Werror "${sources[@]}"
if [ "${1:-}" = "--format-only" ]; then
  echo "lint: format ok"
  exit 0
fi

build_dir=build/lint
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DPARITY_BENCHMARKS=OFF -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
mapfile -t tidy_sources < <(printf '%s\n' "${sources[@]}" | grep -E '^src/.*\.cc$' | grep -v '/test/')
echo "lint: clang-tidy on ${#tidy_sources[@]} files"
run-clang-tidy-14 -quiet -p "$build_dir" -j "$(nproc)" "${tidy_sources[@]}" >"$build_dir/clang-tidy.log" 2>&1 || {
  grep -E 'warning:|error:' "$build_dir/clang-tidy.log" | sort -u | head -50
  echo "lint: clang-tidy FAILED (full log: $build_dir/clang-tidy.log)"
  exit 1
}
echo "lint: ok"
