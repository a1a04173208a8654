/* window.c - aligned time windows of edges: placing packets, closing. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flowtable.h"
#include "window.h"

#define MAX_OPEN	16

struct window {
	int64_t			 start_s;
	struct flowtable	*ft;
	size_t			 ft_max;	/* the limit ft was made with */
	struct window_stats	 stats;
	int			 open;
};

struct windows {
	size_t			 max_edges;
	struct window_stats	 pending;	/* capture counters */
	unsigned		 seconds;
	unsigned		 grace;
	unsigned		 max_open;
	window_flush_fn		 fn;
	void			*arg;
	struct window		 w[MAX_OPEN];
	struct window		*last;		/* where the last packet went */
	int64_t			 newest_us;	/* latest packet time seen */
	int64_t			 close_s;	/* first second past an open
						   window's end + grace */
	/*
	 * Where the next packet can go without dividing its time: [lo, hi)
	 * microseconds, inside fast_w's span and before any window's close
	 * time (so newest() would close nothing).  Emptied whenever a
	 * window opens or closes; set again by the next packet.
	 */
	struct window		*fast_w;
	int64_t			 fast_lo_us;
	int64_t			 fast_hi_us;
	size_t			 hint;		/* a new table's index, in edges */
	uint64_t		 last_packets;	/* on the last packet's edge */
};

/* No packet goes the fast way until the next one sets the range again. */
static void
fast_reset(struct windows *ws)
{
	ws->fast_lo_us = INT64_MAX;
	ws->fast_hi_us = INT64_MIN;
}

struct windows *
windows_new(unsigned seconds, unsigned grace, unsigned max_open,
    size_t max_edges, window_flush_fn fn, void *arg)
{
	struct windows *ws;

	if (seconds == 0 || seconds > WINDOW_MAX_SECONDS || max_open == 0)
		return NULL;
	if ((ws = calloc(1, sizeof(*ws))) == NULL)
		return NULL;
	ws->seconds = seconds;
	ws->max_edges = max_edges;
	ws->grace = grace;
	ws->max_open = max_open > MAX_OPEN ? MAX_OPEN : max_open;
	ws->fn = fn;
	ws->arg = arg;
	ws->newest_us = INT64_MIN;
	ws->close_s = INT64_MAX;
	fast_reset(ws);
	ws->hint = 1024;
	return ws;
}

void
windows_free(struct windows *ws)
{
	unsigned i;

	if (ws == NULL)
		return;
	for (i = 0; i < MAX_OPEN; i++)
		flowtable_free(ws->w[i].ft);
	free(ws);
}

void
windows_set_max_edges(struct windows *ws, size_t max_edges)
{
	ws->max_edges = max_edges;
}

void
windows_add_capstats(struct windows *ws, uint64_t recv, uint64_t drop,
    uint64_t ifdrop)
{
	ws->pending.cap_recv += recv;
	ws->pending.cap_drop += drop;
	ws->pending.cap_ifdrop += ifdrop;
}

/* When the next open window is past its grace time (INT64_MAX: never). */
static void
set_close_s(struct windows *ws)
{
	unsigned i;

	fast_reset(ws);		/* the fast range may be stale */
	ws->close_s = INT64_MAX;
	for (i = 0; i < ws->max_open; i++)
		if (ws->w[i].open && ws->w[i].start_s + (int64_t)ws->seconds +
		    (int64_t)ws->grace < ws->close_s)
			ws->close_s = ws->w[i].start_s + (int64_t)ws->seconds +
			    (int64_t)ws->grace;
}

/*
 * Hand a window to the flush function; on success it is free again.  A
 * table left to us is kept for the next window only when no other window
 * is open: otherwise the open one grows into the memory freed here, and
 * an import holds one full table (plus the grace time's edges), not two.
 */
