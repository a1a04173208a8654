/* ipgraphd.c - the sensor daemon: capture, windows, writer, event loop. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <net/if.h>

#include <event2/event.h>

#include "addr.h"
#include "buf.h"
#include "check.h"
#include "alert.h"
#include "collector.h"
#include "conf.h"
#include "daemon.h"
#include "decode.h"
#include "export.h"
#include "flowtable.h"
#include "http.h"
#include "http_files.h"
#include "ipfix.h"
#include "ipfix_out.h"
#include "log.h"
#include "namebook.h"
#include "services.h"
#include "sniff.h"
#include "stats.h"
#include "store.h"
#include "timefmt.h"
#include "window.h"
#include "writer.h"
#include "worker.h"

/* Windows kept open at once: the current one and late stragglers. */
#define DAEMON_MAX_OPEN		4
/* Interface retry back-off, seconds: 1 doubling to this. */
#define RETRY_MAX		60
/* How often kernel counters are read and the status line refreshed. */
#define STATS_EVERY		10
/* Packet events buffered between two ticks at most; more are counted. */
#define EVENTS_MAX		65536
/* The smallest buffer of events a tick starts with. */
#define EVENTS_FIRST		256
/*
 * Nice levels the query, reverse DNS, live and alert threads run below
 * the capture and the writer (worker_background).
 */
#define THREAD_NICE		10
/* TCP flags that make every packet an event: FIN, SYN, RST. */
#define EVENT_TCP_FLAGS		0x07

/*
 * Capture handles of one interface still being read after a filter
 * change (see swap_filter), besides the current one: each holds a kernel
 * ring of [capture] buffer_size bytes, so an interface has at most
 * 1 + SWAP_MAX of them.
 */
#define SWAP_MAX		3
/*
 * How far after the new handles are open the switch is put: the kernel
 * stamps a frame when it arrives and runs the filters a little later, so
 * a frame stamped at the switch or later met the new handle's filter,
 * never the nothing-passes one libpcap puts first.
 */
#define SWAP_MARGIN_US		1000

/* Changed edges listed in one live document at most (the heaviest). */
#define LIVE_MAX_EDGES		500
/* The live document is made only while read: µs since a reader looked. */
#define LIVE_IDLE		(10 * 1000000LL)

struct ipgd;
struct iface;

/*
 * A handle being retired after a filter change: it gives the frames
 * stamped in [from_us, until_us), the handle that replaced it those from
 * until_us on.
 */
struct oldcap {
	struct iface	*ifp;
	struct sniff	*s;		/* NULL: a free slot */
	struct event	*ev;		/* readable */
	struct event	*timer;		/* retire at until_us + settle */
	int64_t		 from_us;
	int64_t		 until_us;
	uint64_t	 skipped;	/* frames outside, not in its recv */
};

struct iface {
	struct ipgd	*d;
	char		*name;
	struct sniff	*s;
	struct event	*ev;
	unsigned	 backoff;
	int64_t		 retry_at;	/* seconds */
	int		 warned;	/* said once that it is missing */
	char		 last_err[512];
	struct sniff_match *seq_match;	/* [seq] filter for this link */
	int64_t		 from_us;	/* s gives frames stamped from here */
	uint64_t	 skipped;	/* frames of s before, not in its recv */
	struct oldcap	 old[SWAP_MAX];	/* handles s replaced, still read */
	uint64_t	 packets;
	uint64_t	 bytes;
	uint64_t	 kernel_drop;
	uint64_t	 if_drop;
};

struct ipgd {
	struct config		*conf;
	const char		*conf_path;	/* NULL: built-in defaults */
	char			**cli_ifaces;
	size_t			 ncli_ifaces;
	struct event_base	*base;
	struct iface		 ifaces[CONFIG_MAX_IFACES];
	size_t			 nifaces;
	struct windows		*ws;
	struct writer		*wr;
	struct namebook		*nb;		/* passive DNS; NULL: off */
	struct alerter		*alerts;	/* NULL: no [alerts] */
	struct http		*http;		/* NULL until started */
	struct event		*tick;
	struct event		*watchdog;
	struct event		*sig[4];
	uint64_t		 packets;
	uint64_t		 undecoded;
	int64_t			 last_stats;
	int			 debug;		/* -d: debug whatever the file says */
	int			 auto_iface;	/* no interface named: the first up */

	/* published once a second for the HTTP server, under mu */
	pthread_mutex_t		 mu;
	struct daemon_stats	 snap;
	char			*live;		/* JSON, malloc'd */
	uint64_t		 live_seq;
	int64_t			 live_since;	/* edges changed after this */
	int64_t			 live_asked;	/* when a live reader last looked */
	uint64_t		 prev_packets;
	uint64_t		 prev_bytes;
	uint64_t		 bytes;
	int64_t			 started_us;

	/* packet events waiting for the next tick */
	struct packet	*ev;
	size_t			 nev;
	size_t			 evcap;		/* ev's room */
	size_t			 evhint;	/* room to start a tick with */
	uint64_t		 events_dropped;
	uint64_t		 filter_swaps;	/* capture filter set by reload */
	int64_t			 ev_window;	/* the newest window with events */
	uint64_t		 ev_in_window;	/* events taken in it */
	int			 stopping;
	struct http_files	 files;		/* read as root, until served */
	struct ipfix_exp	*ipfix;		/* [ipfix] export, or NULL */
	int			 ipfix_fd;
	struct collector	*coll;		/* [ipfix] listen, or NULL */
};

static void
usage(FILE *fp)
{
	fputs("usage: ipgraphd [-c FILE] [-i IFACE]... [-f] [-d] "
	    "[--check-config]\n"
	    "  -c FILE         configuration (default " CONFIG_DEFAULT_PATH ")\n"
	    "  -i IFACE        capture on IFACE (repeat; replaces the file's)\n"
	    "  -f              stay in the foreground, log to stderr\n"
	    "  -d              debug logging\n"
	    "  --check-config  check the configuration and exit\n", fp);
}

