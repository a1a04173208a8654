/* test_render.c - a picture drawn again and again keeps no memory. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"

#define WARM		12	/* pictures that fill libgvc's caches */
#define RUNS		24	/* pictures measured */
/*
 * Heap a picture may keep, on average over RUNS.  libgvc's font and glyph
 * caches fill in the first pictures and are reused after.  What stays is
 * libgvc 2.42's own: some 70 bytes of each text of an HTML-like label it
 * parses (the legend's, under 1 KB a picture here; a server draws only
 * the pictures its cache does not hold).  With edges routed as splines
 * it kept over 5 KB of every picture of this graph.
 */
#define KEPT_MAX	2048

/*
 * The graph: HOSTS hosts on a ring, each also talking to a host across
 * it, every conversation both ways (the two directions of a pair are two
 * edges between the same nodes, which libgvc routes together), so that
 * many edges have nodes in their way.  More hosts than dot draws: neato
 * lays it out, as it does a capture's graph (export_dot.c).
 */
#define HOSTS		48
#define ACROSS(i)	(((i) * 7 + 5) % HOSTS)

static void
make_graph(struct graph *g)
{
	static char names[HOSTS][16];
	size_t i, n = 0;

	memset(g, 0, sizeof(*g));
	g->nnodes = HOSTS;
	g->nodes = calloc(HOSTS, sizeof(*g->nodes));
	g->edges = calloc(4 * HOSTS, sizeof(*g->edges));
	assert_non_null(g->nodes);
	assert_non_null(g->edges);
	for (i = 0; i < HOSTS; i++) {
		snprintf(names[i], sizeof(names[i]), "10.0.0.%zu", i + 1);
		g->nodes[i].ver = 4;
		g->nodes[i].prefix = 32;
		g->nodes[i].label = names[i];
		g->nodes[i].addr_text = names[i];
	}
	for (i = 0; i < HOSTS; i++) {
		size_t peer[2] = { (i + 1) % HOSTS, ACROSS(i) }, k;

		for (k = 0; k < 2; k++) {
			if (peer[k] == i)
				continue;
			g->edges[n].src = i;
			g->edges[n++].dst = peer[k];
			g->edges[n].src = peer[k];
			g->edges[n++].dst = i;
		}
	}
	g->nedges = n;
	for (i = 0; i < n; i++) {
		struct graph_edge *e = &g->edges[i];

		e->packets = 1 + (i * 37) % 500;
		e->bytes = 100 * e->packets;
		g->nodes[e->src].out_packets += e->packets;
		g->nodes[e->src].out_bytes += e->bytes;
		g->nodes[e->dst].in_packets += e->packets;
		g->nodes[e->dst].in_bytes += e->bytes;
		g->packets += e->packets;
		g->bytes += e->bytes;
	}
	g->metric = QUERY_METRIC_PACKETS;
	g->first_us = g->from_us = 1232064000LL * 1000000;
	g->last_us = g->to_us = g->first_us + 59 * 1000000LL;
	g->total.nodes = g->nnodes;
	g->total.edges = g->nedges;
	g->total.packets = g->packets;
	g->total.bytes = g->bytes;
}

/*
 * Under AddressSanitizer its allocator holds the heap, not glibc's: ask
 * it (a weak reference, NULL otherwise).  Its LeakSanitizer is told of
 * what libgvc keeps by lsan_gvc.c.
 */
size_t		 __sanitizer_get_current_allocated_bytes(void)
		    __attribute__((weak));

/* Bytes the heap holds: small chunks in use and mapped ones. */
static size_t
heap_used(void)
{
	struct mallinfo2 m;

	if (__sanitizer_get_current_allocated_bytes != NULL)
		return __sanitizer_get_current_allocated_bytes();
	m = mallinfo2();
	return m.uordblks + m.hblkhd;
}

/* Draw g in format n times. */
static void
draw(const struct graph *g, const char *format, int n)
{
	struct export_opts o;
	char err[256];
	int i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < n; i++) {
		struct buf out = BUF_INIT;
		int rc = strcmp(format, "png") == 0 ?
		    export_png(g, &o, &out, err, sizeof(err)) :
		    export_svg(g, &o, &out, err, sizeof(err));

		if (rc < 0)
			fail_msg("drawing %s: %s", format, err);
		assert_true(out.len > 100);
		buf_free(&out);
	}
}

static void
kept_by(const char *format)
{
	struct graph g;
	size_t before, after;
	long kept;

	make_graph(&g);
	draw(&g, format, WARM);
	before = heap_used();
	draw(&g, format, RUNS);
	after = heap_used();
	kept = ((long)after - (long)before) / RUNS;
	print_message("%s: %ld bytes kept a picture\n", format, kept);
	if (kept > KEPT_MAX)
		fail_msg("%s: every picture keeps %ld bytes of heap (at most "
		    "%d allowed): a long-running server grows by that much "
		    "with each picture it draws", format, kept, KEPT_MAX);
	free(g.nodes);
	free(g.edges);
}

static void
test_png(void **state)
{
	(void)state;
	kept_by("png");
}

static void
test_svg(void **state)
{
	(void)state;
	kept_by("svg");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_svg),
	};

	return cmocka_run_group_tests_name("render", tests, NULL, NULL) != 0;
}
