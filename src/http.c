/* http.c - the HTTP server (libmicrohttpd): routes, checks, responses. */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sqlite3.h>
#include <zlib.h>

#include "addr.h"
#include "buf.h"
#include "conf.h"
#include "decode.h"
#include "export.h"
#include "export_seq.h"
#include "http.h"
#include "log.h"
#include "names.h"
#include "query.h"
#include "render.h"
#include "seq.h"
#include "stats.h"
#include "store.h"
#include "timefmt.h"

/*
 * Limits on a request before any work: the URL with its arguments, the
 * headers, the arguments' count.  libmicrohttpd's own memory limit sits
 * above them, so ours answer first, with a JSON body.
 */
#define HTTP_MAX_URL		8192
#define HTTP_MAX_HEADERS	16384
#define HTTP_MAX_ARGS		64
#define HTTP_MEMORY_LIMIT	(64 * 1024)
#define HTTP_MAX_WINDOWS	100000
#define HTTP_SEQ_ROWS		1000
#define HTTP_MAX_LIVE		64
#define HTTP_MAX_FILE		(64 * 1024 * 1024)
#define HTTP_MAX_TOKEN		1024

/* Routes, for dispatch and for /metrics. */
enum http_kind {
	K_EXPORT,	/* a graph through an export writer */
	K_CSV,		/* stored rows */
	K_BUNDLE,	/* the Circos folder as a .tar.gz */
	K_SEQ,		/* a sequence diagram of stored rows */
	K_WINDOWS,
	K_STATS,
	K_LIVE,
	K_METRICS,
	K_HEALTHZ,
	K_STATIC,
	K_OTHER
};

struct http_route {
	const char	*path;		/* under /api/v1/, or absolute */
	enum http_kind	 kind;
	const char	*format;	/* export or seq format name */
	const char	*mime;
	int		 attachment;	/* Content-Disposition: attachment */
};

static const struct http_route http_routes[] = {
	{ "graph.dot", K_EXPORT, "dot", "text/vnd.graphviz; charset=utf-8",
	    1 },
	{ "graph.svg", K_EXPORT, "svg", "image/svg+xml", 0 },
	{ "graph.png", K_EXPORT, "png", "image/png", 0 },
	{ "circos", K_EXPORT, "circos",
	    "text/tab-separated-values; charset=utf-8", 1 },
	{ "circos.tar.gz", K_BUNDLE, "circos-bundle", "application/gzip", 1 },
	{ "moowheel.json", K_EXPORT, "moowheel", "application/json", 0 },
	{ "edges.csv", K_CSV, "csv", "text/csv; charset=utf-8", 1 },
	{ "edges.json", K_EXPORT, "json", "application/json", 0 },
	{ "seq.diag", K_SEQ, "seqdiag", "text/plain; charset=utf-8", 1 },
	{ "seq.mmd", K_SEQ, "mermaid", "text/plain; charset=utf-8", 1 },
	{ "seq.svg", K_SEQ, "svg", "image/svg+xml", 0 },
	{ "windows", K_WINDOWS, NULL, "application/json", 0 },
	{ "stats", K_STATS, NULL, "application/json", 0 },
	{ "live", K_LIVE, NULL, "text/event-stream", 0 },
	{ "/metrics", K_METRICS, NULL,
	    "text/plain; version=0.0.4; charset=utf-8", 0 },
	{ "/healthz", K_HEALTHZ, NULL, "application/json", 0 },
	{ "static", K_STATIC, NULL, NULL, 0 },
	{ "other", K_OTHER, NULL, NULL, 0 },
};
#define HTTP_NROUTES	(sizeof(http_routes) / sizeof(http_routes[0]))
#define HTTP_ROUTE_STATIC	(HTTP_NROUTES - 2)
#define HTTP_ROUTE_OTHER	(HTTP_NROUTES - 1)

/* Status codes counted by /metrics; the last slot takes the rest. */
static const unsigned http_codes[] = {
	200, 204, 304, 400, 401, 403, 404, 405, 413, 414, 422, 431, 500, 503, 0
};
#define HTTP_NCODES	(sizeof(http_codes) / sizeof(http_codes[0]))

/* One live (server-sent events) client. */
struct http_live {
	struct http		*h;
	struct MHD_Connection	*conn;
	uint64_t		 seq;
	int			 suspended;
	struct buf		 out;		/* event not yet sent */
	size_t			 off;
	struct http_live	*next;
};

struct http {
	struct MHD_Daemon	*mhd[CONFIG_MAX_LISTEN];
	unsigned		 port[CONFIG_MAX_LISTEN];
	size_t			 nmhd;
	const struct daemon_hooks *hooks;
	char			*db;
	char			*www_root;	/* realpath, or NULL */
	char			*cors;
	char			*token;
	size_t			 toklen;
	uint64_t		 max_rows;
	unsigned		 max_nodes;
	const struct names	*names;
	pthread_key_t		 store_key;
	int			 key_made;
	int64_t			 started_us;

	/* live streams, resumed by their own thread */
	pthread_mutex_t		 live_mu;
	pthread_cond_t		 live_cv;
	pthread_t		 live_thread;
	int			 live_running;
	int			 stopping;
	struct http_live	*live;
	size_t			 nlive;

	uint64_t		 hits[HTTP_NROUTES][HTTP_NCODES];
};

/* One request's arguments, as libmicrohttpd parsed them. */
struct http_args {
	size_t		 n;
	const char	*name[HTTP_MAX_ARGS];
	const char	*value[HTTP_MAX_ARGS];
	size_t		 bytes;
	int		 toomany;
};

/* What a handler answers: a status, a body, and a few headers. */
struct http_reply {
	unsigned	 status;
	const char	*mime;
	struct buf	 body;
	char		 disposition[128];
	char		 note[256];	/* X-Ipgraph-Note, when not empty */
	const char	*allow;		/* 405 */
	int		 api;		/* no-store, CORS */
};

/* --- small helpers ------------------------------------------------------ */

static void
http_count(struct http *h, size_t route, unsigned status)
{
	size_t i;

	for (i = 0; i < HTTP_NCODES - 1; i++)
		if (http_codes[i] == status)
			break;
	__atomic_fetch_add(&h->hits[route][i], 1, __ATOMIC_RELAXED);
}

/*
 * A JSON error: {"error": msg, "parameter": param or null}.  msg from
 * query_set starts with the parameter's name; that prefix is kept, it
 * reads well on its own.
 */
static void	http_error(struct http_reply *, unsigned, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
http_error(struct http_reply *r, unsigned status, const char *param,
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

/* The parameter a query_set message names ("top: ..."), into p. */
static const char *
http_param_of(const char *msg, char *p, size_t len)
{
	size_t n = strcspn(msg, ":");

	if (msg[n] != ':' || n == 0 || n >= len)
		return NULL;
	memcpy(p, msg, n);
	p[n] = '\0';
	return p;
}

/*
 * The calling worker's read-only store, opened on first use and closed
 * when the worker thread ends (the key's destructor).  One connection per
 * thread: SQLite connections are not shared across threads here, and WAL
 * lets every reader run beside the daemon's writer.
 */
static void
http_store_close(void *st)
{
	store_close(st);
}

static struct store *
http_store(struct http *h, char *err, size_t errlen)
{
	struct store *st;

	/* a file deleted or replaced: read the one at the path now */
	if ((st = pthread_getspecific(h->store_key)) != NULL &&
	    store_moved(st)) {
		pthread_setspecific(h->store_key, NULL);
		store_close(st);
		st = NULL;
	}
	if (st != NULL)
		return st;
	if ((st = store_open(h->db, 1, err, errlen)) == NULL)
		return NULL;
	if (pthread_setspecific(h->store_key, st) != 0) {
		store_close(st);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return st;
}

static enum MHD_Result
http_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct http_args *a = cls;

	(void)kind;
	if (a->n == HTTP_MAX_ARGS) {
		a->toomany = 1;
		return MHD_NO;
	}
	a->name[a->n] = key;
	a->value[a->n] = value != NULL ? value : "";
	a->bytes += strlen(key) + strlen(a->value[a->n]) + 2;
	a->n++;
	return MHD_YES;
}

static enum MHD_Result
http_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* Whether s is yes/no; sets *v.  0 or -1. */
static int
http_bool(const char *s, int *v)
{
	if (*s == '\0' || strcmp(s, "1") == 0 || strcmp(s, "yes") == 0 ||
	    strcmp(s, "true") == 0)
		*v = 1;
	else if (strcmp(s, "0") == 0 || strcmp(s, "no") == 0 ||
	    strcmp(s, "false") == 0)
		*v = 0;
	else
		return -1;
	return 0;
}

/* gzip (RFC 1952) of data appended to out.  0 or -1. */
static int
http_gzip(const char *data, size_t len, struct buf *out)
{
	z_stream zs;
	uLong bound;
	char *tmp;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&zs, (uLong)len) + 32;
	if ((tmp = malloc(bound)) == NULL) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)tmp;
	zs.avail_out = (uInt)bound;
	rc = deflate(&zs, Z_FINISH);
	if (rc == Z_STREAM_END)
		buf_add(out, tmp, bound - zs.avail_out);
	free(tmp);
	deflateEnd(&zs);
	return rc == Z_STREAM_END && !buf_failed(out) ? 0 : -1;
}

