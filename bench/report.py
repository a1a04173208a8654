#!/usr/bin/env python3
"""report.py - the markdown table of bench/run.sh's runs (medians, ratios).

usage: report.py RUNS_DIR DATA_DIR "SIZES" COMMIT  > results.md

RUNS_DIR/SIZE/PROGRAM.N hold runstat lines (exit= wall= user= sys=
maxrss_kib=), RUNS_DIR/SIZE/importstats-{store,nostore}.N importstats
lines, RUNS_DIR/SIZE/db.txt the stored database's size, and
RUNS_DIR/callgrind.txt the output of bench/callgrind.sh.
"""

import os
import platform
import re
import statistics
import subprocess
import sys

PROGRAMS = [
    ("cat", "cat FILE > /dev/null"),
    ("floor", "read floor (pcap_next_ex loop)"),
    ("floorbuf", "read floor, 256 KiB stdio buffer (readfloor -b)"),
    ("ipgraph", "ipgraph import (new SQLite file)"),
    ("ipgraph-nonames", "ipgraph import --no-names (no names kept)"),
    ("tcpdump", "tcpdump -r FILE -w /dev/null"),
    ("darkstat", "darkstat -r FILE"),
    ("softflowd", "softflowd -r FILE (NetFlow to 127.0.0.1:9)"),
    ("tshark", "tshark -q -z conv,ip -r FILE"),
]