static int
close_window(struct windows *ws, struct window *w)
{
	size_t n = flowtable_count(w->ft);
	unsigned i;

	w->stats.cap_recv += ws->pending.cap_recv;
	w->stats.cap_drop += ws->pending.cap_drop;
	w->stats.cap_ifdrop += ws->pending.cap_ifdrop;
	if (ws->fn(ws->arg, w->start_s, ws->seconds, &w->stats, &w->ft) < 0) {
		w->stats.cap_recv -= ws->pending.cap_recv;
		w->stats.cap_drop -= ws->pending.cap_drop;
		w->stats.cap_ifdrop -= ws->pending.cap_ifdrop;
		return -1;
	}
	memset(&ws->pending, 0, sizeof(ws->pending));
	/*
	 * The next table's index starts at an eighth of this window: it is
	 * made while this one is still held (the import's peak), holding
	 * only the grace time's edges, and a whole window's index there
	 * was 0.9 MB of bench-10M's 13.5 MB peak.  Three doublings later
	 * it is full size; each rehashes the edges it holds once.
	 */
	ws->hint = n / 8 > 1024 ? n / 8 : 1024;
	memset(&w->stats, 0, sizeof(w->stats));
	w->open = 0;
	if (ws->last == w)
		ws->last = NULL;
	set_close_s(ws);
	for (i = 0; i < ws->max_open && w->ft != NULL; i++)
		if (ws->w[i].open) {
			flowtable_free(w->ft);
			w->ft = NULL;
		}
	if (w->ft != NULL)
		flowtable_clear(w->ft);
	return 0;
}

static struct window *
oldest_open(struct windows *ws, int64_t before_s)
{
	struct window *o = NULL;
	unsigned i;

	for (i = 0; i < ws->max_open; i++)
		if (ws->w[i].open && ws->w[i].start_s < before_s &&
		    (o == NULL || ws->w[i].start_s < o->start_s))
			o = &ws->w[i];
	return o;
}

int
windows_close_before(struct windows *ws, int64_t cutoff_us)
{
	struct window *w;
	int64_t cutoff_s;

	/* windows whose end <= cutoff: start <= cutoff - seconds */
	cutoff_s = cutoff_us / 1000000 - (cutoff_us % 1000000 < 0);
	while ((w = oldest_open(ws, cutoff_s - ws->seconds + 1)) != NULL)
		if (close_window(ws, w) < 0)
			return -1;
	return 0;
}

int
windows_close_all(struct windows *ws)
{
	struct window *w;

	while ((w = oldest_open(ws, INT64_MAX)) != NULL)
		if (close_window(ws, w) < 0)
			return -1;
	return 0;
}

/* Seconds to microseconds, saturating (times from damaged captures). */
static int64_t
us_of(int64_t s)
{
	if (s > INT64_MAX / 1000000)
		return INT64_MAX;
	if (s < INT64_MIN / 1000000)
		return INT64_MIN;
	return s * 1000000;
}

/*
 * A new latest time, ts_s its second: close every window whose end plus
 * the grace time it has reached (one comparison unless one has).
 */
static int
newest(struct windows *ws, int64_t ts_us, int64_t ts_s)
{
	if (ts_us <= ws->newest_us)
		return 0;
	ws->newest_us = ts_us;
	if (ts_s < ws->close_s)
		return 0;
	return windows_close_before(ws, ts_us - (int64_t)ws->grace * 1000000);
}

/*
 * A window that is not open, preferring one that kept its table: taking
 * a window without one while a cleared table sits idle would keep a table
 * per window slot ever used (three for two open windows, say), each sized
 * for a whole window.  NULL when all are open.
 */
static struct window *
free_window(struct windows *ws)
{
	struct window *f = NULL;
	unsigned i;

	for (i = 0; i < ws->max_open; i++) {
		if (ws->w[i].open)
			continue;
		if (ws->w[i].ft != NULL)
			return &ws->w[i];
		if (f == NULL)
			f = &ws->w[i];
	}
	return f;
}

