#!/usr/bin/env bash
# Side-by-side benchmark: Attest and the peer engines on the same generated
# news-event data set, in the same run, then one Markdown table.
#
#   scripts/bench-compare.sh EVENTS [--repeat N] [--engines LIST] [--no-attest]
#
#   EVENTS          scale: an integer, or 10k / 100k / 1m (1M)
#   --repeat N      warm runs per query, for the peers and for Attest (default 10)
#   --engines LIST  peers to run, comma separated, from kuzu,oxigraph,sqlite,duckdb,networkx,cozo
#                   (default kuzu,duckdb,sqlite,oxigraph,networkx); "none" runs no peer
#                   and reuses the peers.json already in the results directory
#   --no-attest     run the peers only
#
# Steps:
#   1. scripts/peers-venv.sh (the Python venv of the peers; does nothing when ready)
#   2. gen_dataset.py --events EVENTS --seed 42 into $BENCH_DATA/<scale>
#      (skipped when a data set of that scale and seed is already there)
#   3. cargo build --release; target/release/attest must have the `bench` command
#   4. peers.py --data ... --json $BENCH_RESULTS/<scale>/peers.json
#   5. attest bench --data ... --json $BENCH_RESULTS/<scale>/attest.json
#   6. scripts/bench_table.py $BENCH_RESULTS/<scale>: the table, and the check that
#      Attest's answers equal the peers' agreed answers
#
# Environment:
#   ATTEST_SHARED         shared directory holding bench/ (default: <repo>/../shared)
#   BENCH_DATA            generated data sets (default: <repo>/bench-data, gitignored)
#   BENCH_RESULTS         result files (default: <repo>/bench-results, gitignored)
#   PEERS_VENV            the peers' venv (default: <repo>/.venv-peers)
#   PEERS_WORK            scratch directory of the peers' stores (peers.py's default:
#                         kg-peers-work in the system temp directory)
#   PEERS_ENGINE_TIMEOUT  seconds for one peer's load + queries (peers.py's default: 600)
#   ATTEST_BIN            an attest binary to run instead of building target/release/attest
#
# Exit status: 0 when everything ran and every answer agrees; 1 when a step
# failed or an answer differs (the table is still printed when there is one).
# When this build of attest has no `bench` command yet, Attest is skipped with
# a warning, the peers' table is printed and the status is 0.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${ATTEST_SHARED:-$repo/../shared}"
data_root="${BENCH_DATA:-$repo/bench-data}"
results_root="${BENCH_RESULTS:-$repo/bench-results}"
seed=42

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//' >&2
    exit 2
}
say() { echo "bench-compare: $*" >&2; }
die() { say "$*"; exit 1; }

# ---- arguments
[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac
scale_arg="$1"
shift
repeat=10
engines="kuzu,duckdb,sqlite,oxigraph,networkx"
run_attest=1
while [ $# -gt 0 ]; do
    case "$1" in
        --repeat) [ $# -ge 2 ] || usage; repeat="$2"; shift 2 ;;
        --engines) [ $# -ge 2 ] || usage; engines="$2"; shift 2 ;;
        --no-attest) run_attest=0; shift ;;
        -h|--help) usage ;;
        *) say "unknown argument: $1"; usage ;;
    esac
done

number="${scale_arg%[kKmM]}"
case "$number" in
    ''|*[!0-9]*) die "EVENTS must be a whole number, optionally followed by k or m: $scale_arg" ;;
