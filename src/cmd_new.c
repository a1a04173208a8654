/* cmd_new.c - the new command: edges first seen in a span. */

#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cmd.h"
#include "decode.h"
#include "help.h"
#include "info.h"
#include "log.h"
#include "query.h"
#include "store.h"
#include "timefmt.h"

static int
new_row(const struct first_seen_row *r, void *arg)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], t[TIMEFMT_ISO_LEN];
	unsigned long *n = arg;

	addr_format(r->ipver, r->src, a);
	addr_format(r->ipver, r->dst, b);
	printf("%s,%s,%s,%s,%s,%u\n", timefmt_iso(r->first_us, t), r->sensor,
	    decode_proto_name(r->proto), a, b, r->dport);
	(*n)++;
	return 0;
}

/*
 * The first-seen edges (see README, "First-seen edges") first seen in
 * [--since, --until], oldest first, as CSV.
 */
int
cmd_new(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "sensor", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = DEFAULT_DB, *sensor = NULL;
	char err[PATH_MAX + 1024];
	int64_t now = timefmt_now(), since = 0, until = now;
	int ch, have_since = 0;
	unsigned long n = 0;
	struct store *st;

	while ((ch = getopt_long(argc, argv, "d:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 's':
		case 'u':
			if (query_time(ch == 's' ? "--since" : "--until",
			    optarg, now, ch == 's' ? &since : &until, err,
			    sizeof(err)) < 0)
				fatalx("%s", err);
			have_since |= ch == 's';
			break;
		case 'n':
			if (*optarg == '\0')
				fatalx("--sensor: empty name");
			sensor = optarg;
			break;
		case 'h': help_command("new", stdout); exit(0);
		default: usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc) {
		log_warnx("new: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!have_since) {
		log_warnx("new: --since is required (such as --since -1h)");
		return EXIT_USAGE;
	}
	if (since > until)
		fatalx("--since is after --until: nothing can match");
	if (access(db, F_OK) != 0)
		fatalx("%s: no such database (create one with ipgraph import)",
		    db);
	if ((st = store_open(db, 1, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	switch (info_sensor_check(st, sensor, err, sizeof(err))) {
	case 0:
		break;
	case 1:
		fatalx("--%s", err);
	default:
		fatalx("%s", err);
	}
	printf("first_seen,sensor,proto,src,dst,dport\n");
	if (store_first_seen(st, sensor, since, until, new_row, &n, err,
	    sizeof(err)) < 0) {
		log_warnx("new: %s", err);
		store_close(st);
		return 1;
	}
	if (fflush(stdout) != 0) {
		log_warn("new: standard output");
		store_close(st);
		return 1;
	}
	if (n == 0)
		log_warnx("new: no edge first seen in the span (the first-seen "
		    "table keeps the newest %d by default)",
		    STORE_FIRST_SEEN_MAX);
	store_close(st);
	return 0;
}