/* The writer's retention, by age and by size, from the config. */
static void
retention_of(const struct config *c, struct retention *r)
{
	memset(r, 0, sizeof(*r));
	r->raw = c->retention_raw;
	r->hour = c->retention_hour;
	r->day = c->retention_day;
	r->events = c->seq_retention;
	r->first_seen_max = c->first_seen_max;
	r->max_bytes = c->max_size;
	r->tier_max[0] = c->max_size_raw;
	r->tier_max[1] = c->max_size_hour;
	r->tier_max[2] = c->max_size_day;
}

/*
 * Room for more events: the buffer starts at what the last tick took
 * and doubles up to EVENTS_MAX, so a quiet sensor neither allocates nor
 * touches the whole of it every tick.  0, or -1 when out of memory.
 */
static int
events_grow(struct ipgd *d)
{
	size_t cap = d->evcap == 0 ? (d->evhint != 0 ? d->evhint :
	    EVENTS_FIRST) : d->evcap * 2;
	struct packet *ev;

	if (cap > EVENTS_MAX)
		cap = EVENTS_MAX;
	if ((ev = reallocarray(d->ev, cap, sizeof(*ev))) == NULL)
		return -1;
	d->ev = ev;
	d->evcap = cap;
	return 0;
}

/*
 * Packet events for sequence diagrams: every TCP control packet, the first
 * [seq] packets of each edge in its window, and whatever the [seq] filter
 * matches; at most [window] max_edges of them per window (a flood of SYNs
 * from random sources would otherwise make each packet a row), counted
 * against the newest window seen, the rest counted as dropped.  [seq]
 * packets = 0 keeps the filter's matches alone (none without a filter):
 * the events' rows are most of what a busy sensor spends.
 */
static void
sample(struct ipgd *d, struct iface *ifp, const struct packet *r,
    const uint8_t *data, uint32_t caplen)
{
	uint64_t n = windows_last_packets(d->ws);
	int64_t win = r->ts_us / 1000000 / (int64_t)d->conf->window;
	struct packet *e;

	if (!(d->conf->seq_packets > 0 && r->proto == IPG_PROTO_TCP &&
	    (r->tcp_flags & EVENT_TCP_FLAGS)) &&
	    !(n >= 1 && n <= d->conf->seq_packets) &&
	    !(ifp->seq_match != NULL && sniff_match(ifp->seq_match, data,
	    caplen, r->wirelen)))
		return;
	if (win > d->ev_window) {
		d->ev_window = win;
		d->ev_in_window = 0;
	}
	if (d->nev == EVENTS_MAX || d->ev_in_window >= d->conf->max_edges ||
	    (d->nev == d->evcap && events_grow(d) < 0)) {
		d->events_dropped++;
		return;
	}
	d->ev_in_window++;
	e = &d->ev[d->nev++];
	*e = *r;
	e->payload = NULL;	/* points into the frame */
	e->payload_len = 0;
}

/* Hand the buffered events to the writer (it frees the array). */
static void
flush_events(struct ipgd *d)
{
	struct packet *ev;
	size_t hint = EVENTS_FIRST;

	if (d->nev == 0)
		return;
	/* the next tick starts with room for as many as this one took */
	while (hint < d->nev && hint < EVENTS_MAX)
		hint *= 2;
	d->evhint = hint;
	/* what waits in the writer's queue is what it counts: nev events */
	if (d->nev < d->evcap && (ev = reallocarray(d->ev, d->nev,
	    sizeof(*ev))) != NULL)
		d->ev = ev;
	writer_submit_events(d->wr, d->ev, d->nev);
	d->ev = NULL;
	d->nev = d->evcap = 0;
}

/* (Re)compile the [seq] filter for one interface's link type. */
static void
seq_match_set(struct iface *ifp, const char *filter)
{
	char err[512];

	sniff_match_free(ifp->seq_match);
	ifp->seq_match = NULL;
	if (ifp->s == NULL || filter == NULL || *filter == '\0')
		return;
	if ((ifp->seq_match = sniff_match_new(ifp->s, filter, err,
	    sizeof(err))) == NULL)
		log_warnx("%s", err);
}

/* One frame taken from one of an interface's handles. */
static void
packet_in(struct iface *ifp, int64_t ts_us, uint32_t caplen,
    uint32_t wirelen, int linktype, const uint8_t *data)
{
	struct ipgd *d = ifp->d;
	struct packet r;
	struct windows_pkt wp;
	int status;

	status = decode_packet(linktype, data, caplen, &r);
	r.ts_us = ts_us;
	r.wirelen = wirelen;
	/*
	 * Ask for the edge's index slot now, counting it below: the cache
	 * miss overlaps the counters and the names.  Counting a frame later,
	 * after the next one was decoded, would hide more, but the frame
	 * is the ring's only until this call returns (sample() may read it)
	 * and nothing says which frame of a batch is the last.
	 */
	windows_prepare(d->ws, &wp, ts_us, wirelen, status, &r);
	ifp->packets++;
	ifp->bytes += wirelen;
	d->packets++;
	d->bytes += wirelen;
	if (status != DECODE_OK)
		d->undecoded++;
	if (status == DECODE_OK && r.payload != NULL)
		namebook_packet(d->nb, ts_us, &r);
	/* a failure here is out of memory; the frame itself was counted */
	windows_count(d->ws, &wp);
	if (status == DECODE_OK && (d->conf->seq_packets > 0 ||
	    ifp->seq_match != NULL))
		sample(d, ifp, &r, data, caplen);
}

/* A frame of an interface's current handle. */
static void
on_packet(void *arg, int64_t ts_us, uint32_t caplen, uint32_t wirelen,
    int linktype, const uint8_t *data)
{
	struct iface *ifp = arg;

	if (ts_us < ifp->from_us) {	/* the handle it replaced has it */
		ifp->skipped++;
		return;
	}
	packet_in(ifp, ts_us, caplen, wirelen, linktype, data);
}

/* A frame of a handle being retired. */
static void
on_old_packet(void *arg, int64_t ts_us, uint32_t caplen, uint32_t wirelen,
    int linktype, const uint8_t *data)
{
	struct oldcap *o = arg;

	if (ts_us < o->from_us || ts_us >= o->until_us) {
		o->skipped++;
		return;
	}
	packet_in(o->ifp, ts_us, caplen, wirelen, linktype, data);
}

