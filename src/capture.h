/* capture.h - reading capture files (pcap through libpcap, pcapng). */
#ifndef IPGRAPH_CAPTURE_H
#define IPGRAPH_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capfile;

struct cap_packet {
	int64_t		 ts_us;		/* microseconds since 1970 */
	uint32_t	 caplen;
	uint32_t	 wirelen;
	int		 linktype;	/* DLT_ or LINKTYPE_ value */
	const uint8_t	*data;		/* valid until the next capfile_next */
};

/* Bytes of a file's start that identify it (see capfile_digest). */
#define CAPFILE_DIGEST_PREFIX	(1u << 20)

/*
 * Open a pcap or pcapng file, or standard input for "-"; either may be
 * compressed with gzip, xz or zstd (zread.h).  On failure
 * returns NULL with a message naming the file in err.  Close with
 * capfile_close.
 */
struct capfile *capfile_open(const char *path, char *err, size_t errlen);
void	capfile_close(struct capfile *);

/*
 * Next packet: 1 and *pkt filled, 0 at the end, -1 when the file is
 * damaged or truncated (capfile_error names the file and the packet
 * number); packets returned before stay good.
 */
int	capfile_next(struct capfile *, struct cap_packet *pkt);
const char *capfile_error(const struct capfile *);

/*
 * How far reading has come: *done bytes of the *total the file has (for
 * a compressed file, compressed bytes).  0, or -1 when it cannot be told
 * (a pipe).
 */
int	capfile_progress(const struct capfile *, uint64_t *done,
	    uint64_t *total);

/*
 * A digest of the file's first CAPFILE_DIGEST_PREFIX bytes (all of a
 * smaller file; of a compressed file, the first decompressed bytes), as hex: the same capture imported twice has the same
 * digest, whatever its name.  Available right after open, stdin included.
 */
const char *capfile_digest(const struct capfile *);

/* "pcap" or "pcapng", and the file name as given. */
const char *capfile_format(const struct capfile *);
const char *capfile_name(const struct capfile *);

/* Human name of a link type ("EN10MB", "LINUX_SLL"...), or "DLT n". */
const char *capfile_linktype_name(int linktype, char *buf, size_t len);

#endif /* IPGRAPH_CAPTURE_H */
