/* export_ports.c - the port-to-port ring: hosts, their ports, Bézier ribbons (PNG, SVG). */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "buf.h"
#include "decode.h"
#include "export.h"
#include "query.h"
#include "render.h"

/*
 * IP-Link's Bézier view (SEEDS-FORMATS 1.9): a 1100 px square; each host
 * an arc on the outer ring (radius 470) as wide as its share of the
 * traffic, each of its ports an arc inside it (420) split into the
 * traffic that came in (light) and went out (dark), each in/out arc cut
 * into one slot per link, and each TCP/UDP link a ribbon between its two
 * slots at radius 390: two quadratic Bézier curves sharing a control
 * point half way to the centre, on the bisector of the two slots'
 * mid-angles (IP-Link derived it from the arcs' sizes, which bends
 * ribbons the wrong way).  Other protocols have no ports and are left out.
 */
#define PORTS_SIZE	1100
#define PORTS_C		550.0
#define PORTS_R_IP	470.0
#define PORTS_R_PORT	420.0
#define PORTS_R_LINK	390.0

static const unsigned ports_palette[7][2] = {
	{ 0xff9900, 0xffcc99 }, { 0x0000ff, 0x9999ff }, { 0x00ff00, 0x99ff99 },
	{ 0xff0000, 0xff9999 }, { 0xffff00, 0xffff99 }, { 0x9900ff, 0x9999ff },
	{ 0x6699ff, 0x66ffff }
};

/* One port of one host, with its arcs (degrees, clockwise from +x). */
struct port {
	size_t		 node;
	unsigned	 port;
	uint64_t	 in;
	uint64_t	 out;
	unsigned	 colour;	/* palette index, restarting per host */
	double		 in_a0, in_a1, out_a0, out_a1;
	double		 in_next, out_next;	/* slot cursors */
};

/* One link with its two slots. */
struct link {
	size_t		 from;		/* struct port indices */
	size_t		 to;
	uint64_t	 w;
	double		 out_a0, out_a1;	/* on from's out arc */
	double		 in_a0, in_a1;		/* on to's in arc */
};

struct ring {
	const struct graph	*g;
	struct port		*ports;
	size_t			 nports;
	struct link		*links;
	size_t			 nlinks;
	double			*node_a0;	/* per node: its arc */
	double			*node_a1;
	uint64_t		 total;
};

static int
ports_cmp(const void *pa, const void *pb)
{
	const struct port *a = pa, *b = pb;

	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	return a->port < b->port ? -1 : a->port > b->port;
}

/* Within a host: ports that received first, then send-only ones. */
static int
ports_cmp_layout(const void *pa, const void *pb)
{
	const struct port *a = pa, *b = pb;
	int ia = a->in == 0, ib = b->in == 0;

	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	if (ia != ib)
		return ia - ib;
	return a->port < b->port ? -1 : a->port > b->port;
}

static long
ports_find(const struct ring *r, size_t node, unsigned port)
{
	struct port key;
	const struct port *p;
	size_t i;

	key.node = node;
	key.port = port;
	p = bsearch(&key, r->ports, r->nports, sizeof(key), ports_cmp);
	if (p == NULL)
		return -1;
	i = (size_t)(p - r->ports);
	return (long)i;
}

static int
ports_is_flow(const struct graph *g, const struct graph_flow *f)
{
	return (f->proto == IPG_PROTO_TCP || f->proto == IPG_PROTO_UDP) &&
	    graph_weight(g, f->packets, f->bytes) > 0;
}

static void
ring_free(struct ring *r)
{
	free(r->ports);
	free(r->links);
	free(r->node_a0);
	free(r->node_a1);
}