/*
 * Kernel counters of one of ifp's handles since their last reading, into
 * the open window and the interface's totals.  *skipped: frames that
 * handle read but left to another one (see swap_filter); the kernel
 * counted them as received by both, so they come off this one.  closing:
 * the handle is being closed (see oldcap_close), 1 when every frame
 * stamped before its switch was shown read, -1 when not; what the kernel
 * took and was not read is then the new handle's (1), or perhaps its own,
 * lost, and counted as dropped too (-1).  Returns that count (0 when not
 * closing).
 */
static uint64_t
capstats_take(struct iface *ifp, struct sniff *s, const char *which,
    uint64_t *skipped, int closing)
{
	uint64_t recv, drop, ifdrop, unread = 0;

	if (sniff_stats(s, &recv, &drop, &ifdrop, closing ? &unread :
	    NULL) < 0)
		return 0;
	*skipped += unread;
	if (closing < 0)
		drop += unread;
	recv -= recv < *skipped ? recv : *skipped;
	*skipped = 0;
	windows_add_capstats(ifp->d->ws, recv, drop, ifdrop);
	if (drop + ifdrop > 0)
		log_warnx("%s: %llu packets dropped by the kernel, %llu by the "
		    "interface, %s", ifp->name, (unsigned long long)drop,
		    (unsigned long long)ifdrop, which);
	ifp->kernel_drop += drop;
	ifp->if_drop += ifdrop;
	return unread;
}

/*
 * Close a handle that a filter change replaced, once read as far as it
 * could be: rc is what sniff_drain or sniff_flush_until said (1: every
 * frame stamped before until_us was read; 0: that could not be shown in
 * time; -1: the handle failed).  Its counters go to the open window, and
 * its slot is free again.
 */
static void
oldcap_close(struct oldcap *o, int rc)
{
	uint64_t unread;

	if (rc < 0)
		log_warnx("%s; the frames the handle of the previous filter "
		    "still held are lost", sniff_error(o->s));
	unread = capstats_take(o->ifp, o->s, "on the handle of the previous "
	    "filter", &o->skipped, rc == 1 ? 1 : -1);
	if (rc == 0)
		log_warnx("%s: the handle of the previous filter did not show "
		    "within %d s that it had handed over every frame stamped "
		    "before the switch; closed with at most %llu frames "
		    "unread, counted as dropped", o->ifp->name,
		    (SNIFF_SETTLE_US + SNIFF_GIVEUP_US) / 1000000,
		    (unsigned long long)unread);
	if (o->ev != NULL)
		event_free(o->ev);
	if (o->timer != NULL)
		event_free(o->timer);
	sniff_close(o->s);
	o->s = NULL;
	o->ev = o->timer = NULL;
}

/*
 * Retire a replaced handle now: read it until every frame stamped before
 * until_us is shown read, waiting (the loop with it) for what is left of
 * SNIFF_SETTLE_US after until_us, or up to SNIFF_GIVEUP_US more when the
 * kernel is slow to hand the last frames over; then close it.
 */
static void
oldcap_retire(struct oldcap *o)
{
	if (o->s == NULL)
		return;
	oldcap_close(o, sniff_flush_until(o->s, o->until_us +
	    SNIFF_SETTLE_US, on_old_packet, o));
}

static void
on_old_readable(evutil_socket_t fd, short what, void *arg)
{
	struct oldcap *o = arg;

	(void)fd;
	(void)what;
	if (sniff_dispatch(o->s, (int)o->ifp->d->conf->batch, on_old_packet,
	    o) < 0)
		oldcap_close(o, -1);
}

/* SNIFF_SETTLE_US after the switch, then every RETIRE_POLL_US: done yet? */
#define RETIRE_POLL_US		50000

static void
on_old_timer(evutil_socket_t fd, short what, void *arg)
{
	struct oldcap *o = arg;
	struct timeval tv = { 0, RETIRE_POLL_US };
	int rc;

	(void)fd;
	(void)what;
	rc = sniff_drain(o->s, o->until_us + SNIFF_SETTLE_US, on_old_packet,
	    o);
	if (rc == 0 && timefmt_now() < o->until_us + SNIFF_SETTLE_US +
	    SNIFF_GIVEUP_US && evtimer_add(o->timer, &tv) == 0)
		return;
	oldcap_close(o, rc);
}

static void
iface_close(struct iface *ifp)
{
	size_t i;

	for (i = 0; i < SWAP_MAX; i++)
		oldcap_retire(&ifp->old[i]);
	if (ifp->ev != NULL)
		event_free(ifp->ev);
	ifp->ev = NULL;
	sniff_match_free(ifp->seq_match);
	ifp->seq_match = NULL;
	sniff_close(ifp->s);
	ifp->s = NULL;
}

/* Read one bounded batch, so a busy interface cannot starve the others. */
static void
drain(struct iface *ifp)
{
	if (ifp->s == NULL)
		return;
	if (sniff_dispatch(ifp->s, (int)ifp->d->conf->batch, on_packet,
	    ifp) < 0) {
		log_warnx("%s; will reopen it", sniff_error(ifp->s));
		iface_close(ifp);
		ifp->backoff = 1;
		ifp->retry_at = timefmt_now() / 1000000 + 1;
	}
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain(arg);
}

static struct sniff_opts
sniff_opts_of(const struct config *c)
{
	struct sniff_opts o;

	o.snaplen = c->snaplen;
	o.promisc = c->promisc;
	o.buffer_size = c->buffer_size;
	o.filter = c->filter;
	return o;
}

/*
 * Open one interface.  A missing interface is not fatal: it is retried
 * with back-off while the others run.  Returns -1 only for errors that a
 * retry cannot fix (a bad filter, no permission) when fatal is set.
 */
