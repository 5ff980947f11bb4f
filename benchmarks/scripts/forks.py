#!/usr/bin/env python3
"""Splits a JMH JSON result of several forks into one file per fork, each row's score the mean of
that fork's measurement iterations (secondary metrics, such as gc.alloc.rate.norm, are kept as the
run's), so that `report.py summary` can set the forks of one run side by side: how far a ratio
moves between two JVMs of the same run is the floor under any comparison between runs.
Run it before scripts/compact.py strips the per-iteration data.

Usage: forks.py run.json OUTDIR NAME   writes OUTDIR/fork1/NAME, OUTDIR/fork2/NAME, ...
"""
import copy
import json
import os
import sys


def split(rows):
    forks = max(len(r["primaryMetric"].get("rawData", [])) for r in rows)
    if forks < 2:
        sys.exit("fewer than two forks with per-iteration data (compacted already?)")
    out = [[] for _ in range(forks)]
    for r in rows:
        raw = r["primaryMetric"].get("rawData", [])
        for f, iterations in enumerate(raw):
            one = copy.deepcopy(r)
            m = one["primaryMetric"]
            m["score"] = sum(iterations) / len(iterations)
            m["scoreError"] = "NaN"
            m["rawData"] = [iterations]
            one["forks"] = 1
            out[f].append(one)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, outdir, name = sys.argv[1:]
    for f, rows in enumerate(split(json.load(open(src))), 1):
        d = os.path.join(outdir, f"fork{f}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "w") as out:
            json.dump(rows, out, separators=(",", ":"))
            out.write("\n")
