/* export_dot.c - the graph as GraphViz DOT, and as PNG/SVG through libgvc. */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"
#include "render.h"

/*
 * The layout.  dot's layered drawing reads best for a small connected
 * graph, but lays unconnected parts side by side, which makes a strip of
 * any real capture; neato (small) and sfdp (large) place the parts in a
 * packed grid and remove node overlaps.
 *
 * Their edges are lines (splines=line), the two directions of a pair bent
 * apart, not splines routed around the nodes: libgvc 2.42 routes a pair's
 * edges (two edges between the same nodes, which most conversations are)
 * through a triangulation (GTS) and keeps part of it, several KB a
 * picture, so a server that draws pictures all day grew without bound
 * (tests/unit/test_render).  Lines keep nothing, and with the overlaps
 * removed they seldom cross a node.
 */
#define DOT_LAYERED_MAX		40	/* nodes dot draws, when connected */
#define DOT_NEATO_MAX		150	/* nodes neato draws; sfdp above */
#define DOT_EDGE_LABELS_MAX	40	/* edges labelled with their weight */

/* Node fills by role, and the legend that explains them. */
static const struct {
	const char	*fill;
	const char	*what;
} dot_roles[] = {
	{ "#a6cee3", "sends and receives" },
	{ "#b2df8a", "only sends" },
	{ "#fdbf6f", "only receives" },
	{ "#d9d9d9", "other (folded)" },
};
/* The legend's marks: a square of a fill, a line of a pen; and a gap. */
#define DOT_SQUARE	"&#9632;"		/* U+25A0 BLACK SQUARE */
#define DOT_PEN		"&#9473;&#9473;"	/* U+2501 HEAVY HORIZONTAL */
#define DOT_GAP		"&#160;&#160;&#160;"	/* no-break spaces */

#define DOT_BOTH	0
#define DOT_SENDS	1
#define DOT_RECEIVES	2
#define DOT_OTHER	3

/*
 * A diff's colours by change (GRAPH_CHANGE_*): edges drawn in them, hosts
 * outlined in them; gone ones dashed.
 */
static const struct {
	const char	*pen;
	const char	*what;
} dot_changes[GRAPH_NCHANGES] = {
	{ "#8c8c8c", "same" },
	{ "#1a9641", "new" },
	{ "#bdbdbd", "gone (dashed)" },
	{ "#d7191c", "grown" },
	{ "#2c7bb6", "shrunk" },
};

/* The weight an edge of a diff is drawn with: the larger span's. */
static uint64_t
dot_weight(const struct graph *g, const struct graph_edge *e)
{
	uint64_t w = graph_weight(g, e->packets, e->bytes);
	uint64_t b = g->diff ? graph_weight(g, e->base_packets,
	    e->base_bytes) : 0;

	return w > b ? w : b;
}

/* Pen width from 1 to 8 points, by the log of the weight: traffic spans
 * orders of magnitude and a linear scale leaves all but one edge thin. */
static double
dot_penwidth(uint64_t w, uint64_t max)
{
	if (max <= 1)
		return 1.0;
	return 1.0 + 7.0 * log1p((double)w) / log1p((double)max);
}

static int
dot_role(const struct graph_node *n)
{
	if (n->ver == 0)
		return DOT_OTHER;
	if (n->out_packets > 0 && n->in_packets > 0)
		return DOT_BOTH;
	return n->out_packets > 0 ? DOT_SENDS : DOT_RECEIVES;
}

/* Union-find over node indices, for counting the graph's parts. */
static size_t
dot_root(size_t *up, size_t i)
{
	while (up[i] != i)
		i = up[i] = up[up[i]];
	return i;
}

/* The number of connected parts (edges taken undirected); 0 when empty. */
static size_t
dot_parts(const struct graph *g)
{
	size_t *up, i, a, b, n = g->nnodes;

	if (n == 0 || (up = calloc(n, sizeof(*up))) == NULL)
		return n;
	for (i = 0; i < n; i++)
		up[i] = i;
	for (i = 0; i < g->nedges; i++) {
		a = dot_root(up, g->edges[i].src);
		b = dot_root(up, g->edges[i].dst);
		if (a != b) {
			up[a] = b;
			n--;
		}
	}
	free(up);
	return n;
}

/* The layout engine for g: see DOT_LAYERED_MAX. */
static const char *
dot_engine(const struct graph *g)
{
	if (g->nnodes <= DOT_LAYERED_MAX && dot_parts(g) <= 1)
		return "dot";
	return g->nnodes <= DOT_NEATO_MAX ? "neato" : "sfdp";
}

/* Text for an HTML-like label: &, <, > and quotes escaped. */
static void
dot_html(struct buf *out, const char *s)
{
	export_xml_text(out, s);
}