static int
iface_open(struct iface *ifp, int fatal)
{
	struct sniff_opts o = sniff_opts_of(ifp->d->conf);
	char err[512];
	int absent = 1, fd;

	/*
	 * No interface named and none up yet (a boot where the network comes
	 * later): look again on each retry, with the same back-off as for a
	 * named interface that does not exist yet.
	 */
	if (ifp->name == NULL &&
	    (ifp->name = sniff_default_iface(err, sizeof(err))) != NULL) {
		log_info("%s is up: capturing on it", ifp->name);
		ifp->warned = 0;
	}
	ifp->s = ifp->name == NULL ? NULL :
	    sniff_open(ifp->name, &o, &absent, err, sizeof(err));
	if (ifp->s == NULL) {
		if (!absent && fatal) {
			log_warnx("%s", err);
			return -1;
		}
		if (!ifp->warned || strcmp(err, ifp->last_err) != 0)
			log_warnx("%s; retrying", err);
		snprintf(ifp->last_err, sizeof(ifp->last_err), "%s", err);
		ifp->warned = 1;
		ifp->retry_at = timefmt_now() / 1000000 + ifp->backoff;
		if (ifp->backoff < RETRY_MAX)
			ifp->backoff *= 2;
		return 0;
	}
	if (*sniff_error(ifp->s) != '\0')
		log_warnx("%s", sniff_error(ifp->s));
	ifp->from_us = INT64_MIN;	/* a new start: no handle before */
	ifp->skipped = 0;
	if ((fd = sniff_fd(ifp->s)) >= 0) {
		ifp->ev = event_new(ifp->d->base, fd, EV_READ | EV_PERSIST,
		    on_readable, ifp);
		if (ifp->ev == NULL || event_add(ifp->ev, NULL) != 0)
			fatalx("%s: cannot watch the capture descriptor",
			    ifp->name);
	}
	seq_match_set(ifp, ifp->d->conf->seq_filter);
	if (ifp->warned)
		log_info("%s: capturing", ifp->name);
	ifp->warned = 0;
	ifp->backoff = 1;
	return 0;
}

/*
 * [ipfix] export: the closed window as IPFIX over UDP, from the loop but
 * never waiting (a full socket buffer is a message lost and counted).
 * observationPointId is the interface's index when there is one
 * interface; edges are not kept per interface, so with several it is 0.
 */
static void
ipfix_window(struct ipgd *d, int64_t start_s, unsigned seconds,
    const struct window_stats *st, const struct flowtable *ft)
{
	unsigned obs = d->nifaces == 1 && d->ifaces[0].name != NULL ?
	    if_nametoindex(d->ifaces[0].name) : 0;

	ipfix_exp_time(d->ipfix, timefmt_now() / 1000000,
	    d->conf->ipfix_refresh);
	if (ipfix_out_window(d->ipfix, start_s, seconds, st, ft, obs) < 0)
		log_debug("ipfix: %s: a message could not be sent",
		    d->conf->ipfix_export);
}

/* The window flush: hand the table to the writer thread. */
static int
to_writer(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *st, struct flowtable **ftp)
{
	struct ipgd *d = arg;

	log_debug("window %lld closed: %llu frames, %zu edges",
	    (long long)start_s, (unsigned long long)st->frames,
	    flowtable_count(*ftp));
	if (d->ipfix != NULL)
		ipfix_window(d, start_s, seconds, st, *ftp);
	writer_submit(d->wr, start_s, seconds, st, *ftp);
	*ftp = NULL;		/* the writer owns it, even when dropped */
	if (d->nb != NULL) {
		struct name_row *rows;
		size_t n = namebook_take(d->nb, &rows);

		writer_submit_names(d->wr, rows, n);
	}
	return 0;
}

static void
read_counters(struct ipgd *d)
{
	char which[32];
	size_t i;

	snprintf(which, sizeof(which), "in the last %d s", STATS_EVERY);
	for (i = 0; i < d->nifaces; i++) {
		struct iface *ifp = &d->ifaces[i];

		if (ifp->s != NULL)
			capstats_take(ifp, ifp->s, which, &ifp->skipped, 0);
	}
}

static void
status_line(struct ipgd *d)
{
	struct writer_stats ws;
	size_t i, up = 0;

	for (i = 0; i < d->nifaces; i++)
		up += d->ifaces[i].s != NULL;
	writer_get_stats(d->wr, &ws);
	daemon_notify("STATUS=%zu/%zu interfaces, %llu packets, %zu edges "
	    "open, %llu windows written, %llu queued%s", up, d->nifaces,
	    (unsigned long long)d->packets, windows_open_edges(d->ws),
	    (unsigned long long)ws.windows_written,
	    (unsigned long long)ws.queue_depth,
	    ws.failing ? ", database failing" : "");
}

/* Copy the counters for the HTTP server; capture thread. */
static void
publish_stats(struct ipgd *d, int64_t now)
{
	struct daemon_stats s;
	struct writer_stats w;
	struct window_stats ws;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.now_us = now;
	s.started_us = d->started_us;
	snprintf(s.sensor, sizeof(s.sensor), "%s", d->conf->sensor);
	for (i = 0; i < d->nifaces && i < STATS_MAX_IFACES; i++) {
		struct iface *ifp = &d->ifaces[i];
		struct iface_stats *is = &s.ifaces[i];

		snprintf(is->name, sizeof(is->name), "%s",
		    ifp->name != NULL ? ifp->name : "");
		is->up = ifp->s != NULL;
		is->packets = ifp->packets;
		is->bytes = ifp->bytes;
		is->kernel_drop = ifp->kernel_drop;
		is->if_drop = ifp->if_drop;
		s.capture_alive |= is->up;
	}
	s.nifaces = i;
	s.packets = d->packets;
	s.bytes = d->bytes;
	s.undecoded = d->undecoded;
	s.pps = (double)(d->packets - d->prev_packets);
	s.bps = 8.0 * (double)(d->bytes - d->prev_bytes);
	d->prev_packets = d->packets;
	d->prev_bytes = d->bytes;
	s.window_seconds = d->conf->window;
	if (windows_newest(d->ws, &s.open_window, &ws) == NULL)
		s.open_window = -1;
	s.open_edges = windows_open_edges(d->ws);
	writer_get_stats(d->wr, &w);
	s.windows_written = w.windows_written;
	s.new_edges = w.new_edges;
	s.first_seen_dropped = w.first_seen_dropped;
	if (d->nb != NULL)
		namebook_get_stats(d->nb, &s.names);
	alert_get_stats(d->alerts, &s.alerts);
	s.budget_windows_deleted = w.budget_windows_deleted;
	memcpy(s.budget_tier_windows_deleted, w.budget_tier_windows_deleted,
	    sizeof(s.budget_tier_windows_deleted));
	s.db_bytes = w.db_bytes;
	s.edges_written = w.edges_written;
	s.windows_dropped = w.windows_dropped;
	s.frames_dropped = w.frames_dropped;
	s.write_errors = w.write_errors;
	s.queue_depth = w.queue_depth;
	s.queue_max = w.queue_max;
	s.queue_bytes = w.queue_bytes;
	s.queue_bytes_max = w.queue_bytes_max;
	s.db_reopened = w.db_reopened;
	s.events_written = w.events_written;
	s.events_dropped = w.events_dropped + d->events_dropped;
	s.filter_swaps = d->filter_swaps;
	if (d->ipfix != NULL)
		ipfix_exp_counts(d->ipfix, &s.ipfix_messages,
		    &s.ipfix_records, &s.ipfix_failed);
	s.collecting = d->coll != NULL;
	collector_stats(d->coll, &s.coll);
	s.last_loss_us = w.last_loss_us;
	snprintf(s.last_loss, sizeof(s.last_loss), "%s", w.last_loss);
	s.write_latency_us = w.last_latency_us;
	s.write_latency_max_us = w.max_latency_us;
	s.writer_failing = w.failing;
	snprintf(s.writer_error, sizeof(s.writer_error), "%s", w.last_error);
	s.writer_alive = !w.failing;
	pthread_mutex_lock(&d->mu);
	d->snap = s;
	pthread_mutex_unlock(&d->mu);
}

