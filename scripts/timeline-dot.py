#!/usr/bin/env python3
"""Writes a Graphviz timeline of events from two CSV query results.

    timeline-dot.py EVENTS.csv BEFORE.csv > timeline.dot

EVENTS.csv: columns id, date, kind, summary (as `attest query --format csv`
prints them; date may be empty); BEFORE.csv: columns before, after (event
ids). Dated events stand in a column under their day, days left to right;
undated events are placed by the BEFORE relationships alone, which are
drawn as arrows. Standard library only.
"""
import csv
import sys
import textwrap


def esc(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def main():
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        events = list(csv.DictReader(f))
    with open(sys.argv[2], newline="", encoding="utf-8") as f:
        before = [(row["before"], row["after"]) for row in csv.DictReader(f)]
    days = sorted({e["date"] for e in events if e["date"]})
    out = [
        "digraph timeline {",
        '  graph [rankdir=LR, fontname="Helvetica", nodesep=0.3, ranksep=0.4, newrank=true];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fillcolor="#fce5cd"];',
        '  edge [color="#888888", arrowsize=0.7];',
    ]
    groups = [("undated", "no date in the text", "#f3f3f3")] + [(d, d, "#eaf1fb") for d in days]
    for i, (key, title, colour) in enumerate(groups):
        out.append('  subgraph cluster_%d {' % i)
        out.append('    label="%s"; style="rounded,filled"; fillcolor="%s"; color="#9fb7d6"; fontsize=14;' % (title, colour))
        for e in events:
            if (e["date"] or "undated") == key:
                label = "%s\\n%s" % (e["kind"].upper(), "\\n".join(textwrap.wrap(esc(e["summary"]), 30)))
                out.append('    e%s [label="%s"];' % (e["id"], label))
        out.append("  }")
    for a, b in before:
        out.append('  e%s -> e%s [label="before", fontsize=8, fontname="Helvetica"];' % (a, b))
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
