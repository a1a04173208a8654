/* decode.h - bounds-checked link, IP and transport header parsing. */
#ifndef IPGRAPH_DECODE_H
#define IPGRAPH_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/*
 * Why a packet produced no edge, or how far decoding got.  DECODE_OK means
 * the outermost IP header was read and the edge fields are valid; the
 * transport fields may still be empty (non-first fragment, truncated
 * transport header: see the notes in packet.h).  Every other value names the first
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

/* Protocol numbers we name. */
#define IPG_PROTO_ICMP		1
#define IPG_PROTO_TCP		6
#define IPG_PROTO_UDP		17
#define IPG_PROTO_ICMPV6	58
#define IPG_PROTO_SCTP		132

/*
 * Decode one frame.  data points at caplen captured bytes of a frame whose
 * link type is linktype (a DLT_ value as returned by pcap_datalink).
 * Reads nothing past data + caplen.  Zeroes *r, fills its header fields
 * (the caller sets ts_us and wirelen) and returns a decode_status.
 * Pure: no I/O, no globals, no allocation; safe from any thread.
 */
int decode_packet(int linktype, const uint8_t *data, size_t caplen,
    struct packet *r);

/* Whether linktype is one decode_packet understands. */
int decode_linktype_supported(int linktype);

/* A short fixed name for a decode_status ("truncated IP header"...). */
const char *decode_status_name(int status);

/* "tcp", "udp", ... or NULL when the protocol has no name of ours. */
const char *decode_proto_name(unsigned proto);

/* Protocol number for a name or decimal string; -1 when unknown. */
int decode_proto_number(const char *name);

#endif /* IPGRAPH_DECODE_H */
