#!/usr/bin/env python3
"""Merge benchmark result files and print them as a Markdown table.

    scripts/bench_table.py bench-results/100k                 # peers.json + attest.json
    scripts/bench_table.py peers-10k.json [attest-10k.json]   # explicit files
    scripts/bench_table.py bench-results/10k bench-results/100k bench-results/1m
    scripts/bench_table.py --by-scale bench-results/*/        # one table per column, scales side by side

Each argument is a result JSON file in the format written by the shared
bench/peers.py (and by `attest bench`, whose engine is named "attest"), or a
directory holding `peers.json` and/or `attest.json`. Files are grouped by
data set (events, seed); within one data set their engines are merged (when
an engine occurs twice, the later file wins).

Per engine and scale the table shows: load seconds, each query's median warm
run in ms, peak RSS in MB and store size in MB (MB = 2^20 bytes). When Attest
is present, a last row gives Attest's value divided by the best (lowest)
peer value of that column, naming that peer.

Checks, per data set: the peers agree with each other on every query's
normalised answer, and Attest's answers equal that agreed answer. Any
mismatch is printed with `!!!` on stderr and the exit status is 1. A data set
without Attest is only printed (its peers are still checked). Input errors
(unreadable file, two files of one scale made from different data) exit 2.

Standard library only.
"""

import argparse
import json
import os
import sys

QUERIES = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]
ATTEST = "attest"
# the engine whose answer is the reference when the peers disagree (as in peers.py)
REFERENCE = "kuzu"
# the keys of "dataset" that must be equal for two files to describe the same data
SAME_DATA_KEYS = ("events", "seed", "counts", "params")


class InputError(Exception):
    pass


# ----------------------------------------------------------------------------- reading

def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError("cannot read %s: %s" % (path, e))


def expand(args):
    """Turn the arguments into a list of (path, result) pairs; report missing attest files."""
    out = []
    notes = []
    for a in args:
        if os.path.isdir(a):
            found = False
            for name in ("peers.json", "attest.json"):
                p = os.path.join(a, name)
                if os.path.isfile(p):
                    out.append((p, read_json(p)))
                    found = True
                elif name == "attest.json":
                    notes.append("no attest.json in %s: Attest not measured at this scale, "
                                 "printing the peers only" % a)
            if not found:
                raise InputError("%s holds neither peers.json nor attest.json" % a)
        else:
            out.append((a, read_json(a)))
    for p, r in out:
        if not isinstance(r.get("engines"), dict) or not isinstance(r.get("dataset"), dict):
            raise InputError("%s is not a benchmark result file (no 'engines'/'dataset')" % p)
        if r.get("format_version", 1) != 1:
            raise InputError("%s has format_version %r; this script reads 1" % (p, r.get("format_version")))
    return out, notes


class Scale:
    """All engines measured on one data set."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.events = dataset["events"]
        self.engines = {}      # name -> engine record
        self.source = {}       # name -> (path, whole result)
        self.files = []

    def add(self, path, res):
        for k in SAME_DATA_KEYS:
            a, b = self.dataset.get(k), res["dataset"].get(k)
            if a is not None and b is not None and a != b:
                raise InputError("%s: dataset.%s differs from %s (different data at %s events)"
                                 % (path, k, self.files[0], self.events))
        for k, v in res["dataset"].items():
            self.dataset.setdefault(k, v)
        self.files.append(path)
        for name, rec in res["engines"].items():
            if name in self.engines:
                print("note: %s from %s replaces the one from %s" % (name, path, self.source[name][0]),
                      file=sys.stderr)
            self.engines[name] = rec
            self.source[name] = (path, res)

    def peers(self):
        return [n for n in self.engines if n != ATTEST]

    def label(self):
        return scale_label(self.events)


def group(files):
    scales = {}
    for path, res in files:
        ds = res["dataset"]
        if "events" not in ds:
            raise InputError("%s: dataset has no 'events'" % path)
        key = (ds["events"], ds.get("seed"))
        if key not in scales:
            scales[key] = Scale(dict(ds))
        scales[key].add(path, res)
    return [scales[k] for k in sorted(scales, key=lambda k: (k[0], k[1] or 0))]


# ----------------------------------------------------------------------------- values

def scale_label(n):
    if n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def query_ok(rec, q):
    qq = rec.get("queries", {}).get(q)
    return qq is not None and "error" not in qq


def columns():
    """(header, getter, formatter); a getter returns a number, None (missing) or 'ERR'."""
    def load_s(rec):
        return rec.get("load", {}).get("seconds")

    def query(q):
        def get(rec):
            qq = rec.get("queries", {}).get(q)
            if qq is None:
                return None
            if "error" in qq:
                return "ERR"
            return qq.get("warm_median_ms")
        return get

    def rss(rec):
        v = rec.get("peak_rss_mb")
        return v if v is not None else rec.get("load", {}).get("peak_rss_mb")

    def store(rec):
        b = rec.get("load", {}).get("store_bytes")
        return None if b is None else b / 1048576.0

    cols = [("load s", load_s, lambda v: "%.2f" % v)]
    for q in QUERIES:
        cols.append((q + (" (ms)" if q == QUERIES[-1] else ""), query(q), fmt_ms))
    cols.append(("peak RSS MB", rss, lambda v: "%.0f" % v))
    cols.append(("store MB", store, lambda v: "%.1f" % v))
    return cols


def fmt_ms(v):
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    if v >= 1:
        return "%.2f" % v
    return "%.3f" % v


def fmt_ratio(r):
    if r >= 10:
        return "%.0f×" % r
    if r >= 1:
        return "%.1f×" % r
    return "%.2g×" % r


def cell(v, fmt):
    if v is None:
        return "–"
    if v == "ERR":
        return "ERR"
    return fmt(v)


def ratio_cell(scale, get):
    """Attest's value over the lowest peer value of one column."""
    a = get(scale.engines[ATTEST])
    if a is None or a == "ERR":
        return "–"
    best = None
    for p in scale.peers():
        v = get(scale.engines[p])
        if isinstance(v, (int, float)) and (best is None or v < best[0]):
            best = (v, p)
    if best is None:
        return "–"
    if best[0] <= 0:
        return "– (%s 0)" % best[1]
    return "%s (%s)" % (fmt_ratio(a / best[0]), best[1])


