#!/bin/bash
# windowclose.sh - a window is written as soon as a packet its grace time
# (5 s) past its end arrives, not when the window after next opens: on a
# capture of three 10 s windows of 1,000 edges each (many flow-table
# blocks), one packet every 10 ms, the flow tables hold at most one window
# and the next one's first 5 s (1,500 edges; 2,000 before), and every
# count still equals tshark's.
. "$(dirname "$0")/lib.sh"
need python3
need tshark
need sqlite3

CAP="$T/windows.pcap"
python3 - "$CAP" <<'PY' || { fail "cannot write the capture"; finish; }
import struct, sys
T0 = 1700000000			# a multiple of 10 s
EDGES, WINDOWS, STEP_US = 1000, 3, 10000
def csum(b):
    s = sum(struct.unpack("!10H", b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for n in range(EDGES * WINDOWS):
        w, i = divmod(n, EDGES)
        udp = struct.pack("!HHHH", 1024 + i, 53, 16, 0) + b"windows!"
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp),
            n & 0xffff, 0, 64, 17, 0, bytes([10, w + 1, i >> 8, i & 255]),
            bytes([192, 0, 2, 1])))
        ip[10:12] = struct.pack("!H", csum(bytes(ip)))
        frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + bytes(ip) + udp
        us = n * STEP_US
        f.write(struct.pack("<IIII", T0 + us // 1000000, us % 1000000,
            len(frame), len(frame)) + frame)
PY

DB="$T/w.db"
"$IPGRAPH" import --db "$DB" --window 10 --stats "$CAP" >"$T/out" 2>&1 ||
    fail "import failed: $(cat "$T/out")"
peak=$(sed -n 's/^peak_edges //p' "$T/out")
written=$(sed -n 's/^edges_written //p' "$T/out")
check "at most one window and 5 s of the next open (peak $peak edges, want 1500)" \
    test "$peak" = 1500
check "every edge written ($written, want 3000)" test "$written" = 3000
rows=$(sqlite3 "$DB" "SELECT group_concat(n, ' ') FROM (SELECT count(*) AS n,
    sum(packets) FROM edges GROUP BY window_id ORDER BY window_id)")
check "three windows of 1000 edges ($rows)" test "$rows" = "1000 1000 1000"

"$IPGRAPH" export csv --db "$DB" -o "$T/w.csv" || fail "export failed"
$PAIRS tshark "$CAP" >"$T/pairs"
check "packets and bytes per address pair equal tshark's" \
    $PAIRS compare "$T/pairs" "$T/w.csv"
check "tshark saw 3000 pairs ($(wc -l <"$T/pairs"))" \
    test "$(wc -l <"$T/pairs")" -eq 3000
finish
