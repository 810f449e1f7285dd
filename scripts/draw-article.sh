#!/usr/bin/env bash
# Draws the bundled article into docs/pictures/:
#
#   article.dot / .svg / .png    the whole graph, from `attest export --format dot`
#   timeline.dot / .svg / .png   the article's events by day, with BEFORE arrows
#
#   scripts/draw-article.sh
#
# Needs Graphviz (`apt-get install -y graphviz`) and python3 (standard
# library only). Builds attest (debug) and loads the article into a
# temporary store, so the pictures always show the current facts and the
# current exporter. Run it after changing data/article.facts or src/export/.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/docs/pictures"
die() { echo "draw-article: $*" >&2; exit 1; }
command -v dot >/dev/null || die "no Graphviz 'dot' on PATH (apt-get install -y graphviz)"
command -v python3 >/dev/null || die "no python3 on PATH"

cargo build --quiet --manifest-path "$repo/Cargo.toml"
attest="$repo/target/debug/attest"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

"$attest" --db "$tmp/store" load article >/dev/null
"$attest" --db "$tmp/store" export --format dot --out "$out/article.dot"
dot -Tsvg "$out/article.dot" -o "$out/article.svg"
dot -Tpng -Gdpi=40 "$out/article.dot" -o "$out/article.png"

"$attest" --db "$tmp/store" query --format csv \
    "MATCH (e:Event) RETURN id(e) AS id, e.date AS date, e.kind AS kind, e.summary AS summary ORDER BY id" \
    >"$tmp/events.csv"
"$attest" --db "$tmp/store" query --format csv \
    "MATCH (a:Event)-[:BEFORE]->(b:Event) RETURN id(a) AS before, id(b) AS after ORDER BY before, after" \
    >"$tmp/before.csv"
python3 "$repo/scripts/timeline-dot.py" "$tmp/events.csv" "$tmp/before.csv" >"$out/timeline.dot"
dot -Tsvg "$out/timeline.dot" -o "$out/timeline.svg"
dot -Tpng -Gdpi=80 "$out/timeline.dot" -o "$out/timeline.png"

ls -l "$out" >&2
