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
#define LT_ARCNET	7
#define LT_PPP		9
#define LT_RAW		12	/* DLT_RAW on most systems */
#define LT_RAW_OBSD	14	/* DLT_RAW on OpenBSD */
#define LT_PPP_SERIAL	50
#define LT_PPP_ETHER	51
#define LT_LINKTYPE_RAW	101	/* LINKTYPE_RAW, seen from file readers */
#define LT_C_HDLC	104
#define LT_IEEE802_11	105
#define LT_FRELAY	107
#define LT_LOOP		108
#define LT_LINUX_SLL	113
#define LT_IEEE802_11_RADIO 127
#define LT_ARCNET_LINUX	129
#define LT_JUNIPER_ATM2	135
#define LT_JUNIPER_ATM1	137
#define LT_JUNIPER_PPPOE 167
#define LT_JUNIPER_ETHER 178
#define LT_JUNIPER_PPP	179
#define LT_JUNIPER_FRELAY 180
#define LT_JUNIPER_CHDLC 181
#define LT_PPI		192
#define LT_IEEE802_15_4	195	/* DLT_IEEE802_15_4_WITHFCS: FCS at the end */
#define LT_IPNET	226
#define LT_IPV4		228
#define LT_IPV6		229
#define LT_IEEE802_15_4_NOFCS 230
#define LT_NFLOG	239
#define LT_PKTAP	258	/* LINKTYPE_PKTAP; DLT_PKTAP is 149 on Darwin only */
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
#define ETH_ARISTA	0xd28b

/* Nested tags (VLAN, MPLS labels, PPPoE) we follow before giving up. */
#define MAX_ENCAP	16
/* IPv6 extension headers we walk before giving up (RFC 8200 4.1 order). */
#define MAX_IPV6_EXT	16

static int decode_ip(struct rd *, struct packet *);
static int decode_chdlc(struct rd *, struct packet *);
static int decode_ppp_pfield(struct rd *, struct packet *);
static int decode_mpls(struct rd *, struct packet *, int);
static int decode_ether(struct rd *, struct packet *, int);
static int decode_ethertype(struct rd *, uint16_t, struct packet *,
    int);
static int decode_arista(struct rd *, uint16_t *);

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

	if (rd_peek_u8(r, 0, &b0) < 0 || rd_peek_u8(r, 1, &b1) < 0)
		return DECODE_TRUNCATED_LINK;
	/* Cisco HDLC framing on a "PPP" link, as routers write it */
	if ((b0 == 0x0f || b0 == 0x8f) && b1 == 0x00)
		return decode_chdlc(r, res);
	if (b0 == 0xff && b1 == 0x03)
		rd_skip(r, 2);
	return decode_ppp_pfield(r, res);
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
		case ETH_ARISTA: {	/* timestamp, then the real type */
			int st = decode_arista(r, &type);

			if (st != DECODE_OK)
				return st;
			continue;
		}
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

/*
 * Rarer link layers (ARCNET, PKTAP, IEEE 802.15.4 with 6LoWPAN, IPNET,
 * Juniper, Frame Relay, Arista timestamps).  Each follows what Wireshark's
 * dissector does with the same bytes, since its per-pair counts are the
 * reference; where the specification and Wireshark differ, the comment says
 * which one we follow.
 */

/* PPP protocol field alone (RFC 1661 2, with RFC 1661 6.5 compression). */
static int
decode_ppp_pfield(struct rd *r, struct packet *res)
{
	uint8_t b0;
	uint16_t proto;

	if (rd_peek_u8(r, 0, &b0) < 0)
		return DECODE_TRUNCATED_LINK;
	if (b0 & 0x01) {
		proto = b0;
		rd_skip(r, 1);
	} else {
		if (rd_peek_be16(r, 0, &proto) < 0)
			return DECODE_TRUNCATED_LINK;
		rd_skip(r, 2);
	}
	return decode_ppp_proto(r, proto, res, 0);
}

/*
 * An ISO/IEC TR 9577 NLPID byte, then the packet it names: 0xcc IPv4,
 * 0x8e IPv6 (RFC 2427 and RFC 2684 use these).  Others carry no IP.
 */
static int
decode_nlpid(struct rd *r, struct packet *res)
{
	uint8_t nlpid;

	if (rd_peek_u8(r, 0, &nlpid) < 0)
		return DECODE_TRUNCATED_LINK;
	if (nlpid != 0xcc && nlpid != 0x8e)
		return DECODE_NOT_IP;
	rd_skip(r, 1);
	return decode_ip(r, res);
}

