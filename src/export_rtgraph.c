/* export_rtgraph.c - a command script for rtgraph3d: edge lines, then quit. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"

/*
 * rtg_cli reads "edge A B" per line; its graph is undirected, so A->B
 * and B->A give one line (the first in edge order).  Node names are
 * single words there: spaces and other bytes become '_'.
 */
int
export_rtgraph(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	const struct graph_edge *e;
	size_t i, j, lo, hi;
	int seen;

	(void)o;
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		if (e->src == e->dst)
			continue;
		/* The reverse edge sorts before this one when src > dst. */
		seen = 0;
		if (e->src > e->dst) {
			lo = 0;
			hi = g->nedges;
			while (lo < hi) {
				j = lo + (hi - lo) / 2;
				if (g->edges[j].src < e->dst ||
				    (g->edges[j].src == e->dst &&
				    g->edges[j].dst < e->src))
					lo = j + 1;
				else
					hi = j;
			}
			seen = lo < g->nedges && g->edges[lo].src == e->dst &&
			    g->edges[lo].dst == e->src;
		}
		if (seen)
			continue;
		buf_puts(out, "edge ");
		export_token(out, g->nodes[e->src].label);
		buf_putc(out, ' ');
		export_token(out, g->nodes[e->dst].label);
		buf_putc(out, '\n');
	}
	buf_puts(out, "quit\n");
	(void)err;
	(void)errlen;
	return 0;
}
