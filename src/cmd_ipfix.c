/* cmd_ipfix.c - ipgraph export ipfix: stored windows as IPFIX messages. */

/*
 * Not a row of the export table: the table's formats are bytes for a file
 * or an HTTP response, and this one also sends (--send HOST:PORT, UDP,
 * one exporter per sensor).  -o FILE writes an IPFIX file (RFC 5655: the
 * messages one after the other, templates once, at the start).
 */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "help.h"
#include "ipfix.h"
#include "ipfix_out.h"
#include "log.h"
#include "query.h"
#include "store.h"
#include "timefmt.h"
#include "window.h"

/* --send: templates sent again after this many records (~50 messages). */
#define TEMPLATE_EVERY	2500
/* Sensors exported at once, each its observation domain. */
#define MAX_SENSORS	4096

struct sensor_exp {
	char		*name;
	struct ipfix_exp *x;
};

struct ipfix_run {
	FILE		*fp;		/* -o, or NULL */
	int		 fd;		/* --send, or -1 */
	int		 failed;	/* a write or send failed */
	struct sensor_exp *sx;
	size_t		 nsx;
	struct store_window *win;	/* the windows, for their loss */
	char		**win_sensor;
	size_t		 nwin, capwin, wi;
	int64_t		 now_s;
	uint64_t	 rows;
};

static int
run_send(void *arg, const uint8_t *data, size_t len)
{
	struct ipfix_run *r = arg;

	if (r->fp != NULL && fwrite(data, 1, len, r->fp) != len) {
		r->failed = 1;
		return -1;
	}
	if (r->fd >= 0) {
		/*
		 * Paced: a collector's socket buffer on loopback holds a few
		 * hundred messages; a burst past it is lost without a word.
		 */
		if (ipfix_udp_send(&r->fd, data, len) < 0) {
			usleep(1000);
			if (ipfix_udp_send(&r->fd, data, len) < 0) {
				r->failed = 1;
				return -1;
			}
		}
		usleep(50);
	}
	return 0;
}

static struct ipfix_exp *
sensor_exp(struct ipfix_run *r, const char *name)
{
	struct sensor_exp *n;
	size_t i;

	if (name == NULL)
		name = "";
	for (i = 0; i < r->nsx; i++)
		if (strcmp(r->sx[i].name, name) == 0)
			return r->sx[i].x;
	if (r->nsx == MAX_SENSORS)
		fatalx("export ipfix: more than %d sensors", MAX_SENSORS);
	if ((n = realloc(r->sx, (r->nsx + 1) * sizeof(*n))) == NULL)
		fatalx("out of memory");
	r->sx = n;
	n = &r->sx[r->nsx];
	if ((n->name = strdup(name)) == NULL ||
	    (n->x = ipfix_exp_new(ipfix_domain_of(name), run_send, r)) == NULL)
		fatalx("out of memory");
	ipfix_exp_time(n->x, r->now_s, 0);
	r->nsx++;
	return n->x;
}

static int
take_window(const struct store_window *w, void *arg)
{
	struct ipfix_run *r = arg;
	void *p;

	if (r->nwin == r->capwin) {
		r->capwin = r->capwin ? r->capwin * 2 : 256;
		if ((p = realloc(r->win, r->capwin * sizeof(*r->win))) ==
		    NULL)
			fatalx("out of memory");
		r->win = p;
		if ((p = realloc(r->win_sensor, r->capwin *
		    sizeof(*r->win_sensor))) == NULL)
			fatalx("out of memory");
		r->win_sensor = p;
	}
	r->win[r->nwin] = *w;
	if ((r->win_sensor[r->nwin] = strdup(w->sensor != NULL ? w->sensor :
	    "")) == NULL)
		fatalx("out of memory");
	r->win[r->nwin].sensor = r->win_sensor[r->nwin];
	r->nwin++;
	return 0;
}

/* The loss records of every window that starts at or before start_s. */
static void
loss_upto(struct ipfix_run *r, int64_t start_s)
{
	const struct store_window *w;
	struct ipfix_loss l;

	for (; r->wi < r->nwin && r->win[r->wi].start <= start_s; r->wi++) {
		w = &r->win[r->wi];
		memset(&l, 0, sizeof(l));
		l.start_ms = w->start * 1000;
		l.end_ms = (w->start + (int64_t)w->seconds) * 1000;
		l.frames = w->stats.frames;
		l.bytes = w->stats.bytes;
		l.kernel_drop = w->stats.cap_drop;
		l.if_drop = w->stats.cap_ifdrop;
		l.overflow = w->stats.overflow;
		ipfix_exp_loss(sensor_exp(r, w->sensor), &l);
	}
}

static int
ipfix_row(const struct store_row *e, void *arg)
{
	struct ipfix_run *r = arg;
	struct ipfix_exp *x;
	struct ipfix_flow f;

	if (e->ipver != 4 && e->ipver != 6)
		return 0;		/* a damaged row: nothing to say */
	loss_upto(r, e->window_start);
	memset(&f, 0, sizeof(f));
	f.start_ms = e->window_start * 1000;
	f.end_ms = (e->window_start + (int64_t)e->seconds) * 1000;
	f.ipver = e->ipver;
	f.proto = (uint8_t)e->proto;
	f.tcp_flags = (uint8_t)e->tcp_flags;
	ipfix_ports(&f, e->proto, e->sport, e->dport);
	memcpy(f.src, e->src, sizeof(f.src));
	memcpy(f.dst, e->dst, sizeof(f.dst));
	f.packets = e->packets;
	f.bytes = e->bytes;
	x = sensor_exp(r, e->sensor);
	/*
	 * Over UDP a collector that missed the first message would decode
	 * nothing: templates again every TEMPLATE_EVERY records.
	 */
	if (r->fd >= 0 && ++r->rows % TEMPLATE_EVERY == 0)
		ipfix_exp_resend_templates(x);
	else if (r->fd < 0)
		r->rows++;
	ipfix_exp_flow(x, &f);
	return r->failed && r->fd < 0 ? 1 : 0;
}