/* Find or open the window starting at start_s. */
static struct window *
window_for(struct windows *ws, int64_t start_s, int *err)
{
	struct window *free_w;
	unsigned i;

	*err = 0;
	for (i = 0; i < ws->max_open; i++)
		if (ws->w[i].open && ws->w[i].start_s == start_s)
			return &ws->w[i];
	/* a new window (what the grace time has passed is closed already) */
	if ((free_w = free_window(ws)) == NULL) {
		free_w = oldest_open(ws, INT64_MAX);
		if (close_window(ws, free_w) < 0) {
			*err = 1;
			return NULL;
		}
	}
	if (free_w->ft != NULL && free_w->ft_max != ws->max_edges) {
		/* the limit may have changed since this table was made */
		flowtable_free(free_w->ft);
		free_w->ft = NULL;
	}
	if (free_w->ft == NULL && (free_w->ft = flowtable_new(ws->hint,
	    ws->max_edges)) == NULL) {
		*err = 1;
		return NULL;
	}
	free_w->ft_max = ws->max_edges;
	free_w->open = 1;
	free_w->start_s = start_s;
	fast_reset(ws);
	if (start_s + (int64_t)ws->seconds + (int64_t)ws->grace < ws->close_s)
		ws->close_s = start_s + (int64_t)ws->seconds +
		    (int64_t)ws->grace;
	return free_w;
}

/* Copy out what counting needs; no prefetch. */
static void
prepare(struct windows_pkt *p, int64_t ts_us, uint32_t wirelen, int status,
    const struct packet *r)
{
	p->ts_us = ts_us;
	p->wirelen = wirelen;
	p->status = status;
	if (status != DECODE_OK)
		return;
	flowtable_key(&p->key, r);
	p->hash = flowtable_hash(&p->key);
	p->tcp_flags = r->tcp_flags;
}

void
windows_prepare(const struct windows *ws, struct windows_pkt *p,
    int64_t ts_us, uint32_t wirelen, int status, const struct packet *r)
{
	prepare(p, ts_us, wirelen, status, r);
	/*
	 * The window the last packet went to is where nearly every packet
	 * goes; the fast range is empty when it is not open, so its table
	 * is there.  Any other window: no hint.
	 */
	if (status == DECODE_OK && ts_us >= ws->fast_lo_us &&
	    ts_us < ws->fast_hi_us)
		flowtable_prefetch(ws->fast_w->ft, p->hash);
}

void
windows_prefetch(const struct windows *ws, const struct windows_pkt *p)
{
	if (p->status == DECODE_OK && p->ts_us >= ws->fast_lo_us &&
	    p->ts_us < ws->fast_hi_us)
		flowtable_prefetch_edge(ws->fast_w->ft, p->hash);
}

int
windows_packet(struct windows *ws, int64_t ts_us, uint32_t wirelen,
    int status, const struct packet *r)
{
	struct windows_pkt p;

	prepare(&p, ts_us, wirelen, status, r);
	return windows_count(ws, &p);
}

