/* export_ports.c - the port-to-port ring: hosts, their ports, Bézier ribbons (PNG, SVG). */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "buf.h"
#include "decode.h"
#include "export.h"
#include "graph.h"
#include "picnote.h"
#include "query.h"
#include "render.h"
#include "services.h"

/*
 * IP-Link's Bézier view (SEEDS-FORMATS 1.9): a 1100 px square; each host
 * an arc on the outer ring (radius 470) as wide as its share of the
 * traffic, each of its ports an arc inside it (420) split into the
 * traffic that came in (light) and went out (dark), each in/out arc cut
 * into one slot per ribbon, and each ribbon a band between its two slots
 * at radius 390: two quadratic Bézier curves sharing a control point half
 * way to the centre, on the bisector of the two slots' mid-angles
 * (IP-Link derived it from the arcs' sizes, which bends ribbons the wrong
 * way).  Other protocols have no ports and are left out.
 *
 * What is drawn is bounded by the picture, not by the flows: IP-Link drew
 * a ribbon per flow, and a day of a busy network (a million flows) then
 * cost a minute and a half in pixman for a picture black with outlines.
 * Every unit of weight takes the same angle (180° / total, as each flow
 * counts at both ends), so the layout is exact whatever is folded:
 *   - a ribbon per pair of port arcs (TCP and UDP flows between the same
 *     ports share it), while there are at most PORTS_MAX_RIBBONS pairs;
 *     beyond, arcs narrower than a sector are grouped by sector (0.25°,
 *     then coarser until the pairs fit), and a ribbon joins two groups.
 *     The ribbon ends tile their arc or group, ordered by where the other
 *     end is (fewer crossings), each as wide as its weight: the ribbons
 *     still carry the whole total;
 *     A ribbon takes its source port's colour, or grey from a group;
 *     grouped ribbons are outlined only when wide enough to show it;
 *   - on a ring with more arcs than PORTS_MAX_ARCS, runs of arcs each
 *     narrower than PORTS_MIN_DEG (2 px) are one grey band (on the host
 *     ring at most PORTS_HOST_RUN wide, labelled with its first and last
 *     host); wider arcs keep their colour, ticks and labels;
 *   - labels go widest band first where they overlap none already
 *     drawn.
 * A legend in the corner gives the totals and says what was folded; the
 * same lines go into the file (SVG <desc>, PNG iTXt "Description") so a
 * program can read them.  Rejected: dropping the thinnest ribbons (the
 * picture would no longer add up), and folding hosts into an "other" arc
 * (it moves every port, and --top --other already does that on request).
 */
#define PORTS_SIZE	1100
#define PORTS_C		550.0
#define PORTS_R_IP	470.0
#define PORTS_R_PORT	420.0
#define PORTS_R_LINK	390.0
#define PORTS_MIN_DEG	0.25	/* narrowest arc drawn alone: 2 px */
#define PORTS_MAX_ARCS	1440	/* 360 / PORTS_MIN_DEG: above, fold */
#define PORTS_HOST_RUN	45.0	/* widest grey host run: room for a label
				   naming its first and last host */
#define PORTS_MAX_RIBBONS 1000
#define PORTS_OUTLINE_DEG 1.0	/* grouped ribbons outlined from 7 px */
#define PORTS_HASH	4096	/* > 2 * PORTS_MAX_RIBBONS, power of 2 */
#define PORTS_LABEL_TRY	512	/* host labels measured, heaviest first */
#define PORTS_GREY	0xaaaaaa
#define PORTS_LEGEND	5	/* lines */
#define PORTS_KEY	4	/* colour key lines */
#define PORTS_KEY_H	80	/* the key's band under the ring */

static const unsigned ports_palette[7][2] = {
	{ 0xff9900, 0xffcc99 }, { 0x0000ff, 0x9999ff }, { 0x00ff00, 0x99ff99 },
	{ 0xff0000, 0xff9999 }, { 0xffff00, 0xffff99 }, { 0x9900ff, 0x9999ff },
	{ 0x6699ff, 0x66ffff }
};

/* Sectors tried for grouping narrow arcs, finest first; 0: no grouping. */
static const double ports_sectors[] = {
	0, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 360
};

/*
 * One port of one host, with its arcs (degrees, clockwise from +x).  Arc
 * 2i is port i's in arc, 2i + 1 its out arc; ports are in ring order, so
 * arcs are too.
 */
struct port {
	size_t		 node;
	unsigned	 port;
	uint64_t	 in;
	uint64_t	 out;
	unsigned	 colour;	/* palette index, restarting per host */
	double		 in_a0, in_a1, out_a0, out_a1;
	size_t		 seen;		/* order of first sight */
};

