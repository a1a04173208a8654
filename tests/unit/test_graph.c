/* test_graph.c - unit tests for the graph: rows folded into nodes and edges
 * under every filter, top, group and names, the tier read, the plan. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "addr.h"
#include "buf.h"
#include "graph.h"
#include "names.h"
#include "query.h"
#include "store.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define T0		1232064000LL	/* 2009-01-16T00:00:00Z */

/*
 * The fixture: a database written through the store's own schema, with
 * rows inserted by hand so every count below is known by construction.
 *
 *   window T0 (60 s, sensor a)
 *     10.0.0.1    -> 10.0.0.2     tcp 1234->80    10 pkts  1000 B
 *     10.0.0.2    -> 10.0.0.1     tcp 80->1234     8 pkts  4000 B
 *     10.0.1.5    -> 10.0.0.2     udp 53->53       3 pkts   300 B
 *     2001:db8::1 -> 2001:db8::2  tcp 40000->443   5 pkts   500 B
 *   window T0+60 (60 s, sensor b)
 *     10.0.0.1    -> 10.0.0.2     tcp 1234->80     2 pkts   200 B
 *     192.168.1.1 -> 10.0.0.1     icmp 8/0         1 pkt     84 B
 *     2001:db8:1::9 -> 2001:db8::1 udp 5000->6000  4 pkts   400 B
 *   window T0+7200 (3600 s, sensor a, tier 1 only)
 *     10.9.9.9    -> 10.9.9.8     tcp 1->2         7 pkts   700 B
 */
struct row {
	int		 w;	/* window index */
	const char	*src, *dst;
	int		 proto, sport, dport;
	int		 packets, bytes;
};

static const struct row rows[] = {
	{ 0, "10.0.0.1", "10.0.0.2", 6, 1234, 80, 10, 1000 },
	{ 0, "10.0.0.2", "10.0.0.1", 6, 80, 1234, 8, 4000 },
	{ 0, "10.0.1.5", "10.0.0.2", 17, 53, 53, 3, 300 },
	{ 0, "2001:db8::1", "2001:db8::2", 6, 40000, 443, 5, 500 },
	{ 1, "10.0.0.1", "10.0.0.2", 6, 1234, 80, 2, 200 },
	{ 1, "192.168.1.1", "10.0.0.1", 1, 8, 0, 1, 84 },
	{ 1, "2001:db8:1::9", "2001:db8::1", 17, 5000, 6000, 4, 400 },
	{ 2, "10.9.9.9", "10.9.9.8", 6, 1, 2, 7, 700 },
};

