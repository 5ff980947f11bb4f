#!/usr/bin/env python3
"""The A/B's rows side by side: for each JDK, benchmark and parameters, the score of each round's
before and after arm (stream reads: ms per 64 MiB file; random reads: reads per ms), the after ÷
before ratio of the two rounds' means, and bytes allocated per operation (before → after, means)."""
import collections
import glob
import json
import os
import re
import sys

here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for path in sorted(glob.glob(os.path.join(here, "jdk*-round*-*-*.json"))):
    jdk, rnd, arm, kind = re.match(r"jdk(\d+)-round(\d)-(\w+)-(\w+)\.json",
                                   os.path.basename(path)).groups()
    try:
        results = json.load(open(path))
    except ValueError:
        continue  # a run still under way
    for row in results:
        p = row["params"]
        what = (f"chunk {p['chunk']}, block {p['blockSize']}" if "chunk" in p
                else f"block {p['blockSize']}")
        key = (jdk, kind, what, p["impl"])
        m = row["primaryMetric"]
        alloc = row["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]
        rows[key][arm].append((int(rnd), m["score"], m["scoreError"], alloc, m["scoreUnit"]))

print("| JDK | rows | params | impl | unit | before (r1, r2) | after (r1, r2) | after ÷ before | B/op before → after |")
print("|---|---|---|---|---|---|---|---|---|")
for key in sorted(rows, key=lambda k: (k[0], k[1], k[2], k[3])):
    jdk, kind, what, impl = key
    arms = rows[key]
    b = sorted(arms["before"])
    a = sorted(arms["after"])
    if not a or not b:
        continue
    mean = lambda xs, i: sum(x[i] for x in xs) / len(xs)
    fmt = lambda xs: ", ".join(f"{x[1]:.1f}" for x in xs)
    print(f"| {jdk} | {kind} | {what} | {impl} | {b[0][4]} | {fmt(b)} | {fmt(a)} "
          f"| {mean(a, 1) / mean(b, 1):.2f} | {mean(b, 3):,.0f} → {mean(a, 3):,.0f} |")