/* One caption line as a left-aligned table row. */
static void
dot_row(struct buf *out, const char *line, size_t len, int bold)
{
	char *s;

	if ((s = strndup(line, len)) == NULL)
		return;
	buf_puts(out, "<TR><TD ALIGN=\"LEFT\">");
	if (bold)
		buf_puts(out, "<B>");
	dot_html(out, s);
	if (bold)
		buf_puts(out, "</B>");
	buf_puts(out, "</TD></TR>");
	free(s);
}

/* A diff's legend row: the change colours that occur, with counts. */
static void
dot_change_legend(const struct graph *g, struct buf *out)
{
	static const int order[] = { GRAPH_CHANGE_NEW, GRAPH_CHANGE_GONE,
	    GRAPH_CHANGE_GROWN, GRAPH_CHANGE_SHRUNK, GRAPH_CHANGE_SAME };
	size_t i;
	int c;

	/* one line of text: see dot_legend */
	buf_puts(out, "<TR><TD ALIGN=\"LEFT\">edges:");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		c = order[i];
		if (g->changes[c] == 0)
			continue;
		buf_printf(out, DOT_GAP "<FONT COLOR=\"%s\">" DOT_PEN "</FONT> ",
		    dot_changes[c].pen);
		dot_html(out, dot_changes[c].what);
		buf_printf(out, " %zu", g->changes[c]);
	}
	buf_puts(out, "</TD></TR>");
}

/*
 * The title and legend, drawn above the graph: the caption's lines, the
 * node colours that occur, and the edge width scale.  One column of text
 * lines: libgvc sizes a table of several rows and columns with two graphs
 * of its own, and keeps some 300 bytes of them each time (2.42), and a
 * long-running server draws many pictures.  The colours are squares of
 * text in the line: a one-row table of colour cells, narrower than the
 * caption's widest line, has the difference shared out between its
 * cells, which pulled each swatch away from its words.
 */
static void
dot_legend(const struct graph *g, uint64_t min, uint64_t max,
    struct buf *out)
{
	struct buf cap = BUF_INIT;
	const char *p, *nl;
	int used[4] = { 0, 0, 0, 0 };
	size_t i;
	int first = 1, own = 0;

	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].colour == NULL)
			used[dot_role(&g->nodes[i])] = 1;
		else
			own = 1;
	graph_caption(g, &cap);
	buf_putc(&cap, '\0');
	buf_puts(out, "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"3\" "
	    "CELLPADDING=\"1\">");
	for (p = buf_failed(&cap) ? "" : cap.data; *p != '\0'; p = nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		dot_row(out, p, (size_t)(nl - p), first);
		first = 0;
		if (*nl == '\n')
			nl++;
	}
	buf_free(&cap);
	if (g->nnodes > 0) {
		buf_puts(out, "<TR><TD ALIGN=\"LEFT\">");
		for (i = 0, first = 1; i < 4; i++) {
			if (!used[i])
				continue;
			buf_printf(out, "%s<FONT COLOR=\"%s\">" DOT_SQUARE
			    "</FONT> ", first ? "" : DOT_GAP, dot_roles[i].fill);
			dot_html(out, dot_roles[i].what);
			first = 0;
		}
		if (own)
			buf_printf(out, "%s(sites in their own colours, from "
			    "the site file)", first ? "" : DOT_GAP);
		buf_puts(out, "</TD></TR>");
		if (g->diff)
			dot_change_legend(g, out);
		buf_printf(out, "<TR><TD ALIGN=\"LEFT\">edge "
		    "width: 1 pt = %" PRIu64 ", 8 pt = %" PRIu64 " %s (log "
		    "scale)</TD></TR>", min, max, g->metric ==
		    QUERY_METRIC_BYTES ? "bytes" : "packets");
	}
	buf_puts(out, "</TABLE>>");
}

