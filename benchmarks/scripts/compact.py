#!/usr/bin/env python3
"""Strips JMH's per-iteration raw data (rawData, rawDataHistogram) from JSON result files in
place, keeping scores, errors, confidence intervals, percentiles and secondary metrics (gc.*),
so results/ stays small. Usage: compact.py results/*.json"""
import json
import sys


def strip(m):
    for k in ("rawData", "rawDataHistogram"):
        m.pop(k, None)


for path in sys.argv[1:]:
    data = json.load(open(path))
    for r in data:
        strip(r.get("primaryMetric", {}))
        for m in r.get("secondaryMetrics", {}).values():
            strip(m)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
