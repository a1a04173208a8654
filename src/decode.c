/* decode.c - bounds-checked link, IP and transport header parsing. */

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "rd.h"

/*
 * Link types, as DLT_ values (what pcap_datalink() returns).  Written out
 * rather than taken from pcap/dlt.h so that this file stays free of
 * libpcap and can be fuzzed alone; the values are fixed by the tcpdump.org
 * link-type registry.
 */
#define LT_NULL		0
#define LT_EN10MB	1
#define LT_PPP		9
#define LT_RAW		12	/* DLT_RAW on most systems */
#define LT_RAW_OBSD	14	/* DLT_RAW on OpenBSD */
#define LT_PPP_SERIAL	50
#define LT_PPP_ETHER	51
#define LT_LINKTYPE_RAW	101	/* LINKTYPE_RAW, seen from file readers */
#define LT_C_HDLC	104
#define LT_IEEE802_11	105
#define LT_LOOP		108
#define LT_LINUX_SLL	113
#define LT_IEEE802_11_RADIO 127
#define LT_PPI		192
#define LT_IPV4		228
#define LT_IPV6		229
#define LT_NFLOG	239
#define LT_LINUX_SLL2	276

#define ETH_IPV4	0x0800
#define ETH_ARP		0x0806
#define ETH_RARP	0x8035
#define ETH_VLAN	0x8100
#define ETH_IPV6	0x86dd
#define ETH_MPLS	0x8847
#define ETH_MPLS_MC	0x8848
#define ETH_PPPOE_D	0x8863
#define ETH_PPPOE_S	0x8864
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define ETH_FABRICPATH	0x8903

/* Nested tags (VLAN, MPLS labels, PPPoE) we follow before giving up. */
#define MAX_ENCAP	16
/* IPv6 extension headers we walk before giving up (RFC 8200 4.1 order). */
#define MAX_IPV6_EXT	16

static int decode_ip(struct rd *, struct packet *);
static int decode_chdlc(struct rd *, struct packet *);
static int decode_mpls(struct rd *, struct packet *, int);
static int decode_ether(struct rd *, struct packet *, int);
static int decode_ethertype(struct rd *, uint16_t, struct packet *,
    int);

/* Ethertypes that are known not to carry IP: not "unknown". */
static int
ethertype_known_non_ip(uint16_t t)
{
	switch (t) {
	case ETH_ARP: case ETH_RARP: case ETH_PPPOE_D:
	case 0x0842:		/* Wake-on-LAN */
	case 0x22f0:		/* AVTP */
	case 0x22f3:		/* TRILL */
	case 0x6002:		/* DEC MOP */
	case 0x809b:		/* AppleTalk */
	case 0x80f3:		/* AARP */
	case 0x8137:		/* IPX */
	case 0x8808:		/* Ethernet flow control */
	case 0x8809:		/* slow protocols (LACP) */
	case 0x8819:		/* CobraNet */
	case 0x885b: case 0x8899: case 0x88e1: case 0x8912:
	case 0x886f:		/* Microsoft NLB */
	case 0x888e:		/* EAPOL */
	case 0x8892:		/* PROFINET */
	case 0x88a4:		/* EtherCAT */
	case 0x88b8: case 0x88b9: case 0x88ba:	/* IEC 61850 */
	case 0x88cc:		/* LLDP */
	case 0x88e3:		/* MRP */
	case 0x88e5:		/* MACsec */
	case 0x88f7:		/* PTP */
	case 0x88fb:		/* PRP */
	case 0x8902:		/* CFM */
	case 0x8906:		/* FCoE */
	case 0x8914:		/* FIP */
	case 0x892f:		/* HSR */
	case 0x9000:		/* loopback (CTP) */
		return 1;
	}
	return 0;
}

/*
 * RFC 1661 / RFC 1332 / RFC 5072: PPP protocol field to IP or not.  depth:
 * encapsulations already walked, carried on so that PPPoE -> MPLS ->
 * Ethernet pseudowire -> PPPoE... stays bounded by MAX_ENCAP.
 */
