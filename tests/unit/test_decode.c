/* test_decode.c - table-driven unit tests for the link/IP/transport decoder. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"

/*
 * Every frame is assembled here byte by byte from small header builders, so
 * a reader can check each field against its RFC without a capture tool.
 * Length fields (IPv4 total length, IPv6 payload length, UDP length, PPPoE
 * length, 802.3 length, NFLOG payload TLV length) are written as zero and
 * filled in by pkt_finish() once the frame is complete; a builder that
 * wants a wrong length calls pkt_finish() itself and overwrites the field.
 */

/* Link types as DLT_ values; decode.c keeps its own copy on purpose. */
#define DLT_NULL_		0
#define DLT_EN10MB_		1
#define DLT_PPP_		9
#define DLT_RAW_		12
#define DLT_RAW_OBSD_		14
#define DLT_PPP_SERIAL_		50
#define DLT_PPP_ETHER_		51
#define LINKTYPE_RAW_		101
#define DLT_C_HDLC_		104
#define DLT_IEEE802_11_		105
#define DLT_LOOP_		108
#define DLT_LINUX_SLL_		113
#define DLT_IEEE802_11_RADIO_	127
#define DLT_PPI_		192
#define DLT_IPV4_		228
#define DLT_IPV6_		229
#define DLT_NFLOG_		239
#define DLT_LINUX_SLL2_		276
#define DLT_ARCNET_		7
#define DLT_FRELAY_		107
#define DLT_ARCNET_LINUX_	129
#define DLT_JUNIPER_ATM2_	135
#define DLT_JUNIPER_ATM1_	137
#define DLT_JUNIPER_PPPOE_	167
#define DLT_JUNIPER_ETHER_	178
#define DLT_JUNIPER_PPP_	179
#define DLT_JUNIPER_FRELAY_	180
#define DLT_JUNIPER_CHDLC_	181
#define DLT_IEEE802_15_4_	195	/* with FCS */
#define DLT_IPNET_		226
#define DLT_IEEE802_15_4_NOFCS_	230
#define DLT_PKTAP_		258

#define PKT_MAX		2048
#define PKT_MAXFIX	16
#define NO_IP		((size_t)-1)

/* Documentation addresses (RFC 5737, RFC 3849). */
static const uint8_t SRC4[4] = { 192, 0, 2, 1 };
static const uint8_t DST4[4] = { 198, 51, 100, 2 };
static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0x01 };
static const uint8_t DST6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0x02 };

/* A length field to fill in: value = bytes from start to the frame's end. */
struct fixup {
	size_t	field;
	size_t	start;
	int	little;		/* NFLOG TLVs are little-endian */
};

struct pkt {
	uint8_t		b[PKT_MAX];
	size_t		n;
	size_t		ipoff;		/* outermost IP header, or NO_IP */
	size_t		iphdr;		/* its size when compressed (6LoWPAN) */
	struct fixup	fix[PKT_MAXFIX];
	int		nfix;
};

static void
pkt_init(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->ipoff = NO_IP;
}

static void
put8(struct pkt *p, unsigned v)
{
	assert_true(p->n < PKT_MAX);
	p->b[p->n++] = (uint8_t)v;
}

static void
put16(struct pkt *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

static void
put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

static void
putle16(struct pkt *p, unsigned v)
{
	put8(p, v & 0xff);
	put8(p, v >> 8);
}

static void
putle32(struct pkt *p, uint32_t v)
{
	putle16(p, v & 0xffff);
	putle16(p, v >> 16);
}

static void
putn(struct pkt *p, const void *v, size_t n)
{
	assert_true(n <= PKT_MAX - p->n);
	if (n == 0)
		return;
	memcpy(p->b + p->n, v, n);
	p->n += n;
}

static void
putz(struct pkt *p, size_t n)
{
	assert_true(n <= PKT_MAX - p->n);
	memset(p->b + p->n, 0, n);
	p->n += n;
}

static void
set16(struct pkt *p, size_t off, unsigned v)
{
	assert_true(off + 2 <= p->n);
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

static void
fixup(struct pkt *p, size_t field, size_t start, int little)
{
	assert_true(p->nfix < PKT_MAXFIX);
	p->fix[p->nfix].field = field;
	p->fix[p->nfix].start = start;
	p->fix[p->nfix].little = little;
	p->nfix++;
}

/* Fill in every pending length field; idempotent. */
static void
pkt_finish(struct pkt *p)
{
	int i;

	for (i = 0; i < p->nfix; i++) {
		size_t v = p->n - p->fix[i].start;

		if (p->fix[i].little) {
			p->b[p->fix[i].field] = (uint8_t)v;
			p->b[p->fix[i].field + 1] = (uint8_t)(v >> 8);
		} else
			set16(p, p->fix[i].field, (unsigned)v);
	}
	p->nfix = 0;
}

/* ---- link-layer builders --------------------------------------------- */

/* Ethernet II (IEEE 802.3 clause 3): dst, src, type or length. */
static void
eth(struct pkt *p, unsigned type)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	putn(p, dst, 6);
	putn(p, src, 6);
	put16(p, type);
}

/* An 802.3 frame: the type field is the length of what follows. */
static void
eth_8023(struct pkt *p)
{
	eth(p, 0);
	fixup(p, p->n - 2, p->n, 0);
}

/* The rest of an IEEE 802.1Q tag after the TPID: TCI, then inner type. */
static void
vlan(struct pkt *p, unsigned vid, unsigned type)
{
	put16(p, vid & 0x0fff);
	put16(p, type);
}

/* LLC/SNAP: AA AA 03, OUI, protocol ID. */
static void
llc_snap_oui(struct pkt *p, uint32_t oui, unsigned type)
{
	put8(p, 0xaa);
	put8(p, 0xaa);
	put8(p, 0x03);
	put8(p, oui >> 16);
	put8(p, (oui >> 8) & 0xff);
	put8(p, oui & 0xff);
	put16(p, type);
}

/* RFC 1042 LLC/SNAP: OUI 00-00-00, then an ethertype. */
static void
llc_snap(struct pkt *p, unsigned type)
{
	llc_snap_oui(p, 0, type);
}

/* An STP configuration BPDU under LLC 42 42 03: not IP. */
static void
llc_stp(struct pkt *p)
{
	put8(p, 0x42);
	put8(p, 0x42);
	put8(p, 0x03);
	putz(p, 35);
}

/* RFC 3032 label stack entry: label, TC 0, S, TTL 64. */
static void
mpls(struct pkt *p, unsigned label, int bos)
{
	put32(p, (uint32_t)label << 12 | (bos ? 0x100u : 0) | 64);
}

/* RFC 2516 PPPoE session header and the PPP protocol field. */
static void
pppoe(struct pkt *p, unsigned ppp_proto)
{
	size_t off = p->n;

	put8(p, 0x11);		/* version 1, type 1 */
	put8(p, 0x00);		/* code: session data */
	put16(p, 0x1234);	/* session id */
	put16(p, 0);		/* length of the PPP frame, fixed up */
	fixup(p, off + 4, off + 6, 0);
	put16(p, ppp_proto);
}

/* Linux cooked v1: packet type, ARPHRD, address length, address, proto. */
static void
sll(struct pkt *p, unsigned proto)
{
	put16(p, 0);		/* sent to us */
	put16(p, 1);		/* ARPHRD_ETHER */
	put16(p, 6);
	put32(p, 0x02000000);
	put32(p, 0x00010000);
	put16(p, proto);
}

/* Linux cooked v2: proto, reserved, ifindex, ARPHRD, type, addr len, addr. */
static void
sll2(struct pkt *p, unsigned proto)
{
	put16(p, proto);
	put16(p, 0);
	put32(p, 3);		/* ifindex */
	put16(p, 1);		/* ARPHRD_ETHER */
	put8(p, 4);		/* outgoing */
	put8(p, 6);
	put32(p, 0x02000000);
	put32(p, 0x00010000);
}

/* Cisco HDLC: address (unicast 0x0f / broadcast 0x8f), control, type. */
static void
chdlc(struct pkt *p, unsigned addr, unsigned type)
{
	put8(p, addr);
	put8(p, 0);
	put16(p, type);
}

/* IEEE 802.11 MAC header, the fixed 24 bytes (802.11-2020 9.3.2.1). */
static void
wlan(struct pkt *p, unsigned fc0, unsigned fc1)
{
	unsigned i;

	put8(p, fc0);
	put8(p, fc1);
	put16(p, 0);		/* duration */
	for (i = 0; i < 18; i++)	/* addr1..addr3 */
		put8(p, 0x10 + i);
	put16(p, 0x1230);	/* sequence control */
}

/* NFLOG pseudo-header: family, version 0, resource id (big-endian). */
static void
nflog_hdr(struct pkt *p, unsigned family)
{
	put8(p, family);
	put8(p, 0);
	put16(p, 1);
}

/* One NFLOG TLV: le16 length (header included), le16 type, value, pad. */
static void
nflog_tlv(struct pkt *p, unsigned type, const void *v, size_t len)
{
	putle16(p, (unsigned)(4 + len));
	putle16(p, type);
	putn(p, v, len);
	while (p->n % 4 != 0)
		put8(p, 0);
}

/* The NFULA_PAYLOAD TLV header; the IP packet follows. */
static void
nflog_payload(struct pkt *p)
{
	fixup(p, p->n, p->n, 1);
	putle16(p, 0);
	putle16(p, 9);
}

/* ---- IP and transport builders ---------------------------------------- */

/*
 * RFC 791 IPv4 header with optlen bytes of options (NOPs, then EOL).
 * frag is the whole flags + fragment offset word.
 */
static void
ip4(struct pkt *p, unsigned proto, unsigned id, unsigned frag, size_t optlen)
{
	size_t off = p->n, i;

	assert_true(optlen % 4 == 0 && optlen <= 40);
	if (p->ipoff == NO_IP)
		p->ipoff = off;
	put8(p, 0x40 | (unsigned)(5 + optlen / 4));
	put8(p, 0);
	put16(p, 0);		/* total length, fixed up */
	fixup(p, off + 2, off, 0);
	put16(p, id);
	put16(p, frag);
	put8(p, 64);
	put8(p, proto);
	put16(p, 0);		/* checksum: the decoder does not check it */
	putn(p, SRC4, 4);
	putn(p, DST4, 4);
	for (i = 0; i < optlen; i++)
		put8(p, i + 1 == optlen ? 0 : 1);
}

/* RFC 8200 IPv6 fixed header. */
static void
ip6(struct pkt *p, unsigned nh)
{
	size_t off = p->n;

	if (p->ipoff == NO_IP)
		p->ipoff = off;
	put32(p, 0x60000000);
	put16(p, 0);		/* payload length, fixed up */
	fixup(p, off + 4, off + 40, 0);
	put8(p, nh);
	put8(p, 64);
	putn(p, SRC6, 16);
	putn(p, DST6, 16);
}

/* Hop-by-hop, routing, destination options: (hlen8 + 1) * 8 bytes. */
static void
ip6_ext(struct pkt *p, unsigned nh, unsigned hlen8)
{
	put8(p, nh);
	put8(p, hlen8);
	putz(p, (hlen8 + 1) * 8 - 2);	/* Pad1 options, or type 0 route */
}

/* RFC 8200 4.5 fragment header; offset in 8-octet units. */
static void
ip6_frag(struct pkt *p, unsigned nh, unsigned offset, int more, uint32_t id)
{
	put8(p, nh);
	put8(p, 0);
	put16(p, offset << 3 | (more ? 1 : 0));
	put32(p, id);
}

/* RFC 4302 AH: length in 4-octet units minus 2; 12-byte ICV here. */
static void
ip6_ah(struct pkt *p, unsigned nh)
{
	put8(p, nh);
	put8(p, 4);
	put16(p, 0);
	put32(p, 0x100);	/* SPI */
	put32(p, 1);		/* sequence */
	putz(p, 12);
}

#define TCP_SEQ	0x01020304u
#define TCP_ACK	0x05060708u

/* RFC 9293 TCP header with doff 32-bit words (options as NOPs). */
static void
tcp_doff(struct pkt *p, unsigned sport, unsigned dport, unsigned flags,
    unsigned doff)
{
	unsigned i;

	put16(p, sport);
	put16(p, dport);
	put32(p, TCP_SEQ);
	put32(p, TCP_ACK);
	put16(p, doff << 12 | flags);
	put16(p, 65535);	/* window */
	put16(p, 0);		/* checksum */
	put16(p, 0);		/* urgent */
	for (i = 20; i < doff * 4; i++)
		put8(p, 1);
}

static void
tcp(struct pkt *p, unsigned sport, unsigned dport, unsigned flags)
{
	tcp_doff(p, sport, dport, flags, 5);
}

/* RFC 768 UDP with paylen zero bytes of payload. */
static void
udp(struct pkt *p, unsigned sport, unsigned dport, size_t paylen)
{
	size_t off = p->n;

	put16(p, sport);
	put16(p, dport);
	put16(p, 0);		/* length, fixed up */
	fixup(p, off + 4, off, 0);
	put16(p, 0);
	putz(p, paylen);
}

/* RFC 9260 SCTP common header. */
static void
sctp(struct pkt *p, unsigned sport, unsigned dport)
{
	put16(p, sport);
	put16(p, dport);
	put32(p, 0xcafe);	/* verification tag */
	put32(p, 0);		/* checksum */
}

/* RFC 792 / RFC 4443 ICMP header: type, code, checksum, 4 more bytes. */
static void
icmp(struct pkt *p, unsigned type, unsigned code)
{
	put8(p, type);
	put8(p, code);
	put16(p, 0);
	put32(p, 0x00010001);
}

/* The standard payloads most link-layer cases carry. */
#define STD4_SPORT	1234
#define STD4_DPORT	80
#define STD4_FLAGS	0x12	/* SYN|ACK */
#define STD4_ID		0x1234
#define STD6_SPORT	5353
#define STD6_DPORT	53

static void
std4(struct pkt *p)
{
	ip4(p, IPG_PROTO_TCP, STD4_ID, 0x4000, 0);	/* DF */
	tcp(p, STD4_SPORT, STD4_DPORT, STD4_FLAGS);
}

static void
std6(struct pkt *p)
{
	ip6(p, IPG_PROTO_UDP);
	udp(p, STD6_SPORT, STD6_DPORT, 4);
}

/* std4 for 4, std6 for 6. */
static void
stdip(struct pkt *p, unsigned ver)
{
	if (ver == 6)
		std6(p);
	else
		std4(p);
}

/* ---- the frame table -------------------------------------------------- */

struct expect {
	int		status;
	uint8_t		ipver;
	uint8_t		proto;
	uint8_t		tcp_flags;
	uint8_t		notes;
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	ip_id;
};

struct tcase {
	const char	*name;
	int		 linktype;
	void		(*build)(struct pkt *, unsigned);
	unsigned	 arg;
	size_t		 cut;		/* keep only this many bytes; 0: all */
	struct expect	 want;
};

/* Shorthands for the most common expectations. */
#define OK4	{ DECODE_OK, 4, IPG_PROTO_TCP, STD4_FLAGS, 0, STD4_SPORT, \
		    STD4_DPORT, STD4_ID }
