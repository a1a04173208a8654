/* export_histogram.c - one host's heaviest peers as a bar chart (PNG, SVG, CSV). */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "buf.h"
#include "export.h"
#include "export_csv.h"
#include "graph.h"
#include "query.h"
#include "render.h"

#define HIST_PEERS	10
#define HIST_W		900
#define HIST_H		600

struct hist {
	const struct graph	*g;
	long			 host;		/* node index, -1: none */
	size_t			*peer;		/* edge indices, heaviest first */
	size_t			 npeer;
	uint64_t		 max;
	uint64_t		 ylimit;
	uint64_t		 ystep;
};

static int
hist_cmp(const void *pa, const void *pb, void *arg)
{
	const struct graph *g = arg;
	const struct graph_edge *a = &g->edges[*(const size_t *)pa];
	const struct graph_edge *b = &g->edges[*(const size_t *)pb];
	uint64_t wa = graph_weight(g, a->packets, a->bytes);
	uint64_t wb = graph_weight(g, b->packets, b->bytes);

	if (wa != wb)
		return wa > wb ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

/*
 * The host is the node that sent the most (with --src A that is A, or
 * its block); its peers are where it sent to, heaviest first, numeric
 * order of weight (IP-Link compared weights as strings).
 */
static int
hist_build(const struct graph *g, const struct export_opts *o,
    struct hist *h)
{
	uint64_t w, best = 0, m;
	size_t i, cap = o->peers > 0 ? o->peers : HIST_PEERS;

	memset(h, 0, sizeof(*h));
	h->g = g;
	h->host = -1;
	for (i = 0; i < g->nnodes; i++) {
		w = graph_weight(g, g->nodes[i].out_packets,
		    g->nodes[i].out_bytes);
		if (w > best) {
			best = w;
			h->host = (long)i;
		}
	}
	if (h->host >= 0) {
		if ((h->peer = calloc(g->nedges, sizeof(*h->peer))) == NULL)
			return -1;
		for (i = 0; i < g->nedges; i++)
			if (g->edges[i].src == (size_t)h->host)
				h->peer[h->npeer++] = i;
		if (h->npeer > 0)
			qsort_r(h->peer, h->npeer, sizeof(*h->peer),
			    hist_cmp, (void *)g);
		if (h->npeer > cap)
			h->npeer = cap;
	}
	for (i = 0; i < h->npeer; i++) {
		w = graph_weight(g, g->edges[h->peer[i]].packets,
		    g->edges[h->peer[i]].bytes);
		if (w > h->max)
			h->max = w;
	}
	/* IP-Link's y scale for small counts; above, a 1-2-5 step. */
	m = h->max;
	if (m <= 100) {
		h->ylimit = m + 5;
		h->ystep = 5;
	} else if (m <= 200) {
		h->ylimit = m + 10;
		h->ystep = 10;
	} else if (m <= 600) {
		h->ylimit = m + 25;
		h->ystep = 25;
	} else if (m <= 800) {
		h->ylimit = m + 50;
		h->ystep = 50;
	} else {
		uint64_t p = 1;

		while (p <= m / 10)
			p *= 10;
		h->ystep = m / p >= 5 ? p : m / p >= 2 ? p / 2 : p / 5;
		if (h->ystep == 0)
			h->ystep = 1;
		h->ylimit = (m / h->ystep + 1) * h->ystep;
	}
	return 0;
}

static void
hist_text(cairo_t *cr, double x, double y, double angle, double align,
    const char *s)
{
	cairo_text_extents_t te;

	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_rotate(cr, angle);
	cairo_text_extents(cr, s, &te);
	cairo_move_to(cr, -te.x_advance * align, te.height / 2);
	cairo_show_text(cr, s);
	cairo_restore(cr);
}

static void
hist_draw(cairo_t *cr, void *arg)
{
	const struct hist *h = arg;
	const struct graph *g = h->g;
	const double left = 90, right = 30, top = 60, bottom = 170;
	const double pw = HIST_W - left - right, ph = HIST_H - top - bottom;
	char text[512];
	double slot, x, bh;
	uint64_t v, w;
	size_t i;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 16);
	if (h->host < 0)
		snprintf(text, sizeof(text), "no traffic");
	else
		snprintf(text, sizeof(text), "Peers contacted by %s",
		    g->nodes[h->host].label);
	hist_text(cr, HIST_W / 2.0, 25, 0, 0.5, text);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 11);
	/* Axes, ticks and grid. */
	cairo_set_line_width(cr, 1);
	for (v = 0; h->ylimit > 0 && v <= h->ylimit; v += h->ystep) {
		double y = top + ph - ph * (double)v / (double)h->ylimit;

		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_move_to(cr, left, y);
		cairo_line_to(cr, left + pw, y);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(text, sizeof(text), "%" PRIu64, v);
		hist_text(cr, left - 8, y, 0, 1, text);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, left, top);
	cairo_line_to(cr, left, top + ph);
	cairo_line_to(cr, left + pw, top + ph);
	cairo_stroke(cr);
	hist_text(cr, 22, top + ph / 2, -M_PI / 2, 0.5,
	    g->metric == QUERY_METRIC_BYTES ? "bytes" : "packets");
	if (h->npeer == 0)
		return;
	/* Bars: red, as IP-Link's were. */
	slot = pw / (double)h->npeer;
	for (i = 0; i < h->npeer; i++) {
		const struct graph_edge *e = &g->edges[h->peer[i]];

		w = graph_weight(g, e->packets, e->bytes);
		bh = ph * (double)w / (double)h->ylimit;
		x = left + slot * ((double)i + 0.5);
		cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
		cairo_rectangle(cr, x - slot * 0.35, top + ph - bh,
		    slot * 0.7, bh);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(text, sizeof(text), "%" PRIu64, w);
		hist_text(cr, x, top + ph - bh - 9, 0, 0.5, text);
		snprintf(text, sizeof(text), "%zu. %.60s", i + 1,
		    g->nodes[e->dst].label);
		hist_text(cr, x + 4, top + ph + 10, M_PI / 4, 0, text);
	}
}

static int
hist_render(const struct graph *g, const struct export_opts *o,
    const char *format, struct buf *out, char *err, size_t errlen)
{
	struct hist h;
	int rc;

	if (hist_build(g, o, &h) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = render_cairo(HIST_W, HIST_H, format, hist_draw, &h, out, err,
	    errlen);
	free(h.peer);
	return rc;
}

int
export_histogram_png(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	return hist_render(g, o, "png", out, err, errlen);
}

int
export_histogram_svg(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	return hist_render(g, o, "svg", out, err, errlen);
}

/* rank,host,peer,address,packets,bytes,weight: the bars' numbers. */
int
export_histogram_csv(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	struct hist h;
	size_t i;

	if (hist_build(g, o, &h) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	buf_puts(out, "rank,host,peer,address,packets,bytes,weight\n");
	for (i = 0; i < h.npeer; i++) {
		const struct graph_edge *e = &g->edges[h.peer[i]];

		buf_printf(out, "%zu,", i + 1);
		export_csv_field(out, g->nodes[e->src].label, ',');
		buf_putc(out, ',');
		export_csv_field(out, g->nodes[e->dst].label, ',');
		buf_printf(out, ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
		    g->nodes[e->dst].addr_text, e->packets, e->bytes,
		    graph_weight(g, e->packets, e->bytes));
	}
	free(h.peer);
	return 0;
}
