#!/usr/bin/env python3
"""Prints table.md's rows from jdk21.json and jdk25.json (PinnedReadBench, one fork each)."""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
IMPLS = ["plain", "AES-256-GCM", "CHACHA20-POLY1305"]
READERS = ["synchronized", "plain-method"]


def load(name):
    rows = {}
    for r in json.load(open(os.path.join(here, name))):
        p = r["params"]
        key = (p["impl"], p["reader"], p["writerPauseMicros"])
        sec = r["secondaryMetrics"]
        rows[key] = (
            r["primaryMetric"]["score"],
            r["primaryMetric"]["scoreError"],
            sec["writes"]["score"],
            sec["gc.alloc.rate.norm"]["score"],
        )
    return rows


print("| JDK | writer pause (µs) | impl | reader | reads/ms ± 99.9 % | writes/ms | B/read "
      "| ÷ plain (same reader) | synchronized ÷ plain-method |")
print("|---|---|---|---|---|---|---|---|---|")
for jdk in ["21", "25"]:
    rows = load(f"jdk{jdk}.json")
    for pause in ["0", "100"]:
        for impl in IMPLS:
            for reader in READERS:
                s, e, w, a = rows[(impl, reader, pause)]
                vs_plain = "" if impl == "plain" else f"{s / rows[('plain', reader, pause)][0]:.2f}"
                vs_method = (
                    f"{s / rows[(impl, 'plain-method', pause)][0]:.2f}" if reader == "synchronized"
                    else "")
                print(f"| {jdk} | {pause} | {impl} | {reader} | {s:,.0f} ± {e:,.0f} | {w:,.1f} "
                      f"| {a:,.0f} | {vs_plain} | {vs_method} |")
