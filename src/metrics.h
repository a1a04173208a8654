/* metrics.h - the daemon's counters over HTTP: /stats, /metrics, /healthz. */
#ifndef IPGRAPH_METRICS_H
#define IPGRAPH_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct daemon_hooks;
struct metrics;

/*
 * Counters of one server.  hooks (NULL for `ipgraph serve`) give the
 * daemon's counters and must outlive it; db names the database in
 * /stats.  NULL when out of memory.
 */
struct metrics	*metrics_new(const struct daemon_hooks *hooks, const char *db);
void		 metrics_free(struct metrics *);

/* The server's reverse DNS cache, counted in /metrics; NULL: none. */
struct rdns;
void	metrics_set_rdns(struct metrics *, struct rdns *);

/* Count one answer of route (api_routes' index) with status; any thread. */
void	metrics_count(struct metrics *, size_t route, unsigned status);

/* The server's connections: what happened to one (any thread). */
enum metrics_conn {
	METRICS_CONN_OPENED,	/* accepted */
	METRICS_CONN_CLOSED,	/* gone, for whatever reason */
	METRICS_CONN_REJECTED,	/* over per_ip_connections */
	METRICS_CONN_TIMEOUT	/* headers not whole by header_timeout */
};
void	metrics_conn(struct metrics *, enum metrics_conn);

/* The data routes' queries (http.c's queue): what happened to one. */
enum metrics_query {
	METRICS_QUERY_IN,	/* taken: running or waiting */
	METRICS_QUERY_OUT,	/* answered (or refused as the server stops) */
	METRICS_QUERY_BUSY	/* refused: the queue was full (503) */
};
void	metrics_query(struct metrics *, enum metrics_query);

/* The bodies: /api/v1/stats (JSON), /metrics (Prometheus text). */
void	metrics_stats(const struct metrics *, struct buf *);
void	metrics_prometheus(const struct metrics *, struct buf *);

/* /healthz: its JSON body into b; returns the status, 200 or 503. */
unsigned metrics_healthz(const struct metrics *, struct buf *b);

#endif /* IPGRAPH_METRICS_H */