static int
ring_build(const struct graph *g, struct ring *r)
{
	size_t i, o, n = 0;
	struct port *p;
	double a, span, pa;
	uint64_t w, tot;
	long s, d;

	memset(r, 0, sizeof(*r));
	r->g = g;
	for (i = 0; i < g->nflows; i++)
		n += ports_is_flow(g, &g->flows[i]);
	if (n == 0)
		return 0;
	if ((r->ports = calloc(2 * n, sizeof(*r->ports))) == NULL ||
	    (r->links = calloc(n, sizeof(*r->links))) == NULL ||
	    (r->node_a0 = calloc(g->nnodes, sizeof(double))) == NULL ||
	    (r->node_a1 = calloc(g->nnodes, sizeof(double))) == NULL)
		return -1;
	/* Every (host, port) seen, merged: TCP and UDP share a number. */
	for (i = 0; i < g->nflows; i++) {
		const struct graph_flow *f = &g->flows[i];

		if (!ports_is_flow(g, f))
			continue;
		w = graph_weight(g, f->packets, f->bytes);
		r->ports[r->nports].node = f->src;
		r->ports[r->nports].port = f->sport;
		r->ports[r->nports++].out = w;
		r->ports[r->nports].node = f->dst;
		r->ports[r->nports].port = f->dport;
		r->ports[r->nports++].in = w;
		r->total += w;
	}
	qsort(r->ports, r->nports, sizeof(*r->ports), ports_cmp);
	for (i = 0, o = 0; i < r->nports; i++) {
		if (o > 0 && ports_cmp(&r->ports[o - 1], &r->ports[i]) == 0) {
			r->ports[o - 1].in += r->ports[i].in;
			r->ports[o - 1].out += r->ports[i].out;
		} else
			r->ports[o++] = r->ports[i];
	}
	r->nports = o;
	/* Lay out in display order, then sort back for lookups. */
	qsort(r->ports, r->nports, sizeof(*r->ports), ports_cmp_layout);
	a = 0;
	for (i = 0; i < r->nports; ) {
		size_t node = r->ports[i].node, j, k;

		for (j = i, tot = 0; j < r->nports &&
		    r->ports[j].node == node; j++)
			tot += r->ports[j].in + r->ports[j].out;
		/* Each link counts at both ends: the spans add up to 360. */
		span = (double)tot * 360.0 / (2.0 * (double)r->total);
		r->node_a0[node] = a;
		r->node_a1[node] = a + span;
		pa = a;
		for (k = i; k < j; k++) {
			p = &r->ports[k];
			p->colour = (unsigned)((k - i) % 7);
			p->in_a0 = pa;
			p->in_a1 = pa + span * (double)p->in / (double)tot;
			p->out_a0 = p->in_a1;
			p->out_a1 = p->in_a1 + span * (double)p->out /
			    (double)tot;
			p->in_next = p->in_a0;
			p->out_next = p->out_a0;
			pa = p->out_a1;
		}
		a += span;
		i = j;
	}
	qsort(r->ports, r->nports, sizeof(*r->ports), ports_cmp);
	/* Slots, in flow order at both ends. */
	for (i = 0; i < g->nflows; i++) {
		const struct graph_flow *f = &g->flows[i];
		struct link *l;
		struct port *ps, *pd;

		if (!ports_is_flow(g, f))
			continue;
		w = graph_weight(g, f->packets, f->bytes);
		s = ports_find(r, f->src, f->sport);
		d = ports_find(r, f->dst, f->dport);
		if (s < 0 || d < 0)
			continue;
		ps = &r->ports[s];
		pd = &r->ports[d];
		l = &r->links[r->nlinks++];
		l->from = (size_t)s;
		l->to = (size_t)d;
		l->w = w;
		l->out_a0 = ps->out_next;
		ps->out_next += (ps->out_a1 - ps->out_a0) * (double)w /
		    (double)ps->out;
		l->out_a1 = ps->out_next;
		l->in_a0 = pd->in_next;
		pd->in_next += (pd->in_a1 - pd->in_a0) * (double)w /
		    (double)pd->in;
		l->in_a1 = pd->in_next;
	}
	return 0;
}

static double
rad(double deg)
{
	return deg * M_PI / 180.0;
}

static void
ports_rgb(cairo_t *cr, unsigned rgb, double alpha)
{
	cairo_set_source_rgba(cr, ((rgb >> 16) & 0xff) / 255.0,
	    ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0, alpha);
}