/* One TCP/UDP flow: its two ports (indices into ring.ports). */
struct link {
	size_t		 from;
	size_t		 to;
	uint64_t	 w;
};

/* A band on a ring: one arc, or a grey run of n narrow ones. */
struct band {
	double		 a0, a1;
	unsigned	 rgb;
	size_t		 n;
	size_t		 item;		/* the port or host (the first) */
	size_t		 last;		/* the last one folded */
	int		 out;		/* port ring: the out arc */
	int		 start;		/* port ring: starts a port */
};

/* A ribbon between two segments (arcs or groups), and its two ends. */
struct ribbon {
	size_t		 so, si;	/* segments: source, destination */
	uint64_t	 w;
	unsigned	 rgb;		/* the source port's, or grey */
	double		 out_a0, out_a1, in_a0, in_a1;
};

struct ring {
	const struct graph	*g;
	struct port		*ports;		/* ring order */
	size_t			 nports;
	struct link		*links;
	size_t			 nlinks;
	double			*node_a0;	/* per node: its arc */
	double			*node_a1;
	size_t			 nhosts;	/* nodes with an arc */
	uint64_t		 total;
	double			 deg;		/* degrees per unit: 180/total */
	struct band		*hbands;	/* host ring */
	size_t			 nhbands;
	size_t			 hfolded;	/* hosts in grey runs */
	struct band		*pbands;	/* port ring */
	size_t			 npbands;
	size_t			 pfolded;	/* arcs in grey runs */
	struct ribbon		*ribbons;
	size_t			 nribbons;
	double			 sector;	/* 0: a ribbon per port pair */
	uint64_t		 carried;	/* weight over the ribbons */
	size_t			 labelled;	/* host labels drawn */
	char			 legend[PORTS_LEGEND][192];
	size_t			 nlegend;
	char			 key[PORTS_KEY][192];
	size_t			 nkey;
};

/*
 * The ports seen so far: (node, port) to an index into ports, by open
 * addressing.  Sorting the flows' 2n ends instead cost a third of a second
 * for a million flows; the distinct ports are few and their table stays
 * in cache.
 */
struct portmap {
	uint64_t	*keys;		/* node << 16 | port, plus 1; 0: free */
	size_t		*idx;
	size_t		 nslot;		/* a power of 2 */
	struct port	*ports;		/* in order of first sight */
	size_t		 n;
};

/* A ribbon end while ends are laid out in their segment. */
struct end {
	size_t		 seg;
	double		 delta;		/* other end's segment, clockwise */
	size_t		 rib;
	int		 in;
};

static int
ports_is_flow(const struct graph *g, const struct graph_flow *f)
{
	return (f->proto == IPG_PROTO_TCP || f->proto == IPG_PROTO_UDP) &&
	    graph_weight(g, f->packets, f->bytes) > 0;
}

/* Ring order: by host; receivers first, then send-only; by number. */
static int
ports_cmp_ring(const void *pa, const void *pb)
{
	const struct port *a = pa, *b = pb;
	int ia = a->in == 0, ib = b->in == 0;

	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	if (ia != ib)
		return ia - ib;
	return a->port < b->port ? -1 : a->port > b->port;
}

static int
end_cmp(const void *pa, const void *pb)
{
	const struct end *a = pa, *b = pb;

	if (a->seg != b->seg)
		return a->seg < b->seg ? -1 : 1;
	if (a->delta != b->delta)
		return a->delta > b->delta ? -1 : 1;
	if (a->rib != b->rib)
		return a->rib < b->rib ? -1 : 1;
	return a->in - b->in;
}

static void
ring_free(struct ring *r)
{
	free(r->ports);
	free(r->links);
	free(r->node_a0);
	free(r->node_a1);
	free(r->hbands);
	free(r->pbands);
	free(r->ribbons);
}

static size_t
portmap_slot(const struct portmap *m, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) &
	    (m->nslot - 1);

	while (m->keys[i] != 0 && m->keys[i] != key)
		i = (i + 1) & (m->nslot - 1);
	return i;
}

/*
 * The index of (node, port) in m->ports, added (zeroed) if new; may
 * reallocate m's arrays.  -1 out of memory.
 */
