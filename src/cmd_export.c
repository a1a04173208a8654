/* cmd_export.c - the export and top commands: stored edges out. */

#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "addr.h"
#include "buf.h"
#include "cmd.h"
#include "export.h"
#include "export_csv.h"
#include "help.h"
#include "info.h"
#include "log.h"
#include "names.h"
#include "rdns.h"
#include "services.h"
#include "sites.h"
#include "graph.h"
#include "query.h"
#include "render.h"
#include "store.h"
#include "timefmt.h"

/*
 * Open db for reading, for the query q: a --sensor the database does not
 * know is an error naming the ones it does (else a typo reads as "no
 * traffic").  Exits on failure.
 */
static struct store *
open_for_reading(const char *db, const struct filter *q)
{
	struct store *st;
	char err[1024];

	if (access(db, F_OK) != 0)
		fatalx("%s: no such database (create one with ipgraph import)",
		    db);
	if ((st = store_open(db, 1, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	switch (info_sensor_check(st, q->sensor, err, sizeof(err))) {
	case 0:
		return st;
	case 1:
		fatalx("--%s", err);
	default:
		fatalx("%s", err);
	}
}

/* Say on stderr why a query found nothing (the output stays valid). */
static void
explain_empty(struct store *st, const struct filter *q, const char *cmd)
{
	char msg[2048];

	if (info_why_empty(st, q, msg, sizeof(msg)) > 0)
		log_warnx("%s: %s", cmd, msg);
}

/* Long options of export; the filters map one to one onto filter_set. */
enum {
	OPT_NAMES = 256, OPT_SITES, OPT_LAYOUT, OPT_KEEP_SENDERS, OPT_KEEP_RECEIVERS,
	OPT_DIAGONAL, OPT_PEERS, OPT_OTHER, OPT_FILTER, OPT_SERVICES, OPT_RDNS,
	OPT_RDNS_SERVER, OPT_RDNS_TIMEOUT
};

static const struct option export_longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "output", required_argument, NULL, 'o' },
	{ "from", required_argument, NULL, OPT_FILTER },
	{ "to", required_argument, NULL, OPT_FILTER },
	{ "src", required_argument, NULL, OPT_FILTER },
	{ "dst", required_argument, NULL, OPT_FILTER },
	{ "host", required_argument, NULL, OPT_FILTER },
	{ "pair", required_argument, NULL, OPT_FILTER },
	{ "port", required_argument, NULL, OPT_FILTER },
	{ "proto", required_argument, NULL, OPT_FILTER },
	{ "sensor", required_argument, NULL, OPT_FILTER },
	{ "top", required_argument, NULL, OPT_FILTER },
	{ "metric", required_argument, NULL, OPT_FILTER },
	{ "group", required_argument, NULL, OPT_FILTER },
	{ "tier", required_argument, NULL, OPT_FILTER },
	{ "max-nodes", required_argument, NULL, OPT_FILTER },
	{ "min-weight", required_argument, NULL, OPT_FILTER },
	{ "baseline-from", required_argument, NULL, OPT_FILTER },
	{ "baseline-to", required_argument, NULL, OPT_FILTER },
	{ "baseline", required_argument, NULL, OPT_FILTER },
	{ "change-ratio", required_argument, NULL, OPT_FILTER },
	{ "other", no_argument, NULL, OPT_OTHER },
	{ "names", required_argument, NULL, OPT_NAMES },
	{ "sites", required_argument, NULL, OPT_SITES },
	{ "services", required_argument, NULL, OPT_SERVICES },
	{ "rdns", no_argument, NULL, OPT_RDNS },
	{ "rdns-server", required_argument, NULL, OPT_RDNS_SERVER },
	{ "rdns-timeout", required_argument, NULL, OPT_RDNS_TIMEOUT },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "keep-senders", no_argument, NULL, OPT_KEEP_SENDERS },
	{ "keep-receivers", no_argument, NULL, OPT_KEEP_RECEIVERS },
	{ "diagonal", no_argument, NULL, OPT_DIAGONAL },
	{ "peers", required_argument, NULL, OPT_PEERS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* --rdns, --rdns-server, --rdns-timeout: the resolver to start, if on. */
struct cli_rdns {
	int		 on;
	struct rdns_conf conf;
	struct rdns	*r;
};

#define CLI_RDNS_INIT	{ 0, { RDNS_TIMEOUT_MS, RDNS_CACHE, NULL }, NULL }

/* Start the resolver when asked for and attach it to q; exits on error. */
static void
cli_rdns_start(struct cli_rdns *rd, struct filter *q)
{
	char err[512];

	if (!rd->on)
		return;
	if ((rd->r = rdns_new(&rd->conf, err, sizeof(err))) == NULL)
	{
		/* the server's fault is --rdns-server's, not the key's */
		if (strncmp(err, "reverse_dns_server: ", 20) == 0)
			fatalx("--rdns-server: %s", err + 20);
		fatalx("--rdns: %s", err);
	}
	filter_set_rdns(q, rd->r);
}

/*
 * The options export, top and diff share: a filter (--from, --host, ...)
 * set on q, --names loaded into *nm, --sites into *sites, --rdns and its
 * settings into *rd.  Returns 1 when ch was one of them, else 0; exits
 * with a message naming the option when its value is bad.
 */
static int
query_option(int ch, const char *name, const char *arg, int64_t now,
    struct filter *q, struct names **nm, struct sites **sites,
    struct cli_rdns *rd)
{
	char err[PATH_MAX + 1024];
	char param[32];
	size_t i;

	switch (ch) {
	case OPT_FILTER:
		/* --max-nodes is the parameter max_nodes */
		for (i = 0; name[i] != '\0' && i < sizeof(param) - 1; i++)
			param[i] = name[i] == '-' ? '_' : name[i];
		param[i] = '\0';
		if (filter_set(q, param, arg, now, err, sizeof(err)) < 0)
			fatalx("--%s%s", name, strncmp(err, param, i) == 0 ?
			    err + i : err);
		return 1;
	case OPT_NAMES:
		if (*nm == NULL && (*nm = names_new()) == NULL)
			fatalx("out of memory");
		if (names_load(*nm, arg, err, sizeof(err)) < 0)
			fatalx("--names: %s", err);
		return 1;
	case OPT_SITES:
		sites_free(*sites);
		if ((*sites = sites_load(arg, err, sizeof(err))) == NULL)
			fatalx("--sites: %s", err);
		filter_set_sites(q, *sites);
		return 1;
	case OPT_RDNS:
		rd->on = 1;
		return 1;
	case OPT_RDNS_SERVER:
		rd->on = 1;
		rd->conf.server = arg;
		return 1;
	case OPT_RDNS_TIMEOUT:
		rd->on = 1;
		rd->conf.timeout_ms = (unsigned)number_arg("--rdns-timeout",
		    arg, 1, 60000);
		return 1;
	default:
		return 0;
	}
}

/*
 * The whole-filter checks (filter_check): exits with the message, its
 * parameter named as the option (baseline_from is --baseline-from).
 */
static void
check_filter(const struct filter *q)
{
	char err[1024];
	size_t i;

	if (filter_check(q, err, sizeof(err)) == 0)
		return;
	if (strncmp(err, "from: is after to", 17) == 0)
		fatalx("--from is after --to: nothing can match");
	for (i = 0; err[i] != '\0' && err[i] != ':'; i++)
		if (err[i] == '_')
			err[i] = '-';
	fatalx("--%s", err);
}

/*
 * A graph's error naming a baseline parameter ("baseline_from: ...") as
 * its option ("--baseline-from: ..."), in place; others stay as they are.
 */
static const char *
baseline_option(char *err, size_t errlen)
{
	size_t i, n = strlen(err);

	if (strncmp(err, "baseline", 8) != 0 || n + 3 > errlen)
		return err;
	memmove(err + 2, err, n + 1);
	err[0] = err[1] = '-';
	for (i = 2; err[i] != '\0' && err[i] != ':'; i++)
		if (err[i] == '_')
			err[i] = '-';
	return err;
}

static void
export_usage(FILE *fp)
{
	struct buf names = BUF_INIT;

	export_names(&names);
	fprintf(fp,
"usage: ipgraph export FORMAT [--db FILE] [-o FILE|DIR] [filters] [options]\n"
"filters: --from TIME --to TIME --src A|CIDR --dst A|CIDR --host A|CIDR\n"
"         --pair A:B --port N --proto P --sensor NAME --top N [--other]\n"
"         --metric packets|bytes --group /24|/64|/24,/64 --names FILE\n"
"         --tier raw|hour|day|auto\n"
"options: --services FILE (more port names, after /etc/services)\n"
"         --layout dot|neato|fdp|sfdp|circo|twopi (png, svg)\n"
"         --keep-senders --keep-receivers --diagonal (circos)\n"
"         --peers N (histogram)\n"
"FORMAT: %s\n", names.data != NULL ? names.data : "");
	buf_free(&names);
}

/* A sink writing to a stdio stream, counting what it wrote. */
struct export_out {
	FILE		*fp;
	size_t		 bytes;
};

static int
export_sink(void *arg, const char *data, size_t len)
{
	struct export_out *o = arg;

	o->bytes += len;
	return fwrite(data, 1, len, o->fp) == len ? 0 : -1;
}

/*
 * Write contents to path through a temporary file beside it and a
 * rename, so a failed export never leaves a half-written file.
 */
static int
export_write_file(const char *path, const struct buf *contents, char *err,
    size_t errlen)
{
	char tmp[PATH_MAX];
	FILE *fp;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path,
	    (long)getpid()) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fp = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if ((contents->len > 0 && fwrite(contents->data, 1, contents->len,
	    fp) != contents->len) || fclose(fp) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Where the files of a folder format go. */
struct export_dir {
	const char	*dir;
	char		 err[PATH_MAX + 256];
};

static int
export_put(void *arg, const char *name, const struct buf *contents)
{
	struct export_dir *d = arg;
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", d->dir, name) >=
	    sizeof(path)) {
		snprintf(d->err, sizeof(d->err), "%s: path too long", d->dir);
		return -1;
	}
	if (export_write_file(path, contents, d->err, sizeof(d->err)) < 0)
		return -1;
	/* run.sh and the like are meant to be run. */
	if (strcmp(name + strlen(name) - (strlen(name) > 3 ? 3 : 0), ".sh") ==
	    0)
		chmod(path, 0755);
	return 0;
}

/*
 * A picture's own cap of hosts is the one reduction nobody asked for: say
 * on standard error what it left out, and how to see more.
 */
static void
export_note(const struct export_format *fmt, const struct filter *q,
    const struct graph *g)
{
	struct buf b = BUF_INIT;

	if (fmt->max_nodes == 0 || !graph_hidden(g) ||
	    filter_has(q, FILTER_MAX_NODES) || filter_has(q, FILTER_TOP) ||
	    filter_has(q, FILTER_MIN_WEIGHT))
		return;
	graph_shown(g, &b);
	buf_putc(&b, '\0');
	if (!buf_failed(&b))
		log_warnx("export: %s: %s (%s draws at most %u hosts unless "
		    "--max-nodes says otherwise; --other folds the rest)",
		    fmt->name, b.data, fmt->name, fmt->max_nodes);
	buf_free(&b);
}

/*
 * Write one format: the graph (or, for csv, the rows) to -o FILE or
 * standard output, or a folder format into -o DIR.  0 or -1 with err.
 * An empty result is written all the same, and why it is empty goes to
 * stderr (and into the json document).
 */
static int
export_run(const struct export_format *fmt, struct filter *q,
    struct store *st, const struct export_opts *opts, const char *out,
    char *err, size_t errlen)
{
	struct graph *g = NULL;
	struct buf b = BUF_INIT;
	struct export_dir d;
	struct export_opts eo_copy = *opts, *eo = &eo_copy;
	struct export_out o;
	char tmp[PATH_MAX], note[2048];
	FILE *fp;
	int rc = -1, to_stdout = out == NULL || strcmp(out, "-") == 0;

	export_shape(fmt, q);
	if (fmt->files != NULL) {
		if (mkdir(out, 0777) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", out, strerror(errno));
			return -1;
		}
		if ((g = graph_build(q, st, err, errlen)) == NULL)
			return -1;
		export_note(fmt, q, g);
		if (g->nedges == 0)
			explain_empty(st, q, "export");
		d.dir = out;
		d.err[0] = '\0';
		rc = fmt->files(g, eo, export_put, &d, err, errlen);
		if (rc < 0 && d.err[0] != '\0')
			snprintf(err, errlen, "%s", d.err);
		graph_free(g);
		return rc;
	}
	/*
	 * Both stream through the buffer's sink; a file is written beside
	 * its final name and renamed into place only when whole.
	 */
	if (to_stdout)
		fp = stdout;
	else {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", out,
		    (long)getpid()) >= sizeof(tmp)) {
			snprintf(err, errlen, "%s: path too long", out);
			return -1;
		}
		if ((fp = fopen(tmp, "w")) == NULL) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			return -1;
		}
	}
	o.fp = fp;
	o.bytes = 0;
	buf_set_sink(&b, export_sink, &o);
	if (fmt->rows)
		rc = export_csv_rows(q, st, &b, err, errlen);
	else if ((g = graph_build(q, st, err, errlen)) != NULL) {
		export_note(fmt, q, g);
		if (g->nedges == 0 && info_why_empty(st, q, note,
		    sizeof(note)) > 0) {
			log_warnx("export: %s", note);
			eo->note = note;
		}
		rc = fmt->write(g, eo, &b, err, errlen);
	}
	if (rc == 0 && (buf_flush(&b) < 0 || fflush(fp) != 0)) {
		snprintf(err, errlen, "%s: %s", to_stdout ? "standard output" :
		    tmp, strerror(errno));
		rc = -1;
	}
	if (!to_stdout) {
		if (fclose(fp) != 0 && rc == 0) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			rc = -1;
		}
		if (rc == 0 && rename(tmp, out) != 0) {
			snprintf(err, errlen, "%s: %s", out, strerror(errno));
			rc = -1;
		}
		if (rc != 0)
			unlink(tmp);
	}
	/* csv: nothing but the header line means no row */
	if (rc == 0 && fmt->rows && o.bytes == strlen(EXPORT_CSV_HEADER) + 1)
		explain_empty(st, q, "export");
	graph_free(g);
	buf_free(&b);
	return rc;
}