def kv(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def read_kv(path):
    try:
        with open(path) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    d = kv(line)
                    if d:
                        return d
    except OSError:
        pass
    return None


def runs(d, prog):
    out = []
    for name in sorted(os.listdir(d)):
        m = re.fullmatch(re.escape(prog) + r"\.(\d+)", name)
        if m:
            r = read_kv(os.path.join(d, name))
            if r:
                out.append(r)
    return out


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def version(cmd, pattern=None):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        text = (p.stdout + p.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    if pattern:
        m = re.search(pattern, text)
        return m.group(1) if m else "?"
    return text.splitlines()[0] if text else "?"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main():
    runs_dir, data_dir, sizes, commit = sys.argv[1:5]
    print("# ipgraph import benchmark\n")
    print("commit %s; %s, %d cores, %.0f GiB; kernel %s" % (
        commit, cpu_model(), os.cpu_count() or 0,
        os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
        platform.release()))
    print("libpcap %s, SQLite %s, tcpdump %s, darkstat %s, softflowd %s, "
          "tshark %s\n" % (
              version(["tcpdump", "--version"], r"libpcap version (\S+)"),
              version(["sqlite3", "--version"], r"^(\S+)"),
              version(["tcpdump", "--version"], r"tcpdump version (\S+)"),
              version(["darkstat", "--version"], r"darkstat (\S+)"),
              version(["softflowd", "-h"], r"softflowd version ([\d.]*\d)"),
              version(["tshark", "--version"], r"TShark \(Wireshark\) (\S+)")))
    print("Medians over runs alternating the programs on the same capture "
          "(file in the page cache).  CPU = user + sys.  Ratios are to the "
          "read floor's medians (cat's where the floor was not run).\n")

    for size in sizes.split():
        d = os.path.join(runs_dir, size)
        if not os.path.isdir(d):
            continue
        cap = os.path.join(data_dir, "bench-%s.pcap" % size)
        fsize = os.path.getsize(cap) if os.path.exists(cap) else 0
        st = [read_kv(os.path.join(d, n)) for n in sorted(os.listdir(d))
              if n.startswith("importstats-store.")]
        st = [x for x in st if x]
        ns = [read_kv(os.path.join(d, n)) for n in sorted(os.listdir(d))
              if n.startswith("importstats-nostore.")]
        ns = [x for x in ns if x]
        frames = int(st[0]["frames"]) if st else 0
        ran = {p: runs(d, p) for p, _ in PROGRAMS}
        # the ratios' base: the read floor, or cat when it was not run
        bname = "floor" if ran["floor"] else "cat"
        base = ran[bname]
        fw = med([float(r["wall"]) for r in base])
        fc = med([float(r["user"]) + float(r["sys"]) for r in base])
        nrun = max(len(rs) for rs in ran.values())
        print("## bench-%s.pcap: %s packets, %.0f MB, %d runs\n" % (
            size, "{:,}".format(frames) if frames else "?", fsize / 1e6,
            nrun))
        print("| program | wall s | CPU s | peak RSS MiB | wall / %s "
              "| CPU / %s | packets/s (wall) | failed runs |" % (bname, bname))
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for prog, label in PROGRAMS:
            rs = ran[prog]
            if not rs:
                continue
            bad = sum(1 for r in rs if r.get("exit") != "0")
            w = med([float(r["wall"]) for r in rs])
            c = med([float(r["user"]) + float(r["sys"]) for r in rs])
            m = med([int(r["maxrss_kib"]) for r in rs]) / 1024
            pps = frames / w if frames and w > 0 else float("nan")
            print("| %s | %.3f | %.3f | %.1f | %.2f | %.2f | %s | %d |" % (
                label, w, c, m, w / fw, c / fc,
                "{:,.0f}".format(pps), bad))
        print()
        on, off = ran["ipgraph"], ran["ipgraph-nonames"]
        if on and off:
            won = med([float(r["wall"]) for r in on])
            woff = med([float(r["wall"]) for r in off])
            con = med([float(r["user"]) + float(r["sys"]) for r in on])
            coff = med([float(r["user"]) + float(r["sys"]) for r in off])
            mon = med([int(r["maxrss_kib"]) for r in on]) / 1024
            moff = med([int(r["maxrss_kib"]) for r in off]) / 1024
            print("Names from the traffic (passive DNS, TLS SNI, HTTP Host) "
                  "on / off, same capture, medians: wall %.3f / %.3f s "
                  "(**ratio %.2f**), CPU %.3f / %.3f s (ratio %.2f), peak "
                  "RSS %.1f / %.1f MiB.\n" % (won, woff, won / woff if woff
                  else float("nan"), con, coff, con / coff if coff else
                  float("nan"), mon, moff))
        if st:
            edges = int(st[0]["edges"])
            windows = int(st[0]["windows"])
            store_s = med([float(x["store_s"]) for x in st])
            sort_s = med([float(x["sort_s"]) for x in st])
            tot = med([float(x["total_s"]) for x in st])
            nost = med([float(x["total_s"]) for x in ns]) if ns else float("nan")
            pm = int(st[0]["peak_memory"])
            pe = int(st[0]["peak_edges"])
            db = read_kv(os.path.join(d, "db.txt")) or {}
            print("ipgraph import in detail (bench/importstats: the same "
                  "import_file, timed inside; medians of %d runs):\n" % len(st))
            print("| figure | value |")
            print("|---|--:|")
            print("| edges written (rows) / windows | {:,} / {:,} |".format(
                edges, windows))
            print("| import_file wall, with the store | %.3f s |" % tot)
            print("| import_file wall, store skipped (--no-store) | %.3f s |"
                  % nost)
            print("| time in store_write_window (sort included) | %.3f s "
                  "(%.0f%%) |" % (store_s, 100 * store_s / tot if tot else 0))
            print("| of which flowtable_sort | %.3f s |" % sort_s)
            rollup = med([float(x.get("rollup_s", 0)) for x in st])
            if rollup > 0:
                print("| time in store_rollup (roll-ups after the import) "
                      "| %.3f s (%.0f%%) |" % (rollup, 100 * rollup / tot))
            print("| rows written per second (edges / store time) | {:,.0f} |"
                  .format(edges / store_s if store_s else float("nan")))
            if db:
                rows = int(db["edge_rows"])
                print("| database after checkpoint | {:,} bytes, {:,} edge "
                      "rows |".format(int(db["db_bytes"]), rows))
                print("| on-disk bytes per edge row (file / rows) | %.1f |" % (
                    int(db["db_bytes"]) / rows if rows else float("nan")))
            print("| flow tables at peak (peak_memory / peak_edges) | {:,} "
                  "bytes / {:,} edges |".format(pm, pe))
            print("| flow-table bytes per edge | %.1f |" % (pm / pe if pe else
                                                           float("nan")))
            print()

    cg = os.path.join(runs_dir, "callgrind.txt")
    if os.path.exists(cg):
        with open(cg) as f:
            text = f.read()
        print("## callgrind (bench/callgrind.sh)\n")
        m = re.search(r"^instructions_per_packet=(\d+)", text, re.M)
        fl = re.search(r"floor_instructions_per_packet=(\d+)", text)
        inp = re.search(r"^input: (.*)$", text, re.M)
        if m:
            print("ipgraph import: **%s instructions/packet**%s; input: %s\n" % (
                m.group(1),
                " (read floor: %s)" % fl.group(1) if fl else "",
                inp.group(1) if inp else "?"))
        print("```")
        print(text.strip())
        print("```")


if __name__ == "__main__":
    main()