static long
portmap_get(struct portmap *m, size_t node, unsigned port)
{
	uint64_t key = ((uint64_t)node << 16 | (port & 0xffff)) + 1;
	size_t i, j, nslot;

	if (2 * (m->n + 1) > m->nslot) {
		struct portmap g = *m;

		nslot = m->nslot == 0 ? 1024 : 2 * m->nslot;
		g.nslot = nslot;
		if ((g.keys = calloc(nslot, sizeof(*g.keys))) == NULL ||
		    (g.idx = calloc(nslot, sizeof(*g.idx))) == NULL ||
		    (g.ports = reallocarray(m->ports, nslot / 2,
		    sizeof(*g.ports))) == NULL) {
			free(g.keys);
			free(g.idx);
			return -1;
		}
		for (i = 0; i < m->nslot; i++)
			if (m->keys[i] != 0) {
				j = portmap_slot(&g, m->keys[i]);
				g.keys[j] = m->keys[i];
				g.idx[j] = m->idx[i];
			}
		free(m->keys);
		free(m->idx);
		*m = g;
	}
	i = portmap_slot(m, key);
	if (m->keys[i] == 0) {
		m->keys[i] = key;
		m->idx[i] = m->n;
		memset(&m->ports[m->n], 0, sizeof(m->ports[0]));
		m->ports[m->n].node = node;
		m->ports[m->n].port = port & 0xffff;
		m->ports[m->n].seen = m->n;
		m->n++;
	}
	return (long)m->idx[i];
}

/*
 * The ports of the flows: every (host, port) seen, merged (TCP and UDP
 * share a number), into r->ports in ring order (ports_cmp_ring), and
 * r->links (one per TCP/UDP flow) pointing at them.  0, or -1 out of
 * memory.
 */
static int
ring_ports(struct ring *r)
{
	const struct graph *g = r->g;
	struct portmap m;
	size_t i, *rank = NULL;
	long s, d;
	int rc = -1;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < g->nflows; i++) {
		const struct graph_flow *f = &g->flows[i];
		struct link *l = &r->links[r->nlinks];

		if (!ports_is_flow(g, f))
			continue;
		if ((s = portmap_get(&m, f->src, f->sport)) < 0 ||
		    (d = portmap_get(&m, f->dst, f->dport)) < 0)
			goto done;
		l->from = (size_t)s;
		l->to = (size_t)d;
		l->w = graph_weight(g, f->packets, f->bytes);
		m.ports[s].out += l->w;
		m.ports[d].in += l->w;
		r->total += l->w;
		r->nlinks++;
	}
	/* The distinct ports are few: sort them, then renumber the links. */
	qsort(m.ports, m.n, sizeof(*m.ports), ports_cmp_ring);
	if ((rank = calloc(m.n, sizeof(*rank))) == NULL)
		goto done;
	for (i = 0; i < m.n; i++)
		rank[m.ports[i].seen] = i;
	for (i = 0; i < r->nlinks; i++) {
		r->links[i].from = rank[r->links[i].from];
		r->links[i].to = rank[r->links[i].to];
	}
	r->ports = m.ports;
	r->nports = m.n;
	m.ports = NULL;
	rc = 0;
done:
	free(m.keys);
	free(m.idx);
	free(m.ports);
	free(rank);
	return rc;
}

/*
 * Arcs: every unit of weight takes r->deg degrees at each end, hosts in
 * node order from angle 0, their ports inside them in ring order.
 */
static void
ring_layout(struct ring *r)
{
	size_t i, j, k;
	double a = 0, pa;
	struct port *p;

	for (i = 0; i < r->nports; i = j) {
		size_t node = r->ports[i].node;
		uint64_t tot = 0;

		for (j = i; j < r->nports && r->ports[j].node == node; j++)
			tot += r->ports[j].in + r->ports[j].out;
		r->node_a0[node] = a;
		r->node_a1[node] = a + (double)tot * r->deg;
		r->nhosts++;
		pa = a;
		for (k = i; k < j; k++) {
			p = &r->ports[k];
			p->colour = (unsigned)((k - i) % 7);
			p->in_a0 = pa;
			p->in_a1 = pa + (double)p->in * r->deg;
			p->out_a0 = p->in_a1;
			p->out_a1 = p->in_a1 + (double)p->out * r->deg;
			pa = p->out_a1;
		}
		a = r->node_a1[node];
	}
}

/*
 * Fold b[0..n) (a ring's arcs in angle order, none empty) in place when
 * fold is set: each run of two or more arcs, each narrower than
 * PORTS_MIN_DEG, becomes one grey band, at most maxrun degrees wide.
 * Returns the bands left; *folded is the number of arcs in grey runs.
 */
static size_t
ring_fold(struct band *b, size_t n, int fold, double maxrun, size_t *folded)
{
	size_t i, j, o = 0;

	*folded = 0;
	for (i = 0; i < n; i = j) {
		j = i + 1;
		if (fold && b[i].a1 - b[i].a0 < PORTS_MIN_DEG)
			while (j < n && b[j].a1 - b[j].a0 < PORTS_MIN_DEG &&
			    b[j].a1 - b[i].a0 <= maxrun)
				j++;
		b[o] = b[i];
		if (j - i > 1) {
			b[o].a1 = b[j - 1].a1;
			b[o].last = b[j - 1].item;
			b[o].rgb = PORTS_GREY;
			b[o].n = j - i;
			*folded += j - i;
		}
		o++;
	}
	return o;
}