int
cmd_export(int argc, char **argv)
{
	const struct export_format *fmt;
	struct export_opts eo;
	struct filter *q;
	struct names *nm = NULL;
	struct sites *sites = NULL;
	struct cli_rdns rd = CLI_RDNS_INIT;
	struct store *st;
	const char *db = DEFAULT_DB, *out = NULL;
	char err[PATH_MAX + 1024];
	int64_t now = timefmt_now();
	int ch, li, rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0)) {
			help_command("export", stdout);
			return 0;
		}
		log_warnx("export: no format given");
		export_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "ipfix") == 0)	/* it sends: cmd_ipfix.c */
		return cmd_export_ipfix(argc - 1, argv + 1);
	if ((fmt = export_find(argv[1])) == NULL) {
		struct buf names = BUF_INIT;

		export_names(&names);
		log_warnx("export: unknown format '%s' (known: %s)", argv[1],
		    names.data != NULL ? names.data : "");
		buf_free(&names);
		return EXIT_USAGE;
	}
	memset(&eo, 0, sizeof(eo));
	if ((q = filter_new()) == NULL)
		fatalx("out of memory");
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "d:o:h", export_longopts,
	    &li)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'o': out = optarg; break;
		case OPT_FILTER:
		case OPT_NAMES:
		case OPT_SITES:
		case OPT_RDNS:
		case OPT_RDNS_SERVER:
		case OPT_RDNS_TIMEOUT:
			query_option(ch, export_longopts[li].name, optarg, now,
			    q, &nm, &sites, &rd);
			break;
		case OPT_OTHER:
			if (filter_set(q, "other", "yes", now, err,
			    sizeof(err)) < 0)
				fatalx("--%s", err);
			break;
		case OPT_LAYOUT:
			if (!render_layout_known(optarg))
				fatalx("--layout: '%s' is not one of dot, "
				    "neato, fdp, sfdp, circo, twopi", optarg);
			eo.layout = optarg;
			break;
		case OPT_SERVICES:
			if (services_add_file(optarg, err, sizeof(err)) < 0)
				fatalx("--services: %s", err);
			break;
		case OPT_KEEP_SENDERS: eo.keep_senders = 1; break;
		case OPT_KEEP_RECEIVERS: eo.keep_receivers = 1; break;
		case OPT_DIAGONAL: eo.diagonal = 1; break;
		case OPT_PEERS:
			eo.peers = (unsigned)number_arg("--peers", optarg, 1,
			    10000);
			break;
		case 'h': help_command("export", stdout); exit(0);
		default: export_usage(stderr); exit(EXIT_USAGE);
		}
	}
	if (optind != argc) {
		log_warnx("export: unexpected argument '%s'", argv[optind]);
		rc = EXIT_USAGE;
		goto done;
	}
	check_filter(q);
	if (fmt->rows) {
		static const char *const shaping[] = {
			"top", "other", "group", "metric", NULL
		};
		size_t i;

		/* csv writes rows as stored: nothing to rank or fold. */
		for (i = 0; shaping[i] != NULL; i++)
			if (filter_has(q, i == 0 ? FILTER_TOP : i == 1 ?
			    FILTER_OTHER : i == 2 ? FILTER_GROUP :
			    FILTER_METRIC))
				fatalx("--%s: does not apply to csv, which "
				    "writes stored rows (try csv-pairs)",
				    shaping[i]);
		if (nm != NULL)
			fatalx("--names: does not apply to csv, which writes "
			    "addresses (try csv-pairs)");
		if (rd.on)
			fatalx("--rdns: does not apply to csv, which writes "
			    "addresses (try csv-pairs)");
		if (filter_has(q, FILTER_BASELINE) ||
		    filter_has(q, FILTER_BASELINE_FROM) ||
		    filter_has(q, FILTER_BASELINE_TO))
			fatalx("--baseline: does not apply to csv, which "
			    "writes stored rows (try csv-pairs or json)");
	}
	if (fmt->files != NULL && (out == NULL || strcmp(out, "-") == 0)) {
		log_warnx("export: %s writes several files: give a folder "
		    "with -o DIR", fmt->name);
		rc = EXIT_USAGE;
		goto done;
	}
	if (fmt->mime != NULL && strcmp(fmt->mime, "image/png") == 0)
		help_refuse_tty("export", fmt->name, out);
	filter_set_names(q, nm);
	st = open_for_reading(db, q);
	cli_rdns_start(&rd, q);
	rc = export_run(fmt, q, st, &eo, out, err, sizeof(err));
	store_close(st);
	if (rc != 0) {
		log_warnx("export: %s", baseline_option(err, sizeof(err)));
		rc = 1;
	}
