/* api.h - the HTTP API's routes and data handlers: arguments in, a reply out. */
#ifndef IPGRAPH_API_H
#define IPGRAPH_API_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct config;
struct names;
struct rdns;
struct sites;
struct store;

/* Parameters one request may carry (more is a 414). */
#define API_MAX_ARGS		64

/* Stored rows one query may read, and nodes a picture may draw. */
#define API_MAX_ROWS_DEFAULT	1000000
#define API_MAX_NODES_DEFAULT	400

/* One request's arguments, as the server parsed them. */
struct api_args {
	size_t		 n;
	const char	*name[API_MAX_ARGS];
	const char	*value[API_MAX_ARGS];
	size_t		 bytes;
	int		 toomany;
	const char	*dup;		/* a name given twice, or NULL */
};

/* What a handler answers: a status, a body, and a few headers. */
struct api_reply {
	unsigned	 status;
	const char	*mime;
	struct buf	 body;
	char		 disposition[128];
	char		 note[1024];	/* X-Ipgraph-Note, when not empty */
	const char	*allow;		/* 405 */
	unsigned	 retry_after;	/* seconds, for a 503; 0: none */
	int		 api;		/* no-store, CORS */
	char		 cursor[64];	/* X-Next-Cursor, when not empty */
	const char	*feed_more;	/* X-Feed-More: yes or no */
	int		 feed_lost;	/* X-Feed-Lost: yes */
};

enum api_kind {
	API_EXPORT,	/* a graph through an export writer */
	API_CSV,	/* stored rows */
	API_BUNDLE,	/* a folder format (circos-bundle, ploticus) as .tar.gz */
	API_RENDER,	/* a folder format run through its program (ploticus) */
	API_SEQ,	/* a sequence diagram of stored rows */
	API_WINDOWS,
	API_INFO,	/* what the database holds (ipgraph info --json) */
	API_FEED,	/* stored rows in write order, by cursor (NDJSON) */
	API_NAMES,	/* names seen in the traffic (ipgraph names) */
	API_FORMATS,	/* the export routes, from the tables */
	API_STATS,
	API_LIVE,
	API_METRICS,
	API_HEALTHZ,
	API_STATIC,
	API_OTHER
};

struct api_route {
	const char	*path;		/* under /api/v1/, or absolute */
	enum api_kind	 kind;
	const char	*format;	/* export or seq format name */
	const char	*mime;		/* NULL: the export format's */
	int		 attachment;	/* Content-Disposition: attachment */
	const char	*about;		/* NULL: the export format's */
};

/* Routes the table may hold (metrics.c keeps a counter row for each). */
#define API_MAX_ROUTES		64

/*
 * Every route, in a fixed order (the index is /metrics' label): the API
 * routes, then "static" (files under the www root) and "other" (no such
 * route) last.  *n gets the count.
 */
const struct api_route *api_routes(size_t *n);

/* The route for a URL path, and whether it is an API path; NULL: none. */
const struct api_route *api_route_find(const char *url, int *api);

/* The route's Content-Type: its own, else its export format's. */
const char	*api_route_mime(const struct api_route *);

/* Whether the program an API_RENDER route runs is installed (else 1). */
int		 api_render_available(const struct api_route *);

/* "graph.dot, ...; and windows, ...": every route under /api/v1/. */
void		 api_route_names(struct buf *);

/*
 * GET /api/v1/formats: every export format with the route that serves
 * it, its Content-Type, description and parameters, then the sequence
 * diagram routes; made from the route, option and export tables.
 */
void		 api_formats(const struct api_args *, struct api_reply *);

/*
 * What the data routes take from the configuration ([names], [http]
 * max_rows and max_nodes): one config channel for ipgraphd and `ipgraph
 * serve`.  Everything is copied, so the config may be freed or reloaded.
 * NULL with err when out of memory.
 */
struct api_conf {
	struct names	*names;		/* owned; NULL: none */
	struct sites	*sites;		/* owned; NULL: none */
	struct rdns	*rdns;		/* the server's (http.c); NULL: none */
	uint64_t	 max_rows;
	unsigned	 max_nodes;
	unsigned	 refs;		/* the server's; see http.c */
	uint64_t	 gen;		/* this config of all made: memo keys */
};
struct api_conf	*api_conf_new(const struct config *, char *err,
		    size_t errlen);
void		 api_conf_free(struct api_conf *);

/*
 * A JSON error: {"error": msg, "parameter": param or null}.  A msg from
 * the filter starts with the parameter's name; that prefix is kept, it
 * reads well on its own.
 */
void	api_error(struct api_reply *, unsigned status, const char *param,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* 0 when a takes no arguments, else -1 with a 400 naming the first. */
int	api_no_args(const struct api_args *, const char *route,
	    struct api_reply *);

/*
 * Answer a data route (API_EXPORT, API_CSV, API_BUNDLE, API_RENDER,
 * API_SEQ, API_WINDOWS, API_INFO, API_FEED) from st, a read-only store.  A sensor
 * the database does not know is a 400 naming the known ones; an empty
 * result says why in the note (and in edges.json).
 */
void	api_data(const struct api_conf *, struct store *st,
	    const struct api_route *, const struct api_args *,
	    struct api_reply *);

#endif /* IPGRAPH_API_H */
