/* ipgraphd.c - the sensor daemon: capture, windows, writer, event loop. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf.h"
#include "daemon.h"
#include "decode.h"
#include "flowtable.h"
#include "log.h"
#include "sniff.h"
#include "store.h"
#include "timefmt.h"
#include "window.h"
#include "writer.h"

/* Windows kept open at once: the current one and late stragglers. */
#define DAEMON_MAX_OPEN		4
/* Interface retry back-off, seconds: 1 doubling to this. */
#define RETRY_MAX		60
/* How often kernel counters are read and the status line refreshed. */
#define STATS_EVERY		10

struct ipgd;

struct iface {
	struct ipgd	*d;
	char		*name;
	struct sniff	*s;
	struct event	*ev;
	unsigned	 backoff;
	int64_t		 retry_at;	/* seconds */
	int		 warned;	/* said once that it is missing */
	char		 last_err[512];
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
	struct event		*tick;
	struct event		*watchdog;
	struct event		*sig[4];
	uint64_t		 packets;
	uint64_t		 undecoded;
	int64_t			 last_stats;
	int			 debug;		/* -d: debug whatever the file says */
	int			 stopping;
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

static void
on_packet(void *arg, int64_t ts_us, uint32_t caplen, uint32_t wirelen,
    int linktype, const uint8_t *data)
{
	struct iface *ifp = arg;
	struct ipgd *d = ifp->d;
	struct decode_result r;
	int status;

	status = decode_packet(linktype, data, caplen, &r);
	ifp->packets++;
	ifp->bytes += wirelen;
	d->packets++;
	if (status != DECODE_OK)
		d->undecoded++;
	/* a failure here is out of memory; the frame itself was counted */
	windows_packet(d->ws, ts_us, wirelen, status, &r);
}

static void
iface_close(struct iface *ifp)
{
	if (ifp->ev != NULL)
		event_free(ifp->ev);
	ifp->ev = NULL;
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
	int absent, fd;

	ifp->s = sniff_open(ifp->name, &o, &absent, err, sizeof(err));
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
	if ((fd = sniff_fd(ifp->s)) >= 0) {
		ifp->ev = event_new(ifp->d->base, fd, EV_READ | EV_PERSIST,
		    on_readable, ifp);
		if (ifp->ev == NULL || event_add(ifp->ev, NULL) != 0)
			fatalx("%s: cannot watch the capture descriptor",
			    ifp->name);
	}
	if (ifp->warned)
		log_info("%s: capturing", ifp->name);
	ifp->warned = 0;
	ifp->backoff = 1;
	return 0;
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
	writer_submit(d->wr, start_s, seconds, st, *ftp);
	*ftp = NULL;		/* the writer owns it, even when dropped */
	return 0;
}

static void
read_counters(struct ipgd *d)
{
	uint64_t recv, drop, ifdrop;
	size_t i;

	for (i = 0; i < d->nifaces; i++) {
		struct iface *ifp = &d->ifaces[i];

		if (ifp->s == NULL || sniff_stats(ifp->s, &recv, &drop,
		    &ifdrop) < 0)
			continue;
		windows_add_capstats(d->ws, recv, drop, ifdrop);
		if (drop + ifdrop > 0)
			log_warnx("%s: %llu packets dropped by the kernel, "
			    "%llu by the interface, in the last %d s",
			    ifp->name, (unsigned long long)drop,
			    (unsigned long long)ifdrop, STATS_EVERY);
		ifp->kernel_drop += drop;
		ifp->if_drop += ifdrop;
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
	size_t i;

	if (d->stopping)
		return;
	d->stopping = 1;
	log_info("%s: closing the open windows", why);
	daemon_notify("STOPPING=1");
	for (i = 0; i < d->nifaces; i++)
		if (d->ifaces[i].s != NULL)
			sniff_flush(d->ifaces[i].s, on_packet, &d->ifaces[i]);
	read_counters(d);
	windows_close_all(d->ws);
	event_base_loopbreak(d->base);
}

/* SIGHUP: what can change live does; the rest waits for a restart. */
static void
reload(struct ipgd *d)
{
	struct config *nc, *oc = d->conf;
	char err[1024];
	unsigned ret[3];
	size_t i;

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
	if (d->ncli_ifaces > 0)
		config_set_ifaces(nc, d->cli_ifaces, d->ncli_ifaces);
	if ((nc->filter == NULL) != (oc->filter == NULL) ||
	    (nc->filter != NULL && strcmp(nc->filter, oc->filter) != 0)) {
		for (i = 0; i < d->nifaces; i++) {
			if (d->ifaces[i].s == NULL)
				continue;
			if (sniff_set_filter(d->ifaces[i].s, nc->filter, err,
			    sizeof(err)) < 0) {
				log_warnx("reload failed, keeping the running "
				    "configuration: %s", err);
				/* put the old filter back where it changed */
				while (i-- > 0)
					if (d->ifaces[i].s != NULL)
						sniff_set_filter(d->ifaces[i].s,
						    oc->filter, err,
						    sizeof(err));
				config_free(nc);
				daemon_notify("READY=1");
				return;
			}
		}
	}
	ret[0] = nc->retention_raw;
	ret[1] = nc->retention_hour;
	ret[2] = nc->retention_day;
	writer_set_retention(d->wr, ret);
	windows_set_max_edges(d->ws, nc->max_edges);
	log_init("ipgraphd", 0, d->debug || nc->verbose);
	if (strcmp(nc->db, oc->db) != 0 || nc->window != oc->window ||
	    nc->nifaces != oc->nifaces || strcmp(nc->sensor, oc->sensor) != 0)
		log_warnx("reload: changes to interfaces, [window] seconds, "
		    "[store] path or [daemon] sensor take effect at restart");
	/* handles keep the old snaplen and buffer until reopened */
	d->conf = nc;
	config_free(oc);
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
	char err[1024], *ifs[CONFIG_MAX_IFACES], *def;
	const char *path = NULL;
	int ch, foreground = 0, debug = 0, check = 0, lost;
	unsigned ret[3];
	size_t i, nifs = 0, up;
	struct timeval one = { 1, 0 };
	uint64_t wd;

	memset(&d, 0, sizeof(d));
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
	if (check) {
		printf("%s: ok\n", path != NULL ? path : "(built-in defaults)");
		return 0;
	}
	d.conf_path = path;
	d.cli_ifaces = ifs;
	d.ncli_ifaces = nifs;
	if (nifs > 0 && config_set_ifaces(d.conf, ifs, nifs) < 0)
		fatalx("out of memory");
	if (d.conf->nifaces == 0) {
		if ((def = sniff_default_iface(err, sizeof(err))) == NULL)
			fatalx("%s", err);
		config_set_ifaces(d.conf, &def, 1);
		free(def);
	}
	log_init("ipgraphd", 0, debug || d.conf->verbose);
	if (path == NULL)
		log_info("no %s: running on built-in defaults",
		    CONFIG_DEFAULT_PATH);

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
	ret[0] = d.conf->retention_raw;
	ret[1] = d.conf->retention_hour;
	ret[2] = d.conf->retention_day;
	d.wr = writer_start(d.conf->db, d.conf->sensor, d.conf->queue, ret,
	    err, sizeof(err));
	if (d.wr == NULL)
		fatalx("%s", err);
	d.ws = windows_new(d.conf->window, d.conf->grace, DAEMON_MAX_OPEN,
	    d.conf->max_edges, to_writer, &d);
	if (d.ws == NULL)
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

	event_base_dispatch(d.base);

	lost = writer_stop(d.wr) < 0;
	for (i = 0; i < d.nifaces; i++) {
		iface_close(&d.ifaces[i]);
		free(d.ifaces[i].name);
	}
	log_info("stopped: %llu packets captured%s",
	    (unsigned long long)d.packets,
	    lost ? "; some windows could not be written (see above)" : "");
	windows_free(d.ws);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		event_free(d.sig[i]);
	event_free(d.tick);
	if (d.watchdog != NULL)
		event_free(d.watchdog);
	event_base_free(d.base);
	config_free(d.conf);
	return lost ? 1 : 0;
}