static int
decode_ppp_proto(struct rd *r, uint16_t proto, struct packet *res,
    int depth)
{
	switch (proto) {
	case 0x0021:		/* IPv4 */
	case 0x0057:		/* IPv6 */
		return decode_ip(r, res);
	case 0x0281:		/* MPLS unicast */
	case 0x0283:
		return decode_mpls(r, res, depth + 1);
	}
	return DECODE_NOT_IP;
}

/* PPP in HDLC-like framing (RFC 1662): optional FF 03, 1 or 2 byte protocol. */
static int
decode_ppp(struct rd *r, struct packet *res)
{
	uint8_t b0, b1;
	uint16_t proto;

	if (rd_peek_u8(r, 0, &b0) < 0 || rd_peek_u8(r, 1, &b1) < 0)
		return DECODE_TRUNCATED_LINK;
	/* Cisco HDLC framing on a "PPP" link, as routers write it */
	if ((b0 == 0x0f || b0 == 0x8f) && b1 == 0x00)
		return decode_chdlc(r, res);
	if (b0 == 0xff && b1 == 0x03)
		rd_skip(r, 2);
	if (rd_peek_u8(r, 0, &b0) < 0)
		return DECODE_TRUNCATED_LINK;
	if (b0 & 0x01) {	/* protocol field compressed to one byte */
		proto = b0;
		rd_skip(r, 1);
	} else {
		if (rd_peek_be16(r, 0, &proto) < 0)
			return DECODE_TRUNCATED_LINK;
		rd_skip(r, 2);
	}
	return decode_ppp_proto(r, proto, res, 0);
}

/* RFC 2516 PPPoE session header: ver/type, code, session, length, PPP. */
static int
decode_pppoe(struct rd *r, struct packet *res, int depth)
{
	uint16_t proto;

	if (rd_peek_be16(r, 6, &proto) < 0)
		return DECODE_TRUNCATED_LINK;
	rd_skip(r, 8);
	return decode_ppp_proto(r, proto, res, depth);
}

/*
 * RFC 3032 MPLS label stack.  After the bottom-of-stack label the payload
 * type is not signalled; like tcpdump and Wireshark we look at the first
 * nibble: 4 or 6 is IP, 0 a pseudowire control word before an Ethernet
 * frame (what Wireshark assumes too); anything else is not IP.
 */
static int
decode_mpls(struct rd *r, struct packet *res, int depth)
{
	uint32_t label;
	uint8_t nib;
	int i;

	for (i = 0; i < MAX_ENCAP; i++) {
		if (rd_peek_be32(r, 0, &label) < 0)
			return DECODE_TRUNCATED_LINK;
		rd_skip(r, 4);
		if (label & 0x100)
			break;
	}
	if (i == MAX_ENCAP)
		return DECODE_BAD_LINK;
	if (rd_peek_u8(r, 0, &nib) < 0)
		return DECODE_TRUNCATED_IP;
	nib >>= 4;
	if (nib == 4 || nib == 6)
		return decode_ip(r, res);
	if (nib == 0) {
		/* RFC 4448 Ethernet pseudowire with its 4-byte control word */
		if (rd_skip(r, 4) < 0)
			return DECODE_TRUNCATED_LINK;
		return decode_ether(r, res, depth + 1);
	}
	return DECODE_NOT_IP;
}

/*
 * IEEE 802.2 LLC with SNAP (RFC 1042): AA AA 03, OUI, ethertype.  Any other
 * LLC frame (STP, NetBIOS...) carries no IP.  Only OUI 0 (RFC 1042) and
 * 00-00-F8 (IEEE 802.1H) put an ethertype after the OUI; under any other
 * OUI the protocol ID is the vendor's (Cisco CDP 0x2000, PVST+ 0x010b) and
 * not an "unknown ethertype".
 */