#define OK6	{ DECODE_OK, 6, IPG_PROTO_UDP, 0, 0, STD6_SPORT, STD6_DPORT, 0 }
#define ST(s)	{ (s), 0, 0, 0, 0, 0, 0, 0 }

/* Ethernet: ethertype arg, then std4 for IPv4, std6 for IPv6, else junk. */
static void
b_eth(struct pkt *p, unsigned type)
{
	eth(p, type);
	if (type == 0x0800)
		std4(p);
	else if (type == 0x86dd)
		std6(p);
	else
		putz(p, 46);	/* ARP, LLDP...: contents do not matter */
}

/* arg 802.1Q tags, the innermost carrying IPv4. */
static void
b_vlan(struct pkt *p, unsigned ntags)
{
	unsigned i;

	eth(p, 0x8100);
	for (i = 0; i < ntags; i++)
		vlan(p, 10 + i, i + 1 == ntags ? 0x0800 : 0x8100);
	std4(p);
}

/* 802.1ad QinQ with the outer TPID arg, inner 802.1Q, then IPv6. */
static void
b_qinq(struct pkt *p, unsigned tpid)
{
	eth(p, tpid);
	vlan(p, 100, 0x8100);
	vlan(p, 200, 0x86dd);
	std6(p);
}

/* A VLAN tag followed by an 802.3 length and LLC/SNAP. */
static void
b_vlan_snap(struct pkt *p, unsigned ver)
{
	eth(p, 0x8100);
	vlan(p, 7, 0);
	fixup(p, p->n - 2, p->n, 0);
	llc_snap(p, ver == 6 ? 0x86dd : 0x0800);
	stdip(p, ver);
}

/* arg MPLS labels, the last with bottom-of-stack, then IPv4. */
static void
b_mpls(struct pkt *p, unsigned nlabels)
{
	unsigned i;

	eth(p, 0x8847);
	for (i = 0; i < nlabels; i++)
		mpls(p, 100 + i, i + 1 == nlabels);
	std4(p);
}

/* Multicast MPLS, one label, IPv6. */
static void
b_mpls6(struct pkt *p, unsigned unused)
{
	(void)unused;
	eth(p, 0x8848);
	mpls(p, 16, 1);
	std6(p);
}

/* arg labels, none with bottom-of-stack. */
static void
b_mpls_nobos(struct pkt *p, unsigned nlabels)
{
	unsigned i;

	eth(p, 0x8847);
	for (i = 0; i < nlabels; i++)
		mpls(p, 100 + i, 0);
	std4(p);
}

/*
 * RFC 4448 Ethernet pseudowire: control word arg (first nibble 0), then a
 * whole Ethernet frame; a first nibble of 1 is an RFC 4385 associated
 * channel header, not a frame.
 */
static void
b_mpls_pw(struct pkt *p, unsigned cw)
{
	eth(p, 0x8847);
	mpls(p, 100, 1);
	put32(p, cw);
	eth(p, 0x0800);
	std4(p);
}

/* arg Ethernet-over-MPLS pseudowires nested in each other, then IPv4. */
static void
b_mpls_pw_nest(struct pkt *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		eth(p, 0x8847);
		mpls(p, 100 + i, 1);
		put32(p, 0);
	}
	eth(p, 0x0800);
	std4(p);
}

/*
 * arg rounds of Ethernet, PPPoE carrying MPLS (PPP 0x0281), and an
 * Ethernet pseudowire in that, then IPv4: each round is three nested
 * encapsulations, so the walk must stop well before the bytes run out.
 */
static void
b_pppoe_pw_nest(struct pkt *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		eth(p, 0x8864);
		put8(p, 0x11);
		put8(p, 0);
		put16(p, 1);
		put16(p, 0);	/* PPPoE length: left 0, the decoder skips it */
		put16(p, 0x0281);
		mpls(p, 16, 1);
		put32(p, 0);
	}
	eth(p, 0x0800);
	std4(p);
}

/* Cisco FabricPath: outer header with type 0x8903, FTag/TTL, a frame. */
static void
b_fabricpath(struct pkt *p, unsigned unused)
{
	(void)unused;
	eth(p, 0x8903);
	put16(p, 0x0101);
	eth(p, 0x0800);
	std4(p);
}

/* PPPoE session with PPP protocol arg. */
static void
b_pppoe(struct pkt *p, unsigned proto)
{
	eth(p, 0x8864);
	pppoe(p, proto);
	if (proto == 0x0021)
		std4(p);
	else if (proto == 0x0057)
		std6(p);
	else if (proto == 0x0281) {
		mpls(p, 300, 1);
		std4(p);
	} else
		putz(p, 10);	/* LCP echo... */
}

/* 802.3 length, then LLC/SNAP with ethertype arg, or STP when arg is 0. */
static void
b_8023(struct pkt *p, unsigned type)
{
	eth_8023(p);
	if (type == 0) {
		llc_stp(p);
		return;
	}
	llc_snap(p, type);
	if (type == 0x0800 || type == 0x86dd)
		stdip(p, type == 0x86dd ? 6 : 4);
	else
		putz(p, 30);
}

/*
 * 802.3 + SNAP under OUI arg: 00-00-F8 (IEEE 802.1H) carries IPv4, any
 * other OUI a vendor protocol (Cisco 00-00-0C: CDP, protocol ID 0x2000).
 */
static void
b_8023_oui(struct pkt *p, unsigned oui)
{
	eth_8023(p);
	if (oui == 0xf8) {
		llc_snap_oui(p, oui, 0x0800);
		std4(p);
	} else {
		llc_snap_oui(p, oui, 0x2000);
		putz(p, 40);
	}
}

/* Ethernet, IPv4 SYN in a 60-byte minimum frame: 6 bytes of padding. */
static void
b_eth_pad(struct pkt *p, unsigned unused)
{
	(void)unused;
	eth(p, 0x0800);
	std4(p);
	pkt_finish(p);
	putz(p, 60 - p->n);
}

/* Linux cooked v1 with protocol arg (4: LLC/SNAP + IPv4). */
static void
b_sll(struct pkt *p, unsigned proto)
{
	sll(p, proto);
	if (proto == 0x0004) {
		llc_snap(p, 0x0800);
		std4(p);
	} else if (proto == 0x0800 || proto == 0x86dd)
		stdip(p, proto == 0x86dd ? 6 : 4);
	else
		putz(p, 28);
}

/* Linux cooked v2 with protocol arg (4: STP). */
static void
b_sll2(struct pkt *p, unsigned proto)
{
	sll2(p, proto);
	if (proto == 0x0004)
		llc_stp(p);
	else if (proto == 0x0800 || proto == 0x86dd)
		stdip(p, proto == 0x86dd ? 6 : 4);
	else
		putz(p, 28);
}

/* BSD loopback, family arg in little- or big-endian order; 2 -> IPv4. */
static void
b_null_le(struct pkt *p, unsigned af)
{
	putle32(p, af);
	stdip(p, af == 2 || af == 7 ? 4 : 6);
}

static void
b_null_be(struct pkt *p, unsigned af)
{
	put32(p, af);
	stdip(p, af == 2 || af == 7 ? 4 : 6);
}

/* Bare IP: std4 or std6. */
static void
b_raw(struct pkt *p, unsigned ver)
{
	stdip(p, ver);
}

/* PPP in HDLC-like framing: FF 03 and a two-byte protocol arg. */
static void
b_ppp(struct pkt *p, unsigned proto)
{
	put8(p, 0xff);
	put8(p, 0x03);
	put16(p, proto);
	if (proto == 0x0281) {
		mpls(p, 400, 1);
		std4(p);
	} else if (proto == 0x0021 || proto == 0x0057)
		stdip(p, proto == 0x0057 ? 6 : 4);
	else
		putz(p, 16);
}

/* PPP without address/control; arg 1: protocol compressed to one byte. */
static void
b_ppp_bare(struct pkt *p, unsigned compressed)
{
	if (compressed)
		put8(p, 0x21);
	else
		put16(p, 0x0057);
	stdip(p, compressed ? 4 : 6);
}

/* Cisco HDLC framing (address 0x0f or 0x8f) where PPP was announced. */
static void
b_ppp_chdlc(struct pkt *p, unsigned ver)
{
	chdlc(p, ver == 6 ? 0x8f : 0x0f, ver == 6 ? 0x86dd : 0x0800);
	stdip(p, ver);
}

/* DLT_NULL holding a PPP (arg 0) or a Cisco HDLC (arg 1) frame. */
static void
b_null_hdlc(struct pkt *p, unsigned chdlc_framed)
{
	if (chdlc_framed) {
		chdlc(p, 0x8f, 0x86dd);
		std6(p);
	} else {
		put8(p, 0xff);
		put8(p, 0x03);
		put16(p, 0x0021);
		std4(p);
	}
}

/* DLT_PPP_ETHER: a bare PPPoE session header. */
static void
b_ppp_ether(struct pkt *p, unsigned proto)
{
	pppoe(p, proto);
	stdip(p, proto == 0x0057 ? 6 : 4);
}

/* Cisco HDLC with ethertype arg. */
static void
b_chdlc(struct pkt *p, unsigned type)
{
	chdlc(p, type == 0x0800 ? 0x0f : 0x8f, type);
	if (type == 0x0800 || type == 0x86dd)
		stdip(p, type == 0x86dd ? 6 : 4);
	else
		putz(p, 20);	/* SLARP */
}

/*
 * 802.11 frames for DLT_IEEE802_11; arg picks the variant:
 * 0 data to-DS, 1 data from-DS, 2 QoS data, 3 4-address QoS data,
 * 4 4-address QoS data with HT control, 5 protected data, 6 null data,
 * 7 QoS null, 8 beacon, 9 ACK, 10 data with non-SNAP LLC,
 * 11 data with SNAP of an unknown ethertype, 12 4-address non-QoS data,
 * 13 data with the more-data bit.
 */
static void
b_wlan(struct pkt *p, unsigned variant)
{
	switch (variant) {
	case 0:
		wlan(p, 0x08, 0x01);
		break;
	case 1:
		wlan(p, 0x08, 0x02);
		break;
	case 2:
		wlan(p, 0x88, 0x01);
		put16(p, 0x0000);	/* QoS control */
		break;
	case 3:
		wlan(p, 0x88, 0x03);
		putz(p, 6);		/* addr4 */
		put16(p, 0x0000);
		break;
	case 4:
		wlan(p, 0x88, 0x83);
		putz(p, 6);
		put16(p, 0x0000);
		put32(p, 0x00000000);	/* HT control */
		break;
	case 5:			/* body looks like plaintext: the bit decides */
		wlan(p, 0x08, 0x41);
		break;
	case 6:
		wlan(p, 0x48, 0x01);
		return;
	case 7:
		wlan(p, 0xc8, 0x01);
		put16(p, 0);
		return;
	case 8:
		wlan(p, 0x80, 0x00);
		putz(p, 12);		/* timestamp, interval, capability */
		break;
	case 9:
		put8(p, 0xd4);		/* ACK: 10 bytes only */
		put8(p, 0);
		putz(p, 8);
		return;
	case 10:
		wlan(p, 0x08, 0x01);
		llc_stp(p);
		return;
	case 11:
		wlan(p, 0x08, 0x01);
		llc_snap(p, 0x1234);
		putz(p, 20);
		return;
	case 12:
		wlan(p, 0x08, 0x03);
		putz(p, 6);
		break;
	case 13:
		wlan(p, 0x08, 0x21);	/* more data, not protected */
		break;
	default:
		fail();
	}
	llc_snap(p, variant == 2 || variant == 4 ? 0x86dd : 0x0800);
	stdip(p, variant == 2 || variant == 4 ? 6 : 4);
}

/*
 * Radiotap then 802.11 (radiotap.org); arg picks the header:
 * 0 no fields, 1 flags + rate, 2 TSFT only, 3 TSFT + flags + rate,
 * 4 flags with data pad before a QoS frame, 5 TSFT + flags with data pad,
 * 6 extended bitmap + TSFT + flags (TSFT realigned to 16),
 * 7 flags with FCS but no data pad, before a QoS frame.
 */
static void
b_radiotap(struct pkt *p, unsigned variant)
{
	int qos = 0, pad = 0;

	put8(p, 0);		/* version */
	put8(p, 0);
	switch (variant) {
	case 0:
		putle16(p, 8);
		putle32(p, 0);
		break;
	case 1:
		putle16(p, 10);
		putle32(p, 0x6);
		put8(p, 0x00);		/* flags */
		put8(p, 0x02);		/* rate */
		break;
	case 2:
		putle16(p, 16);
		putle32(p, 0x1);
		putle32(p, 0x11111111);	/* TSFT, 8-aligned at 8 */
		putle32(p, 0x22222222);
		break;
	case 3:
		putle16(p, 18);
		putle32(p, 0x7);
		putle32(p, 0x20202020);	/* TSFT bytes that look like pad */
		putle32(p, 0x20202020);
		put8(p, 0x00);
		put8(p, 0x0c);
		break;
	case 4:
		putle16(p, 9);
		putle32(p, 0x2);
		put8(p, 0x20);		/* data pad */
		qos = pad = 1;
		break;
	case 5:
		putle16(p, 17);
		putle32(p, 0x3);
		putle32(p, 0);
		putle32(p, 0);
		put8(p, 0x20);
		qos = pad = 1;
		break;
	case 6:
		putle16(p, 25);
		putle32(p, 0x80000003);
		putle32(p, 0x00000000);	/* second bitmap */
		putle32(p, 0x20202020);	/* alignment pad that looks like flags */
		putle32(p, 0);		/* TSFT at 16 */
		putle32(p, 0);
		put8(p, 0x20);		/* flags at 24: data pad */
		qos = pad = 1;
		break;
	case 7:
		putle16(p, 9);
		putle32(p, 0x2);
		put8(p, 0x10);		/* FCS at end, no pad */
		qos = 1;
		break;
	default:
		fail();
	}
	if (qos) {
		wlan(p, 0x88, 0x01);
		put16(p, 0);
		if (pad)
			put16(p, 0);	/* 26 -> 28 */
	} else
		wlan(p, 0x08, 0x01);
	llc_snap(p, 0x0800);
	std4(p);
	if (variant == 7) {
		pkt_finish(p);
		put32(p, 0xdeadbeef);	/* FCS */
	}
}

