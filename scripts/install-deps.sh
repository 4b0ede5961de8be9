#!/usr/bin/env bash
# Installs every Debian package Parity needs to build, test, benchmark and fuzz.
# Idempotent: when everything is present it prints nothing and touches nothing;
# otherwise it runs `apt-get update` once and installs only what is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
  # libraries
  libzstd-dev liblz4-dev libbz2-dev libxxhash-dev libsqlite3-dev sqlite3
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev
  libhdf5-dev libjpeg-dev libpng-dev libsnappy-dev zlib1g-dev
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libopencv-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev zstd ffmpeg
  python3 python3-numpy python3-opencv python3-scipy python3-sklearn python3-onnx python3-yaml
  # the HTML report is checked in a real headless browser (driven by playwright-core from npm)
  chromium
)

# The independent Parquet oracle the tests run (tests/oracles, npm registry): installed only
# when node and npm exist, and only when its lock file changed since the last install.
install_oracles() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/oracles"
  command -v node >/dev/null && command -v npm >/dev/null || return 0
  if [[ -f "$dir/node_modules/.package-lock.json" &&
        ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    return 0
  fi
  echo "install-deps: npm ci --prefix tests/oracles"
  npm ci --prefix "$dir" --no-audit --no-fund --silent >/dev/null
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  install_oracles
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
install_oracles
