"""Load an `attest export --format csv` directory into Kuzu and answer Q1-Q7.

    python kuzu_csv.py EXPORT_DIR BENCH_DIR PARAMS_MANIFEST WORK_DIR

The tables are declared from the export's own manifest.json (columns, header
types, the labels each relationship file joins), nothing hard-coded, then
filled with Kuzu's COPY FROM. The questions are the Cypher of the shared
benchmark (BENCH_DIR/peers.py, KuzuEngine), with the parameters of the
generator's manifest. Prints one JSON object {"Q1": answer, ...} in the
normalised form of peers.py's results.
"""
import json
import os
import sys

KUZU_TYPES = {"string": "STRING", "int": "INT64", "float": "DOUBLE", "bool": "BOOLEAN", "date": "DATE"}


def column(header):
    name, _, ty = header.partition(":")
    if name == "id":  # node ids are integers; the import layout leaves them untyped
        return name, "INT64"
    if ty.endswith("[]"):  # `a;b`: Kuzu's own list syntax is `[a,b]`; keep the text
        return name, "STRING"
    return name, KUZU_TYPES[ty or "string"]


def main():
    export_dir, bench_dir, params_manifest, work = sys.argv[1:5]
    sys.path.insert(0, bench_dir)
    import peers  # the shared benchmark: its Kuzu engine's questions

    with open(os.path.join(export_dir, "manifest.json")) as f:
        manifest = json.load(f)
    with open(params_manifest) as f:
        manifest["params"] = json.load(f)["params"]

    class ExportedKuzu(peers.KuzuEngine):
        def load(self):
            self._open()
            files = manifest["files"]
            pairs = {}
            for fn, v in files.items():
                if v["kind"] == "rel":
                    pairs.setdefault(v["type"], []).append((v["from"], v["to"], v["columns"][2:]))
            for fn, v in sorted(files.items()):
                if v["kind"] == "node":
                    cols = [column(h) for h in v["columns"]]
                    body = ", ".join("%s %s" % (n, t) for n, t in cols)
                    self.conn.execute("CREATE NODE TABLE %s(%s, PRIMARY KEY(id))" % (v["label"], body))
            for rel_type, ends in sorted(pairs.items()):
                props = [column(h) for h in ends[0][2]]
                body = ", ".join(["FROM %s TO %s" % (a, b) for a, b, _ in ends] + ["%s %s" % p for p in props])
                self.conn.execute("CREATE REL TABLE %s(%s)" % (rel_type, body))
            for fn, v in sorted(files.items(), key=lambda kv: kv[1]["kind"] != "node"):
                path = os.path.join(export_dir, fn)
                if v["kind"] == "node":
                    self.conn.execute("COPY %s FROM '%s' (header=true)" % (v["label"], path))
                else:
                    opts = "header=true"
                    if len(pairs[v["type"]]) > 1:
                        opts = "from='%s', to='%s', header=true" % (v["from"], v["to"])
                    self.conn.execute("COPY %s FROM '%s' (%s)" % (v["type"], path, opts))

    engine = ExportedKuzu(export_dir, work, manifest)
    engine.load()
    answers = {q: getattr(engine, q.lower())() for q in peers.QUERIES}
    engine.close()
    print(json.dumps(answers))


if __name__ == "__main__":
    main()