done:
	filter_free(q);
	rdns_free(rd.r);
	names_free(nm);
	sites_free(sites);
	return rc;
}

/*
 * The heaviest address pairs (or blocks, with --group) through the query
 * layer: every export filter applies, and -n N is --top N.
 */
int
cmd_top(int argc, char **argv)
{
	struct filter *q;
	struct names *nm = NULL;
	struct sites *sites = NULL;
	struct cli_rdns rd = CLI_RDNS_INIT;
	struct store *st;
	struct graph *g;
	const char *db = DEFAULT_DB;
	char err[PATH_MAX + 1024], n[24];
	int64_t now = timefmt_now();
	int ch, li;
	size_t i;

	if ((q = filter_new()) == NULL)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "d:n:h", export_longopts,
	    &li)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'n':
			snprintf(n, sizeof(n), "%lu", number_arg("-n", optarg,
			    1, 1000000));
			if (filter_set(q, "top", n, now, err, sizeof(err)) < 0)
				fatalx("-n: %s", err);
			break;
		case 'h': help_command("top", stdout); exit(0);
		case '?': usage(stderr); exit(EXIT_USAGE);
		default:
			if (!query_option(ch, export_longopts[li].name,
			    optarg, now, q, &nm, &sites, &rd))
				fatalx("top: --%s does not apply to top",
				    export_longopts[li].name);
		}
	}
	if (optind != argc) {
		log_warnx("top: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!filter_has(q, FILTER_TOP) &&
	    filter_set(q, "top", "10", now, err, sizeof(err)) < 0)
		fatalx("%s", err);
	check_filter(q);
	filter_set_names(q, nm);
	st = open_for_reading(db, q);
	cli_rdns_start(&rd, q);
	if ((g = graph_build(q, st, err, sizeof(err))) == NULL) {
		log_warnx("top: %s", baseline_option(err, sizeof(err)));
		store_close(st);
		filter_free(q);
		rdns_free(rd.r);
		names_free(nm);
		sites_free(sites);
		return 1;
	}
	if (g->nedges == 0)
		explain_empty(st, q, "top");
	graph_sort_by_weight(g);
	printf("%-39s  %-39s  %10s  %12s\n", "source", "destination",
	    "packets", "bytes");
	for (i = 0; i < g->nedges; i++)
		printf("%-39s  %-39s  %10llu  %12llu\n",
		    g->nodes[g->edges[i].src].label,
		    g->nodes[g->edges[i].dst].label,
		    (unsigned long long)g->edges[i].packets,
		    (unsigned long long)g->edges[i].bytes);
	graph_free(g);
	store_close(st);
	filter_free(q);
	rdns_free(rd.r);
	names_free(nm);
	sites_free(sites);
	return 0;
}

