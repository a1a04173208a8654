/* api.c - the HTTP API's routes and data handlers: graphs, stored rows,
 * sequence diagrams and windows, each from the caller's read-only store. */

#include "config.h"

#include <inttypes.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "api.h"
#include "buf.h"
#include "conf.h"
#include "decode.h"
#include "export.h"
#include "export_seq.h"
#include "graph.h"
#include "info.h"
#include "names.h"
#include "picnote.h"
#include "query.h"
#include "render.h"
#include "seq.h"
#include "sites.h"
#include "store.h"
#include "timefmt.h"

#define API_MAX_WINDOWS		100000
#define API_SEQ_ROWS		1000
#define API_SEQ_LANES		12	/* lifelines; the rest: "others" */

/*
 * The routes.  Content types come from the export table where the route
 * is an export; only what is the server's own is named here.
 */
static const struct api_route api_route_table[] = {
	{ "graph.dot", API_EXPORT, "dot", NULL, 1, NULL },
	{ "graph.svg", API_EXPORT, "svg", NULL, 0, NULL },
	{ "graph.png", API_EXPORT, "png", NULL, 0, NULL },
	{ "graph.gexf", API_EXPORT, "gexf", NULL, 1, NULL },
	{ "circos", API_EXPORT, "circos", NULL, 1, NULL },
	{ "circos.tar.gz", API_BUNDLE, "circos-bundle", "application/gzip", 1,
	    "the Circos configuration folder as ipgraph-circos/" },
	{ "moowheel.json", API_EXPORT, "moowheel", NULL, 0, NULL },
	{ "moowheel.html", API_EXPORT, "moowheel-html", NULL, 0, NULL },
	{ "edges.csv", API_CSV, "csv", NULL, 1, NULL },
	{ "edges.json", API_EXPORT, "json", NULL, 0, NULL },
	{ "pairs.csv", API_EXPORT, "csv-pairs", NULL, 1, NULL },
	{ "histogram.png", API_EXPORT, "histogram-png", NULL, 0, NULL },
	{ "histogram.svg", API_EXPORT, "histogram-svg", NULL, 0, NULL },
	{ "histogram.csv", API_EXPORT, "histogram-csv", NULL, 1, NULL },
	{ "ports.png", API_EXPORT, "ports-png", NULL, 0, NULL },
	{ "ports.svg", API_EXPORT, "ports-svg", NULL, 0, NULL },
	{ "picviz.pcv", API_EXPORT, "picviz", NULL, 1, NULL },
	{ "ploticus.tar.gz", API_BUNDLE, "ploticus", "application/gzip", 1,
	    "the ploticus folder as ipgraph-ploticus/ (sh run.sh draws it)" },
	{ "ploticus.png", API_RENDER, "ploticus", "image/png", 0,
	    "the scatter plot drawn by ploticus on the server (run.sh)" },
	{ "rtgraph.txt", API_EXPORT, "rtgraph", NULL, 1, NULL },
	{ "seq.diag", API_SEQ, "seqdiag", "text/plain; charset=utf-8", 1,
	    "sequence diagram of the sampled packets (or stored edges), "
	    "seqdiag" },
	{ "seq.mmd", API_SEQ, "mermaid", "text/plain; charset=utf-8", 1,
	    "sequence diagram of the sampled packets (or stored edges), "
	    "Mermaid" },
	{ "seq.svg", API_SEQ, "svg", "image/svg+xml", 0,
	    "sequence diagram of the sampled packets (or stored edges), "
	    "drawn as SVG" },
	{ "seq.json", API_SEQ, "json", "application/json", 0,
	    "the sampled packets as sequence data: sensors, clock skew, "
	    "messages with where each was seen and lost, hop times" },
	{ "windows", API_WINDOWS, NULL, "application/json", 0, NULL },
	{ "info", API_INFO, NULL, "application/json", 0, NULL },
	{ "feed", API_FEED, NULL, "application/x-ndjson", 0, NULL },
	{ "names", API_NAMES, NULL, "application/json", 0, NULL },
	{ "formats", API_FORMATS, NULL, "application/json", 0, NULL },
	{ "stats", API_STATS, NULL, "application/json", 0, NULL },
	{ "live", API_LIVE, NULL, "text/event-stream", 0, NULL },
	{ "/metrics", API_METRICS, NULL,
	    "text/plain; version=0.0.4; charset=utf-8", 0, NULL },
	{ "/healthz", API_HEALTHZ, NULL, "application/json", 0, NULL },
	{ "static", API_STATIC, NULL, NULL, 0, NULL },
	{ "other", API_OTHER, NULL, NULL, 0, NULL },
};
#define API_NROUTES	(sizeof(api_route_table) / sizeof(api_route_table[0]))
#define API_ROUTE_STATIC	(API_NROUTES - 2)
_Static_assert(API_NROUTES <= API_MAX_ROUTES,
    "more routes than /metrics counts: raise API_MAX_ROUTES");

const struct api_route *
api_routes(size_t *n)
{
	*n = API_NROUTES;
	return api_route_table;
}

const struct api_route *
api_route_find(const char *url, int *api)
{
	size_t i;

	*api = 0;
	if (strncmp(url, "/api/", 5) == 0) {
		*api = 1;
		if (strncmp(url, "/api/v1/", 8) != 0)
			return NULL;
		for (i = 0; i < API_ROUTE_STATIC; i++)
			if (api_route_table[i].path[0] != '/' &&
			    strcmp(url + 8, api_route_table[i].path) == 0)
				return &api_route_table[i];
		return NULL;
	}
	for (i = 0; i < API_ROUTE_STATIC; i++)
		if (api_route_table[i].path[0] == '/' &&
		    strcmp(url, api_route_table[i].path) == 0) {
			*api = 1;
			return &api_route_table[i];
		}
	return &api_route_table[API_ROUTE_STATIC];
}

const char *
api_route_mime(const struct api_route *rt)
{
	const struct export_format *f;

	if (rt->mime != NULL || rt->format == NULL)
		return rt->mime;
	f = export_find(rt->format);
	return f != NULL ? f->mime : NULL;
}

void
api_route_names(struct buf *b)
{
	size_t i;
	int first = 1, data;

	for (i = 0; i < API_ROUTE_STATIC; i++) {
		if (api_route_table[i].path[0] == '/')
			continue;
		data = api_route_table[i].format != NULL;
		buf_printf(b, "%s%s", first ? "" : data ? ", " :
		    api_route_table[i - 1].format != NULL ? "; and " : ", ",
		    api_route_table[i].path);
		first = 0;
	}
}

/* api_conf_new's so far: a reload's answers are never taken for another's. */
static uint64_t	api_confs;

struct api_conf *
api_conf_new(const struct config *conf, char *err, size_t errlen)
{
	struct api_conf *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	c->gen = __atomic_add_fetch(&api_confs, 1, __ATOMIC_RELAXED);
	c->max_rows = conf->max_rows > 0 ? conf->max_rows :
	    API_MAX_ROWS_DEFAULT;
	c->max_nodes = conf->max_nodes > 0 ? conf->max_nodes :
	    API_MAX_NODES_DEFAULT;
	if (names_count(conf->names) > 0 &&
	    (c->names = names_copy(conf->names)) == NULL)
		goto oom;
	/* read again at each reload: the file may have changed */
	if (conf->sites != NULL && *conf->sites != '\0' &&
	    (c->sites = sites_load(conf->sites, err, errlen)) == NULL) {
		api_conf_free(c);
		return NULL;
	}
	return c;
oom:
	api_conf_free(c);
	snprintf(err, errlen, "out of memory");
	return NULL;
}

void
api_conf_free(struct api_conf *c)
{
	if (c == NULL)
		return;
	names_free(c->names);
	sites_free(c->sites);
	free(c);
}

void
api_error(struct api_reply *r, unsigned status, const char *param,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_reset(&r->body);
	r->status = status;
	r->mime = "application/json";
	r->disposition[0] = '\0';
	buf_puts(&r->body, "{\"error\": ");
	export_json_string(&r->body, msg);
	buf_puts(&r->body, ", \"parameter\": ");
	if (param != NULL)
		export_json_string(&r->body, param);
	else
		buf_puts(&r->body, "null");
	buf_puts(&r->body, "}\n");
}

/* The parameter a filter message names ("top: ..."), into p. */
static const char *
api_param_of(const char *msg, char *p, size_t len)
{
	size_t n = strcspn(msg, ":");

	if (msg[n] != ':' || n == 0 || n >= len)
		return NULL;
	memcpy(p, msg, n);
	p[n] = '\0';
	return p;
}


/* --- data routes -------------------------------------------------------- */

/*
 * Build the query from the arguments.  extra(name, value) handles the
 * route's own options and returns 1 (taken), 0 (unknown) or -1 (bad, the
 * reply set).  0, or -1 with the reply set to a 400.
 */
struct api_export_ctx {
	struct export_opts	 eo;
	const struct api_route	*rt;
};

/*
 * The export formats' own options, one table for every route: which
 * formats take each (their names in export.c's table, one word each), how
 * its value is read and where it goes in struct export_opts.  The values
 * go through query.c's parsers, as on the command line, where the option
 * is --NAME with '-' for '_'.  GET /api/v1/formats lists them from here.
 */
