#!/bin/bash
# ring.sh - the capture ring holds snaplen bytes of each frame, not the
# whole frame: ipgraphd (snaplen 128, buffer_size 2M: eight 256 KiB
# TPACKET_V3 blocks) is stopped with SIGSTOP while 3,000 frames of 1,442
# bytes cross the veth pair, then continued.  Whole frames would fill the
# eight blocks after some 1,380 and the kernel would drop the rest; cut
# to 128 bytes in the kernel (the attached filter's "ret #128") they take
# three blocks, and every one must be stored, none counted as dropped.
# The five spare blocks are for a sender held up on a busy machine: the
# kernel retires a block its block timeout (100 ms) after its first frame,
# full or not.  Needs root.
. "$(dirname "$0")/lib.sh"
need tcpreplay
need sqlite3
need python3
sensor_setup ipgr

N=3000
python3 - "$T/big.pcap" $N <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(int(sys.argv[2])):
        data = bytes(1400)
        udp = struct.pack("!HHHH", 40000 + i % 50, 9, 8 + len(data), 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(data),
                         i, 0, 64, 17, 0, bytes([10, 0, 0, 1]),
                         bytes([10, 0, 0, 2]))
        frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + udp + data
        f.write(struct.pack("<IIII", 1700000000, i, len(frame), len(frame)))
        f.write(frame)
PY

daemon_conf "$T/c" "$B"
sed -i 's/^snaplen = 65535$/snaplen = 128\nbuffer_size = 2M/' "$T/c"
daemon_start "$T/c" || finish
sleep 0.3
kill -STOP "$DPID"
ip netns exec "$SND" tcpreplay -q --topspeed -i "$A" "$T/big.pcap" \
    >"$T/replay" 2>&1 || fail "tcpreplay: $(head -1 "$T/replay")"
sleep 0.5			# the block timeout (100 ms) retires the last block
kill -CONT "$DPID"
sleep 1
daemon_stop "ipgraphd exits 0 on SIGTERM"
read -r frames drops <<<"$(sqlite3 -separator ' ' "$W/db" \
    'SELECT coalesce(sum(frames), 0), coalesce(sum(cap_drop), 0)
     FROM windows WHERE tier = 0')"
check "every frame sent while the daemon was stopped is stored ($frames of $N)" \
    test "$frames" -eq $N
check "no kernel drops ($drops)" test "$drops" -eq 0
finish
