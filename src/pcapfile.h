/* pcapfile.h - classic pcap records parsed in place, without a copy. */
#ifndef IPGRAPH_PCAPFILE_H
#define IPGRAPH_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

struct cap_packet;

/* Bytes of the file header and of a record header. */
#define PCAPFILE_HDRLEN		24
#define PCAPFILE_RECHDRLEN	16

/* The longest snapshot length taken (libpcap's MAXIMUM_SNAPLEN). */
#define PCAPFILE_SNAP_MAX	262144u

/*
 * The file header of a classic pcap file (pcap-savefile(5)), for the
 * files this reader takes: magic a1b2c3d4 (microseconds) or a1b23c4d
 * (nanoseconds) in either byte order, version 2.4, a snapshot length of
 * 1 to 262144 and a link type whose packets libpcap hands over as they
 * are in the file.  libpcap reads every other file (and every odd record,
 * see pcapfile_record), so that what ipgraph imports does not depend on
 * which of the two read it.
 */
struct pcapfile {
	int		 swapped;	/* not in this host's byte order */
	int		 nsec;		/* nanosecond time stamps */
	uint32_t	 snaplen;
	int		 linktype;	/* DLT_ value, as pcap_datalink says */
};

/*
 * Parse the file header in the n bytes at p.  1 when this reader takes
 * the file (*pf filled), 0 when it is for libpcap: another magic, a
 * version other than 2.4, a snapshot length of 0 or above 262144, a link
 * type with FCS bits or one whose headers libpcap rewrites (Linux USB,
 * NFLOG), or fewer than PCAPFILE_HDRLEN bytes.
 */
int	pcapfile_header(const uint8_t *p, size_t n, struct pcapfile *pf);

/*
 * The record at the start of the n bytes at p.  1: *pkt filled, its data
 * pointing into p (valid as long as those bytes are), *used set to the
 * record's size.  0: the record header or its data is not all within the
 * n bytes (read more; at the end of the file, a truncated record).  -1:
 * its captured length exceeds the snapshot length, which libpcap either
 * cuts down or refuses; the caller leaves the record to libpcap.
 * The time stamp is converted as libpcap 1.10 does when asked for
 * microseconds (see pcapfile.c), nanoseconds divided by 1000 rounding
 * toward zero.
 */
int	pcapfile_record(const struct pcapfile *pf, const uint8_t *p, size_t n,
	    struct cap_packet *pkt, size_t *used);

#endif /* IPGRAPH_PCAPFILE_H */