enum api_opt_kind {
	API_OPT_LAYOUT,		/* a libgvc layout engine */
	API_OPT_BOOL,		/* query_bool */
	API_OPT_COUNT		/* query_uint, 1 to 10000 */
};

struct api_option {
	const char		*name;
	const char		*formats;
	enum api_opt_kind	 kind;
	size_t			 off;
	const char		*about;
};

static const struct api_option api_option_table[] = {
	{ "layout", "png svg", API_OPT_LAYOUT,
	    offsetof(struct export_opts, layout),
	    "dot, neato, fdp, sfdp, circo or twopi (default: dot, sfdp above "
	    "300 nodes)" },
	{ "keep_senders", "circos circos-bundle", API_OPT_BOOL,
	    offsetof(struct export_opts, keep_senders),
	    "yes: keep hosts that only send" },
	{ "keep_receivers", "circos circos-bundle", API_OPT_BOOL,
	    offsetof(struct export_opts, keep_receivers),
	    "yes: keep hosts that only receive" },
	{ "diagonal", "circos circos-bundle", API_OPT_BOOL,
	    offsetof(struct export_opts, diagonal),
	    "yes: self traffic on the diagonal instead of \"-\"" },
	{ "peers", "histogram histogram-png histogram-svg histogram-csv",
	    API_OPT_COUNT, offsetof(struct export_opts, peers),
	    "bars, 1 to 10000 (default 10)" },
};
#define API_NOPTIONS	(sizeof(api_option_table) / sizeof(api_option_table[0]))