esac
case "$scale_arg" in
    *[kK]) events=$(( 10#$number * 1000 )) ;;
    *[mM]) events=$(( 10#$number * 1000000 )) ;;
    *) events=$(( 10#$number )) ;;
esac
[ "$events" -ge 10 ] || die "EVENTS must be at least 10: $scale_arg"
case "$repeat" in
    ''|*[!0-9]*|0) die "--repeat must be a positive integer: $repeat" ;;
esac
if [ $(( events % 1000000 )) -eq 0 ]; then
    scale="$(( events / 1000000 ))m"
elif [ $(( events % 1000 )) -eq 0 ]; then
    scale="$(( events / 1000 ))k"
else
    scale="$events"
fi

[ -d "$shared/bench" ] || die "no $shared/bench (set ATTEST_SHARED to the directory holding bench/)"
bench="$(cd "$shared/bench" && pwd)"
data="$data_root/$scale"
out="$results_root/$scale"
mkdir -p "$data_root" "$out"
# absolute paths: attest runs in a scratch directory
data_root="$(cd "$data_root" && pwd)"
data="$data_root/$scale"
out="$(cd "$out" && pwd)"
failed=()

# ---- 1. the peers' Python
venv="$("$repo/scripts/peers-venv.sh" | tail -n 1)"
py="$venv/bin/python"

# ---- 2. the data set
have_data() {
    [ -f "$data/manifest.json" ] && "$py" - "$data/manifest.json" "$events" "$seed" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if (m.get("events"), m.get("seed")) == (int(sys.argv[2]), int(sys.argv[3])) else 1)
EOF
}
if have_data; then
    say "data set: $data ($events events, seed $seed, already generated)"
else
    say "generating $events events (seed $seed) into $data"
    rm -rf "$data"
    "$py" "$bench/gen_dataset.py" --events "$events" --seed "$seed" --out "$data" >&2
fi

# ---- 3. the attest binary
attest="${ATTEST_BIN:-$repo/target/release/attest}"
case "$attest" in /*) ;; *) attest="$PWD/$attest" ;; esac
if [ "$run_attest" = 1 ]; then
    if [ -z "${ATTEST_BIN:-}" ]; then
        say "cargo build --release"
        (cd "$repo" && cargo build --release --quiet) || die "cargo build --release failed"
    fi
    [ -x "$attest" ] || die "no attest binary at $attest"
    if ! "$attest" bench --help >/dev/null 2>&1; then
        say "WARNING: $attest has no 'bench' command yet: Attest is NOT measured,"
        say "WARNING: $out/attest.json is not written; the table shows the peers only"
        run_attest=0
        missing_bench=1
    fi
fi

# ---- 4. the peers
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
if [ "$engines" = none ]; then
    [ -f "$out/peers.json" ] || die "--engines none but there is no $out/peers.json to reuse"
    say "reusing $out/peers.json (no peer run)"
else
    say "peers ($engines), repeat $repeat -> $out/peers.json"
    rm -f "$out/peers.json"
    if ! "$py" "$bench/peers.py" --data "$data" --engines "$engines" --repeat "$repeat" \
            --json "$out/peers.json" >"$out/peers.txt"; then
        failed+=("peers.py (see $out/peers.txt)")
    fi
fi

# ---- 5. attest, on the same data right after the peers
if [ "$run_attest" = 1 ]; then
    say "attest bench, repeat $repeat -> $out/attest.json"
    rm -f "$out/attest.json"
    # run in a scratch directory so that nothing lands in the working tree
    scratch="$(mktemp -d)"
    if ! (cd "$scratch" && "$attest" bench --data "$data" --json "$out/attest.json" --repeat "$repeat") >&2; then
        failed+=("attest bench")
    fi
    rm -rf "$scratch"
elif [ -z "${missing_bench:-}" ]; then
    say "--no-attest: Attest not run"
fi
if [ -f "$out/attest.json" ] && [ "$run_attest" = 0 ]; then
    say "moving the stale $out/attest.json (not from this run) to attest.json.old"
    mv "$out/attest.json" "$out/attest.json.old"
fi
say "run: $started .. $(date -u +%Y-%m-%dT%H:%M:%SZ)"

# ---- 6. the table and the answer check
[ -f "$out/peers.json" ] || [ -f "$out/attest.json" ] || die "no result file in $out"
table_rc=0
python3 "$repo/scripts/bench_table.py" "$out" | tee "$out/table.md" || table_rc=$?
if [ "$table_rc" -ne 0 ]; then
    failed+=("bench_table.py (exit $table_rc: answers differ or bad input)")
fi

if [ "${#failed[@]}" -gt 0 ]; then
    for f in "${failed[@]}"; do say "FAILED: $f"; done
    exit 1
fi
if [ -n "${missing_bench:-}" ]; then
    say "WARNING: done WITHOUT Attest ('attest bench' is not in this build); peers table only"
fi
say "results: $out/"
