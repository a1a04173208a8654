/* query.h - export filters to SQL, and the graph model every export reads. */
#ifndef IPGRAPH_QUERY_H
#define IPGRAPH_QUERY_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct names;
struct store;

/*
 * A query is built from (name, value) string pairs, so the command line
 * and the HTTP server share one parser and one set of messages:
 *
 *   from, to      a time (timefmt_parse forms); windows overlapping
 *                 [from, to] are read, both bounds inclusive
 *   src, dst      an address or CIDR block, IPv4 or IPv6
 *   host          either end in the block
 *   pair          "A:B" (or "A,B", or "[A]:[B]" for IPv6): both directions
 *                 of the conversation between A and B (addresses or blocks)
 *   port          either port equals N (ICMP: type or code)
 *   proto         tcp, udp, icmp, icmpv6, sctp or a number 0-255
 *   sensor        a sensor name
 *   top           keep the N heaviest edges (N >= 1)
 *   other         yes/no (1/0, true/false, or empty = yes): fold what --top
 *                 dropped into one node called "other"
 *   metric        packets or bytes: what "heaviest" and every weight mean
 *   group         fold hosts into blocks: "/24" (IPv4), "/64" (IPv6), or
 *                 both as "/24,/64"; a single length up to 32 applies to
 *                 IPv4, a longer one to IPv6
 *   tier          raw, hour, day, a tier number, or auto (the default:
 *                 raw windows when the span has any, else the finest
 *                 coarser tier that has windows there)
 *
 * Names are not a parameter (an HTTP client must not name server files):
 * callers attach a map with query_set_names.
 */
struct query;

/* What a query folds rows into: set on the query by the exporter. */
#define QUERY_DETAIL_PORTS	0x01	/* graph.flows: per ports and proto */
#define QUERY_DETAIL_TIMES	0x02	/* graph.events: per window */

/* Tiers besides store.h's: what auto picks, and its mixed reading. */
#define QUERY_TIER_AUTO		(-1)
/*
 * Not a tier the user names: complete hours from the hour tier, the rest
 * (partial hours, hours not rolled up yet) from raw windows; graph.tier
 * says so.  See query.c, query_tier.
 */
#define QUERY_TIER_MIXED	(-2)

#define QUERY_METRIC_PACKETS	0
#define QUERY_METRIC_BYTES	1

/* A new query with no filters; NULL when out of memory. */
struct query	*query_new(void);
void		 query_free(struct query *);

/*
 * Set one parameter.  Returns 0, or -1 with a message that starts with
 * the parameter's name in err ("top: must be at least 1").  now_us is the
 * time relative times are taken from (timefmt_now() normally).
 */
int	query_set(struct query *, const char *name, const char *value,
	    int64_t now_us, char *err, size_t errlen);

/* Whether name is a parameter query_set knows. */
int	query_known(const char *name);

/* Attach a name map (not copied: it must outlive the query); NULL: none. */
void	query_set_names(struct query *, const struct names *);

/* Ask for the finer lists of the graph (QUERY_DETAIL_*). */
void	query_set_detail(struct query *, int detail);

/* The metric chosen (QUERY_METRIC_*), and whether a parameter was set. */
int	query_metric(const struct query *);
int	query_has(const struct query *, const char *name);

/*
 * Checks that need every parameter (from after to).  0, or -1 with a
 * message naming the parameter.  query_graph and query_rows call it.
 */
int	query_check(const struct query *, char *err, size_t errlen);

/* A host, a block (with --group), or the "other" node (ver 0). */
struct graph_node {
	uint8_t		 ver;		/* 4, 6, or 0 for "other" */
	uint8_t		 prefix;	/* 32/128 for a host */
	uint8_t		 addr[16];
	const char	*name;		/* from the name map, or NULL */
	const char	*label;		/* name, else the address (or block) */
	const char	*addr_text;	/* address, block, or "other" */
	uint64_t	 out_packets;
	uint64_t	 out_bytes;
	uint64_t	 in_packets;
	uint64_t	 in_bytes;
};

/* Everything one node sent another, over every window read. */
struct graph_edge {
	size_t		 src;		/* indices into graph.nodes */
	size_t		 dst;
	uint64_t	 packets;
	uint64_t	 bytes;
	int64_t		 first_us;
	int64_t		 last_us;
};

/* QUERY_DETAIL_PORTS: one per (src, dst, proto, sport, dport). */
struct graph_flow {
	size_t		 src;
	size_t		 dst;
	unsigned	 proto;
	unsigned	 sport;
	unsigned	 dport;
	uint64_t	 packets;
	uint64_t	 bytes;
};

/* QUERY_DETAIL_TIMES: one per (window, src, dst), in time order. */
struct graph_event {
	int64_t		 window_us;	/* window start */
	int64_t		 first_us;
	size_t		 src;
	size_t		 dst;
	uint64_t	 packets;
	uint64_t	 bytes;
};

/*
 * The graph: nodes in a stable order (IPv4 before IPv6, by address, then
 * block length; "other" last), edges sorted by (src, dst) index.  Flows and
 * events only refer to nodes and pairs that are edges.
 */
struct graph {
	struct graph_node	*nodes;
	size_t			 nnodes;
	struct graph_edge	*edges;
	size_t			 nedges;
	struct graph_flow	*flows;
	size_t			 nflows;
	struct graph_event	*events;
	size_t			 nevents;
	int			 metric;	/* QUERY_METRIC_* */
	int			 tier;		/* the tier that was read */
	uint64_t		 rows;		/* stored rows read */
	uint64_t		 packets;	/* totals over every edge */
	uint64_t		 bytes;
	int64_t			 first_us;	/* 0 when empty */
	int64_t			 last_us;
	char			*strings;	/* labels, owned */
};

/*
 * Run the query against st and build the graph.  Returns the graph (free
 * with graph_free), or NULL with a message in err.  An empty result is a
 * graph with no nodes, not an error.  Reads only; safe on a read-only
 * connection.
 */
struct graph	*query_graph(struct query *, struct store *st, char *err,
		    size_t errlen);
void		 graph_free(struct graph *);

/* The weight of an edge (or any counts) under the graph's metric. */
uint64_t	 graph_weight(const struct graph *, uint64_t packets,
		    uint64_t bytes);

/* One stored row that passed the filters (query_rows). */
struct query_row {
	int64_t		 window_start;	/* seconds */
	unsigned	 seconds;
	const char	*sensor;
	int		 ipver;
	unsigned	 proto;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	unsigned	 sport;
	unsigned	 dport;
	uint64_t	 packets;
	uint64_t	 bytes;
	int64_t		 first_us;	/* absolute */
	int64_t		 last_us;
	unsigned	 tcp_flags;
};

/*
 * Call cb for every stored row passing the row filters (everything but
 * top, other, group and metric, which shape a graph), ordered by window,
 * sensor and key.  cb returns non-zero to stop.  0, or -1 with err.
 */
int	query_rows(struct query *, struct store *st,
	    int (*cb)(const struct query_row *, void *), void *arg,
	    char *err, size_t errlen);

/*
 * The EXPLAIN QUERY PLAN of the row query, one step per line (for tests
 * and the benchmark: it must search windows by an index, not scan).
 */
int	query_plan(struct query *, struct store *st, struct buf *out,
	    char *err, size_t errlen);

#endif /* IPGRAPH_QUERY_H */