/* A band between radii r0 and r1 from a0 to a1 degrees, filled. */
static void
ports_band(cairo_t *cr, double r0, double r1, double a0, double a1)
{
	cairo_new_path(cr);
	cairo_arc(cr, PORTS_C, PORTS_C, r1, rad(a0), rad(a1));
	cairo_arc_negative(cr, PORTS_C, PORTS_C, r0, rad(a1), rad(a0));
	cairo_close_path(cr);
	cairo_fill(cr);
}

static void
ports_tick(cairo_t *cr, double a, double r0, double r1)
{
	cairo_move_to(cr, PORTS_C + r0 * cos(rad(a)), PORTS_C + r0 *
	    sin(rad(a)));
	cairo_line_to(cr, PORTS_C + r1 * cos(rad(a)), PORTS_C + r1 *
	    sin(rad(a)));
}

/* Text along the radius at angle a, from radius r outwards. */
static void
ports_label(cairo_t *cr, double a, double r, const char *s)
{
	cairo_text_extents_t te;
	int flip = cos(rad(a)) < 0;

	cairo_save(cr);
	cairo_translate(cr, PORTS_C + r * cos(rad(a)), PORTS_C + r *
	    sin(rad(a)));
	cairo_rotate(cr, rad(flip ? a + 180 : a));
	cairo_text_extents(cr, s, &te);
	cairo_move_to(cr, flip ? -te.x_advance : 0, te.height / 2);
	cairo_show_text(cr, s);
	cairo_restore(cr);
}

/* Text across the radius, centred on angle a at radius r, upright. */
static void
ports_tangent(cairo_t *cr, double a, double r, const char *s)
{
	cairo_text_extents_t te;
	int flip = sin(rad(a)) > 0;

	cairo_save(cr);
	cairo_translate(cr, PORTS_C + r * cos(rad(a)), PORTS_C + r *
	    sin(rad(a)));
	cairo_rotate(cr, rad(flip ? a - 90 : a + 90));
	cairo_text_extents(cr, s, &te);
	cairo_move_to(cr, -te.x_advance / 2, flip ? te.height : 0);
	cairo_show_text(cr, s);
	cairo_restore(cr);
}

/* A point at radius r, angle a (degrees). */
static void
ports_pt(double r, double a, double *x, double *y)
{
	*x = PORTS_C + r * cos(rad(a));
	*y = PORTS_C + r * sin(rad(a));
}

/* A quadratic Bézier from the current point through control q to p2. */
static void
ports_quad(cairo_t *cr, double x0, double y0, double qx, double qy,
    double x2, double y2)
{
	cairo_curve_to(cr, x0 + 2.0 / 3.0 * (qx - x0), y0 + 2.0 / 3.0 *
	    (qy - y0), x2 + 2.0 / 3.0 * (qx - x2), y2 + 2.0 / 3.0 * (qy - y2),
	    x2, y2);
}

