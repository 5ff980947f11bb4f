#!/usr/bin/env python3
"""Turns a JMH JSON result (benchmarks/run.sh output) into the Markdown tables of RESULTS.md.

Usage: report.py results/short-jdk17.json [more.json ...] > table.md
       report.py --merge base.json rerun.json   (one report; later files only FILL rows
                                                  missing or failed in earlier ones)
       report.py --csv base.json [fill.json]    (workload,impl,ratio CSV for RatioChart)
Stdlib only. Ratios are taken between rows of the SAME JSON file (same run, same noise),
except with --merge, where the report says which file each replaced row came from.
"""
import json
import sys

MiB = 1 << 20


def load(path):
    rows = {}
    for r in json.load(open(path)):
        name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
        p = r.get("params", {})
        key = (name, tuple(sorted(p.items())))
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        rows[key] = {
            "p": p,
            "score": r["primaryMetric"]["score"],
            "err": r["primaryMetric"]["scoreError"],
            "unit": r["primaryMetric"]["scoreUnit"],
            "alloc": alloc,
            "jvm": r.get("jdkVersion", "?") + " " + r.get("vmName", ""),
        }
    return rows


def find(rows, name, **want):
    for (n, _), v in rows.items():
        if n == name and all(v["p"].get(k) == str(w) for k, w in want.items()):
            return v
    return None


def fmt(x, d=2):
    if x is None:
        return "n/a"
    if x != x:  # NaN (e.g. error with 1 iteration)
        return "n/a"
    return f"{x:,.{d}f}"


def alloc(v, per=1):
    if v is None or v["alloc"] is None:
        return "n/a"
    return fmt(v["alloc"] / per, 0)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


IMPLS = ["AES-256-GCM", "CHACHA20-POLY1305"]


def ratios_csv(paths):
    """workload,impl,ratio rows (encrypted throughput / plain throughput) for RatioChart."""
    rows = {}
    for path in paths:
        for k, v in load(path).items():
            rows.setdefault(k, v)
    lines = ["workload,impl,ratio"]
    specs = [
        ("seq write 1MiB", "SequentialBench.write", {"chunk": "1048576"}, "time"),
        ("seq write 64KiB", "SequentialBench.write", {"chunk": "65536"}, "time"),
        ("seq read 1MiB", "SequentialBench.read", {"chunk": "1048576"}, "time"),
        ("seq read 64KiB", "SequentialBench.read", {"chunk": "65536"}, "time"),
        ("rand read 4K 1T", "RandomIoBench.read1T", {}, "thrpt"),
        ("rand read 4K 2T", "RandomIoBench.read2T", {}, "thrpt"),
        ("rand write 4K", "RandomIoBench.write1T", {}, "thrpt"),
        ("WAL force each", "WalBench.append", {"forceEvery": "1"}, "thrpt"),
        ("WAL force /100", "WalBench.append", {"forceEvery": "100"}, "thrpt"),
        ("WAL no force", "WalBench.append", {"forceEvery": "0"}, "thrpt"),
        ("small files", "SmallFilesBench.createWriteCloseRead", {}, "time"),
        ("Files.size", "MetadataBench.sizeOf", {}, "time"),
        ("walk+attrs", "MetadataBench.walkAttributes", {}, "time"),
    ]
    for label, name, extra, kind in specs:
        p = find(rows, name, impl="plain", **extra)
        for impl in IMPLS:
            v = find(rows, name, impl=impl, **extra)
            if not p or not v:
                continue
            r = p["score"] / v["score"] if kind == "time" else v["score"] / p["score"]
            lines.append(f"{label},{impl},{r:.4f}")
    return "\n".join(lines)