/*
 * ARCNET: RFC 1201 (with its split flag, sequence number and "exception"
 * packets) and RFC 1051 (no fragmentation fields).  BSD (DLT_ARCNET):
 * source, destination, protocol ID.  Linux (DLT_ARCNET_LINUX) puts a
 * 2-byte offset before the protocol ID and never writes exception packets,
 * so a split flag of 0xff there is taken as it stands, as Wireshark does.
 * Protocol IDs: 0xd4 IPv4 (RFC 1201), 0xf0 IPv4 (RFC 1051), 0xc4 IPv6
 * (RFC 2497).
 */
static int
decode_arcnet(struct rd *r, struct packet *res, int linux_hdr)
{
	size_t off = linux_hdr ? 4 : 2;
	uint8_t proto, flag;

	if (rd_peek_u8(r, off, &proto) < 0)
		return DECODE_TRUNCATED_LINK;
	off++;
	switch (proto) {
	case 0xf0:				/* RFC 1051 IP: no split flag */
		break;
	case 0xd4:
	case 0xc4:
		if (rd_peek_u8(r, off, &flag) < 0)
			return DECODE_TRUNCATED_LINK;
		off++;
		if (flag == 0xff && !linux_hdr) {
			/* exception: 2 bytes pad, protocol ID, split flag */
			off += 4;
		}
		off += 2;			/* sequence number */
		break;
	default:
		return DECODE_NOT_IP;
	}
	if (rd_skip(r, off) < 0)
		return DECODE_TRUNCATED_LINK;
	return decode_ip(r, res);
}

/*
 * Solaris IPNET (DLT_IPNET; OpenSolaris <inet/ipnet.h>): version, address
 * family (2 AF_INET, 26 AF_INET6), htype, pktlen, ifindex, grifindex,
 * zsrc, zdst: 24 bytes, then the IP packet.
 */
static int
decode_ipnet(struct rd *r, struct packet *res)
{
	uint8_t family;

	if (rd_peek_u8(r, 1, &family) < 0 || !rd_has(r, 24))
		return DECODE_TRUNCATED_LINK;
	rd_skip(r, 24);
	if (family != 2 && family != 26)
		return DECODE_NOT_IP;
	return decode_ip(r, res);
}

/*
 * Apple PKTAP (DLT_PKTAP; Darwin <net/pktap.h>): le32 header length,
 * le32 record type (1: a packet), le32 DLT of the frame after the header,
 * interface name and process metadata.  Wireshark wants at least the
 * 108-byte base header.  The frame is decoded as its own link type; a
 * PKTAP inside a PKTAP is refused, which bounds the recursion.
 */
#define PKTAP_MIN_LEN	108
static int
decode_pktap(struct rd *r, struct packet *res)
{
	uint32_t len, type, dlt;

	if (rd_peek_le32(r, 0, &len) < 0 || rd_peek_le32(r, 4, &type) < 0 ||
	    rd_peek_le32(r, 8, &dlt) < 0)
		return DECODE_TRUNCATED_LINK;
	if (len < PKTAP_MIN_LEN)
		return DECODE_BAD_LINK;
	if (type != 1)
		return DECODE_NOT_IP;
	if (rd_skip(r, len) < 0)
		return DECODE_TRUNCATED_LINK;
	if (dlt == LT_PKTAP || dlt > 0xffff)
		return DECODE_BAD_LINK;
	return decode_packet((int)dlt, r->p, rd_left(r), res);
}

/*
 * Frame Relay (DLT_FRELAY): ITU-T Q.922 address of 2 to 4 bytes (the EA
 * bit ends it; Wireshark also accepts a 1-byte one), then either RFC 2427
 * multiprotocol encapsulation (UI control 0x03, optional 0x00 pad, NLPID;
 * NLPID 0x80 is SNAP: OUI and PID, OUI 0 with an ethertype or 00-80-C2
 * with bridged Ethernet) or Cisco's encapsulation (an ethertype).  On
 * DLCI 0 anything but UI is Q.933 signalling.
 */