/* Radiotap headers that are wrong or cut; arg picks which. */
static void
b_radiotap_bad(struct pkt *p, unsigned variant)
{
	put8(p, 0);
	put8(p, 0);
	switch (variant) {
	case 0:			/* length shorter than the fixed header */
		putle16(p, 4);
		putle32(p, 0);
		break;
	case 1:			/* length past the capture */
		putle16(p, 200);
		putle32(p, 0);
		break;
	case 2:			/* extended bitmap past the stated length */
		putle16(p, 8);
		putle32(p, 0x80000000);
		putle32(p, 0);
		break;
	case 3:			/* bitmaps chained to the end of capture */
		putle16(p, 64);
		putle32(p, 0x80000000);
		putle32(p, 0x80000000);
		putle32(p, 0x80000000);
		return;
	default:
		fail();
	}
	wlan(p, 0x08, 0x01);
	llc_snap(p, 0x0800);
	std4(p);
}

/*
 * PPI (Per-Packet Information) then the frame of DLT arg; when arg has
 * 0x10000 set, a 24-byte 802.11-common field sits inside the header.
 */
static void
b_ppi(struct pkt *p, unsigned arg)
{
	unsigned dlt = arg & 0xffff;
	int field = (arg & 0x10000) != 0;

	put8(p, 0);		/* version */
	put8(p, 0);		/* flags */
	putle16(p, field ? 8 + 24 : 8);
	putle32(p, dlt);
	if (field) {
		putle16(p, 2);	/* 802.11-common */
		putle16(p, 20);
		putz(p, 20);
	}
	if (dlt == DLT_EN10MB_)
		eth(p, 0x0800);
	else {
		wlan(p, 0x08, 0x01);
		llc_snap(p, 0x0800);
	}
	std4(p);
}

/* PPI with a header length below its own 8 bytes. */
static void
b_ppi_bad(struct pkt *p, unsigned unused)
{
	(void)unused;
	put8(p, 0);
	put8(p, 0);
	putle16(p, 6);
	putle32(p, DLT_IEEE802_11_);
	wlan(p, 0x08, 0x01);
}

/*
 * NFLOG; arg picks the layout:
 * 0 packet header, prefix (padded), uid, then the IPv4 payload;
 * 1 the payload TLV first, IPv6;
 * 2 no payload TLV at all (copy mode "meta");
 * 3 a TLV length below 4;
 * 4 64 empty TLVs before the payload (past the walk limit);
 * 5 a payload TLV that claims only 10 bytes of the IPv4 packet;
 * 6 a prefix TLV that claims more than was captured.
 */
static void
b_nflog(struct pkt *p, unsigned variant)
{
	static const uint8_t hdr[4] = { 0x08, 0x00, 3, 0 };	/* IPv4, hook */
	static const char prefix[5] = "test";
	static const uint8_t uid[4] = { 0, 0, 0x03, 0xe8 };
	unsigned i;

	nflog_hdr(p, variant == 1 ? 10 : 2);
	switch (variant) {
	case 0:
		nflog_tlv(p, 1, hdr, sizeof(hdr));
		nflog_tlv(p, 10, prefix, sizeof(prefix));	/* 9 -> 12 */
		nflog_tlv(p, 11, uid, sizeof(uid));
		nflog_payload(p);
		std4(p);
		break;
	case 1:
		nflog_payload(p);
		std6(p);
		break;
	case 2:
		nflog_tlv(p, 1, hdr, sizeof(hdr));
		nflog_tlv(p, 10, prefix, sizeof(prefix));
		break;
	case 3:
		putle16(p, 2);
		putle16(p, 1);
		putz(p, 8);
		break;
	case 4:
		for (i = 0; i < 64; i++)
			nflog_tlv(p, 1, NULL, 0);
		nflog_payload(p);
		std4(p);
		break;
	case 5:
		putle16(p, 4 + 10);
		putle16(p, 9);
		std4(p);
		break;
	case 6:
		putle16(p, 200);
		putle16(p, 10);
		putz(p, 20);
		break;
	default:
		fail();
	}
}

/* ---- IP-level builders (raw IP link type) ----------------------------- */

/* IPv4 with arg bytes of options, then TCP. */
static void
b_v4_opts(struct pkt *p, unsigned optlen)
{
	ip4(p, IPG_PROTO_TCP, STD4_ID, 0, optlen);
	tcp(p, STD4_SPORT, STD4_DPORT, STD4_FLAGS);
}

/* IPv4 with 4 bytes of options (IHL 6), total length forced to arg. */
static void
b_v4_opts_tlen(struct pkt *p, unsigned tlen)
{
	b_v4_opts(p, 4);
	pkt_finish(p);
	set16(p, p->ipoff + 2, tlen);
}

/* std4 with the version/IHL byte replaced by arg. */
static void
b_v4_vhl(struct pkt *p, unsigned vhl)
{
	std4(p);
	p->b[p->ipoff] = (uint8_t)vhl;
}

/* std4 with the total length forced to arg. */
static void
b_v4_tlen(struct pkt *p, unsigned tlen)
{
	std4(p);
	pkt_finish(p);
	set16(p, p->ipoff + 2, tlen);
}

/* IPv4 UDP with flags/fragment-offset word arg. */
static void
b_v4_frag(struct pkt *p, unsigned frag)
{
	ip4(p, IPG_PROTO_UDP, 0xbeef, frag, 0);
	udp(p, 4000, 53, 8);
}

/* IPv4 carrying protocol arg with a minimal body. */
static void
b_v4_proto(struct pkt *p, unsigned proto)
{
	ip4(p, proto, 7, 0, 0);
	switch (proto) {
	case IPG_PROTO_ICMP:
		icmp(p, 3, 1);	/* host unreachable */
		break;
	case IPG_PROTO_SCTP:
		sctp(p, 2905, 38412);
		break;
	case 4:
		std4(p);	/* IP in IP */
		break;
	case 41:
		std6(p);	/* 6in4 */
		break;
	case 47:		/* GRE (RFC 2784) carrying IPv4 */
		put16(p, 0);
		put16(p, 0x0800);
		std4(p);
		break;
	default:
		putz(p, 8);
	}
}

/* IPv4 UDP to or from port arg (VXLAN 4789, GTP-U 2152) and 8 bytes. */
static void
b_v4_udp_port(struct pkt *p, unsigned port)
{
	ip4(p, IPG_PROTO_UDP, 7, 0, 0);
	udp(p, 49152, port, 8);
}

/* IPv4 UDP with the UDP length forced to arg. */
static void
b_v4_udplen(struct pkt *p, unsigned ulen)
{
	size_t u;

	ip4(p, IPG_PROTO_UDP, 7, 0, 0);
	u = p->n;
	udp(p, 4000, 53, 8);
	pkt_finish(p);
	set16(p, u + 4, ulen);
}

/* IPv4 TCP with data offset arg. */
static void
b_v4_doff(struct pkt *p, unsigned doff)
{
	size_t t;

	ip4(p, IPG_PROTO_TCP, STD4_ID, 0, 0);
	t = p->n;
	tcp_doff(p, STD4_SPORT, STD4_DPORT, STD4_FLAGS, doff < 5 ? 5 : doff);
	p->b[t + 12] = (uint8_t)(doff << 4);
}

/* IPv4 ICMP that holds only its type byte (IP total length 21). */
static void
b_v4_icmp_type_only(struct pkt *p, unsigned unused)
{
	(void)unused;
	ip4(p, IPG_PROTO_ICMP, 7, 0, 0);
	put8(p, 8);		/* echo request */
}

/* IPv4 TCP whose total length ends arg bytes into the TCP header. */
static void
b_v4_tcp_short_tlen(struct pkt *p, unsigned l4)
{
	std4(p);
	pkt_finish(p);
	set16(p, p->ipoff + 2, 20 + l4);
}

/* IPv6 with the extension chain HBH, routing, fragment, dest opts, AH. */
static void
b_v6_chain(struct pkt *p, unsigned unused)
{
	(void)unused;
	ip6(p, 0);
	ip6_ext(p, 43, 0);		/* hop-by-hop, 8 bytes */
	ip6_ext(p, 44, 2);		/* routing, 24 bytes */
	ip6_frag(p, 60, 0, 1, 0xdeadbeef);	/* first fragment */
	ip6_ext(p, 51, 1);		/* destination options, 16 bytes */
	ip6_ah(p, IPG_PROTO_UDP);
	udp(p, STD6_SPORT, STD6_DPORT, 4);
}

/* IPv6 with arg destination-options headers, then UDP. */
static void
b_v6_many_ext(struct pkt *p, unsigned count)
{
	unsigned i;

	ip6(p, count ? 60 : IPG_PROTO_UDP);
	for (i = 0; i < count; i++)
		ip6_ext(p, i + 1 == count ? IPG_PROTO_UDP : 60, 0);
	udp(p, STD6_SPORT, STD6_DPORT, 4);
}

/* IPv6 fragment at offset arg (8-octet units) of a TCP segment. */
static void
b_v6_frag(struct pkt *p, unsigned offset)
{
	ip6(p, 44);
	ip6_frag(p, IPG_PROTO_TCP, offset, 1, 0x01020304);
	tcp(p, STD4_SPORT, STD4_DPORT, STD4_FLAGS);
}

/* IPv6 with next header arg and a small body. */
static void
b_v6_proto(struct pkt *p, unsigned nh)
{
	ip6(p, nh);
	switch (nh) {
	case IPG_PROTO_ICMPV6:
		icmp(p, 1, 4);	/* destination unreachable, port */
		break;
	case IPG_PROTO_TCP:
		tcp(p, STD4_SPORT, STD4_DPORT, 0x02);
		break;
	case IPG_PROTO_SCTP:
		sctp(p, 36412, 36412);
		break;
	default:
		putz(p, 8);
	}
}

/* IPv6 hop-by-hop header whose length runs past the payload. */
static void
b_v6_ext_overrun(struct pkt *p, unsigned unused)
{
	(void)unused;
	ip6(p, 0);
	put8(p, IPG_PROTO_TCP);
	put8(p, 10);		/* claims 88 bytes */
	putz(p, 6);
}

/* IPv6 TCP whose payload length ends arg bytes into the TCP header. */
static void
b_v6_short_plen(struct pkt *p, unsigned l4)
{
	ip6(p, IPG_PROTO_TCP);
	tcp(p, STD4_SPORT, STD4_DPORT, STD4_FLAGS);
	pkt_finish(p);
	set16(p, p->ipoff + 4, l4);
}

/* IPv6 jumbogram-style payload length 0 (RFC 2675) with UDP. */
static void
b_v6_jumbo(struct pkt *p, unsigned unused)
{
	(void)unused;
	std6(p);
	pkt_finish(p);
	set16(p, p->ipoff + 4, 0);
}

/* Nothing at all. */
static void
b_empty(struct pkt *p, unsigned unused)
{
	(void)p;
	(void)unused;
}

/* ---- rarer link layers (ARCNET ... 802.15.4) -------------------------- */

/* ARCNET: arg 1 Linux header, 2 IPv6, 4 RFC 1201 exception, 8 RFC 1051. */
static void
b_arcnet(struct pkt *p, unsigned arg)
{
	unsigned proto = (arg & 8) ? 0xf0 : (arg & 2) ? 0xc4 : 0xd4;

	put8(p, 0x01);		/* source */
	put8(p, 0x02);		/* destination */
	if (arg & 1)
		put16(p, 0);	/* Linux: offset */
	put8(p, proto);
	if (!(arg & 8)) {
		if (arg & 4) {
			put8(p, 0xff);	/* exception flag */
			put16(p, 0);	/* padding */
			put8(p, proto);
		}
		put8(p, 0);		/* split flag */
		put16(p, 1);		/* sequence number */
	}
	stdip(p, (arg & 2) ? 6 : 4);
}

/* Apple PKTAP, header length arg, an Ethernet frame with std4. */
static void
b_pktap(struct pkt *p, unsigned hlen)
{
	size_t start = p->n;

	putle32(p, hlen);
	putle32(p, 1);		/* PTH_TYPE_PACKET */
	putle32(p, DLT_EN10MB_);
	putn(p, "en0", 3);
	while (p->n < start + hlen)
		put8(p, 0);
	eth(p, 0x0800);
	std4(p);
}

/* PKTAP, 108-byte header, inner link type arg carrying std6 as raw IP. */
static void
b_pktap_dlt(struct pkt *p, unsigned dlt)
{
	putle32(p, 108);
	putle32(p, 1);
	putle32(p, dlt);
	putz(p, 96);
	std6(p);
}

/* Solaris IPNET: 24-byte header with address family arg. */
static void
b_ipnet(struct pkt *p, unsigned family)
{
	put8(p, 2);		/* version */
	put8(p, family);
	put16(p, 0);
	put32(p, 0);		/* packet length: not read */
	put32(p, 3);		/* ifindex */
	put32(p, 0);
	put32(p, 0);
	put32(p, 0);
	stdip(p, family == 26 ? 6 : 4);
}

/* Juniper "MGC" header, flags, and (flag 0x80) 13 bytes of TLVs. */
static void
jun_hdr(struct pkt *p, unsigned flags)
{
	static const uint8_t tlv[13] = { 1, 4, 5, 0, 0, 0, 3, 1, 1, 6, 2, 14,
	    0 };

	put8(p, 'M');
	put8(p, 'G');
	put8(p, 'C');
	put8(p, flags);
	if (flags & 0x80) {
		put16(p, sizeof(tlv));
		putn(p, tlv, sizeof(tlv));
	}
}

/*
 * Juniper Ethernet: arg 0 plain, 1 with extensions, 2 no layer 2 and
 * protocol 2 (IPv4), 3 no layer 2 and protocol 6 (IPv6), 4 no magic.
 */
