/* collector.c - ipgraphd's [ipfix] listen: flows from exporters to windows. */

/*
 * Which window a flow goes to: the one its start time falls in, whole
 * (packets and bytes are not split across the windows a long flow spans).
 * Splitting in proportion to time would invent fractional packets and
 * make the stored counts differ from the exporter's; assigning to the
 * start keeps every count exact and is what nfdump does with its files.
 * A flow that arrives after its window was written (an exporter's active
 * timeout is longer than our grace) opens that window again; the store
 * adds it to the stored one.
 */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "collector.h"
#include "flowin.h"
#include "flowtable.h"
#include "ipfix_out.h"
#include "log.h"
#include "timefmt.h"
#include "window.h"
#include "writer.h"

/* Datagrams read per wake-up, so the capture is never starved. */
#define READ_BATCH	256
/* Records between two checks of the open windows' size. */
#define MEM_CHECK_EVERY	1024
/* Windows open at once per exporter (window.c allows 16 at most). */
#define SRC_MAX_OPEN	16
/*
 * Flows come in the order the exporter expires them, not by start time:
 * placing one must not close the windows of the others, as a packet's
 * time does for captures.  Windows close by the clock alone (the tick).
 */
#define FLOW_PLACE_GRACE	(366u * 86400)

struct collector {
	int		 fd;
	struct event	*ev;
	struct flowin	*fi;
	struct writer	*wr;
	uint64_t	 nflows;	/* records taken, for the memory check */
	unsigned	 seconds;
	unsigned	 grace;
	size_t		 max_edges;
	unsigned	 max_rate;
	/* per source: rate drops already logged, and when */
	uint64_t	 rate_logged[FLOWIN_MAX_SOURCES];
	int64_t		 rate_log_us[FLOWIN_MAX_SOURCES];
	uint8_t		 buf[65536];
};

/* The caller's state of one exporter/domain (flowin_src.user). */
struct csrc {
	struct collector *c;
	struct windows	*ws;
	char		 sensor[64];
};

static int
to_writer(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *st, struct flowtable **ftp)
{
	struct csrc *s = arg;

	writer_submit_as(s->c->wr, s->sensor, start_s, seconds, st, *ftp);
	*ftp = NULL;
	return 0;
}

static void
csrc_free(void *p)
{
	struct csrc *s = p;

	if (s == NULL)
		return;
	windows_free(s->ws);
	free(s);
}

/*
 * The exporters' open windows together hold at most about max_edges
 * edges (the bound of one capture window): past it every open window is
 * handed to the writer now; what comes later for them is added to the
 * stored windows.  Many exporters cost writes, not unbounded memory.
 */
static void
mem_check(struct collector *c)
{
	size_t i, n = flowin_nsources(c->fi), edges = 0;
	struct csrc *s;

	if (c->max_edges == 0)
		return;
	for (i = 0; i < n; i++)
		if ((s = flowin_source(c->fi, i)->user) != NULL)
			edges += windows_open_edges(s->ws);
	if (edges <= c->max_edges)
		return;
	log_debug("collector: %zu open edges, past %zu: writing them now",
	    edges, c->max_edges);
	for (i = 0; i < n; i++)
		if ((s = flowin_source(c->fi, i)->user) != NULL)
			windows_close_all(s->ws);
}

static void
on_flow(void *arg, struct flowin_src *src, const struct flowin_rec *r)
{
	struct collector *c = arg;
	struct csrc *s = src->user;
	struct flow_key k;

	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return;
		s->c = c;
		snprintf(s->sensor, sizeof(s->sensor), "%s", src->name);
		s->ws = windows_new(c->seconds, FLOW_PLACE_GRACE, SRC_MAX_OPEN,
		    c->max_edges, to_writer, s);
		if (s->ws == NULL) {
			free(s);
			return;
		}
		src->user = s;
		log_info("collector: new exporter %s", s->sensor);
	}
	memset(&k, 0, sizeof(k));
	k.ipver = (uint8_t)r->ipver;
	k.proto = r->proto;
	k.sport = r->sport;
	k.dport = r->dport;
	memcpy(k.src, r->src, r->ipver == 6 ? 16 : 4);
	memcpy(k.dst, r->dst, r->ipver == 6 ? 16 : 4);
	windows_flow(s->ws, &k, r->tcp_flags, r->packets, r->bytes,
	    r->first_us, r->last_us);
	if (++c->nflows % MEM_CHECK_EVERY == 0)
		mem_check(c);
}