static int
decode_frelay(struct rd *r, struct packet *res, int depth)
{
	uint8_t a, ctl, nlpid;
	uint16_t dlci0 = 1, type;
	uint32_t oui;
	size_t alen;

	for (alen = 0; alen < 4; alen++) {
		if (rd_peek_u8(r, alen, &a) < 0)
			return DECODE_TRUNCATED_LINK;
		if (alen == 0)
			dlci0 = a & 0xfc;
		else if (alen == 1)
			dlci0 |= a & 0xf0;
		if (a & 0x01)
			break;
	}
	if (alen == 4)
		return DECODE_BAD_LINK;
	rd_skip(r, alen + 1);
	if (rd_peek_u8(r, 0, &ctl) < 0)
		return DECODE_TRUNCATED_LINK;
	if (ctl != 0x03) {
		if (dlci0 == 0)
			return DECODE_NOT_IP;
		if (rd_peek_be16(r, 0, &type) < 0)
			return DECODE_TRUNCATED_LINK;
		rd_skip(r, 2);
		return decode_ethertype(r, type, res, depth);
	}
	rd_skip(r, 1);
	if (rd_peek_u8(r, 0, &nlpid) < 0)
		return DECODE_TRUNCATED_LINK;
	if (nlpid == 0x00) {			/* RFC 2427 4: padding */
		rd_skip(r, 1);
		if (rd_peek_u8(r, 0, &nlpid) < 0)
			return DECODE_TRUNCATED_LINK;
	}
	if (nlpid != 0x80)
		return decode_nlpid(r, res);
	/* RFC 2427 5.3 SNAP: NLPID, OUI, PID */
	if (rd_peek_be32(r, 0, &oui) < 0 || rd_peek_be16(r, 4, &type) < 0)
		return DECODE_TRUNCATED_LINK;
	oui &= 0xffffff;
	rd_skip(r, 6);
	if (oui == 0)
		return decode_ethertype(r, type, res, depth + 1);
	if (oui == 0x0080c2 && (type == 0x0001 || type == 0x0007))
		return decode_ether(r, res, depth + 1);
	return DECODE_NOT_IP;
}

/*
 * Juniper's capture header (libpcap's pcap-dlt-juniper notes, Wireshark's
 * packet-juniper.c): magic "MGC" (0x4d4743), a flags byte (0x01 inbound,
 * 0x02 no layer-2 header, 0x80 extensions), then with extensions a be16
 * total length of the extension TLVs and the TLVs.  Without a layer-2
 * header a le32 Juniper protocol number comes next.  A frame without the
 * magic is read as if the header were absent, as Wireshark does.
 */
#define JUNIPER_MAGIC		0x4d4743
#define JUNIPER_FLAG_IN		0x01
#define JUNIPER_FLAG_NO_L2	0x02
#define JUNIPER_FLAG_EXT	0x80

/* Juniper's own payload protocol numbers (header without layer 2). */
static int
decode_juniper_proto(struct rd *r, uint32_t proto, struct packet *res)
{
	switch (proto) {
	case 2: case 3:			/* IPv4, MPLS->IPv4 */
	case 6: case 7:			/* IPv6, MPLS->IPv6 */
		return decode_ip(r, res);
	case 4: case 5: case 8: case 32:	/* ...->MPLS */
		return decode_mpls(r, res, 0);
	case 10: case 33: case 201:	/* CLNP, OSI: an NLPID first */
		return decode_nlpid(r, res);
	case 200:
		return decode_ppp_pfield(r, res);
	case 202: case 203:
		return decode_llc(r, res, 0);
	case 204:
		return decode_ether(r, res, 0);
	case 207:
		return decode_frelay(r, res, 0);
	case 208:
		return decode_chdlc(r, res);
	case 0xa248:			/* 4 unknown bytes, then IPv4 */
		if (rd_skip(r, 4) < 0)
			return DECODE_TRUNCATED_LINK;
		return decode_ip(r, res);
	}
	return DECODE_NOT_IP;
}

/* PPP protocols a Juniper ATM2 PIC may start a VC-muxed frame with. */
static int
juniper_ppp_guess(uint16_t p)
{
	switch (p) {
	case 0x0021: case 0x0023: case 0x0281: case 0x0283: case 0x8021:
	case 0x8023: case 0x8281: case 0xc021: case 0xc023: case 0xc223:
	case 0x003d: case 0x0057: case 0x8057:
		return 1;
	}
	return 0;
}

/*
 * Juniper ATM1/ATM2 PICs: a 4- or 8-byte cookie, then a payload whose
 * encapsulation is not signalled; the order of guesses is Wireshark's:
 * OAM cell, LLC for OSI (fe fe 03), LLC/SNAP (aa aa 03), Ethernet over
 * RFC 2684 (outbound ATM2 with a gap count), VC-muxed PPP (ATM2), Cisco
 * NLPID (03), VC-muxed IPv4 or IPv6 by the first byte.
 */