/* Changed edges first (new, gone, grown, shrunk, same), heaviest first. */
static int
diff_cmp(const void *pa, const void *pb, void *arg)
{
	const struct graph *g = arg;
	const struct graph_edge *a = *(const struct graph_edge *const *)pa;
	const struct graph_edge *b = *(const struct graph_edge *const *)pb;
	int ra = a->change == GRAPH_CHANGE_SAME ? GRAPH_NCHANGES : a->change;
	int rb = b->change == GRAPH_CHANGE_SAME ? GRAPH_NCHANGES : b->change;
	uint64_t wa, wb;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	wa = graph_weight(g, a->packets, a->bytes) + graph_weight(g,
	    a->base_packets, a->base_bytes);
	wb = graph_weight(g, b->packets, b->bytes) + graph_weight(g,
	    b->base_packets, b->base_bytes);
	if (wa != wb)
		return wa > wb ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

/* The summary table of a diff, then its edges (changed ones only). */
static int
diff_print(const struct graph *g, int all)
{
	const struct graph_edge **order;
	static const int rows[] = { GRAPH_CHANGE_NEW, GRAPH_CHANGE_GONE,
	    GRAPH_CHANGE_GROWN, GRAPH_CHANGE_SHRUNK, GRAPH_CHANGE_SAME };
	uint64_t base[GRAPH_NCHANGES], span[GRAPH_NCHANGES];
	const char *unit = g->metric == QUERY_METRIC_BYTES ? "bytes" :
	    "packets";
	struct buf cap = BUF_INIT;
	size_t i, k;

	memset(base, 0, sizeof(base));
	memset(span, 0, sizeof(span));
	for (i = 0; i < g->nedges; i++) {
		base[g->edges[i].change] += graph_weight(g,
		    g->edges[i].base_packets, g->edges[i].base_bytes);
		span[g->edges[i].change] += graph_weight(g,
		    g->edges[i].packets, g->edges[i].bytes);
	}
	graph_caption(g, &cap);
	buf_putc(&cap, '\0');
	if (!buf_failed(&cap))
		printf("%s\n\n", cap.data);
	buf_free(&cap);
	printf("%-8s  %8s  %8s  %16s  %16s\n", "change", "edges", "hosts",
	    "baseline", "span");
	for (k = 0; k < sizeof(rows) / sizeof(rows[0]); k++)
		printf("%-8s  %8zu  %8zu  %16llu  %16llu\n",
		    graph_change_name(rows[k]), g->changes[rows[k]],
		    g->node_changes[rows[k]],
		    (unsigned long long)base[rows[k]],
		    (unsigned long long)span[rows[k]]);
	printf("(%s; a host's change is by its traffic in and out)\n", unit);
	if ((order = calloc(g->nedges + 1, sizeof(*order))) == NULL)
		return -1;
	for (i = 0; i < g->nedges; i++)
		order[i] = &g->edges[i];
	if (g->nedges > 1)
		qsort_r(order, g->nedges, sizeof(*order), diff_cmp,
		    (void *)g);
	printf("\n%-8s  %-39s  %-39s  %16s  %16s\n", "change", "source",
	    "destination", "baseline", "span");
	for (i = 0; i < g->nedges; i++) {
		if (!all && order[i]->change == GRAPH_CHANGE_SAME)
			continue;
		printf("%-8s  %-39s  %-39s  %16llu  %16llu\n",
		    graph_change_name(order[i]->change),
		    g->nodes[order[i]->src].label,
		    g->nodes[order[i]->dst].label,
		    (unsigned long long)graph_weight(g, order[i]->base_packets,
		    order[i]->base_bytes),
		    (unsigned long long)graph_weight(g, order[i]->packets,
		    order[i]->bytes));
	}
	free(order);
	return 0;
}

/*
 * What changed between a baseline and a span: every export filter
 * applies, and a baseline (--baseline, or --baseline-from and
 * --baseline-to) is required.
 */
int
cmd_diff(int argc, char **argv)
{
	static const struct option diff_longopts_extra[] = {
		{ "all", no_argument, NULL, 'a' },
	};
	struct option longopts[sizeof(export_longopts) /
	    sizeof(export_longopts[0]) + 1];
	struct filter *q;
	struct names *nm = NULL;
	struct sites *sites = NULL;
	struct cli_rdns rd = CLI_RDNS_INIT;
	struct store *st;
	struct graph *g;
	const char *db = DEFAULT_DB;
	char err[PATH_MAX + 1024];
	int64_t now = timefmt_now(), bf, bt;
	int ch, li, all = 0, rc = 0;
	size_t n = sizeof(export_longopts) / sizeof(export_longopts[0]);

	/* export's options, and --all, before the terminating entry */
	memcpy(longopts, export_longopts, (n - 1) * sizeof(longopts[0]));
	longopts[n - 1] = diff_longopts_extra[0];
	memset(&longopts[n], 0, sizeof(longopts[n]));
	if ((q = filter_new()) == NULL)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "d:ah", longopts, &li)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'a': all = 1; break;
		case 'h': help_command("diff", stdout); exit(0);
		case OPT_OTHER:
			if (filter_set(q, "other", "yes", now, err,
			    sizeof(err)) < 0)
				fatalx("--%s", err);
			break;
		case '?': usage(stderr); exit(EXIT_USAGE);
		default:
			if (!query_option(ch, longopts[li].name, optarg, now,
			    q, &nm, &sites, &rd))
				fatalx("diff: --%s does not apply to diff",
				    longopts[li].name);
		}
	}
	if (optind != argc) {
		log_warnx("diff: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	check_filter(q);
	if (!filter_baseline(q, &bf, &bt)) {
		log_warnx("diff: no baseline: give --baseline -1d (the span "
		    "shifted back) or --baseline-from and --baseline-to");
		filter_free(q);
		names_free(nm);
		sites_free(sites);
		return EXIT_USAGE;
	}
	filter_set_names(q, nm);
	st = open_for_reading(db, q);
	cli_rdns_start(&rd, q);
	if ((g = graph_build(q, st, err, sizeof(err))) == NULL) {
		log_warnx("diff: %s", baseline_option(err, sizeof(err)));
		rc = 1;
	} else if (diff_print(g, all) < 0) {
		log_warnx("diff: out of memory");
		rc = 1;
	}
	graph_free(g);
	store_close(st);
	filter_free(q);
	rdns_free(rd.r);
	names_free(nm);
	sites_free(sites);
	return rc;
}