static char dbpath[64] = "/tmp/test_query.XXXXXX";

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int
setup(void **state)
{
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *s;
	uint8_t b[16];
	char err[512];
	size_t i;
	int fd, ver;

	if ((fd = mkstemp(dbpath)) < 0)
		return -1;
	close(fd);
	unlink(dbpath);
	if ((st = store_open(dbpath, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	/* the schema is the store's; the rows go in through a connection
	 * of the test's own */
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_ok(db, "INSERT INTO sensors (id, name) VALUES (1, 'a'), (2, 'b')");
	exec_ok(db, "INSERT INTO windows (id, sensor_id, tier, seconds, start)"
	    " VALUES (1, 1, 0, 60, 1232064000), (2, 2, 0, 60, 1232064060),"
	    " (3, 1, 1, 3600, 1232071200)");
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO edges (window_id,"
	    " proto, src, dst, sport, dport, packets, bytes, first_us,"
	    " last_us, tcp_flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1000,"
	    " 2000, 0)", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < NELEM(rows); i++) {
		sqlite3_bind_int(s, 1, rows[i].w + 1);
		sqlite3_bind_int(s, 2, rows[i].proto);
		assert_int_equal(addr_parse(rows[i].src, &ver, b), 0);
		sqlite3_bind_blob(s, 3, b, ver == 4 ? 4 : 16, SQLITE_TRANSIENT);
		assert_int_equal(addr_parse(rows[i].dst, &ver, b), 0);
		sqlite3_bind_blob(s, 4, b, ver == 4 ? 4 : 16, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 5, rows[i].sport);
		sqlite3_bind_int(s, 6, rows[i].dport);
		sqlite3_bind_int(s, 7, rows[i].packets);
		sqlite3_bind_int(s, 8, rows[i].bytes);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	/* what store_write_window folds in C, here in SQL */
	exec_ok(db, "INSERT INTO pairs SELECT window_id, src, dst,"
	    " sum(packets), sum(bytes), min(first_us), max(last_us)"
	    " FROM edges GROUP BY window_id, src, dst");
	sqlite3_close(db);
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	char wal[80];

	store_close(*state);
	unlink(dbpath);
	snprintf(wal, sizeof(wal), "%s-wal", dbpath);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", dbpath);
	unlink(wal);
	return 0;
}

/* Run a query given as name=value pairs; NULL-terminated. */
static struct graph *
run(struct store *st, const char *const *kv, const struct names *nm,
    int detail)
{
	struct filter *q = filter_new();
	struct graph *g;
	char err[512];

	assert_non_null(q);
	for (; kv != NULL && kv[0] != NULL; kv += 2)
		if (filter_set(q, kv[0], kv[1], (T0 + 86400) * 1000000, err,
		    sizeof(err)) < 0)
			fail_msg("%s=%s: %s", kv[0], kv[1], err);
	filter_set_names(q, nm);
	q->detail = detail;
	g = graph_build(q, st, err, sizeof(err));
	if (g == NULL)
		fail_msg("query: %s", err);
	filter_free(q);
	return g;
}

static long
find_edge(const struct graph *g, const char *src, const char *dst)
{
	size_t i;

	for (i = 0; i < g->nedges; i++)
		if (strcmp(g->nodes[g->edges[i].src].addr_text, src) == 0 &&
		    strcmp(g->nodes[g->edges[i].dst].addr_text, dst) == 0)
			return (long)i;
	return -1;
}

static void
test_whole(void **state)
{
	struct graph *g = run(*state, NULL, NULL, 0);
	long e;
	size_t i;

	assert_int_equal(g->tier, 0);
	assert_int_equal(g->nnodes, 7);
	assert_int_equal(g->nedges, 6);
	assert_int_equal(g->packets, 33);
	assert_int_equal(g->bytes, 6484);
	e = find_edge(g, "10.0.0.1", "10.0.0.2");
	assert_true(e >= 0);
	assert_int_equal(g->edges[e].packets, 12);
	assert_int_equal(g->edges[e].bytes, 1200);
	assert_int_equal(g->edges[e].first_us, T0 * 1000000 + 1000);
	assert_int_equal(g->edges[e].last_us, (T0 + 60) * 1000000 + 2000);
	/* Stable order: IPv4 by address, then IPv6. */
	assert_string_equal(g->nodes[0].addr_text, "10.0.0.1");
	assert_string_equal(g->nodes[3].addr_text, "192.168.1.1");
	assert_string_equal(g->nodes[4].addr_text, "2001:db8::1");
	for (i = 1; i < g->nedges; i++)
		assert_true(g->edges[i - 1].src < g->edges[i].src ||
		    (g->edges[i - 1].src == g->edges[i].src &&
		    g->edges[i - 1].dst < g->edges[i].dst));
	/* Node totals add up to the edges'. */
	assert_int_equal(g->nodes[0].out_packets, 12);
	assert_int_equal(g->nodes[0].in_packets, 9);
	graph_free(g);
}

/* Each filter, the number of edges it leaves, and their packets. */
static const struct {
	const char	*kv[8];
	size_t		 nedges;
	uint64_t	 packets;
} filters[] = {
	{ { "to", "2009-01-16T00:00:30Z", NULL }, 4, 26 },
	/*
	 * From 00:01 to now is a long span: the complete hour 02:00 comes from
	 * the hour tier (7 packets there), the rest from raw windows.
	 */
	{ { "from", "2009-01-16T00:01:00Z", NULL }, 4, 14 },
	{ { "from", "2009-01-16T00:01:00Z", "to", "2009-01-16T01:00:00Z" },
	    3, 7 },
	/* Both bounds inclusive: a bound on a window's first instant. */
	{ { "to", "1232064060", NULL }, 6, 33 },
	{ { "from", "1232064059.999999", "to", "1232064059.999999", NULL },
	    4, 26 },
	{ { "from", "2009-1-16-00-01-00", "to", "2009-1-16-00-01-00", NULL },
	    3, 7 },
	{ { "src", "10.0.0.0/24", NULL }, 2, 20 },
	{ { "src", "10.0.0.2", NULL }, 1, 8 },
	{ { "dst", "2001:db8::/64", NULL }, 2, 9 },
	{ { "dst", "2001:db8::2", NULL }, 1, 5 },
	{ { "src", "2001:db8::/32", NULL }, 2, 9 },
	{ { "src", "0.0.0.0/0", NULL }, 4, 24 },
	{ { "host", "10.0.1.5", NULL }, 1, 3 },
	{ { "host", "10.0.0.1", NULL }, 3, 21 },
	{ { "host", "2001:db8:1::/48", NULL }, 1, 4 },
	{ { "port", "80", NULL }, 2, 20 },
	{ { "port", "8", NULL }, 1, 1 },
	{ { "proto", "udp", NULL }, 2, 7 },
	{ { "proto", "1", NULL }, 1, 1 },
	{ { "sensor", "b", NULL }, 3, 7 },
	{ { "sensor", "nosuch", NULL }, 0, 0 },
	{ { "pair", "10.0.0.1:10.0.0.2", NULL }, 2, 20 },
	{ { "pair", "10.0.0.2,10.0.0.1", NULL }, 2, 20 },
	{ { "pair", "[2001:db8::2]:[2001:db8::1]", NULL }, 1, 5 },
	{ { "pair", "10.0.0.0/16:192.168.0.0/16", NULL }, 1, 1 },
	{ { "src", "10.0.0.0/8", "proto", "tcp", "port", "1234" }, 2, 20 },
	{ { "to", "2000-01-01", NULL }, 0, 0 },
};

static void
test_filters(void **state)
{
	struct graph *g;
	size_t i;

	for (i = 0; i < NELEM(filters); i++) {
		g = run(*state, filters[i].kv, NULL, 0);
		if (g->nedges != filters[i].nedges ||
		    g->packets != filters[i].packets)
			fail_msg("filter %zu (%s=%s): %zu edges, %llu packets; "
			    "expected %zu, %llu", i, filters[i].kv[0],
			    filters[i].kv[1], g->nedges,
			    (unsigned long long)g->packets, filters[i].nedges,
			    (unsigned long long)filters[i].packets);
		graph_free(g);
	}
}

static void
test_top(void **state)
{
	static const char *const top2[] = { "top", "2", NULL };
	static const char *const top2o[] = { "top", "2", "other", "", NULL };
	static const char *const top1b[] = { "top", "1", "metric", "bytes",
		NULL };
	struct graph *g;

	g = run(*state, top2, NULL, 0);
	assert_int_equal(g->nedges, 2);
	assert_int_equal(g->nnodes, 2);
	assert_true(find_edge(g, "10.0.0.1", "10.0.0.2") >= 0);
	assert_true(find_edge(g, "10.0.0.2", "10.0.0.1") >= 0);
	graph_free(g);
	/* With other: every packet is still there, in the node "other". */
	g = run(*state, top2o, NULL, 0);
	assert_int_equal(g->packets, 33);
	assert_string_equal(g->nodes[g->nnodes - 1].addr_text, "other");
	assert_int_equal(g->nodes[g->nnodes - 1].ver, 0);
	assert_true(find_edge(g, "other", "10.0.0.2") >= 0);
	assert_true(find_edge(g, "other", "10.0.0.1") >= 0);
	assert_true(find_edge(g, "other", "other") >= 0);
	assert_int_equal(g->nnodes, 3);
	graph_free(g);
	g = run(*state, top1b, NULL, 0);
	assert_int_equal(g->nedges, 1);
	assert_int_equal(g->metric, QUERY_METRIC_BYTES);
	assert_true(find_edge(g, "10.0.0.2", "10.0.0.1") >= 0);
	graph_free(g);
}

static void
test_group(void **state)
{
	static const char *const g24[] = { "group", "/24", NULL };
	static const char *const g2448[] = { "group", "/24,/48", NULL };
	static const char *const g48[] = { "group", "48", NULL };
	struct graph *g;

	g = run(*state, g24, NULL, 0);
	/* 10.0.0.0/24 10.0.1.0/24 192.168.1.0/24 and three IPv6 hosts. */
	assert_int_equal(g->nnodes, 6);
	assert_string_equal(g->nodes[0].addr_text, "10.0.0.0/24");
	assert_true(find_edge(g, "10.0.0.0/24", "10.0.0.0/24") >= 0);
	assert_int_equal(g->edges[find_edge(g, "10.0.0.0/24",
	    "10.0.0.0/24")].packets, 20);
	assert_int_equal(g->packets, 33);
	graph_free(g);
	g = run(*state, g2448, NULL, 0);
	assert_int_equal(g->nnodes, 5);
	assert_true(find_edge(g, "2001:db8::/48", "2001:db8::/48") >= 0);
	assert_true(find_edge(g, "2001:db8:1::/48", "2001:db8::/48") >= 0);
	graph_free(g);
	g = run(*state, g48, NULL, 0);
	assert_int_equal(g->nnodes, 6);	/* IPv4 hosts kept */
	graph_free(g);
}

static void
test_names(void **state)
{
	struct names *nm = names_new();
	static const char *const g24[] = { "group", "/24", NULL };
	struct graph *g;
	char err[256];

	assert_int_equal(names_add(nm, "10.0.0.1", "router \"one\"", err,
	    sizeof(err)), 0);
	assert_int_equal(names_add(nm, "10.0.0.0/24", "lan", err,
	    sizeof(err)), 0);
	g = run(*state, NULL, nm, 0);
	assert_string_equal(g->nodes[0].label, "router \"one\"");
	assert_string_equal(g->nodes[0].addr_text, "10.0.0.1");
	assert_string_equal(g->nodes[1].label, "10.0.0.2");
	assert_null(g->nodes[1].name);
	graph_free(g);
	g = run(*state, g24, nm, 0);
	assert_string_equal(g->nodes[0].label, "lan");
	graph_free(g);
	names_free(nm);
}

/* The label of the node with this address, and where its name came from. */
static const char *
node_label(const struct graph *g, const char *addr, const char **source)
{
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		if (strcmp(g->nodes[i].addr_text, addr) == 0) {
			*source = g->nodes[i].name_source;
			return g->nodes[i].label;
		}
	fail_msg("no node %s", addr);
	return NULL;
}

/*
 * Names from the traffic: the newest at the span's end, of the sensor
 * asked for, whether the graph's few hosts are looked up one by one
 * (many stored names) or every name is read (few).
 */
static void
test_seen_names(void **state)
{
	static const char *const early[] = {
		"to", "2009-01-16T00:00:30Z", NULL
	};
	static const char *const sensor_b[] = { "sensor", "b", NULL };
	const char *source;
	struct graph *g;
	sqlite3 *db;
	int pass;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_ok(db, "INSERT INTO names (sensor_id, ts_us, client, addr,"
	    " name, ttl, source) VALUES"
	    " (1, 1232064010000000, x'0a000009', x'0a000002', 'early.example',"
	    "  60, 'dns'),"
	    " (1, 1232064040000000, x'0a000009', x'0a000002', 'late.example',"
	    "  60, 'dns'),"
	    " (1, 1232064040000000, x'0a000009', x'0a000002', 'later.example',"
	    "  60, 'dns'),"
	    " (2, 1232064020000000, x'0a000009', x'0a000002', 'tls.example',"
	    "  60, 'sni')");
	/* many names of an address no graph here draws */
	exec_ok(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1"
	    " FROM c WHERE i < 3000) INSERT INTO names SELECT 1,"
	    " 1232064000000000 + i, x'0a000009', x'c0000263', 'other', 60,"
	    " 'dns' FROM c");
	for (pass = 0; pass < 2; pass++) {
		g = run(*state, NULL, NULL, 0);
		/* the later of two rows at the same time; dns before sni */
		assert_string_equal(node_label(g, "10.0.0.2", &source),
		    "later.example");
		assert_string_equal(source, "dns");
		assert_string_equal(node_label(g, "10.0.0.1", &source),
		    "10.0.0.1");
		assert_null(source);
		graph_free(g);
		g = run(*state, early, NULL, 0);
		assert_string_equal(node_label(g, "10.0.0.2", &source),
		    "early.example");
		graph_free(g);
		g = run(*state, sensor_b, NULL, 0);
		assert_string_equal(node_label(g, "10.0.0.2", &source),
		    "tls.example");
		assert_string_equal(source, "sni");
		graph_free(g);
		/* few names: read in time order */
		exec_ok(db, "DELETE FROM names WHERE name = 'other'");
	}
	exec_ok(db, "DELETE FROM names");
	sqlite3_close(db);
}

static void
test_detail(void **state)
{
	struct graph *g = run(*state, NULL, NULL, QUERY_DETAIL_PORTS |
	    QUERY_DETAIL_TIMES);
	size_t i;

	/* 10.0.0.1:1234->10.0.0.2:80 is one flow over two windows. */
	assert_int_equal(g->nflows, 6);
	assert_int_equal(g->nevents, 7);
	/* every flow and event sits on the edge of its own rows */
	for (i = 0; i < g->nflows; i++) {
		const struct graph_flow *f = &g->flows[i];
		size_t k;

		for (k = 0; k < NELEM(rows); k++)
			if ((unsigned)rows[k].sport == f->sport &&
			    (unsigned)rows[k].dport == f->dport &&
			    (unsigned)rows[k].proto == f->proto &&
			    strcmp(rows[k].src, g->nodes[f->src].addr_text) ==
			    0 && strcmp(rows[k].dst,
			    g->nodes[f->dst].addr_text) == 0)
				break;
		if (k == NELEM(rows))
			fail_msg("flow %zu: %s:%u -> %s:%u is no stored row",
			    i, g->nodes[f->src].addr_text, f->sport,
			    g->nodes[f->dst].addr_text, f->dport);
	}
	for (i = 0; i < g->nevents; i++)
		assert_true(find_edge(g, g->nodes[g->events[i].src].addr_text,
		    g->nodes[g->events[i].dst].addr_text) >= 0);
	for (i = 1; i < g->nevents; i++)
		assert_true(g->events[i - 1].window_us <=
		    g->events[i].window_us);
	graph_free(g);
}

/*
 * Without ports the graph is read from the pairs table, with them from
 * edges: the same nodes, edges, weights and times either way, and the
 * pairs reading reads no more rows.  Filters that need ports or protocols
 * go to edges whatever the detail.
 */
static void
test_pairs(void **state)
{
	static const char *const src[] = { "src", "10.0.0.0/24", NULL };
	static const char *const host[] = { "host", "2001:db8::/32", NULL };
	static const char *const from[] = { "from", "2009-01-16T00:01:00Z",
	    NULL };
	static const char *const hour[] = { "tier", "hour", NULL };
	static const char *const *const kvs[] = { NULL, src, host, from,
	    hour };
	static const char *const proto[] = { "proto", "tcp", NULL };
	struct graph *a, *b;
	size_t k, i;

	for (k = 0; k < NELEM(kvs); k++) {
		a = run(*state, kvs[k], NULL, 0);
		b = run(*state, kvs[k], NULL, QUERY_DETAIL_PORTS);
		assert_true(a->rows <= b->rows);
		assert_int_equal(a->nnodes, b->nnodes);
		assert_int_equal(a->nedges, b->nedges);
		for (i = 0; i < a->nnodes; i++)
			assert_string_equal(a->nodes[i].addr_text,
			    b->nodes[i].addr_text);
		for (i = 0; i < a->nedges; i++) {
			assert_int_equal(a->edges[i].src, b->edges[i].src);
			assert_int_equal(a->edges[i].dst, b->edges[i].dst);
			assert_int_equal(a->edges[i].packets,
			    b->edges[i].packets);
			assert_int_equal(a->edges[i].bytes, b->edges[i].bytes);
			assert_int_equal(a->edges[i].first_us,
			    b->edges[i].first_us);
			assert_int_equal(a->edges[i].last_us,
			    b->edges[i].last_us);
		}
		graph_free(a);
		graph_free(b);
	}
	a = run(*state, proto, NULL, 0);
	b = run(*state, proto, NULL, QUERY_DETAIL_PORTS);
	assert_int_equal(a->rows, b->rows);
	graph_free(a);
	graph_free(b);
}

static void
test_tier(void **state)
{
	static const char *const late[] = { "from", "2009-01-16T02:00:00Z",
		NULL };
	static const char *const raw[] = { "from", "2009-01-16T02:00:00Z",
		"tier", "raw", NULL };
	static const char *const late_short[] = { "from",
		"2009-01-16T02:00:00Z", "to", "2009-01-16T03:00:00Z", NULL };
	static const char *const hour[] = { "tier", "hour", NULL };
	struct graph *g;

	/* A long span: complete hours from the hour tier (mixed reading). */
	g = run(*state, late, NULL, 0);
	assert_int_equal(g->tier, QUERY_TIER_MIXED);
	assert_int_equal(g->nedges, 1);
	assert_int_equal(g->packets, 7);
	graph_free(g);
	/* A short span with no raw windows: auto falls back to the hour tier. */
	g = run(*state, late_short, NULL, 0);
	assert_int_equal(g->tier, 1);
	assert_int_equal(g->nedges, 1);
	assert_int_equal(g->packets, 7);
	graph_free(g);
	g = run(*state, raw, NULL, 0);
	assert_int_equal(g->tier, 0);
	assert_int_equal(g->nedges, 0);
	graph_free(g);
	g = run(*state, hour, NULL, 0);
	assert_int_equal(g->tier, 1);
	assert_int_equal(g->nedges, 1);
	graph_free(g);
	/*
	 * No from: the span starts at the first raw window (T0), and is long
	 * (the clock is T0 + 1 day), but the hour T0 is not rolled up, so
	 * the raw windows are read, as before mixing was allowed there.
	 */
	g = run(*state, NULL, NULL, 0);
	assert_int_equal(g->tier, 0);
	assert_int_equal(g->packets, 33);
	graph_free(g);
}

/*
 * Equal weights are cut by address, not by the order the rows came in:
 * 10.5.0.1 -> 10.5.0.9 (window 1) and 10.5.0.1 -> 10.5.0.3 (window 2),
 * 5 packets each; a cap of 2 hosts keeps one, the one to .3, though .9
 * was met first.
 */
static void
test_ties(void **state)
{
	static const char *const kv[] = { "sensor", "c", "max_nodes", "2",
	    NULL };
	sqlite3 *db;
	struct graph *g;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_ok(db, "INSERT INTO sensors (id, name) VALUES (3, 'c')");
	exec_ok(db, "INSERT INTO windows (id, sensor_id, tier, seconds, start)"
	    " VALUES (20, 3, 0, 60, 1232064120), (21, 3, 0, 60, 1232064180)");
	exec_ok(db, "INSERT INTO pairs VALUES"
	    " (20, x'0a050001', x'0a050009', 5, 500, 1000, 2000),"
	    " (21, x'0a050001', x'0a050003', 5, 500, 1000, 2000)");
	g = run(*state, kv, NULL, 0);
	assert_int_equal(g->nedges, 1);
	assert_true(find_edge(g, "10.5.0.1", "10.5.0.3") >= 0);
	graph_free(g);
	exec_ok(db, "DELETE FROM pairs WHERE window_id IN (20, 21)");
	exec_ok(db, "DELETE FROM windows WHERE id IN (20, 21)");
	exec_ok(db, "DELETE FROM sensors WHERE id = 3");
	sqlite3_close(db);
}

/* No from, every raw window's hour rolled up: the hours are read. */
static void
test_tier_default(void **state)
{
	sqlite3 *db;
	struct graph *g;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_ok(db, "INSERT INTO windows (id, sensor_id, tier, seconds, start)"
	    " VALUES (10, 1, 1, 3600, 1232064000),"
	    " (11, 2, 1, 3600, 1232064000)");
	exec_ok(db, "INSERT INTO pairs SELECT CASE w.sensor_id WHEN 1 THEN 10"
	    " ELSE 11 END, p.src, p.dst, p.packets, p.bytes, p.first_us,"
	    " p.last_us FROM pairs p JOIN windows w ON w.id = p.window_id"
	    " WHERE w.tier = 0");
	g = run(*state, NULL, NULL, 0);
	assert_int_equal(g->tier, QUERY_TIER_MIXED);
	/* the raw windows' 33 packets once, and the hour of T0 + 2 h */
	assert_int_equal(g->packets, 33 + 7);
	graph_free(g);
	exec_ok(db, "DELETE FROM pairs WHERE window_id IN (10, 11)");
	exec_ok(db, "DELETE FROM windows WHERE id IN (10, 11)");
	sqlite3_close(db);
}

static void
test_plan(void **state)
{
	struct filter *q = filter_new();
	struct buf plan = BUF_INIT;
	char err[256];

	assert_int_equal(filter_set(q, "from", "2009-01-16T00:00:00Z", 0, err,
	    sizeof(err)), 0);
	assert_int_equal(filter_set(q, "to", "2009-01-16T01:00:00Z", 0, err,
	    sizeof(err)), 0);
	assert_int_equal(filter_set(q, "src", "10.0.0.0/8", 0, err,
	    sizeof(err)), 0);
	assert_int_equal(store_plan(*state, q, &plan, err, sizeof(err)), 0);
	/* Windows by the time index, edges by their key: never a scan. */
	if (strstr(plan.data, "USING INDEX windows_by_time (tier=? AND "
	    "start>? AND start<?)") == NULL ||
	    strstr(plan.data, "USING PRIMARY KEY (window_id=?)") == NULL ||
	    strstr(plan.data, "SCAN") != NULL)
		fail_msg("query plan:\n%s", plan.data);
	buf_free(&plan);
	filter_free(q);
}

/* Bad values: each message starts with the parameter's name. */
static const struct {
	const char	*name;
	const char	*value;
	const char	*msg;
} bad[] = {
	{ "top", "0", "top: must be at least 1" },
	{ "top", "-3", "top: " },
	{ "top", "ten", "top: " },
	{ "src", "10.0.0.300", "src: '10.0.0.300' is not" },
	{ "dst", "10.0.0.0/33", "dst: " },
	{ "host", "2001:db8::/129", "host: " },
	{ "pair", "10.0.0.1", "pair: " },
	{ "pair", "10.0.0.1:nope", "pair: " },
	{ "pair", "2001:db8::2:2001:db8::1", "pair: '2001:db8::2:2001:db8::1' "
	    "can be split more than one way" },
	{ "port", "65536", "port: " },
	{ "proto", "tcpx", "proto: " },
	{ "proto", "256", "proto: " },
	{ "metric", "weight", "metric: 'weight' is neither" },
	{ "group", "/33,/64", "group: " },
	{ "group", "/129", "group: " },
	{ "group", "24x", "group: " },
	{ "tier", "minute", "tier: " },
	{ "from", "yesterday", "from: " },
	{ "to", "2009-13-01", "to: " },
	{ "other", "maybe", "other: " },
	{ "sensor", "", "sensor: " },
	{ "colour", "red", "colour: unknown parameter" },
};

static void
test_bad(void **state)
{
	struct filter *q = filter_new();
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		if (filter_set(q, bad[i].name, bad[i].value, 0, err,
		    sizeof(err)) != -1 ||
		    strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("%s=%s said '%s', expected '%s...'",
			    bad[i].name, bad[i].value, err, bad[i].msg);
	}
	assert_int_equal(filter_set(q, "from", "2010-01-01", 0, err,
	    sizeof(err)), 0);
	assert_int_equal(filter_set(q, "to", "2009-01-01", 0, err,
	    sizeof(err)), 0);
	assert_int_equal(filter_check(q, err, sizeof(err)), -1);
	assert_memory_equal(err, "from: ", 6);
	filter_free(q);
}

/*
 * Rows are folded in batches (32 rows in graph.c): sums must not depend
 * on where a batch ends.  Sensor d: 7 windows of 45 flows on 3 edges (a
 * batch ends inside a window, inside an edge's run of rows, and the same
 * flow comes back in a later batch), then one flow alone in each of 40
 * windows (a run of the same flow across batches, and a last batch that
 * is not full: 355 rows).  Every sum is computed here from the formula
 * the rows were made with.
 */
#define B_WINDOWS	7
#define B_FLOWS		45
#define B_ALONE		40

static void
test_batches(void **state)
{
	static const char *const kv[] = { "sensor", "d", "tier", "raw",
	    NULL };
	sqlite3 *db;
	sqlite3_stmt *s;
	struct graph *g;
	const struct graph_flow *f;
	const struct graph_edge *e;
	uint64_t want, wedge[4] = { 0 };
	size_t i, nalone = 0;
	long k;
	int w;
	uint8_t src[4] = { 10, 6, 0, 1 }, dst[4] = { 10, 6, 0, 0 };

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec_ok(db, "INSERT INTO sensors (id, name) VALUES (4, 'd')");
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO windows (id,"
	    " sensor_id, tier, seconds, start) VALUES (?, 4, 0, 60, ?)", -1,
	    &s, NULL), SQLITE_OK);
	for (w = 0; w < B_WINDOWS + B_ALONE; w++) {
		sqlite3_bind_int(s, 1, 30 + w);
		sqlite3_bind_int64(s, 2, T0 + 600 + 60 * w);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO edges (window_id,"
	    " proto, src, dst, sport, dport, packets, bytes, first_us,"
	    " last_us, tcp_flags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1000,"
	    " 2000, 0)", -1, &s, NULL), SQLITE_OK);
	for (w = 0; w < B_WINDOWS + B_ALONE; w++)
		for (k = 0; k < (w < B_WINDOWS ? B_FLOWS : 1); k++) {
			/* flow k: 10.6.0.1:2000+k -> 10.6.0.(2 + k / 15):80;
			 * alone: 10.6.0.9:53 -> 10.6.0.1:5353, udp */
			int alone = w >= B_WINDOWS;

			dst[3] = (uint8_t)(2 + k / 15);
			sqlite3_bind_int(s, 1, 30 + w);
			sqlite3_bind_int(s, 2, alone ? 17 : 6);
			src[3] = alone ? 9 : 1;
			sqlite3_bind_blob(s, 3, src, 4, SQLITE_TRANSIENT);
			if (alone)
				dst[3] = 1;
			sqlite3_bind_blob(s, 4, dst, 4, SQLITE_TRANSIENT);
			sqlite3_bind_int(s, 5, alone ? 53 : 2000 + (int)k);
			sqlite3_bind_int(s, 6, alone ? 5353 : 80);
			sqlite3_bind_int64(s, 7, alone ? w : w * 100 + k + 1);
			sqlite3_bind_int64(s, 8, alone ? 100 * w :
			    10 * (w * 100 + k + 1));
			assert_int_equal(sqlite3_step(s), SQLITE_DONE);
			sqlite3_reset(s);
		}
	sqlite3_finalize(s);
	/* the pairs are the graph's rows without ports */
	exec_ok(db, "INSERT INTO pairs SELECT window_id, src, dst,"
	    " sum(packets), sum(bytes), min(first_us), max(last_us)"
	    " FROM edges WHERE window_id >= 30 GROUP BY window_id, src, dst");

	g = run(*state, kv, NULL, QUERY_DETAIL_PORTS | QUERY_DETAIL_TIMES);
	assert_int_equal(g->rows, B_WINDOWS * B_FLOWS + B_ALONE);
	assert_int_equal(g->nflows, B_FLOWS + 1);
	assert_int_equal(g->nedges, 4);
	for (i = 0; i < g->nflows; i++) {
		f = &g->flows[i];
		if (f->proto == 17) {
			nalone++;
			assert_string_equal(g->nodes[f->src].addr_text,
			    "10.6.0.9");
			want = 0;
			for (w = B_WINDOWS; w < B_WINDOWS + B_ALONE; w++)
				want += (uint64_t)w;
			assert_int_equal(f->packets, want);
			assert_int_equal(f->bytes, 100 * want);
			continue;
		}
		k = (long)f->sport - 2000;
		assert_true(k >= 0 && k < B_FLOWS);
		assert_int_equal(f->dport, 80);
		want = 0;
		for (w = 0; w < B_WINDOWS; w++)
			want += (uint64_t)(w * 100 + k + 1);
		assert_int_equal(f->packets, want);
		assert_int_equal(f->bytes, 10 * want);
		wedge[k / 15] += want;
		/* in (src, dst, proto, sport, dport) order */
		if (i > 0 && g->flows[i - 1].proto == 6)
			assert_true(g->flows[i - 1].dst < f->dst ||
			    (g->flows[i - 1].dst == f->dst &&
			    g->flows[i - 1].sport < f->sport));
	}
	assert_int_equal(nalone, 1);
	for (k = 0; k < 3; k++) {
		char to[16];

		snprintf(to, sizeof(to), "10.6.0.%ld", 2 + k);
		assert_true((i = (size_t)find_edge(g, "10.6.0.1", to)) <
		    g->nedges);
		e = &g->edges[i];
		assert_int_equal(e->packets, wedge[k]);
		assert_int_equal(e->bytes, 10 * wedge[k]);
	}
	/* an event per window and edge, each the sum of its window's rows */
	assert_int_equal(g->nevents, B_WINDOWS * 3 + B_ALONE);
	for (i = 0; i < g->nevents; i++) {
		const struct graph_event *v = &g->events[i];

		w = (int)(v->window_us / 1000000 - (T0 + 600)) / 60;
		assert_true(w >= 0 && w < B_WINDOWS + B_ALONE);
		if (w >= B_WINDOWS) {
			assert_int_equal(v->packets, (uint64_t)w);
			continue;
		}
		k = (long)g->nodes[v->dst].addr[3] - 2;
		assert_true(k >= 0 && k < 3);
		want = 0;
		for (long j = k * 15; j < (k + 1) * 15; j++)
			want += (uint64_t)(w * 100 + j + 1);
		assert_int_equal(v->packets, want);
		assert_int_equal(v->bytes, 10 * want);
	}
	graph_free(g);
	exec_ok(db, "DELETE FROM pairs WHERE window_id >= 30");
	exec_ok(db, "DELETE FROM edges WHERE window_id >= 30");
	exec_ok(db, "DELETE FROM windows WHERE id >= 30");
	exec_ok(db, "DELETE FROM sensors WHERE id = 4");
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_seen_names),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_tier),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_plan),
		/* last: they add rows, and a failure leaves them there */
		cmocka_unit_test(test_tier_default),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_batches),
	};
	const struct CMUnitTest plain[] = {
		cmocka_unit_test(test_bad),
	};
	int rc;

	rc = cmocka_run_group_tests_name("query", tests, setup, teardown);
	rc |= cmocka_run_group_tests_name("query-params", plain, NULL, NULL);
	return rc != 0;
}