static int
decode_juniper_atm(struct rd *r, struct packet *res, int atm2,
    uint8_t flags)
{
	uint32_t cookie1, p24;
	uint16_t p16;
	uint8_t c7, b;

	if (rd_peek_be32(r, 0, &cookie1) < 0 || rd_peek_u8(r, 7, &c7) < 0)
		return DECODE_TRUNCATED_LINK;
	if ((!atm2 && (cookie1 >> 24) == 0x80) || (atm2 && (c7 & 0x70)))
		return DECODE_NOT_IP;		/* OAM cell */
	rd_skip(r, atm2 ? 8 : 4);
	if (rd_peek_be32(r, 0, &p24) == 0) {
		p24 >>= 8;
		if (p24 == 0xfefe03) {
			rd_skip(r, 3);
			return decode_nlpid(r, res);
		}
		if (p24 == 0xaaaa03)
			return decode_llc(r, res, 0);
	} else if (rd_peek_u8(r, 0, &b) < 0)
		return DECODE_TRUNCATED_LINK;
	if (atm2 && !(flags & JUNIPER_FLAG_IN) && (cookie1 & 0x3f))
		return decode_ether(r, res, 0);
	if (atm2 && rd_peek_be16(r, 0, &p16) == 0 && juniper_ppp_guess(p16))
		return decode_ppp_pfield(r, res);
	if (rd_peek_u8(r, 0, &b) < 0)
		return DECODE_TRUNCATED_LINK;
	if (b == 0x03) {
		rd_skip(r, 1);
		return decode_nlpid(r, res);
	}
	if ((b >= 0x45 && b <= 0x4f) || (b & 0xf0) == 0x60)
		return decode_ip(r, res);
	return DECODE_NOT_IP;
}

static int
decode_juniper(struct rd *r, struct packet *res, int linktype)
{
	uint32_t magic, proto;
	uint16_t extlen;
	uint8_t flags;
	size_t hlen = 4;

	if (rd_peek_be32(r, 0, &magic) < 0)
		return DECODE_TRUNCATED_LINK;
	flags = (uint8_t)magic;
	if ((magic >> 8) != JUNIPER_MAGIC) {
		hlen = 0;
	} else {
		if (flags & JUNIPER_FLAG_EXT) {
			if (rd_peek_be16(r, 4, &extlen) < 0)
				return DECODE_TRUNCATED_LINK;
			hlen = 6 + (size_t)extlen;
		}
		if (flags & JUNIPER_FLAG_NO_L2) {
			if (rd_peek_le32(r, hlen, &proto) < 0)
				return DECODE_TRUNCATED_LINK;
			rd_skip(r, hlen + 4);
			return decode_juniper_proto(r, proto, res);
		}
	}
	if (rd_skip(r, hlen) < 0)
		return DECODE_TRUNCATED_LINK;
	switch (linktype) {
	case LT_JUNIPER_ETHER:
	case LT_JUNIPER_PPPOE:		/* an Ethernet frame with PPPoE */
		return decode_ether(r, res, 0);
	case LT_JUNIPER_PPP:		/* 2 bytes Wireshark skips, PPP */
		if (rd_skip(r, 2) < 0)
			return DECODE_TRUNCATED_LINK;
		return decode_ppp_pfield(r, res);
	case LT_JUNIPER_CHDLC:
		return decode_chdlc(r, res);
	case LT_JUNIPER_FRELAY:
		return decode_frelay(r, res, 0);
	case LT_JUNIPER_ATM1:
		return decode_juniper_atm(r, res, 0, flags);
	case LT_JUNIPER_ATM2:
		return decode_juniper_atm(r, res, 1, flags);
	}
	return DECODE_UNKNOWN_LINKTYPE;
}

/*
 * Arista's timestamp header (ethertype 0xd28b, Arista's vendor-specific
 * ethertype): subtype (1: timestamp), version (0x0010 and 0x0110: 64-bit
 * timestamp; 0x0020 and 0x0120: 48-bit), the timestamp, then the frame's
 * real ethertype.  Other subtypes and versions are not followed.
 */
static int
decode_arista(struct rd *r, uint16_t *type)
{
	uint16_t sub, ver;
	size_t tslen;

	if (rd_peek_be16(r, 0, &sub) < 0 || rd_peek_be16(r, 2, &ver) < 0)
		return DECODE_TRUNCATED_LINK;
	if (sub != 1)
		return DECODE_NOT_IP;
	switch (ver) {
	case 0x0010: case 0x0110:
		tslen = 8;
		break;
	case 0x0020: case 0x0120:
		tslen = 6;
		break;
	default:
		return DECODE_NOT_IP;
	}
	if (rd_peek_be16(r, 4 + tslen, type) < 0)
		return DECODE_TRUNCATED_LINK;
	rd_skip(r, 6 + tslen);
	return DECODE_OK;
}

/*
 * IEEE 802.15.4 and 6LoWPAN.  A link-layer address as the MAC (or a
 * 6LoWPAN mesh header) gives it: 0, 2 (short) or 8 (EUI-64) bytes, most
 * significant first.
 */
struct lowpan_ll {
	size_t	len;
	uint8_t	a[8];
};

/*
 * RFC 6282 3.2.2: the interface ID an elided address is derived from:
 * an EUI-64 with the universal/local bit inverted, or a short address as
 * 0000:00ff:fe00:XXXX.  -1 when the frame has no such address.
 */
