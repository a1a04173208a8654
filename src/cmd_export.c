/* cmd_export.c - the export and top commands: stored edges out. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cmd.h"
#include "export_csv.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"

/* Options shared by the readers; returns the index of the first operand. */
struct read_opts {
	const char		*db;
	const char		*out;
	struct edge_filter	 f;
	unsigned		 top;
	int			 by_bytes;
};

static int
parse_read_opts(int argc, char **argv, struct read_opts *ro)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "sensor", required_argument, NULL, 's' },
		{ "metric", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[256];
	int64_t now = timefmt_now();
	int ch;

	while ((ch = getopt_long(argc, argv, "d:o:n:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd': ro->db = optarg; break;
		case 'o': ro->out = optarg; break;
		case 'F':
			if (timefmt_parse(optarg, now, &ro->f.from_us, err,
			    sizeof(err)) < 0)
				fatalx("--from: %s", err);
			ro->f.has_from = 1;
			break;
		case 'T':
			if (timefmt_parse(optarg, now, &ro->f.to_us, err,
			    sizeof(err)) < 0)
				fatalx("--to: %s", err);
			ro->f.has_to = 1;
			break;
		case 's': ro->f.sensor = optarg; break;
		case 'n':
			ro->top = (unsigned)number_arg("-n", optarg, 1,
			    1000000);
			break;
		case 'm':
			if (strcmp(optarg, "bytes") == 0)
				ro->by_bytes = 1;
			else if (strcmp(optarg, "packets") == 0)
				ro->by_bytes = 0;
			else
				fatalx("--metric: '%s' is neither packets nor "
				    "bytes", optarg);
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (ro->f.has_from && ro->f.has_to && ro->f.from_us > ro->f.to_us)
		fatalx("--from is after --to: nothing can match");
	return optind;
}

static struct store *
open_for_reading(const char *db)
{
	struct store *st;
	char err[1024];

	if (access(db, F_OK) != 0)
		fatalx("%s: no such database (create one with ipgraph import)",
		    db);
	if ((st = store_open(db, 1, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	return st;
}

int
cmd_export(int argc, char **argv)
{
	struct read_opts ro = { DEFAULT_DB, NULL, { 0 }, 0, 0 };
	const char *format;
	char err[PATH_MAX + 1024], tmp[PATH_MAX];
	struct store *st;
	FILE *out = stdout;
	int rc;

	if (argc < 2 || argv[1][0] == '-') {
		log_warnx("export: no format given");
		usage(stderr);
		return EXIT_USAGE;
	}
	format = argv[1];
	parse_read_opts(argc - 1, argv + 1, &ro);
	if (optind != argc - 1) {
		log_warnx("export: unexpected argument '%s'", argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (strcmp(format, "csv") != 0) {
		log_warnx("export: unknown format '%s' (known: csv)", format);
		return EXIT_USAGE;
	}
	st = open_for_reading(ro.db);
	/* Write beside the target and rename: never a half-written file. */
	if (ro.out != NULL && strcmp(ro.out, "-") != 0) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", ro.out,
		    (long)getpid()) >= sizeof(tmp))
			fatalx("-o: path too long");
		if ((out = fopen(tmp, "w")) == NULL)
			fatal("%s", tmp);
	}
	rc = export_csv(st, &ro.f, out, err, sizeof(err));
	store_close(st);
	if (out != stdout) {
		if (fclose(out) != 0 && rc == 0) {
			snprintf(err, sizeof(err), "%s: %s", tmp,
			    strerror(errno));
			rc = -1;
		}
		if (rc == 0 && rename(tmp, ro.out) != 0) {
			snprintf(err, sizeof(err), "%s: %s", ro.out,
			    strerror(errno));
			rc = -1;
		}
		if (rc != 0)
			unlink(tmp);
	} else if (fflush(stdout) != 0) {
		snprintf(err, sizeof(err), "standard output: %s",
		    strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		log_warnx("export: %s", err);
		return 1;
	}
	return 0;
}

static int
top_row(const struct pair_row *p, void *arg)
{
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];

	(void)arg;
	printf("%-39s  %-39s  %10llu  %12llu\n", addr_format(p->ipver,
	    p->src, src), addr_format(p->ipver, p->dst, dst),
	    (unsigned long long)p->packets, (unsigned long long)p->bytes);
	return 0;
}

int
cmd_top(int argc, char **argv)
{
	struct read_opts ro = { DEFAULT_DB, NULL, { 0 }, 10, 1 };
	struct store *st;
	int rc;

	parse_read_opts(argc, argv, &ro);
	if (optind != argc) {
		log_warnx("top: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	st = open_for_reading(ro.db);
	printf("%-39s  %-39s  %10s  %12s\n", "source", "destination",
	    "packets", "bytes");
	rc = store_top_pairs(st, &ro.f, ro.by_bytes, ro.top, top_row, NULL);
	if (rc < 0)
		log_warnx("top: %s", store_error(st));
	store_close(st);
	return rc < 0 ? 1 : 0;
}

