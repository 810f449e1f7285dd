#!/usr/bin/env bash
# Create the Python virtual environment that runs the peer engines of the
# side-by-side benchmark (shared/bench/peers.py) and install the pinned
# requirements into it.
#
#   scripts/peers-venv.sh            # create or check .venv-peers/
#
# Environment:
#   ATTEST_SHARED  shared directory holding bench/ (default: <repo>/../shared)
#   PEERS_VENV     where the venv goes (default: <repo>/.venv-peers, gitignored)
#   PYTHON         interpreter that creates the venv (default: python3)
#
# Idempotent: when the venv exists and was installed from the same
# requirements file (its SHA-256 is stamped in the venv), it does nothing.
# Otherwise it (re)installs, and on a pip failure prints pip's error and
# exits non-zero. Prints the venv path on the last line of stdout.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${ATTEST_SHARED:-$repo/../shared}"
venv="${PEERS_VENV:-$repo/.venv-peers}"
python="${PYTHON:-python3}"

die() { echo "peers-venv: $*" >&2; exit 1; }

[ -d "$shared" ] || die "no shared directory at $shared (set ATTEST_SHARED to the directory holding bench/)"
shared="$(cd "$shared" && pwd)"
req="$shared/bench/requirements.txt"
stamp="$venv/.attest-requirements.sha256"

[ -f "$req" ] || die "no requirements file at $req (set ATTEST_SHARED to the directory holding bench/)"
command -v "$python" >/dev/null || die "no Python interpreter '$python' (set PYTHON)"

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "peers-venv: $venv is up to date with $req" >&2
    echo "$venv"
    exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
    echo "peers-venv: creating $venv with $("$python" --version 2>&1)" >&2
    "$python" -m venv "$venv" || die "'$python -m venv $venv' failed (is the venv/ensurepip module installed?)"
fi
rm -f "$stamp"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "peers-venv: installing $req" >&2
# pip's own output goes to stderr so that stdout carries only the venv path.
if ! "$venv/bin/python" -m pip install --disable-pip-version-check -r "$req" >"$log" 2>&1; then
    cat "$log" >&2
    die "pip install -r $req failed (see pip's error above); the venv is left at $venv without a stamp"
fi
grep -E '^(Successfully installed|Requirement already satisfied)' "$log" | tail -n 1 >&2 || true

echo "$want" >"$stamp"
"$venv/bin/python" -m pip list --disable-pip-version-check --format=freeze 2>/dev/null \
    | grep -iE '^(kuzu|pyoxigraph|duckdb|networkx|cozo[-_]embedded|pycozo)==' >&2 || true
echo "peers-venv: ready: $venv" >&2
echo "$venv"