/* Whether the word w is in the blank-separated list. */
static int
api_word_in(const char *w, const char *list)
{
	size_t n = strlen(w), k;

	while (*list != '\0') {
		list += strspn(list, " ");
		k = strcspn(list, " ");
		if (k == n && k > 0 && strncmp(list, w, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

/* Whether the route is an export (its format is export.c's). */
static int
api_route_exports(const struct api_route *rt)
{
	return rt->kind == API_EXPORT || rt->kind == API_CSV ||
	    rt->kind == API_BUNDLE || rt->kind == API_RENDER;
}

static int
api_option_takes(const struct api_option *o, const struct api_route *rt)
{
	return api_route_exports(rt) && api_word_in(rt->format, o->formats);
}

/*
 * The route's own option name=value into c->eo.  Returns 1 (taken), 0
 * (not an option of any format) or -1 (a 400 in r: a bad value, or an
 * option of other formats, named with the routes that take it).
 */
static int
api_export_option(struct api_export_ctx *c, const char *name,
    const char *value, struct api_reply *r)
{
	const struct api_option *o;
	struct buf where = BUF_INIT;
	char err[256], *field;
	unsigned long n;
	unsigned u;
	size_t i;
	int yes;

	for (o = api_option_table; o < api_option_table + API_NOPTIONS; o++)
		if (strcmp(o->name, name) == 0)
			break;
	if (o == api_option_table + API_NOPTIONS)
		return 0;
	if (!api_option_takes(o, c->rt)) {
		for (i = 0; i < API_ROUTE_STATIC; i++)
			if (api_option_takes(o, &api_route_table[i]))
				buf_printf(&where, "%s%s", where.len > 0 ?
				    ", " : "", api_route_table[i].path);
		api_error(r, 400, name, "%s: does not apply to %s (it applies "
		    "to %s)", name, c->rt->path, buf_failed(&where) ||
		    where.data == NULL ? "other routes" : where.data);
		buf_free(&where);
		return -1;
	}
	field = (char *)&c->eo + o->off;
	switch (o->kind) {
	case API_OPT_LAYOUT:
		if (!render_layout_known(value)) {
			api_error(r, 400, name, "%s: '%s' is not one of dot, "
			    "neato, fdp, sfdp, circo, twopi", name, value);
			return -1;
		}
		memcpy(field, &value, sizeof(value));
		break;
	case API_OPT_BOOL:
		if (query_bool(name, value, &yes, err, sizeof(err)) < 0) {
			api_error(r, 400, name, "%s", err);
			return -1;
		}
		memcpy(field, &yes, sizeof(yes));
		break;
	case API_OPT_COUNT:
		if (query_uint(name, value, 1, 10000, "a whole number from 1 "
		    "to 10000", &n, err, sizeof(err)) < 0) {
			api_error(r, 400, name, "%s", err);
			return -1;
		}
		u = (unsigned)n;
		memcpy(field, &u, sizeof(u));
		break;
	}
	return 1;
}

static struct filter *
api_filter(const struct api_conf *h, const struct api_args *a,
    struct api_export_ctx *c, int rows_only, struct api_reply *r)
{
	struct filter *q;
	char err[1024], pn[64];
	int64_t now = timefmt_now();
	size_t i;
	int rc;

	if ((q = filter_new()) == NULL) {
		api_error(r, 503, NULL, "out of memory");
		return NULL;
	}
	for (i = 0; i < a->n; i++) {
		if (filter_known(a->name[i])) {
			if (rows_only && filter_shaping(a->name[i])) {
				api_error(r, 400, a->name[i], "%s: does not "
				    "apply to %s, which reads stored rows",
				    a->name[i], c->rt->path);
				goto fail;
			}
			if (filter_set(q, a->name[i], a->value[i], now, err,
			    sizeof(err)) < 0) {
				api_error(r, 400, api_param_of(err, pn,
				    sizeof(pn)), "%s", err);
				goto fail;
			}
			continue;
		}
		rc = c != NULL ? api_export_option(c, a->name[i],
		    a->value[i], r) : 0;
		if (rc < 0)
			goto fail;
		if (rc == 0) {
			api_error(r, 400, a->name[i], "%s: unknown parameter",
			    a->name[i]);
			goto fail;
		}
	}
	filter_set_names(q, h->names);
	filter_set_sites(q, h->sites);
	filter_set_rdns(q, h->rdns);
	if (filter_check(q, err, sizeof(err)) < 0) {
		api_error(r, 400, api_param_of(err, pn, sizeof(pn)), "%s",
		    err);
		goto fail;
	}
	return q;
fail:
	filter_free(q);
	return NULL;
}

/*
 * The query cost limit.  Counting the rows first would read them twice;
 * instead the store gives each request a budget of SQLite VM instructions
 * (API_STEPS_PER_ROW per allowed row: the graph query takes about 22 a
 * row, csv's sorted rows about 40, a filter that skips a row about 18,
 * and at least a million, since preparing a query takes some) and
 * interrupts the query when it is spent, so a refused query costs at most
 * a few times max_rows rows, filtered or not.  A query that finishes is
 * then held to max_rows exactly by the graph's count of rows read.
 */
#define API_STEPS_PER_ROW	100
#define API_MIN_STEPS		1000000

static void
api_budget_start(const struct api_conf *h, struct store *st)
{
	uint64_t n = h->max_rows * API_STEPS_PER_ROW;

	store_set_budget(st, n < API_MIN_STEPS ? API_MIN_STEPS : n);
}

/* The 422 for a query over the limit, or the 503 for a store error. */
static void
api_failed(const struct api_conf *h, struct store *st,
    const struct filter *q, int over, const char *err, struct api_reply *r)
{
	if (!store_budget_spent(st) && !over) {
		api_error(r, 503, NULL, "database: %s", err);
		return;
	}
	api_error(r, 422, filter_has(q, FILTER_FROM) ? "to" : "from",
	    "the query reads more than %llu stored rows (the server's "
	    "max_rows limit): narrow it with from and to (a shorter span), "
	    "host, src, dst, port, proto or sensor, or read a coarser "
	    "roll-up with tier=hour or tier=day",
	    (unsigned long long)h->max_rows);
}

/*
 * An empty result: why, in X-Ipgraph-Note (info_why_empty, as the CLI
 * says it on stderr).  1 when there is a note.
 */
static int
api_why_empty(struct store *st, const struct filter *q, struct api_reply *r)
{
	if (info_why_empty(st, q, r->note, sizeof(r->note)) > 0)
		return 1;
	r->note[0] = '\0';	/* a store error leaves its text there */
	return 0;
}

/* Lines in b (a CSV body: rows plus the header). */
static uint64_t
api_lines(const struct buf *b)
{
	const char *p = b->data, *end = b->data + b->len;
	uint64_t n = 0;

	while (p != NULL && p < end &&
	    (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Whether fmt is drawn: a PNG or an SVG. */
static int
api_picture(const struct export_format *fmt)
{
	return fmt->mime != NULL && (strcmp(fmt->mime, "image/png") == 0 ||
	    strcmp(fmt->mime, "image/svg+xml") == 0);
}

/*
 * A picture whose span holds more rows than max_rows in its minute
 * windows (a day of a busy link read port by port: the port ring's edges,
 * not address pairs) is drawn from the hour windows instead, when the
 * tier was left to the server: a coarser picture with a note saying why,
 * rather than a 422.  *gp is the first attempt, over the limit (NULL
 * when the budget stopped it); it is replaced by the hours' graph and 0
 * returned, or left as it is and 1 returned when the hours give nothing
 * or are over too (the 422 says to narrow the span).  Data formats stay
 * exact: their rows are the answer.
 */
static int
api_hours(const struct api_conf *h, struct store *st,
    const struct export_format *fmt, struct filter *q, struct graph **gp)
{
	struct graph *hg;
	char err[1024];

	if (q->tier != QUERY_TIER_AUTO || !api_picture(fmt))
		return 1;
	q->tier = QUERY_TIER_HOUR;
	api_budget_start(h, st);
	hg = graph_build(q, st, err, sizeof(err));
	if (hg == NULL || hg->nedges == 0 || hg->rows > h->max_rows) {
		graph_free(hg);
		q->tier = QUERY_TIER_AUTO;
		return 1;
	}
	graph_free(*gp);
	*gp = hg;
	return 0;
}

/*
 * The graph of a format.  Pictures draw at most the server's max_nodes
 * hosts whatever is asked (libgvc's layouts grow much faster than the
 * graph), and fewer by the format's own cap; what a reduction left out is
 * said in X-Ipgraph-Note.  NULL with the reply set.
 */
static struct graph *
api_graph(const struct api_conf *h, struct store *st,
    const struct export_format *fmt, struct filter *q, struct api_reply *r)
{
	struct graph *g = NULL;
	struct buf note = BUF_INIT;
	char err[1024], pn[64];
	int capped = 0, over;

	export_shape(fmt, q);
	if (fmt->max_nodes > 0 && (q->max_nodes == 0 ||
	    q->max_nodes > h->max_nodes)) {
		capped = filter_has(q, FILTER_MAX_NODES);
		q->max_nodes = h->max_nodes;
	}
	/* known to be over without reading the rows: to the hours at once */
	if (api_picture(fmt) && q->tier == QUERY_TIER_AUTO &&
	    store_span_over(st, q, h->max_rows, err, sizeof(err)) == 1)
		over = 1;
	else if ((g = graph_build(q, st, err, sizeof(err))) == NULL &&
	    strncmp(err, "baseline", 8) == 0) {
		/* a baseline with no traffic: the client's to change */
		api_error(r, 400, api_param_of(err, pn, sizeof(pn)), "%s",
		    err);
		return NULL;
	} else
		over = g != NULL ? g->rows > h->max_rows :
		    store_budget_spent(st);
	if (over)
		over = api_hours(h, st, fmt, q, &g);
	if (g == NULL || over) {
		api_failed(h, st, q, over, err, r);
		graph_free(g);
		return NULL;
	}
	if (q->tier == QUERY_TIER_HOUR && !filter_has(q, FILTER_TIER))
		buf_printf(&note, "drawn from the hour windows: the span's "
		    "minute windows hold more than %llu stored rows (the "
		    "server's max_rows; tier=raw asks for them)",
		    (unsigned long long)h->max_rows);
	if (g->nedges == 0)
		api_why_empty(st, q, r);
	else if (graph_hidden(g)) {
		if (note.len > 0)
			buf_puts(&note, "; ");
		graph_shown(g, &note);
		if (capped)
			buf_printf(&note, "; this server draws at most %u "
			    "hosts", h->max_nodes);
	}
	if (note.len > 0 && r->note[0] == '\0' && !buf_failed(&note))
		snprintf(r->note, sizeof(r->note), "%s", note.data);
	buf_free(&note);
	return g;
}

/*
 * The key under which a picture's whole answer is kept (render_memo_*):
 * everything it depends on, which is the route, the parameters as given,
 * the config (names, sites, limits: api_conf's generation) and the data
 * (store_version).  1 with the key in key, or 0 when the answer is not to
 * be kept:
 * - not a picture: a picture of hosts is bounded by its cap of nodes,
 *   and every PNG or SVG (histogram, ports) by its size in pixels and
 *   the marks it draws, where other answers grow with the data, and the
 *   data formats are cheap beside them;
 * - reverse DNS on: names arrive between two requests, with no change in
 *   the database;
 * - a time relative to now (from=-1h), or a baseline (which without to
 *   ends now): the span moves with the clock.  A time is relative when
 *   it reads differently an hour later (the one time parser decides).
 * A span without to has no end for windows (store_bind), so its answer
 * changes only when the data does; names stamped ahead of the clock
 * (store_names reads them up to now) wait for the next commit.  The
 * picture cache keyed by the DOT text is still there behind this: this
 * one saves the query and the reduction (a day of minute windows: ~0.13 s
 * a request), which the picture cache needs to make its key.
 */
static int
api_memo_key(const struct api_conf *h, struct store *st,
    const struct api_route *rt, const struct export_format *fmt,
    const struct api_args *a, struct buf *key)
{
	uint64_t serial, version;
	int64_t now = timefmt_now(), t0, t1;
	char err[256];
	size_t i;

	if (rt->kind != API_EXPORT || fmt == NULL || (fmt->max_nodes == 0 &&
	    !api_picture(fmt)) || h->rdns != NULL)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (strncmp(a->name[i], "baseline", 8) == 0)
			return 0;
		if ((strcmp(a->name[i], "from") == 0 ||
		    strcmp(a->name[i], "to") == 0) &&
		    (query_time(a->name[i], a->value[i], now, &t0, err,
		    sizeof(err)) < 0 || query_time(a->name[i], a->value[i],
		    now + 3600LL * 1000000, &t1, err, sizeof(err)) < 0 ||
		    t0 != t1))
			return 0;
	}
	if (store_version(st, &serial, &version) < 0)
		return 0;
	buf_add(key, RENDER_MEMO, sizeof(RENDER_MEMO));
	buf_add(key, rt->path, strlen(rt->path) + 1);
	buf_printf(key, "%llu %llu %llu", (unsigned long long)h->gen,
	    (unsigned long long)serial, (unsigned long long)version);
	buf_add(key, "", 1);
	/* NUL-separated: no field can run into the next */
	for (i = 0; i < a->n; i++) {
		buf_add(key, a->name[i], strlen(a->name[i]) + 1);
		buf_add(key, a->value[i], strlen(a->value[i]) + 1);
	}
	return !buf_failed(key);
}

/* A kept answer (the note, a NUL, the body) into r: 1, or 0 if none. */
static int
api_memo_get(const struct buf *key, struct api_reply *r)
{
	struct buf v = BUF_INIT;
	size_t n;

	if (!render_memo_get(key, &v) || buf_failed(&v) ||
	    (n = strnlen(v.data, v.len)) == v.len) {
		buf_free(&v);
		return 0;
	}
	snprintf(r->note, sizeof(r->note), "%s", v.data);
	buf_add(&r->body, v.data + n + 1, v.len - n - 1);
	buf_free(&v);
	return 1;
}

static void
api_memo_put(const struct buf *key, const struct api_reply *r)
{
	struct buf v = BUF_INIT;

	buf_add(&v, r->note, strlen(r->note) + 1);
	buf_add(&v, r->body.data, r->body.len);
	if (!buf_failed(&v))
		render_memo_put(key, v.data, v.len);
	buf_free(&v);
}

static void
api_export(const struct api_conf *h, struct store *st,
    const struct api_route *rt,
    const struct api_args *a, struct api_reply *r)
{
	const struct export_format *fmt = export_find(rt->format);
	struct api_export_ctx c;
	struct graph *g = NULL;
	struct filter *q;
	struct buf key = BUF_INIT;
	char err[1024];
	int memo;

	memset(&c, 0, sizeof(c));
	c.rt = rt;
	if ((q = api_filter(h, a, &c, rt->kind == API_CSV, r)) == NULL)
		return;
	/* after api_filter: a bad request is a 400 however often asked */
	memo = api_memo_key(h, st, rt, fmt, a, &key);
	if (memo && api_memo_get(&key, r)) {
		filter_free(q);
		buf_free(&key);
		return;
	}
	api_budget_start(h, st);
	if (rt->kind == API_CSV) {
		if (export_csv_rows(q, st, &r->body, err, sizeof(err)) < 0)
			api_failed(h, st, q, 0, err, r);
		else if (api_lines(&r->body) > h->max_rows + 1)
			api_failed(h, st, q, 1, err, r);
		else if (api_lines(&r->body) == 1)
			api_why_empty(st, q, r);
		goto done;
	}
	if ((g = api_graph(h, st, fmt, q, r)) == NULL)
		goto done;
	if (g->nedges == 0 && r->note[0] != '\0')
		c.eo.note = r->note;
	if (fmt->write(g, &c.eo, &r->body, err, sizeof(err)) < 0) {
		if (strncmp(err, RENDER_BUSY ":", strlen(RENDER_BUSY) + 1) ==
		    0) {
			/* the picture queue is full: come back in a moment */
			api_error(r, 503, NULL, "%s: %s; try again", rt->path,
			    err);
			r->retry_after = 1;
		} else
			api_error(r, 500, NULL, "%s: %s", rt->path, err);
	} else if (memo && g->nedges > 0 && !buf_failed(&r->body))
		api_memo_put(&key, r);
done:
	store_set_budget(st, 0);
	graph_free(g);
	filter_free(q);
	buf_free(&key);
}

/* --- folder formats: a .tar.gz, or run on the server -------------------- */

/* A tar archive being written, its members under dir/. */
struct api_tar {
	struct buf	*tar;
	char		 dir[64];
};

/* One ustar member (POSIX.1-1988) of contents into the archive. */
static int
api_tar_put(void *arg, const char *name, const struct buf *contents)
{
	struct api_tar *t = arg;
	struct buf *tar = t->tar;
	char hdr[512];
	unsigned sum = 0;
	size_t i, n = strlen(name);
	int exe = n > 3 && strcmp(name + n - 3, ".sh") == 0;

	memset(hdr, 0, sizeof(hdr));
	if (snprintf(hdr, 100, "%s/%s", t->dir, name) >= 100)
		return -1;
	snprintf(hdr + 100, 8, "%07o", exe ? 0755 : 0644);
	snprintf(hdr + 108, 8, "%07o", 0);
	snprintf(hdr + 116, 8, "%07o", 0);
	snprintf(hdr + 124, 12, "%011llo", (unsigned long long)contents->len);
	snprintf(hdr + 136, 12, "%011llo",
	    (unsigned long long)(timefmt_now() / 1000000));
	memset(hdr + 148, ' ', 8);
	hdr[156] = '0';
	memcpy(hdr + 257, "ustar", 6);
	memcpy(hdr + 263, "00", 2);
	for (i = 0; i < sizeof(hdr); i++)
		sum += (unsigned char)hdr[i];
	snprintf(hdr + 148, 8, "%06o", sum);
	hdr[155] = ' ';
	buf_add(tar, hdr, sizeof(hdr));
	buf_add(tar, contents->data, contents->len);
	memset(hdr, 0, sizeof(hdr));
	buf_add(tar, hdr, (512 - contents->len % 512) % 512);
	return buf_failed(tar) ? -1 : 0;
}

/*
 * The graph of a folder format's route, for api_bundle and api_render:
 * NULL with the reply set when the query is refused or fails.
 */
static struct graph *
api_folder_graph(const struct api_conf *h, struct store *st,
    const struct api_route *rt, const struct api_args *a,
    struct export_opts *eo, struct api_reply *r)
{
	struct api_export_ctx c;
	struct graph *g;
	struct filter *q;

	memset(&c, 0, sizeof(c));
	c.rt = rt;
	if ((q = api_filter(h, a, &c, 0, r)) == NULL)
		return NULL;
	api_budget_start(h, st);
	g = api_graph(h, st, export_find(rt->format), q, r);
	store_set_budget(st, 0);
	filter_free(q);
	*eo = c.eo;
	return g;
}

/*
 * A folder format (circos-bundle, ploticus) as a .tar.gz whose members
 * are the files `ipgraph export FORMAT -o DIR` writes, under
 * ipgraph-NAME/ for the route NAME.tar.gz.
 */
static void
api_bundle(const struct api_conf *h, struct store *st,
    const struct api_route *rt,
    const struct api_args *a, struct api_reply *r)
{
	const struct export_format *fmt = export_find(rt->format);
	struct export_opts eo;
	struct buf tar = BUF_INIT;
	struct api_tar t;
	char zero[1024], err[1024];
	struct graph *g;

	if ((g = api_folder_graph(h, st, rt, a, &eo, r)) == NULL)
		return;
	t.tar = &tar;
	snprintf(t.dir, sizeof(t.dir), "ipgraph-%.*s",
	    (int)strcspn(rt->path, "."), rt->path);
	if (fmt->files(g, &eo, api_tar_put, &t, err, sizeof(err)) < 0) {
		api_error(r, 500, NULL, "%s: %s", rt->path, err);
		goto done;
	}
	memset(zero, 0, sizeof(zero));
	buf_add(&tar, zero, sizeof(zero));	/* two empty records */
	if (buf_failed(&tar) || buf_gzip(tar.data, tar.len, 6, &r->body) < 0)
		api_error(r, 503, NULL, "out of memory");
done:
	buf_free(&tar);
	graph_free(g);
}

/*
 * ploticus.png: the ploticus folder written to a temporary folder and
 * drawn there by the ploticus program, as its run.sh does, so the
 * picture is the one a user gets from ploticus.tar.gz.  ploticus is a
 * separate program (there is no library): it runs as a child process
 * with its input and output in that folder, under a wall-clock limit
 * (and the same CPU limit, and limits on memory and what it writes),
 * without the daemon's capabilities, and the folder is removed
 * afterwards.
 * Without ploticus on the PATH, 501 says which package to install.
 */
#define API_RENDER_SECONDS	20
#define API_RENDER_MAX_OUT	(64UL << 20)	/* bytes it may write */
#define API_RENDER_MAX_MEM	(1UL << 30)	/* its address space */

static int
api_render_put(void *arg, const char *name, const struct buf *contents)
{
	const char *dir = arg;
	char p[PATH_MAX];
	int fd;

	if (strchr(name, '/') != NULL || (size_t)snprintf(p, sizeof(p),
	    "%s/%s", dir, name) >= sizeof(p))
		return -1;
	if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (contents->len > 0 && write(fd, contents->data, contents->len) !=
	    (ssize_t)contents->len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* The program's path on the PATH (or the default one) into out; 0 or -1. */
static int
api_which(const char *prog, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p;
	size_t n;

	if (path == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p != '\0'; p += n + (p[n] == ':')) {
		n = strcspn(p, ":");
		if (n == 0)
			continue;
		if ((size_t)snprintf(out, len, "%.*s/%s", (int)n, p, prog) <
		    len && access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

int
api_render_available(const struct api_route *rt)
{
	char path[PATH_MAX];

	return rt->kind != API_RENDER || api_which(rt->format, path,
	    sizeof(path)) == 0;
}

/* Remove the temporary folder and every file in it (it has no folders). */
static void
api_rmdir(const char *dir)
{
	struct dirent *e;
	char p[PATH_MAX];
	DIR *dp;

	if ((dp = opendir(dir)) != NULL) {
		while ((e = readdir(dp)) != NULL)
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0 &&
			    (size_t)snprintf(p, sizeof(p), "%s/%s", dir,
			    e->d_name) < sizeof(p))
				unlink(p);
		closedir(dp);
	}
	rmdir(dir);
}

/* Read a whole file (at most max bytes) into b; 0 or -1. */
static int
api_slurp(const char *path, size_t max, struct buf *b)
{
	char chunk[65536];
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((got = read(fd, chunk, sizeof(chunk))) > 0 && b->len <= max)
		buf_add(b, chunk, (size_t)got);
	close(fd);
	return got < 0 || b->len > max || buf_failed(b) ? -1 : 0;
}

static void
api_render(const struct api_conf *h, struct store *st,
    const struct api_route *rt,
    const struct api_args *a, struct api_reply *r)
{
	const struct export_format *fmt = export_find(rt->format);
	struct export_opts eo;
	struct buf msg = BUF_INIT;
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	char prog[PATH_MAX], p[PATH_MAX], dir[PATH_MAX], err[1024];
	const char *tmp = getenv("TMPDIR");
	struct graph *g = NULL;
	int64_t deadline;
	pid_t pid = -1;
	int status = 0, waited = 0;

	dir[0] = '\0';
	if (api_which(rt->format, prog, sizeof(prog)) < 0) {
		api_error(r, 501, NULL, "%s: %s is not installed on this "
		    "server (Debian: apt-get install %s); %.*s.tar.gz has "
		    "the files to draw it elsewhere", rt->path, rt->format,
		    rt->format, (int)strcspn(rt->path, "."), rt->path);
		return;
	}
	if ((g = api_folder_graph(h, st, rt, a, &eo, r)) == NULL)
		return;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/ipgraph-%s.XXXXXX",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp", rt->format) >=
	    sizeof(dir) || mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		api_error(r, 503, NULL, "%s: no temporary folder: %s",
		    rt->path, strerror(errno));
		goto done;
	}
	if (fmt->files(g, &eo, api_render_put, dir, err, sizeof(err)) < 0) {
		api_error(r, 503, NULL, "%s: writing the files to %s failed",
		    rt->path, dir);
		goto done;
	}
	/*
	 * Between fork and exec only async-signal-safe calls: the child
	 * may have been forked from any of the server's threads.
	 */
	if ((pid = fork()) < 0) {
		api_error(r, 503, NULL, "%s: fork: %s", rt->path,
		    strerror(errno));
		goto done;
	}
	if (pid == 0) {
		static char *const argv[] = { "ploticus", "-png", "-o",
		    "scatterplot.png", "scatterplot", NULL };
		struct rlimit cpu = { API_RENDER_SECONDS,
		    API_RENDER_SECONDS + 1 };
		struct rlimit fsz = { API_RENDER_MAX_OUT, API_RENDER_MAX_OUT };
		struct rlimit as = { API_RENDER_MAX_MEM, API_RENDER_MAX_MEM };
		sigset_t none;
		int null, e;

		if (chdir(dir) != 0)
			_exit(126);
		null = open("/dev/null", O_RDWR);
		e = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (null < 0 || e < 0 || dup2(null, 0) < 0 ||
		    dup2(null, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		/* nothing of the server's (sockets, the database) goes along */
		close_range(3, ~0U, 0);
		/*
		 * ipgraphd keeps CAP_NET_RAW and CAP_NET_ADMIN as ambient
		 * capabilities, which exec would hand to ploticus: clear them.
		 */
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		/* the worker thread's mask must not keep SIGXCPU away */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setrlimit(RLIMIT_CPU, &cpu);
		setrlimit(RLIMIT_FSIZE, &fsz);
		setrlimit(RLIMIT_AS, &as);
		execv(prog, argv);
		_exit(127);
	}
	deadline = timefmt_now() + (int64_t)API_RENDER_SECONDS * 1000000;
	while ((waited = (int)waitpid(pid, &status, WNOHANG)) == 0 &&
	    timefmt_now() < deadline)
		nanosleep(&tick, NULL);
	if (waited == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		api_error(r, 422, "top", "%s: %s took more than %d s: draw "
		    "fewer hosts (top, host, a shorter span)", rt->path,
		    rt->format, API_RENDER_SECONDS);
		goto done;
	}
	snprintf(p, sizeof(p), "%s/scatterplot.png", dir);
	if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    api_slurp(p, API_RENDER_MAX_OUT, &r->body) < 0) {
		snprintf(p, sizeof(p), "%s/stderr.txt", dir);
		api_slurp(p, 4096, &msg);
		buf_putc(&msg, '\0');
		api_error(r, 500, NULL, "%s: %s failed (%s %d): %.300s",
		    rt->path, rt->format, waited > 0 && WIFSIGNALED(status) ?
		    "signal" : "exit status", waited > 0 &&
		    WIFSIGNALED(status) ? WTERMSIG(status) :
		    waited > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		    msg.data != NULL ? msg.data : "");
	}
done:
	if (dir[0] != '\0')
		api_rmdir(dir);
	buf_free(&msg);
	graph_free(g);
}

/* --- sequence diagrams from stored rows --------------------------------- */

struct api_seq_ctx {
	struct seq	*s;
	int		 point;
	size_t		 n;
	uint64_t	 packets;	/* over the rows drawn */
	uint64_t	 bytes;
	uint64_t	 rows;		/* read */
	uint64_t	 max_rows;
	int		 capped;
	int		 over;		/* read more than max_rows */
	int		 failed;
};

static int
api_seq_row(const struct store_row *row, void *arg)
{
	struct api_seq_ctx *c = arg;
	struct packet p;
	char info[160], fl[64];

	if (++c->rows > c->max_rows) {
		c->over = 1;
		return 1;
	}
	if (c->n == API_SEQ_ROWS) {
		c->capped = 1;
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.ts_us = row->first_us;
	p.ipver = (uint8_t)row->ipver;
	p.proto = (uint8_t)row->proto;
	p.tcp_flags = (uint8_t)row->tcp_flags;
	p.sport = (uint16_t)row->sport;
	p.dport = (uint16_t)row->dport;
	memcpy(p.src, row->src, 16);
	memcpy(p.dst, row->dst, 16);
	p.wirelen = (uint32_t)(row->bytes > UINT32_MAX ? UINT32_MAX :
	    row->bytes);
	fl[0] = '\0';
	if (row->proto == 6)
		seq_flags_text((uint8_t)row->tcp_flags, fl, sizeof(fl));
	/* no '[' at the start of the flags: seq_describe would keep only them */
	snprintf(info, sizeof(info), "%s %u > %u: %llu packets, %llu bytes%s%.*s",
	    decode_proto_name(row->proto), row->sport, row->dport,
	    (unsigned long long)row->packets, (unsigned long long)row->bytes,
	    fl[0] != '\0' ? ", flags " : "",
	    fl[0] != '\0' ? (int)strlen(fl) - 2 : 0, fl[0] != '\0' ? fl + 1 :
	    "");
	p.info = info;
	if (seq_add_packet(c->s, c->point, &p) < 0) {
		c->failed = 1;
		return 1;
	}
	c->n++;
	c->packets += row->packets;
	c->bytes += row->bytes;
	return 0;
}

static const char *
api_seq_name(void *arg, int point, int ver, const uint8_t *b)
{
	const struct names *nm = arg;

	(void)point;
	return nm != NULL ? names_lookup(nm, ver, b, ver == 4 ? 32 : 128) :
	    NULL;
}

struct api_ev_ctx {
	struct seq		*s;
	const struct filter	*f;
	char			 points[SEQ_MAX_POINTS][128];
	int			 npoints;
	size_t			 n;
	uint64_t		 matched;
	uint64_t		 max_rows;
	int			 capped;
	int			 over;		/* matched more than max_rows */
	int			 failed;
};

static int
api_ev_row(const struct packet *ev, void *arg)
{
	struct api_ev_ctx *c = arg;
	int i;

	if (!filter_packet(c->f, ev->ts_us, ev->sensor, ev->ipver, ev->src,
	    ev->dst, ev->sport, ev->dport, ev->proto))
		return 0;
	if (++c->matched > c->max_rows) {
		c->over = 1;
		return 1;
	}
	if (c->n == API_SEQ_ROWS) {
		c->capped = 1;
		return 1;
	}
	/* one capture point per sensor: seq_merge joins their sightings */
	for (i = 0; i < c->npoints; i++)
		if (strcmp(c->points[i], ev->sensor) == 0)
			break;
	if (i == c->npoints) {
		if (c->npoints == SEQ_MAX_POINTS ||
		    seq_add_point(c->s, ev->sensor) != c->npoints) {
			c->failed = 1;
			return 1;
		}
		snprintf(c->points[c->npoints++], sizeof(c->points[0]), "%s",
		    ev->sensor);
	}
	if (seq_add_packet(c->s, i, ev) < 0) {
		c->failed = 1;
		return 1;
	}
	c->n++;
	return 0;
}

/*
 * Sequence diagrams come from the packet events ipgraphd samples.  An
 * import stores none, and events expire sooner than edges: when the span
 * has no event, the diagram is drawn from the stored edges instead (one
 * arrow per edge per window, at its first packet, with its counts and
 * the OR of its TCP flags), and a header says so.  Refusing with 404 was
 * the alternative; an edge-level diagram of a short span still shows who
 * talked to whom first.
 *
 * Either way the server's max_rows holds as for the graph routes: a
 * query that reads more stored events or edges than that is a 422 naming
 * the limit and how to narrow it (it used to be ignored, and a long span
 * gave a 7 MB picture).  Events are counted once they match the filter,
 * as edges are (their host, port and proto tests run in SQL): counting
 * every event of the span made host= or port= useless against the 422
 * that advises them.  What the filter skips is bounded by the query's
 * SQLite budget (api_budget_start), which trips into the same 422.  Under it, at most API_SEQ_ROWS arrows are
 * drawn, and X-Ipgraph-Note says when that cut the diagram short.
 *
 * A span of an imported database easily has dozens of hosts, and a
 * lifeline each made pictures 16,000 px wide: the API_SEQ_LANES hosts
 * with the most bytes keep theirs and the rest share one "others" lane.
 * The line on top says what the arrows are (packets, or edges with their
 * packet total), how many hosts were folded; the SVG carries it as its
 * <title>, and X-Ipgraph-Note says it too.
 */
static void
api_seq(const struct api_conf *h, struct store *st,
    const struct api_route *rt,
    const struct api_args *a, struct api_reply *r)
{
	struct api_export_ctx c;
	struct api_seq_ctx sc;
	struct api_ev_ctx ec;
	struct export_seq_opts so;
	struct seq_opts mo;
	struct filter *q;
	struct buf pic = BUF_INIT;
	char err[1024], *out = NULL, title[512], lanes[128], others[64];
	char day[40];
	size_t len = 0;
	int from_edges = 1, nhosts, folded;

	memset(&c, 0, sizeof(c));
	memset(&sc, 0, sizeof(sc));
	memset(&ec, 0, sizeof(ec));
	memset(&so, 0, sizeof(so));
	c.rt = rt;
	if ((q = api_filter(h, a, &c, 1, r)) == NULL)
		return;
	if ((sc.s = seq_new()) == NULL) {
		api_error(r, 503, NULL, "out of memory");
		goto done;
	}
	api_budget_start(h, st);
	if (filter_packet_ok(q)) {
		ec.s = sc.s;
		ec.f = q;
		ec.max_rows = h->max_rows;
		if (store_events(st, filter_has(q, FILTER_FROM) ? q->from_us :
		    INT64_MIN, filter_has(q, FILTER_TO) ? q->to_us : INT64_MAX,
		    q->sensor, UINT32_MAX, api_ev_row, &ec) < 0) {
			api_failed(h, st, q, 0, store_error(st), r);
			goto done;
		}
		if (ec.failed) {
			api_error(r, 503, NULL, "out of memory");
			goto done;
		}
		if (ec.over) {
			api_failed(h, st, q, 1, NULL, r);
			goto done;
		}
		from_edges = ec.n == 0;
	}
	if (from_edges) {
		sc.max_rows = h->max_rows;
		if ((sc.point = seq_add_point(sc.s, "stored edges")) < 0) {
			api_error(r, 503, NULL, "out of memory");
			goto done;
		}
		if (store_read(st, q, STORE_READ_ROWS, api_seq_row, &sc,
		    NULL, NULL, err, sizeof(err)) < 0) {
			api_failed(h, st, q, 0, err, r);
			goto done;
		}
		if (sc.failed) {
			api_error(r, 503, NULL, "out of memory");
			goto done;
		}
		if (sc.over) {
			api_failed(h, st, q, 1, NULL, r);
			goto done;
		}
		so.level = SEQ_LEVEL_FULL;
	} else
		so.level = SEQ_LEVEL_DEFAULT;
	memset(&mo, 0, sizeof(mo));
	mo.no_skew = from_edges;
	if (seq_merge(sc.s, &mo, api_seq_name, (void *)(uintptr_t)h->names,
	    err, sizeof(err)) < 0) {
		/* sensors that share no packet and no moment: say which */
		api_error(r, 422, "sensor", "%s (pick one with sensor=)",
		    err);
		goto done;
	}
	nhosts = seq_nparticipants(sc.s);
	snprintf(others, sizeof(others), "others (%d hosts)", nhosts -
	    API_SEQ_LANES);
	if ((folded = seq_fold_participants(sc.s, API_SEQ_LANES, others)) <
	    0) {
		api_error(r, 503, NULL, "out of memory");
		goto done;
	}
	if (folded > 0)
		snprintf(lanes, sizeof(lanes), "%d hosts: the %d with the "
		    "most bytes drawn, %d in \"others\"", nhosts,
		    API_SEQ_LANES, folded);
	else
		snprintf(lanes, sizeof(lanes), "%d host%s", nhosts,
		    nhosts == 1 ? "" : "s");
	if (seq_nevents(sc.s) > 0)
		seq_time_text(seq_event(sc.s, 0)->ts_us, 1, day, sizeof(day));
	else
		snprintf(day, sizeof(day), "-");
	day[10] = '\0';
	if (from_edges)
		snprintf(title, sizeof(title), "%zu arrows (one per edge per "
		    "window, at its first packet), %" PRIu64 " packets, %"
		    PRIu64 " bytes; %s; times UTC, %s", seq_nevents(sc.s),
		    sc.packets, sc.bytes, lanes, day);
	else
		snprintf(title, sizeof(title), "%zu packets (sampled events) "
		    "from %d sensor%s, %zu seen by more than one; %s; times "
		    "UTC, %s", seq_nevents(sc.s), seq_npoints(sc.s),
		    seq_npoints(sc.s) == 1 ? "" : "s", seq_nmerged(sc.s), lanes,
		    day);
	so.title = title;
	so.limit = API_SEQ_ROWS;
	if ((out = export_seq_buf(sc.s, export_seq_format(rt->format), &so,
	    &len, err, sizeof(err))) == NULL) {
		api_error(r, 500, NULL, "%s: %s", rt->path, err);
		goto done;
	}
	if (export_seq_format(rt->format) == SEQ_FMT_SVG) {
		buf_add(&pic, out, len);
		picnote_add(1, title, NULL, &pic, &r->body);
	} else
		buf_add(&r->body, out, len);
	if (from_edges)
		snprintf(r->note, sizeof(r->note), "drawn from stored edges "
		    "(no packet events): %.180s%s", title, sc.capped ?
		    "; capped at 1000 edges" : "");
	else
		snprintf(r->note, sizeof(r->note), "%.190s%s", title, ec.capped ?
		    "; capped at the first events: narrow with from, to, "
		    "host or port" : "");
done:
	store_set_budget(st, 0);
	buf_free(&pic);
	free(out);
	seq_free(sc.s);
	filter_free(q);
}

/* --- the formats list -------------------------------------------------- */

/* Whether the route gives the bytes of export format f. */
static int
api_route_serves(const struct api_route *rt, const struct export_format *f)
{
	const struct export_format *g;

	if (!api_route_exports(rt) || (g = export_find(rt->format)) == NULL)
		return 0;
	/* histogram and histogram-png are one writer under two names */
	return g == f || (g->write != NULL && g->write == f->write) ||
	    (g->files != NULL && g->files == f->files);
}

static void
api_format_entry(struct buf *b, const char *format, const char *command,
    const struct api_route *rt, const char *about, int *first)
{
	const struct api_option *o;
	const char *name;
	int i, rows = rt->kind == API_CSV || rt->kind == API_SEQ, k = 0;

	buf_puts(b, *first ? "\n" : ",\n");
	*first = 0;
	buf_puts(b, "{\"format\": ");
	export_json_string(b, format);
	buf_puts(b, ", \"command\": ");
	export_json_string(b, command);
	buf_puts(b, ", \"route\": ");
	buf_printf(b, "\"/api/v1/%s\", \"content_type\": ", rt->path);
	export_json_string(b, api_route_mime(rt) != NULL ?
	    api_route_mime(rt) : "application/octet-stream");
	buf_puts(b, ", \"description\": ");
	export_json_string(b, rt->about != NULL ? rt->about : about);
	buf_printf(b, ", \"available\": %s, \"filters\": [",
	    api_render_available(rt) ? "true" : "false");
	for (i = 0; (name = filter_name(i)) != NULL; i++) {
		if (rows && filter_shaping(name))
			continue;
		buf_puts(b, k++ > 0 ? ", " : "");
		export_json_string(b, name);
	}
	buf_puts(b, "], \"options\": [");
	k = 0;
	for (o = api_option_table; o < api_option_table + API_NOPTIONS; o++) {
		if (!api_option_takes(o, rt))
			continue;
		buf_puts(b, k++ > 0 ? ", {\"name\": " : "{\"name\": ");
		export_json_string(b, o->name);
		buf_puts(b, ", \"about\": ");
		export_json_string(b, o->about);
		buf_putc(b, '}');
	}
	buf_puts(b, "]}");
}

/*
 * One entry per export format and route that gives its bytes, in the
 * order of export.c's table (a format served two ways, ploticus, has
 * two; two names of one writer share a route), then the sequence
 * diagram routes, whose command is seq.
 */
void
api_formats(const struct api_args *a, struct api_reply *r)
{
	const struct export_format *f;
	size_t i;
	int first = 1;

	if (api_no_args(a, "formats", r) < 0)
		return;
	buf_puts(&r->body, "{\"formats\": [");
	for (f = export_formats(); f->name != NULL; f++)
		for (i = 0; i < API_ROUTE_STATIC; i++)
			if (api_route_serves(&api_route_table[i], f))
				api_format_entry(&r->body, f->name, "export",
				    &api_route_table[i], f->about, &first);
	for (i = 0; i < API_ROUTE_STATIC; i++)
		if (api_route_table[i].kind == API_SEQ)
			api_format_entry(&r->body, api_route_table[i].format,
			    "seq", &api_route_table[i],
			    api_route_table[i].about, &first);
	buf_puts(&r->body, "\n]}\n");
}

/* --- windows, stats, metrics, health ------------------------------------ */

struct api_windows_ctx {
	struct buf	*out;
	size_t		 n;
	int		 by_proto;	/* by=proto: "protos" per window */
};

static int
api_window(const struct store_window *w, void *arg)
{
	struct api_windows_ctx *c = arg;
	char iso[64];

	if (++c->n > API_MAX_WINDOWS)
		return 1;
	buf_printf(c->out, "%s\n{\"start\": \"%s\", \"start_s\": %lld,"
	    " \"seconds\": %u, \"sensor\": ", c->n > 1 ? "," : "",
	    timefmt_iso(w->start * 1000000, iso), (long long)w->start,
	    w->seconds);
	export_json_string(c->out, w->sensor);
	buf_printf(c->out, ", \"tier\": %d, \"frames\": %llu, "
	    "\"bytes\": %llu, \"undecoded\": %llu, \"captured\": %llu, "
	    "\"kernel_drops\": %llu, \"interface_drops\": %llu, "
	    "\"overflow\": %llu, \"edges\": %llu", w->tier,
	    (unsigned long long)w->stats.frames,
	    (unsigned long long)w->stats.bytes,
	    (unsigned long long)w->stats.undecoded,
	    (unsigned long long)w->stats.cap_recv,
	    (unsigned long long)w->stats.cap_drop,
	    (unsigned long long)w->stats.cap_ifdrop,
	    (unsigned long long)w->stats.overflow,
	    (unsigned long long)w->edges);
	if (c->by_proto) {
		/* "PROTO:PACKETS:BYTES,...": the store's own text */
		const char *p = w->protos;
		unsigned long long v[3];
		char *end;
		int i, first = 1;

		buf_puts(c->out, ", \"protos\": {");
		while (p != NULL && *p != '\0') {
			for (i = 0; i < 3; i++) {
				v[i] = strtoull(p, &end, 10);
				p = *end != '\0' ? end + 1 : end;
			}
			if (decode_proto_name((unsigned)v[0]) != NULL)
				buf_printf(c->out, "%s\"%s\": ", first ? "" :
				    ", ", decode_proto_name((unsigned)v[0]));
			else
				buf_printf(c->out, "%s\"%llu\": ", first ? "" :
				    ", ", v[0]);
			buf_printf(c->out, "{\"packets\": %llu, \"bytes\": "
			    "%llu}", v[1], v[2]);
			first = 0;
		}
		buf_puts(c->out, "}");
	}
	buf_puts(c->out, "}");
	return 0;
}

/* The windows route takes the span, the sensor and one tier. */
static void
api_windows(struct store *st, const struct api_args *a,
    struct api_reply *r)
{
	int64_t now = timefmt_now(), from = INT64_MIN / 2, to = INT64_MAX / 2;
	const char *sensor = NULL;
	struct api_windows_ctx c;
	char err[1024];
	size_t i;
	int tier = STORE_TIER_RAW, rc;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < a->n; i++) {
		const char *k = a->name[i], *v = a->value[i];

		if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
			if (query_time(k, v, now, k[0] == 'f' ? &from : &to,
			    err, sizeof(err)) < 0) {
				api_error(r, 400, k, "%s", err);
				return;
			}
		} else if (strcmp(k, "sensor") == 0)
			sensor = v;
		else if (strcmp(k, "tier") == 0) {
			if (query_tier(k, v, 0, &tier, err, sizeof(err)) < 0) {
				api_error(r, 400, k, "%s", err);
				return;
			}
		} else if (strcmp(k, "by") == 0) {
			if (strcmp(v, "proto") != 0) {
				api_error(r, 400, k, "by: '%s' is not proto (the "
				    "one split the windows route has)", v);
				return;
			}
			c.by_proto = 1;
		} else {
			api_error(r, 400, k, "%s: %s for windows (it takes "
			    "from, to, sensor, tier and by)", k, filter_known(k) ?
			    "does not apply" : "unknown parameter");
			return;
		}
	}
	if (from > to) {
		api_error(r, 400, "from", "from: is after to, so nothing can "
		    "match");
		return;
	}
	c.out = &r->body;
	c.n = 0;
	buf_puts(&r->body, "{\"windows\": [");
	rc = store_windows_by(st, tier, from, to, sensor, c.by_proto,
	    api_window, &c, err, sizeof(err));
	if (rc < 0) {
		api_error(r, 503, NULL, "database: %s", err);
		return;
	}
	if (rc > 0) {
		api_error(r, 422, "from", "more than %d windows: narrow the "
		    "span with from and to, or ask for tier=hour or tier=day",
		    API_MAX_WINDOWS);
		return;
	}
	buf_printf(&r->body, "\n], \"count\": %zu}\n", c.n);
}

/* --- the pull feed ------------------------------------------------------ */

/*
 * GET /api/v1/feed?since=CURSOR&limit=N&tier=T: stored edge rows as
 * NDJSON, in the order they were written, a page at a time.  A cursor is
 * "STORE-SEQ" (every row of the windows written up to number SEQ read)
 * or "STORE-SEQ.N" (and the first N rows of window SEQ), STORE the
 * database's random name (store.h, store_feed): a cursor of another
 * file, or of this path made anew, is told apart rather than read as a
 * position in this one.  Rows carry the cursor that follows them, so a
 * reader may also stop anywhere inside a page.
 */
#define API_FEED_LIMIT		10000		/* rows a page, default */

#define API_FEED_MAX_LIMIT	100000
#define API_FEED_MAX_BYTES	(16u << 20)	/* a page's body, about */

struct api_feed_ctx {
	struct buf	*out;
	const char	*store;
	const char	*tier;
	unsigned long	 limit;
	unsigned long	 n;
	int64_t		 seq;		/* of the last row, and its place */
	uint64_t	 k;
	int		 more;
};

/* A cursor: "0", "STORE-SEQ" or "STORE-SEQ.N"; 0 or -1. */
static int
api_feed_cursor(const char *v, char *store, size_t len, int64_t *seq,
    uint64_t *k, int *partial)
{
	unsigned long long a, b = 0;
	const char *p;
	char *end;
	size_t n;

	*partial = 0;
	if (strcmp(v, "0") == 0) {
		store[0] = '\0';
		*seq = 0;
		*k = 0;
		return 0;
	}
	n = strspn(v, "0123456789abcdef");
	if (n == 0 || n >= len || v[n] != '-')
		return -1;
	memcpy(store, v, n);
	store[n] = '\0';
	p = v + n + 1;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	a = strtoull(p, &end, 10);
	if (errno != 0 || a > INT64_MAX / 2)
		return -1;
	if (*end == '.') {
		p = end + 1;
		if (*p < '0' || *p > '9')
			return -1;
		b = strtoull(p, &end, 10);
		if (errno != 0 || b > INT64_MAX / 2)
			return -1;
		*partial = 1;
	}
	if (*end != '\0')
		return -1;
	*seq = (int64_t)a;
	*k = b;
	return 0;
}

static int
api_feed_row(int64_t seq, const struct store_row *e, void *arg)
{
	struct api_feed_ctx *c = arg;
	char ws[TIMEFMT_ISO_LEN], we[TIMEFMT_ISO_LEN], first[TIMEFMT_ISO_LEN],
	    last[TIMEFMT_ISO_LEN], src[ADDR_STRLEN], dst[ADDR_STRLEN];
	const char *pname = decode_proto_name(e->proto);

	if (c->n >= c->limit || c->out->len >= API_FEED_MAX_BYTES) {
		c->more = 1;
		return 1;
	}
	if (seq != c->seq) {
		c->seq = seq;
		c->k = 0;
	}
	c->k++;
	c->n++;
	buf_printf(c->out, "{\"cursor\": \"%s-%" PRId64 ".%" PRIu64 "\", "
	    "\"window_start\": \"%s\", \"window_end\": \"%s\", "
	    "\"seconds\": %u, \"tier\": \"%s\", \"sensor\": ", c->store, seq,
	    c->k, timefmt_iso(e->window_start * 1000000, ws),
	    timefmt_iso((e->window_start + e->seconds) * 1000000, we),
	    e->seconds, c->tier);
	export_json_string(c->out, e->sensor != NULL ? e->sensor : "");
	if (pname != NULL)
		buf_printf(c->out, ", \"proto\": \"%s\"", pname);
	else
		buf_printf(c->out, ", \"proto\": \"%u\"", e->proto);
	buf_printf(c->out, ", \"src\": \"%s\", \"sport\": %u, \"dst\": \"%s\", "
	    "\"dport\": %u, \"packets\": %" PRIu64 ", \"bytes\": %" PRIu64 ", "
	    "\"first_seen\": \"%s\", \"last_seen\": \"%s\", "
	    "\"tcp_flags\": %u}\n", addr_format(e->ipver, e->src, src),
	    e->sport, addr_format(e->ipver, e->dst, dst), e->dport,
	    e->packets, e->bytes, timefmt_iso(e->first_us, first),
	    timefmt_iso(e->last_us, last), e->tcp_flags);
	return buf_failed(c->out) ? -1 : 0;
}

static void
api_feed(struct store *st, const struct api_args *a, struct api_reply *r)
{
	struct api_feed_ctx c;
	struct store_feed fs;
	const char *since = NULL, *sensor = NULL;
	char err[1024], store[24];
	int64_t seq = 0, from;
	uint64_t k = 0;
	unsigned long limit = API_FEED_LIMIT;
	int tier = STORE_TIER_RAW, skip_lost = 0, partial = 0, rc;
	size_t i;

	for (i = 0; i < a->n; i++) {
		const char *n = a->name[i], *v = a->value[i];

		if (strcmp(n, "since") == 0)
			since = v;
		else if (strcmp(n, "limit") == 0) {
			if (query_uint(n, v, 1, API_FEED_MAX_LIMIT,
			    "a number of rows from 1 to 100000", &limit, err,
			    sizeof(err)) < 0) {
				api_error(r, 400, n, "%s", err);
				return;
			}
		} else if (strcmp(n, "tier") == 0) {
			if (query_tier(n, v, 0, &tier, err, sizeof(err)) < 0) {
				api_error(r, 400, n, "%s", err);
				return;
			}
		} else if (strcmp(n, "skip_lost") == 0) {
			if (query_bool(n, v, &skip_lost, err,
			    sizeof(err)) < 0) {
				api_error(r, 400, n, "%s", err);
				return;
			}
		} else if (strcmp(n, "sensor") == 0 && *v != '\0')
			sensor = v;
		else {
			api_error(r, 400, n, "%s: %s for feed (it takes since, "
			    "limit, tier, sensor and skip_lost)", n,
			    filter_known(n) ?
			    "does not apply" : "unknown parameter");
			return;
		}
	}
	store[0] = '\0';
	if (since != NULL && api_feed_cursor(since, store, sizeof(store),
	    &seq, &k, &partial) < 0) {
		api_error(r, 400, "since", "since: '%s' is not a feed cursor "
		    "(give the X-Next-Cursor of the last reply, or the cursor "
		    "of the last row read, like 8621562697d1a706-42.17; 0 or "
		    "none starts at the oldest row held)", since);
		return;
	}
	/* "SEQ": read from the next window; "SEQ.N": from inside SEQ */
	from = partial ? seq : seq + 1;
	memset(&c, 0, sizeof(c));
	c.out = &r->body;
	c.tier = query_tier_name(tier);
	c.limit = limit;
	c.seq = seq;
	c.k = partial ? k : 0;
	c.store = fs.store;		/* store_feed fills it before any row */
	rc = store_feed(st, tier, sensor, from, partial ? k : 0, &fs,
	    api_feed_row, &c, err, sizeof(err));
	if (rc < 0 && buf_failed(&r->body)) {
		api_error(r, 503, NULL, "out of memory");
		return;
	}
	if (rc < 0) {
		api_error(r, 503, NULL, "database: %s", err);
		return;
	}
	if (store[0] != '\0' && strcmp(store, fs.store) != 0) {
		api_error(r, 410, "since", "since: the cursor is of another "
		    "database (%s; this one is %s): the database was made "
		    "anew, or the cursor is another server's; start again "
		    "with since=0", store, fs.store);
		return;
	}
	if (seq > fs.last) {
		api_error(r, 400, "since", "since: write %" PRId64 " is after "
		    "the last this database made (%" PRId64 ")", seq,
		    fs.last);
		return;
	}
	if (store[0] != '\0' && fs.gone >= from) {
		snprintf(r->note, sizeof(r->note), "rows lost: windows of tier "
		    "%s written after the cursor, up to write %" PRId64 ", "
		    "were deleted (retention or size budget) before they were "
		    "read", c.tier, fs.gone);
		if (!skip_lost) {
			api_error(r, 410, "since", "since: the cursor is older "
			    "than what the database holds: windows of tier %s "
			    "written after it (up to write %" PRId64 ") were "
			    "deleted by the retention or the size budget "
			    "before they were read (%" PRIu64 " windows "
			    "deleted in all); to read on from what is left, "
			    "accepting the loss, ask again with skip_lost=yes",
			    c.tier, fs.gone, fs.gone_windows);
			r->note[0] = '\0';
			return;
		}
		r->feed_lost = 1;
	}
	/*
	 * The next cursor: inside the last window when the page is full,
	 * else past it (or where the reader was, when nothing came).  With
	 * sensor=, a page that was not full read every window of the
	 * snapshot: the others' too are behind the reader then.
	 */
	if (sensor != NULL && !c.more && fs.last > seq)
		snprintf(r->cursor, sizeof(r->cursor), "%s-%" PRId64,
		    fs.store, fs.last);
	else if (c.n == 0 && !partial)
		snprintf(r->cursor, sizeof(r->cursor), "%s-%" PRId64,
		    fs.store, seq);
	else if (c.more || c.n == 0)
		snprintf(r->cursor, sizeof(r->cursor), "%s-%" PRId64 ".%"
		    PRIu64, fs.store, c.seq, c.k);
	else
		snprintf(r->cursor, sizeof(r->cursor), "%s-%" PRId64,
		    fs.store, c.seq);
	r->feed_more = c.more ? "yes" : "no";
	if (c.n == 0 && since == NULL && fs.last == 0)
		snprintf(r->note, sizeof(r->note), "the database holds no "
		    "window yet");
}

/* --- names seen in the traffic ------------------------------------------ */

struct api_names_ctx {
	struct buf		*out;
	uint64_t		 n, max;
};

static int
api_name_row(const struct name_seen *ns, void *arg)
{
	struct api_names_ctx *c = arg;
	char cl[ADDR_STRLEN], ad[ADDR_STRLEN], t[TIMEFMT_ISO_LEN];

	if (++c->n > c->max)
		return 1;
	buf_printf(c->out, "%s\n{\"time\": \"%s\", \"sensor\": ",
	    c->n > 1 ? "," : "", timefmt_iso(ns->ts_us, t));
	export_json_string(c->out, ns->sensor);
	buf_printf(c->out, ", \"client\": \"%s\", \"address\": \"%s\", "
	    "\"name\": ", addr_format(ns->cver, ns->client, cl),
	    addr_format(ns->ver, ns->addr, ad));
	export_json_string(c->out, ns->name);
	buf_printf(c->out, ", \"ttl\": %u, \"source\": \"%s\"}", ns->ttl,
	    ns->source);
	return buf_failed(c->out) ? -1 : 0;
}

/*
 * GET /api/v1/names?from=&to=&sensor=&host=: what `ipgraph names`
 * prints, as JSON: the names clients were told in the span (passive
 * DNS, TLS SNI, HTTP Host), oldest first, of the addresses (or clients)
 * in host.  At most max_rows of them (more: a 422).
 */
static void
api_names(const struct api_conf *h, struct store *st,
    const struct api_args *a, struct api_reply *r)
{
	struct api_names_ctx c;
	struct filter *q;
	struct cidr host;
	int64_t now = timefmt_now();
	char err[1024];
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	if ((q = filter_new()) == NULL) {
		api_error(r, 503, NULL, "out of memory");
		return;
	}
	for (i = 0; i < a->n; i++) {
		const char *k = a->name[i], *v = a->value[i];

		if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0 ||
		    strcmp(k, "sensor") == 0) {
			if (filter_set(q, k, v, now, err, sizeof(err)) < 0) {
				api_error(r, 400, k, "%s", err);
				goto done;
			}
		} else if (strcmp(k, "host") == 0) {
			/* the same parser as filter_set's, this message */
			if (addr_parse_cidr(v, &host) < 0 || filter_set(q, k, v,
			    now, err, sizeof(err)) < 0) {
				api_error(r, 400, k, "host: '%s' is not an "
				    "address or CIDR block", v);
				goto done;
			}
		} else {
			api_error(r, 400, k, "%s: %s for names (it takes from, "
			    "to, sensor and host)", k, filter_known(k) ?
			    "does not apply" : "unknown parameter");
			goto done;
		}
	}
	if (filter_check(q, err, sizeof(err)) < 0) {
		char pn[32];

		api_error(r, 400, api_param_of(err, pn, sizeof(pn)), "%s", err);
		goto done;
	}
	c.out = &r->body;
	c.max = h->max_rows;
	buf_puts(&r->body, "{\"names\": [");
	rc = store_names(st, q, 1, api_name_row, &c, err, sizeof(err));
	if (rc < 0 && buf_failed(&r->body))
		api_error(r, 503, NULL, "out of memory");
	else if (rc < 0)
		api_error(r, 503, NULL, "database: %s", err);
	else if (rc > 0)
		api_error(r, 422, "from", "more than %llu names (the max_rows "
		    "limit): narrow the span with from and to, or ask for "
		    "one host", (unsigned long long)h->max_rows);
	else
		buf_printf(&r->body, "\n], \"count\": %llu}\n",
		    (unsigned long long)c.n);
done:
	filter_free(q);
}

int
api_no_args(const struct api_args *a, const char *route,
    struct api_reply *r)
{
	if (a->n == 0)
		return 0;
	api_error(r, 400, a->name[0], "%s: unknown parameter (%s takes "
	    "none)", a->name[0], route);
	return -1;
}


/*
 * GET /api/v1/info: what the database holds, the bytes of `ipgraph info
 * --json`.  It counts every edge and address (no row budget: it is the
 * size of the database, not of a query).
 */
static void
api_info(struct store *st, const struct api_args *a, struct api_reply *r)
{
	char err[1024];

	if (api_no_args(a, "info", r) < 0)
		return;
	if (info_json(st, &r->body, err, sizeof(err)) < 0)
		api_error(r, 503, NULL, "database: %s", err);
}

/* A sensor= the database does not know: 400 naming the known ones. */
static int
api_sensor_known(struct store *st, const struct api_args *a,
    struct api_reply *r)
{
	const char *sensor = NULL;
	char err[1024];
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->name[i], "sensor") == 0)
			sensor = a->value[i];
	if (sensor != NULL && *sensor == '\0')
		sensor = NULL;		/* the filter's "empty name" says it */
	switch (info_sensor_check(st, sensor, err, sizeof(err))) {
	case 0:
		return 0;
	case 1:
		api_error(r, 400, "sensor", "%s", err);
		return -1;
	default:
		api_error(r, 503, NULL, "database: %s", err);
		return -1;
	}
}

void
api_data(const struct api_conf *h, struct store *st,
    const struct api_route *rt, const struct api_args *a,
    struct api_reply *r)
{
	if (rt->kind != API_INFO && api_sensor_known(st, a, r) < 0)
		return;
	switch (rt->kind) {
	case API_EXPORT:
	case API_CSV:
		api_export(h, st, rt, a, r);
		break;
	case API_BUNDLE:
		api_bundle(h, st, rt, a, r);
		break;
	case API_RENDER:
		api_render(h, st, rt, a, r);
		break;
	case API_SEQ:
		api_seq(h, st, rt, a, r);
		break;
	case API_WINDOWS:
		api_windows(st, a, r);
		break;
	case API_INFO:
		api_info(st, a, r);
		break;
	case API_FEED:
		api_feed(st, a, r);
		break;
	case API_NAMES:
		api_names(h, st, a, r);
		break;
	default:
		api_error(r, 404, NULL, "%s: not a data route", rt->path);
		break;
	}
}