static int
decode_llc(struct rd *r, struct packet *res, int depth)
{
	uint8_t dsap, ssap, ctl;
	uint16_t type;
	uint32_t oui;

	if (rd_peek_u8(r, 0, &dsap) < 0 || rd_peek_u8(r, 1, &ssap) < 0 ||
	    rd_peek_u8(r, 2, &ctl) < 0)
		return DECODE_TRUNCATED_LINK;
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
		return DECODE_NOT_IP;
	if (rd_peek_be32(r, 2, &oui) < 0 || rd_peek_be16(r, 6, &type) < 0)
		return DECODE_TRUNCATED_LINK;
	oui &= 0xffffff;
	if (oui != 0 && oui != 0xf8)
		return DECODE_NOT_IP;
	rd_skip(r, 8);
	return decode_ethertype(r, type, res, depth + 1);
}

/* Dispatch on an ethertype, following VLAN, QinQ, PPPoE and MPLS. */
static int
decode_ethertype(struct rd *r, uint16_t type, struct packet *res,
    int depth)
{
	for (; depth < MAX_ENCAP; depth++) {
		switch (type) {
		case ETH_IPV4:
		case ETH_IPV6:
			return decode_ip(r, res);
		case ETH_VLAN:		/* IEEE 802.1Q: TCI, then type */
		case ETH_QINQ:		/* IEEE 802.1ad */
		case ETH_QINQ_OLD:
			if (rd_peek_be16(r, 2, &type) < 0)
				return DECODE_TRUNCATED_LINK;
			rd_skip(r, 4);
			if (type < 0x0600)	/* 802.3 length: LLC follows */
				return decode_llc(r, res, depth);
			continue;
		case ETH_PPPOE_S:
			return decode_pppoe(r, res, depth);
		case ETH_FABRICPATH:	/* Cisco FabricPath: FTag/TTL, frame */
			if (rd_skip(r, 2) < 0)
				return DECODE_TRUNCATED_LINK;
			return decode_ether(r, res, depth + 1);
		case ETH_MPLS:
		case ETH_MPLS_MC:
			return decode_mpls(r, res, depth);
		}
		return ethertype_known_non_ip(type) ? DECODE_NOT_IP :
		    DECODE_UNKNOWN_ETHERTYPE;
	}
	return DECODE_BAD_LINK;
}

/* IEEE 802.3 / Ethernet II. */
static int
decode_ether(struct rd *r, struct packet *res, int depth)
{
	uint16_t type;

	if (depth >= MAX_ENCAP)
		return DECODE_BAD_LINK;
	if (rd_peek_be16(r, 12, &type) < 0)
		return DECODE_TRUNCATED_LINK;
	rd_skip(r, 14);
	if (type < 0x0600)
		return decode_llc(r, res, depth);
	return decode_ethertype(r, type, res, depth);
}

/* Linux cooked capture v1: 16 bytes, protocol last. */
static int
decode_sll(struct rd *r, struct packet *res)
{
	uint16_t proto;

	if (rd_peek_be16(r, 14, &proto) < 0)
		return DECODE_TRUNCATED_LINK;
	rd_skip(r, 16);
	if (proto == 0x0004)	/* ETH_P_802_2: LLC frame */
		return decode_llc(r, res, 0);
	return decode_ethertype(r, proto, res, 0);
}

/* Linux cooked capture v2: 20 bytes, protocol first. */
static int
decode_sll2(struct rd *r, struct packet *res)
{
	uint16_t proto;

	if (rd_peek_be16(r, 0, &proto) < 0 || !rd_has(r, 20))
		return DECODE_TRUNCATED_LINK;
	rd_skip(r, 20);
	if (proto == 0x0004)
		return decode_llc(r, res, 0);
	return decode_ethertype(r, proto, res, 0);
}

/*
 * BSD loopback: a 4-byte address family in the byte order of the machine
 * that captured (DLT_NULL) or big-endian (DLT_LOOP).  AF_INET6 differs by
 * system: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 Darwin.
 */
