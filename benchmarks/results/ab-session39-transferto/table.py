#!/usr/bin/env python3
"""An A/B's rows: ms per operation (± 99.9 %) and bytes allocated per operation, one 64 MiB file each
(a copy out of the root here; the other session-39 A/Bs give their own directory as the argument)."""
import glob
import json
import os
import re
import sys

here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
print("| JDK | round | arm | impl | ms per op | ± | MiB/s | B per op |")
print("|---|---|---|---|---|---|---|---|")
for path in sorted(glob.glob(os.path.join(here, "jdk*-round*-*.json"))):
    jdk, rnd, arm = re.match(r"jdk(\d+)-round(\d)-(\w+)\.json", os.path.basename(path)).groups()
    for row in json.load(open(path)):
        m = row["primaryMetric"]
        size = int(row["params"]["sizeMiB"])
        alloc = row["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]
        print(f"| {jdk} | {rnd} | {arm} | {row['params']['impl']} | {m['score']:.1f} "
              f"| {m['scoreError']:.1f} | {size * 1000 / m['score']:,.0f} | {alloc:,.0f} |")
