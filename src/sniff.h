/* sniff.h - live capture on one interface through libpcap. */
#ifndef IPGRAPH_SNIFF_H
#define IPGRAPH_SNIFF_H

#include <stddef.h>
#include <stdint.h>

struct sniff;
struct sniff_match;

struct sniff_opts {
	unsigned	 snaplen;
	int		 promisc;
	unsigned	 buffer_size;	/* kernel buffer, bytes */
	const char	*filter;	/* BPF, or NULL */
};

/* One packet: time in microseconds, lengths, link type, bytes. */
typedef void (*sniff_fn)(void *arg, int64_t ts_us, uint32_t caplen,
    uint32_t wirelen, int linktype, const uint8_t *data);

/*
 * Open and activate iface non-blocking (needs CAP_NET_RAW).  On failure
 * returns NULL with a message naming the interface in err, and sets
 * *absent when the interface does not exist (yet), so the caller can retry
 * later rather than give up.
 */
struct sniff *sniff_open(const char *iface, const struct sniff_opts *,
	    int *absent, char *err, size_t errlen);
void	sniff_close(struct sniff *);

/* The descriptor to poll for readability, or -1. */
int	sniff_fd(const struct sniff *);
const char *sniff_name(const struct sniff *);

/*
 * Hand at most max packets to fn.  Returns how many, or -1 when the
 * interface failed (went away): sniff_error says why, and the handle
 * should be closed and reopened later.
 */
int	sniff_dispatch(struct sniff *, int max, sniff_fn fn, void *arg);
const char *sniff_error(const struct sniff *);

/*
 * How long after a frame arrives the kernel normally has handed it to user
 * space: three block timeouts (see sniff.c).  Callers wait this long past
 * a time before they ask for proof (sniff_drain) that everything stamped
 * before it has been read.
 */
#define SNIFF_SETTLE_US		300000
/* How long past that sniff_flush_until waits for the proof at most. */
#define SNIFF_GIVEUP_US		2000000

/*
 * Read every frame the kernel has handed over (to fn) and tell whether
 * every frame stamped before until_us (timefmt_now's clock) has been
 * read: 1 when so, shown by a frame stamped at or after until_us having
 * been read (the kernel fills the ring in arrival order) or by as many
 * frames read as the kernel took; 0 when it cannot be told yet; -1 when
 * the handle failed (sniff_error).  Never waits.
 */
int	sniff_drain(struct sniff *, int64_t until_us, sniff_fn fn, void *arg);

/*
 * sniff_drain until it says 1, napping while nothing comes, waiting at
 * most until until_us + SNIFF_GIVEUP_US.  1, 0 when it gave up (frames
 * stamped before until_us may still be in the kernel), or -1.
 */
int	sniff_flush_until(struct sniff *, int64_t until_us, sniff_fn fn,
	    void *arg);

/*
 * At shutdown: hand over everything the kernel still holds, including
 * packets in a ring block not yet handed to user space (TPACKET_V3 does
 * that only when a block fills or its timeout expires): sniff_flush_until
 * SNIFF_SETTLE_US from now.  1, 0 or -1 as that.
 */
int	sniff_flush(struct sniff *, sniff_fn fn, void *arg);

/*
 * Frames the kernel put in the ring that have not been read: 0 after
 * sniff_drain said 1 by count, else an upper bound of what closing s now
 * would lose (it counts frames libpcap's own filter turned away, too).
 */
uint64_t sniff_unread(struct sniff *);

/*
 * Kernel counters since the previous call (pcap_stats wraps at 32 bits;
 * the deltas do not), and when unread is not NULL, sniff_unread of the
 * same reading (so that what is taken off recv for it was in recv).  0,
 * or -1 when the counters cannot be read.
 */
int	sniff_stats(struct sniff *, uint64_t *recv, uint64_t *drop,
	    uint64_t *ifdrop, uint64_t *unread);

/*
 * A BPF filter compiled for the link type of s, to test packets in user
 * space (the [seq] filter: which packets become events).  NULL with err
 * on a bad filter.
 */
struct sniff_match *sniff_match_new(const struct sniff *, const char *filter,
	    char *err, size_t errlen);
/* The same for a link type (DLT_*), for packets read from files. */
struct sniff_match *sniff_match_dlt(int dlt, const char *filter, char *err,
	    size_t errlen);
int	sniff_match(const struct sniff_match *, const uint8_t *data,
	    uint32_t caplen, uint32_t wirelen);
void	sniff_match_free(struct sniff_match *);

/*
 * Whether filter compiles (for Ethernet, the link type of nearly every
 * interface a sensor watches): for --check-config and for the [seq]
 * filter before it is used.  0 (also for NULL or ""), or -1 with err.
 */
int	sniff_filter_check(const char *filter, char *err, size_t errlen);

/* The first interface that is up and not a loopback, or NULL. */
char	*sniff_default_iface(char *err, size_t errlen);

#endif /* IPGRAPH_SNIFF_H */
