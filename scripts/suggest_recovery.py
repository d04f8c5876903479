#!/usr/bin/env python3
"""Does `mine lexicon suggest` find terms a lexicon is missing? Held-out entry recovery.

For a category, the entries with at least MIN_HITS counted hits in the corpus are split into
FOLDS folds. For each fold the fold's entries are removed from a copy of the lexicons, the corpus
is indexed with that copy, and `mine lexicon suggest` ranks every candidate. A removed entry is
recovered at rank r when its term (or a variant) is the r-th candidate. The same candidates ranked
by the number of sentences that hold them (plain frequency) are the baseline.

Usage: scripts/suggest_recovery.py MINE CORPUS CATEGORY [--folds 5] [--min-hits 5] [--k 50]
(MINE is the binary; the lexicons are the built-in set written out by `mine lexicon init`).
Prints recall@k and the median rank for G² and for frequency. Python 3 standard library only.
"""
import argparse
import csv
import io
import re
import statistics
import subprocess
import tempfile
from pathlib import Path


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def entries_with_hits(hits_csv, category, min_hits):
    counts = {}
    with open(hits_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["category"] == category and row["counted"] == "true":
                counts[row["entry"]] = counts.get(row["entry"], 0) + 1
    return sorted(e for e, n in counts.items() if n >= min_hits)


def remove_entries(toml_text, terms):
    """The category file without the [[entry]] blocks whose term is in `terms`; with the forms
    (term and variants) of each removed entry."""
    blocks = re.split(r"(?m)^(?=\[\[entry\]\])", toml_text)
    kept, forms = [], {}
    for block in blocks:
        m = re.search(r'(?m)^term = "([^"]+)"', block) if block.startswith("[[entry]]") else None
        if m and m.group(1) in terms:
            v = re.search(r"(?m)^variants = \[(.*)\]", block)
            variants = re.findall(r'"([^"]+)"', v.group(1)) if v else []
            forms[m.group(1)] = [m.group(1)] + variants
        else:
            kept.append(block)
    return "".join(kept), forms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mine")
    p.add_argument("corpus")
    p.add_argument("category")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--min-hits", type=int, default=5)
    p.add_argument("--k", type=int, default=50)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        full = tmp / "full"
        run(a.mine, "lexicon", "init", str(tmp / "lex"))
        run(a.mine, "index", a.corpus, "--out", str(full), "--lexicons", str(tmp / "lex"))
        held = entries_with_hits(full / "hits.csv", a.category, a.min_hits)
        original = (tmp / "lex" / f"{a.category}.toml").read_text(encoding="utf-8")
        ranks = {"g2": [], "frequency": []}
        for fold in range(a.folds):
            terms = set(held[fold :: a.folds])
            text, forms = remove_entries(original, terms)
            lex = tmp / f"lex{fold}"
            run(a.mine, "lexicon", "init", str(lex))
            (lex / f"{a.category}.toml").write_text(text, encoding="utf-8")
            out = tmp / f"out{fold}"
            run(a.mine, "index", a.corpus, "--out", str(out), "--lexicons", str(lex))
            table = run(a.mine, "lexicon", "suggest", a.category, "--out", str(out),
                        "--lexicons", str(lex), "--top", "100000", "--examples", "0",
                        "--format", "csv")
            rows = list(csv.DictReader(io.StringIO(table)))
            by_g2 = [r["term"] for r in rows]
            by_freq = [r["term"] for r in sorted(rows, key=lambda r: (-int(r["sentences"]), r["term"]))]
            for term, fs in sorted(forms.items()):
                for name, order in (("g2", by_g2), ("frequency", by_freq)):
                    found = [order.index(f) + 1 for f in fs if f in order]
                    ranks[name].append(min(found) if found else None)
        n = len(held)
        print(f"{a.category}: {n} entries with >= {a.min_hits} counted hits, {a.folds} folds")
        for name, rs in ranks.items():
            hit = sum(1 for r in rs if r is not None and r <= a.k)
            found = [r for r in rs if r is not None]
            median = statistics.median(found) if found else float("nan")
            print(f"  {name:9} recall@{a.k} {hit}/{n} = {hit / n:.3f}; ranked at all {len(found)}/{n}; "
                  f"median rank of those {median}")


if __name__ == "__main__":
    main()
