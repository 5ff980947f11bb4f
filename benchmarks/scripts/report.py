#!/usr/bin/env python3
"""Turns JMH JSON results (benchmarks/run.sh, scripts/measure.sh) into the Markdown tables of
RESULTS.md and the CSV files the charts are drawn from. Stdlib only.

Usage:
  report.py jdk LABEL main.json [--sweep sweep.json] [--peer cryptofs.json] [--tink tink.json]
      one JDK's section: absolute figures, ratios, allocation, block-size sweep, peers, targets
  report.py csv main.json [--peer cryptofs.json]        workload,impl,ratio CSV (RatioChart)
  report.py peerscsv peers.json                         the same CSV from a `peers` stage alone:
      plain, encryptedfs and cryptofs in one JMH run, every ratio against that run's plain
  report.py sweepcsv main.json sweep.json               workload,impl,ratio CSV for the sweep chart
  report.py diff LABEL old.json new.json                previous run against this one
  report.py peers LABEL=run.json [LABEL=run.json ...]   encryptedfs against cryptofs where both ran
      in the same JMH run (scripts/measure.sh peers25), one column pair per file (such as the
      forks scripts/forks.py splits a run into): each workload's ratio to cryptofs SIV_GCM, and
      cryptofs's to plain, all from rows of that file
  report.py blocks LABEL=run.json [LABEL=run.json ...]  the block-size stage (scripts/measure.sh
      blocksize*, blocksizechacha*), one row pair per workload: each size's figure and its speed
      relative to 4096 blocks in the same file
  report.py cipher LABEL=run.json [LABEL=run.json ...]  the raw cipher (measure.sh cipher*) at every
      block size: MiB/s and bytes allocated per call, byte[] and ByteBuffer, seal and open
  report.py copy LABEL=run.json [LABEL=run.json ...]    CopyBench (scripts/measure.sh copy*): ms per
      file, MiB/s, the plain copy of the same run ÷ this one, bytes allocated per file, and where
      cryptofs ran beside it, encryptedfs's throughput ÷ cryptofs SIV_GCM's
  report.py stream LABEL=run.json [LABEL=run.json ...]  StreamChunkBench (scripts/measure.sh
      stream*): the same columns per read size
  report.py hosts LABEL=DIR [LABEL=DIR ...]             the plain and raw-cipher figures of each
      full run's main files (DIR as for summary), one column pair per JDK: how fast the host was
  report.py summary LABEL=DIR [LABEL=DIR ...]           the target summary, one cell per JDK and
      algorithm holding every run's ratio in order (DIR holds a full run's files as
      scripts/measure.sh names them: full-jdkN.json, full-buffered-, full-nosync-, cryptofs-jdk25,
      tink-jdkN; a missing file leaves its ratios out)

Ratios are taken between rows of the same JSON file (same JMH run) wherever the rows exist there.
Where a table combines runs (block sizes 16 KiB and 64 KiB against the plain rows of the main
run; cryptofs rows against the encryptedfs rows of the main run), it says so.
"""
import json
import sys

MiB = 1 << 20
IMPLS = ["AES-256-GCM", "CHACHA20-POLY1305"]
PEERS = ["cryptofs-SIV_GCM", "cryptofs-SIV_CTRMAC"]
SHORT = {"AES-256-GCM": "AES", "CHACHA20-POLY1305": "ChaCha", "cryptofs-SIV_GCM": "cryptofs GCM",
         "cryptofs-SIV_CTRMAC": "cryptofs CTRMAC", "plain": "plain"}
BLOCKS = ["4096", "16384", "65536"]
DEFAULT_BS = "4096"


def load(path):
    """Rows of one JSON file, or of several joined with '+' (earlier files first)."""
    rows = []
    if not path:
        return rows
    if "+" in path:
        for p in path.split("+"):
            rows += load(p)
        return rows
    for r in json.load(open(path)):
        parts = r["benchmark"].split(".")
        sec = r.get("secondaryMetrics", {})
        rows.append({
            "name": parts[-2] + "." + parts[-1],
            "p": r.get("params", {}),
            "score": r["primaryMetric"]["score"],
            "err": float(r["primaryMetric"]["scoreError"]),
            "unit": r["primaryMetric"]["scoreUnit"],
            "alloc": sec.get("gc.alloc.rate.norm", {}).get("score"),
            "jvm": r.get("jdkVersion", "?") + " " + r.get("vmName", ""),
            "threads": r.get("threads", 1),
            "n": len(r["primaryMetric"].get("rawData", [[0] * 3])[0]) * len(r["primaryMetric"].get("rawData", [0])) if r["primaryMetric"].get("rawData") else r.get("measurementIterations", 3) * r.get("forks", 1),
            "gctime": sec.get("gc.time", {}).get("score"),
            "gccount": sec.get("gc.count", {}).get("score"),
            "sec": {k: m.get("score") for k, m in sec.items()},
            "src": path,
        })
    return rows


def find(rows, name, **want):
    """The first row of benchmark `name` whose params match; blockSize defaults to 4096."""
    want = {k: str(v) for k, v in want.items()}
    want.setdefault("blockSize", DEFAULT_BS)
    for v in rows:
        if v["name"] != name:
            continue
        if all(v["p"].get(k, w if k == "blockSize" else None) == w for k, w in want.items()):
            return v
    return None


def peer_run_row(main, peer, name, impl, **want):
    """A row to set beside the peer's: the peer run's own when it has one (a `peers` stage runs
    encryptedfs and plain in the same JVMs as cryptofs), else the main run's."""
    return find(peer, name, impl=impl, **want) or find(main, name, impl=impl, **want)


def fmt(x, d=2):
    if x is None or x != x:
        return "n/a"
    return f"{x:,.{d}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def alloc(v, per=1):
    if v is None or v["alloc"] is None:
        return "n/a"
    return fmt(v["alloc"] / per, 0)


# two-sided 99.9 % Student t quantiles by degrees of freedom (JMH's scoreError is t * sd / sqrt(n))
T999 = {1: 636.6, 2: 31.60, 3: 12.92, 4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041, 9: 4.781,
        10: 4.587, 14: 4.140, 19: 3.883, 29: 3.659}