/*
 * The live document: the open window's totals and the edges that changed
 * since the last one (at most LIVE_MAX_EDGES, heaviest first).
 */
static void
publish_live(struct ipgd *d, int64_t now)
{
	struct buf b = BUF_INIT;
	struct window_stats ws;
	const struct flowtable *ft;
	const struct flow_entry *e;
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];
	const char *pn;
	int64_t start = 0;
	const struct flow_entry *top[LIVE_MAX_EDGES];
	uint32_t heap[LIVE_MAX_EDGES];
	size_t i, n = 0, ntop = 0, count;

	/*
	 * Nobody has read the live document for LIVE_IDLE: it is not made
	 * (the scan of the open window is the capture thread's time); the
	 * next one, once a reader is back, lists every change since.
	 */
	pthread_mutex_lock(&d->mu);
	i = d->live != NULL && now - d->live_asked > LIVE_IDLE;
	pthread_mutex_unlock(&d->mu);
	if (i)
		return;
	memset(&ws, 0, sizeof(ws));
	ft = windows_newest(d->ws, &start, &ws);
	count = ft != NULL ? flowtable_count(ft) : 0;
	if (ft != NULL)
		ntop = flowtable_top_changed(ft, d->live_since, LIVE_MAX_EDGES,
		    heap, top, &n);
	buf_printf(&b, "{\"time\":%lld,\"sensor\":", (long long)(now / 1000000));
	export_json_string(&b, d->conf->sensor);
	buf_printf(&b, ",\"window_start\":%lld,\"window_seconds\":%u,"
	    "\"frames\":%llu,\"bytes\":%llu,\"edges\":%zu,\"changed\":%zu,"
	    "\"edges_changed\":[", ft != NULL ? (long long)start : -1LL,
	    d->conf->window, (unsigned long long)ws.frames,
	    (unsigned long long)ws.bytes, count, n);
	for (i = 0; i < ntop; i++) {
		e = top[i];
		pn = decode_proto_name(e->key.proto);
		buf_printf(&b, "%s{\"proto\":", i ? "," : "");
		if (pn != NULL)
			buf_printf(&b, "\"%s\"", pn);
		else
			buf_printf(&b, "%u", e->key.proto);
		buf_printf(&b, ",\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\","
		    "\"dport\":%u,\"packets\":%llu,\"bytes\":%llu}",
		    addr_format(e->key.ipver, e->key.src, src), e->key.sport,
		    addr_format(e->key.ipver, e->key.dst, dst), e->key.dport,
		    (unsigned long long)e->packets,
		    (unsigned long long)e->bytes);
	}
	buf_puts(&b, "]}");
	d->live_since = now;
	if (buf_failed(&b)) {
		buf_free(&b);
		return;
	}
	pthread_mutex_lock(&d->mu);
	free(d->live);
	d->live = b.data;		/* the buffer's string, now ours */
	d->live_seq++;
	pthread_mutex_unlock(&d->mu);
}

/* daemon_hooks for the HTTP server: any thread. */
static void
hook_stats(void *arg, struct daemon_stats *out)
{
	struct ipgd *d = arg;

	pthread_mutex_lock(&d->mu);
	*out = d->snap;
	pthread_mutex_unlock(&d->mu);
}

static int
hook_live(void *arg, char **json, uint64_t *seq)
{
	struct ipgd *d = arg;
	int rc = -1;

	pthread_mutex_lock(&d->mu);
	d->live_asked = timefmt_now();
	if (d->live != NULL && (*json = strdup(d->live)) != NULL) {
		*seq = d->live_seq;
		rc = 0;
	}
	pthread_mutex_unlock(&d->mu);
	return rc;
}

/* Once a second: retry interfaces, poll, close windows, counters. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct ipgd *d = arg;
	int64_t now = timefmt_now();
	size_t i;

	(void)fd;
	(void)what;
	for (i = 0; i < d->nifaces; i++) {
		struct iface *ifp = &d->ifaces[i];

		if (ifp->s == NULL && now / 1000000 >= ifp->retry_at)
			iface_open(ifp, 0);
		drain(ifp);
	}
	if (now / 1000000 - d->last_stats >= STATS_EVERY) {
		d->last_stats = now / 1000000;
		read_counters(d);
		status_line(d);
	}
	/* an idle link still closes its windows */
	windows_close_before(d->ws, now - (int64_t)d->conf->grace * 1000000);
	collector_tick(d->coll, now);
	flush_events(d);
	publish_stats(d, now);
	publish_live(d, now);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	daemon_notify("WATCHDOG=1");
}

