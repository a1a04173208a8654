/* export_histogram.c - one host's heaviest peers as a bar chart (PNG, SVG, CSV). */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>

#include "buf.h"
#include "export.h"
#include "export_csv.h"
#include "graph.h"
#include "picnote.h"
#include "query.h"
#include "render.h"

#define HIST_PEERS	10
#define HIST_W		900
#define HIST_PH		370	/* plot height */
#define HIST_TOP	78	/* title, subtitle, room for bar values */
#define HIST_LABEL_MAX	230.0	/* longest x label, px; longer: cut */
#define HIST_TICK_GAP	8.0

struct hist {
	const struct graph	*g;
	long			 host;		/* node index, -1: none */
	size_t			*peer;		/* edge indices, heaviest first */
	size_t			 npeer;
	size_t			 allpeers;	/* before the cut */
	uint64_t		 sent;		/* the host's total weight out */
	uint64_t		 shown;		/* over the bars */
	uint64_t		 max;
	uint64_t		 ylimit;
	uint64_t		 ystep;
	/* Layout, measured before drawing (hist_measure). */
	char			 title[512];
	char			 sub[512];
	char			(*xlab)[256];	/* per bar */
	int			 rotate;	/* x labels at -45 degrees */
	double			 left, bottom, height, title_size;
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

/* "2009-01-16 00:03:00" (UTC, whole seconds) into out (>= 20 bytes). */
static void
hist_time(int64_t us, char *out, size_t len)
{
	time_t t = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, len, "?");
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
	h->sent = best;
	if (h->host >= 0) {
		if ((h->peer = calloc(g->nedges, sizeof(*h->peer))) == NULL)
			return -1;
		for (i = 0; i < g->nedges; i++)
			if (g->edges[i].src == (size_t)h->host)
				h->peer[h->npeer++] = i;
		if (h->npeer > 0)
			qsort_r(h->peer, h->npeer, sizeof(*h->peer),
			    hist_cmp, (void *)g);
		h->allpeers = h->npeer;
		if (h->npeer > cap)
			h->npeer = cap;
	}
	for (i = 0; i < h->npeer; i++) {
		w = graph_weight(g, g->edges[h->peer[i]].packets,
		    g->edges[h->peer[i]].bytes);
		h->shown += w;
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

/* Unhinted advances, as the SVG surface has them: PNG and SVG agree. */
static void
hist_font(cairo_t *cr, int bold, double size)
{
	cairo_font_options_t *fo = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static double
hist_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t te;

	cairo_text_extents(cr, s, &te);
	return te.x_advance;
}

/*
 * Cut the middle out of s (UTF-8) until it fits max pixels, putting an
 * ellipsis there: names differ at their start, addresses at their end.
 */
static void
hist_fit(cairo_t *cr, char *s, double max)
{
	char orig[512];
	size_t len = strlen(s), keep, head, tail;

	if (hist_width(cr, s) <= max || len >= sizeof(orig))
		return;
	memcpy(orig, s, len + 1);
	for (keep = len - 1; keep > 0; keep--) {
		head = (keep + 1) / 2;
		tail = keep - head;
		while (head > 0 && ((unsigned char)orig[head] & 0xc0) == 0x80)
			head--;
		while (tail > 0 && ((unsigned char)orig[len - tail] & 0xc0) ==
		    0x80)
			tail--;
		memcpy(s, orig, head);
		memcpy(s + head, "\xe2\x80\xa6", 3);
		memcpy(s + head + 3, orig + len - tail, tail + 1);
		if (hist_width(cr, s) <= max)
			return;
	}
	memcpy(s, "\xe2\x80\xa6", 4);
}

/*
 * Everything whose size decides the picture's: the title and subtitle
 * (host, metric, span in UTC, what the bars hold), the x labels (cut to
 * HIST_LABEL_MAX; upright when each fits its bar, else at -45 degrees,
 * ending under their bar), and from them the left margin (y ticks, the
 * first rotated label), the bottom margin and the height.  Nothing is
 * drawn outside the picture.
 */
static void
hist_measure(cairo_t *cr, struct hist *h)
{
	const struct graph *g = h->g;
	const char *unit = g->metric == QUERY_METRIC_BYTES ? "bytes" :
	    "packets";
	char t0[32], t1[32], text[64];
	double w, wmax = 0, slot, need;
	size_t i;
	int pass;

	if (g->nnodes == 0) {
		snprintf(h->title, sizeof(h->title), "No traffic");
		snprintf(h->sub, sizeof(h->sub), "no windows match the "
		    "query");
	} else if (h->host < 0) {
		snprintf(h->title, sizeof(h->title), "No host sent any %s",
		    unit);
		hist_time(g->first_us, t0, sizeof(t0));
		hist_time(g->last_us, t1, sizeof(t1));
		snprintf(h->sub, sizeof(h->sub), "%s to %s UTC", t0, t1);
	} else {
		const char *host = g->nodes[h->host].label;

		if (h->npeer < h->allpeers)
			snprintf(h->title, sizeof(h->title), "%s sent by "
			    "%.200s to its top %zu of %zu peers", unit, host,
			    h->npeer, h->allpeers);
		else
			snprintf(h->title, sizeof(h->title), "%s sent by "
			    "%.200s to each of its %zu peer%s", unit, host,
			    h->npeer, h->npeer == 1 ? "" : "s");
		h->title[0] = (char)(h->title[0] - 'a' + 'A');
		hist_time(g->first_us, t0, sizeof(t0));
		hist_time(g->last_us, t1, sizeof(t1));
		snprintf(h->sub, sizeof(h->sub), "%s to %s UTC; the bars hold "
		    "%" PRIu64 " of the %" PRIu64 " %s it sent (%.1f%%)", t0,
		    t1, h->shown, h->sent, unit, h->sent > 0 ?
		    100.0 * (double)h->shown / (double)h->sent : 0.0);
	}
	/* A title wider than the picture gets a smaller font, then cut. */
	h->title_size = 16;
	hist_font(cr, 1, h->title_size);
	while (hist_width(cr, h->title) > HIST_W - 20 && h->title_size > 11)
		hist_font(cr, 1, --h->title_size);
	hist_fit(cr, h->title, HIST_W - 20);
	hist_font(cr, 0, 11);
	hist_fit(cr, h->sub, HIST_W - 20);
	/* Left: the widest y tick and the axis title beside it. */
	snprintf(text, sizeof(text), "%" PRIu64, h->ylimit);
	h->left = hist_width(cr, text) + HIST_TICK_GAP + 40;
	if (h->left < 70)
		h->left = 70;
	for (i = 0; i < h->npeer; i++) {
		const struct graph_edge *e = &g->edges[h->peer[i]];

		snprintf(h->xlab[i], sizeof(h->xlab[0]), "%zu. %s", i + 1,
		    g->nodes[e->dst].label);
		hist_fit(cr, h->xlab[i], HIST_LABEL_MAX);
		if ((w = hist_width(cr, h->xlab[i])) > wmax)
			wmax = w;
	}
	h->bottom = 50;
	if (h->npeer == 0) {
		h->height = HIST_TOP + HIST_PH + h->bottom;
		return;
	}
	/* Two passes: the left margin moves the slots, and with them what
	 * the first rotated label needs on its left. */
	for (pass = 0; pass < 2; pass++) {
		slot = (HIST_W - h->left - 20) / (double)h->npeer;
		h->rotate = wmax > slot - 6;
		if (!h->rotate)
			break;
		for (i = 0; i < h->npeer; i++) {
			need = hist_width(cr, h->xlab[i]) * M_SQRT1_2 + 12 -
			    slot * ((double)i + 0.5);
			if (need > h->left)
				h->left = need;
		}
	}
	if (h->rotate)
		h->bottom = wmax * M_SQRT1_2 + 12 + 40;
	h->height = ceil(HIST_TOP + HIST_PH + h->bottom);
}

/* s at (x, y) turned by angle, align 0 left .. 1 right, centred in height. */
static void
hist_text(cairo_t *cr, double x, double y, double angle, double align,
    const char *s)
{
	cairo_text_extents_t te;

	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_rotate(cr, angle);
	cairo_text_extents(cr, s, &te);
	cairo_move_to(cr, -te.x_advance * align, -(te.y_bearing +
	    te.height / 2));
	cairo_show_text(cr, s);
	cairo_restore(cr);
}

static void
hist_draw(cairo_t *cr, void *arg)
{
	const struct hist *h = arg;
	const struct graph *g = h->g;
	const double left = h->left, top = HIST_TOP, ph = HIST_PH;
	const double pw = HIST_W - left - 20;
	char text[512];
	double slot, x, bh;
	uint64_t v, w;
	size_t i;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	hist_font(cr, 1, h->title_size);
	hist_text(cr, HIST_W / 2.0, 22, 0, 0.5, h->title);
	hist_font(cr, 0, 11);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	hist_text(cr, HIST_W / 2.0, 44, 0, 0.5, h->sub);
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
		hist_text(cr, left - HIST_TICK_GAP, y, 0, 1, text);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, left, top);
	cairo_line_to(cr, left, top + ph);
	cairo_line_to(cr, left + pw, top + ph);
	cairo_stroke(cr);
	if (h->ylimit > 0)
		hist_text(cr, 16, top + ph / 2, -M_PI / 2, 0.5,
		    g->metric == QUERY_METRIC_BYTES ? "bytes sent" :
		    "packets sent");
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
		if (h->rotate)
			hist_text(cr, x + 3, top + ph + 12, -M_PI / 4, 1,
			    h->xlab[i]);
		else
			hist_text(cr, x, top + ph + 14, 0, 0.5, h->xlab[i]);
	}
	hist_text(cr, left + pw / 2, h->height - 16, 0, 0.5,
	    "peer (rank. name or address)");
}

/*
 * The picture, then the title and subtitle for programs: an SVG <title>
 * and <desc>, a PNG iTXt "Title" and "Description" (render_annotate).
 */
static int
hist_render(const struct graph *g, const struct export_opts *o,
    const char *format, struct buf *out, char *err, size_t errlen)
{
	struct buf pic = BUF_INIT;
	cairo_surface_t *sf;
	cairo_t *cr;
	struct hist h;
	int rc = -1;

	if (hist_build(g, o, &h) < 0 ||
	    (h.xlab = calloc(h.npeer + 1, sizeof(*h.xlab))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	cr = cairo_create(sf);
	hist_measure(cr, &h);
	cairo_destroy(cr);
	cairo_surface_destroy(sf);
	if (render_cairo(HIST_W, (int)h.height, format, PNGOUT_CHART,
	    hist_draw, &h, &pic, err, errlen) < 0)
		goto done;
	picnote_add(strcmp(format, "svg") == 0, h.title, h.sub, &pic, out);
	rc = 0;
done:
	buf_free(&pic);
	free(h.xlab);
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