static int
lowpan_iid(const struct lowpan_ll *ll, uint8_t *iid)
{
	if (ll->len == 8) {
		memcpy(iid, ll->a, 8);
		iid[0] ^= 0x02;
		return 0;
	}
	if (ll->len == 2) {
		static const uint8_t pre[6] = { 0, 0, 0, 0xff, 0xfe, 0 };

		memcpy(iid, pre, 6);
		memcpy(iid + 6, ll->a, 2);
		return 0;
	}
	return -1;
}

/*
 * RFC 6282 3.1.1 SAM/DAM for a unicast address, stateless (ctx 0: the
 * link-local prefix fe80::/64) or context-based (ctx 1).  No contexts are
 * configured here, and Wireshark without a configured context uses a zero
 * prefix; so do we.  Reads the inline bytes at *off and advances it.
 * Returns 0, or a decode_status.
 */
static int
lowpan_unicast(const struct rd *r, size_t *off, int ctx, unsigned mode,
    const struct lowpan_ll *ll, uint8_t *addr)
{
	static const uint8_t iid16[6] = { 0, 0, 0, 0xff, 0xfe, 0 };

	memset(addr, 0, 16);
	if (!ctx) {
		addr[0] = 0xfe;
		addr[1] = 0x80;
	}
	switch (mode) {
	case 0:
		if (ctx)		/* SAC=1 SAM=00: the unspecified :: */
			return 0;
		if (rd_copy(r, *off, addr, 16) < 0)
			return DECODE_TRUNCATED_IP;
		*off += 16;
		return 0;
	case 1:
		if (rd_copy(r, *off, addr + 8, 8) < 0)
			return DECODE_TRUNCATED_IP;
		*off += 8;
		return 0;
	case 2:
		memcpy(addr + 8, iid16, 6);
		if (rd_copy(r, *off, addr + 14, 2) < 0)
			return DECODE_TRUNCATED_IP;
		*off += 2;
		return 0;
	}
	if (lowpan_iid(ll, addr + 8) < 0)
		return DECODE_BAD_LINK;
	return 0;
}

/* RFC 6282 3.1.1 M=1: a multicast destination, DAC 0 or 1. */
static int
lowpan_multicast(const struct rd *r, size_t *off, int dac, unsigned mode,
    uint8_t *addr)
{
	memset(addr, 0, 16);
	addr[0] = 0xff;
	if (dac) {
		/* DAM=00: ffXX:XXLL:PPPP:PPPP:PPPP:PPPP:XXXX:XXXX, the prefix
		 * from a context we do not have (zero, length 0) */
		if (mode != 0)
			return DECODE_BAD_LINK;
		if (rd_copy(r, *off, addr + 1, 2) < 0 ||
		    rd_copy(r, *off + 2, addr + 12, 4) < 0)
			return DECODE_TRUNCATED_IP;
		*off += 6;
		return 0;
	}
	switch (mode) {
	case 0:
		if (rd_copy(r, *off, addr, 16) < 0)
			return DECODE_TRUNCATED_IP;
		*off += 16;
		return 0;
	case 1:					/* ffXX::00XX:XXXX:XXXX */
		if (rd_copy(r, *off, addr + 1, 1) < 0 ||
		    rd_copy(r, *off + 1, addr + 11, 5) < 0)
			return DECODE_TRUNCATED_IP;
		*off += 6;
		return 0;
	case 2:					/* ffXX::00XX:XXXX */
		if (rd_copy(r, *off, addr + 1, 1) < 0 ||
		    rd_copy(r, *off + 1, addr + 13, 3) < 0)
			return DECODE_TRUNCATED_IP;
		*off += 4;
		return 0;
	}
	addr[1] = 0x02;				/* ff02::00XX */
	if (rd_copy(r, *off, addr + 15, 1) < 0)
		return DECODE_TRUNCATED_IP;
	*off += 1;
	return 0;
}

/*
 * RFC 6282 3.1 IPHC-compressed IPv6 header, and the compressed next
 * headers of RFC 6282 4 (UDP; IPv6 extension headers).  r starts at the
 * IPHC dispatch and ends before any FCS.  dgram: the datagram size of a
 * first fragment (RFC 4944 5.3), 0 when not fragmented.  The IPv6 header
 * is never rebuilt: its addresses and next header go to res, and the
 * transport header, inline or compressed, is read where it lies.
 */
static const uint8_t iphc_tf_len[4] = { 4, 3, 1, 0 };