def errpct(v):
    """Relative standard deviation of the measurement iterations (sd / score), recovered from
    JMH's 99.9 % half-width; with 3 iterations that half-width is 18x the sd, so it is not shown."""
    if not v or not v["score"] or v["err"] != v["err"]:
        return "n/a"
    n = max(2, v["n"])
    t = T999.get(n - 1) or T999[min(T999, key=lambda k: abs(k - (n - 1)))]
    return fmt(100.0 * v["err"] / t * n ** 0.5 / v["score"], 1) + " %"


def seq_mbs(v):
    return None if not v else int(v["p"]["sizeMiB"]) * 1000.0 / v["score"]


def cipher_mbs(rows, op, impl, bs=DEFAULT_BS, api="best"):
    """Raw cipher MiB/s for seal/open: api 'array' (byte[] doFinal), 'buffer' (ByteBuffer doFinal
    with AAD, as the provider calls it) or 'best' (the faster of the two: the serial limit)."""
    names = {"array": [op], "buffer": [op + "Buffer"], "best": [op, op + "Buffer"]}[api]
    best = None
    for n in names:
        v = find(rows, "CipherBench." + n, impl=impl, blockSize=bs)
        if v:
            m = int(bs) / v["score"] * 1e6 / MiB
            best = m if best is None else max(best, m)
    return best


def limit(plain, c):
    return 1 / (1 / plain + 1 / c) if plain and c else None


def seq_limit_ratios(main):
    """(op, chunk, impl, sequential throughput ÷ serial limit) for each sequential row of a run."""
    out = []
    for op in ["write", "read"]:
        for chunk in ["1048576", "65536"]:
            pm = seq_mbs(find(main, "SequentialBench." + op, impl="plain", chunk=chunk))
            for impl in IMPLS:
                m = seq_mbs(find(main, "SequentialBench." + op, impl=impl, chunk=chunk))
                lim = limit(pm, cipher_mbs(main, "seal" if op == "write" else "open", impl))
                out.append((op, chunk, impl, ratio(m, lim)))
    return out


def thr(v):
    """Throughput-like value (higher is better) of any row: ops/ms as is, time per op inverted."""
    if not v:
        return None
    return v["score"] if v["unit"].startswith("ops/") else 1.0 / v["score"]


# (label, benchmark, params) for every workload in the ratio table and charts
WORKLOADS = [
    ("seq write 1 MiB", "SequentialBench.write", {"chunk": "1048576"}),
    ("seq write 64 KiB", "SequentialBench.write", {"chunk": "65536"}),
    ("seq read 1 MiB", "SequentialBench.read", {"chunk": "1048576"}),
    ("seq read 64 KiB", "SequentialBench.read", {"chunk": "65536"}),
    ("rand read 4K 1T", "RandomIoBench.read1T", {}),
    ("rand read 4K 2T", "RandomIoBench.read2T", {}),
    ("rand write 4K", "RandomIoBench.write1T", {}),
    ("WAL force each", "WalBench.append", {"forceEvery": "1"}),
    ("WAL force /100", "WalBench.append", {"forceEvery": "100"}),
    ("WAL never force", "WalBench.append", {"forceEvery": "0"}),
    ("small files", "SmallFilesBench.createWriteCloseRead", {}),
    ("small files +fsync each", "SmallFilesBench.createWriteForceCloseRead", {}),
    ("Files.size", "MetadataBench.sizeOf", {}),
    ("walk+attrs 10k", "MetadataBench.walkAttributes", {}),
]