/* --- data routes -------------------------------------------------------- */

/* The shaping parameters, which row routes (csv, seq) do not take. */
static const char *const http_shaping[] = {
	"top", "other", "group", "metric", NULL
};

/*
 * Build the query from the arguments.  extra(name, value) handles the
 * route's own options and returns 1 (taken), 0 (unknown) or -1 (bad, the
 * reply set).  0, or -1 with the reply set to a 400.
 */
struct http_export_ctx {
	struct export_opts	 eo;
	const struct http_route	*rt;
};

static int
http_export_option(struct http_export_ctx *c, const char *name,
    const char *value, struct http_reply *r)
{
	int v;

	if (strcmp(c->rt->format, "png") == 0 ||
	    strcmp(c->rt->format, "svg") == 0) {
		if (strcmp(name, "layout") == 0) {
			if (!render_layout_known(value)) {
				http_error(r, 400, "layout", "layout: '%s' is "
				    "not one of dot, neato, fdp, sfdp, circo, "
				    "twopi", value);
				return -1;
			}
			c->eo.layout = value;
			return 1;
		}
	}
	if (strcmp(c->rt->format, "circos") == 0 ||
	    strcmp(c->rt->format, "circos-bundle") == 0) {
		int *field = NULL;

		if (strcmp(name, "keep_senders") == 0)
			field = &c->eo.keep_senders;
		else if (strcmp(name, "keep_receivers") == 0)
			field = &c->eo.keep_receivers;
		else if (strcmp(name, "diagonal") == 0)
			field = &c->eo.diagonal;
		if (field != NULL) {
			if (http_bool(value, &v) < 0) {
				http_error(r, 400, name, "%s: '%s' is neither "
				    "yes nor no", name, value);
				return -1;
			}
			*field = v;
			return 1;
		}
	}
	return 0;
}

static struct query *
http_query(struct http *h, const struct http_args *a,
    struct http_export_ctx *c, int rows_only, struct http_reply *r)
{
	struct query *q;
	char err[1024], pn[64];
	int64_t now = timefmt_now();
	size_t i, k;
	int rc;

	if ((q = query_new()) == NULL) {
		http_error(r, 503, NULL, "out of memory");
		return NULL;
	}
	for (i = 0; i < a->n; i++) {
		if (query_known(a->name[i])) {
			if (rows_only)
				for (k = 0; http_shaping[k] != NULL; k++)
					if (strcmp(a->name[i],
					    http_shaping[k]) == 0) {
						http_error(r, 400, a->name[i],
						    "%s: does not apply to "
						    "%s, which reads stored "
						    "rows", a->name[i],
						    c->rt->path);
						goto fail;
					}
			if (query_set(q, a->name[i], a->value[i], now, err,
			    sizeof(err)) < 0) {
				http_error(r, 400, http_param_of(err, pn,
				    sizeof(pn)), "%s", err);
				goto fail;
			}
			continue;
		}
		rc = c != NULL ? http_export_option(c, a->name[i],
		    a->value[i], r) : 0;
		if (rc < 0)
			goto fail;
		if (rc == 0) {
			http_error(r, 400, a->name[i], "%s: unknown parameter",
			    a->name[i]);
			goto fail;
		}
	}
	if (query_check(q, err, sizeof(err)) < 0) {
		http_error(r, 400, http_param_of(err, pn, sizeof(pn)), "%s",
		    err);
		goto fail;
	}
	query_set_names(q, h->names);
	return q;
fail:
	query_free(q);
	return NULL;
}

/*
 * The query cost limit.  Counting the rows first would read them twice;
 * instead SQLite's progress handler gives each request a budget of VM
 * instructions (HTTP_STEPS_PER_ROW per allowed row: the graph query
 * takes about 22 a row, csv's sorted rows about 40, a filter that skips a
 * row about 18) and interrupts the query when it is spent, so a refused
 * query costs at most a few times max_rows rows, filtered or not.  A query that finishes is then held to
 * max_rows exactly by the graph's count of rows read.
 */
#define HTTP_STEPS_PER_ROW	100
#define HTTP_STEP		1000	/* instructions per handler call */

struct http_budget {
	uint64_t	left;
	int		tripped;
};

static int
http_progress(void *arg)
{
	struct http_budget *b = arg;

	if (b->left == 0) {
		b->tripped = 1;
		return 1;
	}
	b->left--;
	return 0;
}

static void
http_budget_start(struct http *h, struct store *st, struct http_budget *b)
{
	/* at least a million instructions: preparing a query takes some */
	b->left = h->max_rows * HTTP_STEPS_PER_ROW / HTTP_STEP;
	if (b->left < HTTP_STEP)
		b->left = HTTP_STEP;
	b->tripped = 0;
	sqlite3_progress_handler(store_sqlite(st), HTTP_STEP, http_progress,
	    b);
}

static void
http_budget_end(struct store *st)
{
	if (st != NULL)
		sqlite3_progress_handler(store_sqlite(st), 0, NULL, NULL);
}

/* The 422 for a query over the limit, or the 503 for a store error. */
static void
http_query_failed(struct http *h, const struct query *q,
    const struct http_budget *b, int over, const char *err,
    struct http_reply *r)
{
	if (!b->tripped && !over) {
		http_error(r, 503, NULL, "database: %s", err);
		return;
	}
	http_error(r, 422, query_has(q, "from") ? "to" : "from",
	    "the query reads more than %llu stored rows (the server's "
	    "max_rows limit): narrow it with from and to (a shorter span), "
	    "host, src, dst, port, proto or sensor, or read a coarser "
	    "roll-up with tier=hour or tier=day",
	    (unsigned long long)h->max_rows);
}

/* Lines in b (a CSV body: rows plus the header). */
static uint64_t
http_lines(const struct buf *b)
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

static void
http_do_export(struct http *h, const struct http_route *rt,
    const struct http_args *a, struct http_reply *r)
{
	const struct export_format *fmt = export_find(rt->format);
	struct http_export_ctx c;
	struct store *st = NULL;
	struct http_budget bg;
	struct graph *g = NULL;
	struct query *q;
	char err[1024], top[32];
	int picture;

	memset(&c, 0, sizeof(c));
	c.rt = rt;
	if ((q = http_query(h, a, &c, rt->kind == K_CSV, r)) == NULL)
		return;
	if ((st = http_store(h, err, sizeof(err))) == NULL) {
		http_error(r, 503, NULL, "database: %s", err);
		goto done;
	}
	http_budget_start(h, st, &bg);
	if (rt->kind == K_CSV) {
		if (export_csv_rows(q, st, &r->body, err, sizeof(err)) < 0)
			http_query_failed(h, q, &bg, 0, err, r);
		else if (http_lines(&r->body) > h->max_rows + 1)
			http_query_failed(h, q, &bg, 1, err, r);
		goto done;
	}
	query_set_detail(q, fmt->detail);
	if ((g = query_graph(q, st, err, sizeof(err))) == NULL ||
	    g->rows > h->max_rows) {
		http_query_failed(h, q, &bg, g != NULL, err, r);
		goto done;
	}
	/*
	 * libgvc's layouts grow much faster than the graph: a picture of
	 * more than max_nodes nodes is cut to the heaviest edges, and says
	 * so, rather than tying a worker up for minutes.
	 */
	picture = strcmp(rt->format, "png") == 0 ||
	    strcmp(rt->format, "svg") == 0;
	if (picture && g->nnodes > h->max_nodes) {
		size_t was = g->nnodes;

		snprintf(top, sizeof(top), "%u", h->max_nodes / 2);
		graph_free(g);
		if (query_set(q, "top", top, 0, err, sizeof(err)) < 0 ||
		    (g = query_graph(q, st, err, sizeof(err))) == NULL) {
			http_query_failed(h, q, &bg, 0, err, r);
			goto done;
		}
		snprintf(r->note, sizeof(r->note), "capped: %zu of %zu "
		    "nodes drawn (the %s heaviest edges; the limit is %u "
		    "nodes): narrow with top, host or a shorter span",
		    g->nnodes, was, top, h->max_nodes);
	}
	if (rt->kind == K_BUNDLE)
		return;		/* not reached: bundles have their own path */
	if (fmt->write(g, &c.eo, &r->body, err, sizeof(err)) < 0)
		http_error(r, 500, NULL, "%s: %s", rt->path, err);
done:
	http_budget_end(st);
	graph_free(g);
	query_free(q);
}

/* --- the Circos bundle as a .tar.gz ------------------------------------- */