int
windows_count(struct windows *ws, const struct windows_pkt *p)
{
	struct window *w;
	struct flow_key k;
	int64_t ts_us = p->ts_us, ts_s, start_s;
	uint32_t wirelen = p->wirelen;
	int err;

	if (ts_us >= ws->fast_lo_us && ts_us < ws->fast_hi_us) {
		/* nearly every packet: no division, no window to close */
		if (ts_us > ws->newest_us)
			ws->newest_us = ts_us;
		w = ws->last = ws->fast_w;
		goto counted;
	}
	ts_s = ts_us / 1000000 - (ts_us % 1000000 < 0);
	start_s = ts_s - (ts_s % ws->seconds + ws->seconds) % ws->seconds;
	if (newest(ws, ts_us, ts_s) < 0)
		return -1;
	w = ws->last;
	if (w == NULL || !w->open || w->start_s != start_s) {
		if ((w = window_for(ws, start_s, &err)) == NULL)
			return -1;
		ws->last = w;
	}
	ws->fast_w = w;
	ws->fast_lo_us = us_of(start_s);
	ws->fast_hi_us = us_of(start_s + (int64_t)ws->seconds);
	if (ws->close_s != INT64_MAX && us_of(ws->close_s) < ws->fast_hi_us)
		ws->fast_hi_us = us_of(ws->close_s);
counted:
	w->stats.frames++;
	w->stats.bytes += wirelen;
	ws->last_packets = 0;
	if (p->status != DECODE_OK) {
		w->stats.undecoded++;
		return 0;
	}
	if (flowtable_add_hash(w->ft, &p->key, p->hash, p->tcp_flags, wirelen,
	    ts_us) == 0) {
		ws->last_packets = flowtable_last_packets(w->ft);
		return 0;
	}
	/* the window is full (or memory ran out): the overflow edge */
	k = p->key;
	memset(k.src, 0, sizeof(k.src));
	memset(k.dst, 0, sizeof(k.dst));
	k.sport = k.dport = 0;
	w->stats.overflow++;
	if (flowtable_add_force(w->ft, &k, p->tcp_flags, wirelen, ts_us) < 0) {
		/* out of memory: the frame is counted, its edge is not */
		w->stats.undecoded++;
		return -1;
	}
	return 0;
}

int
windows_flow(struct windows *ws, const struct flow_key *key,
    uint8_t tcp_flags, uint64_t packets, uint64_t bytes, int64_t first_us,
    int64_t last_us)
{
	struct window *w;
	struct flow_key k = *key;
	int64_t ts_s, start_s;
	int err;

	ts_s = first_us / 1000000 - (first_us % 1000000 < 0);
	start_s = ts_s - (ts_s % ws->seconds + ws->seconds) % ws->seconds;
	if (newest(ws, first_us, ts_s) < 0)
		return -1;
	w = ws->last;
	if (w == NULL || !w->open || w->start_s != start_s) {
		if ((w = window_for(ws, start_s, &err)) == NULL)
			return -1;
		ws->last = w;
	}
	w->stats.frames += packets;
	w->stats.bytes += bytes;
	ws->last_packets = 0;
	/* stored times are offsets in the window: a long flow's end is cut */
	if (last_us < first_us)
		last_us = first_us;
	if (last_us >= (start_s + (int64_t)ws->seconds) * 1000000)
		last_us = (start_s + (int64_t)ws->seconds) * 1000000 - 1;
	if (flowtable_add_flow(w->ft, &k, tcp_flags, packets, bytes,
	    first_us, last_us, 0) == 0)
		return 0;
	memset(k.src, 0, sizeof(k.src));
	memset(k.dst, 0, sizeof(k.dst));
	k.sport = k.dport = 0;
	w->stats.overflow += packets;
	if (flowtable_add_flow(w->ft, &k, tcp_flags, packets, bytes,
	    first_us, last_us, 1) < 0) {
		w->stats.undecoded += packets;
		return -1;
	}
	return 0;
}

uint64_t
windows_last_packets(const struct windows *ws)
{
	return ws->last_packets;
}

const struct flowtable *
windows_newest(const struct windows *ws, int64_t *start_s,
    struct window_stats *stats)
{
	const struct window *n = NULL;
	unsigned i;

	for (i = 0; i < MAX_OPEN; i++)
		if (ws->w[i].open && (n == NULL || ws->w[i].start_s > n->start_s))
			n = &ws->w[i];
	if (n == NULL)
		return NULL;
	*start_s = n->start_s;
	*stats = n->stats;
	return n->ft;
}

size_t
windows_open_edges(const struct windows *ws)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < MAX_OPEN; i++)
		if (ws->w[i].open)
			n += flowtable_count(ws->w[i].ft);
	return n;
}

size_t
windows_memory(const struct windows *ws)
{
	size_t n = sizeof(*ws);
	unsigned i;

	for (i = 0; i < MAX_OPEN; i++)
		if (ws->w[i].ft != NULL)
			n += flowtable_memory(ws->w[i].ft);
	return n;
}