static int
decode_iphc(struct rd *r, struct packet *res,
    const struct lowpan_ll *sll, const struct lowpan_ll *dll, size_t dgram)
{
	uint8_t b0, b1, nh = 0, n = 0, len;
	size_t off = 2, rest;
	int st, i;
	struct rd l4;

	if (rd_peek_u8(r, 0, &b0) < 0 || rd_peek_u8(r, 1, &b1) < 0)
		return DECODE_TRUNCATED_IP;
	if (b1 & 0x80)				/* CID: context identifiers */
		off++;
	off += iphc_tf_len[(b0 >> 3) & 3];
	if (!(b0 & 0x04)) {			/* next header inline */
		if (rd_peek_u8(r, off, &nh) < 0)
			return DECODE_TRUNCATED_IP;
		off++;
	}
	if ((b0 & 0x03) == 0)			/* hop limit inline */
		off++;
	st = lowpan_unicast(r, &off, (b1 & 0x40) != 0, (b1 >> 4) & 3, sll,
	    res->src);
	if (st == 0 && (b1 & 0x08))
		st = lowpan_multicast(r, &off, (b1 & 0x04) != 0, b1 & 3,
		    res->dst);
	else if (st == 0 && (b1 & 0x04) && (b1 & 3) == 0)
		st = DECODE_BAD_LINK;	/* DAC=1 DAM=00: reserved */
	else if (st == 0)
		st = lowpan_unicast(r, &off, (b1 & 0x04) != 0, b1 & 3, dll,
		    res->dst);
	if (st != 0 || off > rd_left(r)) {
		memset(res->src, 0, 16);
		memset(res->dst, 0, 16);
		return st != 0 ? st : DECODE_TRUNCATED_IP;
	}
	res->ipver = 6;
	if (dgram != 0)
		res->notes |= DECODE_NOTE_FRAGMENT;
	rest = rd_left(r) - off;
	res->ip_len = (uint32_t)(dgram != 0 ? dgram : 40 + rest);
	for (i = 0; i < MAX_IPV6_EXT && (b0 & 0x04); i++) {
		if (rd_peek_u8(r, off, &n) < 0) {
			res->notes |= DECODE_NOTE_TRUNC_L4;
			return DECODE_OK;
		}
		if ((n & 0xf8) == 0xf0)		/* RFC 6282 4.3.3 UDP */
			break;
		if ((n & 0xf0) != 0xe0) {	/* not an NHC we know */
			res->notes |= DECODE_NOTE_BAD_L4;
			return DECODE_OK;
		}
		/* RFC 6282 4.2 extension header: 1110 EID NH */
		switch ((n >> 1) & 7) {
		case 0: res->proto = 0; break;
		case 1: res->proto = 43; break;
		case 2: res->proto = 44; break;
		case 3: res->proto = 60; break;
		case 4: res->proto = 135; break;
		case 7:				/* IPv6 in IPv6 */
			res->proto = 41;
			res->notes |= DECODE_NOTE_TUNNEL;
			return DECODE_OK;
		default:
			res->notes |= DECODE_NOTE_BAD_L4;
			return DECODE_OK;
		}
		off++;
		if (!(n & 0x01)) {
			if (rd_peek_u8(r, off, &nh) < 0) {
				res->notes |= DECODE_NOTE_TRUNC_L4;
				return DECODE_OK;
			}
			off++;
		}
		if (rd_peek_u8(r, off, &len) < 0) {
			res->notes |= DECODE_NOTE_TRUNC_L4;
			return DECODE_OK;
		}
		off += 1 + (size_t)len;
		if (!(n & 0x01)) {
			b0 &= ~0x04;		/* next header is inline */
			break;
		}
	}
	if (i == MAX_IPV6_EXT) {
		res->notes |= DECODE_NOTE_EXT_LIMIT;
		return DECODE_OK;
	}
	if (off > rd_left(r)) {
		res->notes |= DECODE_NOTE_TRUNC_L4;
		return DECODE_OK;
	}
	rest = rd_left(r) - off;
	if (!(b0 & 0x04)) {
		res->proto = nh;
		rd_init(&l4, r->p + off, rest);
		decode_transport(&l4, res, dgram > 40 ? dgram - 40 : rest);
		return DECODE_OK;
	}
	/* RFC 6282 4.3.3 UDP: 11110CPP, ports, checksum unless C */
	res->proto = IPG_PROTO_UDP;
	off++;
	switch (n & 3) {
	case 0:
		if (rd_peek_be16(r, off, &res->sport) < 0 ||
		    rd_peek_be16(r, off + 2, &res->dport) < 0)
			goto trunc;
		off += 4;
		break;
	case 1:
		if (rd_peek_be16(r, off, &res->sport) < 0 ||
		    rd_peek_u8(r, off + 2, &b0) < 0)
			goto trunc;
		res->dport = 0xf000 | b0;
		off += 3;
		break;
	case 2:
		if (rd_peek_u8(r, off, &b0) < 0 ||
		    rd_peek_be16(r, off + 1, &res->dport) < 0)
			goto trunc;
		res->sport = 0xf000 | b0;
		off += 3;
		break;
	default:
		if (rd_peek_u8(r, off, &b0) < 0)
			goto trunc;
		res->sport = 0xf0b0 | (b0 >> 4);
		res->dport = 0xf0b0 | (b0 & 0x0f);
		off += 1;
		break;
	}
	if (!(n & 0x04))
		off += 2;			/* checksum inline */
	if (off > rd_left(r)) {
		res->notes |= DECODE_NOTE_TRUNC_L4;
		return DECODE_OK;
	}
	rest = rd_left(r) - off;
	/* UDP length is elided: the datagram's, or what the frame holds */
	res->l4_len = (uint32_t)(dgram != 0 ? (dgram > 48 ? dgram - 48 : 0) :
	    rest);
	if (rest > 0) {
		res->payload = r->p + off;
		res->payload_len = (uint32_t)rest;
		if (dgram != 0 && rest > res->l4_len)
			res->payload_len = res->l4_len;
	}
	if (udp_tunnel_port(res->sport) || udp_tunnel_port(res->dport))
		res->notes |= DECODE_NOTE_TUNNEL;
	return DECODE_OK;
trunc:
	res->sport = res->dport = 0;
	res->notes |= DECODE_NOTE_TRUNC_L4;
	return DECODE_OK;
}