/* One ustar member (POSIX.1-1988) of contents into tar. */
static int
http_tar_put(void *arg, const char *name, const struct buf *contents)
{
	struct buf *tar = arg;
	char hdr[512];
	unsigned sum = 0;
	size_t i, n = strlen(name);
	int exe = n > 3 && strcmp(name + n - 3, ".sh") == 0;

	memset(hdr, 0, sizeof(hdr));
	if (snprintf(hdr, 100, "ipgraph-circos/%s", name) >= 100)
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

static void
http_do_bundle(struct http *h, const struct http_route *rt,
    const struct http_args *a, struct http_reply *r)
{
	struct http_export_ctx c;
	struct buf tar = BUF_INIT;
	char zero[1024], err[1024];
	struct store *st = NULL;
	struct http_budget bg;
	struct graph *g = NULL;
	struct query *q;

	memset(&c, 0, sizeof(c));
	c.rt = rt;
	if ((q = http_query(h, a, &c, 0, r)) == NULL)
		return;
	if ((st = http_store(h, err, sizeof(err))) == NULL) {
		http_error(r, 503, NULL, "database: %s", err);
		goto done;
	}
	http_budget_start(h, st, &bg);
	if ((g = query_graph(q, st, err, sizeof(err))) == NULL ||
	    g->rows > h->max_rows) {
		http_query_failed(h, q, &bg, g != NULL, err, r);
		goto done;
	}
	if (export_circos_bundle(g, &c.eo, http_tar_put, &tar, err,
	    sizeof(err)) < 0) {
		http_error(r, 500, NULL, "circos.tar.gz: %s", err);
		goto done;
	}
	memset(zero, 0, sizeof(zero));
	buf_add(&tar, zero, sizeof(zero));	/* two empty records */
	if (buf_failed(&tar) || http_gzip(tar.data, tar.len, &r->body) < 0)
		http_error(r, 503, NULL, "out of memory");
done:
	http_budget_end(st);
	buf_free(&tar);
	graph_free(g);
	query_free(q);
}

/* --- sequence diagrams from stored rows --------------------------------- */

struct http_seq_ctx {
	struct seq	*s;
	int		 point;
	size_t		 n;
	int		 capped;
	int		 failed;
};

static int
http_seq_row(const struct query_row *row, void *arg)
{
	struct http_seq_ctx *c = arg;
	struct seq_pkt p;
	char info[160], fl[64];

	if (c->n == HTTP_SEQ_ROWS) {
		c->capped = 1;
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.ts_us = row->first_us;
	p.ipver = (uint8_t)row->ipver;
	p.proto = (uint8_t)row->proto;
	p.tcp_flags = (uint8_t)row->tcp_flags;
	p.has_l4 = 1;
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
	return 0;
}

static const char *
http_seq_name(void *arg, int point, int ver, const uint8_t *b)
{
	const struct names *nm = arg;

	(void)point;
	return nm != NULL ? names_lookup(nm, ver, b, ver == 4 ? 32 : 128) :
	    NULL;
}

/* The row filters of a seq request, applied to packet events. */
struct http_evfilter {
	int64_t		 from;
	int64_t		 to;
	const char	*sensor;
	int		 has_src, has_dst, has_host;
	struct cidr	 src, dst, host;
	int		 port;		/* -1: any */
	int		 proto;		/* -1: any */
};

struct http_ev_ctx {
	struct seq		*s;
	const struct http_evfilter *f;
	char			 points[SEQ_MAX_POINTS][128];
	int			 npoints;
	size_t			 n;
	uint64_t		 scanned;
	uint64_t		 max_scanned;
	int			 capped;
	int			 failed;
};

static int
http_ev_row(const struct event_row *ev, void *arg)
{
	struct http_ev_ctx *c = arg;
	const struct http_evfilter *f = c->f;
	struct seq_pkt p;
	int i;

	if (++c->scanned > c->max_scanned) {
		c->capped = 1;
		return 1;
	}
	if ((f->has_src && !addr_in_cidr(&f->src, ev->ipver, ev->src)) ||
	    (f->has_dst && !addr_in_cidr(&f->dst, ev->ipver, ev->dst)) ||
	    (f->has_host && !addr_in_cidr(&f->host, ev->ipver, ev->src) &&
	    !addr_in_cidr(&f->host, ev->ipver, ev->dst)) ||
	    (f->port >= 0 && ev->sport != f->port && ev->dport != f->port) ||
	    (f->proto >= 0 && ev->proto != f->proto))
		return 0;
	if (c->n == HTTP_SEQ_ROWS) {
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
	memset(&p, 0, sizeof(p));
	p.ts_us = ev->ts_us;
	p.ipver = ev->ipver;
	p.proto = ev->proto;
	p.tcp_flags = ev->tcp_flags;
	p.has_l4 = 1;
	p.sport = ev->sport;
	p.dport = ev->dport;
	memcpy(p.src, ev->src, 16);
	memcpy(p.dst, ev->dst, 16);
	p.tcp_seq = ev->tcp_seq;
	p.tcp_ack = ev->tcp_ack;
	p.ip_id = ev->ip_id;
	p.ip_len = ev->length;
	p.wirelen = ev->length;
	if (seq_add_packet(c->s, i, &p) < 0) {
		c->failed = 1;
		return 1;
	}
	c->n++;
	return 0;
}

/*
 * The arguments again, as event filters (http_query has checked them
 * all).  Returns 0, or 1 when a parameter has no meaning for single
 * packets (pair, tier): then the diagram is drawn from stored edges.
 */
static int
http_ev_filter(const struct http_args *a, struct http_evfilter *f)
{
	int64_t now = timefmt_now();
	char err[256];
	size_t i;

	memset(f, 0, sizeof(*f));
	f->from = INT64_MIN;
	f->to = INT64_MAX;
	f->port = f->proto = -1;
	for (i = 0; i < a->n; i++) {
		const char *k = a->name[i], *v = a->value[i];

		if (strcmp(k, "from") == 0)
			timefmt_parse(v, now, &f->from, err, sizeof(err));
		else if (strcmp(k, "to") == 0)
			timefmt_parse(v, now, &f->to, err, sizeof(err));
		else if (strcmp(k, "sensor") == 0)
			f->sensor = v;
		else if (strcmp(k, "src") == 0)
			f->has_src = addr_parse_cidr(v, &f->src) == 0;
		else if (strcmp(k, "dst") == 0)
			f->has_dst = addr_parse_cidr(v, &f->dst) == 0;
		else if (strcmp(k, "host") == 0)
			f->has_host = addr_parse_cidr(v, &f->host) == 0;
		else if (strcmp(k, "port") == 0)
			f->port = atoi(v);
		else if (strcmp(k, "proto") == 0)
			f->proto = decode_proto_number(v);
		else
			return 1;
	}
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
 */
static void
http_do_seq(struct http *h, const struct http_route *rt,
    const struct http_args *a, struct http_reply *r)
{
	struct http_export_ctx c;
	struct http_seq_ctx sc;
	struct http_ev_ctx ec;
	struct http_evfilter ef;
	struct export_seq_opts so;
	struct seq_opts mo;
	struct store *st = NULL;
	struct http_budget bg;
	struct query *q;
	char err[1024], *out = NULL;
	size_t len = 0;
	int from_edges = 1;

	memset(&c, 0, sizeof(c));
	memset(&sc, 0, sizeof(sc));
	memset(&ec, 0, sizeof(ec));
	memset(&so, 0, sizeof(so));
	c.rt = rt;
	if ((q = http_query(h, a, &c, 1, r)) == NULL)
		return;
	if ((st = http_store(h, err, sizeof(err))) == NULL) {
		http_error(r, 503, NULL, "database: %s", err);
		goto done;
	}
	if ((sc.s = seq_new()) == NULL) {
		http_error(r, 503, NULL, "out of memory");
		goto done;
	}
	http_budget_start(h, st, &bg);
	if (http_ev_filter(a, &ef) == 0) {
		ec.s = sc.s;
		ec.f = &ef;
		ec.max_scanned = h->max_rows;
		if (store_events(st, ef.from, ef.to, ef.sensor,
		    (unsigned)(h->max_rows > UINT32_MAX ? UINT32_MAX :
		    h->max_rows + 1), http_ev_row, &ec) < 0) {
			http_query_failed(h, q, &bg, 0, store_error(st), r);
			goto done;
		}
		if (ec.failed) {
			http_error(r, 503, NULL, "out of memory");
			goto done;
		}
		from_edges = ec.n == 0;
	}
	if (from_edges) {
		if ((sc.point = seq_add_point(sc.s, "stored edges")) < 0) {
			http_error(r, 503, NULL, "out of memory");
			goto done;
		}
		if (query_rows(q, st, http_seq_row, &sc, err,
		    sizeof(err)) < 0) {
			http_query_failed(h, q, &bg, 0, err, r);
			goto done;
		}
		if (sc.failed) {
			http_error(r, 503, NULL, "out of memory");
			goto done;
		}
		so.level = SEQ_LEVEL_FULL;
	} else
		so.level = SEQ_LEVEL_DEFAULT;
	memset(&mo, 0, sizeof(mo));
	mo.no_skew = from_edges;
	if (seq_merge(sc.s, &mo, http_seq_name, (void *)(uintptr_t)h->names,
	    err, sizeof(err)) < 0) {
		/* sensors that share no packet and no moment: say which */
		http_error(r, 422, "sensor", "%s (pick one with sensor=)",
		    err);
		goto done;
	}
	so.limit = HTTP_SEQ_ROWS;
	if ((out = export_seq_buf(sc.s, export_seq_format(rt->format), &so,
	    &len, err, sizeof(err))) == NULL) {
		http_error(r, 500, NULL, "%s: %s", rt->path, err);
		goto done;
	}
	buf_add(&r->body, out, len);
	if (from_edges)
		snprintf(r->note, sizeof(r->note), "drawn from stored edges "
		    "(one arrow per edge per window): no packet events in "
		    "this span%s", sc.capped ? "; capped at the first 1000: "
		    "narrow with from, to, host or port" : "");
	else if (ec.capped)
		snprintf(r->note, sizeof(r->note), "capped at the first %zu "
		    "packet events: narrow with from, to, host or port",
		    ec.n);
done:
	http_budget_end(st);
	free(out);
	seq_free(sc.s);
	query_free(q);
}

/* --- windows, stats, metrics, health ------------------------------------ */

static void
http_do_windows(struct http *h, const struct http_args *a,
    struct http_reply *r)
{
	static const char sql[] =
	    "SELECT w.start, w.seconds, s.name, w.tier, w.frames, w.bytes,"
	    " w.undecoded, w.cap_recv, w.cap_drop, w.cap_ifdrop, w.overflow,"
	    " (SELECT count(*) FROM edges e WHERE e.window_id = w.id)"
	    " FROM windows w JOIN sensors s ON s.id = w.sensor_id"
	    " WHERE w.tier = ?1 AND w.start <= ?3 AND w.start + w.seconds > ?2"
	    " AND (?4 IS NULL OR s.name = ?4)"
	    " ORDER BY w.start, s.name LIMIT ?5";
	int64_t now = timefmt_now(), from = INT64_MIN / 2, to = INT64_MAX / 2;
	const char *sensor = NULL;
	char err[1024], iso[64];
	struct store *st;
	sqlite3_stmt *s = NULL;
	size_t i, n = 0;
	int tier = STORE_TIER_RAW, rc;

	for (i = 0; i < a->n; i++) {
		const char *k = a->name[i], *v = a->value[i];

		if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
			if (timefmt_parse(v, now, k[0] == 'f' ? &from : &to,
			    err, sizeof(err)) < 0) {
				http_error(r, 400, k, "%s: %s", k, err);
				return;
			}
		} else if (strcmp(k, "sensor") == 0)
			sensor = v;
		else if (strcmp(k, "tier") == 0) {
			if (strcmp(v, "raw") == 0)
				tier = STORE_TIER_RAW;
			else if (strcmp(v, "hour") == 0)
				tier = STORE_TIER_HOUR;
			else if (strcmp(v, "day") == 0)
				tier = STORE_TIER_DAY;
			else {
				http_error(r, 400, "tier", "tier: '%s' is not "
				    "raw, hour or day", v);
				return;
			}
		} else {
			http_error(r, 400, k, "%s: %s for windows (it takes "
			    "from, to, sensor and tier)", k, query_known(k) ?
			    "does not apply" : "unknown parameter");
			return;
		}
	}
	if (from > to) {
		http_error(r, 400, "from", "from: is after to, so nothing can "
		    "match");
		return;
	}
	if ((st = http_store(h, err, sizeof(err))) == NULL) {
		http_error(r, 503, NULL, "database: %s", err);
		return;
	}
	/* store.c's schema, read as query.c reads it: through the handle */
	if (sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL) !=
	    SQLITE_OK) {
		http_error(r, 503, NULL, "database: %s",
		    sqlite3_errmsg(store_sqlite(st)));
		return;
	}
	sqlite3_bind_int(s, 1, tier);
	sqlite3_bind_int64(s, 2, from / 1000000 - (from % 1000000 < 0));
	sqlite3_bind_int64(s, 3, to / 1000000);
	if (sensor != NULL)
		sqlite3_bind_text(s, 4, sensor, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, HTTP_MAX_WINDOWS + 1);
	buf_puts(&r->body, "{\"windows\": [");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++n > HTTP_MAX_WINDOWS) {
			sqlite3_finalize(s);
			http_error(r, 422, "from", "more than %d windows: "
			    "narrow the span with from and to, or ask for "
			    "tier=hour or tier=day", HTTP_MAX_WINDOWS);
			return;
		}
		buf_printf(&r->body, "%s\n{\"start\": \"%s\", \"start_s\": %lld,"
		    " \"seconds\": %d, \"sensor\": ", n > 1 ? "," : "",
		    timefmt_iso(sqlite3_column_int64(s, 0) * 1000000, iso),
		    (long long)sqlite3_column_int64(s, 0),
		    sqlite3_column_int(s, 1));
		export_json_string(&r->body,
		    (const char *)sqlite3_column_text(s, 2));
		buf_printf(&r->body, ", \"tier\": %d, \"frames\": %lld, "
		    "\"bytes\": %lld, \"undecoded\": %lld, \"captured\": %lld, "
		    "\"kernel_drops\": %lld, \"interface_drops\": %lld, "
		    "\"overflow\": %lld, \"edges\": %lld}",
		    sqlite3_column_int(s, 3),
		    (long long)sqlite3_column_int64(s, 4),
		    (long long)sqlite3_column_int64(s, 5),
		    (long long)sqlite3_column_int64(s, 6),
		    (long long)sqlite3_column_int64(s, 7),
		    (long long)sqlite3_column_int64(s, 8),
		    (long long)sqlite3_column_int64(s, 9),
		    (long long)sqlite3_column_int64(s, 10),
		    (long long)sqlite3_column_int64(s, 11));
	}
	if (rc != SQLITE_DONE) {
		http_error(r, 503, NULL, "database: %s",
		    sqlite3_errmsg(store_sqlite(st)));
		sqlite3_finalize(s);
		return;
	}
	sqlite3_finalize(s);
	buf_printf(&r->body, "\n], \"count\": %zu}\n", n);
}