def engine_order(scale):
    return scale.peers() + ([ATTEST] if ATTEST in scale.engines else [])


def engine_name(scale, name):
    st = scale.engines[name].get("status", "ok")
    return name if st == "ok" else "%s (%s)" % (name, st)


# ----------------------------------------------------------------------------- tables

def md_row(cells):
    return "| " + " | ".join(cells) + " |"


def md_table(header, rows):
    lines = [md_row(header), md_row(["---"] + ["---:"] * (len(header) - 1))]
    lines += [md_row(r) for r in rows]
    return "\n".join(lines)


def stacked_table(scales):
    """One table; with several scales, a bold row opens each scale's block."""
    cols = columns()
    first = "%s events" % scales[0].label() if len(scales) == 1 else "engine"
    header = [first] + [c[0] for c in cols]
    rows = []
    for s in scales:
        if len(scales) > 1:
            rows.append(["**%s events**" % s.label()] + [""] * len(cols))
        for name in engine_order(s):
            rec = s.engines[name]
            rows.append([engine_name(s, name)] + [cell(get(rec), fmt) for _, get, fmt in cols])
        if ATTEST in s.engines and s.peers():
            rows.append(["attest / best peer"] + [ratio_cell(s, get) for _, get, _ in cols])
    return md_table(header, rows)


def by_scale_tables(scales):
    """One table per column, engines as rows and the scales side by side."""
    out = []
    names = []
    for s in scales:
        for n in engine_order(s):
            if n not in names and n != ATTEST:
                names.append(n)
    has_attest = any(ATTEST in s.engines for s in scales)
    if has_attest:
        names.append(ATTEST)
    for title, get, fmt in columns():
        unit = "warm median ms" if title.startswith("Q") else ""
        head = title.replace(" (ms)", "")
        header = ["%s%s" % (head, (" " + unit) if unit else "")] + ["%s events" % s.label() for s in scales]
        rows = []
        for n in names:
            rows.append([n] + [cell(get(s.engines[n]), fmt) if n in s.engines else "–" for s in scales])
        if has_attest:
            rows.append(["attest / best peer"] +
                        [ratio_cell(s, get) if ATTEST in s.engines and s.peers() else "–" for s in scales])
        out.append(md_table(header, rows))
    return "\n\n".join(out)