/*
 * 6LoWPAN dispatch (RFC 4944 5.1, RFC 6282 3): uncompressed IPv6 (0x41),
 * IPHC (011xxxxx), mesh (10xxxxxx, RFC 4944 5.2: its originator and final
 * addresses replace the MAC's for address derivation), broadcast (0x50,
 * RFC 4944 11.1), fragments (RFC 4944 5.3).
 *
 * Fragments: Wireshark reassembles and shows the IPv6 header on the frame
 * that completes the datagram (usually the last FRAGN), so it counts the
 * datagram once, with that frame's length.  A pure per-frame decoder can
 * neither wait for the last fragment nor read addresses from a FRAGN, so
 * we count the datagram on its FRAG1, which carries the compressed header:
 * packets per pair agree with Wireshark when every fragment was captured;
 * bytes differ by the difference in frame length between the first and
 * the completing fragment (none when FRAG1 holds the whole datagram).
 * FRAGN is "not IP".  A FRAG1 with an uncompressed (0x41) header is not
 * decoded by Wireshark 4.0 and not by us.  HC1 (RFC 4944 10.1, obsoleted
 * by RFC 6282) is not decoded.
 */
static int
decode_lowpan(struct rd *r, struct packet *res,
    struct lowpan_ll *sll, struct lowpan_ll *dll)
{
	uint8_t d, hops;
	uint16_t size;
	size_t off, al;
	int i;

	for (i = 0; i < MAX_ENCAP; i++) {
		if (rd_peek_u8(r, 0, &d) < 0)
			return DECODE_NOT_IP;	/* empty data frame */
		if (d == 0x41) {
			rd_skip(r, 1);
			return decode_ip(r, res);
		}
		if ((d & 0xe0) == 0x60)
			return decode_iphc(r, res, sll, dll, 0);
		if ((d & 0xc0) == 0x80) {	/* mesh: 10 V F HopsLeft */
			off = 1;
			hops = d & 0x0f;
			if (hops == 0x0f)
				off++;
			al = (d & 0x20) ? 2 : 8;
			if (rd_copy(r, off, sll->a, al) < 0)
				return DECODE_TRUNCATED_LINK;
			sll->len = al;
			off += al;
			al = (d & 0x10) ? 2 : 8;
			if (rd_copy(r, off, dll->a, al) < 0)
				return DECODE_TRUNCATED_LINK;
			dll->len = al;
			rd_skip(r, off + al);
			continue;
		}
		if (d == 0x50) {		/* LOWPAN_BC0, sequence number */
			if (rd_skip(r, 2) < 0)
				return DECODE_TRUNCATED_LINK;
			continue;
		}
		if ((d & 0xf8) == 0xc0) {	/* FRAG1: size, tag */
			if (rd_peek_be16(r, 0, &size) < 0 || !rd_has(r, 4))
				return DECODE_TRUNCATED_LINK;
			rd_skip(r, 4);
			if (rd_peek_u8(r, 0, &d) < 0)
				return DECODE_TRUNCATED_IP;
			if ((d & 0xe0) != 0x60)
				return DECODE_NOT_IP;
			size &= 0x07ff;
			if (size < 40)		/* smaller than its IPv6 header */
				return DECODE_BAD_LINK;
			return decode_iphc(r, res, sll, dll, size);
		}
		return DECODE_NOT_IP;		/* FRAGN, HC1, NALP, ... */
	}
	return DECODE_BAD_LINK;
}

