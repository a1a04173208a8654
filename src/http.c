/* http.c - the HTTP server (libmicrohttpd): limits, the token, static
 * files, and routing to the API (api.c), the counters (metrics.c) and the
 * live stream (live.c). */

#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

#include "api.h"
#include "buf.h"
#include "conf.h"
#include "http.h"
#include "http_files.h"
#include "live.h"
#include "log.h"
#include "metrics.h"
#include "rdns.h"
#include "render.h"
#include "store.h"
#include "timefmt.h"
#include "worker.h"

/*
 * Limits on a request before any work: the URL with its arguments, the
 * headers, the arguments' count.  libmicrohttpd's own memory limit sits
 * above them, so ours answer first, with a JSON body.
 */
#define HTTP_MAX_URL		8192
#define HTTP_MAX_HEADERS	16384
/*
 * libmicrohttpd keeps each argument of the URL as a record in the
 * connection's pool (about 56 bytes): a URL of HTTP_MAX_URL bytes of
 * "a=&" arguments needs some 150 KiB before our 414 can answer it, so the
 * pool is 256 KiB (times max_connections at most).
 */
#define HTTP_MEMORY_LIMIT	(256 * 1024)
#define HTTP_MAX_FILE		(64 * 1024 * 1024)
/* How often the header deadline is looked at (ms). */
#define HTTP_REAP_MS		500
/*
 * Data route queries one server takes at a time, per query worker:
 * running and waiting together.  A query is the route's whole answer (the
 * SQL, the reduction, a layout), from milliseconds to seconds; a client
 * behind more than three others per worker would wait several answers'
 * time, so it is better told at once to come back (503, Retry-After: 1).
 * A waiting query holds little of its own (its reply, some 1.5 KiB); its
 * connection's buffer pool is bounded by max_connections anyway.
 */
#define HTTP_JOBS_PER_WORKER	4

/*
 * One open connection, from libmicrohttpd's "started" notice to its
 * "closed" one (which comes before it closes the socket, so fd is ours to
 * shut down while the record is listed).  waiting: no request's headers
 * are whole yet, since `since' (the connection, or the previous answer).
 */
struct http_conn {
	LIST_ENTRY(http_conn)	 entry;
	int			 fd;
	struct sockaddr_storage	 addr;
	int64_t			 since;		/* ms, monotonic */
	int			 waiting;
	int			 cut;
};

/*
 * One data route's request, handed from a libmicrohttpd thread to a
 * query worker while its connection is suspended.  a points into the
 * connection's memory, which stays while the connection is suspended.
 * The worker fills r and resumes the connection; from then on the job is
 * the libmicrohttpd thread's, which answers from r and frees
 * it (http_handler, or http_completed when the client went first).
 */
struct http_job {
	STAILQ_ENTRY(http_job)	 entry;
	struct MHD_Connection	*conn;
	const struct api_route	*rt;
	struct api_args		 a;
	struct api_reply	 r;
};

struct http {
	struct MHD_Daemon	*mhd[CONFIG_MAX_LISTEN];
	unsigned		 port[CONFIG_MAX_LISTEN];
	size_t			 nmhd;
	char			*db;
	char			*www_root;	/* realpath, or NULL */
	char			*cors;
	char			*token;
	size_t			 toklen;
	pthread_key_t		 store_key;
	int			 key_made;
	struct metrics		*metrics;
	struct live		*live;
	struct rdns		*rdns;		/* [names] reverse_dns; NULL: off */

	/* the open connections, for per_ip_connections and header_timeout */
	pthread_mutex_t		 conn_mu;
	pthread_cond_t		 conn_cv;
	LIST_HEAD(, http_conn)	 conns;
	unsigned		 per_ip;
	int64_t			 header_ms;
	pthread_t		 reaper;
	int			 reaper_made;
	int			 stopping;

	/* what the API reads from the config; swapped by http_reload */
	pthread_mutex_t		 conf_mu;
	struct api_conf		*conf;

	/* the data routes' query workers and their queue */
	pthread_mutex_t		 job_mu;
	pthread_cond_t		 job_cv;
	STAILQ_HEAD(, http_job)	 jobs;		/* waiting */
	size_t			 njobs;		/* running or waiting */
	size_t			 maxjobs;
	pthread_t		*workers;
	size_t			 nworkers;	/* started */
	int			 jobs_stopping;
	int64_t			 busy_said;	/* ms: the last "full" logged */
};

/* --- small helpers ------------------------------------------------------ */

/*
 * The configuration a request works with: a reference taken under the
 * lock, so a reload can swap in a new one while older requests finish
 * with theirs.
 */
