/* http.h - the HTTP API, /metrics, /healthz and the dashboard's files. */
#ifndef IPGRAPH_HTTP_H
#define IPGRAPH_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct daemon_hooks;
struct http;
struct http_files;

/*
 * Start serving conf's database on every [http] listen address (port 0
 * picks a free port; the address is logged), each with a pool of
 * conf->threads libmicrohttpd threads, and conf->threads query threads
 * for the data routes, each with its own read-only store connection.  hooks (NULL for `ipgraph serve`) give the daemon's counters
 * and live document; they must outlive the server.  conf is only read
 * here: everything kept is copied, so the caller may free or reload it.
 * files are the token, TLS and dashboard files read beforehand (the
 * daemon reads them before it drops root); NULL reads them here.
 * Returns the server, or NULL with the failing step in err (a bad
 * address, a port in use, an unreadable token, key or certificate).
 */
struct http	*http_start(const struct config *conf,
		    const struct daemon_hooks *hooks,
		    const struct http_files *files, char *err, size_t errlen);

/*
 * Take what the API reads from a reloaded config ([names], max_rows,
 * max_nodes): requests that started keep the old until they end.  The
 * listen addresses, threads, token, TLS and www_root stay as started.
 * 0, or -1 with err (the old stays).
 */
int		 http_reload(struct http *, const struct config *conf,
		    char *err, size_t errlen);

/*
 * Check one [http] listen value ("127.0.0.1:8080", "[::1]:8080",
 * "*:8080", "8080") as the server will read it; sets *port.  0, or -1
 * with err.
 */
int		 http_listen_check(const char *s, unsigned *port, char *err,
		    size_t errlen);

/* The port the i-th listen address is bound to, or 0. */
unsigned	 http_port(const struct http *, size_t i);

/*
 * End live streams, answer queries still waiting with 503, let running
 * ones finish, stop every thread, close their stores.  NULL is ok.
 */
void		 http_stop(struct http *);

#endif /* IPGRAPH_HTTP_H */
