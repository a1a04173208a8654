/* export_dot.c - the graph as GraphViz DOT, and as PNG/SVG through libgvc. */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"
#include "render.h"

/* Above this many nodes dot's layered layout gets slow and unreadable. */
#define DOT_SFDP_ABOVE	300

/* Pen width from 1 to 8 points, by the log of the weight: traffic spans
 * orders of magnitude and a linear scale leaves all but one edge thin. */
static double
dot_penwidth(uint64_t w, uint64_t max)
{
	if (max <= 1)
		return 1.0;
	return 1.0 + 7.0 * log1p((double)w) / log1p((double)max);
}

int
export_dot(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	const struct graph_node *n;
	const struct graph_edge *e;
	uint64_t w, max = 0;
	size_t i;

	(void)o;
	(void)err;
	(void)errlen;
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		if ((w = graph_weight(g, e->packets, e->bytes)) > max)
			max = w;
	}
	buf_puts(out, "digraph ipgraph {\n"
	    "\tgraph [bgcolor=azure, overlap=false, outputorder=edgesfirst, "
	    "ranksep=1.2];\n"
	    "\tnode [shape=box, style=filled, color=lightblue2, "
	    "fontname=\"Helvetica\"];\n"
	    "\tedge [arrowsize=1.2, color=gold3, fontname=\"Helvetica\", "
	    "fontsize=10];\n");
	buf_printf(out, "\t// weight = %s\n", g->metric ==
	    QUERY_METRIC_BYTES ? "bytes" : "packets");
	/* Node ids are the addresses (unique), labels the names. */
	for (i = 0; i < g->nnodes; i++) {
		n = &g->nodes[i];
		buf_putc(out, '\t');
		export_dot_string(out, n->addr_text);
		buf_puts(out, " [label=");
		export_dot_string(out, n->label);
		buf_puts(out, ", tooltip=");
		export_dot_string(out, n->addr_text);
		buf_puts(out, "];\n");
	}
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		w = graph_weight(g, e->packets, e->bytes);
		buf_putc(out, '\t');
		export_dot_string(out, g->nodes[e->src].addr_text);
		buf_puts(out, " -> ");
		export_dot_string(out, g->nodes[e->dst].addr_text);
		buf_printf(out, " [label=\"%" PRIu64 "\", penwidth=%.2f];\n",
		    w, dot_penwidth(w, max));
	}
	buf_puts(out, "}\n");
	return 0;
}

static int
dot_render(const struct graph *g, const struct export_opts *o,
    const char *format, struct buf *out, char *err, size_t errlen)
{
	struct buf dot = BUF_INIT;
	const char *engine;
	int rc;

	engine = o->layout != NULL ? o->layout :
	    g->nnodes > DOT_SFDP_ABOVE ? "sfdp" : "dot";
	if (export_dot(g, o, &dot, err, errlen) < 0)
		return -1;
	if (buf_failed(&dot)) {
		snprintf(err, errlen, "out of memory");
		buf_free(&dot);
		return -1;
	}
	rc = render_dot(dot.data, engine, format, out, err, errlen);
	buf_free(&dot);
	return rc;
}

int
export_png(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	return dot_render(g, o, "png", out, err, errlen);
}

int
export_svg(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	return dot_render(g, o, "svg", out, err, errlen);
}