static struct api_conf *
http_conf_get(struct http *h)
{
	struct api_conf *c;

	pthread_mutex_lock(&h->conf_mu);
	c = h->conf;
	c->refs++;
	pthread_mutex_unlock(&h->conf_mu);
	return c;
}

static void
http_conf_put(struct http *h, struct api_conf *c)
{
	int last;

	pthread_mutex_lock(&h->conf_mu);
	last = --c->refs == 0;
	pthread_mutex_unlock(&h->conf_mu);
	if (last)
		api_conf_free(c);
}

int
http_reload(struct http *h, const struct config *conf, char *err,
    size_t errlen)
{
	struct api_conf *c, *old;

	if ((c = api_conf_new(conf, err, errlen)) == NULL)
		return -1;
	c->refs = 1;
	c->rdns = h->rdns;	/* kept across reloads, with its cache */
	render_cache_size(conf->picture_cache);
	pthread_mutex_lock(&h->conf_mu);
	old = h->conf;
	h->conf = c;
	pthread_mutex_unlock(&h->conf_mu);
	if (old != NULL)
		http_conf_put(h, old);
	return 0;
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
	struct api_args *a = cls;

	size_t i;

	(void)kind;
	if (a->n == API_MAX_ARGS) {
		a->toomany = 1;
		return MHD_NO;
	}
	/* a parameter given twice is an error, not last-wins */
	for (i = 0; i < a->n && a->dup == NULL; i++)
		if (strcmp(a->name[i], key) == 0)
			a->dup = a->name[i];
	a->name[a->n] = key;
	a->value[a->n] = value != NULL ? value : "";
	a->bytes += strlen(key) + strlen(a->value[a->n]) + 2;
	a->n++;
	return MHD_YES;
}

/*
 * %XX decoding of the URL and its arguments, but for %00: a NUL would cut
 * the path or a value short without a word ("/index.html%00.png" would be
 * /index.html), so it stays as the three characters it was, which match
 * no file and no parameter value.
 */
static size_t
http_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *r = s, *w = s, hex[3] = { 0, 0, 0 };
	unsigned long v;
	char *end;

	(void)cls;
	(void)conn;
	while (*r != '\0') {
		if (r[0] == '%' && r[1] != '\0' && r[2] != '\0') {
			hex[0] = r[1];
			hex[1] = r[2];
			v = strtoul(hex, &end, 16);
			if (*end == '\0' && v != 0) {
				*w++ = (char)v;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
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

/* --- connections: per address, and the header deadline ------------------ */

static int64_t
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether two client addresses are the same host (the port aside). */
static int
http_same_host(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (a->sa_family != b->ss_family)
		return 0;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr,
		    sizeof(struct in_addr)) == 0;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr,
		    sizeof(struct in6_addr)) == 0;
	return 0;
}

/*
 * Before a connection is taken: refuse an address that holds
 * per_ip_connections already (counted).  A walk of the list: it holds at
 * most max_connections records.  libmicrohttpd's own per-address limit
 * closes the socket without telling us, so it is not used.
 */
static enum MHD_Result
http_accept(void *cls, const struct sockaddr *sa, socklen_t salen)
{
	struct http *h = cls;
	struct http_conn *c;
	unsigned n = 0;

	(void)salen;
	if (h->per_ip == 0)
		return MHD_YES;
	pthread_mutex_lock(&h->conn_mu);
	for (c = LIST_FIRST(&h->conns); c != NULL && n < h->per_ip;
	    c = LIST_NEXT(c, entry))
		if (http_same_host(sa, &c->addr))
			n++;
	pthread_mutex_unlock(&h->conn_mu);
	if (n < h->per_ip)
		return MHD_YES;
	metrics_conn(h->metrics, METRICS_CONN_REJECTED);
	return MHD_NO;
}

static void
http_notify_conn(void *cls, struct MHD_Connection *conn,
    void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	struct http *h = cls;
	struct http_conn *c = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		/* out of memory: the connection is served, but untracked */
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			log_warnx("http: out of memory: a connection goes "
			    "without a header deadline");
			return;
		}
		c->fd = -1;
		if ((ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL)
			c->fd = ci->connect_fd;
		if ((ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS)) != NULL &&
		    ci->client_addr != NULL)
			memcpy(&c->addr, ci->client_addr,
			    ci->client_addr->sa_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in));
		c->since = http_now_ms();
		c->waiting = 1;
		pthread_mutex_lock(&h->conn_mu);
		LIST_INSERT_HEAD(&h->conns, c, entry);
		pthread_mutex_unlock(&h->conn_mu);
		*socket_context = c;
		metrics_conn(h->metrics, METRICS_CONN_OPENED);
		return;
	}
	if (c == NULL)
		return;
	pthread_mutex_lock(&h->conn_mu);
	LIST_REMOVE(c, entry);
	pthread_mutex_unlock(&h->conn_mu);
	free(c);
	*socket_context = NULL;
	metrics_conn(h->metrics, METRICS_CONN_CLOSED);
}