static void
b_juniper(struct pkt *p, unsigned arg)
{
	switch (arg) {
	case 0:
	case 1:
		jun_hdr(p, arg ? 0x81 : 0x01);
		eth(p, 0x0800);
		std4(p);
		return;
	case 2:
	case 3:
		jun_hdr(p, 0x82);
		putle32(p, arg == 2 ? 2 : 6);
		stdip(p, arg == 2 ? 4 : 6);
		return;
	}
	put8(p, 'X');		/* no magic: the frame is Ethernet */
	put8(p, 0);
	put8(p, 0);
	put8(p, 0);
	putz(p, 8);
	put16(p, 0x0800);
	std4(p);
}

/* Juniper ATM: arg 1 ATM2, 2 LLC/SNAP, 4 Cisco NLPID, 8 OAM cookie. */
static void
b_jatm(struct pkt *p, unsigned arg)
{
	jun_hdr(p, 0x01);
	put32(p, (arg & 8) && !(arg & 1) ? 0x80000000u : 0);
	if (arg & 1)
		put32(p, (arg & 8) ? 0x10 : 0);
	if (arg & 2)
		llc_snap(p, 0x86dd);
	else if (arg & 4) {
		put8(p, 0x03);
		put8(p, 0x8e);
	}
	std6(p);
}

/* Juniper PPP: header, 2 bytes skipped, PPP protocol 0x0021, std4. */
static void
b_jppp(struct pkt *p, unsigned unused)
{
	(void)unused;
	jun_hdr(p, 0x01);
	put16(p, 0xff03);
	put16(p, 0x0021);
	std4(p);
}

/*
 * Frame Relay, DLCI 100: arg 0 RFC 2427 NLPID IPv4, 1 SNAP IPv6, 2 Cisco
 * ethertype, 3 NLPID after a pad byte, 4 an address without an end.
 */
static void
b_frelay(struct pkt *p, unsigned arg)
{
	if (arg == 4) {
		put32(p, 0x18400000);	/* EA clear in all four bytes */
		put8(p, 0x03);
		put8(p, 0xcc);
		std4(p);
		return;
	}
	put8(p, (100 >> 4) << 2);
	put8(p, ((100 & 0xf) << 4) | 1);
	switch (arg) {
	case 0:
	case 3:
		put8(p, 0x03);
		if (arg == 3)
			put8(p, 0x00);
		put8(p, 0xcc);
		std4(p);
		return;
	case 1:
		put8(p, 0x03);
		put8(p, 0x80);
		put8(p, 0);
		put16(p, 0);
		put16(p, 0x86dd);
		std6(p);
		return;
	}
	put16(p, 0x0800);
	std4(p);
}

/* Ethernet with Arista's timestamp header, version arg, then std4. */
static void
b_arista(struct pkt *p, unsigned ver)
{
	eth(p, 0xd28b);
	put16(p, 1);		/* subtype: timestamp */
	put16(p, ver);
	putz(p, (ver & 0xff) == 0x20 ? 6 : 8);
	put16(p, 0x0800);
	std4(p);
}

/* 802.15.4 FCS: ITU-T CRC-16, reflected, initial 0 (802.15.4 7.2.1.9). */
static unsigned
crc16_wpan(const uint8_t *b, size_t n)
{
	unsigned crc = 0;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= b[i];
		for (k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x8408 : crc >> 1;
	}
	return crc;
}

#define WPAN_FCS	0x01	/* DLT 195: append the FCS */
#define WPAN_LONG	0x02	/* EUI-64 addresses, not short ones */
#define WPAN_RAW6	0x04	/* uncompressed IPv6 (dispatch 0x41) */
#define WPAN_MESH	0x08	/* RFC 4944 mesh header first */
#define WPAN_BC0	0x10	/* RFC 4944 broadcast header first */
#define WPAN_FRAG1	0x20	/* in a first fragment */
#define WPAN_BADFCS	0x40
#define WPAN_V2		0x80	/* 802.15.4-2015 frame */
#define WPAN_TCP	0x100	/* IPHC with TCP inline, not NHC UDP */

/*
 * An 802.15.4 data frame (PAN ID compressed) carrying 6LoWPAN.  IPHC
 * (RFC 6282 3.1) with both addresses inline (SRC6, DST6), TF and hop
 * limit elided, and NHC UDP (RFC 6282 4.3.3) with STD6's ports inline.
 */
static void
b_wpan(struct pkt *p, unsigned arg)
{
	static const uint8_t eui[8] = { 0x00, 0x12, 0x74, 0, 0, 0, 0, 1 };
	size_t start = p->n;
	unsigned crc;

	putle16(p, 0x0001 | 0x0040 | (arg & WPAN_LONG ? 0xcc00u : 0x8800u) |
	    (arg & WPAN_V2 ? 0x2000u : 0x1000u));
	put8(p, 7);		/* sequence number */
	putle16(p, 0xabcd);	/* destination PAN */
	if (arg & WPAN_LONG) {
		putn(p, eui, 8);
		putn(p, eui, 8);
	} else {
		putle16(p, 2);
		putle16(p, 1);
	}
	if (arg & WPAN_MESH) {
		put8(p, 0xb5);	/* mesh, short originator and final */
		put16(p, 5);
		put16(p, 6);
	}
	if (arg & WPAN_BC0) {
		put8(p, 0x50);
		put8(p, 9);
	}
	if (arg & WPAN_FRAG1) {
		put16(p, 0xc000 | (40 + 8 + 4));
		put16(p, 0x0077);
	}
	if (arg & WPAN_RAW6) {
		put8(p, 0x41);
		std6(p);
		pkt_finish(p);
	} else {
		p->ipoff = p->n;
		put8(p, 0x7a | (arg & WPAN_TCP ? 0 : 0x04));
		put8(p, 0x00);	/* SAM=00 DAM=00: 128 bits inline */
		if (arg & WPAN_TCP)
			put8(p, IPG_PROTO_TCP);
		putn(p, SRC6, 16);
		putn(p, DST6, 16);
		p->iphdr = p->n - p->ipoff;
		if (arg & WPAN_TCP)
			tcp(p, STD4_SPORT, STD4_DPORT, STD4_FLAGS);
		else {
			put8(p, 0xf0);	/* NHC UDP, ports and checksum */
			put16(p, STD6_SPORT);
			put16(p, STD6_DPORT);
			put16(p, 0);
			putz(p, 4);
		}
	}
	if (arg & (WPAN_FCS | WPAN_BADFCS)) {
		crc = crc16_wpan(p->b + start, p->n - start);
		if (arg & WPAN_BADFCS)
			crc ^= 0x00ff;
		putle16(p, crc);
	}
}

/*
 * A short-addressed frame whose payload is the two bytes of arg, then
 * 00 00 7e 33 (for a FRAG1: the tag, then an IPHC header).
 */
static void
b_iphc_bytes(struct pkt *p, unsigned arg)
{
	putle16(p, 0x8841);
	put8(p, 7);
	putle16(p, 0xabcd);
	putle16(p, 2);
	putle16(p, 1);
	put16(p, arg);
	put32(p, 0x00007e33);
}

#define LATER	(DECODE_NOTE_FRAGMENT | DECODE_NOTE_LATER_FRAG)
#define TRUNC	DECODE_NOTE_TRUNC_L4
#define TUN	DECODE_NOTE_TUNNEL

