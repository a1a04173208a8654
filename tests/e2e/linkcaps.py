#!/usr/bin/env python3
"""Write small pcaps of rare link types, frame by frame, for linktypes.sh.

  linkcaps.py DIR      writes DIR/<name>.pcap for every capture below

Each capture holds several conversations (IPv4 and IPv6, TCP and UDP, ICMP)
wrapped in one link type: ARCNET (BSD and Linux), Apple PKTAP, IEEE 802.15.4
with 6LoWPAN (IPHC, uncompressed IPv6, mesh and broadcast headers,
fragments), Solaris IPNET, Juniper (Ethernet, PPPoE, PPP, Cisco HDLC, Frame
Relay, ATM1 and ATM2), Frame Relay and Arista's timestamped Ethernet.  The
bytes are built here, field by field, after the specifications cited next
to each builder; nothing is copied from a real capture.
"""
import os
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def a4(s):
    return bytes(int(x) for x in s.split("."))


def a6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def tcp(sport, dport, payload=b"", flags=0x18, seq=1000):
    """RFC 9293 header, 20 bytes, checksum left 0 (tshark does not check)."""
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags,
                       65535, 0, 0) + payload


def udp(sport, dport, payload=b""):
    """RFC 768."""
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp_echo(payload=b"ping"):
    return struct.pack("!BBHHH", 8, 0, 0, 1, 1) + payload


def ipv4(src, dst, proto, l4, ident=1):
    """RFC 791, no options."""
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, 64,
                    proto, 0, a4(src), a4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def ipv6(src, dst, nh, l4, hlim=64):
    """RFC 8200 fixed header."""
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4), nh, hlim, a6(src),
                       a6(dst)) + l4


# A mix of conversations every capture carries (some link types add their
# own on top): IPv4 TCP both ways, IPv4 UDP, ICMP, IPv6 TCP and UDP.
def mix():
    return [
        ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 80, b"GET / HTTP/1.0\r\n\r\n", 0x18)),
        ipv4("10.0.0.2", "10.0.0.1", 6, tcp(80, 40000, b"HTTP/1.0 200 OK\r\n\r\nhello", 0x18)),
        ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 80, b"", 0x10)),
        ipv4("10.0.0.3", "192.0.2.53", 17, udp(5353, 53, b"\x12\x34" + b"q" * 20)),
        ipv4("192.0.2.53", "10.0.0.3", 17, udp(53, 5353, b"\x12\x34" + b"r" * 40)),
        ipv4("10.0.0.4", "10.0.0.1", 1, icmp_echo()),
        ipv6("2001:db8::1", "2001:db8::2", 6, tcp(50000, 443, b"x" * 30)),
        ipv6("2001:db8::2", "2001:db8::1", 6, tcp(443, 50000, b"y" * 70)),
        ipv6("2001:db8::3", "2001:db8::1", 17, udp(1234, 5678, b"z" * 12)),
    ]