static int
decode_null(struct rd *r, struct packet *res, int big_endian)
{
	uint32_t af;
	uint16_t hdlc;

	/* some BSD interfaces hand PPP or Cisco HDLC frames to DLT_NULL */
	if (rd_peek_be16(r, 0, &hdlc) == 0) {
		if (hdlc == 0xff03)
			return decode_ppp(r, res);
		if (hdlc == 0x0f00 || hdlc == 0x8f00)
			return decode_chdlc(r, res);
	}
	if (big_endian) {
		if (rd_peek_be32(r, 0, &af) < 0)
			return DECODE_TRUNCATED_LINK;
	} else {
		if (rd_peek_le32(r, 0, &af) < 0)
			return DECODE_TRUNCATED_LINK;
		if (af > 0xffff)	/* written by a big-endian host */
			af = __builtin_bswap32(af);
	}
	rd_skip(r, 4);
	switch (af) {
	case 2: case 10: case 24: case 28: case 30:
		return decode_ip(r, res);
	}
	return DECODE_NOT_IP;
}

/* Cisco HDLC: address, control, ethertype. */
static int
decode_chdlc(struct rd *r, struct packet *res)
{
	uint16_t type;

	if (rd_peek_be16(r, 2, &type) < 0)
		return DECODE_TRUNCATED_LINK;
	rd_skip(r, 4);
	return decode_ethertype(r, type, res, 0);
}

/*
 * IEEE 802.11 MAC header (802.11-2020 9.2.3).  Only data frames carry IP;
 * protected (encrypted) frames and null-data subtypes carry nothing we can
 * read.  datapad: the radiotap "data pad" flag, payload aligned to 4.
 */
static int
decode_80211(struct rd *r, struct packet *res, int datapad)
{
	uint8_t fc0, fc1;
	size_t hlen;

	if (rd_peek_u8(r, 0, &fc0) < 0 || rd_peek_u8(r, 1, &fc1) < 0)
		return DECODE_TRUNCATED_LINK;
	if (((fc0 >> 2) & 0x3) != 2)		/* not a data frame */
		return DECODE_NOT_IP;
	if (fc0 & 0x40)				/* null data: no body */
		return DECODE_NOT_IP;
	if (fc1 & 0x40)				/* protected */
		return DECODE_NOT_IP;
	hlen = 24;
	if ((fc1 & 0x03) == 0x03)		/* ToDS and FromDS: addr4 */
		hlen += 6;
	if (fc0 & 0x80) {			/* QoS data */
		hlen += 2;
		if (fc1 & 0x80)			/* +HTC */
			hlen += 4;
	}
	if (datapad)
		hlen = (hlen + 3) & ~(size_t)3;
	if (rd_skip(r, hlen) < 0)
		return DECODE_TRUNCATED_LINK;
	return decode_llc(r, res, 0);
}

/*
 * Radiotap header (radiotap.org): version, pad, le16 length, present
 * bitmaps.  We only need the Flags field (bit 1) for the data-pad flag;
 * TSFT (bit 0, 8 bytes, 8-aligned) is the only field before it.
 */
static int
decode_radiotap(struct rd *r, struct packet *res)
{
	uint16_t len;
	uint32_t present, word;
	size_t off;
	uint8_t flags = 0;

	if (rd_peek_le16(r, 2, &len) < 0 || rd_peek_le32(r, 4, &present) < 0)
		return DECODE_TRUNCATED_LINK;
	if (len < 8)
		return DECODE_BAD_LINK;
	off = 8;
	word = present;
	while (word & 0x80000000u) {		/* extended bitmaps */
		if (off + 4 > len)	/* bitmap outside the stated header */
			return DECODE_BAD_LINK;
		if (rd_peek_le32(r, off, &word) < 0)
			return DECODE_TRUNCATED_LINK;
		off += 4;
	}
	if (present & 0x1)
		off = ((off + 7) & ~(size_t)7) + 8;
	if ((present & 0x2) && off < len && rd_peek_u8(r, off, &flags) < 0)
		return DECODE_TRUNCATED_LINK;
	if (rd_skip(r, len) < 0)
		return DECODE_TRUNCATED_LINK;
	return decode_80211(r, res, (flags & 0x20) != 0);
}