static int
http_no_args(const struct http_args *a, const char *route,
    struct http_reply *r)
{
	if (a->n == 0)
		return 0;
	http_error(r, 400, a->name[0], "%s: unknown parameter (%s takes "
	    "none)", a->name[0], route);
	return -1;
}

static void
http_do_stats(struct http *h, struct http_reply *r)
{
	struct daemon_stats ds;
	char iso[64];
	size_t i;

	if (h->hooks == NULL) {
		buf_printf(&r->body, "{\"capture\": false, \"database\": ");
		export_json_string(&r->body, h->db);
		buf_printf(&r->body, ", \"started\": \"%s\"}\n",
		    timefmt_iso(h->started_us, iso));
		return;
	}
	memset(&ds, 0, sizeof(ds));
	h->hooks->get_stats(h->hooks->arg, &ds);
	buf_puts(&r->body, "{\"capture\": true, \"sensor\": ");
	export_json_string(&r->body, ds.sensor);
	buf_printf(&r->body, ", \"now\": \"%s\"", timefmt_iso(ds.now_us, iso));
	buf_printf(&r->body, ", \"started\": \"%s\"",
	    timefmt_iso(ds.started_us, iso));
	buf_printf(&r->body, ", \"packets\": %llu, \"bytes\": %llu, "
	    "\"undecoded\": %llu, \"pps\": %.1f, \"bps\": %.1f, "
	    "\"open_window\": %lld, \"window_seconds\": %u, "
	    "\"open_edges\": %zu, \"windows_written\": %llu, "
	    "\"edges_written\": %llu, \"windows_dropped\": %llu, "
	    "\"write_errors\": %llu, \"queue_depth\": %llu, "
	    "\"queue_max\": %llu, \"write_latency_us\": %llu, "
	    "\"write_latency_max_us\": %llu, \"capture_alive\": %s, "
	    "\"writer_alive\": %s, \"writer_error\": ",
	    (unsigned long long)ds.packets, (unsigned long long)ds.bytes,
	    (unsigned long long)ds.undecoded, ds.pps, ds.bps,
	    (long long)ds.open_window, ds.window_seconds, ds.open_edges,
	    (unsigned long long)ds.windows_written,
	    (unsigned long long)ds.edges_written,
	    (unsigned long long)ds.windows_dropped,
	    (unsigned long long)ds.write_errors,
	    (unsigned long long)ds.queue_depth,
	    (unsigned long long)ds.queue_max,
	    (unsigned long long)ds.write_latency_us,
	    (unsigned long long)ds.write_latency_max_us,
	    ds.capture_alive ? "true" : "false",
	    ds.writer_alive ? "true" : "false");
	export_json_string(&r->body, ds.writer_error);
	buf_printf(&r->body, ", \"frames_dropped\": %llu, \"queue_bytes\": "
	    "%llu, \"queue_bytes_max\": %llu, \"database_reopened\": %llu, "
	    "\"events_written\": %llu, \"events_dropped\": %llu, "
	    "\"last_loss\": ", (unsigned long long)ds.frames_dropped,
	    (unsigned long long)ds.queue_bytes,
	    (unsigned long long)ds.queue_bytes_max,
	    (unsigned long long)ds.db_reopened,
	    (unsigned long long)ds.events_written,
	    (unsigned long long)ds.events_dropped);
	export_json_string(&r->body, ds.last_loss);
	buf_puts(&r->body, ", \"interfaces\": [");
	for (i = 0; i < ds.nifaces && i < STATS_MAX_IFACES; i++) {
		buf_puts(&r->body, i > 0 ? ", {\"name\": " : "{\"name\": ");
		export_json_string(&r->body, ds.ifaces[i].name);
		buf_printf(&r->body, ", \"up\": %s, \"packets\": %llu, "
		    "\"bytes\": %llu, \"kernel_drops\": %llu, "
		    "\"interface_drops\": %llu}",
		    ds.ifaces[i].up ? "true" : "false",
		    (unsigned long long)ds.ifaces[i].packets,
		    (unsigned long long)ds.ifaces[i].bytes,
		    (unsigned long long)ds.ifaces[i].kernel_drop,
		    (unsigned long long)ds.ifaces[i].if_drop);
	}
	buf_puts(&r->body, "]}\n");
}