def report(paths):
    rows = {}
    for path in paths:
        for k, v in load(path).items():
            rows.setdefault(k, v)
    out = []
    any_row = next(iter(rows.values()))
    out.append(f"### {' + '.join(paths)}\n\nJVM: {any_row['jvm']}\n")

    # Cipher
    cipher = {}
    out.append("#### Raw cipher (javax.crypto, one block, reused Cipher, fresh IV)\n")
    out.append("| algorithm | block | seal MiB/s | open MiB/s | seal B/op | open B/op |")
    out.append("|---|---|---|---|---|---|")
    for impl in IMPLS:
        s = find(rows, "CipherBench.seal", impl=impl)
        o = find(rows, "CipherBench.open", impl=impl)
        if not s and not o:
            continue
        bs = int((s or o)["p"]["blockSize"])
        smb = bs / s["score"] * 1e6 / MiB if s else None
        omb = bs / o["score"] * 1e6 / MiB if o else None
        cipher[impl] = (smb, omb)
        out.append(f"| {impl} | {bs} | {fmt(smb,0)} | {fmt(omb,0)} | {alloc(s)} | {alloc(o)} |")
    out.append("")

    # Sequential
    out.append("#### Sequential (whole file; write closed with force)\n")
    out.append("| op | chunk | impl | MiB/s | ±err (ms/file) | enc/plain | serial limit MiB/s | enc/limit | B per call |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for op in ["write", "read"]:
        for chunk in ["1048576", "65536"]:
            plain = find(rows, "SequentialBench." + op, impl="plain", chunk=chunk)
            pm = None
            for impl in ["plain"] + IMPLS:
                v = find(rows, "SequentialBench." + op, impl=impl, chunk=chunk)
                if not v:
                    out.append(f"| {op} | {int(chunk)//1024} KiB | {impl} | FAILED/absent | | | | | |")
                    continue
                size = int(v["p"]["sizeMiB"])
                mbs = size * 1000.0 / v["score"]
                calls = size * MiB // int(chunk)
                if impl == "plain":
                    pm = mbs
                    out.append(f"| {op} | {int(chunk)//1024} KiB | plain | {fmt(mbs,0)} | {fmt(v['err'],1)} | 1.00 | | | {alloc(v, calls)} |")
                    continue
                c = cipher.get(impl, (None, None))[0 if op == "write" else 1]
                lim = 1 / (1 / pm + 1 / c) if pm and c else None
                out.append(f"| {op} | {int(chunk)//1024} KiB | {impl} | {fmt(mbs,0)} | {fmt(v['err'],1)} | {fmt(ratio(mbs,pm))} | {fmt(lim,0)} | {fmt(ratio(mbs,lim))} | {alloc(v, calls)} |")
    out.append("")

    # Tink peer (only if present in this run)
    if any(n.startswith("TinkSequentialBench.") for (n, _) in rows):
        out.append("#### Peer: Tink streaming AEAD over plain FileChannel (same workload)\n")
        out.append("| op | chunk | template | MiB/s | tink/plain | encryptedfs AES-256-GCM/tink |")
        out.append("|---|---|---|---|---|---|")
        for op in ["write", "read"]:
            for chunk in ["1048576", "65536"]:
                plain = find(rows, "SequentialBench." + op, impl="plain", chunk=chunk)
                efs = find(rows, "SequentialBench." + op, impl="AES-256-GCM", chunk=chunk)
                for t in ["AES256_GCM_HKDF_1MB", "AES256_GCM_HKDF_4KB"]:
                    v = find(rows, "TinkSequentialBench." + op, template=t, chunk=chunk)
                    if not v:
                        continue
                    # time per file: throughput ratio a/b = time b / time a
                    out.append(f"| {op} | {int(chunk)//1024} KiB | {t} | {fmt(int(v['p']['sizeMiB'])*1000.0/v['score'],0)} | {fmt(ratio(plain['score'], v['score']) if plain else None)} | {fmt(ratio(v['score'], efs['score']) if efs else None)} |")
        out.append("")

    # Random
    out.append("#### Random 4 KiB positional I/O (one shared FileChannel)\n")
    out.append("| impl | read 1T ops/ms | read 2T ops/ms | 2T/1T | read1T enc/plain | write 1T ops/ms | write enc/plain | read B/op | write B/op |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    pr = find(rows, "RandomIoBench.read1T", impl="plain")
    pw = find(rows, "RandomIoBench.write1T", impl="plain")
    for impl in ["plain"] + IMPLS:
        r1 = find(rows, "RandomIoBench.read1T", impl=impl)
        r2 = find(rows, "RandomIoBench.read2T", impl=impl)
        w1 = find(rows, "RandomIoBench.write1T", impl=impl)
        g = lambda v: v["score"] if v else None
        out.append(f"| {impl} | {fmt(g(r1))} | {fmt(g(r2))} | {fmt(ratio(g(r2), g(r1)))} | {fmt(ratio(g(r1), g(pr)))} | {fmt(g(w1))} | {fmt(ratio(g(w1), g(pw)))} | {alloc(r1)} | {alloc(w1)} |")
    out.append("")

    # WAL
    out.append("#### WAL, 1 KiB appends (APPEND channel)\n")
    out.append("| force every | impl | records/ms | ±err | enc/plain | B/record |")
    out.append("|---|---|---|---|---|---|")
    for fe, label in [("1", "1 (each)"), ("100", "100"), ("0", "never")]:
        p = find(rows, "WalBench.append", impl="plain", forceEvery=fe)
        for impl in ["plain"] + IMPLS:
            v = find(rows, "WalBench.append", impl=impl, forceEvery=fe)
            if not v:
                out.append(f"| {label} | {impl} | FAILED/absent | | | |")
                continue
            out.append(f"| {label} | {impl} | {fmt(v['score'],3)} | {fmt(v['err'],3)} | {fmt(ratio(v['score'], p['score'] if p else None))} | {alloc(v)} |")
    out.append("")

    # Small files & metadata (time per op: ratio = plain time / enc time)
    out.append("#### Small files and metadata (lower time is better; ratio = plain time / enc time)\n")
    out.append("| benchmark | impl | time | unit | enc/plain (throughput) | B/op |")
    out.append("|---|---|---|---|---|---|")
    for name in ["SmallFilesBench.createWriteCloseRead", "MetadataBench.sizeOf", "MetadataBench.walkAttributes"]:
        p = find(rows, name, impl="plain")
        for impl in ["plain"] + IMPLS:
            v = find(rows, name, impl=impl)
            if not v:
                out.append(f"| {name} | {impl} | FAILED/absent | | | |")
                continue
            out.append(f"| {name} | {impl} | {fmt(v['score'],2)} | {v['unit']} | {fmt(ratio(p['score'] if p else None, v['score']))} | {alloc(v)} |")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--csv":
        print(ratios_csv(args[1:]))
    elif args and args[0] == "--merge":
        print(report(args[1:]))
    else:
        print("\n\n".join(report([p]) for p in args))
