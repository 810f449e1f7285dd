#!/usr/bin/env bash
# Runs the openCypher TCK scenarios of shared/tck through target/release/attest
# (or $CARGO_TARGET_DIR/release/attest) and fails when fewer pass than
# tests/tck/baseline records. Raise the baseline in the same commit as the
# change that makes more scenarios pass.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${1:-../shared}"
if [ ! -f "$SHARED/tck/tck.py" ]; then
    echo "cannot find $SHARED/tck/tck.py (set ATTEST_SHARED)" >&2
    exit 1
fi
# The binary `cargo build --release` made: under CARGO_TARGET_DIR when set.
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
if [ ! -x "$target/release/attest" ]; then
    echo "no release binary at $target/release/attest (run cargo build --release)" >&2
    exit 1
fi
out=$(KG_CMD="$target/release/attest" python3 "$SHARED/tck/tck.py" --jobs 2 -q) || true
summary=$(printf '%s\n' "$out" | tail -n 1)
passed=$(printf '%s\n' "$summary" | sed -n 's/^TCK: \([0-9]*\) passed.*/\1/p')
baseline=$(cat tests/tck/baseline)
printf '%s\n' "$out" | grep '^FAIL' | head -n 50 || true
if [ -z "$passed" ]; then
    echo "the TCK runner printed no summary" >&2
    exit 1
fi
echo "conformance: $passed scenarios pass (baseline $baseline); runner said: ${summary#TCK: }"
if [ "$passed" -lt "$baseline" ]; then
    echo "the TCK passing count dropped below the baseline" >&2
    exit 1
fi
