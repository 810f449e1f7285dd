#!/usr/bin/env bash
# The long concurrency stress run (docs/reliability.md): 8 reader threads
# and 1 writer for SECONDS (default 30) on the 100k-event benchmark data
# set, imported into a store on disk. The data set is generated with
# ../shared/bench/gen_dataset.py (or ATTEST_SHARED) unless ATTEST_STRESS_DATA
# names an existing one. Usage: scripts/stress-run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ATTEST_STRESS_SECS="${1:-30}" cargo test --release --test stress -- --ignored --nocapture stress_on_the_100k_data_set