/* Per-Packet Information header: version, flags, le16 len, le32 DLT. */
static int
decode_ppi(struct rd *r, struct packet *res)
{
	uint16_t len;
	uint32_t dlt;

	if (rd_peek_le16(r, 2, &len) < 0 || rd_peek_le32(r, 4, &dlt) < 0)
		return DECODE_TRUNCATED_LINK;
	if (len < 8)
		return DECODE_BAD_LINK;
	if (rd_skip(r, len) < 0)
		return DECODE_TRUNCATED_LINK;
	if (dlt == LT_IEEE802_11)
		return decode_80211(r, res, 0);
	if (dlt == LT_EN10MB)
		return decode_ether(r, res, 0);
	return DECODE_UNKNOWN_LINKTYPE;
}

/*
 * Linux NFLOG: family, version, resource id, then TLVs (le16 length
 * including the 4-byte header, le16 type), each padded to 4 bytes.  Type 9
 * (NFULA_PAYLOAD) is the IP packet.
 */
static int
decode_nflog(struct rd *r, struct packet *res)
{
	uint16_t tlen, ttype;
	int i;

	if (rd_skip(r, 4) < 0)
		return DECODE_TRUNCATED_LINK;
	for (i = 0; i < 64; i++) {
		if (rd_left(r) == 0)	/* every TLV read, no payload */
			return DECODE_NOT_IP;
		if (rd_peek_le16(r, 0, &tlen) < 0 ||
		    rd_peek_le16(r, 2, &ttype) < 0)
			return DECODE_TRUNCATED_LINK;
		if (tlen < 4)
			return DECODE_BAD_LINK;
		if ((ttype & 0x7fff) == 9) {
			struct rd payload;

			if (!rd_has(r, tlen))
				rd_init(&payload, r->p + 4, rd_left(r) - 4);
			else
				rd_init(&payload, r->p + 4, tlen - 4u);
			return decode_ip(&payload, res);
		}
		if (!rd_has(r, tlen))	/* TLV cut short by snaplen */
			return DECODE_TRUNCATED_LINK;
		if (rd_skip(r, ((size_t)tlen + 3) & ~(size_t)3) < 0)
			return DECODE_NOT_IP;	/* unpadded last TLV */
	}
	return DECODE_BAD_LINK;
}

/*
 * UDP ports of encapsulations whose inner packets Wireshark also counts:
 * L2TP, Teredo, LISP data and control, CAPWAP control and data, VXLAN,
 * GTP-U, Geneve.  Only a note: the outer header still makes the edge.
 */
static int
udp_tunnel_port(uint16_t port)
{
	switch (port) {
	case 1701: case 2152: case 3544: case 4341: case 4342: case 4789:
	case 5246: case 5247: case 6081:
		return 1;
	}
	return 0;
}

/*
 * Transport ports and flags (RFC 9293 TCP, RFC 768 UDP, RFC 9260 SCTP,
 * RFC 792 ICMP, RFC 4443 ICMPv6).  r starts at the transport header and is
 * already bounded by the IP payload length.  claimed is that length as the
 * IP header gives it (0 when it does not: TSO, jumbograms), which may be
 * more than was captured.
 */