/* A Prometheus label value (backslash, quote and newline escaped). */
static void
http_label(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(b, '\\');
		if (*s == '\n')
			buf_puts(b, "\\n");
		else
			buf_putc(b, *s);
	}
}

static void
http_metric(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
http_do_metrics(struct http *h, struct http_reply *r)
{
	static const struct {
		const char	*name;
		const char	*help;
		size_t		 off;
	} ifm[] = {
		{ "ipgraph_packets_total", "Packets seen per interface.",
		    offsetof(struct iface_stats, packets) },
		{ "ipgraph_bytes_total", "Bytes (on the wire) per interface.",
		    offsetof(struct iface_stats, bytes) },
		{ "ipgraph_kernel_drops_total", "Packets the kernel dropped "
		    "(pcap ps_drop).", offsetof(struct iface_stats,
		    kernel_drop) },
		{ "ipgraph_interface_drops_total", "Packets the interface "
		    "dropped (pcap ps_ifdrop).", offsetof(struct iface_stats,
		    if_drop) },
	};
	struct daemon_stats ds;
	struct buf *b = &r->body;
	uint64_t v;
	size_t i, k, c;

	if (h->hooks != NULL) {
		memset(&ds, 0, sizeof(ds));
		h->hooks->get_stats(h->hooks->arg, &ds);
		for (k = 0; k < sizeof(ifm) / sizeof(ifm[0]); k++) {
			http_metric(b, ifm[k].name, "counter", ifm[k].help);
			for (i = 0; i < ds.nifaces && i < STATS_MAX_IFACES;
			    i++) {
				memcpy(&v, (const char *)&ds.ifaces[i] +
				    ifm[k].off, sizeof(v));
				buf_printf(b, "%s{interface=\"", ifm[k].name);
				http_label(b, ds.ifaces[i].name);
				buf_printf(b, "\"} %llu\n",
				    (unsigned long long)v);
			}
		}
		http_metric(b, "ipgraph_interface_up", "gauge",
		    "1 while the interface is capturing.");
		for (i = 0; i < ds.nifaces && i < STATS_MAX_IFACES; i++) {
			buf_puts(b, "ipgraph_interface_up{interface=\"");
			http_label(b, ds.ifaces[i].name);
			buf_printf(b, "\"} %d\n", ds.ifaces[i].up ? 1 : 0);
		}
#define M(name, type, help, fmt, val) do {				\
		http_metric(b, name, type, help);			\
		buf_printf(b, "%s " fmt "\n", name, val);		\
	} while (0)
		M("ipgraph_undecoded_total", "counter", "Frames that made no "
		    "edge.", "%llu", (unsigned long long)ds.undecoded);
		M("ipgraph_open_window_edges", "gauge", "Edges in the open "
		    "window.", "%zu", ds.open_edges);
		M("ipgraph_windows_written_total", "counter", "Windows "
		    "committed to the database.", "%llu",
		    (unsigned long long)ds.windows_written);
		M("ipgraph_edges_written_total", "counter", "Edges committed "
		    "to the database.", "%llu",
		    (unsigned long long)ds.edges_written);
		M("ipgraph_windows_dropped_total", "counter", "Windows "
		    "dropped because the writer queue was full.", "%llu",
		    (unsigned long long)ds.windows_dropped);
		M("ipgraph_write_errors_total", "counter", "Failed window "
		    "writes (retried).", "%llu",
		    (unsigned long long)ds.write_errors);
		M("ipgraph_writer_queue_depth", "gauge", "Closed windows "
		    "waiting for the writer.", "%llu",
		    (unsigned long long)ds.queue_depth);
		M("ipgraph_writer_queue_max", "gauge", "The writer queue's "
		    "size.", "%llu", (unsigned long long)ds.queue_max);
		M("ipgraph_writer_latency_seconds", "gauge", "Window close to "
		    "commit, the last window.", "%.6f",
		    (double)ds.write_latency_us / 1e6);
		M("ipgraph_writer_latency_max_seconds", "gauge", "Window close "
		    "to commit, the slowest so far.", "%.6f",
		    (double)ds.write_latency_max_us / 1e6);
		M("ipgraph_frames_dropped_total", "counter", "Frames in "
		    "windows that could not be stored (see the losses "
		    "table).", "%llu", (unsigned long long)ds.frames_dropped);
		M("ipgraph_writer_queue_bytes", "gauge", "Memory held by the "
		    "writer queue.", "%llu", (unsigned long long)ds.queue_bytes);
		M("ipgraph_writer_queue_bytes_max", "gauge", "The writer "
		    "queue's bound in bytes.", "%llu",
		    (unsigned long long)ds.queue_bytes_max);
		M("ipgraph_database_reopened_total", "counter", "Database "
		    "files found deleted or replaced, and made anew.", "%llu",
		    (unsigned long long)ds.db_reopened);
		M("ipgraph_events_written_total", "counter", "Packet events "
		    "committed.", "%llu", (unsigned long long)ds.events_written);
		M("ipgraph_events_dropped_total", "counter", "Packet events "
		    "past a cap or a full queue.", "%llu",
		    (unsigned long long)ds.events_dropped);
		M("ipgraph_capture_alive", "gauge", "1 while at least one "
		    "interface captures.", "%d", ds.capture_alive ? 1 : 0);
		M("ipgraph_writer_alive", "gauge", "1 while the writer "
		    "succeeds.", "%d", ds.writer_alive ? 1 : 0);
#undef M
	}
	http_metric(b, "ipgraph_http_requests_total", "counter",
	    "HTTP requests by route and status.");
	for (i = 0; i < HTTP_NROUTES; i++)
		for (c = 0; c < HTTP_NCODES; c++) {
			v = __atomic_load_n(&h->hits[i][c], __ATOMIC_RELAXED);
			if (v == 0)
				continue;
			buf_printf(b, "ipgraph_http_requests_total{route=\"%s%s"
			    "\",code=\"", http_routes[i].path[0] == '/' ||
			    i >= HTTP_ROUTE_STATIC ? "" : "/api/v1/",
			    http_routes[i].path);
			if (http_codes[c] != 0)
				buf_printf(b, "%u", http_codes[c]);
			else
				buf_puts(b, "other");
			buf_printf(b, "\"} %llu\n", (unsigned long long)v);
		}
}

/* /healthz says "degraded" for this long after data was lost (s). */
#define HTTP_LOSS_RECENT	600

static void
http_do_healthz(struct http *h, struct http_reply *r)
{
	struct daemon_stats ds;
	const char *why = NULL;

	if (h->hooks == NULL) {
		buf_puts(&r->body, "{\"status\": \"ok\", \"capture\": false}\n");
		return;
	}
	memset(&ds, 0, sizeof(ds));
	h->hooks->get_stats(h->hooks->arg, &ds);
	if (!ds.capture_alive)
		why = "no interface is capturing";
	else if (!ds.writer_alive)
		why = ds.writer_error[0] != '\0' ? ds.writer_error :
		    "the writer is failing";
	if (why == NULL && ds.last_loss_us != 0 &&
	    ds.now_us - ds.last_loss_us < HTTP_LOSS_RECENT * 1000000LL) {
		/* working, but data was lost lately: say so, still 200 */
		buf_puts(&r->body, "{\"status\": \"degraded\", "
		    "\"capture\": true, \"reason\": ");
		export_json_string(&r->body, ds.last_loss);
		buf_puts(&r->body, "}\n");
		return;
	}
	if (why == NULL) {
		buf_puts(&r->body, "{\"status\": \"ok\", \"capture\": true}\n");
		return;
	}
	r->status = 503;
	buf_puts(&r->body, "{\"status\": \"unhealthy\", \"reason\": ");
	export_json_string(&r->body, why);
	buf_puts(&r->body, "}\n");
}