static void
stop(struct ipgd *d, const char *why)
{
	size_t i, j;

	if (d->stopping)
		return;
	d->stopping = 1;
	log_info("%s: closing the open windows", why);
	daemon_notify("STOPPING=1");
	for (i = 0; i < d->nifaces; i++) {
		for (j = 0; j < SWAP_MAX; j++)
			oldcap_retire(&d->ifaces[i].old[j]);
		if (d->ifaces[i].s != NULL)
			sniff_flush(d->ifaces[i].s, on_packet, &d->ifaces[i]);
	}
	read_counters(d);
	windows_close_all(d->ws);
	collector_close_all(d->coll);
	flush_events(d);
	event_base_loopbreak(d->base);
}

/*
 * Whether a reload's interfaces differ from the running ones: -i wins over
 * the file; a file naming none means the first interface up, as at start.
 */
static int
ifaces_changed(const struct ipgd *d, const struct config *nc)
{
	size_t i;

	if (d->ncli_ifaces > 0)
		return 0;
	if (nc->nifaces == 0 || d->auto_iface)
		return (nc->nifaces == 0) != d->auto_iface;
	if (nc->nifaces != d->nifaces)
		return 1;
	for (i = 0; i < nc->nifaces; i++)
		if (strcmp(nc->ifaces[i], d->ifaces[i].name) != 0)
			return 1;
	return 0;
}

/*
 * A new capture filter, make before break.  Changing the filter of a
 * running handle loses frames: libpcap puts a filter that takes nothing
 * on the socket, drains it, then puts the new one, and what arrives in
 * between is seen by no one.  So every interface gets a second handle,
 * opened with the new filter (and the running snaplen, promisc and
 * buffer size) while the old one goes on capturing; then a switch time S
 * is taken, a little after all of them are open.  Each frame is judged
 * by its kernel time stamp: one stamped before S belongs to the old
 * handle and its old filter, one stamped at S or later to the new handle
 * and the new filter.  The new handle's frames before S are skipped (it
 * may have missed some of them while its filter was set), and so are the
 * old handle's from S on; a frame both filters take is thus counted
 * once, by exactly one handle, and one only the new filter takes counts
 * from S on.  The old handle is read on from the loop; SNIFF_SETTLE_US
 * after S (by when the kernel has normally handed over every block
 * holding a frame stamped before S) it must also show that it has: a
 * frame stamped after S + SNIFF_SETTLE_US read from it (the ring is
 * filled in order of arrival), or as many frames read as the kernel
 * took.  Until then it is asked again every RETIRE_POLL_US, for up to
 * SNIFF_GIVEUP_US, after which it is closed with a warning giving how
 * many frames it may still have held, counted as dropped.  Closing it
 * adds its kernel counters to the open window: its drops count, and the
 * frames it left to the new handle do not count as received twice.
 *
 * Rejected: switching at the new handle's first frame (its first frames
 * may precede a gap, the swap inside libpcap); closing the old handle at
 * a fixed time (a block the kernel is late to retire would be lost); a
 * filter put on the running handle (the gap again).  A storm of reloads
 * keeps at most SWAP_MAX old handles an interface: the oldest is then
 * retired at once, the loop waiting for its proof.  The stamps and S
 * come from the same clock (CLOCK_REALTIME); a step of that clock during
 * the settle time can misplace frames.
 *
 * If a new handle cannot be opened (a bad filter, the interface gone) the
 * ones opened are closed, nothing changes, and -1 comes back with err.
 */
static int
swap_filter(struct ipgd *d, const struct config *oc, const char *filter,
    char *err, size_t errlen)
{
	struct sniff *ns[CONFIG_MAX_IFACES];
	struct sniff_opts o = sniff_opts_of(oc);
	struct oldcap *slot;
	struct iface *ifp;
	struct timeval tv;
	int64_t at, now;
	size_t i, j, nswapped = 0;
	int absent, fd;

	o.filter = filter;
	for (i = 0; i < d->nifaces; i++) {
		ns[i] = NULL;
		if (d->ifaces[i].s == NULL)
			continue;
		if ((ns[i] = sniff_open(d->ifaces[i].name, &o, &absent, err,
		    errlen)) == NULL) {
			while (i-- > 0)
				sniff_close(ns[i]);
			return -1;
		}
	}
	at = timefmt_now() + SWAP_MARGIN_US;
	for (i = 0; i < d->nifaces; i++) {
		ifp = &d->ifaces[i];
		if (ns[i] == NULL)
			continue;
		/* a free slot, else the oldest handle is retired now */
		slot = &ifp->old[0];
		for (j = 0; j < SWAP_MAX; j++) {
			if (ifp->old[j].s == NULL) {
				slot = &ifp->old[j];
				break;
			}
			if (ifp->old[j].until_us < slot->until_us)
				slot = &ifp->old[j];
		}
		oldcap_retire(slot);
		slot->ifp = ifp;
		slot->s = ifp->s;
		slot->from_us = ifp->from_us;
		slot->until_us = at;
		slot->skipped = ifp->skipped;
		if (ifp->ev != NULL)
			event_free(ifp->ev);
		ifp->ev = NULL;
		if ((fd = sniff_fd(slot->s)) >= 0 && ((slot->ev = event_new(
		    d->base, fd, EV_READ | EV_PERSIST, on_old_readable,
		    slot)) == NULL || event_add(slot->ev, NULL) != 0))
			fatalx("%s: cannot watch the capture descriptor",
			    ifp->name);
		now = timefmt_now();
		tv.tv_sec = 0;
		tv.tv_usec = at + SNIFF_SETTLE_US > now ?
		    (suseconds_t)(at + SNIFF_SETTLE_US - now) : 0;
		if ((slot->timer = evtimer_new(d->base, on_old_timer,
		    slot)) == NULL || evtimer_add(slot->timer, &tv) != 0)
			fatalx("cannot start a timer");
		ifp->s = ns[i];
		ifp->from_us = at;
		ifp->skipped = 0;
		if ((fd = sniff_fd(ifp->s)) >= 0 && ((ifp->ev = event_new(
		    d->base, fd, EV_READ | EV_PERSIST, on_readable,
		    ifp)) == NULL || event_add(ifp->ev, NULL) != 0))
			fatalx("%s: cannot watch the capture descriptor",
			    ifp->name);
		d->filter_swaps++;
		nswapped++;
	}
	if (nswapped > 0)
		log_info("reload: the capture filter changed; frames stamped "
		    "before %lld.%06lld keep the old filter, later ones the "
		    "new one", (long long)(at / 1000000),
		    (long long)(at % 1000000));
	return 0;
}