def footnotes(scales):
    """Where the numbers come from: files, machine, settings, CPU calibration, engine status."""
    lines = []
    for s in scales:
        ds = s.dataset
        lines.append("- %s events (seed %s): %s nodes, %s relationships; files: %s"
                     % (s.label(), ds.get("seed"), ds.get("nodes", "?"), ds.get("relationships", "?"),
                        ", ".join(s.files)))
        seen = []
        for name in engine_order(s):
            path, res = s.source[name]
            if path in seen:
                continue
            seen.append(path)
            m = res.get("machine", {})
            st = res.get("settings", {})
            lines.append("  - %s: %s .. %s; repeat %s; %s, %s CPUs, %s GiB, Python %s"
                         % (os.path.basename(path), res.get("started", "?"), res.get("finished", "?"),
                            st.get("repeat", "?"), m.get("cpu_model", "?"), m.get("cpus", "?"),
                            m.get("mem_total_gib", "?"), m.get("python", "?")))
        cal = []
        for name in engine_order(s):
            c = s.engines[name].get("cpu_calibration_ms")
            if c:
                cal.append("%s %s" % (name, "→".join("%g" % x for x in c if x is not None)))
        lines.append("  - cpu_calibration_ms (start→end, lower = faster machine): %s"
                     % ("; ".join(cal) if cal else "not recorded"))
        for name in engine_order(s):
            rec = s.engines[name]
            if rec.get("status", "ok") != "ok":
                lines.append("  - %s: status %s%s" % (name, rec["status"],
                             ("; not finished: " + ",".join(rec["not_finished"])) if rec.get("not_finished") else ""))
            slow = [q for q in QUERIES if query_ok(rec, q) and rec["queries"][q].get("warm_runs") is not None
                    and rec["queries"][q]["warm_runs"] < s.source[name][1].get("settings", {}).get("repeat", 0)]
            if slow:
                lines.append("  - %s: fewer warm runs (query budget) for %s" % (name, ", ".join(
                    "%s (%d)" % (q, rec["queries"][q]["warm_runs"]) for q in slow)))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- answers

def canon(v):
    return json.dumps(v, sort_keys=True)


def check(scale):
    """Problems with the answers of one scale, as printable lines."""
    problems = []
    for q in QUERIES:
        groups = {}
        for p in scale.peers():
            if query_ok(scale.engines[p], q):
                groups.setdefault(canon(scale.engines[p]["queries"][q]["result"]), []).append(p)
        ref = None
        if len(groups) > 1:
            problems.append("%s events %s: the peers disagree: %s" % (scale.label(), q, "; ".join(
                "%s -> %s" % (",".join(ens), k[:200]) for k, ens in groups.items())))
            for k, ens in groups.items():
                if REFERENCE in ens:
                    ref = (k, ens)
        elif groups:
            ref = next(iter(groups.items()))
        if ATTEST not in scale.engines:
            continue
        a = scale.engines[ATTEST].get("queries", {}).get(q)
        if a is None:
            problems.append("%s events %s: attest has no result" % (scale.label(), q))
        elif "error" in a:
            problems.append("%s events %s: attest failed: %s" % (scale.label(), q, str(a["error"])[:300]))
        elif ref is None:
            problems.append("%s events %s: no peer answered, attest's answer %s is unchecked"
                            % (scale.label(), q, canon(a.get("result"))[:200]))
        elif canon(a.get("result")) != ref[0]:
            problems.append("%s events %s: attest answered %s but the peers (%s) answered %s"
                            % (scale.label(), q, canon(a.get("result"))[:300], ",".join(ref[1]), ref[0][:300]))
    return problems


# ----------------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", metavar="RESULT",
                    help="result JSON file, or a directory holding peers.json / attest.json")
    ap.add_argument("--by-scale", action="store_true",
                    help="one table per column (load, Q1..Q7, RSS, store) with the scales side by side")
    ap.add_argument("--no-notes", action="store_true",
                    help="print only the table(s), without the provenance notes under them")
    args = ap.parse_args(argv)
    try:
        files, notes = expand(args.inputs)
        scales = group(files)
    except InputError as e:
        print("bench_table: %s" % e, file=sys.stderr)
        return 2
    for n in notes:
        print("bench_table: %s" % n, file=sys.stderr)

    print(by_scale_tables(scales) if args.by_scale else stacked_table(scales))
    print()
    print("Q1..Q7: median of the warm runs, ms. MB = 2^20 bytes. peak RSS: the engine's whole process "
          "(for the peers, a Python interpreter included).")
    if any(ATTEST in s.engines for s in scales):
        print("attest / best peer: Attest's value divided by the lowest peer value in that column "
              "(below 1× = Attest lower than every peer; above 1× = that many times the best peer).")
    if not args.no_notes:
        print()
        print(footnotes(scales))

    problems = []
    for s in scales:
        problems += check(s)
    checked = [s.label() for s in scales if ATTEST in s.engines]
    if problems:
        print(file=sys.stderr)
        for p in problems:
            print("!!! " + p, file=sys.stderr)
        print("!!! %d answer problem(s): see above" % len(problems), file=sys.stderr)
        return 1
    if checked:
        print("bench_table: Attest's answers equal the peers' at %s events" % ", ".join(checked), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
