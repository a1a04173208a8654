/* query.h - (name, value) parameters to one filter, shared by every reader. */
#ifndef IPGRAPH_QUERY_H
#define IPGRAPH_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct buf;
struct names;
struct rdns;
struct sites;

/*
 * A filter is built from (name, value) string pairs, so the command line,
 * the HTTP server, sequence diagrams and the packet-event reader share one
 * parser and one set of messages:
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
 *   other         a yes/no word (query_bool): fold what top dropped into
 *                 one node called "other"
 *   metric        packets or bytes: what "heaviest" and every weight mean
 *   group         fold hosts into blocks: "/24" (IPv4), "/64" (IPv6), or
 *                 both as "/24,/64"; a single length up to 32 applies to
 *                 IPv4, a longer one to IPv6; "site" or "zone" fold hosts
 *                 into the sites or zones of the attached site file
 *                 (filter_set_sites), hosts in no site staying as they are;
 *                 "asn" or "country" into autonomous systems or countries
 *                 (asn.c, libloc), hosts the database places in none
 *                 staying as they are
 *   tier          raw, hour, day or auto (the default: raw windows when
 *                 the span has any, else the finest coarser tier that has
 *                 windows there; long spans mix hours and raw windows)
 *   max_nodes     keep at most N hosts (N >= 1): the heaviest edges are
 *                 taken while their ends fit; with other, the rest is
 *                 folded into "other"
 *   min_weight    drop (with other: fold) edges lighter than W (W >= 0)
 *   baseline_from, baseline_to
 *                 a second span (times as for from and to) the graph is
 *                 compared with: every node and edge is marked new, gone,
 *                 grown, shrunk or same (graph.h, GRAPH_CHANGE_*)
 *   baseline      the shorthand: the span shifted back by a duration
 *                 ("-1d", as a relative time); needs from
 *   change_ratio  grown when the weight is at least R times the
 *                 baseline's, shrunk when at most 1/R of it (R > 1,
 *                 default 2)
 *
 * Names are not a parameter (an HTTP client must not name server files):
 * callers attach a map with filter_set_names.
 */
enum filter_param {
	FILTER_FROM, FILTER_TO, FILTER_SRC, FILTER_DST, FILTER_HOST,
	FILTER_PAIR, FILTER_PORT, FILTER_PROTO, FILTER_SENSOR, FILTER_TOP,
	FILTER_OTHER, FILTER_METRIC, FILTER_GROUP, FILTER_TIER,
	FILTER_MAX_NODES, FILTER_MIN_WEIGHT, FILTER_BASELINE_FROM,
	FILTER_BASELINE_TO, FILTER_BASELINE, FILTER_CHANGE_RATIO,
	FILTER_NPARAMS
};

/* What a graph folds rows into: set on the filter by the exporter. */
#define QUERY_DETAIL_PORTS	0x01	/* graph.flows: per ports and proto */
#define QUERY_DETAIL_TIMES	0x02	/* graph.events: per window */
#define QUERY_DETAIL_ASN	0x04	/* nodes' asn, as_name, country */

/*
 * Window tiers: raw windows as captured, and the roll-ups (the store
 * keeps them under these numbers: store.h's STORE_TIER_* are the same).
 * Then what the tier parameter's auto means, and its mixed reading.
 */
#define QUERY_TIER_RAW		0
#define QUERY_TIER_HOUR		1
#define QUERY_TIER_DAY		2
#define QUERY_TIER_AUTO		(-1)
/*
 * Not a tier the user names: complete hours from the hour tier, the rest
 * (partial hours, hours not rolled up yet) from raw windows; graph.tier
 * says so.  See store.c, store_tier.
 */
#define QUERY_TIER_MIXED	(-2)

#define QUERY_METRIC_PACKETS	0
#define QUERY_METRIC_BYTES	1

/* Every field is read by the store and the graph; set through filter_set. */
struct filter {
	unsigned		 given;		/* 1 << FILTER_* */
	int64_t			 from_us;
	int64_t			 to_us;
	char			*from_text;	/* as given, for captions */
	char			*to_text;
	struct cidr		 src, dst, host, pair_a, pair_b;
	unsigned		 port;
	unsigned		 proto;
	char			*sensor;
	unsigned		 top;
	unsigned		 max_nodes;	/* 0: no cap */
	uint64_t		 min_weight;
	int			 other;
	int			 metric;	/* QUERY_METRIC_* */
	unsigned		 group4;	/* 32: no folding */
	unsigned		 group6;	/* 128 */
	int			 group_by;	/* FILTER_GROUP_* */
	int			 tier;		/* QUERY_TIER_AUTO or >= 0 */
	int			 detail;	/* QUERY_DETAIL_* */
	const struct names	*names;
	const struct sites	*sites;
	struct rdns		*rdns;		/* PTR names; NULL: none */
	int64_t			 baseline_from_us;
	int64_t			 baseline_to_us;
	char			*baseline_from_text;
	char			*baseline_to_text;
	int64_t			 baseline_shift_us;	/* < 0 */
	char			*baseline_text;
	int64_t			 now_us;	/* the span's end without to */
	double			 change_ratio;	/* > 1 */
};

