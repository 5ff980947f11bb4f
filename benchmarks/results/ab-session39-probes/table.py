#!/usr/bin/env python3
"""Session 39's probes as one Markdown table (score ± 99.9 % interval, bytes allocated per op)."""
import glob
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
print("| JDK | benchmark | params | µs/op | ± | B/op |")
print("|---|---|---|---|---|---|")
for path in sorted(glob.glob(os.path.join(here, "*-jdk*.json"))):
    jdk = path.rsplit("-jdk", 1)[1][:-5]
    for row in json.load(open(path)):
        name = row["benchmark"].rsplit(".", 2)[-2:]
        params = ", ".join(f"{k}={v}" for k, v in row.get("params", {}).items())
        m = row["primaryMetric"]
        alloc = row.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        print(f"| {jdk} | {'.'.join(name)} | {params} | {m['score']:.2f} | {m['scoreError']:.2f} "
              f"| {alloc:,.0f} |" if alloc is not None else f"| {jdk} | {'.'.join(name)} | {params} "
              f"| {m['score']:.2f} | {m['scoreError']:.2f} | |")