/* --- live: server-sent events ------------------------------------------- */

/*
 * A live client waits for the daemon's next document.  A worker must not
 * sleep on it (it serves other connections), so the reader suspends the
 * connection when there is nothing new and the live thread resumes every
 * suspended one a few times a second to look again.
 */
static ssize_t
http_live_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct http_live *lc = cls;
	struct http *h = lc->h;
	char *json = NULL, *p, *nl;
	uint64_t seq;
	size_t n;

	(void)pos;
	if (lc->off == lc->out.len) {
		buf_reset(&lc->out);
		lc->off = 0;
		if (h->hooks->get_live(h->hooks->arg, &json, &seq) == 0 &&
		    seq != lc->seq) {
			lc->seq = seq;
			buf_printf(&lc->out, "id: %llu\nevent: window\n",
			    (unsigned long long)seq);
			/* a line break inside data starts a new data line */
			for (p = json; p != NULL; p = nl) {
				if ((nl = strchr(p, '\n')) != NULL)
					*nl++ = '\0';
				buf_printf(&lc->out, "data: %s\n", p);
			}
			buf_putc(&lc->out, '\n');
		}
		free(json);
		if (buf_failed(&lc->out))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (lc->off == lc->out.len) {
		pthread_mutex_lock(&h->live_mu);
		if (h->stopping) {
			pthread_mutex_unlock(&h->live_mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		lc->suspended = 1;
		MHD_suspend_connection(lc->conn);
		pthread_mutex_unlock(&h->live_mu);
		return 0;
	}
	n = lc->out.len - lc->off;
	if (n > max)
		n = max;
	memcpy(out, lc->out.data + lc->off, n);
	lc->off += n;
	return (ssize_t)n;
}

static void
http_live_free(void *cls)
{
	struct http_live *lc = cls, **pp;
	struct http *h = lc->h;

	pthread_mutex_lock(&h->live_mu);
	for (pp = &h->live; *pp != NULL; pp = &(*pp)->next)
		if (*pp == lc) {
			*pp = lc->next;
			break;
		}
	h->nlive--;
	pthread_mutex_unlock(&h->live_mu);
	buf_free(&lc->out);
	free(lc);
}

static void *
http_live_loop(void *arg)
{
	struct http *h = arg;
	struct http_live *lc;
	struct timespec ts;

	pthread_mutex_lock(&h->live_mu);
	while (!h->stopping) {
		for (lc = h->live; lc != NULL; lc = lc->next)
			if (lc->suspended) {
				lc->suspended = 0;
				MHD_resume_connection(lc->conn);
			}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->live_cv, &h->live_mu, &ts);
	}
	for (lc = h->live; lc != NULL; lc = lc->next)
		if (lc->suspended) {
			lc->suspended = 0;
			MHD_resume_connection(lc->conn);
		}
	pthread_mutex_unlock(&h->live_mu);
	return NULL;
}

/* Returns the response, or NULL with the reply set to an error. */
static struct MHD_Response *
http_do_live(struct http *h, struct MHD_Connection *conn,
    const struct http_args *a, struct http_reply *r)
{
	struct MHD_Response *resp;
	struct http_live *lc;

	if (http_no_args(a, "live", r) < 0)
		return NULL;
	if (h->hooks == NULL || h->hooks->get_live == NULL) {
		http_error(r, 404, NULL, "live: this server reads a database "
		    "and captures nothing (ipgraph serve); live views come "
		    "from ipgraphd");
		return NULL;
	}
	if ((lc = calloc(1, sizeof(*lc))) == NULL) {
		http_error(r, 503, NULL, "out of memory");
		return NULL;
	}
	lc->h = h;
	lc->conn = conn;
	pthread_mutex_lock(&h->live_mu);
	if (h->nlive >= HTTP_MAX_LIVE || h->stopping) {
		pthread_mutex_unlock(&h->live_mu);
		free(lc);
		http_error(r, 503, NULL, "live: %d streams are open already, "
		    "the most this server keeps", HTTP_MAX_LIVE);
		return NULL;
	}
	lc->next = h->live;
	h->live = lc;
	h->nlive++;
	pthread_mutex_unlock(&h->live_mu);
	/* the retry line tells EventSource how soon to come back */
	buf_puts(&lc->out, "retry: 1000\n\n");
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
	    http_live_read, lc, http_live_free);
	if (resp == NULL) {
		lc->out.len = 0;
		http_live_free(lc);
		http_error(r, 503, NULL, "out of memory");
		return NULL;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/event-stream; charset=utf-8");
	return resp;
}

/* --- static files ------------------------------------------------------- */

static const struct {
	const char	*ext;
	const char	*mime;
	int		 compress;
} http_types[] = {
	{ ".html", "text/html; charset=utf-8", 1 },
	{ ".htm", "text/html; charset=utf-8", 1 },
	{ ".js", "text/javascript; charset=utf-8", 1 },
	{ ".mjs", "text/javascript; charset=utf-8", 1 },
	{ ".css", "text/css; charset=utf-8", 1 },
	{ ".json", "application/json", 1 },
	{ ".map", "application/json", 1 },
	{ ".svg", "image/svg+xml", 1 },
	{ ".txt", "text/plain; charset=utf-8", 1 },
	{ ".png", "image/png", 0 },
	{ ".jpg", "image/jpeg", 0 },
	{ ".gif", "image/gif", 0 },
	{ ".ico", "image/vnd.microsoft.icon", 0 },
	{ ".woff2", "font/woff2", 0 },
	{ NULL, "application/octet-stream", 0 }
};

/* Whether a request header lists token (comma-separated, any case). */
static int
http_header_has(const char *v, const char *token)
{
	size_t n = strlen(token);
	const char *p;

	for (p = v; p != NULL && *p != '\0'; p = strchr(p, ',')) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, token, n) == 0 && (p[n] == '\0' ||
		    p[n] == ',' || p[n] == ';' || p[n] == ' ')) {
			/* "gzip;q=0" refuses it */
			const char *q = p + n;

			while (*q == ' ')
				q++;
			if (strncmp(q, ";q=0", 4) == 0 && (q[4] == '\0' ||
			    q[4] == ',' || (q[4] == '.' &&
			    strspn(q + 5, "0") == strcspn(q + 5, ","))))
				return 0;
			return 1;
		}
	}
	return 0;
}

/*
 * A file under the www root.  The decoded path must have no "..", "."
 * or empty segments and no backslash; the resolved file must then lie
 * under the resolved root (a symbolic link pointing out is refused too).
 */
static struct MHD_Response *
http_do_static(struct http *h, struct MHD_Connection *conn, const char *url,
    struct http_reply *r)
{
	struct MHD_Response *resp = NULL;
	char path[PATH_MAX], real[PATH_MAX], etag[96], lm[64];
	const char *seg, *ext, *mime, *inm, *ims, *ae;
	struct stat sb;
	struct tm tm;
	size_t i, n, rootlen;
	int fd = -1, gz = 0, compress;
	struct buf raw = BUF_INIT, z = BUF_INIT;
	ssize_t got;