#define FILTER_GROUP_PREFIX	0	/* group4, group6 */
#define FILTER_GROUP_SITE	1
#define FILTER_GROUP_ZONE	2
#define FILTER_GROUP_ASN	3	/* asn.c: the host's AS */
#define FILTER_GROUP_COUNTRY	4	/* asn.c: the host's country */


/* The default change_ratio. */
#define QUERY_CHANGE_RATIO	2.0

/* A new filter with nothing set; NULL when out of memory. */
struct filter	*filter_new(void);
void		 filter_free(struct filter *);

/*
 * Set one parameter.  Returns 0, or -1 with a message that starts with
 * the parameter's name in err ("top: must be at least 1").  now_us is the
 * time relative times are taken from (timefmt_now() normally).
 */
int	filter_set(struct filter *, const char *name, const char *value,
	    int64_t now_us, char *err, size_t errlen);

/* Whether name is a parameter filter_set knows. */
int	filter_known(const char *name);

/* The name of parameter i (enum filter_param), or NULL past the last. */
const char	*filter_name(int i);

/*
 * Whether name is one of top, other, group, metric, max_nodes,
 * min_weight or the baseline parameters (they shape a graph, so readers
 * of stored rows refuse them).
 */
int	filter_shaping(const char *name);

/* Whether a parameter was set. */
int	filter_has(const struct filter *, enum filter_param);

/*
 * The parameters that were set, as "name=value" words in a fixed order
 * (times as they were given, other only when yes), for captions; nothing
 * set adds nothing.
 */
void	filter_describe(const struct filter *, struct buf *out);

/*
 * Attach a site file (not copied); NULL: none.  filter_check then refuses
 * group=site or zone without one.
 */
void	filter_set_sites(struct filter *, const struct sites *);

/*
 * Whether a baseline was asked for (baseline, or baseline_from and
 * baseline_to); when so, its span (inclusive bounds) into *from, *to.
 * filter_check has checked it.
 */
int	filter_baseline(const struct filter *, int64_t *from, int64_t *to);

/* Attach a name map (not copied: it must outlive the filter); NULL: none. */
void	filter_set_names(struct filter *, const struct names *);

/*
 * Attach a reverse DNS resolver (rdns.h; not owned: it must outlive the
 * filter); NULL: none.  The graph then asks it for the hosts it shows
 * that no other source names.
 */
void	filter_set_rdns(struct filter *, struct rdns *);

/*
 * Checks that need every parameter (from after to, a baseline that
 * overlaps the span).  0, or -1 with a message naming the parameter.  The store calls it before reading.
 */
int	filter_check(const struct filter *, char *err, size_t errlen);

/*
 * Whether one packet (a sampled event) passes the row filters: span,
 * sensor, addresses, port and protocol.  Pair and tier have no meaning for
 * a single packet: filter_packet_ok says whether the filter can be applied
 * to packets at all (0 when pair or tier is set).
 */
int	filter_packet_ok(const struct filter *);
int	filter_packet(const struct filter *, int64_t ts_us, const char *sensor,
	    int ver, const uint8_t *src, const uint8_t *dst, unsigned sport,
	    unsigned dport, unsigned proto);

/*
 * The value parsers every parameter and option goes through, so the same
 * words mean the same everywhere.  Each returns 0, or -1 with a message
 * that starts with name in err.
 *
 * query_bool: yes, true, on, 1 or empty (a bare flag) for yes; no, false,
 * off, 0 for no.  query_tier: raw, hour, day, and auto when auto_ok.
 * query_time: timefmt_parse's forms.  query_uint: a whole number in
 * [lo, hi], else "NAME: 'V' is not WHAT".
 */
int	query_bool(const char *name, const char *v, int *out, char *err,
	    size_t errlen);
int	query_tier(const char *name, const char *v, int auto_ok, int *out,
	    char *err, size_t errlen);

/* The word a tier is named by: raw, hour, day, auto, mixed (or other). */
const char	*query_tier_name(int tier);
int	query_time(const char *name, const char *v, int64_t now_us,
	    int64_t *out, char *err, size_t errlen);
int	query_uint(const char *name, const char *v, unsigned long lo,
	    unsigned long hi, const char *what, unsigned long *out, char *err,
	    size_t errlen);

#endif /* IPGRAPH_QUERY_H */
