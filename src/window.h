/* window.h - aligned time windows of edges: placing packets, closing. */
#ifndef IPGRAPH_WINDOW_H
#define IPGRAPH_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "flowtable.h"

struct packet;
struct flowtable;
struct windows;

/* Per-window counters besides the edges. */
struct window_stats {
	uint64_t	frames;		/* every frame seen, IP or not */
	uint64_t	bytes;		/* their lengths on the wire */
	uint64_t	undecoded;	/* frames that made no edge */
	uint64_t	cap_recv;	/* pcap_stats deltas (live capture) */
	uint64_t	cap_drop;
	uint64_t	cap_ifdrop;
	uint64_t	overflow;	/* packets on overflow edges (max_edges) */
};

/* Longest window we accept: first/last offsets must fit comfortably. */
#define WINDOW_MAX_SECONDS	86400

/*
 * Called with each closed window, oldest first.  The callee may take the
 * table (set *ftp to NULL; it then frees it with flowtable_free) or leave
 * it, to be cleared and reused.  Returns 0, or -1 when the window could not
 * be stored; the window is then kept open and the error is returned to the
 * caller of windows_packet / windows_close_*.
 */
typedef int (*window_flush_fn)(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *, struct flowtable **ftp);

/*
 * Windows of seconds length, aligned to multiples of seconds since 1970 and
 * placed by each packet's own time.  A window closes once a packet at least
 * grace seconds past its end has been seen (or by windows_close_before).
 * At most max_open windows are open at once; a packet for yet another one
 * closes the oldest.  A window holds at most max_edges edges (0: no
 * limit); the packets of edges that do not fit are counted on an overflow
 * edge per IP version and protocol, with unspecified addresses (0.0.0.0 or
 * ::) and ports 0, and in the window's overflow counter.  NULL on bad
 * arguments or no memory.
 */
struct windows *windows_new(unsigned seconds, unsigned grace,
	    unsigned max_open, size_t max_edges, window_flush_fn fn,
	    void *arg);

/* Change the limit for windows opened from now on. */
void	windows_set_max_edges(struct windows *, size_t max_edges);

/*
 * Capture counters (pcap_stats deltas) to be stored with the next window
 * that closes.
 */
void	windows_add_capstats(struct windows *, uint64_t recv, uint64_t drop,
	    uint64_t ifdrop);
void	windows_free(struct windows *);

/*
 * Account one frame captured at ts_us of wirelen bytes.  status is what
 * decode_packet returned; r is only read when it is DECODE_OK.  Returns 0,
 * or -1 when closing a window failed (the frame is still counted).
 */
int	windows_packet(struct windows *, int64_t ts_us, uint32_t wirelen,
	    int status, const struct packet *r);

/*
 * windows_packet in two steps, for a caller that can decode the next
 * frame before it counts this one: windows_prepare copies out of r what
 * counting needs (r and its frame may go afterwards) and asks for the
 * cache line the edge's lookup will start at; windows_count counts it,
 * as windows_packet would have.  Packets must still be counted in the
 * order they came; the prefetch is only a hint, right or wrong whatever
 * windows open or close before the count.
 */
struct windows_pkt {
	int64_t		ts_us;
	uint32_t	wirelen;
	int		status;
	struct flow_key	key;		/* when status is DECODE_OK */
	uint32_t	hash;		/* flowtable_hash(&key) */
	uint8_t		tcp_flags;
};

void	windows_prepare(const struct windows *, struct windows_pkt *p,
	    int64_t ts_us, uint32_t wirelen, int status,
	    const struct packet *r);
int	windows_count(struct windows *, const struct windows_pkt *p);

/*
 * Between the two, for a caller that prepares more than one packet ahead
 * of counting: with p's index slot fetched, ask for its edge too
 * (flowtable_prefetch_edge).  A hint, as windows_prepare's.
 */
void	windows_prefetch(const struct windows *, const struct windows_pkt *p);

/*
 * Account one flow record (a collector's input) whole in the window its
 * first_us falls in: packets frames of bytes, edge k.  Frames and bytes
 * of the window grow as for packets; an edge that does not fit goes to
 * the overflow edge.  0, or -1 as windows_packet.
 */
struct flow_key;
int	windows_flow(struct windows *, const struct flow_key *k,
	    uint8_t tcp_flags, uint64_t packets, uint64_t bytes,
	    int64_t first_us, int64_t last_us);

/*
 * Packets counted so far, in its window, on the edge of the last packet
 * given to windows_packet (1 for a new edge); 0 when it made no edge or
 * went to an overflow edge.
 */
uint64_t windows_last_packets(const struct windows *);

/* Close every window that ends at or before cutoff_us. */
int	windows_close_before(struct windows *, int64_t cutoff_us);

/* Close every open window (end of input, shutdown). */
int	windows_close_all(struct windows *);

/*
 * The newest open window: its table (read only, valid until the next call
 * into windows_*), start and counters; NULL when no window is open.
 */
const struct flowtable *windows_newest(const struct windows *,
	    int64_t *start_s, struct window_stats *stats);

/* Edges in the open windows together, and memory they hold. */
size_t	windows_open_edges(const struct windows *);
size_t	windows_memory(const struct windows *);

#endif /* IPGRAPH_WINDOW_H */