	if (h->www_root == NULL) {
		http_error(r, 404, NULL, "%s: no such route (this server has "
		    "no www_root; the API is under /api/v1/)", url);
		return NULL;
	}
	for (seg = url; *seg == '/'; ) {
		seg++;
		n = strcspn(seg, "/");
		if ((n == 2 && strncmp(seg, "..", 2) == 0) ||
		    (n == 1 && seg[0] == '.') || (n == 0 && seg[0] == '/') ||
		    memchr(seg, '\\', n) != NULL) {
			http_error(r, 404, NULL, "%s: no such file", url);
			return NULL;
		}
		seg += n;
	}
	if (snprintf(path, sizeof(path), "%s%s%s", h->www_root, url,
	    url[strlen(url) - 1] == '/' ? "index.html" : "") >=
	    (int)sizeof(path) || realpath(path, real) == NULL) {
		http_error(r, 404, NULL, "%s: no such file", url);
		return NULL;
	}
	rootlen = strlen(h->www_root);
	if (strncmp(real, h->www_root, rootlen) != 0 || real[rootlen] != '/') {
		http_error(r, 404, NULL, "%s: no such file", url);
		return NULL;
	}
	if (stat(real, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* a folder without its slash: send the browser there */
		http_error(r, 404, NULL, "%s: a folder (try %s/)", url, url);
		return NULL;
	}
	if ((fd = open(real, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > HTTP_MAX_FILE) {
		if (fd >= 0)
			close(fd);
		http_error(r, 404, NULL, "%s: no such file", url);
		return NULL;
	}
	ext = strrchr(real, '.');
	for (i = 0; http_types[i].ext != NULL; i++)
		if (ext != NULL && strcasecmp(ext, http_types[i].ext) == 0)
			break;
	mime = http_types[i].mime;
	compress = http_types[i].compress && sb.st_size > 256;
	ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	gz = compress && ae != NULL && http_header_has(ae, "gzip");
	snprintf(etag, sizeof(etag), "\"%llx-%llx%s\"",
	    (unsigned long long)sb.st_size,
	    (unsigned long long)sb.st_mtim.tv_sec * 1000000000ULL +
	    (unsigned long long)sb.st_mtim.tv_nsec, gz ? "-gz" : "");
	gmtime_r(&sb.st_mtim.tv_sec, &tm);
	strftime(lm, sizeof(lm), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_NONE_MATCH);
	ims = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if ((inm != NULL && (strstr(inm, etag) != NULL ||
	    strcmp(inm, "*") == 0)) || (inm == NULL && ims != NULL &&
	    strcmp(ims, lm) == 0)) {
		close(fd);
		r->status = 304;
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	} else if (!gz) {
		r->status = 200;
		/* libmicrohttpd reads the file and closes fd */
		resp = MHD_create_response_from_fd((size_t)sb.st_size, fd);
		if (resp == NULL)
			close(fd);
	} else {
		buf_add(&raw, NULL, 0);
		for (;;) {
			char chunk[65536];

			if ((got = read(fd, chunk, sizeof(chunk))) <= 0)
				break;
			buf_add(&raw, chunk, (size_t)got);
		}
		close(fd);
		if (got < 0 || buf_failed(&raw) ||
		    http_gzip(raw.data != NULL ? raw.data : "", raw.len,
		    &z) < 0) {
			buf_free(&raw);
			buf_free(&z);
			http_error(r, 503, NULL, "%s: cannot read the file",
			    url);
			return NULL;
		}
		buf_free(&raw);
		r->status = 200;
		resp = MHD_create_response_from_buffer_with_free_callback(
		    z.len, z.data, free);
		if (resp == NULL)
			buf_free(&z);
		else
			MHD_add_response_header(resp,
			    MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	if (resp == NULL) {
		http_error(r, 503, NULL, "out of memory");
		return NULL;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
	if (r->status == 200)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    mime);
	if (compress)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
		    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	return resp;
}

/* --- dispatch ----------------------------------------------------------- */

/* Constant-time comparison of the bearer token; 1 when it matches. */
static int
http_token_ok(const struct http *h, const char *auth)
{
	const unsigned char *p;
	size_t i, n;
	unsigned diff;

	if (h->token == NULL)
		return 1;
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	p = (const unsigned char *)auth + 7;
	n = strlen((const char *)p);
	/* every byte of the token is looked at, whatever the guess */
	diff = n != h->toklen;
	for (i = 0; i < h->toklen; i++)
		diff |= (unsigned char)h->token[i] ^ (i < n ? p[i] : 0);
	return diff == 0;
}

static int
http_route_index(const char *url, int *api)
{
	size_t i;

	*api = 0;
	if (strncmp(url, "/api/", 5) == 0) {
		*api = 1;
		if (strncmp(url, "/api/v1/", 8) != 0)
			return -1;
		for (i = 0; i < HTTP_ROUTE_STATIC; i++)
			if (http_routes[i].path[0] != '/' &&
			    strcmp(url + 8, http_routes[i].path) == 0)
				return (int)i;
		return -1;
	}
	for (i = 0; i < HTTP_ROUTE_STATIC; i++)
		if (http_routes[i].path[0] == '/' &&
		    strcmp(url, http_routes[i].path) == 0) {
			*api = 1;
			return (int)i;
		}
	return (int)HTTP_ROUTE_STATIC;
}

static void
http_add_common(const struct http *h, struct MHD_Response *resp,
    const struct http_reply *r)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->api) {
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		if (h->cors != NULL) {
			MHD_add_response_header(resp,
			    "Access-Control-Allow-Origin", h->cors);
			MHD_add_response_header(resp, "Vary", "Origin");
		}
	}
	if (r->note[0] != '\0')
		MHD_add_response_header(resp, "X-Ipgraph-Note", r->note);
	if (r->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
}

static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct http *h = cls;
	struct http_reply r;
	struct http_args a;
	struct MHD_Response *resp = NULL;
	const struct http_route *rt = NULL;
	size_t hdrs = 0;
	int ri, api, head;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (*upload_size != 0) {
		/* a body after the answer was queued: drop it */
		*upload_size = 0;
		return MHD_YES;
	}
	/*
	 * Answering in the first call, before libmicrohttpd has the whole
	 * request, makes it close the connection afterwards: a GET waits for
	 * the second call, so keep-alive works.  Other methods are refused at
	 * once (and their connection closed, which is what we want).
	 */
	if (*con_cls == NULL && (strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0)) {
		*con_cls = h;
		return MHD_YES;
	}
	memset(&r, 0, sizeof(r));
	memset(&a, 0, sizeof(a));
	r.status = 200;
	ri = http_route_index(url, &api);
	r.api = api;
	if (ri >= 0)
		rt = &http_routes[ri];
	else
		ri = (int)HTTP_ROUTE_OTHER;
	head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, http_arg, &a);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, http_header_size,
	    &hdrs);

	if (strlen(url) + a.bytes > HTTP_MAX_URL || a.toomany) {
		http_error(&r, 414, NULL, "the URL is longer than %d bytes or "
		    "has more than %d parameters", HTTP_MAX_URL,
		    HTTP_MAX_ARGS);
	} else if (hdrs > HTTP_MAX_HEADERS) {
		http_error(&r, 431, NULL, "the request headers exceed %d "
		    "bytes", HTTP_MAX_HEADERS);
	} else if (h->cors != NULL && api &&
	    strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0) {
		/* a CORS preflight: what a page from cors_origin may send */
		r.status = 204;
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
		if (resp != NULL) {
			MHD_add_response_header(resp,
			    "Access-Control-Allow-Methods", "GET, HEAD");
			MHD_add_response_header(resp,
			    "Access-Control-Allow-Headers", "Authorization");
			MHD_add_response_header(resp,
			    "Access-Control-Max-Age", "600");
		}
	} else if (!head && strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
		r.allow = "GET, HEAD";
		http_error(&r, 405, NULL, "%s: method not allowed (use GET "
		    "or HEAD)", method);
	} else if (api && (rt == NULL || rt->kind != K_HEALTHZ) &&
	    !http_token_ok(h, MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))) {
		http_error(&r, 401, NULL, "a bearer token is needed "
		    "(Authorization: Bearer TOKEN)");
	} else if (rt == NULL) {
		http_error(&r, 404, NULL, "%s: no such route (formats: "
		    "graph.dot, graph.svg, graph.png, circos, circos.tar.gz, "
		    "moowheel.json, edges.csv, edges.json, seq.diag, seq.mmd, "
		    "seq.svg; and windows, stats, live)", url);
	} else {
		switch (rt->kind) {
		case K_EXPORT:
		case K_CSV:
			http_do_export(h, rt, &a, &r);
			break;
		case K_BUNDLE:
			http_do_bundle(h, rt, &a, &r);
			break;
		case K_SEQ:
			http_do_seq(h, rt, &a, &r);
			break;
		case K_WINDOWS:
			http_do_windows(h, &a, &r);
			break;
		case K_STATS:
			if (http_no_args(&a, "stats", &r) == 0)
				http_do_stats(h, &r);
			break;
		case K_LIVE:
			resp = http_do_live(h, conn, &a, &r);
			break;
		case K_METRICS:
			if (http_no_args(&a, "metrics", &r) == 0)
				http_do_metrics(h, &r);
			break;
		case K_HEALTHZ:
			http_do_healthz(h, &r);
			break;
		case K_STATIC:
			resp = http_do_static(h, conn, url, &r);
			break;
		case K_OTHER:
			break;
		}
		if (r.mime == NULL && rt->mime != NULL) {
			r.mime = rt->mime;
			snprintf(r.disposition, sizeof(r.disposition),
			    "%s; filename=\"%s\"", rt->attachment ?
			    "attachment" : "inline", rt->path[0] == '/' ?
			    rt->path + 1 : rt->path);
		}
	}
	if (resp == NULL) {
		if (buf_failed(&r.body))
			http_error(&r, 503, NULL, "out of memory");
		if (r.body.len == 0)
			resp = MHD_create_response_from_buffer(0, (void *)"",
			    MHD_RESPMEM_PERSISTENT);
		else {
			resp = MHD_create_response_from_buffer_with_free_callback(
			    r.body.len, r.body.data, free);
			if (resp != NULL)
				r.body.data = NULL;	/* owned by resp */
		}
		if (resp != NULL && r.mime != NULL)
			MHD_add_response_header(resp,
			    MHD_HTTP_HEADER_CONTENT_TYPE, r.mime);
		if (resp != NULL && r.disposition[0] != '\0' &&
		    r.status == 200)
			MHD_add_response_header(resp, "Content-Disposition",
			    r.disposition);
	}
	buf_free(&r.body);
	if (resp == NULL)
		return MHD_NO;
	http_add_common(h, resp, &r);
	if (r.status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"ipgraph\"");
	http_count(h, (size_t)ri, r.status);
	/* never the Authorization header: only the method, path and status */
	log_debug("http: %s %s %u", method, url, r.status);
	ret = MHD_queue_response(conn, r.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* --- start and stop ----------------------------------------------------- */

static void	http_mhd_log(void *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warnx("http: %s", msg);
}

/*
 * "127.0.0.1:8080", "[::1]:8080", "*:8080" (every address, IPv4 and
 * IPv6), or "8080" (loopback).  Sets *flags to MHD_USE_IPv6 or
 * MHD_USE_DUAL_STACK as needed.  0, or -1 with err.
 */
static int
http_parse_listen(const char *s, struct sockaddr_storage *ss,
    unsigned *flags, char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *port, *colon;
	unsigned long p;
	char *end;

	memset(ss, 0, sizeof(*ss));
	*flags = 0;
	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL ||
		    (size_t)(colon - s - 1) >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, (size_t)(colon - s - 1));
		host[colon - s - 1] = '\0';
		port = colon + 2;
	} else if ((colon = strrchr(s, ':')) != NULL) {
		if (strchr(s, ':') != colon ||
		    (size_t)(colon - s) >= sizeof(host))
			goto bad;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	} else {
		snprintf(host, sizeof(host), "127.0.0.1");
		port = s;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (*port < '0' || *port > '9' || *end != '\0' || errno != 0 ||
	    p > 65535)
		goto bad;
	if (strcmp(host, "*") == 0 || strcmp(host, "::") == 0) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		sin6->sin6_addr = in6addr_any;
		*flags = MHD_USE_DUAL_STACK;
	} else if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		*flags = MHD_USE_IPv6;
	} else
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "listen: '%s' is not ADDRESS:PORT (IPv4), "
	    "[ADDRESS]:PORT (IPv6), *:PORT or PORT", s);
	return -1;
}