/* The host and port rings' bands.  0, or -1 out of memory. */
static int
ring_bands(struct ring *r)
{
	const struct graph *g = r->g;
	struct band *b;
	size_t i, n;

	if ((r->hbands = calloc(r->nhosts, sizeof(*b))) == NULL ||
	    (r->pbands = calloc(2 * r->nports, sizeof(*b))) == NULL)
		return -1;
	for (i = 0, n = 0; i < g->nnodes; i++) {
		if (r->node_a1[i] <= r->node_a0[i])
			continue;
		b = &r->hbands[n++];
		b->a0 = r->node_a0[i];
		b->a1 = r->node_a1[i];
		b->rgb = ports_palette[i % 7][0];
		b->n = 1;
		b->item = i;
		b->last = i;
	}
	r->nhbands = ring_fold(r->hbands, n, n > PORTS_MAX_ARCS,
	    PORTS_HOST_RUN, &r->hfolded);
	for (i = 0, n = 0; i < r->nports; i++) {
		const struct port *p = &r->ports[i];

		if (p->in > 0) {
			b = &r->pbands[n++];
			b->a0 = p->in_a0;
			b->a1 = p->in_a1;
			b->rgb = ports_palette[p->colour][1];
			b->n = 1;
			b->item = i;
			b->start = 1;
		}
		if (p->out > 0) {
			b = &r->pbands[n++];
			b->a0 = p->out_a0;
			b->a1 = p->out_a1;
			b->rgb = ports_palette[p->colour][0];
			b->n = 1;
			b->item = i;
			b->out = 1;
			b->start = p->in == 0;
		}
	}
	r->npbands = ring_fold(r->pbands, n, n > PORTS_MAX_ARCS, 360,
	    &r->pfolded);
	return 0;
}

/*
 * Cut the arcs into segments for a sector s: an arc at least s wide is a
 * segment by itself; narrower arcs next to each other whose middles fall
 * in the same s-degree sector form one.  s == 0: every arc is one.  Fills
 * seg (per arc), and a0, a1 and one (whether it is a single arc) per
 * segment; returns the number of segments.
 */
static size_t
ring_segments(const struct ring *r, double s, size_t *seg, double *a0,
    double *a1, unsigned char *one)
{
	size_t i, n = 0;
	long sector, prev = -1;

	for (i = 0; i < 2 * r->nports; i++) {
		const struct port *p = &r->ports[i / 2];
		double x0 = i & 1 ? p->out_a0 : p->in_a0;
		double x1 = i & 1 ? p->out_a1 : p->in_a1;

		if (x1 <= x0) {
			seg[i] = 0;	/* no flow ends on an empty arc */
			continue;
		}
		if (s == 0 || x1 - x0 >= s) {
			a0[n] = x0;
			a1[n] = x1;
			one[n] = 1;
			seg[i] = n++;
			prev = -1;
			continue;
		}
		sector = (long)((x0 + x1) / 2 / s);
		if (sector != prev) {
			a0[n] = x0;
			one[n] = 1;
			n++;
		} else
			one[n - 1] = 0;
		a1[n - 1] = x1;
		seg[i] = n - 1;
		prev = sector;
	}
	return n;
}

/*
 * One ribbon per (source segment, destination segment) of the links,
 * into rb (room for PORTS_MAX_RIBBONS), with weights summed; coloured as
 * its source port, or grey from a group of arcs.  Returns how many, or
 * PORTS_MAX_RIBBONS + 1 as soon as there would be more.
 */
static size_t
ring_pairs(const struct ring *r, const size_t *seg, const unsigned char *one,
    struct ribbon *rb)
{
	int32_t table[PORTS_HASH];
	size_t i, n = 0;

	memset(table, 0xff, sizeof(table));
	for (i = 0; i < r->nlinks; i++) {
		const struct link *l = &r->links[i];
		size_t so = seg[2 * l->from + 1], si = seg[2 * l->to];
		uint64_t h = ((uint64_t)so * 0x9e3779b97f4a7c15ULL) ^
		    ((uint64_t)si * 0xc2b2ae3d27d4eb4fULL);
		size_t slot = (size_t)(h >> 40) & (PORTS_HASH - 1);
		struct ribbon *x;

		while (table[slot] >= 0 && (rb[table[slot]].so != so ||
		    rb[table[slot]].si != si))
			slot = (slot + 1) & (PORTS_HASH - 1);
		if (table[slot] < 0) {
			if (n == PORTS_MAX_RIBBONS)
				return PORTS_MAX_RIBBONS + 1;
			table[slot] = (int32_t)n;
			memset(&rb[n], 0, sizeof(rb[n]));
			rb[n].so = so;
			rb[n].si = si;
			rb[n].rgb = one[so] ? ports_palette[
			    r->ports[l->from].colour][0] : PORTS_GREY;
			n++;
		}
		x = &rb[table[slot]];
		x->w += l->w;
	}
	return n;
}

