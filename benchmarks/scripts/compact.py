#!/usr/bin/env python3
"""Strips JMH's per-iteration raw data (rawData, rawDataHistogram), score percentiles and the
secondary metrics RESULTS.md does not use from JSON result files in place, keeping scores, errors,
confidence intervals, gc.alloc.rate(.norm), gc.count, gc.time and the per-method scores of a JMH
group (named by the method alone, with no dot), so results/ stays small.
Usage: compact.py results/*.json"""
import json
import sys


KEEP = {"gc.alloc.rate", "gc.alloc.rate.norm", "gc.count", "gc.time"}


def strip(m):
    for k in ("rawData", "rawDataHistogram", "scorePercentiles"):
        m.pop(k, None)


for path in sys.argv[1:]:
    data = json.load(open(path))
    for r in data:
        strip(r.get("primaryMetric", {}))
        sec = r.get("secondaryMetrics", {})
        for k in list(sec):
            if k not in KEEP and "." in k:
                del sec[k]
        for m in sec.values():
            strip(m)
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