/* SIGHUP: what can change live does; the rest waits for a restart. */
static void
reload(struct ipgd *d)
{
	struct config *nc, *oc = d->conf;
	char err[1024], changed[512];
	struct retention ret;
	size_t i, n;

	if (d->conf_path == NULL) {
		log_info("SIGHUP: running on built-in defaults, nothing to "
		    "reload");
		return;
	}
	daemon_notify("RELOADING=1");
	if ((nc = config_load(d->conf_path, err, sizeof(err))) == NULL) {
		log_warnx("reload failed, keeping the running configuration: "
		    "%s", err);
		daemon_notify("READY=1");
		return;
	}
	if (sniff_filter_check(nc->seq_filter, err, sizeof(err)) < 0) {
		log_warnx("reload failed, keeping the running configuration: "
		    "%s:%d: [seq] filter: %s", d->conf_path,
		    config_line(nc, "seq", "filter"), err);
		config_free(nc);
		daemon_notify("READY=1");
		return;
	}
	if (d->ncli_ifaces > 0)
		config_set_ifaces(nc, d->cli_ifaces, d->ncli_ifaces);
	if ((nc->filter == NULL) != (oc->filter == NULL) ||
	    (nc->filter != NULL && strcmp(nc->filter, oc->filter) != 0)) {
		if (swap_filter(d, oc, nc->filter, err, sizeof(err)) < 0) {
			log_warnx("reload failed, keeping the running "
			    "configuration and its capture filter: %s", err);
			config_free(nc);
			daemon_notify("READY=1");
			return;
		}
	}
	retention_of(nc, &ret);
	writer_set_retention(d->wr, &ret);
	writer_set_queue_bytes(d->wr, nc->queue_bytes);
	windows_set_max_edges(d->ws, nc->max_edges);
	/* [names], max_rows, max_nodes: what the HTTP API reads */
	if (d->http != NULL && http_reload(d->http, nc, err, sizeof(err)) < 0)
		log_warnx("reload: http: %s (it keeps the old names and "
		    "limits)", err);
	log_init("ipgraphd", 0, d->debug || nc->verbose);
	n = config_restart_changes(oc, nc, changed, sizeof(changed));
	if (ifaces_changed(d, nc))
		snprintf(changed + n, n < sizeof(changed) ?
		    sizeof(changed) - n : 0, "%s[capture] interfaces",
		    n > 0 ? ", " : "");
	if (changed[0] != '\0')
		log_warnx("reload: %s changed; that takes effect at restart "
		    "(the rest is applied now)", changed);
	/* handles keep the old snaplen and buffer until reopened */
	d->conf = nc;
	config_free(oc);
	for (i = 0; i < d->nifaces; i++)
		seq_match_set(&d->ifaces[i], nc->seq_filter);
	log_info("reloaded %s", d->conf_path);
	daemon_notify("READY=1");
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct ipgd *d = arg;

	(void)what;
	if (sig == SIGHUP)
		reload(d);
	else
		stop(d, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct ipgd d;
	char err[1024], *ifs[CONFIG_MAX_IFACES], *def, where[1200];
	const char *path = NULL;
	int ch, foreground = 0, debug = 0, check = 0, lost;
	struct retention ret;
	size_t i, nifs = 0, up;
	struct timeval one = { 1, 0 };
	struct daemon_hooks hooks;
	uint64_t wd;

	/*
	 * The database and its WAL are for this user and its group (0640),
	 * whatever umask the daemon was started with (systemd's UMask=0027
	 * does the same under the unit).
	 */
	umask(umask(0) | 027);
	memset(&d, 0, sizeof(d));
	pthread_mutex_init(&d.mu, NULL);
	d.started_us = timefmt_now();
	d.live_since = INT64_MIN;
	log_init("ipgraphd", 0, 0);
	while ((ch = getopt_long(argc, argv, "c:i:fdh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'i':
			if (nifs == CONFIG_MAX_IFACES)
				fatalx("-i: at most %d interfaces",
				    CONFIG_MAX_IFACES);
			ifs[nifs++] = optarg;
			break;
		case 'f': foreground = 1; break;
		case 'd': debug = d.debug = 1; break;
		case 'C': check = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (path == NULL && access(CONFIG_DEFAULT_PATH, F_OK) == 0)
		path = CONFIG_DEFAULT_PATH;
	if (path != NULL)
		d.conf = config_load(path, err, sizeof(err));
	else
		d.conf = config_new();
	if (d.conf == NULL)
		fatalx("%s", path != NULL ? err : "out of memory");
	if (d.conf->services != NULL &&
	    services_add_file(d.conf->services, err, sizeof(err)) < 0)
		fatalx("[names] services: %s", err);
	if (check) {
		ch = check_config(d.conf) > 0;
		if (!ch)
			printf("%s: ok\n", path != NULL ? path :
			    "(built-in defaults)");
		config_free(d.conf);
		return ch;
	}
	d.conf_path = path;
	d.cli_ifaces = ifs;
	d.ncli_ifaces = nifs;
	if (nifs > 0 && config_set_ifaces(d.conf, ifs, nifs) < 0)
		fatalx("out of memory");
	if (d.conf->nifaces == 0) {
		d.auto_iface = 1;
		if ((def = sniff_default_iface(err, sizeof(err))) != NULL) {
			config_set_ifaces(d.conf, &def, 1);
			free(def);
		}
	}
	log_init("ipgraphd", 0, debug || d.conf->verbose);
	/* the data path first: what serves people gives way to it */
	worker_set_background(THREAD_NICE);
	if (path == NULL)
		log_info("no %s: running on built-in defaults",
		    CONFIG_DEFAULT_PATH);

	if (sniff_filter_check(d.conf->seq_filter, err, sizeof(err)) < 0)
		fatalx("%s: %s", config_where(d.conf, "seq", "filter", where,
		    sizeof(where)), err);
	/* the key and token may be readable by root alone: read them now */
	if (http_files_load(d.conf, &d.files, err, sizeof(err)) < 0)
		fatalx("%s", err);
	if ((d.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	/* Privileged part: open every capture handle. */
	for (i = 0; i < d.conf->nifaces; i++) {
		d.ifaces[i].d = &d;
		if ((d.ifaces[i].name = strdup(d.conf->ifaces[i])) == NULL)
			fatalx("out of memory");
		d.ifaces[i].backoff = 1;
		if (iface_open(&d.ifaces[i], 1) < 0)
			return 1;
	}
	d.nifaces = d.conf->nifaces;
	if (d.nifaces == 0) {
		/* none up yet: wait for one, as for a missing interface */
		log_warnx("no interface is up and none is named (-i or "
		    "[capture] interfaces): waiting for an interface to come "
		    "up");
		d.ifaces[0].d = &d;
		d.ifaces[0].backoff = 2;
		d.ifaces[0].warned = 1;
		/* what sniff_default_iface says, so the retries stay quiet */
		snprintf(d.ifaces[0].last_err, sizeof(d.ifaces[0].last_err),
		    "no interface is up: name one with -i or [capture] "
		    "interfaces");
		d.ifaces[0].retry_at = timefmt_now() / 1000000 + 1;
		d.nifaces = 1;
	}
	if (daemon_privdrop(d.conf->user, err, sizeof(err)) < 0)
		fatalx("%s", err);

	/*
	 * Threads do not survive fork: detach before the writer starts, but
	 * open the database once first so a bad path is still reported on
	 * the terminal.
	 */
	if (!foreground) {
		struct store *st = store_open(d.conf->db, 0, err, sizeof(err));

		if (st == NULL)
			fatalx("%s", err);
		store_close(st);
		if (daemon(0, 0) != 0)
			fatal("daemon");
		log_init("ipgraphd", 1, debug || d.conf->verbose);
	}
	retention_of(d.conf, &ret);
	d.wr = writer_start(d.conf->db, d.conf->sensor, d.conf->queue,
	    d.conf->queue_bytes, &ret, err, sizeof(err));
	if (d.wr == NULL)
		fatalx("%s", err);
	d.alerts = alert_start(d.conf, d.conf->sensor, err, sizeof(err));
	if (d.alerts == NULL && err[0] != '\0')
		fatalx("%s: %s", d.conf_path != NULL ? d.conf_path :
		    "configuration", err);
	writer_set_alerter(d.wr, d.alerts);
	d.ipfix_fd = -1;
	if (d.conf->ipfix_export != NULL) {
		d.ipfix_fd = ipfix_udp_open(d.conf->ipfix_export, err,
		    sizeof(err));
		if (d.ipfix_fd < 0)
			fatalx("[ipfix] export: %s", err);
		d.ipfix = ipfix_exp_new(ipfix_domain_of(d.conf->sensor),
		    ipfix_udp_send, &d.ipfix_fd);
		if (d.ipfix == NULL)
			fatalx("out of memory");
	}
	if (d.conf->ipfix_listen != NULL && (d.coll = collector_start(d.base,
	    d.conf->ipfix_listen, d.conf->window, d.conf->grace,
	    d.conf->max_edges, d.conf->ipfix_max_rate, d.wr, err,
	    sizeof(err))) == NULL)
		fatalx("[ipfix] listen: %s", err);
	d.ws = windows_new(d.conf->window, d.conf->grace, DAEMON_MAX_OPEN,
	    d.conf->max_edges, to_writer, &d);
	if (d.ws == NULL)
		fatalx("out of memory");
	if (d.conf->names_max > 0 && (d.nb = namebook_new(d.conf->names_max,
	    d.conf->window)) == NULL)
		fatalx("out of memory");

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		d.sig[i] = evsignal_new(d.base, sigs[i], on_signal, &d);
		if (d.sig[i] == NULL || event_add(d.sig[i], NULL) != 0)
			fatalx("cannot handle signal %d", sigs[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	d.tick = event_new(d.base, -1, EV_PERSIST, on_tick, &d);
	if (d.tick == NULL || event_add(d.tick, &one) != 0)
		fatalx("cannot start the timer");
	if ((wd = daemon_watchdog_usec()) != 0) {
		struct timeval half = { (time_t)(wd / 2000000),
		    (suseconds_t)(wd / 2 % 1000000) };

		d.watchdog = event_new(d.base, -1, EV_PERSIST, on_watchdog,
		    &d);
		if (d.watchdog == NULL || event_add(d.watchdog, &half) != 0)
			fatalx("cannot start the watchdog timer");
	}
	for (i = 0, up = 0; i < d.nifaces; i++)
		up += d.ifaces[i].s != NULL;
	log_info("capturing on %zu of %zu interfaces, %u s windows, database "
	    "%s", up, d.nifaces, d.conf->window, d.conf->db);
	daemon_notify("READY=1");
	d.last_stats = timefmt_now() / 1000000;
	status_line(&d);
	publish_stats(&d, timefmt_now());
	/* HTTP: hooks = { hook_stats, hook_live, &d } for the server */
	hooks.get_stats = hook_stats;
	hooks.get_live = hook_live;
	hooks.arg = &d;
	d.http = http_start(d.conf, &hooks, &d.files, err, sizeof(err));
	http_files_clear(&d.files);	/* the server has what it needs */
	if (d.http == NULL)
		fatalx("http: %s", err);

	event_base_dispatch(d.base);

	http_stop(d.http);
	d.http = NULL;
	lost = writer_stop(d.wr) < 0;
	alert_stop(d.alerts);		/* after the last windows' new edges */
	collector_free(d.coll);
	for (i = 0; i < d.nifaces; i++) {
		iface_close(&d.ifaces[i]);
		free(d.ifaces[i].name);
	}
	log_info("stopped: %llu packets captured%s",
	    (unsigned long long)d.packets,
	    lost ? "; some windows could not be written (see above)" : "");
	windows_free(d.ws);
	namebook_free(d.nb);
	ipfix_exp_free(d.ipfix);
	if (d.ipfix_fd >= 0)
		close(d.ipfix_fd);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		event_free(d.sig[i]);
	event_free(d.tick);
	if (d.watchdog != NULL)
		event_free(d.watchdog);
	event_base_free(d.base);
	config_free(d.conf);
	free(d.live);
	free(d.ev);
	pthread_mutex_destroy(&d.mu);
	return lost ? 1 : 0;
}