/* A whole small file into a new string (for keys and the token). */
static char *
http_slurp(const char *path, size_t max, const char *what, char *err,
    size_t errlen)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s %s: %s", what, path,
		    strerror(errno));
		return NULL;
	}
	buf_add(&b, NULL, 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && b.len <= max)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0 || b.len > max || buf_failed(&b)) {
		snprintf(err, errlen, "%s %s: %s", what, path, n < 0 ?
		    strerror(errno) : "too large or out of memory");
		buf_free(&b);
		return NULL;
	}
	if (b.data == NULL)
		return strdup("");
	return b.data;
}

unsigned
http_port(const struct http *h, size_t i)
{
	return h != NULL && i < h->nmhd ? h->port[i] : 0;
}

struct http *
http_start(const struct config *conf, const struct daemon_hooks *hooks,
    const struct http_opts *opts, char *err, size_t errlen)
{
	struct http *h;
	struct sockaddr_storage ss;
	struct MHD_OptionItem o[16];
	char *cert = NULL, *key = NULL, real[PATH_MAX], host[INET6_ADDRSTRLEN];
	const union MHD_DaemonInfo *di;
	unsigned flags, fam;
	size_t i, k;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->live_mu, NULL);
	pthread_cond_init(&h->live_cv, NULL);
	h->hooks = hooks;
	h->started_us = timefmt_now();
	h->max_rows = opts != NULL && opts->max_rows > 0 ? opts->max_rows :
	    HTTP_MAX_ROWS_DEFAULT;
	h->max_nodes = opts != NULL && opts->max_nodes > 0 ?
	    opts->max_nodes : HTTP_MAX_NODES_DEFAULT;
	h->names = opts != NULL ? opts->names : NULL;
	if ((h->db = strdup(conf->db)) == NULL ||
	    (conf->cors_origin != NULL && *conf->cors_origin != '\0' &&
	    (h->cors = strdup(conf->cors_origin)) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (conf->www_root != NULL && *conf->www_root != '\0') {
		if (realpath(conf->www_root, real) == NULL) {
			snprintf(err, errlen, "www_root %s: %s",
			    conf->www_root, strerror(errno));
			goto fail;
		}
		if ((h->www_root = strdup(real)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (conf->token_file != NULL && *conf->token_file != '\0') {
		if ((h->token = http_slurp(conf->token_file, HTTP_MAX_TOKEN,
		    "token_file", err, errlen)) == NULL)
			goto fail;
		h->toklen = strcspn(h->token, "\r\n");
		h->token[h->toklen] = '\0';
		if (h->toklen == 0) {
			snprintf(err, errlen, "token_file %s: empty",
			    conf->token_file);
			goto fail;
		}
	}
	if ((conf->tls_cert != NULL) != (conf->tls_key != NULL)) {
		snprintf(err, errlen, "tls_cert and tls_key go together: "
		    "give both or neither");
		goto fail;
	}
	if (conf->tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen, "tls_cert: this libmicrohttpd "
			    "was built without TLS");
			goto fail;
		}
		if ((cert = http_slurp(conf->tls_cert, 1 << 20, "tls_cert",
		    err, errlen)) == NULL ||
		    (key = http_slurp(conf->tls_key, 1 << 20, "tls_key", err,
		    errlen)) == NULL)
			goto fail;
	}
	if (pthread_key_create(&h->store_key, http_store_close) != 0) {
		snprintf(err, errlen, "pthread_key_create failed");
		goto fail;
	}
	h->key_made = 1;
	if (hooks != NULL && hooks->get_live != NULL) {
		if (pthread_create(&h->live_thread, NULL, http_live_loop,
		    h) != 0) {
			snprintf(err, errlen, "cannot start the live thread");
			goto fail;
		}
		h->live_running = 1;
	}
	for (i = 0; i < conf->nlisten; i++) {
		if (http_parse_listen(conf->listen[i], &ss, &flags, err,
		    errlen) < 0)
			goto fail;
		k = 0;
		/* the logger first, so every later message goes through it */
		o[k++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER,
		    (intptr_t)http_mhd_log, NULL };
		o[k++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0,
		    &ss };
		o[k++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
		    conf->threads > 0 ? conf->threads : 1, NULL };
		o[k++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
		    conf->max_connections, NULL };
		if (conf->per_ip_connections > 0)
			o[k++] = (struct MHD_OptionItem){
			    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			    conf->per_ip_connections, NULL };
		o[k++] = (struct MHD_OptionItem){
		    MHD_OPTION_CONNECTION_TIMEOUT, conf->timeout, NULL };
		o[k++] = (struct MHD_OptionItem){
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT,
		    NULL };
		if (cert != NULL) {
			o[k++] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_MEM_CERT, 0, cert };
			o[k++] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_MEM_KEY, 0, key };
			flags |= MHD_USE_TLS;
		}
		o[k++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
		h->mhd[i] = MHD_start_daemon(flags |
		    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
		    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL,
		    NULL, http_handler, h, MHD_OPTION_ARRAY, o,
		    MHD_OPTION_END);
		if (h->mhd[i] == NULL) {
			snprintf(err, errlen, "listen %s: cannot serve there "
			    "(in use, or not an address of this host)",
			    conf->listen[i]);
			goto fail;
		}
		h->nmhd = i + 1;
		di = MHD_get_daemon_info(h->mhd[i], MHD_DAEMON_INFO_BIND_PORT);
		h->port[i] = di != NULL ? di->port : 0;
		fam = ss.ss_family;
		if (fam == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
			    host, sizeof(host));
		else
			inet_ntop(AF_INET6,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
			    sizeof(host));
		log_info("http: listening on %s%s%s:%u (%s, %u threads%s%s)",
		    fam == AF_INET6 ? "[" : "", host, fam == AF_INET6 ? "]" :
		    "", h->port[i], cert != NULL ? "https" : "http",
		    conf->threads, h->token != NULL ? ", token" : "",
		    h->www_root != NULL ? ", dashboard" : "");
	}
	free(cert);
	free(key);
	return h;
fail:
	free(cert);
	free(key);
	http_stop(h);
	return NULL;
}

void
http_stop(struct http *h)
{
	size_t i;

	if (h == NULL)
		return;
	pthread_mutex_lock(&h->live_mu);
	h->stopping = 1;
	pthread_cond_broadcast(&h->live_cv);
	pthread_mutex_unlock(&h->live_mu);
	if (h->live_running)
		pthread_join(h->live_thread, NULL);
	/* every live stream is resumed now and ends at its next read */
	for (i = 0; i < h->nmhd; i++)
		MHD_stop_daemon(h->mhd[i]);
	if (h->key_made)
		pthread_key_delete(h->store_key);
	pthread_mutex_destroy(&h->live_mu);
	pthread_cond_destroy(&h->live_cv);
	if (h->token != NULL)
		explicit_bzero(h->token, h->toklen);
	free(h->token);
	free(h->db);
	free(h->www_root);
	free(h->cors);
	free(h);
}