def section(label, main, sweep=(), peer=(), tink=()):
    out = []
    jvm = main[0]["jvm"] if main else "?"
    out.append(f"## {label}\n\nJVM: {jvm}\n")

    # ---------- raw cipher ----------
    out.append("### Raw cipher (javax.crypto, one block, reused Cipher, fresh IV)\n")
    out.append("`byte[]` = `doFinal(byte[]...)`, no AAD; `ByteBuffer` = heap `ByteBuffer`s, 16-byte AAD, as the provider "
               "calls the JCE. The serial limits below use the faster of the two. Rows at 4096 come from the main run; "
               "the larger blocks from a separate raw-cipher run (`measure.sh` stage `cipher`, else session 1's `cipherbuf`).\n")
    out.append("| algorithm | block | seal byte[] MiB/s | sd | seal ByteBuffer MiB/s | open byte[] MiB/s | sd | open ByteBuffer MiB/s | seal B/op | open B/op |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    both = main + list(sweep)
    for impl in IMPLS:
        for bs in BLOCKS:
            s_ = find(both, "CipherBench.seal", impl=impl, blockSize=bs)
            o_ = find(both, "CipherBench.open", impl=impl, blockSize=bs)
            sb = find(both, "CipherBench.sealBuffer", impl=impl, blockSize=bs)
            ob = find(both, "CipherBench.openBuffer", impl=impl, blockSize=bs)
            if not (s_ or o_ or sb or ob):
                continue
            out.append(f"| {impl} | {bs} | {fmt(cipher_mbs(both,'seal',impl,bs,'array'),0)} | {errpct(s_)} | {fmt(cipher_mbs(both,'seal',impl,bs,'buffer'),0)} | {fmt(cipher_mbs(both,'open',impl,bs,'array'),0)} | {errpct(o_)} | {fmt(cipher_mbs(both,'open',impl,bs,'buffer'),0)} | {alloc(s_)} | {alloc(o_)} |")
    out.append("")

    impls = ["plain"] + IMPLS
    peers = [p for p in PEERS if any(r["p"].get("impl") == p for r in peer)]

    # ---------- sequential ----------
    seq = find(main, "SequentialBench.read", impl="plain", chunk="1048576")
    mib = seq["p"].get("sizeMiB", "?") if seq else "?"
    iters = seq["n"] if seq else "?"
    out.append(f"### Sequential, block size 4096 (whole {mib} MiB file; write closed with force)\n")
    out.append("Serial limit = 1/(1/plain + 1/cipher) from the plain row and the raw seal (write) or open "
               "(read) row of the same run. B/MiB = bytes allocated per MiB moved. sd = standard deviation of "
               f"the {iters} measurement iterations relative to the score.\n")
    out.append("| op | chunk | impl | MiB/s | sd | enc/plain | serial limit MiB/s | enc/limit | B/MiB |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for op in ["write", "read"]:
        for chunk in ["1048576", "65536"]:
            pm = seq_mbs(find(main, "SequentialBench." + op, impl="plain", chunk=chunk))
            for impl in impls + peers:
                rows = peer if impl in PEERS else main
                v = find(rows, "SequentialBench." + op, impl=impl, chunk=chunk)
                ck = f"{int(chunk)//1024} KiB"
                if not v:
                    out.append(f"| {op} | {ck} | {impl} | FAILED/absent | | | | | |")
                    continue
                mbs = seq_mbs(v)
                per = int(v["p"]["sizeMiB"])
                if impl == "plain":
                    out.append(f"| {op} | {ck} | plain | {fmt(mbs,0)} | {errpct(v)} | 1.00 | | | {alloc(v, per)} |")
                    continue
                lim = limit(pm, cipher_mbs(main, "seal" if op == "write" else "open", impl)) if impl in IMPLS else None
                note = " ¹" if impl in PEERS else ""
                out.append(f"| {op} | {ck} | {impl}{note} | {fmt(mbs,0)} | {errpct(v)} | {fmt(ratio(mbs,pm))} | {fmt(lim,0) if lim else ''} | {fmt(ratio(mbs,lim)) if lim else ''} | {alloc(v, per)} |")
    if peers:
        out.append("\n¹ cryptofs rows come from a separate JMH run (`cryptofs-jdk25.json`, same mode, minutes "
                   "later on the same quiet machine); its ratio is against the main run's plain row. cryptofs "
                   "uses fixed 32 KiB chunks.")
    out.append("")

    # ---------- random ----------
    rnd = find(main, "RandomIoBench.read1T", impl="plain")
    out.append(f"### Random 4 KiB positional I/O, block size 4096 ({rnd['p'].get('sizeMiB', '?') if rnd else '?'} MiB file, one shared FileChannel)\n")
    out.append("| impl | read 1T ops/ms | sd | read 2T ops/ms | 2T/1T | read1T enc/plain | write 1T ops/ms | write enc/plain | read B/op | write B/op |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    pr = thr(find(main, "RandomIoBench.read1T", impl="plain"))
    pw = thr(find(main, "RandomIoBench.write1T", impl="plain"))
    for impl in impls + peers:
        rows = peer if impl in PEERS else main
        r1 = find(rows, "RandomIoBench.read1T", impl=impl)
        r2 = find(rows, "RandomIoBench.read2T", impl=impl)
        w1 = find(rows, "RandomIoBench.write1T", impl=impl)
        out.append(f"| {impl}{' ¹' if impl in PEERS else ''} | {fmt(thr(r1))} | {errpct(r1)} | {fmt(thr(r2))} | {fmt(ratio(thr(r2), thr(r1)))} | {fmt(ratio(thr(r1), pr))} | {fmt(thr(w1))} | {fmt(ratio(thr(w1), pw))} | {alloc(r1)} | {alloc(w1)} |")
    out.append("")

    # ---------- reads beside a forcing writer ----------
    cps = [v for v in main if v["name"] == "ForceBesideReadsBench.checkpoint"]
    if cps:
        g0 = cps[0]
        out.append("### Reads beside a forcing writer (a page store's checkpoint), block size 4096\n")
        out.append("One thread reads random 4 KiB pages while another overwrites a random page and calls "
                   "`force(false)`, in a loop, on one shared channel. \"alone\" = `RandomIoBench.read1T` "
                   f"of the same JMH run (`{g0['src'].split('/')[-1]}`, its own run: see \"Runs\"; "
                   "compare its figures with each other, not with the tables above).\n")
        out.append("| impl | reads/ms alone | reads/ms beside forces | beside ÷ alone | forces/ms | B/op (group) |")
        out.append("|---|---|---|---|---|---|")
        for impl in impls:
            g = find(cps, "ForceBesideReadsBench.checkpoint", impl=impl)
            if not g:
                continue
            same = [v for v in main if v["src"] == g["src"]]
            alone = thr(find(same, "RandomIoBench.read1T", impl=impl))
            beside = g["sec"].get("read")
            forces = g["sec"].get("writeAndForce")
            out.append(f"| {impl} | {fmt(alone)} | {fmt(beside)} | {fmt(ratio(beside, alone))} | {fmt(forces, 3)} | {alloc(g)} |")
        out.append("")

    # ---------- WAL ----------
    out.append("### WAL, 1 KiB appends (APPEND channel), block size 4096\n")
    out.append("| force every | impl | records/ms | sd | enc/plain | B/record |")
    out.append("|---|---|---|---|---|---|")
    for fe, fl in [("1", "1 (each)"), ("100", "100"), ("0", "never")]:
        p = find(main, "WalBench.append", impl="plain", forceEvery=fe)
        for impl in impls + peers:
            rows = peer if impl in PEERS else main
            v = find(rows, "WalBench.append", impl=impl, forceEvery=fe)
            if not v:
                out.append(f"| {fl} | {impl} | FAILED/absent | | | |")
                continue
            out.append(f"| {fl} | {impl}{' ¹' if impl in PEERS else ''} | {fmt(v['score'],3)} | {errpct(v)} | {fmt(ratio(v['score'], p['score'] if p else None))} | {alloc(v)} |")
    out.append("")

    # ---------- small files / metadata ----------
    out.append("### Small files and metadata (time per op; ratio = plain time / enc time)\n")
    out.append("| benchmark | impl | time | sd | unit | enc/plain | B/op |")
    out.append("|---|---|---|---|---|---|---|")
    for name in ["SmallFilesBench.createWriteCloseRead", "SmallFilesBench.createWriteForceCloseRead",
                 "MetadataBench.sizeOf", "MetadataBench.walkAttributes"]:
        p = find(main, name, impl="plain")
        for impl in impls + peers:
            rows = peer if impl in PEERS else main
            v = find(rows, name, impl=impl)
            if not v:
                out.append(f"| {name} | {impl} | FAILED/absent | | | | |")
                continue
            out.append(f"| {name} | {impl}{' ¹' if impl in PEERS else ''} | {fmt(v['score'],2)} | {errpct(v)} | {v['unit']} | {fmt(ratio(p['score'] if p else None, v['score']))} | {alloc(v)} |")
    out.append("")

    # ---------- block-size sweep ----------
    if sweep:
        out.append("### Block-size sweep (encryptedfs only)\n")
        out.append("4096 rows from the main run, 16384 and 65536 from `sweep` (same mode, separate JMH run); "
                   "plain and serial-limit inputs: plain from the main run, raw cipher from the run of the "
                   "same block size. Sequential = 1 MiB chunks, 64 MiB file.\n")
        out.append("| impl | block | seq write MiB/s | write/limit | seq read MiB/s | read/limit | seq read B/MiB | rand read 4K ops/ms | read/plain | read B/op | rand write 4K ops/ms | write/plain | write B/op |")
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        pwm = seq_mbs(find(main, "SequentialBench.write", impl="plain", chunk="1048576"))
        prm = seq_mbs(find(main, "SequentialBench.read", impl="plain", chunk="1048576"))
        for impl in IMPLS:
            for bs in BLOCKS:
                rows = main if bs == DEFAULT_BS else sweep
                w = find(rows, "SequentialBench.write", impl=impl, chunk="1048576", blockSize=bs)
                r = find(rows, "SequentialBench.read", impl=impl, chunk="1048576", blockSize=bs)
                r1 = find(rows, "RandomIoBench.read1T", impl=impl, blockSize=bs)
                w1 = find(rows, "RandomIoBench.write1T", impl=impl, blockSize=bs)
                wl = limit(pwm, cipher_mbs(rows, "seal", impl, bs))
                rl = limit(prm, cipher_mbs(rows, "open", impl, bs))
                out.append(f"| {SHORT[impl]} | {bs} | {fmt(seq_mbs(w),0)} | {fmt(ratio(seq_mbs(w), wl))} | {fmt(seq_mbs(r),0)} | {fmt(ratio(seq_mbs(r), rl))} | {alloc(r, int(r['p']['sizeMiB'])) if r else 'n/a'} | {fmt(thr(r1))} | {fmt(ratio(thr(r1), pr))} | {alloc(r1)} | {fmt(thr(w1))} | {fmt(ratio(thr(w1), pw))} | {alloc(w1)} |")
        out.append("")
        out.append("| impl | block | WAL force each rec/ms | /plain | WAL force /100 rec/ms | /plain | WAL never rec/ms | /plain | WAL never B/record |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        pf = {fe: find(main, "WalBench.append", impl="plain", forceEvery=fe) for fe in ["1", "100", "0"]}
        for impl in IMPLS:
            for bs in BLOCKS:
                rows = main if bs == DEFAULT_BS else sweep
                cells = []
                for fe in ["1", "100", "0"]:
                    v = find(rows, "WalBench.append", impl=impl, forceEvery=fe, blockSize=bs)
                    cells.append(f"{fmt(thr(v),3)} | {fmt(ratio(thr(v), thr(pf[fe])))}")
                v0 = find(rows, "WalBench.append", impl=impl, forceEvery="0", blockSize=bs)
                out.append(f"| {SHORT[impl]} | {bs} | {' | '.join(cells)} | {alloc(v0)} |")
        out.append("")

    # ---------- Tink ----------
    if tink:
        out.append("### Peer: Tink 1.15 streaming AEAD over a plain FileChannel (same workload, same run)\n")
        out.append("From `tink` (3 warm-up iterations): Tink rows beside plain and encryptedfs AES-256-GCM "
                   "(block 4096) sequential rows of the same JMH run.\n")
        out.append("| op | chunk | plain MiB/s | encryptedfs AES MiB/s | Tink HKDF_4KB MiB/s | Tink HKDF_1MB MiB/s | AES / best Tink | AES B/MiB | Tink 4KB B/MiB | Tink 1MB B/MiB |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for op in ["write", "read"]:
            for chunk in ["1048576", "65536"]:
                p = find(tink, "SequentialBench." + op, impl="plain", chunk=chunk)
                e = find(tink, "SequentialBench." + op, impl="AES-256-GCM", chunk=chunk)
                t4 = find(tink, "TinkSequentialBench." + op, template="AES256_GCM_HKDF_4KB", chunk=chunk, blockSize="x")
                t1 = find(tink, "TinkSequentialBench." + op, template="AES256_GCM_HKDF_1MB", chunk=chunk, blockSize="x")
                best = max([x for x in (seq_mbs(t4), seq_mbs(t1)) if x] or [None]) if (t4 or t1) else None
                per = lambda v: alloc(v, int(v["p"]["sizeMiB"])) if v else "n/a"
                out.append(f"| {op} | {int(chunk)//1024} KiB | {fmt(seq_mbs(p),0)} | {fmt(seq_mbs(e),0)} | {fmt(seq_mbs(t4),0)} | {fmt(seq_mbs(t1),0)} | {fmt(ratio(seq_mbs(e), best))} | {per(e)} | {per(t4)} | {per(t1)} |")
        out.append("")

    # ---------- peers summary ----------
    if peers:
        out.append("### encryptedfs against cryptofs, every workload both run (throughput ratio; > 1 = encryptedfs faster)\n")
        if find(peer, "RandomIoBench.read1T", impl=IMPLS[0]):
            out.append("All rows from one JMH run (the `peers` stage: plain, encryptedfs block 4096 and cryptofs in the same JVMs).\n")
        else:
            out.append("encryptedfs rows from the main run (block 4096), cryptofs rows from the cryptofs run.\n")
        head = "| workload | " + " | ".join(f"{SHORT[i]}/{SHORT[p]}" for i in IMPLS for p in peers) + " | " + " | ".join(f"{SHORT[p]}/plain" for p in peers) + " | " + " | ".join(f"{SHORT[p]} B/op (seq: per {mib} MiB file)" for p in peers) + " |"
        out.append(head)
        out.append("|" + "---|" * (1 + len(IMPLS) * len(peers) + 2 * len(peers)))
        for lab, name, extra in WORKLOADS:
            pl = thr(peer_run_row(main, peer, name, "plain", **extra))
            cells = []
            for i in IMPLS:
                for p in peers:
                    cells.append(fmt(ratio(thr(peer_run_row(main, peer, name, i, **extra)), thr(find(peer, name, impl=p, **extra)))))
            for p in peers:
                cells.append(fmt(ratio(thr(find(peer, name, impl=p, **extra)), pl)))
            for p in peers:
                cells.append(alloc(find(peer, name, impl=p, **extra)))
            out.append(f"| {lab} | " + " | ".join(cells) + " |")
        out.append("")

    out.append(targets(label, main, peer, peers, tink))
    return "\n".join(out)


def targets(label, main, peer, peers, tink):
    """One line per target and algorithm: measured, target, met / missed by."""
    out = [f"### Targets, {label} (block size 4096)\n",
           "| target | impl | measured | target | verdict |", "|---|---|---|---|---|"]

    def line(t, impl, m, goal, fmtd=2):
        if m is None:
            out.append(f"| {t} | {impl} | n/a | {goal} | not measured |")
            return
        ok = m >= goal
        out.append(f"| {t} | {impl} | {fmt(m,fmtd)} | ≥ {fmt(goal,fmtd)} | {'met' if ok else '**missed by ' + fmt(goal - m, fmtd) + '**'} |")

    for op, chunk, impl, r in seq_limit_ratios(main):
        line(f"seq {op} {int(chunk)//1024} KiB / serial limit", impl, r, 0.85)
    pr = thr(find(main, "RandomIoBench.read1T", impl="plain"))
    for impl in IMPLS:
        r1 = thr(find(main, "RandomIoBench.read1T", impl=impl))
        line("random 4K read / plain", impl, ratio(r1, pr), 0.5)
    for impl in ["plain"] + IMPLS:
        r1 = thr(find(main, "RandomIoBench.read1T", impl=impl))
        r2 = thr(find(main, "RandomIoBench.read2T", impl=impl))
        line("random 4K read 2T / 1T", impl, ratio(r2, r1), 1.7)
    for fe, goal, t in [("1", 0.9, "WAL force each / plain"), ("0", 0.6, "WAL never force / plain")]:
        p = thr(find(main, "WalBench.append", impl="plain", forceEvery=fe))
        for impl in IMPLS:
            line(t, impl, ratio(thr(find(main, "WalBench.append", impl=impl, forceEvery=fe)), p), goal)
    pf = thr(find(main, "SmallFilesBench.createWriteForceCloseRead", impl="plain"))
    for impl in IMPLS:
        line("(context) small files / plain that forces each file", impl,
             ratio(thr(find(main, "SmallFilesBench.createWriteCloseRead", impl=impl)), pf), 0.5)
    for name, t in [("SmallFilesBench.createWriteCloseRead", "small files / plain"),
                    ("MetadataBench.sizeOf", "Files.size / plain"),
                    ("MetadataBench.walkAttributes", "walk+readAttributes / plain")]:
        p = thr(find(main, name, impl="plain"))
        for impl in IMPLS:
            line(t, impl, ratio(thr(find(main, name, impl=impl)), p), 0.5)
    # allocation: steady-state per-op paths
    for lab, name, extra in [("random read B/op", "RandomIoBench.read1T", {}),
                             ("random write B/op", "RandomIoBench.write1T", {}),
                             ("WAL never-force B/record", "WalBench.append", {"forceEvery": "0"}),
                             ("seq read B per 1 MiB call", "SequentialBench.read", {"chunk": "1048576"}),
                             ("seq write B per 1 MiB call", "SequentialBench.write", {"chunk": "1048576"})]:
        for impl in IMPLS:
            v = find(main, name, impl=impl, **extra)
            a = None if not v or v["alloc"] is None else v["alloc"] / (int(v["p"]["sizeMiB"]) if "sizeMiB" in v["p"] and name.startswith("Seq") else 1)
            if a is None:
                out.append(f"| ≤ 64 B/op: {lab} | {impl} | n/a | ≤ 64 | not measured |")
            else:
                out.append(f"| ≤ 64 B/op: {lab} | {impl} | {fmt(a,0)} | ≤ 64 | {'met' if a <= 64 else '**missed by ' + fmt(a - 64, 0) + ' B**'} |")
    # peers: only the misses, one line each, and a count of the comparisons met
    cmp = []
    for p in peers:
        for lab, name, extra in WORKLOADS:
            for impl in IMPLS:
                r = ratio(thr(peer_run_row(main, peer, name, impl, **extra)), thr(find(peer, name, impl=p, **extra)))
                if r is not None:
                    cmp.append((f"ahead of {SHORT[p]}: {lab}", impl, r))
    if tink:
        for op in ["write", "read"]:
            for chunk in ["1048576", "65536"]:
                e = seq_mbs(find(tink, "SequentialBench." + op, impl="AES-256-GCM", chunk=chunk))
                for t in ["AES256_GCM_HKDF_4KB", "AES256_GCM_HKDF_1MB"]:
                    v = seq_mbs(find(tink, "TinkSequentialBench." + op, template=t, chunk=chunk, blockSize="x"))
                    if v:
                        cmp.append((f"ahead of Tink {t[-3:]}: seq {op} {int(chunk)//1024} KiB", "AES-256-GCM", ratio(e, v)))
    if cmp:
        met = [c for c in cmp if c[2] is not None and c[2] >= 1.0]
        out.append(f"| ahead of peers (encryptedfs/peer throughput ≥ 1) | all | {len(met)} of {len(cmp)} comparisons met | ≥ 1.00 each | misses listed below |")
        for t, impl, r in cmp:
            if r is None or r < 1.0:
                line(t, impl, r, 1.0)
    out.append("")
    return "\n".join(out)


def ratios_csv(main, peer=()):
    lines = ["workload,impl,ratio"]
    for lab, name, extra in WORKLOADS:
        p = thr(find(main, name, impl="plain", **extra))
        for impl in IMPLS + PEERS:
            if impl in PEERS:
                # against the peer run's own plain row when it has one (a `peers` stage)
                r = ratio(thr(find(peer, name, impl=impl, **extra)),
                          thr(peer_run_row(main, peer, name, "plain", **extra)))
            else:
                r = ratio(thr(find(main, name, impl=impl, **extra)), p)
            if r is not None:
                lines.append(f"{lab},{impl},{r:.4f}")
    return "\n".join(lines)


def peers_csv(peer):
    """A chart's rows from one JMH run that holds plain, encryptedfs and cryptofs: bars set side by
    side must share their plain row, or a peer's bar is compared with ours across runs (the main
    run's sequential reads were 0.40 of its plain where the peers run's were 0.71 of its own)."""
    lines = ["workload,impl,ratio"]
    for lab, name, extra in WORKLOADS:
        p = thr(find(peer, name, impl="plain", **extra))
        for impl in IMPLS + PEERS:
            r = ratio(thr(find(peer, name, impl=impl, **extra)), p)
            if r is not None:
                lines.append(f"{lab},{impl},{r:.4f}")
    return "\n".join(lines)


def sweep_csv(main, sweep):
    lines = ["workload,impl,ratio"]
    specs = [("seq write 1 MiB", "SequentialBench.write", {"chunk": "1048576"}),
             ("seq read 1 MiB", "SequentialBench.read", {"chunk": "1048576"}),
             ("rand read 4K", "RandomIoBench.read1T", {}),
             ("rand write 4K", "RandomIoBench.write1T", {}),
             ("WAL force each", "WalBench.append", {"forceEvery": "1"}),
             ("WAL force /100", "WalBench.append", {"forceEvery": "100"}),
             ("WAL never force", "WalBench.append", {"forceEvery": "0"})]
    for lab, name, extra in specs:
        p = thr(find(main, name, impl="plain", **extra))
        for impl in IMPLS:
            for bs in BLOCKS:
                rows = main if bs == DEFAULT_BS else sweep
                r = ratio(thr(find(rows, name, impl=impl, blockSize=bs, **extra)), p)
                if r is not None:
                    lines.append(f"{lab},{SHORT[impl]} {int(bs)//1024} KiB,{r:.4f}")
    return "\n".join(lines)


def diff(label, old, new):
    out = [f"### {label}: previous RESULTS.md run → this run (throughput, higher is better; block 4096)\n",
           "| workload | impl | before | after | after/before | B/op before | B/op after |", "|---|---|---|---|---|---|---|"]
    for lab, name, extra in WORKLOADS:
        for impl in ["plain"] + IMPLS:
            a, b = find(old, name, impl=impl, **extra), find(new, name, impl=impl, **extra)
            if not a and not b:
                continue
            unit = (b or a)["unit"]
            conv = (lambda v: v["score"]) if unit.startswith("ops/") else (lambda v: 1.0 / v["score"])
            show = lambda v: (fmt(v["score"], 2) + " " + v["unit"]) if v else "absent"
            r = ratio(conv(b), conv(a)) if a and b else None
            out.append(f"| {lab} | {impl} | {show(a)} | {show(b)} | {fmt(r)} | {alloc(a)} | {alloc(b)} |")
    out.append("")
    return "\n".join(out)


def _opt_load(path):
    import os
    return load(path) if os.path.exists(path) else []


def summary_rows(d, v):
    """{row label: {impl: ratio}} for the summary, from the full run in directory d on JDK v."""
    main = _opt_load(f"{d}/full-jdk{v}.json")
    buf = _opt_load(f"{d}/full-buffered-jdk{v}.json")
    nosync = _opt_load(f"{d}/full-nosync-jdk{v}.json")
    peer = _opt_load(f"{d}/cryptofs-jdk{v}.json")
    tink = _opt_load(f"{d}/tink-jdk{v}.json")
    rows = {}

    def put(label, impl, r):
        rows.setdefault(label, {})[impl] = r

    for op, chunk, impl, r in seq_limit_ratios(main):
        calls = "1 MiB" if chunk == "1048576" else f"{int(chunk) // 1024} KiB"
        put(f"seq {op}, {calls} calls, ÷ serial limit", impl, r)
    pr = thr(find(main, "RandomIoBench.read1T", impl="plain"))
    for impl in IMPLS:
        put("random 4 KiB read, 1 thread", impl, ratio(thr(find(main, "RandomIoBench.read1T", impl=impl)), pr))
    for impl in ["plain"] + IMPLS:
        r1 = thr(find(main, "RandomIoBench.read1T", impl=impl))
        r2 = thr(find(main, "RandomIoBench.read2T", impl=impl))
        put("random 4 KiB read, 2 threads ÷ 1 thread", impl, ratio(r2, r1))
    for fe, label in [("1", "WAL, force every record"), ("0", "WAL, never force, write-through (default)")]:
        p = thr(find(main, "WalBench.append", impl="plain", forceEvery=fe))
        for impl in IMPLS:
            put(label, impl, ratio(thr(find(main, "WalBench.append", impl=impl, forceEvery=fe)), p))
    for fe, label in [("0", "WAL, never force, `write.mode=buffered` ¹"),
                      ("100", "WAL, force every 100, `write.mode=buffered` ¹")]:
        p = thr(find(buf, "WalBench.append", impl="plain", forceEvery=fe))
        for impl in IMPLS:
            put(label, impl, ratio(thr(find(buf, "WalBench.append", impl=impl, forceEvery=fe)), p))
    sm = "SmallFilesBench.createWriteCloseRead"
    smf = "SmallFilesBench.createWriteForceCloseRead"
    for impl in IMPLS:
        put("small files (create, write 4 KiB, close, read back)", impl,
            ratio(thr(find(main, sm, impl=impl)), thr(find(main, sm, impl="plain"))))
        put("— the same ÷ plain that forces each file", impl,
            ratio(thr(find(main, sm, impl=impl)), thr(find(main, smf, impl="plain"))))
        put("— both force each file (create, write, force, close, read)", impl,
            ratio(thr(find(main, smf, impl=impl)), thr(find(main, smf, impl="plain"))))
        put("— both force each file, `create.sync=false` ¹", impl,
            ratio(thr(find(nosync, smf, impl=impl)), thr(find(nosync, smf, impl="plain"))))
    for name, label in [("MetadataBench.sizeOf", "`Files.size`"),
                        ("MetadataBench.walkAttributes", "`Files.walk` + `readAttributes`, 10,000 files")]:
        for impl in IMPLS:
            put(label, impl, ratio(thr(find(main, name, impl=impl)), thr(find(main, name, impl="plain"))))
    for impl in IMPLS:
        v = find(main, "RandomIoBench.read1T", impl=impl)
        put("bytes allocated per random 4 KiB read", impl, None if not v else v["alloc"])
    if peer:
        for impl in IMPLS:
            met = total = 0
            for lab, name, extra in WORKLOADS:
                r = ratio(thr(peer_run_row(main, peer, name, impl, **extra)),
                          thr(find(peer, name, impl="cryptofs-SIV_GCM", **extra)))
                if r is not None:
                    total += 1
                    met += r >= 1.0
            put("÷ cryptofs SIV_GCM: workloads where encryptedfs is faster ¹", impl, (met, total))
    if tink:
        for t in ["4KB", "1MB"]:
            rs = []
            for op in ["write", "read"]:
                for chunk in ["1048576", "65536"]:
                    e = seq_mbs(find(tink, "SequentialBench." + op, impl="AES-256-GCM", chunk=chunk))
                    k = seq_mbs(find(tink, "TinkSequentialBench." + op, template="AES256_GCM_HKDF_" + t,
                                     chunk=chunk, blockSize="x"))
                    r = ratio(e, k)
                    if r is not None:
                        rs.append(r)
            if rs:
                put(f"÷ Tink streaming AEAD, {t[:-2]} {t[-2:]} segments (sequential) ¹", "AES-256-GCM",
                    (min(rs), max(rs)))
    return rows


SUMMARY_TARGETS = {
    "÷ serial limit": "≥ 0.85", "÷ 1 thread": "≥ 1.7", "1 thread": "≥ 0.5",
    "force every record": "≥ 0.9", "write-through": "≥ 0.6", "never force, `write.mode": "≥ cryptofs",
    "force every 100": "(context)", "small files (": "≥ 0.5", "— ": "(context)", "`Files.": "≥ 0.5",
    "bytes allocated": "≤ 64", "cryptofs": "all", "Tink": "≥ 1",
}


def _cell(x):
    if x is None:
        return "–"
    if isinstance(x, tuple) and isinstance(x[0], int):
        return f"{x[0]} of {x[1]}"
    if isinstance(x, tuple):
        return fmt(x[0]) + "–" + fmt(x[1])
    return fmt(x, 0) if x >= 100 else fmt(x)


def summary(runs):
    """runs: [(label, dir)]. One table: a row per target, a column per JDK and algorithm; each cell
    holds the runs' values in order, joined by →."""
    per = {(v, lab): summary_rows(d, v) for v in ["17", "25"] for lab, d in runs}
    labels = []
    for key in per:
        for label in per[key]:
            if label not in labels:
                labels.append(label)
    cols = [("17", "AES-256-GCM"), ("17", "CHACHA20-POLY1305"), ("25", "AES-256-GCM"), ("25", "CHACHA20-POLY1305")]
    out = ["| workload | " + " | ".join(f"JDK {v} {SHORT[i]}" for v, i in cols) + " | target |",
           "|---|" + "---|" * len(cols) + "---|"]
    for label in labels:
        cells = []
        for v, impl in cols:
            vals = [per[(v, lab)].get(label, {}).get(impl) for lab, _ in runs]
            if "÷ 1 thread" in label:
                pl = [per[(v, lab)].get(label, {}).get("plain") for lab, _ in runs]
                cells.append(" → ".join(_cell(x) for x in vals) + " (plain " + " → ".join(_cell(x) for x in pl) + ")")
            elif all(x is None for x in vals):
                cells.append("")
            else:
                cells.append(" → ".join(_cell(x) for x in vals))
        target = next((t for k, t in SUMMARY_TARGETS.items() if k in label), "")
        out.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    out.append("")
    out.append("Each cell: " + " → ".join(lab for lab, _ in runs) + " (–: not in that run).")
    return "\n".join(out)


def peers_same_run(runs):
    """encryptedfs ÷ cryptofs SIV_GCM and cryptofs ÷ plain per workload, every ratio within one file."""
    peer = PEERS[0]
    head = ["workload"]
    for label, _ in runs:
        head += [f"{label}: {SHORT[i]}/cryptofs" for i in IMPLS] + [f"{label}: cryptofs/plain"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ahead = {(label, i): 0 for label, _ in runs for i in IMPLS}
    both = {(label, i): 0 for label, _ in runs for i in IMPLS}
    for lab, name, extra in WORKLOADS:
        cells = [lab]
        for label, rows in runs:
            c = thr(find(rows, name, impl=peer, **extra))
            for i in IMPLS:
                r = ratio(thr(find(rows, name, impl=i, **extra)), c)
                if r is not None:
                    both[(label, i)] += 1
                    ahead[(label, i)] += r > 1
                cells.append(fmt(r))
            cells.append(fmt(ratio(c, thr(find(rows, name, impl="plain", **extra)))))
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    for label, _ in runs:
        out.append(f"- {label}: ahead of cryptofs on " + ", ".join(
            f"{ahead[(label, i)]} of {both[(label, i)]} with {SHORT[i]}" for i in IMPLS))
    return "\n".join(out)


BLOCK_ROWS = [
    ("random 4 KiB read, ops/ms", "RandomIoBench.read1T", {}, False),
    ("random 4 KiB write, ops/ms", "RandomIoBench.write1T", {}, False),
    ("WAL 1 KiB appends, never forced, ops/ms", "WalBench.append", {"forceEvery": "0"}, False),
    ("sequential read, 1 MiB calls, ms per file", "SequentialBench.read", {"chunk": "1048576"}, True),
    ("sequential write + force, 1 MiB calls, ms per file", "SequentialBench.write", {"chunk": "1048576"}, True),
]


def blocks(runs):
    """runs: [(label, rows)] of one algorithm's block-size stage; cells: figure (speed ÷ 4096's)."""
    out = ["| workload | run | impl | " + " | ".join(BLOCKS) + " |", "|---|---|---|" + "---|" * len(BLOCKS)]
    for label, name, extra, per_file in BLOCK_ROWS:
        for run, rows in runs:
            impls = sorted({v["p"].get("impl") for v in rows if v["name"] == name})
            for impl in impls:
                base = find(rows, name, impl=impl, **extra)
                cells = []
                for bs in BLOCKS:
                    v = find(rows, name, impl=impl, blockSize=bs, **extra)
                    if not v:
                        cells.append("–")
                        continue
                    speed = ratio(thr(v), thr(base))
                    cells.append(fmt(v["score"], 1) + ("" if bs == DEFAULT_BS else f" ({fmt(speed)})"))
                out.append(f"| {label} | {run} | {SHORT.get(impl, impl)} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def cipher_table(runs):
    """runs: [(label, rows)] of CipherBench at every block size: MiB/s and B per call."""
    out = ["| run | impl | call | " + " | ".join(f"{b} MiB/s | {b} B/call" for b in BLOCKS) + " |",
           "|---|---|---|" + "---|---|" * len(BLOCKS)]
    for run, rows in runs:
        for impl in IMPLS:
            for op, api, name in [("seal", "array", "seal"), ("seal", "buffer", "sealBuffer"),
                                  ("open", "array", "open"), ("open", "buffer", "openBuffer")]:
                cells = []
                for bs in BLOCKS:
                    v = find(rows, "CipherBench." + name, impl=impl, blockSize=bs)
                    cells += [fmt(cipher_mbs(rows, op, impl, bs, api), 0), alloc(v)] if v else ["–", "–"]
                out.append(f"| {run} | {SHORT[impl]} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(out)


COPIES = [("copyIn", "into the root"), ("copyOut", "out of the root"), ("copyWithin", "within the root")]
STREAM_CHUNKS = ["512", "1024", "8192"]
FILE_ROWS_HEAD = ["| run | {what} | impl | ms per file | ± | MiB/s | ÷ plain | ÷ cryptofs GCM | B per file |",
                  "|---|---|---|---|---|---|---|---|---|"]


def file_rows(run, what, rows, name, **params):
    """One run's rows of a benchmark that handles one file per operation: ms per file, MiB/s, plain's
    time ÷ this one, and for encryptedfs cryptofs SIV_GCM's time ÷ this one, all from rows of the same
    file; bytes allocated per file."""
    plain = find(rows, name, impl="plain", **params)
    peer = find(rows, name, impl="cryptofs-SIV_GCM", **params)
    out = []
    for impl in ["plain"] + IMPLS + PEERS:
        v = find(rows, name, impl=impl, **params)
        if not v:
            continue
        mbs = int(v["p"]["sizeMiB"]) * 1000 / v["score"]
        vs_peer = ratio(peer["score"], v["score"]) if peer and impl in IMPLS else None
        out.append(f"| {run} | {what} | {SHORT[impl]} | {fmt(v['score'], 1)} "
                   f"| {fmt(v['err'], 1)} | {fmt(mbs, 0)} "
                   f"| {fmt(ratio(plain['score'], v['score'])) if plain else 'n/a'} "
                   f"| {fmt(vs_peer) if vs_peer is not None else ''} | {alloc(v)} |")
    return out


def copy_table(runs):
    """runs: [(label, rows)] of CopyBench: each copy's time, speed and ratios, rows of one file."""
    out = [FILE_ROWS_HEAD[0].format(what="copy"), FILE_ROWS_HEAD[1]]
    for run, rows in runs:
        for method, what in COPIES:
            out += file_rows(run, f"`{method}` ({what})", rows, "CopyBench." + method)
    return "\n".join(out)


def stream_table(runs):
    """runs: [(label, rows)] of StreamChunkBench: a file read whole through a stream, per read size."""
    out = [FILE_ROWS_HEAD[0].format(what="read size"), FILE_ROWS_HEAD[1]]
    for run, rows in runs:
        for chunk in STREAM_CHUNKS:
            out += file_rows(run, f"{int(chunk):,} B", rows, "StreamChunkBench.read", chunk=chunk)
    return "\n".join(out)


HOST_ROWS = [
    ("raw AES-GCM sealing of 4 KiB, MiB/s", lambda m: cipher_mbs(m, "seal", "AES-256-GCM"), 0),
    ("plain sequential write, 1 MiB calls, MiB/s",
     lambda m: seq_mbs(find(m, "SequentialBench.write", impl="plain", chunk="1048576")), 0),
    ("plain sequential read from the page cache, 1 MiB calls, MiB/s",
     lambda m: seq_mbs(find(m, "SequentialBench.read", impl="plain", chunk="1048576")), 0),
    ("plain random 4 KiB reads, ops/ms", lambda m: thr(find(m, "RandomIoBench.read1T", impl="plain")), 0),
    ("plain unforced 1 KiB appends, records/ms",
     lambda m: thr(find(m, "WalBench.append", impl="plain", forceEvery="0")), 0),
    ("plain 1 KiB appends forced each, records/ms",
     lambda m: thr(find(m, "WalBench.append", impl="plain", forceEvery="1")), 2),
    ("plain create, write 4 KiB, force, close, read, µs",
     lambda m: (find(m, "SmallFilesBench.createWriteForceCloseRead", impl="plain") or {}).get("score"), 0),
    ("`Files.size`, µs", lambda m: (find(m, "MetadataBench.sizeOf", impl="plain") or {}).get("score"), 2),
]


def hosts(runs):
    """runs: [(label, dir)]. The plain and raw-cipher rows of each run's main files: the host's speed."""
    out = ["| figure | JDK 17 | JDK 25 |", "|---|---|---|"]
    mains = {(v, d): _opt_load(f"{d}/full-jdk{v}.json") for v in ["17", "25"] for _, d in runs}
    for label, f, d in HOST_ROWS:
        cells = [" → ".join(fmt(f(mains[(v, dd)]) if mains[(v, dd)] else None, d) for _, dd in runs)
                 for v in ["17", "25"]]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Each cell: " + " → ".join(lab for lab, _ in runs) + ".")
    return "\n".join(out)


def opt(args, flag):
    if flag in args:
        i = args.index(flag)
        v = args[i + 1]
        del args[i:i + 2]
        return v
    return None


if __name__ == "__main__":
    a = sys.argv[1:]
    cmd = a.pop(0)
    if cmd == "jdk":
        sw, pe, ti = opt(a, "--sweep"), opt(a, "--peer"), opt(a, "--tink")
        print(section(a[0], load(a[1]), load(sw), load(pe), load(ti)))
    elif cmd == "csv":
        pe = opt(a, "--peer")
        print(ratios_csv(load(a[0]), load(pe)))
    elif cmd == "peerscsv":
        print(peers_csv(load(a[0])))
    elif cmd == "sweepcsv":
        print(sweep_csv(load(a[0]), load(a[1])))
    elif cmd == "diff":
        print(diff(a[0], load(a[1]), load(a[2])))
    elif cmd == "peers":
        print(peers_same_run([(lab, load(f)) for lab, f in (x.split("=", 1) for x in a)]))
    elif cmd == "blocks":
        print(blocks([(lab, load(f)) for lab, f in (x.split("=", 1) for x in a)]))
    elif cmd == "cipher":
        print(cipher_table([(lab, load(f)) for lab, f in (x.split("=", 1) for x in a)]))
    elif cmd == "copy":
        print(copy_table([(lab, load(f)) for lab, f in (x.split("=", 1) for x in a)]))
    elif cmd == "stream":
        print(stream_table([(lab, load(f)) for lab, f in (x.split("=", 1) for x in a)]))
    elif cmd == "hosts":
        print(hosts([tuple(x.split("=", 1)) for x in a]))
    elif cmd == "summary":
        print(summary([tuple(x.split("=", 1)) for x in a]))
    else:
        sys.exit(__doc__)