static void
ports_draw(cairo_t *cr, void *arg)
{
	const struct ring *r = arg;
	const struct graph *g = r->g;
	char text[128];
	size_t i;

	cairo_set_source_rgba(cr, 1, 1, 1, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_NORMAL);
	if (r->total == 0) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_font_size(cr, 18);
		ports_tangent(cr, -90, 0, "no TCP or UDP traffic");
		return;
	}
	/* Ribbons first, so the rings sit on top of their ends. */
	cairo_set_line_width(cr, 0.5);
	for (i = 0; i < r->nlinks; i++) {
		const struct link *l = &r->links[i];
		double m1 = (l->in_a0 + l->in_a1) / 2;
		double m2 = (l->out_a0 + l->out_a1) / 2;
		double vx = cos(rad(m1)) + cos(rad(m2));
		double vy = sin(rad(m1)) + sin(rad(m2));
		double mid, qx, qy, x0, y0, x1, y1, x2, y2, x3, y3;

		/* Opposite slots have no bisector: go through the middle. */
		mid = hypot(vx, vy) < 1e-9 ? m1 + 90 : atan2(vy, vx) * 180 /
		    M_PI;
		ports_pt(0.5 * PORTS_R_LINK, mid, &qx, &qy);
		ports_pt(PORTS_R_LINK, l->in_a0, &x0, &y0);
		ports_pt(PORTS_R_LINK, l->out_a1, &x1, &y1);
		ports_pt(PORTS_R_LINK, l->out_a0, &x2, &y2);
		ports_pt(PORTS_R_LINK, l->in_a1, &x3, &y3);
		cairo_new_path(cr);
		cairo_move_to(cr, x0, y0);
		ports_quad(cr, x0, y0, qx, qy, x1, y1);
		cairo_line_to(cr, x2, y2);
		ports_quad(cr, x2, y2, qx, qy, x3, y3);
		cairo_close_path(cr);
		ports_rgb(cr, ports_palette[r->ports[l->from].colour][0], 0.6);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_stroke(cr);
	}
	/* Link slots: incoming in the remote port's colour, outgoing in
	 * the port's own. */
	for (i = 0; i < r->nlinks; i++) {
		const struct link *l = &r->links[i];

		ports_rgb(cr, ports_palette[r->ports[l->from].colour][0], 1);
		ports_band(cr, PORTS_R_LINK, PORTS_R_LINK + 12, l->out_a0,
		    l->out_a1);
		ports_band(cr, PORTS_R_LINK, PORTS_R_LINK + 12, l->in_a0,
		    l->in_a1);
	}
	/* Port arcs: in light, out dark, with labels where they fit. */
	cairo_set_font_size(cr, 9);
	for (i = 0; i < r->nports; i++) {
		const struct port *p = &r->ports[i];

		ports_rgb(cr, ports_palette[p->colour][1], 1);
		ports_band(cr, PORTS_R_PORT - 15, PORTS_R_PORT + 15, p->in_a0,
		    p->in_a1);
		ports_rgb(cr, ports_palette[p->colour][0], 1);
		ports_band(cr, PORTS_R_PORT - 15, PORTS_R_PORT + 15,
		    p->out_a0, p->out_a1);
		cairo_set_source_rgb(cr, 0, 0, 0);
		if (p->in_a1 - p->in_a0 >= 2.0) {
			snprintf(text, sizeof(text), "%u in", p->port);
			ports_label(cr, (p->in_a0 + p->in_a1) / 2,
			    PORTS_R_PORT - 12, text);
		}
		if (p->out_a1 - p->out_a0 >= 2.0) {
			snprintf(text, sizeof(text), "%u out", p->port);
			ports_label(cr, (p->out_a0 + p->out_a1) / 2,
			    PORTS_R_PORT - 12, text);
		}
	}
	/* Host arcs and their labels. */
	cairo_set_font_size(cr, 12);
	for (i = 0; i < g->nnodes; i++) {
		double a0 = r->node_a0[i], a1 = r->node_a1[i];

		if (a1 <= a0)
			continue;
		ports_rgb(cr, ports_palette[i % 7][0], 1);
		ports_band(cr, PORTS_R_IP - 12, PORTS_R_IP + 12, a0, a1);
		cairo_set_source_rgb(cr, 0, 0, 0);
		ports_tangent(cr, (a0 + a1) / 2, PORTS_R_IP + 20,
		    g->nodes[i].label);
	}
	/* Black radial ticks at every boundary, ring down to the links. */
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 1);
	for (i = 0; i < r->nports; i++) {
		ports_tick(cr, r->ports[i].in_a0, PORTS_R_LINK,
		    PORTS_R_IP + 12);
		ports_tick(cr, r->ports[i].out_a0, PORTS_R_LINK,
		    PORTS_R_PORT + 15);
	}
	cairo_stroke(cr);
}

static int
ports_render(const struct graph *g, const char *format, struct buf *out,
    char *err, size_t errlen)
{
	struct ring r;
	int rc;

	if (ring_build(g, &r) < 0) {
		ring_free(&r);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = render_cairo(PORTS_SIZE, PORTS_SIZE, format, ports_draw, &r, out,
	    err, errlen);
	ring_free(&r);
	return rc;
}

int
export_ports_png(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	(void)o;
	return ports_render(g, "png", out, err, errlen);
}

int
export_ports_svg(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	(void)o;
	return ports_render(g, "svg", out, err, errlen);
}