/* Read at most max datagrams; returns how many were read. */
static int
drain(struct collector *c, int max)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t n;
	uint8_t a[16];
	int i, ver;

	for (i = 0; i < max; i++) {
		sl = sizeof(ss);
		n = recvfrom(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &sl);
		if (n < 0)
			break;
		if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (void *)&ss;

			memcpy(a, &s6->sin6_addr, 16);
			ver = 6;
			/* v4-mapped: the IPv4 exporter it is */
			if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) ==
			    0) {
				memmove(a, a + 12, 4);
				ver = 4;
			}
		} else {
			const struct sockaddr_in *s4 = (void *)&ss;

			memcpy(a, &s4->sin_addr, 4);
			ver = 4;
		}
		flowin_packet(c->fi, ver, a, c->buf, (size_t)n,
		    timefmt_now(), on_flow, c);
	}
	return i;
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg, READ_BATCH);
}

struct collector *
collector_start(struct event_base *base, const char *addrport,
    unsigned seconds, unsigned grace, size_t max_edges, unsigned max_rate,
    struct writer *wr, char *err, size_t errlen)
{
	struct collector *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->seconds = seconds;
	c->grace = grace;
	c->max_edges = max_edges;
	c->max_rate = max_rate;
	c->wr = wr;
	if ((c->fd = ipfix_udp_bind(addrport, err, errlen)) < 0) {
		free(c);
		return NULL;
	}
	if ((c->fi = flowin_new(csrc_free)) == NULL ||
	    (c->ev = event_new(base, c->fd, EV_READ | EV_PERSIST, on_readable,
	    c)) == NULL || event_add(c->ev, NULL) != 0) {
		snprintf(err, errlen, "out of memory");
		collector_free(c);
		return NULL;
	}
	flowin_set_rate(c->fi, max_rate);
	return c;
}

/*
 * An exporter over max_rate loses datagrams: say which, and how many,
 * at most once a minute for each (all are counted in /metrics).
 */
static void
rate_log(struct collector *c, int64_t now_us)
{
	size_t i, n = flowin_nsources(c->fi);
	struct flowin_src *src;

	for (i = 0; i < n && i < FLOWIN_MAX_SOURCES; i++) {
		src = flowin_source(c->fi, i);
		if (src->rate_limited == c->rate_logged[i] ||
		    (c->rate_log_us[i] != 0 &&
		    now_us - c->rate_log_us[i] < 60 * 1000000LL))
			continue;
		log_warnx("collector: exporter %s sends over [ipfix] "
		    "max_rate (%u datagrams a second): %llu more dropped, "
		    "%llu in all", src->name, c->max_rate,
		    (unsigned long long)(src->rate_limited - c->rate_logged[i]),
		    (unsigned long long)src->rate_limited);
		c->rate_logged[i] = src->rate_limited;
		c->rate_log_us[i] = now_us;
	}
}

/* Each exporter's windows: close those ended before cutoff, or all. */
static void
close_windows(struct collector *c, int64_t cutoff_us, int all)
{
	size_t i, n = flowin_nsources(c->fi);
	struct csrc *s;

	for (i = 0; i < n; i++) {
		if ((s = flowin_source(c->fi, i)->user) == NULL)
			continue;
		if (all)
			windows_close_all(s->ws);
		else
			windows_close_before(s->ws, cutoff_us);
	}
}

void
collector_tick(struct collector *c, int64_t now_us)
{
	if (c == NULL)
		return;
	close_windows(c, now_us - (int64_t)c->grace * 1000000, 0);
	rate_log(c, now_us);
}

void
collector_close_all(struct collector *c)
{
	int i;

	if (c == NULL)
		return;
	/* what already arrived is stored, within reason (a flood stops) */
	for (i = 0; i < 64 && drain(c, READ_BATCH) == READ_BATCH; i++)
		;
	close_windows(c, 0, 1);
	rate_log(c, 1);	/* the last drops, whenever the last line was */
}

void
collector_stats(const struct collector *c, struct flowin_stats *st)
{
	if (c == NULL)
		memset(st, 0, sizeof(*st));
	else
		flowin_get_stats(c->fi, st);
}

void
collector_free(struct collector *c)
{
	if (c == NULL)
		return;
	if (c->ev != NULL)
		event_free(c->ev);
	flowin_free(c->fi);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}