static void
decode_transport(struct rd *r, struct packet *res, size_t claimed)
{
	uint16_t v16;
	uint8_t u8;

	switch (res->proto) {
	case IPG_PROTO_TCP:
		if (rd_peek_be16(r, 0, &res->sport) < 0 ||
		    rd_peek_be16(r, 2, &res->dport) < 0) {
			res->sport = res->dport = 0;
			res->notes |= DECODE_NOTE_TRUNC_L4;
			return;
		}
		if (rd_peek_be32(r, 4, &res->tcp_seq) < 0 ||
		    rd_peek_be32(r, 8, &res->tcp_ack) < 0 ||
		    rd_peek_be16(r, 12, &v16) < 0 || !rd_has(r, 20)) {
			res->notes |= DECODE_NOTE_TRUNC_L4;
			return;
		}
		if ((v16 >> 12) * 4 < 20) {
			res->notes |= DECODE_NOTE_BAD_L4;
			return;
		}
		res->tcp_flags = (uint8_t)v16;
		/* tcp.len as tshark counts it: what the IP header claims, not
		 * what was captured (a small snaplen cuts the payload) */
		if (claimed >= (size_t)(v16 >> 12) * 4)
			res->l4_len = (uint32_t)(claimed - (v16 >> 12) * 4);
		else if (rd_left(r) >= (size_t)(v16 >> 12) * 4)
			res->l4_len = (uint32_t)(rd_left(r) - (v16 >> 12) * 4);
		if (rd_left(r) > (size_t)(v16 >> 12) * 4) {
			res->payload = r->p + (v16 >> 12) * 4;
			res->payload_len = (uint32_t)(rd_left(r) -
			    (v16 >> 12) * 4);
		}
		return;
	case IPG_PROTO_UDP:
	case IPG_PROTO_SCTP:
		if (rd_peek_be16(r, 0, &res->sport) < 0 ||
		    rd_peek_be16(r, 2, &res->dport) < 0) {
			res->sport = res->dport = 0;
			res->notes |= DECODE_NOTE_TRUNC_L4;
			return;
		}
		if (res->proto == IPG_PROTO_UDP) {
			if (rd_peek_be16(r, 4, &v16) < 0) {
				res->notes |= DECODE_NOTE_TRUNC_L4;
				return;
			}
			if (v16 < 8 && v16 != 0)	/* 0: RFC 2675 jumbo */
				res->notes |= DECODE_NOTE_BAD_L4;
			else if (v16 >= 8)
				res->l4_len = v16 - 8u;
			if (v16 >= 8 && rd_left(r) > 8) {
				res->payload = r->p + 8;
				res->payload_len = (uint32_t)(rd_left(r) - 8 <
				    v16 - 8u ? rd_left(r) - 8 : v16 - 8u);
			}
			if (udp_tunnel_port(res->sport) ||
			    udp_tunnel_port(res->dport))
				res->notes |= DECODE_NOTE_TUNNEL;
		}
		return;
	case IPG_PROTO_ICMP:
	case IPG_PROTO_ICMPV6:
		if (rd_peek_u8(r, 0, &u8) < 0) {
			res->notes |= DECODE_NOTE_TRUNC_L4;
			return;
		}
		res->sport = u8;
		if (rd_peek_u8(r, 1, &u8) < 0) {
			res->notes |= DECODE_NOTE_TRUNC_L4;
			return;
		}
		res->dport = u8;
		return;
	case 4: case 41: case 47:	/* IP-in-IP, IPv6-in-IP, GRE */
		res->notes |= DECODE_NOTE_TUNNEL;
		return;
	}
}

/*
 * RFC 791 3.1 loose and strict source routes (options 131, 137): while
 * hops remain (pointer within the option), the packet's real destination
 * is the last address of the route, not the next hop in the header.
 * Wireshark reports that final destination as ip.dst, and so do we.
 */
static void
ipv4_source_route(const struct rd *r, size_t hlen, struct packet *res)
{
	size_t off = 20, olen;
	uint8_t type, len, ptr;

	while (off < hlen) {
		if (rd_peek_u8(r, off, &type) < 0 || type == 0)	/* EOL */
			return;
		if (type == 1) {				/* NOP */
			off++;
			continue;
		}
		if (rd_peek_u8(r, off + 1, &len) < 0 || len < 2 ||
		    off + len > hlen)
			return;
		olen = len;
		if ((type == 131 || type == 137) && olen >= 7 &&
		    rd_peek_u8(r, off + 2, &ptr) == 0 && ptr <= olen)
			rd_copy(r, off + 3 + (olen - 3) / 4 * 4 - 4, res->dst, 4);
		off += olen;
	}
}