static const struct option ipfix_longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "output", required_argument, NULL, 'o' },
	{ "send", required_argument, NULL, 's' },
	{ "from", required_argument, NULL, 'F' },
	{ "to", required_argument, NULL, 'F' },
	{ "src", required_argument, NULL, 'F' },
	{ "dst", required_argument, NULL, 'F' },
	{ "host", required_argument, NULL, 'F' },
	{ "pair", required_argument, NULL, 'F' },
	{ "port", required_argument, NULL, 'F' },
	{ "proto", required_argument, NULL, 'F' },
	{ "sensor", required_argument, NULL, 'F' },
	{ "tier", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int
cmd_export_ipfix(int argc, char **argv)
{
	struct ipfix_run r;
	struct filter *q;
	struct store *st;
	const char *db = DEFAULT_DB, *out = NULL, *to = NULL;
	char err[PATH_MAX + 1024], tmp[PATH_MAX];
	int64_t now = timefmt_now();
	uint64_t msgs = 0, recs = 0, m, n, fl;
	size_t i;
	int ch, li, rc = 0, tier;

	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.now_s = now / 1000000;
	if ((q = filter_new()) == NULL)
		fatalx("out of memory");
	optind = 1;
	while ((ch = getopt_long(argc, argv, "d:o:h", ipfix_longopts,
	    &li)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'o': out = optarg; break;
		case 's': to = optarg; break;
		case 'F':
			if (filter_set(q, ipfix_longopts[li].name, optarg, now,
			    err, sizeof(err)) < 0)
				fatalx("--%s", err);
			break;
		case 'h': help_command("export", stdout); exit(0);
		default:
			fprintf(stderr, "usage: ipgraph export ipfix [--db FILE] "
			    "-o FILE|--send HOST:PORT [filters]\n");
			exit(EXIT_USAGE);
		}
	}
	if (optind != argc)
		fatalx("export: unexpected argument '%s'", argv[optind]);
	if ((out == NULL) == (to == NULL) ||
	    (out != NULL && strcmp(out, "-") == 0 && isatty(1)))
		fatalx("export ipfix: give -o FILE (- for standard output, "
		    "not a terminal) or --send HOST:PORT");
	if (filter_check(q, err, sizeof(err)) < 0)
		fatalx("--from is after --to: nothing can match");
	if (to != NULL && (r.fd = ipfix_udp_open(to, err, sizeof(err))) < 0)
		fatalx("--send: %s", err);
	if ((st = store_open(db, 1, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	/* rows of one tier, and the same tier's windows: raw unless asked */
	if (!filter_has(q, FILTER_TIER) && filter_set(q, "tier", "raw", now,
	    err, sizeof(err)) < 0)
		fatalx("%s", err);
	tier = q->tier >= 0 ? q->tier : QUERY_TIER_RAW;
	if (store_windows(st, tier, filter_has(q, FILTER_FROM) ? q->from_us :
	    INT64_MIN / 2, filter_has(q, FILTER_TO) ? q->to_us : INT64_MAX / 2,
	    q->sensor,
	    take_window, &r, err, sizeof(err)) < 0)
		fatalx("export: %s", err);
	if (out != NULL && strcmp(out, "-") == 0)
		r.fp = stdout;
	else if (out != NULL) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", out,
		    (long)getpid()) >= sizeof(tmp))
			fatalx("%s: path too long", out);
		if ((r.fp = fopen(tmp, "w")) == NULL)
			fatal("%s", tmp);
	}
	if (store_read(st, q, STORE_READ_ROWS, ipfix_row, &r, NULL, NULL, err,
	    sizeof(err)) < 0) {
		log_warnx("export: %s", err);
		rc = 1;
	}
	loss_upto(&r, INT64_MAX);
	for (i = 0; i < r.nsx; i++) {
		ipfix_exp_flush(r.sx[i].x);
		ipfix_exp_counts(r.sx[i].x, &m, &n, &fl);
		msgs += m;
		recs += n;
	}
	if (r.fp != NULL && fflush(r.fp) != 0)
		r.failed = 1;
	if (r.fp != NULL && r.fp != stdout) {
		if (fclose(r.fp) != 0)
			r.failed = 1;
		if (r.failed || rc != 0 || rename(tmp, out) != 0) {
			log_warn("export: %s", out);
			unlink(tmp);
			rc = 1;
		}
	} else if (r.failed) {
		log_warnx("export: %s: a message could not be %s",
		    to != NULL ? to : "standard output",
		    to != NULL ? "sent" : "written");
		rc = 1;
	}
	if (r.nwin == 0 && r.rows == 0)
		log_warnx("export: no window matches");
	log_debug("export ipfix: %llu messages, %llu records",
	    (unsigned long long)msgs, (unsigned long long)recs);
	for (i = 0; i < r.nsx; i++) {
		free(r.sx[i].name);
		ipfix_exp_free(r.sx[i].x);
	}
	for (i = 0; i < r.nwin; i++)
		free(r.win_sensor[i]);
	free(r.sx);
	free(r.win);
	free(r.win_sensor);
	if (r.fd >= 0)
		close(r.fd);
	store_close(st);
	filter_free(q);
	return rc;
}