int
export_dot(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	const struct graph_node *n;
	const struct graph_edge *e;
	struct buf shown = BUF_INIT;
	uint64_t w, max = 0, min = UINT64_MAX;
	const char *engine = o != NULL && o->layout != NULL ? o->layout :
	    dot_engine(g);
	double pw;
	size_t i;
	int layered = strcmp(engine, "dot") == 0;

	(void)err;
	(void)errlen;
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		w = dot_weight(g, e);
		if (w > max)
			max = w;
		if (w < min)
			min = w;
	}
	if (min == UINT64_MAX)
		min = 0;
	buf_puts(out, "digraph ipgraph {\n");
	buf_printf(out, "\tgraph [layout=%s, bgcolor=white, "
	    "fontname=\"Helvetica\", fontsize=11, labelloc=t, labeljust=l, "
	    "outputorder=edgesfirst, size=\"40,40\", pad=0.3", engine);
	if (layered)
		buf_puts(out, ", rankdir=LR, ranksep=0.9, nodesep=0.25");
	else
		buf_puts(out, ", overlap=prism, overlap_scaling=-4, "
		    "pack=true, packmode=\"graph\", sep=\"+6\", "
		    "splines=line");
	buf_puts(out, ",\n\t    label=");
	dot_legend(g, min, max, out);
	buf_puts(out, "];\n"
	    "\tnode [shape=box, style=\"rounded,filled\", color=\"#4d5d6d\", "
	    "penwidth=0.8, fontname=\"Helvetica\", fontsize=10, "
	    "margin=\"0.08,0.03\", height=0.3];\n"
	    "\tedge [color=\"#8c6d1fb0\", fontname=\"Helvetica\", "
	    "fontsize=9, fontcolor=\"#5a4a1a\"];\n");
	buf_printf(out, "\t// weight = %s\n", g->metric ==
	    QUERY_METRIC_BYTES ? "bytes" : "packets");
	graph_shown(g, &shown);
	if (!buf_failed(&shown)) {
		buf_puts(out, "\t// ");
		buf_add(out, shown.data, shown.len);
		buf_putc(out, '\n');
	}
	buf_free(&shown);
	/* Node ids are the addresses (unique), labels the names. */
	for (i = 0; i < g->nnodes; i++) {
		n = &g->nodes[i];
		buf_putc(out, '\t');
		export_dot_string(out, n->addr_text);
		buf_puts(out, " [label=");
		if (n->members > 0) {
			/* a group says how many hosts it holds */
			struct buf l = BUF_INIT;

			buf_printf(&l, "%s\n%" PRIu32 " host%s", n->label,
			    n->members, n->members == 1 ? "" : "s");
			buf_putc(&l, '\0');
			export_dot_string(out, buf_failed(&l) ? n->label :
			    l.data);
			buf_free(&l);
		} else
			export_dot_string(out, n->label);
		buf_printf(out, ", fillcolor=\"%s\"", n->colour != NULL ?
		    n->colour : dot_roles[dot_role(n)].fill);
		if (g->diff && n->change != GRAPH_CHANGE_SAME)
			buf_printf(out, ", color=\"%s\", penwidth=2%s",
			    dot_changes[n->change].pen, n->change ==
			    GRAPH_CHANGE_GONE ? ", style=\"rounded,filled,"
			    "dashed\"" : "");
		buf_puts(out, ", tooltip=");
		export_dot_string(out, n->addr_text);
		buf_puts(out, "];\n");
	}
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		w = graph_weight(g, e->packets, e->bytes);
		pw = dot_penwidth(dot_weight(g, e), max);
		buf_putc(out, '\t');
		export_dot_string(out, g->nodes[e->src].addr_text);
		buf_puts(out, " -> ");
		export_dot_string(out, g->nodes[e->dst].addr_text);
		/* weights as labels only where they stay readable */
		buf_puts(out, " [");
		if (g->diff) {
			/* "baseline -> span" and the change's colour */
			if (g->nedges <= DOT_EDGE_LABELS_MAX)
				buf_printf(out, "label=\"%" PRIu64 "->%" PRIu64
				    "\", ", graph_weight(g, e->base_packets,
				    e->base_bytes), w);
			buf_printf(out, "color=\"%s\", fontcolor=\"%s\", "
			    "tooltip=\"%s: %" PRIu64 " -> %" PRIu64 "\", %s",
			    dot_changes[e->change].pen,
			    dot_changes[e->change].pen,
			    graph_change_name(e->change), graph_weight(g,
			    e->base_packets, e->base_bytes), w,
			    e->change == GRAPH_CHANGE_GONE ? "style=dashed, " :
			    "");
			buf_printf(out, "penwidth=%.2f, arrowsize=%.2f];\n", pw,
			    0.9 / sqrt(pw));
			continue;
		}
		if (g->nedges <= DOT_EDGE_LABELS_MAX)
			buf_printf(out, "label=\"%" PRIu64 "\", ", w);
		/* arrowheads drawn with a thick pen grow: shrink them back */
		buf_printf(out, "tooltip=\"%" PRIu64 "\", penwidth=%.2f, "
		    "arrowsize=%.2f];\n", w, pw, 0.9 / sqrt(pw));
	}
	buf_puts(out, "}\n");
	return 0;
}

static int
dot_render(const struct graph *g, const struct export_opts *o,
    const char *format, struct buf *out, char *err, size_t errlen)
{
	struct buf dot = BUF_INIT, cap = BUF_INIT;
	const char *engine;
	int rc;

	engine = o->layout != NULL ? o->layout : dot_engine(g);
	if (export_dot(g, o, &dot, err, errlen) < 0)
		return -1;
	graph_caption(g, &cap);
	if (buf_failed(&dot) || buf_failed(&cap)) {
		snprintf(err, errlen, "out of memory");
		buf_free(&dot);
		buf_free(&cap);
		return -1;
	}
	rc = render_dot(dot.data, engine, o->layout == NULL, format, cap.data,
	    out, err, errlen);
	buf_free(&dot);
	buf_free(&cap);
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