static struct tcase cases[] = {
	/* Ethernet II, tags and encapsulations. */
	{ "eth ipv4 tcp", DLT_EN10MB_, b_eth, 0x0800, 0, OK4 },
	{ "eth ipv6 udp", DLT_EN10MB_, b_eth, 0x86dd, 0, OK6 },
	{ "eth arp", DLT_EN10MB_, b_eth, 0x0806, 0, ST(DECODE_NOT_IP) },
	{ "eth lldp", DLT_EN10MB_, b_eth, 0x88cc, 0, ST(DECODE_NOT_IP) },
	{ "eth pppoe discovery", DLT_EN10MB_, b_eth, 0x8863, 0,
	    ST(DECODE_NOT_IP) },
	{ "eth unknown ethertype", DLT_EN10MB_, b_eth, 0x1234, 0,
	    ST(DECODE_UNKNOWN_ETHERTYPE) },
	{ "eth cut in header", DLT_EN10MB_, b_eth, 0x0800, 13,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "eth ipv4 absent", DLT_EN10MB_, b_eth, 0x0800, 14,
	    ST(DECODE_TRUNCATED_IP) },
	{ "eth ipv4 cut at 19", DLT_EN10MB_, b_eth, 0x0800, 14 + 19,
	    ST(DECODE_TRUNCATED_IP) },
	{ "eth ipv4 header only", DLT_EN10MB_, b_eth, 0x0800, 14 + 20,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, 0, 0, STD4_ID } },
	{ "eth ipv6 cut at 39", DLT_EN10MB_, b_eth, 0x86dd, 14 + 39,
	    ST(DECODE_TRUNCATED_IP) },
	{ "eth ipv6 header only", DLT_EN10MB_, b_eth, 0x86dd, 14 + 40,
	    { DECODE_OK, 6, IPG_PROTO_UDP, 0, TRUNC, 0, 0, 0 } },
	{ "eth padded to 60", DLT_EN10MB_, b_eth_pad, 0, 0, OK4 },
	{ "vlan ipv4", DLT_EN10MB_, b_vlan, 1, 0, OK4 },
	{ "vlan cut in tag", DLT_EN10MB_, b_vlan, 1, 14 + 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "vlan 15 tags", DLT_EN10MB_, b_vlan, 15, 0, OK4 },
	{ "vlan 16 tags", DLT_EN10MB_, b_vlan, 16, 0, ST(DECODE_BAD_LINK) },
	{ "qinq 88a8", DLT_EN10MB_, b_qinq, 0x88a8, 0, OK6 },
	{ "qinq 9100", DLT_EN10MB_, b_qinq, 0x9100, 0, OK6 },
	{ "vlan 802.3 snap ipv4", DLT_EN10MB_, b_vlan_snap, 4, 0, OK4 },
	{ "vlan 802.3 snap ipv6", DLT_EN10MB_, b_vlan_snap, 6, 0, OK6 },
	{ "mpls 1 label", DLT_EN10MB_, b_mpls, 1, 0, OK4 },
	{ "mpls 3 labels", DLT_EN10MB_, b_mpls, 3, 0, OK4 },
	{ "mpls 16 labels", DLT_EN10MB_, b_mpls, 16, 0, OK4 },
	{ "mpls no bottom of stack", DLT_EN10MB_, b_mpls_nobos, 17, 0,
	    ST(DECODE_BAD_LINK) },
	{ "mpls cut in label", DLT_EN10MB_, b_mpls, 2, 14 + 6,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "mpls nothing after stack", DLT_EN10MB_, b_mpls, 2, 14 + 8,
	    ST(DECODE_TRUNCATED_IP) },
	{ "mpls multicast ipv6", DLT_EN10MB_, b_mpls6, 0, 0, OK6 },
	{ "mpls ethernet pseudowire", DLT_EN10MB_, b_mpls_pw, 0, 0, OK4 },
	{ "mpls associated channel", DLT_EN10MB_, b_mpls_pw, 0x10000021, 0,
	    ST(DECODE_NOT_IP) },
	{ "mpls pseudowire cut in cw", DLT_EN10MB_, b_mpls_pw, 0, 14 + 4 + 2,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "mpls pseudowire cut in frame", DLT_EN10MB_, b_mpls_pw, 0,
	    14 + 4 + 4 + 13, ST(DECODE_TRUNCATED_LINK) },
	{ "mpls pseudowire nested 15", DLT_EN10MB_, b_mpls_pw_nest, 15, 0,
	    OK4 },
	{ "mpls pseudowire nested 16", DLT_EN10MB_, b_mpls_pw_nest, 16, 0,
	    ST(DECODE_BAD_LINK) },
	{ "pppoe mpls pseudowire once", DLT_EN10MB_, b_pppoe_pw_nest, 1, 0,
	    OK4 },
	{ "pppoe mpls pseudowire nested", DLT_EN10MB_, b_pppoe_pw_nest, 40,
	    0, ST(DECODE_BAD_LINK) },
	{ "fabricpath ipv4", DLT_EN10MB_, b_fabricpath, 0, 0, OK4 },
	{ "fabricpath cut", DLT_EN10MB_, b_fabricpath, 0, 14 + 1,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "pppoe ipv4", DLT_EN10MB_, b_pppoe, 0x0021, 0, OK4 },
	{ "pppoe ipv6", DLT_EN10MB_, b_pppoe, 0x0057, 0, OK6 },
	{ "pppoe mpls", DLT_EN10MB_, b_pppoe, 0x0281, 0, OK4 },
	{ "pppoe lcp", DLT_EN10MB_, b_pppoe, 0xc021, 0, ST(DECODE_NOT_IP) },
	{ "pppoe cut", DLT_EN10MB_, b_pppoe, 0x0021, 14 + 7,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "802.3 snap ipv4", DLT_EN10MB_, b_8023, 0x0800, 0, OK4 },
	{ "802.3 snap ipv6", DLT_EN10MB_, b_8023, 0x86dd, 0, OK6 },
	{ "802.3 snap unknown", DLT_EN10MB_, b_8023, 0x1234, 0,
	    ST(DECODE_UNKNOWN_ETHERTYPE) },
	{ "802.3 stp llc", DLT_EN10MB_, b_8023, 0, 0, ST(DECODE_NOT_IP) },
	{ "802.3 snap cisco cdp", DLT_EN10MB_, b_8023_oui, 0x00000c, 0,
	    ST(DECODE_NOT_IP) },
	{ "802.3 snap 802.1h ipv4", DLT_EN10MB_, b_8023_oui, 0xf8, 0, OK4 },
	{ "802.3 llc cut", DLT_EN10MB_, b_8023, 0x0800, 14 + 2,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "802.3 snap cut", DLT_EN10MB_, b_8023, 0x0800, 14 + 7,
	    ST(DECODE_TRUNCATED_LINK) },

	/* Linux cooked captures. */
	{ "sll ipv4", DLT_LINUX_SLL_, b_sll, 0x0800, 0, OK4 },
	{ "sll ipv6", DLT_LINUX_SLL_, b_sll, 0x86dd, 0, OK6 },
	{ "sll llc snap", DLT_LINUX_SLL_, b_sll, 0x0004, 0, OK4 },
	{ "sll arp", DLT_LINUX_SLL_, b_sll, 0x0806, 0, ST(DECODE_NOT_IP) },
	{ "sll cut", DLT_LINUX_SLL_, b_sll, 0x0800, 15,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "sll2 ipv4", DLT_LINUX_SLL2_, b_sll2, 0x0800, 0, OK4 },
	{ "sll2 ipv6", DLT_LINUX_SLL2_, b_sll2, 0x86dd, 0, OK6 },
	{ "sll2 stp", DLT_LINUX_SLL2_, b_sll2, 0x0004, 0, ST(DECODE_NOT_IP) },
	{ "sll2 cut", DLT_LINUX_SLL2_, b_sll2, 0x0800, 19,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "sll2 cut in proto", DLT_LINUX_SLL2_, b_sll2, 0x0800, 1,
	    ST(DECODE_TRUNCATED_LINK) },

	/* BSD loopback. */
	{ "null le af 2", DLT_NULL_, b_null_le, 2, 0, OK4 },
	{ "null be af 2", DLT_NULL_, b_null_be, 2, 0, OK4 },
	{ "null le af 10", DLT_NULL_, b_null_le, 10, 0, OK6 },
	{ "null le af 24", DLT_NULL_, b_null_le, 24, 0, OK6 },
	{ "null le af 28", DLT_NULL_, b_null_le, 28, 0, OK6 },
	{ "null le af 30", DLT_NULL_, b_null_le, 30, 0, OK6 },
	{ "null be af 10", DLT_NULL_, b_null_be, 10, 0, OK6 },
	{ "null be af 24", DLT_NULL_, b_null_be, 24, 0, OK6 },
	{ "null be af 28", DLT_NULL_, b_null_be, 28, 0, OK6 },
	{ "null be af 30", DLT_NULL_, b_null_be, 30, 0, OK6 },
	{ "null af 7", DLT_NULL_, b_null_le, 7, 0, ST(DECODE_NOT_IP) },
	{ "null cut", DLT_NULL_, b_null_le, 2, 3, ST(DECODE_TRUNCATED_LINK) },
	{ "loop af 2", DLT_LOOP_, b_null_be, 2, 0, OK4 },
	{ "loop af 24", DLT_LOOP_, b_null_be, 24, 0, OK6 },
	{ "loop little-endian af", DLT_LOOP_, b_null_le, 2, 0,
	    ST(DECODE_NOT_IP) },
	{ "loop cut", DLT_LOOP_, b_null_be, 2, 2, ST(DECODE_TRUNCATED_LINK) },

	/* Raw IP under each of its link types. */
	{ "raw 12 ipv4", DLT_RAW_, b_raw, 4, 0, OK4 },
	{ "raw 12 ipv6", DLT_RAW_, b_raw, 6, 0, OK6 },
	{ "raw 14 ipv4", DLT_RAW_OBSD_, b_raw, 4, 0, OK4 },
	{ "raw 101 ipv6", LINKTYPE_RAW_, b_raw, 6, 0, OK6 },
	{ "ipv4 228", DLT_IPV4_, b_raw, 4, 0, OK4 },
	{ "ipv6 229", DLT_IPV6_, b_raw, 6, 0, OK6 },
	{ "ipv4 228 holding ipv6", DLT_IPV4_, b_raw, 6, 0, OK6 },
	{ "raw empty", DLT_RAW_, b_empty, 0, 0, ST(DECODE_TRUNCATED_IP) },

	/* PPP and Cisco HDLC. */
	{ "ppp ipv4", DLT_PPP_, b_ppp, 0x0021, 0, OK4 },
	{ "ppp ipv6", DLT_PPP_, b_ppp, 0x0057, 0, OK6 },
	{ "ppp mpls", DLT_PPP_, b_ppp, 0x0281, 0, OK4 },
	{ "ppp lcp", DLT_PPP_, b_ppp, 0xc021, 0, ST(DECODE_NOT_IP) },
	{ "ppp no address, compressed", DLT_PPP_, b_ppp_bare, 1, 0, OK4 },
	{ "ppp no address, ipv6", DLT_PPP_SERIAL_, b_ppp_bare, 0, 0, OK6 },
	{ "ppp serial ipv4", DLT_PPP_SERIAL_, b_ppp, 0x0021, 0, OK4 },
	{ "ppp cut in address", DLT_PPP_, b_ppp, 0x0021, 1,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "ppp cut in protocol", DLT_PPP_, b_ppp, 0x0021, 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "ppp cut after address", DLT_PPP_, b_ppp, 0x0021, 2,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "ppp with chdlc framing", DLT_PPP_, b_ppp_chdlc, 4, 0, OK4 },
	{ "ppp serial with chdlc framing", DLT_PPP_SERIAL_, b_ppp_chdlc, 6, 0,
	    OK6 },
	{ "ppp chdlc framing cut", DLT_PPP_, b_ppp_chdlc, 4, 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "null carrying ppp", DLT_NULL_, b_null_hdlc, 0, 0, OK4 },
	{ "null carrying chdlc", DLT_NULL_, b_null_hdlc, 1, 0, OK6 },
	{ "loop carrying ppp", DLT_LOOP_, b_null_hdlc, 0, 0, OK4 },
	{ "pppoe link ipv4", DLT_PPP_ETHER_, b_ppp_ether, 0x0021, 0, OK4 },
	{ "pppoe link ipv6", DLT_PPP_ETHER_, b_ppp_ether, 0x0057, 0, OK6 },
	{ "pppoe link cut", DLT_PPP_ETHER_, b_ppp_ether, 0x0021, 7,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "chdlc ipv4", DLT_C_HDLC_, b_chdlc, 0x0800, 0, OK4 },
	{ "chdlc ipv6", DLT_C_HDLC_, b_chdlc, 0x86dd, 0, OK6 },
	{ "chdlc slarp", DLT_C_HDLC_, b_chdlc, 0x8035, 0, ST(DECODE_NOT_IP) },
	{ "chdlc cut", DLT_C_HDLC_, b_chdlc, 0x0800, 3,
	    ST(DECODE_TRUNCATED_LINK) },

	/* IEEE 802.11. */
	{ "wlan data to-ds", DLT_IEEE802_11_, b_wlan, 0, 0, OK4 },
	{ "wlan data from-ds", DLT_IEEE802_11_, b_wlan, 1, 0, OK4 },
	{ "wlan qos data", DLT_IEEE802_11_, b_wlan, 2, 0, OK6 },
	{ "wlan 4-address qos", DLT_IEEE802_11_, b_wlan, 3, 0, OK4 },
	{ "wlan 4-address qos htc", DLT_IEEE802_11_, b_wlan, 4, 0, OK6 },
	{ "wlan 4-address", DLT_IEEE802_11_, b_wlan, 12, 0, OK4 },
	{ "wlan protected", DLT_IEEE802_11_, b_wlan, 5, 0, ST(DECODE_NOT_IP) },
	{ "wlan more data", DLT_IEEE802_11_, b_wlan, 13, 0, OK4 },
	{ "wlan null data", DLT_IEEE802_11_, b_wlan, 6, 0, ST(DECODE_NOT_IP) },
	{ "wlan qos null", DLT_IEEE802_11_, b_wlan, 7, 0, ST(DECODE_NOT_IP) },
	{ "wlan beacon", DLT_IEEE802_11_, b_wlan, 8, 0, ST(DECODE_NOT_IP) },
	{ "wlan ack", DLT_IEEE802_11_, b_wlan, 9, 0, ST(DECODE_NOT_IP) },
	{ "wlan non-snap llc", DLT_IEEE802_11_, b_wlan, 10, 0,
	    ST(DECODE_NOT_IP) },
	{ "wlan snap unknown", DLT_IEEE802_11_, b_wlan, 11, 0,
	    ST(DECODE_UNKNOWN_ETHERTYPE) },
	{ "wlan cut in fc", DLT_IEEE802_11_, b_wlan, 0, 1,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "wlan cut in header", DLT_IEEE802_11_, b_wlan, 0, 23,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "wlan 4-address cut", DLT_IEEE802_11_, b_wlan, 3, 29,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "wlan cut in llc", DLT_IEEE802_11_, b_wlan, 0, 24 + 5,
	    ST(DECODE_TRUNCATED_LINK) },

	/* Radiotap. */
	{ "radiotap plain", DLT_IEEE802_11_RADIO_, b_radiotap, 0, 0, OK4 },
	{ "radiotap flags", DLT_IEEE802_11_RADIO_, b_radiotap, 1, 0, OK4 },
	{ "radiotap tsft", DLT_IEEE802_11_RADIO_, b_radiotap, 2, 0, OK4 },
	{ "radiotap tsft flags", DLT_IEEE802_11_RADIO_, b_radiotap, 3, 0,
	    OK4 },
	{ "radiotap datapad", DLT_IEEE802_11_RADIO_, b_radiotap, 4, 0, OK4 },
	{ "radiotap tsft datapad", DLT_IEEE802_11_RADIO_, b_radiotap, 5, 0,
	    OK4 },
	{ "radiotap ext bitmap", DLT_IEEE802_11_RADIO_, b_radiotap, 6, 0,
	    OK4 },
	{ "radiotap fcs", DLT_IEEE802_11_RADIO_, b_radiotap, 7, 0, OK4 },
	{ "radiotap cut", DLT_IEEE802_11_RADIO_, b_radiotap, 0, 7,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "radiotap cut in flags", DLT_IEEE802_11_RADIO_, b_radiotap, 5, 16,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "radiotap cut in wlan", DLT_IEEE802_11_RADIO_, b_radiotap, 0, 20,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "radiotap length < 8", DLT_IEEE802_11_RADIO_, b_radiotap_bad, 0, 0,
	    ST(DECODE_BAD_LINK) },
	{ "radiotap length past capture", DLT_IEEE802_11_RADIO_,
	    b_radiotap_bad, 1, 0, ST(DECODE_TRUNCATED_LINK) },
	{ "radiotap bitmap past length", DLT_IEEE802_11_RADIO_,
	    b_radiotap_bad, 2, 0, ST(DECODE_BAD_LINK) },
	{ "radiotap bitmaps past capture", DLT_IEEE802_11_RADIO_,
	    b_radiotap_bad, 3, 0, ST(DECODE_TRUNCATED_LINK) },

	/* PPI. */
	{ "ppi wlan", DLT_PPI_, b_ppi, DLT_IEEE802_11_, 0, OK4 },
	{ "ppi wlan with field", DLT_PPI_, b_ppi, 0x10000 | DLT_IEEE802_11_,
	    0, OK4 },
	{ "ppi ethernet", DLT_PPI_, b_ppi, DLT_EN10MB_, 0, OK4 },
	{ "ppi other dlt", DLT_PPI_, b_ppi, DLT_LINUX_SLL_, 0,
	    ST(DECODE_UNKNOWN_LINKTYPE) },
	{ "ppi length < 8", DLT_PPI_, b_ppi_bad, 0, 0, ST(DECODE_BAD_LINK) },
	{ "ppi cut", DLT_PPI_, b_ppi, DLT_IEEE802_11_, 7,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "ppi cut in field", DLT_PPI_, b_ppi, 0x10000 | DLT_IEEE802_11_,
	    20, ST(DECODE_TRUNCATED_LINK) },

	/* NFLOG. */
	{ "nflog tlvs then payload", DLT_NFLOG_, b_nflog, 0, 0, OK4 },
	{ "nflog payload first", DLT_NFLOG_, b_nflog, 1, 0, OK6 },
	{ "nflog no payload", DLT_NFLOG_, b_nflog, 2, 0, ST(DECODE_NOT_IP) },
	{ "nflog tlv length < 4", DLT_NFLOG_, b_nflog, 3, 0,
	    ST(DECODE_BAD_LINK) },
	{ "nflog tlv walk limit", DLT_NFLOG_, b_nflog, 4, 0,
	    ST(DECODE_BAD_LINK) },
	{ "nflog payload tlv short", DLT_NFLOG_, b_nflog, 5, 0,
	    ST(DECODE_TRUNCATED_IP) },
	{ "nflog tlv past capture", DLT_NFLOG_, b_nflog, 6, 0,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "nflog cut in header", DLT_NFLOG_, b_nflog, 0, 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "nflog cut in tlv header", DLT_NFLOG_, b_nflog, 0, 6,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "nflog cut in payload", DLT_NFLOG_, b_nflog, 0, 4 + 8 + 12 + 8 + 4 +
	    20 + 4, { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, STD4_SPORT,
	    STD4_DPORT, STD4_ID } },

	/* Unknown link types. */
	{ "linktype 147", 147, b_raw, 4, 0, ST(DECODE_UNKNOWN_LINKTYPE) },
	{ "linktype -1", -1, b_raw, 4, 0, ST(DECODE_UNKNOWN_LINKTYPE) },

	/* IPv4 header guards (raw IP: the frame starts at the IP header). */
	{ "ipv4 ihl 4", DLT_RAW_, b_v4_vhl, 0x44, 0, ST(DECODE_BAD_IP_HLEN) },
	{ "ipv4 ihl 0", DLT_RAW_, b_v4_vhl, 0x40, 0, ST(DECODE_BAD_IP_HLEN) },
	{ "ip version 5", DLT_RAW_, b_v4_vhl, 0x55, 0,
	    ST(DECODE_BAD_IP_VERSION) },
	{ "ip version 0", DLT_RAW_, b_v4_vhl, 0x05, 0,
	    ST(DECODE_BAD_IP_VERSION) },
	{ "ipv4 total length 19", DLT_RAW_, b_v4_tlen, 19, 0,
	    ST(DECODE_BAD_IP_LEN) },
	{ "ipv4 total length 0 (TSO)", DLT_RAW_, b_v4_tlen, 0, 0, OK4 },
	{ "ipv4 total length past capture", DLT_RAW_, b_v4_tlen, 1500, 0,
	    OK4 },
	{ "ipv4 options", DLT_RAW_, b_v4_opts, 12, 0,
	    { DECODE_OK, 4, IPG_PROTO_TCP, STD4_FLAGS, 0, STD4_SPORT,
	    STD4_DPORT, STD4_ID } },
	{ "ipv4 total length < ihl", DLT_RAW_, b_v4_opts_tlen, 23, 0,
	    ST(DECODE_BAD_IP_LEN) },
	{ "ipv4 total length = ihl", DLT_RAW_, b_v4_opts_tlen, 24, 0,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, 0, 0, STD4_ID } },
	{ "ipv4 options cut", DLT_RAW_, b_v4_opts, 40, 30,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, 0, 0, STD4_ID } },
	{ "ipv4 later fragment", DLT_RAW_, b_v4_frag, 185, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, LATER, 0, 0, 0xbeef } },
	{ "ipv4 last fragment", DLT_RAW_, b_v4_frag, 0x0001, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, LATER, 0, 0, 0xbeef } },
	{ "ipv4 first fragment", DLT_RAW_, b_v4_frag, 0x2000, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, DECODE_NOTE_FRAGMENT, 4000, 53,
	    0xbeef } },
	{ "ipv4 df is no fragment", DLT_RAW_, b_v4_frag, 0x4000, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, 0, 4000, 53, 0xbeef } },
	{ "ipv4 later fragment cut", DLT_RAW_, b_v4_frag, 0x2000 | 185, 20,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, LATER, 0, 0, 0xbeef } },

	/* Transport headers over IPv4. */
	{ "tcp cut after ports", DLT_RAW_, b_raw, 4, 20 + 4,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, STD4_SPORT, STD4_DPORT,
	    STD4_ID } },
	{ "tcp cut before flags", DLT_RAW_, b_raw, 4, 20 + 13,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, STD4_SPORT, STD4_DPORT,
	    STD4_ID } },
	{ "tcp cut after flags", DLT_RAW_, b_raw, 4, 20 + 14,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, STD4_SPORT, STD4_DPORT,
	    STD4_ID } },
	{ "tcp cut in ports", DLT_RAW_, b_raw, 4, 20 + 3,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, 0, 0, STD4_ID } },
	{ "tcp ends early by total length", DLT_RAW_, b_v4_tcp_short_tlen, 12,
	    0, { DECODE_OK, 4, IPG_PROTO_TCP, 0, TRUNC, STD4_SPORT,
	    STD4_DPORT, STD4_ID } },
	{ "tcp data offset 4", DLT_RAW_, b_v4_doff, 4, 0,
	    { DECODE_OK, 4, IPG_PROTO_TCP, 0, DECODE_NOTE_BAD_L4, STD4_SPORT,
	    STD4_DPORT, STD4_ID } },
	{ "tcp data offset 8", DLT_RAW_, b_v4_doff, 8, 0, OK4 },
	{ "udp cut after ports", DLT_RAW_, b_v4_frag, 0, 20 + 4,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, TRUNC, 4000, 53, 0xbeef } },
	{ "udp cut in ports", DLT_RAW_, b_v4_frag, 0, 20 + 3,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, TRUNC, 0, 0, 0xbeef } },
	{ "udp length 5", DLT_RAW_, b_v4_udplen, 5, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, DECODE_NOTE_BAD_L4, 4000, 53,
	    7 } },
	{ "udp length 0", DLT_RAW_, b_v4_udplen, 0, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, 0, 4000, 53, 7 } },
	{ "icmp type and code", DLT_RAW_, b_v4_proto, IPG_PROTO_ICMP, 0,
	    { DECODE_OK, 4, IPG_PROTO_ICMP, 0, 0, 3, 1, 7 } },
	{ "icmp type only", DLT_RAW_, b_v4_icmp_type_only, 0, 0,
	    { DECODE_OK, 4, IPG_PROTO_ICMP, 0, TRUNC, 8, 0, 7 } },
	{ "icmp nothing", DLT_RAW_, b_v4_proto, IPG_PROTO_ICMP, 20,
	    { DECODE_OK, 4, IPG_PROTO_ICMP, 0, TRUNC, 0, 0, 7 } },
	{ "sctp ports", DLT_RAW_, b_v4_proto, IPG_PROTO_SCTP, 0,
	    { DECODE_OK, 4, IPG_PROTO_SCTP, 0, 0, 2905, 38412, 7 } },
	{ "sctp cut", DLT_RAW_, b_v4_proto, IPG_PROTO_SCTP, 20 + 3,
	    { DECODE_OK, 4, IPG_PROTO_SCTP, 0, TRUNC, 0, 0, 7 } },
	{ "gre tunnel", DLT_RAW_, b_v4_proto, 47, 0,
	    { DECODE_OK, 4, 47, 0, TUN, 0, 0, 7 } },
	{ "ip in ip tunnel", DLT_RAW_, b_v4_proto, 4, 0,
	    { DECODE_OK, 4, 4, 0, TUN, 0, 0, 7 } },
	{ "6in4 tunnel", DLT_RAW_, b_v4_proto, 41, 0,
	    { DECODE_OK, 4, 41, 0, TUN, 0, 0, 7 } },
	{ "vxlan tunnel", DLT_RAW_, b_v4_udp_port, 4789, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, TUN, 49152, 4789, 7 } },
	{ "gtp-u tunnel", DLT_RAW_, b_v4_udp_port, 2152, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, TUN, 49152, 2152, 7 } },
	{ "udp other port", DLT_RAW_, b_v4_udp_port, 4790, 0,
	    { DECODE_OK, 4, IPG_PROTO_UDP, 0, 0, 49152, 4790, 7 } },
	{ "igmp no ports", DLT_RAW_, b_v4_proto, 2, 0,
	    { DECODE_OK, 4, 2, 0, 0, 0, 0, 7 } },

	/* IPv6 and extension headers. */
	{ "ipv6 ext chain", DLT_RAW_, b_v6_chain, 0, 0,
	    { DECODE_OK, 6, IPG_PROTO_UDP, 0, DECODE_NOTE_FRAGMENT,
	    STD6_SPORT, STD6_DPORT, 0xdeadbeef } },
	{ "ipv6 ext chain cut in hbh", DLT_RAW_, b_v6_chain, 0, 40 + 1,
	    { DECODE_OK, 6, 0, 0, TRUNC, 0, 0, 0 } },
	{ "ipv6 ext chain cut in frag", DLT_RAW_, b_v6_chain, 0, 40 + 32 + 7,
	    { DECODE_OK, 6, 44, 0, TRUNC, 0, 0, 0 } },
	{ "ipv6 ext chain cut in ah", DLT_RAW_, b_v6_chain, 0,
	    40 + 32 + 8 + 16 + 1, { DECODE_OK, 6, 51, 0,
	    DECODE_NOTE_FRAGMENT | TRUNC, 0, 0, 0xdeadbeef } },
	{ "ipv6 ext chain cut in udp", DLT_RAW_, b_v6_chain, 0,
	    40 + 32 + 8 + 16 + 24 + 2, { DECODE_OK, 6, IPG_PROTO_UDP, 0,
	    DECODE_NOTE_FRAGMENT | TRUNC, 0, 0, 0xdeadbeef } },
	{ "ipv6 15 ext headers", DLT_RAW_, b_v6_many_ext, 15, 0, OK6 },
	{ "ipv6 16 ext headers", DLT_RAW_, b_v6_many_ext, 16, 0,
	    { DECODE_OK, 6, 60, 0, DECODE_NOTE_EXT_LIMIT, 0, 0, 0 } },
	{ "ipv6 ext past payload", DLT_RAW_, b_v6_ext_overrun, 0, 0,
	    { DECODE_OK, 6, IPG_PROTO_TCP, 0, TRUNC, 0, 0, 0 } },
	{ "ipv6 first fragment", DLT_RAW_, b_v6_frag, 0, 0,
	    { DECODE_OK, 6, IPG_PROTO_TCP, STD4_FLAGS, DECODE_NOTE_FRAGMENT,
	    STD4_SPORT, STD4_DPORT, 0x01020304 } },
	{ "ipv6 later fragment", DLT_RAW_, b_v6_frag, 185, 0,
	    { DECODE_OK, 6, IPG_PROTO_TCP, 0, LATER, 0, 0, 0x01020304 } },
	{ "icmpv6 type and code", DLT_RAW_, b_v6_proto, IPG_PROTO_ICMPV6, 0,
	    { DECODE_OK, 6, IPG_PROTO_ICMPV6, 0, 0, 1, 4, 0 } },
	{ "icmpv6 type only", DLT_RAW_, b_v6_proto, IPG_PROTO_ICMPV6, 41,
	    { DECODE_OK, 6, IPG_PROTO_ICMPV6, 0, TRUNC, 1, 0, 0 } },
	{ "ipv6 tcp", DLT_RAW_, b_v6_proto, IPG_PROTO_TCP, 0,
	    { DECODE_OK, 6, IPG_PROTO_TCP, 0x02, 0, STD4_SPORT, STD4_DPORT,
	    0 } },
	{ "ipv6 sctp", DLT_RAW_, b_v6_proto, IPG_PROTO_SCTP, 0,
	    { DECODE_OK, 6, IPG_PROTO_SCTP, 0, 0, 36412, 36412, 0 } },
	{ "ipv6 no next header", DLT_RAW_, b_v6_proto, 59, 0,
	    { DECODE_OK, 6, 59, 0, 0, 0, 0, 0 } },
	{ "ipv6 in ipv6", DLT_RAW_, b_v6_proto, 41, 0,
	    { DECODE_OK, 6, 41, 0, TUN, 0, 0, 0 } },
	{ "ipv6 tcp ends early by plen", DLT_RAW_, b_v6_short_plen, 10, 0,
	    { DECODE_OK, 6, IPG_PROTO_TCP, 0, TRUNC, STD4_SPORT, STD4_DPORT,
	    0 } },
	{ "ipv6 payload length 0", DLT_RAW_, b_v6_jumbo, 0, 0, OK6 },
	/* ARCNET (RFC 1201, RFC 1051), BSD and Linux headers. */
	{ "arcnet ipv4", DLT_ARCNET_, b_arcnet, 0, 0, OK4 },
	{ "arcnet ipv6", DLT_ARCNET_, b_arcnet, 2, 0, OK6 },
	{ "arcnet exception", DLT_ARCNET_, b_arcnet, 4, 0, OK4 },
	{ "arcnet rfc 1051", DLT_ARCNET_, b_arcnet, 8, 0, OK4 },
	{ "arcnet linux ipv6", DLT_ARCNET_LINUX_, b_arcnet, 3, 0, OK6 },
	{ "arcnet linux rfc 1051", DLT_ARCNET_LINUX_, b_arcnet, 9, 0, OK4 },
	{ "arcnet linux no exceptions", DLT_ARCNET_LINUX_, b_arcnet, 5, 0,
	    ST(DECODE_BAD_IP_VERSION) },
	{ "arcnet cut in protocol id", DLT_ARCNET_, b_arcnet, 0, 2,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "arcnet cut in sequence", DLT_ARCNET_, b_arcnet, 0, 5,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "arcnet exception cut", DLT_ARCNET_, b_arcnet, 4, 9,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "arcnet linux cut in offset", DLT_ARCNET_LINUX_, b_arcnet, 1, 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "arcnet header only", DLT_ARCNET_, b_arcnet, 0, 6,
	    ST(DECODE_TRUNCATED_IP) },
	/* Apple PKTAP. */
	{ "pktap ethernet", DLT_PKTAP_, b_pktap, 108, 0, OK4 },
	{ "pktap longer header", DLT_PKTAP_, b_pktap, 156, 0, OK4 },
	{ "pktap header under 108", DLT_PKTAP_, b_pktap, 100, 0,
	    ST(DECODE_BAD_LINK) },
	{ "pktap length past frame", DLT_PKTAP_, b_pktap, 200, 150,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "pktap cut in dlt", DLT_PKTAP_, b_pktap, 108, 11,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "pktap cut in header", DLT_PKTAP_, b_pktap, 108, 107,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "pktap raw ipv6", DLT_PKTAP_, b_pktap_dlt, DLT_IPV6_, 0, OK6 },
	{ "pktap in pktap", DLT_PKTAP_, b_pktap_dlt, DLT_PKTAP_, 0,
	    ST(DECODE_BAD_LINK) },
	{ "pktap unknown dlt", DLT_PKTAP_, b_pktap_dlt, 147, 0,
	    ST(DECODE_UNKNOWN_LINKTYPE) },
	/* Solaris IPNET. */
	{ "ipnet ipv4", DLT_IPNET_, b_ipnet, 2, 0, OK4 },
	{ "ipnet ipv6", DLT_IPNET_, b_ipnet, 26, 0, OK6 },
	{ "ipnet other family", DLT_IPNET_, b_ipnet, 7, 0, ST(DECODE_NOT_IP) },
	{ "ipnet cut in header", DLT_IPNET_, b_ipnet, 2, 23,
	    ST(DECODE_TRUNCATED_LINK) },
	/* Juniper. */
	{ "juniper ether", DLT_JUNIPER_ETHER_, b_juniper, 0, 0, OK4 },
	{ "juniper ether extensions", DLT_JUNIPER_ETHER_, b_juniper, 1, 0,
	    OK4 },
	{ "juniper no l2 ipv4", DLT_JUNIPER_ETHER_, b_juniper, 2, 0, OK4 },
	{ "juniper no l2 ipv6", DLT_JUNIPER_ETHER_, b_juniper, 3, 0, OK6 },
	{ "juniper no magic", DLT_JUNIPER_ETHER_, b_juniper, 4, 0, OK4 },
	{ "juniper pppoe link, plain ethernet", DLT_JUNIPER_PPPOE_, b_juniper,
	    0, 0, OK4 },
	{ "juniper cut in magic", DLT_JUNIPER_ETHER_, b_juniper, 0, 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "juniper cut in extension length", DLT_JUNIPER_ETHER_, b_juniper, 1,
	    5, ST(DECODE_TRUNCATED_LINK) },
	{ "juniper cut in extensions", DLT_JUNIPER_ETHER_, b_juniper, 1, 12,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "juniper cut in no-l2 protocol", DLT_JUNIPER_ETHER_, b_juniper, 2, 7,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "juniper atm1 vc-mux", DLT_JUNIPER_ATM1_, b_jatm, 0, 0, OK6 },
	{ "juniper atm1 snap", DLT_JUNIPER_ATM1_, b_jatm, 2, 0, OK6 },
	{ "juniper atm1 oam", DLT_JUNIPER_ATM1_, b_jatm, 8, 0,
	    ST(DECODE_NOT_IP) },
	{ "juniper atm2 nlpid", DLT_JUNIPER_ATM2_, b_jatm, 5, 0, OK6 },
	{ "juniper atm2 oam", DLT_JUNIPER_ATM2_, b_jatm, 9, 0,
	    ST(DECODE_NOT_IP) },
	{ "juniper atm2 cut in cookie", DLT_JUNIPER_ATM2_, b_jatm, 1, 10,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "juniper ppp", DLT_JUNIPER_PPP_, b_jppp, 0, 0, OK4 },
	{ "juniper ppp cut in protocol", DLT_JUNIPER_PPP_, b_jppp, 0, 6,
	    ST(DECODE_TRUNCATED_LINK) },
	/* Frame Relay. */
	{ "frelay nlpid ipv4", DLT_FRELAY_, b_frelay, 0, 0, OK4 },
	{ "frelay snap ipv6", DLT_FRELAY_, b_frelay, 1, 0, OK6 },
	{ "frelay cisco", DLT_FRELAY_, b_frelay, 2, 0, OK4 },
	{ "frelay pad", DLT_FRELAY_, b_frelay, 3, 0, OK4 },
	{ "frelay endless address", DLT_FRELAY_, b_frelay, 4, 0,
	    ST(DECODE_BAD_LINK) },
	{ "frelay cut in address", DLT_FRELAY_, b_frelay, 0, 1,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "frelay cut at nlpid", DLT_FRELAY_, b_frelay, 0, 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "frelay cut in snap", DLT_FRELAY_, b_frelay, 1, 7,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "juniper frelay without magic", DLT_JUNIPER_FRELAY_, b_frelay, 0, 0,
	    OK4 },		/* read as if the Juniper header were absent */
	/* Arista timestamp header. */
	{ "arista 64-bit", DLT_EN10MB_, b_arista, 0x0010, 0, OK4 },
	{ "arista 48-bit utc", DLT_EN10MB_, b_arista, 0x0120, 0, OK4 },
	{ "arista unknown version", DLT_EN10MB_, b_arista, 0x0030, 0,
	    ST(DECODE_NOT_IP) },
	{ "arista cut in version", DLT_EN10MB_, b_arista, 0x0010, 17,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "arista cut in type", DLT_EN10MB_, b_arista, 0x0010, 14 + 13,
	    ST(DECODE_TRUNCATED_LINK) },
	/* IEEE 802.15.4 with 6LoWPAN. */
	{ "wpan iphc udp", DLT_IEEE802_15_4_NOFCS_, b_wpan, 0, 0, OK6 },
	{ "wpan iphc tcp, eui-64", DLT_IEEE802_15_4_NOFCS_, b_wpan,
	    WPAN_LONG | WPAN_TCP, 0, { DECODE_OK, 6, IPG_PROTO_TCP,
	    STD4_FLAGS, 0, STD4_SPORT, STD4_DPORT, 0 } },
	{ "wpan fcs", DLT_IEEE802_15_4_, b_wpan, WPAN_FCS, 0, OK6 },
	{ "wpan bad fcs", DLT_IEEE802_15_4_, b_wpan, WPAN_BADFCS, 0,
	    ST(DECODE_BAD_LINK) },
	{ "wpan 2015 frame", DLT_IEEE802_15_4_NOFCS_, b_wpan, WPAN_V2, 0,
	    OK6 },
	{ "wpan uncompressed ipv6", DLT_IEEE802_15_4_NOFCS_, b_wpan,
	    WPAN_RAW6, 0, OK6 },
	{ "wpan mesh and bc0", DLT_IEEE802_15_4_, b_wpan,
	    WPAN_FCS | WPAN_MESH | WPAN_BC0, 0, OK6 },
	{ "wpan frag1", DLT_IEEE802_15_4_NOFCS_, b_wpan, WPAN_FRAG1, 0,
	    { DECODE_OK, 6, IPG_PROTO_UDP, 0, DECODE_NOTE_FRAGMENT,
	    STD6_SPORT, STD6_DPORT, 0 } },
	{ "wpan cut in fcf", DLT_IEEE802_15_4_NOFCS_, b_wpan, 0, 1,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "wpan cut in source", DLT_IEEE802_15_4_NOFCS_, b_wpan, 0, 8,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "wpan cut in eui-64", DLT_IEEE802_15_4_NOFCS_, b_wpan, WPAN_LONG,
	    20, ST(DECODE_TRUNCATED_LINK) },
	{ "wpan no payload", DLT_IEEE802_15_4_NOFCS_, b_wpan, 0, 9,
	    ST(DECODE_NOT_IP) },
	{ "wpan iphc cut in source", DLT_IEEE802_15_4_NOFCS_, b_wpan, 0,
	    9 + 2 + 10, ST(DECODE_TRUNCATED_IP) },
	{ "wpan iphc cut in destination", DLT_IEEE802_15_4_NOFCS_, b_wpan, 0,
	    9 + 2 + 16 + 15, ST(DECODE_TRUNCATED_IP) },
	{ "wpan iphc cut in nhc udp", DLT_IEEE802_15_4_NOFCS_, b_wpan, 0,
	    9 + 2 + 32 + 3, { DECODE_OK, 6, IPG_PROTO_UDP, 0, TRUNC, 0, 0,
	    0 } },
	{ "wpan mesh cut", DLT_IEEE802_15_4_NOFCS_, b_wpan, WPAN_MESH, 9 + 3,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "wpan frag1 cut", DLT_IEEE802_15_4_NOFCS_, b_wpan, WPAN_FRAG1,
	    9 + 3, ST(DECODE_TRUNCATED_LINK) },
	{ "wpan fcs only", DLT_IEEE802_15_4_, b_wpan, WPAN_FCS, 4,
	    ST(DECODE_TRUNCATED_LINK) },
	{ "iphc dac=1 dam=00 reserved", DLT_IEEE802_15_4_NOFCS_, b_iphc_bytes,
	    0x7f44, 0, ST(DECODE_BAD_LINK) },
	{ "iphc m=1 dac=1 dam=01 reserved", DLT_IEEE802_15_4_NOFCS_,
	    b_iphc_bytes, 0x7f4d, 0, ST(DECODE_BAD_LINK) },
	{ "iphc cut in next header", DLT_IEEE802_15_4_NOFCS_, b_iphc_bytes,
	    0x7b44, 9 + 2, ST(DECODE_TRUNCATED_IP) },
	{ "frag1 smaller than ipv6", DLT_IEEE802_15_4_NOFCS_, b_iphc_bytes,
	    0xc027, 0, ST(DECODE_BAD_LINK) },
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static void
build_case(const struct tcase *c, struct pkt *p)
{
	pkt_init(p);
	c->build(p, c->arg);
	pkt_finish(p);
	if (c->cut != 0) {
		assert_true(c->cut < p->n);
		p->n = c->cut;
	}
}