/*
 * The ribbons: the finest sector whose pairs fit, then each segment's
 * ribbon ends laid side by side across it, ordered by where the other
 * end is, clockwise from the segment (so neighbours' ribbons do not
 * cross).  0, or -1 out of memory.
 */
static int
ring_ribbons(struct ring *r)
{
	size_t narcs = 2 * r->nports, i, n = 0, s;
	size_t *seg = NULL;
	double *a0 = NULL, *a1 = NULL, cur = 0;
	unsigned char *one = NULL;
	struct end *ends = NULL;
	int rc = -1;

	if ((seg = calloc(narcs, sizeof(*seg))) == NULL ||
	    (a0 = calloc(narcs, sizeof(*a0))) == NULL ||
	    (a1 = calloc(narcs, sizeof(*a1))) == NULL ||
	    (one = calloc(narcs, sizeof(*one))) == NULL ||
	    (r->ribbons = calloc(PORTS_MAX_RIBBONS, sizeof(*r->ribbons))) ==
	    NULL)
		goto done;
	for (s = 0; s < sizeof(ports_sectors) / sizeof(ports_sectors[0]);
	    s++) {
		ring_segments(r, ports_sectors[s], seg, a0, a1, one);
		n = ring_pairs(r, seg, one, r->ribbons);
		if (n <= PORTS_MAX_RIBBONS)
			break;
	}
	/* An arc is at most 180° wide (it holds one end of the flows it
	 * has): at 360° every arc is in one segment, and the pairs fit. */
	if (n > PORTS_MAX_RIBBONS)
		goto done;
	r->nribbons = n;
	r->sector = ports_sectors[s];
	if ((ends = calloc(2 * n, sizeof(*ends))) == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		const struct ribbon *x = &r->ribbons[i];
		double mo = (a0[x->so] + a1[x->so]) / 2;
		double mi = (a0[x->si] + a1[x->si]) / 2;

		ends[2 * i].seg = x->so;
		ends[2 * i].delta = fmod(mi - mo + 360.0, 360.0);
		ends[2 * i].rib = i;
		ends[2 * i + 1].seg = x->si;
		ends[2 * i + 1].delta = fmod(mo - mi + 360.0, 360.0);
		ends[2 * i + 1].rib = i;
		ends[2 * i + 1].in = 1;
		r->carried += x->w;
	}
	qsort(ends, 2 * n, sizeof(*ends), end_cmp);
	for (i = 0; i < 2 * n; i++) {
		struct ribbon *x = &r->ribbons[ends[i].rib];
		double w = (double)x->w * r->deg;

		if (i == 0 || ends[i].seg != ends[i - 1].seg)
			cur = a0[ends[i].seg];
		if (ends[i].in) {
			x->in_a0 = cur;
			x->in_a1 = cur + w;
		} else {
			x->out_a0 = cur;
			x->out_a1 = cur + w;
		}
		cur += w;
	}
	rc = 0;
done:
	free(seg);
	free(a0);
	free(a1);
	free(one);
	free(ends);
	return rc;
}

