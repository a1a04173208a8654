/* packet.h - one packet: what the decoder found, a stored event, an arrow. */
#ifndef IPGRAPH_PACKET_H
#define IPGRAPH_PACKET_H

#include <stdint.h>

/*
 * Notes on a packet, OR-ed into packet.notes.  The decoder sets the
 * first six; readers of stored events and text exports set the last two
 * when a field they fill is not known.
 */
#define DECODE_NOTE_FRAGMENT	0x01	/* IPv4/IPv6 fragment */
#define DECODE_NOTE_LATER_FRAG	0x02	/* not the first fragment: no ports */
#define DECODE_NOTE_TRUNC_L4	0x04	/* transport header cut short */
#define DECODE_NOTE_BAD_L4	0x08	/* transport header length invalid */
#define DECODE_NOTE_TUNNEL	0x10	/* outer header of a tunnel */
#define DECODE_NOTE_EXT_LIMIT	0x20	/* IPv6 extension walk stopped */
#define PACKET_NO_PORTS		0x40	/* ports (and TCP seq/ack) unknown */
#define PACKET_NO_L4LEN		0x80	/* l4_len (and ip_len) unknown */

/*
 * One packet, as the decoder returns it (decode_packet), as ipgraphd
 * samples it into the events table and store_events reads it back, and
 * as a sequence diagram draws it (seq_add_packet): the same record from
 * the wire to the picture, so no stage copies it field by field.
 *
 * Addresses are in network byte order; an IPv4 address occupies the
 * first 4 bytes and the other 12 are zero.  For ICMP and ICMPv6, sport
 * holds the type and dport the code.  The decoder zeroes the record and
 * fills the header fields; the reader of the frame sets ts_us and
 * wirelen.
 */
struct packet {
	int64_t		 ts_us;		/* capture time, the point's own clock */
	uint32_t	 wirelen;	/* frame length on the wire */
	uint8_t		 ipver;		/* 4 or 6 */
	uint8_t		 proto;		/* IP protocol (after IPv6 extensions),
					   0 when unknown */
	uint8_t		 tcp_flags;	/* low 8 bits of the TCP flags */
	uint8_t		 notes;		/* DECODE_NOTE_*, PACKET_* */
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint32_t	 tcp_seq;	/* valid when proto is TCP */
	uint32_t	 tcp_ack;
	uint32_t	 ip_id;		/* IPv4 ID, or IPv6 fragment ID */
	uint32_t	 ip_len;	/* length the IP header claims */
	uint32_t	 l4_len;	/* transport payload bytes claimed
					   (TCP: tcp.len) */
	/*
	 * The transport payload as captured (TCP and UDP only): a pointer
	 * into the frame, valid as long as the frame is, and its length
	 * (what was captured of it, never past the IP length); NULL, 0
	 * when there is none.  Whoever keeps the record past the frame
	 * clears it.
	 */
	const uint8_t	*payload;
	uint32_t	 payload_len;
	/*
	 * Borrowed strings, valid as long as their source is: the sensor
	 * of an event (store_events), and for packets read from a text
	 * export (Wireshark CSV) its Info and Protocol columns, which are
	 * all there is ("HTTP", "TLSv1.3"...).  seq_add_packet copies info
	 * and proto_name and drops the rest.
	 */
	const char	*sensor;
	const char	*info;
	const char	*proto_name;
};

/* Whether the ports (and for TCP, seq and ack) of p are known. */
#define PACKET_HAS_L4(p)	(((p)->notes & (DECODE_NOTE_LATER_FRAG | \
				    DECODE_NOTE_TRUNC_L4 | PACKET_NO_PORTS)) == 0)

#endif