/* Addresses as the decoder must store them: v4 in the first 4 bytes. */
static void
check_addrs(const struct packet *r)
{
	uint8_t want[16];

	memset(want, 0, sizeof(want));
	memcpy(want, r->ipver == 4 ? SRC4 : SRC6, r->ipver == 4 ? 4 : 16);
	assert_memory_equal(r->src, want, 16);
	memset(want, 0, sizeof(want));
	memcpy(want, r->ipver == 4 ? DST4 : DST6, r->ipver == 4 ? 4 : 16);
	assert_memory_equal(r->dst, want, 16);
}

static void
check_result(const struct expect *w, int st, const struct packet *r)
{
	assert_string_equal(decode_status_name(st),
	    decode_status_name(w->status));
	assert_int_equal(st, w->status);
	assert_int_equal(r->ipver, w->ipver);
	assert_int_equal(r->proto, w->proto);
	assert_int_equal(r->notes, w->notes);
	assert_int_equal(r->sport, w->sport);
	assert_int_equal(r->dport, w->dport);
	assert_int_equal(r->tcp_flags, w->tcp_flags);
	assert_int_equal(r->ip_id, w->ip_id);
	if (st == DECODE_OK)
		check_addrs(r);
}

static void
test_frame(void **state)
{
	const struct tcase *c = *state;
	struct pkt p;
	struct packet r;
	uint8_t *copy;
	int st;

	build_case(c, &p);
	/* An exact-size heap copy, so ASan sees any read past caplen. */
	copy = malloc(p.n ? p.n : 1);
	assert_non_null(copy);
	memcpy(copy, p.b, p.n);
	st = decode_packet(c->linktype, copy, p.n, &r);
	free(copy);
	check_result(&c->want, st, &r);
}

