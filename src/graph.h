/* graph.h - the graph every export draws: rows folded into nodes and edges. */
#ifndef IPGRAPH_GRAPH_H
#define IPGRAPH_GRAPH_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct filter;
struct store;

/* Node kinds besides IPv4 and IPv6 hosts or blocks. */
#define GRAPH_OTHER	0		/* "other": what a reduction folded */
#define GRAPH_SITE	7		/* a site of the site file */
#define GRAPH_ZONE	8		/* a zone of the site file */
#define GRAPH_ASN	9		/* an autonomous system (--group asn) */
#define GRAPH_COUNTRY	10		/* a country (--group country) */

/* A host, a block (with --group), a site or zone, or "other". */
struct graph_node {
	uint8_t		 ver;		/* 4, 6, or a GRAPH_* kind */
	uint8_t		 prefix;	/* 32/128 for a host */
	uint8_t		 addr[16];
	const char	*name;		/* from the name map, or NULL */
	const char	*name_source;	/* "config" (the name map), "dns",
					   "sni", "http", "rdns", "site", "asn",
					   "country", or NULL with no name */
	const char	*label;		/* name, else the address (or block) */
	const char	*addr_text;	/* address, block, "site:NAME",
					   "zone:NAME", "AS64500",
					   "country:CC" or "other" */
	const char	*colour;	/* a site's own "#rrggbb", or NULL */
	/* with QUERY_DETAIL_ASN or --group asn|country (asn.c): */
	uint32_t	 asn;		/* 0: none */
	const char	*as_name;	/* or NULL */
	char		 country[3];	/* "" when none */
	uint32_t	 members;	/* hosts folded in; 0 for a host */
	uint64_t	 out_packets;
	uint64_t	 out_bytes;
	uint64_t	 in_packets;
	uint64_t	 in_bytes;
	/* with a baseline (graph.diff): the baseline's counts, the change */
	uint64_t	 base_out_packets;
	uint64_t	 base_out_bytes;
	uint64_t	 base_in_packets;
	uint64_t	 base_in_bytes;
	int		 change;	/* GRAPH_CHANGE_* */
};

/* Everything one node sent another, over every window read. */
struct graph_edge {
	size_t		 src;		/* indices into graph.nodes */
	size_t		 dst;
	uint64_t	 packets;
	uint64_t	 bytes;
	int64_t		 first_us;
	int64_t		 last_us;
	/* with a baseline (graph.diff): the baseline's counts, the change */
	uint64_t	 base_packets;
	uint64_t	 base_bytes;
	int		 change;	/* GRAPH_CHANGE_* */
};

/*
 * Changes against a baseline, by the weight (the metric) of a node (in
 * plus out) or an edge in the span, w, and in the baseline, b: new when
 * b is 0, gone when w is 0, grown when w >= b * ratio, shrunk when
 * w * ratio <= b, else same.
 */
#define GRAPH_CHANGE_SAME	0
#define GRAPH_CHANGE_NEW	1
#define GRAPH_CHANGE_GONE	2
#define GRAPH_CHANGE_GROWN	3
#define GRAPH_CHANGE_SHRUNK	4
#define GRAPH_NCHANGES		5

/* "same", "new", "gone", "grown", "shrunk". */
const char	*graph_change_name(int change);

/*
 * QUERY_DETAIL_PORTS: one per (src, dst, proto, sport, dport).  32 bytes
 * (a long span has millions): the node indices fit 32 bits, as every
 * index of graph.c's tables does.
 */
struct graph_flow {
	uint32_t	 src;		/* indices into graph.nodes */
	uint32_t	 dst;
	unsigned	 proto;
	uint16_t	 sport;
	uint16_t	 dport;
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

/* What a query found before reduction (top, max_nodes, min_weight). */
struct graph_totals {
	size_t		 nodes;		/* hosts or blocks some edge touches */
	size_t		 edges;
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

	/* for captions: what was asked and what was found */
	struct graph_totals	 total;		/* before reduction */
	int64_t			 from_us;	/* the traffic's span, first */
	int64_t			 to_us;		/* to last packet; 0: none */
	char			*filters;	/* filter_describe, owned */
	int			 grouped;	/* nodes are blocks, sites... */

	/*
	 * A diff (the filter has a baseline): gone edges and nodes are in
	 * the graph with zero counts in the span; every node and edge has
	 * its baseline counts and a change.  The totals above are the
	 * span's.
	 */
	int			 diff;
	double			 ratio;		/* change_ratio */
	int64_t			 base_from_us;	/* the baseline asked for */
	int64_t			 base_to_us;
	uint64_t		 base_packets;	/* over the baseline's edges */
	uint64_t		 base_bytes;
	size_t			 changes[GRAPH_NCHANGES];	/* edges */
	size_t			 node_changes[GRAPH_NCHANGES];
};

/*
 * Read the rows f selects from st and build the graph: f's group, top,
 * other, metric, names and detail shape it.  Returns the graph (free with
 * graph_free), or NULL with a message in err.  An empty result is a graph
 * with no nodes, not an error.  Reads only; safe on a read-only
 * connection.  With a baseline (filter_baseline) both spans are read,
 * each shaped alike, and compared (graph_diff.c); a baseline where the
 * filters match no traffic is an error starting "baseline" (naming the
 * parameter) rather than a diff where everything is new.
 */
struct graph	*graph_build(const struct filter *f, struct store *st,
		    char *err, size_t errlen);		/* graph_diff.c */
/* The same for one span, the baseline left aside (graph.c). */
struct graph	*graph_build_span(const struct filter *f, struct store *st,
		    char *err, size_t errlen);
void		 graph_free(struct graph *);

/*
 * The caption every picture carries and every format reports: lines of
 * text (no trailing line break) saying the span in UTC, the metric, the
 * filters, and what is shown of what was found ("showing 12 of 686
 * hosts, 20 of 900 edges; 85.3% of packets").  graph_hidden says whether
 * a reduction left anything out (folded into "other" counts as shown).
 */
void		 graph_caption(const struct graph *, struct buf *out);
int		 graph_hidden(const struct graph *);
/* The "showing ..." line alone (one line). */
void		 graph_shown(const struct graph *, struct buf *out);

/* The weight of an edge (or any counts) under the graph's metric. */
uint64_t	 graph_weight(const struct graph *, uint64_t packets,
		    uint64_t bytes);

/*
 * Heaviest first under metric (QUERY_METRIC_*): -1, 0 or 1 for a before
 * b by their counts, the metric first and the other count second.  The
 * order of `ipgraph top` and of --top.
 */
int		 graph_cmp_weight(int metric, uint64_t packets_a,
		    uint64_t bytes_a, uint64_t packets_b, uint64_t bytes_b);

/*
 * The diff (graph_diff.c): cur and base built from one filter over the
 * span and the baseline, merged into a new graph (nodes and edges of
 * either, in the stable order) with the changes marked; q gives the
 * ratio, the baseline's span and the filters for the caption.  NULL when
 * out of memory.
 */
struct graph	*graph_diff(const struct graph *cur, const struct graph *base,
		    const struct filter *q);

/*
 * The stable node order: IPv4, IPv6, sites, zones, then "other"; by
 * address (or number), then block length.  -1, 0 or 1.
 */
int		 graph_node_cmp(const struct graph_node *,
		    const struct graph_node *);

/* Sort g's edges heaviest first (ties by source, then destination). */
void		 graph_sort_by_weight(struct graph *g);

#endif /* IPGRAPH_GRAPH_H */
