/* decode.h - bounds-checked link, IP and transport header parsing. */
#ifndef IPGRAPH_DECODE_H
#define IPGRAPH_DECODE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Why a packet produced no edge, or how far decoding got.  DECODE_OK means
 * the outermost IP header was read and the edge fields are valid; the
 * transport fields may still be empty (non-first fragment, truncated
 * transport header: see the flags below).  Every other value names the first
 * thing that was wrong; the importer counts them per reason.
 */
enum decode_status {
	DECODE_OK = 0,
	DECODE_NOT_IP,		/* a frame with no IP in it (ARP, LLDP, STP...) */
	DECODE_UNKNOWN_LINKTYPE,	/* a link type we do not decode */
	DECODE_UNKNOWN_ETHERTYPE,	/* an ethertype we do not know */
	DECODE_TRUNCATED_LINK,	/* link-layer header cut short by snaplen */
	DECODE_BAD_LINK,	/* link-layer header makes no sense */
	DECODE_TRUNCATED_IP,	/* IP header cut short by snaplen */
	DECODE_BAD_IP_VERSION,	/* says IP but version is neither 4 nor 6 */
	DECODE_BAD_IP_HLEN,	/* IPv4 IHL*4 < 20 */
	DECODE_BAD_IP_LEN,	/* IPv4 total length < header length */
	DECODE_NSTATUS
};

/* Non-fatal findings, OR-ed into decode_result.notes. */
#define DECODE_NOTE_FRAGMENT	0x01	/* IPv4/IPv6 fragment */
#define DECODE_NOTE_LATER_FRAG	0x02	/* not the first fragment: no ports */
#define DECODE_NOTE_TRUNC_L4	0x04	/* transport header cut short */
#define DECODE_NOTE_BAD_L4	0x08	/* transport header length invalid */
#define DECODE_NOTE_TUNNEL	0x10	/* outer header of a tunnel */
#define DECODE_NOTE_EXT_LIMIT	0x20	/* IPv6 extension walk stopped */

/* Protocol numbers we name. */
#define IPG_PROTO_ICMP		1
#define IPG_PROTO_TCP		6
#define IPG_PROTO_UDP		17
#define IPG_PROTO_ICMPV6	58
#define IPG_PROTO_SCTP		132

/*
 * What the decoder found.  Addresses are in network byte order; an IPv4
 * address occupies the first 4 bytes and the other 12 are zero, so the
 * whole struct can be hashed and compared as bytes.  For ICMP and ICMPv6,
 * sport holds the type and dport the code.
 */
struct decode_result {
	uint8_t		ipver;		/* 4 or 6 */
	uint8_t		proto;		/* IP protocol (after IPv6 extensions) */
	uint8_t		tcp_flags;	/* low 8 bits of the TCP flags */
	uint8_t		notes;		/* DECODE_NOTE_* */
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		src[16];
	uint8_t		dst[16];
	uint32_t	tcp_seq;	/* valid when proto is TCP */
	uint32_t	tcp_ack;
	uint32_t	ip_id;		/* IPv4 ID, or IPv6 fragment ID */
	uint32_t	ip_len;		/* length the IP header claims */
	uint32_t	l4_len;		/* transport payload bytes claimed */
	/*
	 * The transport payload as captured (TCP and UDP only): a pointer
	 * into the frame, valid as long as the frame is, and its length
	 * (what was captured of it, never past the IP length); NULL, 0
	 * when there is none.
	 */
	const uint8_t	*payload;
	uint32_t	 payload_len;
};

/*
 * Decode one frame.  data points at caplen captured bytes of a frame whose
 * link type is linktype (a DLT_ value as returned by pcap_datalink).
 * Reads nothing past data + caplen.  Fills *r and returns a decode_status.
 * Pure: no I/O, no globals, no allocation; safe from any thread.
 */
int decode_packet(int linktype, const uint8_t *data, size_t caplen,
    struct decode_result *r);

/* Whether linktype is one decode_packet understands. */
int decode_linktype_supported(int linktype);

/* A short fixed name for a decode_status ("truncated IP header"...). */
const char *decode_status_name(int status);

/* "tcp", "udp", ... or NULL when the protocol has no name of ours. */
const char *decode_proto_name(unsigned proto);

/* Protocol number for a name or decimal string; -1 when unknown. */
int decode_proto_number(const char *name);

#endif /* IPGRAPH_DECODE_H */