def ether(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


MAC1 = bytes.fromhex("020000000001")
MAC2 = bytes.fromhex("020000000002")


def etype_of(pkt):
    return 0x86dd if pkt[0] >> 4 == 6 else 0x0800


def write(path, linktype, frames, snaplen=65535):
    """Classic pcap (microseconds, little-endian); caplen = len unless a
    frame is given as (bytes, wirelen)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen,
                            linktype))
        for i, fr in enumerate(frames):
            wire = len(fr)
            if isinstance(fr, tuple):
                fr, wire = fr
            f.write(struct.pack("<IIII", 1700000000 + i, i * 1000, len(fr),
                                wire))
            f.write(fr)


# --- IEEE 802.15.4 (802.15.4-2006 7.2) and 6LoWPAN (RFC 4944, RFC 6282) ---

def crc16_kermit(b):
    """802.15.4-2006 7.2.1.9 FCS: ITU-T CRC-16, reflected, initial 0."""
    crc = 0
    for x in b:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


def wpan(dst, src, payload, pan=0xabcd, seq=1, panid_comp=True, version=1,
         fcs=False, bad_fcs=False):
    """A data frame.  dst/src: 2-byte int (short address) or 8-byte EUI-64
    (big-endian, as people write it; the frame carries it reversed)."""
    def mode(a):
        return 0 if a is None else (2 if isinstance(a, int) else 3)

    def addr(a):
        return struct.pack("<H", a) if isinstance(a, int) else a[::-1]
    fcf = 1 | (panid_comp << 6) | (mode(dst) << 10) | (version << 12) | \
        (mode(src) << 14)
    h = struct.pack("<HB", fcf, seq)
    if dst is not None:
        h += struct.pack("<H", pan) + addr(dst)
    if src is not None:
        if not panid_comp or dst is None:
            h += struct.pack("<H", pan)
        h += addr(src)
    f = h + payload
    if fcs:
        c = crc16_kermit(f)
        if bad_fcs:
            c = bytes([c[0] ^ 0xff, c[1]])
        f += c
    return f


def iid_of(a):
    """RFC 6282 3.2.2 / RFC 4944 6: interface ID from a MAC address."""
    if isinstance(a, int):
        return bytes.fromhex("000000fffe00") + struct.pack("!H", a)
    return bytes([a[0] ^ 0x02]) + a[1:]


def iphc(src, dst, nh, l4, mac_src=None, mac_dst=None, sam=0, dam=0,
         tf=3, hlim=64, nhc_udp=False, udp_p=0, m=False, cid=False):
    """RFC 6282 3.1 IPHC header plus what it leaves inline.  src/dst are
    IPv6 address strings; sam/dam the address modes (0: 128 bits inline,
    1: 64, 2: 16, 3: from the MAC).  nhc_udp compresses a UDP header
    (RFC 6282 4.3) given in l4; udp_p its port mode."""
    hl = {1: 1, 64: 2, 255: 3}.get(hlim, 0)
    b0 = 0x60 | (tf << 3) | ((1 if nhc_udp else 0) << 2) | hl
    b1 = (0x80 if cid else 0) | (sam << 4) | (0x08 if m else 0) | dam
    out = bytes([b0, b1])
    if cid:
        out += b"\x00"
    out += {0: b"\0\0\0\0", 1: b"\0\0\0", 2: b"\0", 3: b""}[tf]
    if not nhc_udp:
        out += bytes([nh])
    if hl == 0:
        out += bytes([hlim])
    s, d = a6(src), a6(dst)
    out += {0: s, 1: s[8:], 2: s[14:], 3: b""}[sam]
    if m:
        out += {0: d, 1: d[1:2] + d[11:], 2: d[1:2] + d[13:], 3: d[15:]}[dam]
    else:
        out += {0: d, 1: d[8:], 2: d[14:], 3: b""}[dam]
    if nhc_udp:
        sport, dport = struct.unpack("!HH", l4[:4])
        out += bytes([0xf0 | udp_p])
        if udp_p == 0:
            out += l4[:4]
        elif udp_p == 1:
            out += l4[:2] + bytes([dport & 0xff])
        elif udp_p == 2:
            out += bytes([sport & 0xff]) + l4[2:4]
        else:
            out += bytes([((sport & 0xf) << 4) | (dport & 0xf)])
        out += l4[6:8] + l4[8:]
    else:
        out += l4
    return out


# --- the captures --------------------------------------------------------

E1 = bytes.fromhex("0012740000000001")
E2 = bytes.fromhex("0012740000000002")


def ll(a):
    """The link-local address RFC 6282 derives from a MAC address."""
    i = iid_of(a)
    return "fe80::" + ":".join(i[k:k + 2].hex() for k in range(0, 8, 2))


def arcnet(p, linux, exception=False):
    """RFC 1201 header (RFC 1051 when proto is 0xf0); BSD or Linux."""
    proto = 0xc4 if p[0] >> 4 == 6 else 0xd4
    h = bytes([0x01, 0x02]) + (b"\0\0" if linux else b"")
    if exception:
        return h + bytes([proto, 0xff, 0, 0, proto, 0, 0, 1]) + p
    return h + bytes([proto, 0, 0, 1]) + p


def cap_arcnet(linux):
    m = mix()
    fr = [arcnet(p, linux) for p in m]
    fr.append((b"\x01\x02" + (b"\0\0" if linux else b"")) + b"\xf0" + m[0])
    if not linux:
        fr.append(arcnet(m[4], linux, exception=True))
    fr.append(b"\x01\x02" + (b"\0\0" if linux else b"") + b"\xd5\0\0\1" +
              b"\0" * 28)                        # ARP (RFC 1201): no IP
    return fr


def pktap(dlt, inner, hlen=108, rectype=1):
    """Darwin <net/pktap.h> header: length, type, DLT, ifname, metadata."""
    h = struct.pack("<III", hlen, rectype, dlt) + b"en0".ljust(24, b"\0")
    return h + b"\0" * (hlen - len(h)) + inner


def cap_pktap():
    m = mix()
    fr = [pktap(1, ether(MAC2, MAC1, etype_of(p), p)) for p in m]
    fr += [pktap(12, m[0]), pktap(0, struct.pack("<I", 2) + m[3]),
           pktap(229, m[7]), pktap(1, ether(MAC2, MAC1, 0x0800, m[1]), 140),
           pktap(1, ether(MAC2, MAC1, 0x0800, m[1]), 100),   # too short
           pktap(1, ether(MAC2, MAC1, 0x0800, m[1]), rectype=2)]
    return fr


def ipnet(p, family=None):
    """OpenSolaris <inet/ipnet.h> dl_ipnetinfo_t, 24 bytes."""
    if family is None:
        family = 26 if p[0] >> 4 == 6 else 2
    return struct.pack("!BBHIIIII", 2, family, 0, len(p), 3, 0, 0, 0) + p


def cap_ipnet():
    m = mix()
    return [ipnet(p) for p in m] + [ipnet(m[0], family=7)]


def jh(flags=0, ext=b""):
    """Juniper "MGC" header; ext: extension TLVs (type, length, value)."""
    h = b"MGC" + bytes([flags | (0x80 if ext else 0)])
    if ext:
        h += struct.pack("!H", len(ext)) + ext
    return h


JTLV = bytes([1, 4, 5, 0, 0, 0, 3, 1, 1, 6, 2, 14, 0])


def eth_of(p):
    return ether(MAC2, MAC1, etype_of(p), p)


def pppoe_of(p):
    """RFC 2516 session frame carrying p over PPP."""
    ppp = struct.pack("!H", 0x57 if p[0] >> 4 == 6 else 0x21) + p
    return ether(MAC2, MAC1, 0x8864,
                 struct.pack("!BBHH", 0x11, 0, 1, len(ppp)) + ppp)


def cap_juniper_ether():
    m = mix()
    fr = [jh(i & 1, JTLV if i % 3 == 0 else b"") + eth_of(p)
          for i, p in enumerate(m)]
    fr += [jh(0x02) + struct.pack("<I", 2) + m[2],          # no L2, IPv4
           jh(0x03, JTLV) + struct.pack("<I", 6) + m[6],    # no L2, IPv6
           jh(0x02) + struct.pack("<I", 204) + eth_of(m[3]),
           b"XGC\x00" + eth_of(m[4])]                       # no magic
    return fr


def cap_juniper_pppoe():
    m = mix()
    return [jh(1, JTLV if i & 1 else b"") + pppoe_of(p)
            for i, p in enumerate(m)] + [jh(0) + eth_of(m[1])]


def cap_juniper_ppp():
    m = mix()
    fr = []
    for i, p in enumerate(m):
        proto = 0x57 if p[0] >> 4 == 6 else 0x21
        fr.append(jh(1) + b"\xff\x03" + struct.pack("!H", proto) + p)
    fr.append(jh(1) + b"\xff\x03\x21" + m[2])               # compressed
    return fr


def cap_juniper_chdlc():
    m = mix()
    return [jh(i & 1, JTLV if i % 3 == 0 else b"") + b"\x0f\x00" +
            struct.pack("!H", etype_of(p)) + p for i, p in enumerate(m)]


def cap_juniper_frelay():
    m = mix()
    return [jh(1, JTLV if i & 1 else b"") + q922(200 + i) + fr_nlpid(p)
            for i, p in enumerate(m)] + [jh(1) + q922(99) + b"\x08\x00" + m[0]]


def cap_juniper_atm(atm2):
    m = mix()
    c = bytes(8 if atm2 else 4)
    fr = [jh(1) + c + b"\xaa\xaa\x03\x00\x00\x00" +
          struct.pack("!H", etype_of(p)) + p for p in m[:3]]   # LLC/SNAP
    fr += [jh(1) + c + b"\x03\xcc" + m[3],                     # Cisco NLPID
           jh(1) + c + m[4], jh(1) + c + m[6],                 # VC-muxed
           jh(1) + c + b"\xfe\xfe\x03\x8e" + m[7],             # LLC, NLPID
           jh(1, JTLV) + c + m[5]]
    if atm2:
        fr += [jh(1) + c + b"\x00\x21" + m[8][:0] + m[1],      # PPP VC-mux
               jh(0) + bytes([0, 0, 0, 1, 0, 0, 0, 0]) + eth_of(m[8]),
               jh(1) + bytes([0, 0, 0, 0, 0, 0, 0, 0x10]) + m[3]]  # OAM
    else:
        fr += [jh(1) + bytes([0x80, 0, 0, 0]) + m[3],          # OAM
               jh(1) + c + b"\x00\x21" + m[1]]                 # no PPP guess
    return fr


def q922(dlci, n=2):
    """ITU-T Q.922 address, 2 to 4 bytes, EA set on the last."""
    if n == 2:
        return bytes([(dlci >> 4) << 2 & 0xfc, ((dlci & 0xf) << 4) | 1])
    if n == 3:
        return bytes([(dlci >> 9) << 2 & 0xfc, ((dlci >> 5) & 0xf) << 4,
                      ((dlci & 0x1f) << 2) | 1])
    return bytes([(dlci >> 16) << 2 & 0xfc, ((dlci >> 12) & 0xf) << 4,
                  (dlci >> 5) & 0xfe, ((dlci & 0x1f) << 2) | 1])


def fr_nlpid(p):
    """RFC 2427 routed IP: UI control, NLPID."""
    return b"\x03" + (b"\x8e" if p[0] >> 4 == 6 else b"\xcc") + p


def cap_frelay():
    m = mix()
    fr = [q922(100 + i) + fr_nlpid(p) for i, p in enumerate(m)]
    fr += [q922(100) + b"\x03\x00\xcc" + m[0],                  # pad
           q922(100) + b"\x03\x80\x00\x00\x00\x08\x00" + m[1],  # SNAP
           q922(100) + b"\x03\x80\x00\x00\x00\x86\xdd" + m[7],
           q922(100) + b"\x08\x00" + m[3],                      # Cisco
           q922(100) + b"\x86\xdd" + m[6],
           q922(100) + b"\x03\x80\x00\x80\xc2\x00\x07" + eth_of(m[4]),
           q922(1000, 3) + fr_nlpid(m[5]), q922(100000, 4) + fr_nlpid(m[5]),
           q922(0) + b"\x03\x08" + b"\0" * 10]                  # Q.933
    return fr


def arista(p, ver=0x10, sub=1):
    """Ethernet with Arista's timestamp header after the MACs."""
    ts = {0x10: 8, 0x110: 8, 0x20: 6, 0x120: 6}.get(ver, 8)
    return MAC2 + MAC1 + struct.pack("!HHH", 0xd28b, sub, ver) + \
        b"\x5e" * ts + struct.pack("!H", etype_of(p)) + p


def cap_arista():
    m = mix()
    vers = [0x10, 0x20, 0x110, 0x120]
    fr = [arista(p, vers[i % 4]) for i, p in enumerate(m)]
    fr += [eth_of(m[0]), arista(m[1], 0x30), arista(m[2], sub=2)]
    # Arista header inside an 802.1Q tag
    fr.append(MAC2 + MAC1 + b"\x81\x00\x00\x05" + arista(m[3])[12:])
    return fr


def cap_wpan(fcs):
    """6LoWPAN over 802.15.4 without fragments: every address mode."""
    w = lambda d, s, pl, **k: wpan(d, s, pl, fcs=fcs, **k)
    return [
        # addresses elided, from EUI-64s; TCP inline
        w(E2, E1, iphc(ll(E1), ll(E2), 6, tcp(1000, 80, b"abc"), sam=3, dam=3)),
        w(E1, E2, iphc(ll(E2), ll(E1), 6, tcp(80, 1000, b"defg"), sam=3, dam=3)),
        # short addresses, NHC UDP, each port mode
        w(2, 1, iphc(ll(1), ll(2), 17, udp(5683, 5683, b"coap"), sam=3, dam=3, nhc_udp=True)),
        w(1, 2, iphc(ll(2), ll(1), 17, udp(0xf0b1, 0xf0b2, b"c"), sam=3, dam=3, nhc_udp=True, udp_p=3)),
        w(1, 2, iphc(ll(2), ll(1), 17, udp(0xf005, 9, b"d"), sam=3, dam=3, nhc_udp=True, udp_p=2)),
        w(1, 2, iphc(ll(2), ll(1), 17, udp(9, 0xf006, b"e"), sam=3, dam=3, nhc_udp=True, udp_p=1)),
        # inline addresses: 128, 64 and 16 bits, hop limit and TF inline
        w(2, 1, iphc("2001:db8::1", "2001:db8::2", 17, udp(1000, 2000, b"x" * 10), nhc_udp=True, tf=0, hlim=30)),
        w(2, 1, iphc("fe80::1234:5678:9abc:def0", "fe80::ff:fe00:5", 6, tcp(1, 2), sam=1, dam=2, tf=1)),
        w(2, 1, iphc("fe80::ff:fe00:7", "fe80::a:b:c:d", 58, b"\x80\x00\0\0\0\1\0\1", sam=2, dam=1, tf=2)),
        # multicast destinations
        w(0xffff, 1, iphc(ll(1), "ff02::1", 17, udp(5683, 5683, b"m"), sam=3, dam=3, m=True, nhc_udp=True, udp_p=3)),
        w(0xffff, 1, iphc(ll(1), "ff05::1:3", 17, udp(547, 547, b"m2"), sam=3, dam=2, m=True, nhc_udp=True)),
        w(0xffff, 1, iphc(ll(1), "ff0e::12:3456:789a", 17, udp(5, 6, b"m3"), sam=3, dam=1, m=True, nhc_udp=True)),
        # uncompressed IPv6 dispatch
        w(2, 1, b"\x41" + ipv6("2001:db8::5", "2001:db8::6", 17, udp(1, 2, b"u"))),
        w(2, 1, b"\x41" + ipv6("2001:db8::6", "2001:db8::5", 6, tcp(2, 1, b"uu"))),
        # mixed address sizes, no PAN ID compression, 2015 frame
        w(2, E1, iphc(ll(E1), ll(2), 17, udp(1, 2, b"mx"), sam=3, dam=3, nhc_udp=True)),
        w(2, 1, iphc(ll(1), ll(2), 17, udp(1, 2, b"np"), sam=3, dam=3, nhc_udp=True), panid_comp=False),
        w(2, 1, iphc(ll(1), ll(2), 17, udp(1, 2, b"v2"), sam=3, dam=3, nhc_udp=True), version=2),
        # mesh header (originator 5, final 6), broadcast header
        w(2, 1, bytes([0xb5]) + struct.pack("!HH", 5, 6) + iphc(ll(5), ll(6), 17, udp(1, 2, b"mesh"), sam=3, dam=3, nhc_udp=True)),
        w(0xffff, 1, b"\x50\x07" + iphc(ll(1), "ff02::1", 17, udp(1, 2, b"bc"), sam=3, dam=3, m=True, nhc_udp=True)),
        # stateful (context) compression: Wireshark's zero prefix
        w(E2, E1, (lambda p: bytes([p[0], p[1] | 0x44]) + p[2:])(
            iphc(ll(E1), ll(E2), 6, tcp(7, 8, b"ctx"), sam=3, dam=3))),
        # a FRAG1 holding the whole datagram
        w(2, 1, struct.pack("!HH", 0xc000 | 61, 0x78) + iphc("2001:db8::a", "2001:db8::b", 17, udp(7000, 7001, b"W" * 13), nhc_udp=True)),
        # no IP: secured frame, acknowledgement
        (lambda f: bytes([f[0] | 0x08]) + f[1:])(wpan(2, 1, iphc(ll(1), ll(2), 17, udp(1, 2, b"s"), sam=3, dam=3, nhc_udp=True))) if not fcs else
        w(2, 1, b"\x41" + ipv6("2001:db8::7", "2001:db8::8", 17, udp(1, 2, b"bad")), bad_fcs=True),
        struct.pack("<HB", 0x0002, 9) + (crc16_kermit(struct.pack("<HB", 2, 9)) if fcs else b""),
    ]


def cap_wpan_frag():
    """A datagram in two fragments, and a lone FRAGN (RFC 4944 5.3)."""
    data = b"F" * 100
    full = iphc("2001:db8::a", "2001:db8::b", 17, udp(7000, 7001, data),
                nhc_udp=True)
    hdr = len(full) - 100
    size = 40 + 8 + 100
    fr = [wpan(2, 1, struct.pack("!HH", 0xc000 | size, 0x77) + full[:hdr + 40]),
          wpan(2, 1, struct.pack("!HHB", 0xe000 | size, 0x77, 88 // 8) + full[hdr + 40:]),
          wpan(2, 1, struct.pack("!HHB", 0xe000 | size, 0x79, 11) + full[hdr + 40:])]
    return fr


CAPTURES = {
    # name: (link type, frames)
    "arcnet": (7, lambda: cap_arcnet(False)),
    "arcnet-linux": (129, lambda: cap_arcnet(True)),
    "pktap": (258, cap_pktap),
    "ipnet": (226, cap_ipnet),
    "juniper-ether": (178, cap_juniper_ether),
    "juniper-pppoe": (167, cap_juniper_pppoe),
    "juniper-ppp": (179, cap_juniper_ppp),
    "juniper-chdlc": (181, cap_juniper_chdlc),
    "juniper-frelay": (180, cap_juniper_frelay),
    "juniper-atm1": (137, lambda: cap_juniper_atm(False)),
    "juniper-atm2": (135, lambda: cap_juniper_atm(True)),
    "frelay": (107, cap_frelay),
    "arista": (1, cap_arista),
    "wpan-nofcs": (230, lambda: cap_wpan(False)),
    "wpan-fcs": (195, lambda: cap_wpan(True)),
    "wpan-frag": (230, cap_wpan_frag),
}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for name, (lt, frames) in CAPTURES.items():
        write(os.path.join(argv[1], name + ".pcap"), lt, frames())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
