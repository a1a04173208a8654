/* pcapng.h - a bounds-checked reader for pcapng capture files. */
#ifndef IPGRAPH_PCAPNG_H
#define IPGRAPH_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * libpcap 1.10 refuses pcapng files whose interfaces differ in link type or
 * snapshot length, which multi-interface captures routinely do; this reader
 * keeps each interface's own link type and timestamp resolution.
 */
struct pcapng;

struct pcapng_packet {
	int64_t		 ts_us;		/* capture time, microseconds since 1970 */
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 wirelen;	/* length on the wire */
	int		 linktype;	/* LINKTYPE_ of the packet's interface */
	uint32_t	 ifindex;	/* interface number within its section */
	const uint8_t	*data;		/* valid until the next pcapng_next */
};

/* Whether the first bytes of a file are a pcapng Section Header Block. */
int pcapng_is_pcapng(const uint8_t *buf, size_t len);

/*
 * Start reading fp, positioned at a Section Header Block.  On success the
 * reader owns fp (pcapng_close closes it).  On failure returns NULL, writes
 * a message to err and leaves fp open.
 */
struct pcapng *pcapng_open(FILE *fp, char *err, size_t errlen);

/*
 * Next packet.  Returns 1 and fills *pkt, 0 at a clean end of file, or -1
 * on a damaged or truncated file (pcapng_error says what and where); the
 * packets returned before stay valid data.
 */
int pcapng_next(struct pcapng *png, struct pcapng_packet *pkt);

/* The last error, naming the byte offset of the bad block. */
const char *pcapng_error(const struct pcapng *png);

/* Link type of the first interface, or -1 when there is none yet. */
int pcapng_first_linktype(const struct pcapng *png);

/* Closes the file and frees the reader; NULL is a no-op. */
void pcapng_close(struct pcapng *png);

#endif /* IPGRAPH_PCAPNG_H */