/* RFC 791 IPv4 header. */
static int
decode_ipv4(struct rd *r, struct packet *res)
{
	uint8_t vhl = 0;
	uint16_t tlen = 0, frag = 0, id = 0;
	size_t hlen, avail;
	struct rd l4;

	if (!rd_has(r, 20))
		return DECODE_TRUNCATED_IP;
	rd_peek_u8(r, 0, &vhl);
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < 20)
		return DECODE_BAD_IP_HLEN;
	rd_peek_be16(r, 2, &tlen);
	/* A total length of 0 is what TCP segmentation offload leaves. */
	if (tlen != 0 && tlen < hlen)
		return DECODE_BAD_IP_LEN;
	res->ipver = 4;
	rd_peek_u8(r, 9, &res->proto);
	rd_copy(r, 12, res->src, 4);
	rd_copy(r, 16, res->dst, 4);
	if (hlen > 20)
		ipv4_source_route(r, hlen, res);
	rd_peek_be16(r, 4, &id);
	res->ip_id = id;
	rd_peek_be16(r, 6, &frag);
	res->ip_len = tlen;
	if (frag & 0x3fff) {			/* MF set or offset != 0 */
		res->notes |= DECODE_NOTE_FRAGMENT;
		if (frag & 0x1fff) {
			res->notes |= DECODE_NOTE_LATER_FRAG;
			return DECODE_OK;
		}
	}
	if (!rd_has(r, hlen)) {
		res->notes |= DECODE_NOTE_TRUNC_L4;
		return DECODE_OK;
	}
	avail = rd_left(r) - hlen;
	if (tlen != 0 && (size_t)tlen - hlen < avail)
		avail = (size_t)tlen - hlen;	/* drop link-layer padding */
	rd_init(&l4, r->p + hlen, avail);
	decode_transport(&l4, res, tlen >= hlen ? (size_t)tlen - hlen : 0);
	return DECODE_OK;
}

/* RFC 8200 IPv6 header and extension headers (RFC 4302 AH). */
static int
decode_ipv6(struct rd *r, struct packet *res)
{
	uint16_t plen = 0;
	uint8_t nh = 0, hlen8 = 0;
	size_t off, end;
	int i;
	struct rd l4;

	if (!rd_has(r, 40))
		return DECODE_TRUNCATED_IP;
	res->ipver = 6;
	rd_peek_be16(r, 4, &plen);
	rd_peek_u8(r, 6, &nh);
	rd_copy(r, 8, res->src, 16);
	rd_copy(r, 24, res->dst, 16);
	res->ip_len = plen + 40u;
	end = rd_left(r);
	if (plen != 0 && (size_t)plen + 40 < end)	/* 0: jumbogram */
		end = (size_t)plen + 40;
	off = 40;
	for (i = 0; i < MAX_IPV6_EXT; i++) {
		uint16_t fo;
		uint32_t id;

		res->proto = nh;
		switch (nh) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
		case 139:	/* HIP */
		case 140:	/* shim6 */
			if (off + 2 > end || rd_peek_u8(r, off, &nh) < 0 ||
			    rd_peek_u8(r, off + 1, &hlen8) < 0) {
				res->notes |= DECODE_NOTE_TRUNC_L4;
				return DECODE_OK;
			}
			off += ((size_t)hlen8 + 1) * 8;
			continue;
		case 51:	/* AH: length in 4-octet units minus 2 */
			if (off + 2 > end || rd_peek_u8(r, off, &nh) < 0 ||
			    rd_peek_u8(r, off + 1, &hlen8) < 0) {
				res->notes |= DECODE_NOTE_TRUNC_L4;
				return DECODE_OK;
			}
			off += ((size_t)hlen8 + 2) * 4;
			continue;
		case 44:	/* fragment */
			if (off + 8 > end || rd_peek_u8(r, off, &nh) < 0 ||
			    rd_peek_be16(r, off + 2, &fo) < 0 ||
			    rd_peek_be32(r, off + 4, &id) < 0) {
				res->notes |= DECODE_NOTE_TRUNC_L4;
				return DECODE_OK;
			}
			res->ip_id = id;
			res->notes |= DECODE_NOTE_FRAGMENT;
			off += 8;
			if (fo & 0xfff8) {
				res->proto = nh;
				res->notes |= DECODE_NOTE_LATER_FRAG;
				return DECODE_OK;
			}
			continue;
		}
		break;
	}
	if (i == MAX_IPV6_EXT) {
		res->notes |= DECODE_NOTE_EXT_LIMIT;
		return DECODE_OK;
	}
	if (off > end) {
		res->notes |= DECODE_NOTE_TRUNC_L4;
		return DECODE_OK;
	}
	rd_init(&l4, r->p + off, end - off);
	decode_transport(&l4, res, plen != 0 && (size_t)plen + 40 >= off ?
	    (size_t)plen + 40 - off : 0);
	return DECODE_OK;
}

