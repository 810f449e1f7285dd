#!/usr/bin/env bash
# The long crash run (docs/reliability.md): N SIGKILLs of a writer that
# commits fact-file loads, query writes and bulk imports, each followed by
# a reopen and the checks of tests/crash.rs. Usage: scripts/crash-run.sh [N]
# (default 1000). ATTEST_CRASH_SEED=S repeats a run.
set -euo pipefail
cd "$(dirname "$0")/.."
ATTEST_CRASH_KILLS="${1:-1000}" cargo test --release --test crash -- --ignored --nocapture long_crash_run