/* ---- lengths and sequence numbers -------------------------------------- */

static void
decode_built(int lt, void (*build)(struct pkt *, unsigned), unsigned arg,
    struct packet *r, int want_status)
{
	struct pkt p;

	pkt_init(&p);
	build(&p, arg);
	pkt_finish(&p);
	assert_int_equal(decode_packet(lt, p.b, p.n, r), want_status);
}

static void
test_tcp_fields(void **state)
{
	struct packet r;
	struct pkt p;

	(void)state;
	decode_built(DLT_RAW_, b_raw, 4, &r, DECODE_OK);
	assert_int_equal(r.tcp_seq, TCP_SEQ);
	assert_int_equal(r.tcp_ack, TCP_ACK);
	assert_int_equal(r.ip_len, 40);
	assert_int_equal(r.l4_len, 0);

	/* 100 bytes of TCP payload behind a 32-byte header. */
	pkt_init(&p);
	ip4(&p, IPG_PROTO_TCP, 1, 0, 0);
	tcp_doff(&p, 1, 2, 0x18, 8);
	putz(&p, 100);
	pkt_finish(&p);
	assert_int_equal(decode_packet(DLT_RAW_, p.b, p.n, &r), DECODE_OK);
	assert_int_equal(r.ip_len, 20 + 32 + 100);
	assert_int_equal(r.l4_len, 100);
	assert_int_equal(r.tcp_flags, 0x18);

	/* Snapped after 10 payload bytes: l4_len is still what the IP
	 * header claims (tshark's tcp.len), not what was captured. */
	assert_int_equal(decode_packet(DLT_RAW_, p.b, 20 + 32 + 10, &r),
	    DECODE_OK);
	assert_int_equal(r.ip_len, 20 + 32 + 100);
	assert_int_equal(r.l4_len, 100);
	assert_int_equal(r.notes, 0);
}

/* Link-layer padding must not count as transport payload. */
static void
test_ethernet_padding(void **state)
{
	struct packet r;

	(void)state;
	decode_built(DLT_EN10MB_, b_eth_pad, 0, &r, DECODE_OK);
	assert_int_equal(r.ip_len, 40);
	assert_int_equal(r.l4_len, 0);
	assert_int_equal(r.tcp_flags, STD4_FLAGS);
}

static void
test_udp_and_ipv6_lengths(void **state)
{
	struct packet r;

	(void)state;
	decode_built(DLT_RAW_, b_raw, 6, &r, DECODE_OK);
	assert_int_equal(r.ip_len, 40 + 8 + 4);
	assert_int_equal(r.l4_len, 4);

	decode_built(DLT_RAW_, b_v4_udp_port, 4789, &r, DECODE_OK);
	assert_int_equal(r.ip_len, 20 + 8 + 8);
	assert_int_equal(r.l4_len, 8);

	/* Payload length 0: the IPv6 header alone is what it claims. */
	decode_built(DLT_RAW_, b_v6_jumbo, 0, &r, DECODE_OK);
	assert_int_equal(r.ip_len, 40);

	/* TSO: total length 0 is reported as 0, the capture bounds L4. */
	decode_built(DLT_RAW_, b_v4_tlen, 0, &r, DECODE_OK);
	assert_int_equal(r.ip_len, 0);
	assert_int_equal(r.l4_len, 0);
}

/*
 * RFC 791 loose/strict source route: while hops remain the final
 * destination is the route's last address, and decode reports that.
 */
static void
test_source_route(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 opt[12];	/* options, IHL 8 */
		uint8_t		 dst[4];
	} cases_sr[] = {
		{ "lsrr, hops left",
		    { 131, 11, 4, 10, 0, 0, 1, 203, 0, 113, 9, 0 },
		    { 203, 0, 113, 9 } },
		{ "ssrr, hops left",
		    { 137, 11, 8, 10, 0, 0, 1, 203, 0, 113, 9, 0 },
		    { 203, 0, 113, 9 } },
		{ "nop then lsrr with one hop",
		    { 1, 131, 7, 4, 203, 0, 113, 7, 0, 0, 0, 0 },
		    { 203, 0, 113, 7 } },
		{ "lsrr done",
		    { 131, 11, 12, 10, 0, 0, 1, 203, 0, 113, 9, 0 },
		    { 198, 51, 100, 2 } },
		{ "record route",
		    { 7, 11, 4, 10, 0, 0, 1, 203, 0, 113, 9, 0 },
		    { 198, 51, 100, 2 } },
		{ "lsrr too short",
		    { 131, 3, 4, 1, 1, 1, 1, 1, 1, 1, 1, 0 },
		    { 198, 51, 100, 2 } },
		{ "lsrr past the header",
		    { 131, 15, 4, 10, 0, 0, 1, 203, 0, 113, 9, 0 },
		    { 198, 51, 100, 2 } },
		{ "option length 0",
		    { 131, 0, 4, 10, 0, 0, 1, 203, 0, 113, 9, 0 },
		    { 198, 51, 100, 2 } },
		{ "eol first",
		    { 0, 131, 11, 4, 10, 0, 0, 1, 203, 0, 113, 9 },
		    { 198, 51, 100, 2 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases_sr) / sizeof(cases_sr[0]); i++) {
		struct packet r;
		struct pkt p;
		int st;

		pkt_init(&p);
		ip4(&p, IPG_PROTO_TCP, 1, 0, 12);
		memcpy(p.b + 20, cases_sr[i].opt, 12);
		tcp(&p, STD4_SPORT, STD4_DPORT, STD4_FLAGS);
		pkt_finish(&p);
		st = decode_packet(DLT_RAW_, p.b, p.n, &r);
		if (st != DECODE_OK || memcmp(r.dst, cases_sr[i].dst, 4) != 0)
			fail_msg("%s: status %d, dst %u.%u.%u.%u",
			    cases_sr[i].name, st, r.dst[0], r.dst[1],
			    r.dst[2], r.dst[3]);
		assert_memory_equal(r.src, SRC4, 4);
		assert_int_equal(r.sport, STD4_SPORT);
		assert_int_equal(r.dport, STD4_DPORT);
	}
}

