#!/usr/bin/env python3
"""Sets each row of a JMH run with several forks beside the same row of an earlier run: a Markdown
table of every row's score in each fork (the mean of that fork's measurement iterations) and the
earlier run's score, with the spread between the forks. For the stages RESULTS.md reports from one
fork per row: how far a figure moves from one JVM to the next, and whether the earlier one-fork
figure lies among them. Secondary metrics named with -m (a JMH secondary result such as
"read" of a group benchmark) get rows of their own. Run it before scripts/compact.py strips the
per-iteration data.

Usage: forkrows.py RUN.json [EARLIER.json] [-m METRIC ...]
"""
import json
import sys


def key(row, metric):
    params = ",".join(f"{k}={v}" for k, v in sorted(row.get("params", {}).items()))
    name = row["benchmark"].rsplit(".", 2)
    return f"{name[-2]}.{name[-1]}{':' + metric if metric else ''} {params}"


def forks_of(row, metric):
    m = row["primaryMetric"] if metric is None else row["secondaryMetrics"].get(metric)
    if m is None:
        return None, []
    raw = m.get("rawData") or []
    return m["scoreUnit"], [sum(i) / len(i) for i in raw if i]


def score_of(row, metric):
    m = row["primaryMetric"] if metric is None else row["secondaryMetrics"].get(metric)
    return None if m is None else m["score"]


def fmt(x):
    if x is None:
        return "–"
    return f"{x:,.1f}" if abs(x) >= 10 else f"{x:.3g}"


def main(argv):
    metrics = [None]
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "-m":
            metrics.append(argv[i + 1])
            i += 2
        else:
            files.append(argv[i])
            i += 1
    if not files or len(files) > 2:
        sys.exit(__doc__)
    run = json.load(open(files[0]))
    earlier = {}
    if len(files) == 2:
        for row in json.load(open(files[1])):
            for metric in metrics:
                earlier[key(row, metric)] = score_of(row, metric)
    forks = max((len(forks_of(r, None)[1]) for r in run), default=0)
    if forks < 2:
        sys.exit("fewer than two forks with per-iteration data (compacted already?)")
    head = ["row", "unit"] + [f"fork {f}" for f in range(1, forks + 1)] + ["spread"]
    if earlier:
        head.append("earlier run")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in run:
        for metric in metrics:
            unit, scores = forks_of(row, metric)
            if unit is None:
                continue
            spread = (max(scores) / min(scores) - 1) if scores and min(scores) > 0 else None
            cells = [key(row, metric), unit] + [fmt(s) for s in scores]
            cells += [""] * (forks - len(scores))
            cells.append("–" if spread is None else f"{spread * 100:.0f} %")
            if earlier:
                cells.append(fmt(earlier.get(key(row, metric))))
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
