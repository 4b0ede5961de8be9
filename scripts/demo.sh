#!/usr/bin/env bash
# The demo: generate the built-in example (a hard-drive disassembly cell recorded in the lab,
# in simulation and in the field, as MCAP), ingest it with attributes and roles, list it,
# profile it (features, derived attributes, a mergeable profile), export the feature table and
# compare the lab and simulation data with the field.
# Usage: scripts/demo.sh [PARITY_BINARY]   (run by `make demo`)
set -euo pipefail
parity=${1:-build/release/parity}
out=${DEMO_DIR:-demo-out}
rm -rf "$out"
mkdir -p "$out"
catalog="$out/parity.db"
run() { echo "+ parity $*" >&2; "$parity" --catalog "$catalog" "$@"; }

start=$(date +%s%N)
run demo generate "$out/data"
run init
run ingest "$out/data" --task hdd_disassembly --attrs-from-path '{domain_dir}/*.mcap'
echo
run ls --limit 12
echo
run ls --where "domain = field and lighting in (dim, dark)"
echo
first=$("$parity" --catalog "$catalog" ls --json --where "domain = field" --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
run show "${first:0:10}"
echo
run profile
echo
run ls --where "domain = field and sensor_noise = high" --limit 5   # a derived attribute
echo
run profile --where "domain = field" --out "$out/field.pprof" --quiet
run profile show "$out/field.pprof" >"$out/field-profile.txt"
head -12 "$out/field-profile.txt"
echo "... (the whole profile: $out/field-profile.txt)"
echo
run features --out "$out/features.parquet"
echo
run compare --train "domain in (lab, sim)" --target "domain = field" --top 8
echo
run snapshot create field-baseline --where "domain = field" --description "field logs at demo time"
run snapshot verify field-baseline
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf '\nDemo done in %d.%03d s. Catalog: %s (try: %s --catalog %s ls --where "clutter = high")\n' \
  $((elapsed_ms / 1000)) $((elapsed_ms % 1000)) "$catalog" "$parity" "$catalog"
