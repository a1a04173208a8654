/* cmd_names.c - the names command: which names were seen for which hosts. */

#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "cmd.h"
#include "export_csv.h"
#include "help.h"
#include "info.h"
#include "log.h"
#include "query.h"
#include "store.h"
#include "timefmt.h"

struct names_out {
	struct buf		 line;
	unsigned long		 n;
};

static int
names_row(const struct name_seen *ns, void *arg)
{
	struct names_out *o = arg;
	char c[ADDR_STRLEN], a[ADDR_STRLEN], t[TIMEFMT_ISO_LEN];

	addr_format(ns->cver, ns->client, c);
	addr_format(ns->ver, ns->addr, a);
	o->line.len = 0;
	buf_printf(&o->line, "%s,", timefmt_iso(ns->ts_us, t));
	export_csv_field(&o->line, ns->sensor, ',');
	buf_printf(&o->line, ",%s,%s,", c, a);
	export_csv_field(&o->line, ns->name, ',');
	buf_printf(&o->line, ",%u,%s\n", ns->ttl, ns->source);
	if (buf_failed(&o->line))
		return -1;
	fwrite(o->line.data, 1, o->line.len, stdout);
	o->n++;
	return 0;
}

/*
 * The names clients were told (passive DNS) in the span, oldest first,
 * as CSV: time,sensor,client,address,name,ttl,source.
 */
int
cmd_names(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "host", required_argument, NULL, 'H' },
		{ "sensor", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = DEFAULT_DB;
	char err[PATH_MAX + 1024];
	struct names_out o;
	struct filter *q;
	struct cidr host;
	int64_t now = timefmt_now();
	struct store *st;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	if ((q = filter_new()) == NULL)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'f':
		case 't':
		case 'n':
			if (filter_set(q, ch == 'f' ? "from" : ch == 't' ?
			    "to" : "sensor", optarg, now, err,
			    sizeof(err)) < 0)
				fatalx("--%s", err);
			break;
		case 'H':
			/* the same parser as filter_set's, this message */
			if (addr_parse_cidr(optarg, &host) < 0 ||
			    filter_set(q, "host", optarg, now, err,
			    sizeof(err)) < 0)
				fatalx("--host: '%s' is not an address or "
				    "CIDR block", optarg);
			break;
		case 'h': help_command("names", stdout); exit(0);
		default: usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc) {
		log_warnx("names: unexpected argument '%s'", argv[optind]);
		filter_free(q);
		return EXIT_USAGE;
	}
	if (filter_check(q, err, sizeof(err)) < 0)
		fatalx("--%s", err);
	if (access(db, F_OK) != 0)
		fatalx("%s: no such database (create one with ipgraph import)",
		    db);
	if ((st = store_open(db, 1, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	printf("time,sensor,client,address,name,ttl,source\n");
	rc = store_names(st, q, 1, names_row, &o, err, sizeof(err));
	buf_free(&o.line);
	filter_free(q);
	if (rc < 0) {
		log_warnx("names: %s", err);
		store_close(st);
		return 1;
	}
	store_close(st);
	if (fflush(stdout) != 0) {
		log_warn("names: standard output");
		return 1;
	}
	return 0;
}