/* 802.15.4-2006 7.2.1.9 FCS: ITU-T CRC-16, bits reflected, initial 0. */
static uint16_t
wpan_crc(const struct rd *r, size_t n)
{
	uint16_t crc = 0;
	uint8_t b = 0;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		rd_peek_u8(r, i, &b);
		crc ^= b;
		for (k = 0; k < 8; k++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0x8408) :
			    (uint16_t)(crc >> 1);
	}
	return crc;
}

/* An 802.15.4 address, little-endian in the frame, kept big-endian. */
static int
wpan_addr(struct rd *r, size_t *off, unsigned mode, struct lowpan_ll *ll)
{
	size_t i, n = mode == 2 ? 2 : mode == 3 ? 8 : 0;
	uint8_t b;

	ll->len = n;
	for (i = 0; i < n; i++) {
		if (rd_peek_u8(r, *off + i, &b) < 0)
			return -1;
		ll->a[n - 1 - i] = b;
	}
	*off += n;
	return 0;
}

/*
 * IEEE 802.15.4 MAC data frame (802.15.4-2006 7.2.1, 802.15.4-2015 7.2):
 * le16 frame control, sequence number, addressing fields, then 6LoWPAN.
 * fcs: DLT_IEEE802_15_4_WITHFCS, a 2-byte FCS ends the frame; Wireshark
 * does not dissect the payload of a frame whose FCS is wrong, nor do we.
 * That check assumes the whole frame was captured (802.15.4 frames are at
 * most 127 bytes, so a snaplen cuts none in practice).  Secured frames
 * (encrypted payload) and 2015 frames with information elements are not
 * decoded.
 */
static int
decode_wpan(struct rd *r, struct packet *res, int fcs)
{
	struct lowpan_ll sll, dll;
	uint16_t fcf, want;
	unsigned dmode, smode, ver;
	int panc, dpan, span;
	size_t off;
	struct rd body;

	if (rd_peek_le16(r, 0, &fcf) < 0)
		return DECODE_TRUNCATED_LINK;
	if (fcs) {
		if (rd_left(r) < 5 ||
		    rd_peek_le16(r, rd_left(r) - 2, &want) < 0)
			return DECODE_TRUNCATED_LINK;
		if (wpan_crc(r, rd_left(r) - 2) != want)
			return DECODE_BAD_LINK;
		rd_init(&body, r->p, rd_left(r) - 2);
	} else
		body = *r;
	if ((fcf & 0x07) != 1)			/* not a data frame */
		return DECODE_NOT_IP;
	if (fcf & 0x08)				/* security enabled */
		return DECODE_NOT_IP;
	panc = (fcf & 0x40) != 0;
	dmode = (fcf >> 10) & 3;
	ver = (fcf >> 12) & 3;
	smode = (fcf >> 14) & 3;
	if (dmode == 1 || smode == 1 || ver == 3)
		return DECODE_BAD_LINK;
	off = 2;
	if (ver == 2) {
		if (fcf & 0x200)		/* information elements */
			return DECODE_NOT_IP;
		if (!(fcf & 0x100))		/* sequence number present */
			off++;
		/* 802.15.4-2015 table 7-2: which PAN IDs are present */
		if (dmode == 0 || smode == 0) {
			dpan = smode == 0 ? (dmode != 0) != panc : 0;
			span = dmode == 0 ? !panc && smode != 0 : 0;
		} else if (dmode == 3 && smode == 3) {
			dpan = !panc;
			span = 0;
		} else {
			dpan = 1;
			span = !panc;
		}
	} else {
		off++;
		dpan = dmode != 0;
		span = smode != 0 && !panc;
	}
	if (dpan)
		off += 2;
	if (wpan_addr(&body, &off, dmode, &dll) < 0)
		return DECODE_TRUNCATED_LINK;
	if (span)
		off += 2;
	if (wpan_addr(&body, &off, smode, &sll) < 0 || rd_skip(&body, off) < 0)
		return DECODE_TRUNCATED_LINK;
	return decode_lowpan(&body, res, &sll, &dll);
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
	case LT_ARCNET:
		return decode_arcnet(&r, res, 0);
	case LT_ARCNET_LINUX:
		return decode_arcnet(&r, res, 1);
	case LT_PKTAP:
		return decode_pktap(&r, res);
	case LT_IEEE802_15_4:
		return decode_wpan(&r, res, 1);
	case LT_IEEE802_15_4_NOFCS:
		return decode_wpan(&r, res, 0);
	case LT_IPNET:
		return decode_ipnet(&r, res);
	case LT_JUNIPER_ETHER:
	case LT_JUNIPER_PPPOE:
	case LT_JUNIPER_PPP:
	case LT_JUNIPER_CHDLC:
	case LT_JUNIPER_FRELAY:
	case LT_JUNIPER_ATM1:
	case LT_JUNIPER_ATM2:
		return decode_juniper(&r, res, linktype);
	case LT_FRELAY:
		return decode_frelay(&r, res, 0);
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