/* A result reused across calls must not keep stale fields. */
static void
test_result_reset(void **state)
{
	static const uint8_t zero[16];
	struct packet r;

	(void)state;
	memset(&r, 0xa5, sizeof(r));
	decode_built(DLT_RAW_, b_raw, 4, &r, DECODE_OK);
	assert_int_equal(r.sport, STD4_SPORT);
	decode_built(DLT_RAW_, b_v4_frag, 185, &r, DECODE_OK);
	assert_int_equal(r.sport, 0);
	assert_int_equal(r.dport, 0);
	assert_int_equal(r.tcp_flags, 0);
	assert_int_equal(r.tcp_seq, 0);
	decode_built(DLT_EN10MB_, b_eth, 0x0806, &r, DECODE_NOT_IP);
	assert_int_equal(r.ipver, 0);
	assert_memory_equal(r.src, zero, 16);
	assert_memory_equal(r.dst, zero, 16);
}

/* ---- every prefix of every good frame ---------------------------------- */

/*
 * For each frame the table decodes to DECODE_OK, decode every prefix
 * 0..len from an exact-size heap copy (ASan flags any read past caplen)
 * and check what a prefix may claim: an IPv4 result needs the 20-byte
 * header captured, an IPv6 one the 40-byte header, and only DECODE_OK
 * may carry an IP version.
 */
static void
test_prefixes(void **state)
{
	size_t i, len, tried = 0;

	(void)state;
	for (i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];
		struct pkt p;

		if (c->want.status != DECODE_OK || c->cut != 0)
			continue;
		build_case(c, &p);
		assert_true(p.ipoff != NO_IP);
		for (len = 0; len <= p.n; len++) {
			struct packet r;
			uint8_t *copy;
			int st;

			copy = malloc(len ? len : 1);
			assert_non_null(copy);
			memcpy(copy, p.b, len);
			st = decode_packet(c->linktype, len ? copy : copy + 1,
			    len, &r);
			free(copy);
			assert_true(st >= 0 && st < DECODE_NSTATUS);
			assert_string_not_equal(decode_status_name(st),
			    "unknown");
			if (st != DECODE_OK) {
				if (r.ipver != 0)
					fail_msg("%s: status %d from %zu "
					    "bytes with ipver %d", c->name,
					    st, len, r.ipver);
				continue;
			}
			if (r.ipver == 4 && len < p.ipoff + 20)
				fail_msg("%s: IPv4 result from %zu bytes, "
				    "header at %zu", c->name, len, p.ipoff);
			if (r.ipver == 6 && len < p.ipoff +
			    (p.iphdr != 0 ? p.iphdr : 40))
				fail_msg("%s: IPv6 result from %zu bytes, "
				    "header at %zu", c->name, len, p.ipoff);
			assert_true(r.ipver == 4 || r.ipver == 6);
			tried++;
		}
	}
	assert_true(tried > 0);
}

/*
 * RFC 6282 3.2.2 addresses derived from the MAC (EUI-64 and short), a
 * multicast destination, a context (Wireshark's zero prefix when none is
 * configured), the mesh header's addresses, and an IPHC that needs a MAC
 * address the frame does not have.
 */
static void
lowpan_frame(struct pkt *p, unsigned fcf, const uint8_t *dst, size_t dl,
    const uint8_t *src, size_t sl)
{
	size_t i;

	pkt_init(p);
	putle16(p, fcf);
	put8(p, 1);
	putle16(p, 0xabcd);
	for (i = dl; i > 0; i--)	/* little-endian on the air */
		put8(p, dst[i - 1]);
	for (i = sl; i > 0; i--)
		put8(p, src[i - 1]);
}

static unsigned
hexbyte(const char *s)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 2; i++) {
		char c = s[i];

		assert_true((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

/* The result holds IPv6 addresses src and dst, given as 32 hex digits. */
static void
want6(const struct packet *r, const char *src, const char *dst)
{
	uint8_t a[16], b[16];
	size_t i;

	assert_int_equal(strlen(src), 32);
	assert_int_equal(strlen(dst), 32);
	for (i = 0; i < 16; i++) {
		a[i] = (uint8_t)hexbyte(src + 2 * i);
		b[i] = (uint8_t)hexbyte(dst + 2 * i);
	}
	assert_int_equal(r->ipver, 6);
	assert_memory_equal(r->src, a, 16);
	assert_memory_equal(r->dst, b, 16);
}

static void
test_lowpan_addresses(void **state)
{
	static const uint8_t e1[8] = { 0x00, 0x12, 0x74, 0, 0, 0, 0, 1 };
	static const uint8_t e2[8] = { 0x00, 0x12, 0x74, 0, 0, 0, 0, 2 };
	static const uint8_t s1[2] = { 0, 1 }, s2[2] = { 0, 2 };
	struct packet r;
	struct pkt p;

	(void)state;
	/* EUI-64s, both addresses elided, NHC UDP with 4-bit ports */
	lowpan_frame(&p, 0xcc41, e2, 8, e1, 8);
	put8(&p, 0x7e);
	put8(&p, 0x33);
	put8(&p, 0xf3);
	put8(&p, 0x12);
	put16(&p, 0);
	assert_int_equal(decode_packet(DLT_IEEE802_15_4_NOFCS_, p.b, p.n, &r),
	    DECODE_OK);
	want6(&r, "fe800000000000000212740000000001",
	    "fe800000000000000212740000000002");
	assert_int_equal(r.proto, IPG_PROTO_UDP);
	assert_int_equal(r.sport, 0xf0b1);
	assert_int_equal(r.dport, 0xf0b2);

	/* short addresses; ff02::1a multicast */
	lowpan_frame(&p, 0x8841, s2, 2, s1, 2);
	put8(&p, 0x7e);
	put8(&p, 0x3b);
	put8(&p, 0x1a);
	put8(&p, 0xf0);
	put32(&p, 0x00070008);
	put16(&p, 0);
	assert_int_equal(decode_packet(DLT_IEEE802_15_4_NOFCS_, p.b, p.n, &r),
	    DECODE_OK);
	want6(&r, "fe80000000000000000000fffe000001",
	    "ff02000000000000000000000000001a");
	assert_int_equal(r.sport, 7);
	assert_int_equal(r.dport, 8);

	/* SAC=1 SAM=11, DAC=1 DAM=10: zero prefix, TCP inline */
	lowpan_frame(&p, 0xcc41, e2, 8, e1, 8);
	put8(&p, 0x7a);
	put8(&p, 0x76);
	put8(&p, IPG_PROTO_TCP);
	put16(&p, 0x0042);
	tcp(&p, 1, 2, 0x02);
	assert_int_equal(decode_packet(DLT_IEEE802_15_4_NOFCS_, p.b, p.n, &r),
	    DECODE_OK);
	want6(&r, "00000000000000000212740000000001",
	    "0000000000000000000000fffe000042");
	assert_int_equal(r.proto, IPG_PROTO_TCP);
	assert_int_equal(r.tcp_flags, 0x02);

	/* a mesh header's originator and final addresses win */
	lowpan_frame(&p, 0x8841, s2, 2, s1, 2);
	put8(&p, 0xb5);
	put16(&p, 5);
	put16(&p, 6);
	put8(&p, 0x7e);
	put8(&p, 0x33);
	put8(&p, 0xf3);
	put8(&p, 0x12);
	put16(&p, 0);
	assert_int_equal(decode_packet(DLT_IEEE802_15_4_NOFCS_, p.b, p.n, &r),
	    DECODE_OK);
	want6(&r, "fe80000000000000000000fffe000005",
	    "fe80000000000000000000fffe000006");

	/* an NHC we do not know: addresses, no ports */
	lowpan_frame(&p, 0x8841, s2, 2, s1, 2);
	put8(&p, 0x7e);
	put8(&p, 0x33);
	put8(&p, 0x00);
	assert_int_equal(decode_packet(DLT_IEEE802_15_4_NOFCS_, p.b, p.n, &r),
	    DECODE_OK);
	assert_int_equal(r.notes, DECODE_NOTE_BAD_L4);

	/* an elided source address but no source MAC address */
	lowpan_frame(&p, 0x0841, s2, 2, NULL, 0);
	put8(&p, 0x7e);
	put8(&p, 0x33);
	put8(&p, 0xf0);
	assert_int_equal(decode_packet(DLT_IEEE802_15_4_NOFCS_, p.b, p.n, &r),
	    DECODE_BAD_LINK);
	assert_int_equal(r.ipver, 0);

	/* FRAGN and HC1 carry nothing we count */
	lowpan_frame(&p, 0x8841, s2, 2, s1, 2);
	put16(&p, 0xe000 | 148);
	put16(&p, 0x77);
	put8(&p, 11);
	putz(&p, 20);
	assert_int_equal(decode_packet(DLT_IEEE802_15_4_NOFCS_, p.b, p.n, &r),
	    DECODE_NOT_IP);
}

/* ---- names, numbers, link types ---------------------------------------- */

static void
test_status_names(void **state)
{
	static const struct {
		int		 status;
		const char	*name;
	} names[] = {
		{ DECODE_OK, "decoded" },
		{ DECODE_NOT_IP, "not IP" },
		{ DECODE_UNKNOWN_LINKTYPE, "unknown link type" },
		{ DECODE_UNKNOWN_ETHERTYPE, "unknown ethertype" },
		{ DECODE_TRUNCATED_LINK, "truncated link header" },
		{ DECODE_BAD_LINK, "bad link header" },
		{ DECODE_TRUNCATED_IP, "truncated IP header" },
		{ DECODE_BAD_IP_VERSION, "bad IP version" },
		{ DECODE_BAD_IP_HLEN, "bad IPv4 header length" },
		{ DECODE_BAD_IP_LEN, "bad IPv4 total length" },
	};
	size_t i, j;

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), DECODE_NSTATUS);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_string_equal(decode_status_name(names[i].status),
		    names[i].name);
		for (j = 0; j < i; j++)
			assert_string_not_equal(
			    decode_status_name(names[i].status),
			    decode_status_name(names[j].status));
	}
	assert_string_equal(decode_status_name(-1), "unknown");
	assert_string_equal(decode_status_name(DECODE_NSTATUS), "unknown");
	assert_string_equal(decode_status_name(1000), "unknown");
}

static void
test_proto_names(void **state)
{
	static const struct {
		const char	*name;
		unsigned	 number;
	} named[] = {
		{ "icmp", IPG_PROTO_ICMP },
		{ "tcp", IPG_PROTO_TCP },
		{ "udp", IPG_PROTO_UDP },
		{ "icmpv6", IPG_PROTO_ICMPV6 },
		{ "sctp", IPG_PROTO_SCTP },
	};
	static const struct {
		const char	*text;
		int		 number;
	} numbers[] = {
		{ "0", 0 }, { "6", 6 }, { "47", 47 }, { "255", 255 },
		{ "007", 7 },
		{ "tcpx", -1 }, { "256", -1 }, { "-1", -1 }, { "", -1 },
		{ "TCP", -1 }, { " 6", -1 }, { "6 ", -1 }, { "+6", -1 },
		{ "0x11", -1 }, { "6a", -1 }, { "tc", -1 },
		{ "99999999999999999999", -1 },
	};
	size_t i;
	unsigned n;

	(void)state;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		assert_string_equal(decode_proto_name(named[i].number),
		    named[i].name);
		assert_int_equal(decode_proto_number(named[i].name),
		    (int)named[i].number);
	}
	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if (decode_proto_number(numbers[i].text) != numbers[i].number)
			fail_msg("decode_proto_number(\"%s\") = %d, want %d",
			    numbers[i].text,
			    decode_proto_number(numbers[i].text),
			    numbers[i].number);
	/* Every name round-trips; unnamed numbers have no name. */
	for (n = 0; n < 300; n++) {
		const char *name = decode_proto_name(n);

		if (name != NULL)
			assert_int_equal(decode_proto_number(name), (int)n);
	}
	assert_null(decode_proto_name(0));
	assert_null(decode_proto_name(47));
	assert_null(decode_proto_name(256 + IPG_PROTO_TCP));
}

static void
test_linktype_supported(void **state)
{
	static const int yes[] = {
		DLT_NULL_, DLT_EN10MB_, DLT_PPP_, DLT_RAW_, DLT_RAW_OBSD_,
		DLT_PPP_SERIAL_, DLT_PPP_ETHER_, LINKTYPE_RAW_, DLT_C_HDLC_,
		DLT_IEEE802_11_, DLT_LOOP_, DLT_LINUX_SLL_,
		DLT_IEEE802_11_RADIO_, DLT_PPI_, DLT_IPV4_, DLT_IPV6_,
		DLT_NFLOG_, DLT_LINUX_SLL2_, DLT_ARCNET_, DLT_ARCNET_LINUX_,
		DLT_FRELAY_, DLT_JUNIPER_ATM1_, DLT_JUNIPER_ATM2_,
		DLT_JUNIPER_PPPOE_, DLT_JUNIPER_ETHER_, DLT_JUNIPER_PPP_,
		DLT_JUNIPER_FRELAY_, DLT_JUNIPER_CHDLC_, DLT_IEEE802_15_4_,
		DLT_IPNET_, DLT_IEEE802_15_4_NOFCS_, DLT_PKTAP_,
	};
	static const int no[] = {
		-1, 2, 6, 10, 11, 100, 130, 147, 149, 162, 197, 220, 231, 240,
		275, 277, 283, 65535, 1 << 20,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!decode_linktype_supported(yes[i]))
			fail_msg("link type %d should be supported", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (decode_linktype_supported(no[i]))
			fail_msg("link type %d should not be supported", no[i]);
}

int
main(void)
{
	const struct CMUnitTest other[] = {
		cmocka_unit_test(test_tcp_fields),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_udp_and_ipv6_lengths),
		cmocka_unit_test(test_result_reset),
		cmocka_unit_test(test_source_route),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_proto_names),
		cmocka_unit_test(test_linktype_supported),
		cmocka_unit_test(test_lowpan_addresses),
	};
	struct CMUnitTest *frames;
	size_t i;
	int failed;

	/* One cmocka test per table row, so a failure names its frame. */
	frames = calloc(NCASES, sizeof(*frames));
	if (frames == NULL)
		return 1;
	for (i = 0; i < NCASES; i++) {
		frames[i].name = cases[i].name;
		frames[i].test_func = test_frame;
		frames[i].initial_state = &cases[i];
	}
	failed = _cmocka_run_group_tests("decode_frames", frames, NCASES,
	    NULL, NULL);
	failed += cmocka_run_group_tests_name("decode_misc", other, NULL,
	    NULL);
	free(frames);
	return failed != 0;
}