/* waiting 0: a request's headers are whole; 1: the next one's clock runs */
static void
http_conn_mark(struct http *h, struct MHD_Connection *conn, int waiting)
{
	const union MHD_ConnectionInfo *ci;
	struct http_conn *c;

	if ((ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT)) == NULL ||
	    (c = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&h->conn_mu);
	c->waiting = waiting;
	c->since = http_now_ms();
	pthread_mutex_unlock(&h->conn_mu);
}

/*
 * A request's end.  *con_cls is h, or a data route's job when the client
 * went before its answer: the worker has resumed the connection, so the
 * job is done and nobody else holds it.
 */
static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http *h = cls;
	struct http_job *j;

	(void)toe;
	if (con_cls != NULL && *con_cls != NULL && *con_cls != h) {
		j = *con_cls;
		*con_cls = NULL;
		buf_free(&j->r.body);
		free(j);
	}
	http_conn_mark(h, conn, 1);
}

/*
 * The header deadline: libmicrohttpd's timeout is an idle one, reset by
 * every byte, so a client trickling a header line now and then would
 * hold its slot for ever.  Twice a second, a connection still waiting
 * for whole headers header_timeout after it began is shut down; its
 * worker then sees the end of the stream and frees the slot.
 *
 * A waiting connection whose client has gone is shut down too: slots
 * must come back as soon as slow clients leave, and libmicrohttpd 0.9.75
 * was seen to miss the end of stream on connections it took from a full
 * listen queue (they sat in CLOSE-WAIT until a timeout).
 */
static void *
http_reaper(void *arg)
{
	struct http *h = arg;
	struct http_conn *c;
	struct timespec ts;
	int64_t now;

	worker_background("ipg-reaper");
	pthread_mutex_lock(&h->conn_mu);
	while (!h->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += HTTP_REAP_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&h->conn_cv, &h->conn_mu, &ts);
		now = http_now_ms();
		LIST_FOREACH(c, &h->conns, entry) {
			struct pollfd pfd;

			if (!c->waiting || c->cut || c->fd < 0)
				continue;
			/* gone by itself: no timeout */
			pfd.fd = c->fd;
			pfd.events = POLLRDHUP;
			pfd.revents = 0;
			if (poll(&pfd, 1, 0) == 1 && (pfd.revents &
			    (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
				c->cut = 1;
				shutdown(c->fd, SHUT_RDWR);
				continue;
			}
			if (now - c->since >= h->header_ms) {
				c->cut = 1;
				shutdown(c->fd, SHUT_RDWR);
				metrics_conn(h->metrics, METRICS_CONN_TIMEOUT);
			}
		}
	}
	pthread_mutex_unlock(&h->conn_mu);
	return NULL;
}

/* --- static files ------------------------------------------------------- */

static const struct {
	const char	*ext;
	const char	*mime;
} http_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".htm", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".map", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".ico", "image/vnd.microsoft.icon" },
	{ ".woff2", "font/woff2" },
	{ NULL, "application/octet-stream" }
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
 * Answers of the API are gzipped (zlib's fastest level: a big edges.json
 * shrinks about tenfold for a few milliseconds) when the client accepts
 * gzip, the type is text and the body is longer than a packet.
 */
#define HTTP_GZIP_MIN	1400

/* Whether the request accepts gzip (and does not refuse it with q=0). */
static int
http_accepts_gzip(struct MHD_Connection *conn)
{
	const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);

	return ae != NULL && http_header_has(ae, "gzip");
}

/*
 * Whether a type compresses: text, JSON, SVG, XML, JavaScript (static
 * files and API answers alike).
 */
static int
http_mime_text(const char *mime)
{
	return strncmp(mime, "text/", 5) == 0 || strstr(mime, "json") !=
	    NULL || strstr(mime, "xml") != NULL || strstr(mime,
	    "javascript") != NULL;
}

/*
 * Replace body by its gzip when the request accepts gzip and the result
 * is smaller: 1 when replaced, 0 when left as it was.
 */