static int
ring_build(const struct graph *g, struct ring *r)
{
	size_t i, n = 0;

	memset(r, 0, sizeof(*r));
	r->g = g;
	for (i = 0; i < g->nflows; i++)
		n += ports_is_flow(g, &g->flows[i]);
	if (n == 0)
		return 0;
	if ((r->links = calloc(n, sizeof(*r->links))) == NULL ||
	    (r->node_a0 = calloc(g->nnodes, sizeof(double))) == NULL ||
	    (r->node_a1 = calloc(g->nnodes, sizeof(double))) == NULL ||
	    ring_ports(r) < 0)
		return -1;
	r->deg = 180.0 / (double)r->total;
	ring_layout(r);
	if (ring_bands(r) < 0 || ring_ribbons(r) < 0)
		return -1;
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

/* A ribbon, filled, and outlined if outline is set. */
static void
ports_ribbon(cairo_t *cr, const struct ribbon *x, int outline)
{
	double m1 = (x->in_a0 + x->in_a1) / 2;
	double m2 = (x->out_a0 + x->out_a1) / 2;
	double vx = cos(rad(m1)) + cos(rad(m2));
	double vy = sin(rad(m1)) + sin(rad(m2));
	double mid, qx, qy, x0, y0, x1, y1, x2, y2, x3, y3;

	/* Opposite slots have no bisector: go through the middle. */
	mid = hypot(vx, vy) < 1e-9 ? m1 + 90 : atan2(vy, vx) * 180 / M_PI;
	ports_pt(0.5 * PORTS_R_LINK, mid, &qx, &qy);
	ports_pt(PORTS_R_LINK, x->in_a0, &x0, &y0);
	ports_pt(PORTS_R_LINK, x->out_a1, &x1, &y1);
	ports_pt(PORTS_R_LINK, x->out_a0, &x2, &y2);
	ports_pt(PORTS_R_LINK, x->in_a1, &x3, &y3);
	cairo_new_path(cr);
	cairo_move_to(cr, x0, y0);
	ports_quad(cr, x0, y0, qx, qy, x1, y1);
	cairo_line_to(cr, x2, y2);
	ports_quad(cr, x2, y2, qx, qy, x3, y3);
	cairo_close_path(cr);
	ports_rgb(cr, x->rgb, 0.6);
	if (!outline) {
		cairo_fill(cr);
		return;
	}
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_stroke(cr);
}

/* A host band to label: its width and its index in r->hbands. */
struct hostw {
	double		 w;
	size_t		 band;
};

/* Widest first, then in ring order. */
static int
hostw_cmp(const void *pa, const void *pb)
{
	const struct hostw *a = pa, *b = pb;

	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	return a->band < b->band ? -1 : a->band > b->band;
}

/*
 * Labels on the host ring, widest band first, each where it overlaps no
 * label already drawn (IP-Link wrote every one, a smudge on a busy ring);
 * only the PORTS_LABEL_TRY widest are tried.  A host gets its name, a
 * grey run its first and last host and how many.  Sets r->labelled (the
 * hosts named).
 */
static void
ports_host_labels(cairo_t *cr, struct ring *r)
{
	const struct graph *g = r->g;
	double lo[PORTS_LABEL_TRY], hi[PORTS_LABEL_TRY];
	struct hostw *order;
	size_t i, j, n = r->nhbands, placed = 0;
	const double lr = PORTS_R_IP + 20;
	char run[256];

	r->labelled = 0;
	if ((order = calloc(n, sizeof(*order))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		order[i].w = r->hbands[i].a1 - r->hbands[i].a0;
		order[i].band = i;
	}
	qsort(order, n, sizeof(*order), hostw_cmp);
	cairo_set_font_size(cr, 12);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (i = 0; i < n && i < PORTS_LABEL_TRY; i++) {
		const struct band *b = &r->hbands[order[i].band];
		const char *text = g->nodes[b->item].label;
		double m = (b->a0 + b->a1) / 2, half;
		cairo_text_extents_t te;

		if (b->n > 1) {
			snprintf(run, sizeof(run), "%s \xe2\x80\xa6 %s (%zu "
			    "hosts)", g->nodes[b->item].label,
			    g->nodes[b->last].label, b->n);
			text = run;
		}
		cairo_text_extents(cr, text, &te);
		half = (te.x_advance / 2 + 3) / lr * 180 / M_PI;
		for (j = 0; j < placed; j++) {
			double d = fabs(remainder(m - (lo[j] + hi[j]) / 2,
			    360.0));

			if (d < half + (hi[j] - lo[j]) / 2)
				break;
		}
		if (j < placed)
			continue;
		lo[placed] = m - half;
		hi[placed++] = m + half;
		ports_tangent(cr, m, lr, text);
		r->labelled += b->n == 1;
	}
	free(order);
}

/* The legend's lines, into r->legend (drawn, and put into the file). */
static void
ports_legend(struct ring *r)
{
	const char *unit = r->g->metric == QUERY_METRIC_BYTES ? "bytes" :
	    "packets";
	char (*l)[sizeof(r->legend[0])] = r->legend;
	size_t n = 0;

	snprintf(l[n++], sizeof(l[0]), "TCP and UDP: %" PRIu64 " %s in %zu "
	    "flows, %zu hosts, %zu ports", r->total, unit, r->nlinks,
	    r->nhosts, r->nports);
	snprintf(l[n++], sizeof(l[0]), "ribbons: %zu carrying %" PRIu64
	    " %s, one per pair of ports", r->nribbons, r->carried, unit);
	if (r->sector > 0)
		snprintf(l[n++], sizeof(l[0]), "(over %d pairs: port arcs "
		    "under %g\xc2\xb0 grouped by %g\xc2\xb0 sector)",
		    PORTS_MAX_RIBBONS, r->sector, r->sector);
	if (r->hfolded > 0 || r->pfolded > 0)
		snprintf(l[n++], sizeof(l[0]), "grey: %zu hosts and %zu port "
		    "arcs under %g\xc2\xb0 each, folded into runs", r->hfolded,
		    r->pfolded, PORTS_MIN_DEG);
	if (r->labelled < r->nhosts)
		snprintf(l[n++], sizeof(l[0]), "labels: %zu of %zu hosts "
		    "named, no room for the rest", r->labelled, r->nhosts);
	r->nlegend = n;
	/* The colour key: what the colours and widths mean. */
	n = 0;
	snprintf(r->key[n++], sizeof(r->key[0]), "hosts (outer ring): an arc "
	    "each, as wide as its %s in and out; colours take turns, only "
	    "to tell neighbours apart", unit);
	snprintf(r->key[n++], sizeof(r->key[0]), "ports (inner ring): a "
	    "host's ports take the colours in turn; light: %s into the "
	    "port, dark: out of it", unit);
	snprintf(r->key[n++], sizeof(r->key[0]), "ribbons: from a source "
	    "port to a destination port, in the source port's dark colour, "
	    "as wide as their %s", unit);
	if (r->sector > 0 || r->hfolded > 0 || r->pfolded > 0)
		snprintf(r->key[n++], sizeof(r->key[0]), "grey: hosts, ports "
		    "or ribbons too narrow to draw alone, folded together");
	r->nkey = n;
}

/*
 * The colour key in the band under the ring: a swatch, then its line.
 * Swatches: the host colours in turn; light and dark pairs; a ribbon
 * between two slots; grey.
 */
static void
ports_key(cairo_t *cr, const struct ring *r)
{
	const double y0 = PORTS_SIZE + 6, row = 18, tx = 8 + 7 * 13 + 8;
	double y;
	size_t i, k;

	cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, 8, PORTS_SIZE + 0.5);
	cairo_line_to(cr, PORTS_SIZE - 8, PORTS_SIZE + 0.5);
	cairo_stroke(cr);
	cairo_set_font_size(cr, 11);
	for (i = 0; i < r->nkey; i++) {
		y = y0 + row * (double)i;
		switch (i) {
		case 0:		/* hosts: the dark colours in turn */
			for (k = 0; k < 7; k++) {
				ports_rgb(cr, ports_palette[k][0], 1);
				cairo_rectangle(cr, 8 + 13 * (double)k, y + 2,
				    12, 10);
				cairo_fill(cr);
			}
			break;
		case 1:		/* ports: light (in) and dark (out) pairs */
			for (k = 0; k < 3; k++) {
				ports_rgb(cr, ports_palette[k][1], 1);
				cairo_rectangle(cr, 8 + 30 * (double)k, y + 2,
				    13, 10);
				cairo_fill(cr);
				ports_rgb(cr, ports_palette[k][0], 1);
				cairo_rectangle(cr, 21 + 30 * (double)k, y + 2,
				    13, 10);
				cairo_fill(cr);
			}
			break;
		case 2:		/* a ribbon, outlined as drawn */
			cairo_new_path(cr);
			cairo_move_to(cr, 8, y + 2);
			cairo_curve_to(cr, 40, y + 2, 60, y + 8, 97, y + 6);
			cairo_line_to(cr, 97, y + 12);
			cairo_curve_to(cr, 60, y + 14, 40, y + 9, 8, y + 9);
			cairo_close_path(cr);
			ports_rgb(cr, ports_palette[0][0], 0.6);
			cairo_fill_preserve(cr);
			cairo_set_source_rgb(cr, 0, 0, 0);
			cairo_set_line_width(cr, 0.5);
			cairo_stroke(cr);
			break;
		default:	/* grey */
			ports_rgb(cr, PORTS_GREY, 1);
			cairo_rectangle(cr, 8, y + 2, 89, 10);
			cairo_fill(cr);
			break;
		}
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_move_to(cr, tx, y + 11);
		cairo_show_text(cr, r->key[i]);
	}
}

/* The legend and the key, one line each, for the file.  0 or -1. */
static int
ports_desc(const struct ring *r, struct buf *b)
{
	size_t i;

	for (i = 0; i < r->nlegend; i++) {
		buf_puts(b, i > 0 ? "\n" : "");
		buf_puts(b, r->legend[i]);
	}
	for (i = 0; i < r->nkey; i++) {
		buf_puts(b, "\n");
		buf_puts(b, r->key[i]);
	}
	return buf_failed(b) ? -1 : 0;
}

static void
ports_draw(cairo_t *cr, void *arg)
{
	struct ring *r = arg;
	cairo_font_options_t *fo;
	char text[128], label[SERVICES_LABEL_LEN];
	size_t i;

	cairo_set_source_rgba(cr, 1, 1, 1, 0);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_NORMAL);
	/* Unhinted advances, as the SVG surface has them: labels are then
	 * placed alike in PNG and SVG, and the legends agree. */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
	if (r->total == 0) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_font_size(cr, 18);
		ports_tangent(cr, -90, 0, "no TCP or UDP traffic");
		ports_legend(r);
		r->nkey = 0;
		return;
	}
	/* Ribbons first, so the rings sit on top of their ends.  Grouped
	 * ones thinner than PORTS_OUTLINE_DEG are not outlined: they would
	 * be all outline, black out of proportion to their weight. */
	cairo_set_line_width(cr, 0.5);
	for (i = 0; i < r->nribbons; i++) {
		const struct ribbon *x = &r->ribbons[i];

		ports_ribbon(cr, x, r->sector == 0 ||
		    (x->out_a1 - x->out_a0 >= PORTS_OUTLINE_DEG &&
		    x->in_a1 - x->in_a0 >= PORTS_OUTLINE_DEG));
	}
	/* Ribbon slots, both ends in the ribbon's colour. */
	for (i = 0; i < r->nribbons; i++) {
		const struct ribbon *x = &r->ribbons[i];

		ports_rgb(cr, x->rgb, 1);
		ports_band(cr, PORTS_R_LINK, PORTS_R_LINK + 12, x->out_a0,
		    x->out_a1);
		ports_band(cr, PORTS_R_LINK, PORTS_R_LINK + 12, x->in_a0,
		    x->in_a1);
	}
	/* Port arcs: in light, out dark, with labels where they fit. */
	cairo_set_font_size(cr, 9);
	for (i = 0; i < r->npbands; i++) {
		const struct band *b = &r->pbands[i];

		ports_rgb(cr, b->rgb, 1);
		ports_band(cr, PORTS_R_PORT - 15, PORTS_R_PORT + 15, b->a0,
		    b->a1);
		if (b->n == 1 && b->a1 - b->a0 >= 2.0) {
			/* TCP and UDP share the arc: TCP's name first */
			unsigned port = r->ports[b->item].port;

			if (services_name(IPG_PROTO_TCP, port) != NULL)
				services_label(IPG_PROTO_TCP, port, label,
				    sizeof(label));
			else
				services_label(IPG_PROTO_UDP, port, label,
				    sizeof(label));
			snprintf(text, sizeof(text), "%s %s", label,
			    b->out ? "out" : "in");
			cairo_set_source_rgb(cr, 0, 0, 0);
			ports_label(cr, (b->a0 + b->a1) / 2, PORTS_R_PORT - 12,
			    text);
		}
	}
	/* Host arcs, then their labels. */
	for (i = 0; i < r->nhbands; i++) {
		ports_rgb(cr, r->hbands[i].rgb, 1);
		ports_band(cr, PORTS_R_IP - 12, PORTS_R_IP + 12,
		    r->hbands[i].a0, r->hbands[i].a1);
	}
	ports_host_labels(cr, r);
	/* Black radial ticks where a band starts, a port's start reaching
	 * through the host ring; at both ends of a grey host run, across the
	 * host ring (elsewhere the colours part the hosts). */
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 1);
	for (i = 0; i < r->npbands; i++)
		ports_tick(cr, r->pbands[i].a0, PORTS_R_LINK,
		    r->pbands[i].start ? PORTS_R_IP + 12 : PORTS_R_PORT + 15);
	for (i = 0; i < r->nhbands; i++)
		if (r->hbands[i].n > 1 || (i > 0 && r->hbands[i - 1].n > 1) ||
		    (i == 0 && r->hbands[r->nhbands - 1].n > 1))
			ports_tick(cr, r->hbands[i].a0, PORTS_R_IP - 12,
			    PORTS_R_IP + 12);
	cairo_stroke(cr);
	/* The legend, top left. */
	ports_legend(r);
	cairo_set_font_size(cr, 11);
	for (i = 0; i < r->nlegend; i++) {
		cairo_move_to(cr, 8, 16 + 14 * (double)i);
		cairo_show_text(cr, r->legend[i]);
	}
	ports_key(cr, r);
}

static int
ports_render(const struct graph *g, const char *format, struct buf *out,
    char *err, size_t errlen)
{
	struct buf pic = BUF_INIT, desc = BUF_INIT;
	struct ring r;
	int rc;

	if (ring_build(g, &r) < 0) {
		ring_free(&r);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Drawn whole, then annotated: out may stream to a sink. */
	rc = render_cairo(PORTS_SIZE, PORTS_SIZE + PORTS_KEY_H, format,
	    PNGOUT_GRAPH, ports_draw, &r, &pic, err, errlen);
	if (rc == 0 && ports_desc(&r, &desc) == 0)
		picnote_add(strcmp(format, "svg") == 0, "ipgraph ports",
		    desc.data, &pic, out);
	else if (rc == 0)
		buf_add(out, pic.data, pic.len);
	buf_free(&desc);
	buf_free(&pic);
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