/* Whatever the link said, the version nibble decides (as Wireshark does). */
static int
decode_ip(struct rd *r, struct packet *res)
{
	uint8_t v;

	if (rd_peek_u8(r, 0, &v) < 0)
		return DECODE_TRUNCATED_IP;
	switch (v >> 4) {
	case 4:
		return decode_ipv4(r, res);
	case 6:
		return decode_ipv6(r, res);
	}
	return DECODE_BAD_IP_VERSION;
}

int
decode_packet(int linktype, const uint8_t *data, size_t caplen,
    struct packet *res)
{
	struct rd r;

	memset(res, 0, sizeof(*res));
	rd_init(&r, data, caplen);
	switch (linktype) {
	case LT_EN10MB:
		return decode_ether(&r, res, 0);
	case LT_LINUX_SLL:
		return decode_sll(&r, res);
	case LT_LINUX_SLL2:
		return decode_sll2(&r, res);
	case LT_NULL:
		return decode_null(&r, res, 0);
	case LT_LOOP:
		return decode_null(&r, res, 1);
	case LT_RAW:
	case LT_RAW_OBSD:
	case LT_LINKTYPE_RAW:
	case LT_IPV4:
	case LT_IPV6:
		return decode_ip(&r, res);
	case LT_PPP:
	case LT_PPP_SERIAL:
		return decode_ppp(&r, res);
	case LT_PPP_ETHER:
		return decode_pppoe(&r, res, 0);
	case LT_C_HDLC:
		return decode_chdlc(&r, res);
	case LT_IEEE802_11:
		return decode_80211(&r, res, 0);
	case LT_IEEE802_11_RADIO:
		return decode_radiotap(&r, res);
	case LT_PPI:
		return decode_ppi(&r, res);
	case LT_NFLOG:
		return decode_nflog(&r, res);
	}
	return DECODE_UNKNOWN_LINKTYPE;
}

int
decode_linktype_supported(int linktype)
{
	uint8_t b = 0;
	struct packet res;

	return decode_packet(linktype, &b, 0, &res) != DECODE_UNKNOWN_LINKTYPE;
}

const char *
decode_status_name(int status)
{
	static const char *const names[DECODE_NSTATUS] = {
		[DECODE_OK] = "decoded",
		[DECODE_NOT_IP] = "not IP",
		[DECODE_UNKNOWN_LINKTYPE] = "unknown link type",
		[DECODE_UNKNOWN_ETHERTYPE] = "unknown ethertype",
		[DECODE_TRUNCATED_LINK] = "truncated link header",
		[DECODE_BAD_LINK] = "bad link header",
		[DECODE_TRUNCATED_IP] = "truncated IP header",
		[DECODE_BAD_IP_VERSION] = "bad IP version",
		[DECODE_BAD_IP_HLEN] = "bad IPv4 header length",
		[DECODE_BAD_IP_LEN] = "bad IPv4 total length",
	};

	if (status < 0 || status >= DECODE_NSTATUS || names[status] == NULL)
		return "unknown";
	return names[status];
}

static const struct {
	const char	*name;
	unsigned	 number;
} proto_names[] = {
	{ "icmp", IPG_PROTO_ICMP },
	{ "tcp", IPG_PROTO_TCP },
	{ "udp", IPG_PROTO_UDP },
	{ "icmpv6", IPG_PROTO_ICMPV6 },
	{ "sctp", IPG_PROTO_SCTP },
};

const char *
decode_proto_name(unsigned proto)
{
	size_t i;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].number == proto)
			return proto_names[i].name;
	return NULL;
}

int
decode_proto_number(const char *name)
{
	size_t i;
	char *end;
	long v;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (strcmp(proto_names[i].name, name) == 0)
			return (int)proto_names[i].number;
	if (*name < '0' || *name > '9')
		return -1;
	v = strtol(name, &end, 10);
	if (*end != '\0' || v < 0 || v > 255)
		return -1;
	return (int)v;
}