static int
http_gzip_reply(struct MHD_Connection *conn, struct buf *body)
{
	struct buf z = BUF_INIT;

	if (!http_accepts_gzip(conn))
		return 0;
	if (buf_gzip(body->data, body->len, 1, &z) < 0 ||
	    z.len >= body->len) {
		buf_free(&z);
		return 0;
	}
	buf_free(body);
	*body = z;
	return 1;
}

/*
 * A file under the www root.  The decoded path must have no "..", "."
 * or empty segments and no backslash; the resolved file must then lie
 * under the resolved root (a symbolic link pointing out is refused too).
 */
static struct MHD_Response *
http_do_static(struct http *h, struct MHD_Connection *conn, const char *url,
    struct api_reply *r)
{
	struct MHD_Response *resp = NULL;
	char path[PATH_MAX], real[PATH_MAX], etag[96], lm[64];
	const char *seg, *ext, *mime, *inm, *ims;
	struct stat sb;
	struct tm tm;
	size_t i, n, rootlen;
	int fd = -1, gz = 0, compress;
	struct buf raw = BUF_INIT, z = BUF_INIT;
	ssize_t got;

	if (h->www_root == NULL) {
		api_error(r, 404, NULL, "%s: no such route (this server has "
		    "no www_root; the API is under /api/v1/)", url);
		return NULL;
	}
	for (seg = url; *seg == '/'; ) {
		seg++;
		n = strcspn(seg, "/");
		if ((n == 2 && strncmp(seg, "..", 2) == 0) ||
		    (n == 1 && seg[0] == '.') || (n == 0 && seg[0] == '/') ||
		    memchr(seg, '\\', n) != NULL) {
			api_error(r, 404, NULL, "%s: no such file", url);
			return NULL;
		}
		seg += n;
	}
	if (snprintf(path, sizeof(path), "%s%s%s", h->www_root, url,
	    url[strlen(url) - 1] == '/' ? "index.html" : "") >=
	    (int)sizeof(path) || realpath(path, real) == NULL) {
		api_error(r, 404, NULL, "%s: no such file", url);
		return NULL;
	}
	rootlen = strlen(h->www_root);
	if (strncmp(real, h->www_root, rootlen) != 0 || real[rootlen] != '/') {
		api_error(r, 404, NULL, "%s: no such file", url);
		return NULL;
	}
	if (stat(real, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* a folder without its slash: send the browser there */
		api_error(r, 404, NULL, "%s: a folder (try %s/)", url, url);
		return NULL;
	}
	/* not blocking: a FIFO (or a device) under the root must not hold a
	 * worker; it is no regular file and so a 404 */
	if ((fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 ||
	    fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > HTTP_MAX_FILE) {
		if (fd >= 0)
			close(fd);
		api_error(r, 404, NULL, "%s: no such file", url);
		return NULL;
	}
	ext = strrchr(real, '.');
	for (i = 0; http_types[i].ext != NULL; i++)
		if (ext != NULL && strcasecmp(ext, http_types[i].ext) == 0)
			break;
	mime = http_types[i].mime;
	compress = http_mime_text(mime) && sb.st_size > 256;
	gz = compress && http_accepts_gzip(conn);
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
		    buf_gzip(raw.data != NULL ? raw.data : "", raw.len, 6,
		    &z) < 0) {
			buf_free(&raw);
			buf_free(&z);
			api_error(r, 503, NULL, "%s: cannot read the file",
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
		api_error(r, 503, NULL, "out of memory");
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


/* --- the query workers -------------------------------------------------- */

/*
 * The data routes are answered off libmicrohttpd's threads: one of those
 * holds every connection it took, so a query of seconds there would hold
 * /healthz, /metrics and the dashboard's files on it for as long.  Each
 * worker reads through its own store (http_store: the key's destructor
 * closes it when the worker ends).
 */
static void
http_job_run(struct http *h, struct http_job *j)
{
	struct api_conf *conf;
	struct store *st;
	char err[1024];

	if ((st = http_store(h, err, sizeof(err))) == NULL) {
		api_error(&j->r, 503, NULL, "database: %s", err);
		return;
	}
	conf = http_conf_get(h);
	api_data(conf, st, j->rt, &j->a, &j->r);
	http_conf_put(h, conf);
}

static void *
http_worker(void *arg)
{
	struct http *h = arg;
	struct MHD_Connection *conn;
	struct http_job *j;

	worker_background("ipg-http");
	for (;;) {
		pthread_mutex_lock(&h->job_mu);
		while (STAILQ_EMPTY(&h->jobs) && !h->jobs_stopping)
			pthread_cond_wait(&h->job_cv, &h->job_mu);
		if ((j = STAILQ_FIRST(&h->jobs)) == NULL) {
			/* stopping, and http_jobs_stop took what waited */
			pthread_mutex_unlock(&h->job_mu);
			break;
		}
		STAILQ_REMOVE_HEAD(&h->jobs, entry);
		pthread_mutex_unlock(&h->job_mu);
		http_job_run(h, j);
		conn = j->conn;
		pthread_mutex_lock(&h->job_mu);
		h->njobs--;
		pthread_mutex_unlock(&h->job_mu);
		metrics_query(h->metrics, METRICS_QUERY_OUT);
		/* j is the connection's thread's from here: not touched */
		MHD_resume_connection(conn);
	}
	return NULL;
}

/* The answer to a query the server will not run: it is stopping. */
static void
http_job_stopping(struct http_job *j)
{
	api_error(&j->r, 503, NULL, "%s: the server is stopping; try again "
	    "in a moment", j->rt->path);
	j->r.retry_after = 1;
}

/*
 * Hand j (a data route of j->conn, on that connection's libmicrohttpd
 * thread) to the workers: 0 with the connection suspended until a worker
 * has filled j->r, or -1 with j->r a 503 to answer now (the queue is
 * full, or the server stops).  The connection is suspended before the
 * job is listed, so no worker resumes it before that.
 */
static int
http_job_add(struct http *h, struct http_job *j)
{
	size_t n;
	int stopping, say = 0;
	int64_t now;

	pthread_mutex_lock(&h->job_mu);
	if (h->jobs_stopping || h->njobs >= h->maxjobs) {
		n = h->njobs;
		stopping = h->jobs_stopping;
		/* in the log at most once a minute; every one in /metrics */
		now = http_now_ms();
		if (!stopping && (h->busy_said == 0 ||
		    now - h->busy_said >= 60000)) {
			h->busy_said = now;
			say = 1;
		}
		pthread_mutex_unlock(&h->job_mu);
		if (say)
			log_warnx("http: %zu queries are running or waiting, "
			    "as many as %zu query threads take: data requests "
			    "get 503 (counted in "
			    "ipgraph_http_queries_busy_total); raise [http] "
			    "threads if this lasts", n, h->nworkers);
		if (stopping)
			http_job_stopping(j);
		else {
			api_error(&j->r, 503, NULL, "%s: %zu queries are "
			    "running or waiting, the most this server takes "
			    "(%d for each of its %zu query threads); try "
			    "again, or raise [http] threads (serve "
			    "--threads)", j->rt->path, n,
			    HTTP_JOBS_PER_WORKER, h->nworkers);
			metrics_query(h->metrics, METRICS_QUERY_BUSY);
		}
		j->r.retry_after = 1;
		return -1;
	}
	h->njobs++;	/* the place is ours while the connection stops */
	pthread_mutex_unlock(&h->job_mu);
	metrics_query(h->metrics, METRICS_QUERY_IN);
	MHD_suspend_connection(j->conn);
	pthread_mutex_lock(&h->job_mu);
	if (h->jobs_stopping) {
		/* http_jobs_stop came between: it will not see this one */
		h->njobs--;
		pthread_mutex_unlock(&h->job_mu);
		metrics_query(h->metrics, METRICS_QUERY_OUT);
		http_job_stopping(j);
		MHD_resume_connection(j->conn);
		return 0;
	}
	STAILQ_INSERT_TAIL(&h->jobs, j, entry);
	pthread_cond_signal(&h->job_cv);
	pthread_mutex_unlock(&h->job_mu);
	return 0;
}

/*
 * Before libmicrohttpd stops (it refuses to with a connection
 * suspended): queries not started are answered 503 and their
 * connections resumed, running ones finish and resume theirs, and the
 * workers end.
 */
static void
http_jobs_stop(struct http *h)
{
	struct http_job *j, *next;
	struct MHD_Connection *conn;
	size_t i;

	pthread_mutex_lock(&h->job_mu);
	h->jobs_stopping = 1;
	j = STAILQ_FIRST(&h->jobs);
	STAILQ_INIT(&h->jobs);
	for (next = j; next != NULL; next = STAILQ_NEXT(next, entry))
		h->njobs--;
	pthread_cond_broadcast(&h->job_cv);
	pthread_mutex_unlock(&h->job_mu);
	for (; j != NULL; j = next) {
		next = STAILQ_NEXT(j, entry);
		http_job_stopping(j);
		conn = j->conn;
		metrics_query(h->metrics, METRICS_QUERY_OUT);
		MHD_resume_connection(conn);
	}
	for (i = 0; i < h->nworkers; i++)
		pthread_join(h->workers[i], NULL);
	h->nworkers = 0;
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

static void
http_add_common(const struct http *h, struct MHD_Response *resp,
    const struct api_reply *r)
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
	if (r->cursor[0] != '\0') {
		MHD_add_response_header(resp, "X-Next-Cursor", r->cursor);
		if (r->feed_more != NULL)
			MHD_add_response_header(resp, "X-Feed-More",
			    r->feed_more);
		if (r->feed_lost)
			MHD_add_response_header(resp, "X-Feed-Lost", "yes");
		if (h->cors != NULL)
			MHD_add_response_header(resp,
			    "Access-Control-Expose-Headers", "X-Next-Cursor, "
			    "X-Feed-More, X-Feed-Lost, X-Ipgraph-Note");
	}
	if (r->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->retry_after > 0) {
		char s[16];

		snprintf(s, sizeof(s), "%u", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, s);
	}
}

/* The route's Content-Type and Content-Disposition, unless r has its own. */
static void
http_reply_type(const struct api_route *rt, struct api_reply *r)
{
	if (r->mime == NULL && api_route_mime(rt) != NULL) {
		r->mime = api_route_mime(rt);
		snprintf(r->disposition, sizeof(r->disposition),
		    "%s; filename=\"%s\"", rt->attachment ? "attachment" :
		    "inline", rt->path[0] == '/' ? rt->path + 1 : rt->path);
	}
}

/*
 * Answer a request with resp, or when NULL with r made into a response
 * (gzipped when the client takes it); count it and log it.  On the
 * connection's libmicrohttpd thread (gzip reads its headers).  r's body
 * is taken (freed or handed to the response).
 */
static enum MHD_Result
http_answer(struct http *h, struct MHD_Connection *conn, const char *method,
    const char *url, const struct api_route *rt, struct MHD_Response *resp,
    struct api_reply *r)
{
	const struct api_route *routes;
	size_t nroutes;
	int text = 0, gz = 0;
	enum MHD_Result ret;

	if (resp == NULL) {
		if (buf_failed(&r->body))
			api_error(r, 503, NULL, "out of memory");
		text = r->mime != NULL && http_mime_text(r->mime);
		if (text && r->body.len > HTTP_GZIP_MIN)
			gz = http_gzip_reply(conn, &r->body);
		if (r->body.len == 0)
			resp = MHD_create_response_from_buffer(0, (void *)"",
			    MHD_RESPMEM_PERSISTENT);
		else {
			resp = MHD_create_response_from_buffer_with_free_callback(
			    r->body.len, r->body.data, free);
			if (resp != NULL)
				r->body.data = NULL;	/* owned by resp */
		}
		if (resp != NULL && r->mime != NULL)
			MHD_add_response_header(resp,
			    MHD_HTTP_HEADER_CONTENT_TYPE, r->mime);
		if (resp != NULL && gz)
			MHD_add_response_header(resp,
			    MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		if (resp != NULL && text)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
			    MHD_HTTP_HEADER_ACCEPT_ENCODING);
		if (resp != NULL && r->disposition[0] != '\0' &&
		    r->status == 200)
			MHD_add_response_header(resp, "Content-Disposition",
			    r->disposition);
	}
	buf_free(&r->body);
	if (resp == NULL)
		return MHD_NO;
	http_add_common(h, resp, r);
	if (r->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"ipgraph\"");
	routes = api_routes(&nroutes);
	metrics_count(h->metrics, rt != NULL ? (size_t)(rt - routes) :
	    nroutes - 1, r->status);
	/* never the Authorization header: only the method, path and status */
	log_debug("http: %s %s %u", method, url, r->status);
	ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct http *h = cls;
	struct api_reply r;
	struct api_args a;
	struct MHD_Response *resp = NULL;
	const struct api_route *rt;
	struct http_job *j;
	size_t hdrs = 0;
	int api, head;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (*con_cls == NULL)
		http_conn_mark(h, conn, 0);
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
	if (*con_cls != NULL && *con_cls != h) {
		/* resumed: a worker has answered the data route */
		j = *con_cls;
		*con_cls = h;
		http_reply_type(j->rt, &j->r);
		ret = http_answer(h, conn, method, url, j->rt, NULL, &j->r);
		free(j);
		return ret;
	}
	memset(&r, 0, sizeof(r));
	memset(&a, 0, sizeof(a));
	r.status = 200;
	rt = api_route_find(url, &api);
	r.api = api;
	head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, http_arg, &a);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, http_header_size,
	    &hdrs);

	if (strlen(url) + a.bytes > HTTP_MAX_URL || a.toomany) {
		api_error(&r, 414, NULL, "the URL is longer than %d bytes or "
		    "has more than %d parameters", HTTP_MAX_URL,
		    API_MAX_ARGS);
	} else if (hdrs > HTTP_MAX_HEADERS) {
		api_error(&r, 431, NULL, "the request headers exceed %d "
		    "bytes", HTTP_MAX_HEADERS);
	} else if (a.dup != NULL) {
		api_error(&r, 400, a.dup, "%s: given more than once (give "
		    "each parameter once)", a.dup);
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
		api_error(&r, 405, NULL, "%s: method not allowed (use GET "
		    "or HEAD)", method);
	} else if (api && (rt == NULL || rt->kind != API_HEALTHZ) &&
	    !http_token_ok(h, MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))) {
		api_error(&r, 401, NULL, "a bearer token is needed "
		    "(Authorization: Bearer TOKEN)");
	} else if (rt == NULL) {
		struct buf names = BUF_INIT;

		api_route_names(&names);
		api_error(&r, 404, NULL, "%s: no such route (the routes "
		    "under /api/v1/: %s; /api/v1/formats describes each "
		    "format)", url, buf_failed(&names) ? "" : names.data);
		buf_free(&names);
	} else {
		switch (rt->kind) {
		case API_EXPORT:
		case API_CSV:
		case API_BUNDLE:
		case API_RENDER:
		case API_SEQ:
		case API_WINDOWS:
		case API_INFO:
		case API_FEED:
		case API_NAMES:
			/* off this thread: see http_worker */
			if ((j = calloc(1, sizeof(*j))) == NULL) {
				api_error(&r, 503, NULL, "out of memory");
				break;
			}
			j->conn = conn;
			j->rt = rt;
			j->a = a;
			j->r = r;
			if (http_job_add(h, j) == 0) {
				*con_cls = j;
				return MHD_YES;
			}
			r = j->r;	/* the 503 */
			free(j);
			break;
		case API_FORMATS:
			api_formats(&a, &r);
			break;
		case API_STATS:
			if (api_no_args(&a, "stats", &r) == 0)
				metrics_stats(h->metrics, &r.body);
			break;
		case API_LIVE:
			resp = live_response(h->live, conn, &a, &r);
			break;
		case API_METRICS:
			if (api_no_args(&a, "metrics", &r) == 0)
				metrics_prometheus(h->metrics, &r.body);
			break;
		case API_HEALTHZ:
			r.status = metrics_healthz(h->metrics, &r.body);
			break;
		case API_STATIC:
			resp = http_do_static(h, conn, url, &r);
			break;
		case API_OTHER:
			break;
		}
		http_reply_type(rt, &r);
	}
	return http_answer(h, conn, method, url, rt, resp, &r);
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

int
http_listen_check(const char *s, unsigned *port, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned flags;

	if (http_parse_listen(s, &ss, &flags, err, errlen) < 0)
		return -1;
	*port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

unsigned
http_port(const struct http *h, size_t i)
{
	return h != NULL && i < h->nmhd ? h->port[i] : 0;
}

struct http *
http_start(const struct config *conf, const struct daemon_hooks *hooks,
    const struct http_files *files, char *err, size_t errlen)
{
	struct http *h;
	struct sockaddr_storage ss;
	struct MHD_OptionItem o[16];
	struct http_files own = { NULL, NULL, NULL, 0, NULL };
	const struct http_files *f = &own;
	const char *cert = NULL, *key = NULL;
	char host[INET6_ADDRSTRLEN];
	const union MHD_DaemonInfo *di;
	unsigned flags, fam;
	size_t i, k, n;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->conf_mu, NULL);
	pthread_mutex_init(&h->conn_mu, NULL);
	pthread_mutex_init(&h->job_mu, NULL);
	pthread_cond_init(&h->job_cv, NULL);
	STAILQ_INIT(&h->jobs);
	LIST_INIT(&h->conns);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&h->conn_cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	h->per_ip = conf->per_ip_connections;
	h->header_ms = (int64_t)conf->header_timeout * 1000;
	if (conf->rdns) {
		struct rdns_conf rc = { conf->rdns_timeout, conf->rdns_cache,
		    conf->rdns_server };
		char why[512];

		if ((h->rdns = rdns_new(&rc, why, sizeof(why))) == NULL) {
			snprintf(err, errlen, "[names] %s%s", strncmp(why,
			    "reverse_dns", 11) == 0 ? "" : "reverse_dns: ",
			    why);
			goto fail;
		}
	}
	if (http_reload(h, conf, err, errlen) < 0)
		goto fail;
	if ((h->metrics = metrics_new(hooks, conf->db)) == NULL ||
	    (h->db = strdup(conf->db)) == NULL ||
	    (conf->cors_origin != NULL && *conf->cors_origin != '\0' &&
	    (h->cors = strdup(conf->cors_origin)) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	metrics_set_rdns(h->metrics, h->rdns);
	/* the files: read by the caller (before dropping root), or here */
	if (files != NULL)
		f = files;
	else if (http_files_load(conf, &own, err, errlen) < 0)
		goto fail;
	if ((f->www_root != NULL &&
	    (h->www_root = strdup(f->www_root)) == NULL) ||
	    (f->token != NULL && (h->token = strdup(f->token)) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	h->toklen = f->toklen;
	cert = f->cert;
	key = f->key;
	if (pthread_key_create(&h->store_key, http_store_close) != 0) {
		snprintf(err, errlen, "pthread_key_create failed");
		goto fail;
	}
	h->key_made = 1;
	if ((h->live = live_new(hooks, err, errlen)) == NULL)
		goto fail;
	if (pthread_create(&h->reaper, NULL, http_reaper, h) != 0) {
		snprintf(err, errlen, "cannot start the header deadline's "
		    "thread (out of memory or threads?)");
		goto fail;
	}
	h->reaper_made = 1;
	/* the query workers: as many as libmicrohttpd's (threads) */
	n = conf->threads > 0 ? conf->threads : 1;
	if ((h->workers = calloc(n, sizeof(*h->workers))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	h->maxjobs = n * HTTP_JOBS_PER_WORKER;
	render_queue_size((unsigned)n);
	for (; h->nworkers < n; h->nworkers++)
		if (pthread_create(&h->workers[h->nworkers], NULL,
		    http_worker, h) != 0) {
			snprintf(err, errlen, "cannot start the query "
			    "threads (out of memory or threads?)");
			goto fail;
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
		o[k++] = (struct MHD_OptionItem){
		    MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)http_notify_conn,
		    h };
		o[k++] = (struct MHD_OptionItem){
		    MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)http_completed, h };
		o[k++] = (struct MHD_OptionItem){
		    MHD_OPTION_CONNECTION_TIMEOUT, conf->timeout, NULL };
		o[k++] = (struct MHD_OptionItem){
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT,
		    NULL };
		o[k++] = (struct MHD_OptionItem){
		    MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)http_unescape,
		    NULL };
		if (cert != NULL) {
			o[k++] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert };
			o[k++] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key };
			o[k++] = (struct MHD_OptionItem){
			    MHD_OPTION_HTTPS_PRIORITIES, 0,
			    (void *)HTTP_TLS_PRIORITIES };
			flags |= MHD_USE_TLS;
		}
		o[k++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
		h->mhd[i] = MHD_start_daemon(flags |
		    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
		    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, http_accept,
		    h, http_handler, h, MHD_OPTION_ARRAY, o,
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
	http_files_clear(&own);
	return h;
fail:
	http_files_clear(&own);
	http_stop(h);
	return NULL;
}

void
http_stop(struct http *h)
{
	size_t i;

	if (h == NULL)
		return;
	live_stop(h->live);
	http_jobs_stop(h);	/* before libmicrohttpd: no connection waits */
	for (i = 0; i < h->nmhd; i++)
		MHD_stop_daemon(h->mhd[i]);
	if (h->reaper_made) {
		pthread_mutex_lock(&h->conn_mu);
		h->stopping = 1;
		pthread_cond_signal(&h->conn_cv);
		pthread_mutex_unlock(&h->conn_mu);
		pthread_join(h->reaper, NULL);
	}
	if (h->key_made)
		pthread_key_delete(h->store_key);
	live_free(h->live);
	metrics_free(h->metrics);
	if (h->conf != NULL)
		http_conf_put(h, h->conf);
	rdns_free(h->rdns);	/* no worker is left to ask it */
	pthread_mutex_destroy(&h->conf_mu);
	pthread_mutex_destroy(&h->conn_mu);
	pthread_cond_destroy(&h->conn_cv);
	pthread_mutex_destroy(&h->job_mu);
	pthread_cond_destroy(&h->job_cv);
	free(h->workers);
	if (h->token != NULL)
		explicit_bzero(h->token, h->toklen);
	free(h->token);
	free(h->db);
	free(h->www_root);
	free(h->cors);
	free(h);
}
