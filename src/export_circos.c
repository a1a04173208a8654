/* export_circos.c - Circos: the tableviewer matrix and a ready-to-run bundle. */

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

/*
 * A label in a whitespace-separated file: tableviewer and Circos split
 * lines on spaces and tabs, so those (and control bytes) become '_';
 * UTF-8 is left alone.
 */
static void
circos_label(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_putc(b, (unsigned char)*s <= ' ' ? '_' : *s);
}

/* Which nodes the matrix keeps: both ways, unless asked for more. */
static int
circos_keep(const struct graph_node *n, const struct export_opts *o)
{
	int sends = n->out_packets > 0, receives = n->in_packets > 0;

	if (sends && receives)
		return 1;
	if (sends && o->keep_senders)
		return 1;
	return receives && o->keep_receivers;
}

int
export_circos(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	size_t *col = NULL, i, j, e, ncols = 0;
	uint64_t *row = NULL;

	if (g->nnodes > 0 && ((col = calloc(g->nnodes, sizeof(*col))) ==
	    NULL || (row = calloc(g->nnodes, sizeof(*row))) == NULL)) {
		free(col);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* col[i]: the node's column + 1, or 0 when it is left out. */
	buf_puts(out, "ip");
	for (i = 0; i < g->nnodes; i++) {
		if (!circos_keep(&g->nodes[i], o))
			continue;
		col[i] = ++ncols;
		buf_putc(out, '\t');
		circos_label(out, g->nodes[i].label);
	}
	buf_putc(out, '\n');
	/* Edges are sorted by source: one walk fills each row in turn. */
	for (i = 0, e = 0; i < g->nnodes; i++) {
		while (e < g->nedges && g->edges[e].src < i)
			e++;
		if (col[i] == 0)
			continue;
		memset(row, 0, g->nnodes * sizeof(*row));
		for (; e < g->nedges && g->edges[e].src == i; e++)
			if (col[g->edges[e].dst] != 0)
				row[col[g->edges[e].dst] - 1] += graph_weight(g,
				    g->edges[e].packets, g->edges[e].bytes);
		circos_label(out, g->nodes[i].label);
		for (j = 0; j < ncols; j++) {
			if (j == col[i] - 1 && !o->diagonal)
				buf_puts(out, "\t-");
			else
				buf_printf(out, "\t%" PRIu64, row[j]);
		}
		buf_putc(out, '\n');
	}
	free(col);
	free(row);
	return 0;
}

/* A colour per node, spread round the hue circle by the golden angle. */
static void
circos_colour(size_t i, unsigned rgb[3])
{
	double h = fmod((double)i * 0.618033988749895, 1.0) * 6.0;
	double s = 0.65, v = 0.85, f = h - floor(h);
	double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
	double r, gg, b;

	switch ((int)h) {
	case 0: r = v; gg = t; b = p; break;
	case 1: r = q; gg = v; b = p; break;
	case 2: r = p; gg = v; b = t; break;
	case 3: r = p; gg = q; b = v; break;
	case 4: r = t; gg = p; b = v; break;
	default: r = v; gg = p; b = q; break;
	}
	rgb[0] = (unsigned)lround(r * 255);
	rgb[1] = (unsigned)lround(gg * 255);
	rgb[2] = (unsigned)lround(b * 255);
}

/*
 * The configuration.  Paths are relative to the configuration's folder
 * (conf(configdir)), so the bundle can be moved and run from anywhere;
 * the picture is written there as circos.png and circos.svg.
 */
static const char circos_conf_head[] =
"# circos.conf - written by ipgraph: circos -conf circos.conf\n"
"karyotype = conf(configdir)/karyotype.txt\n"
"chromosomes_units = 1\n"
"chromosomes_display_default = yes\n"
"\n"
"<ideogram>\n"
"<spacing>\n"
"default = 0.004r\n"
"</spacing>\n"
"radius = 0.75r\n"
"thickness = 40p\n"
"fill = yes\n"
"stroke_color = dgrey\n"
"stroke_thickness = 2p\n"
"show_label = yes\n"
"label_font = default\n"
"label_radius = dims(ideogram,radius_outer) + 20p\n"
"label_size = 24p\n"
"label_parallel = no\n"
"</ideogram>\n"
"\n"
"<links>\n"
"<link>\n"
"file = conf(configdir)/links.txt\n"
"radius = 0.99r\n"
"bezier_radius = 0r\n"
"crest = 0.5\n"
"ribbon = yes\n"
"flat = yes\n"
"stroke_color = vdgrey\n"
"stroke_thickness = 1\n"
"</link>\n"
"</links>\n"
"\n"
"<image>\n"
"dir = conf(configdir)\n"
"file = circos.png\n"
"png = yes\n"
"svg = yes\n"
"radius = 1500p\n"
"angle_offset = -90\n"
"auto_alpha_colors = yes\n"
"auto_alpha_steps = 5\n"
"background = white\n"
"</image>\n"
"\n"
"<<include colors_fonts_patterns.conf>>\n"
"<colors>\n"
"<<include hosts.colors.conf>>\n"
"</colors>\n"
"\n"
"<<include housekeeping.conf>>\n"
"# a network has more hosts than a genome has chromosomes\n"
"max_ideograms* = 100000\n"
"max_links* = 1000000\n"
"max_points_per_track* = 1000000\n"
"data_out_of_range* = trim\n";

int
export_circos_bundle(const struct graph *g, const struct export_opts *o,
    export_put_fn put, void *arg, char *err, size_t errlen)
{
	struct buf kar = BUF_INIT, links = BUF_INIT, colours = BUF_INIT,
	    conf = BUF_INIT;
	uint64_t *outpos = NULL, *inpos = NULL, w;
	unsigned rgb[3];
	size_t i, shown = 0;
	int rc = -1;

	(void)o;
	if (g->nnodes > 0 && ((outpos = calloc(g->nnodes,
	    sizeof(*outpos))) == NULL || (inpos = calloc(g->nnodes,
	    sizeof(*inpos))) == NULL)) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	/*
	 * One ideogram per host, as long as its traffic: what it sent
	 * first, then what it received, so every link has a slot of its
	 * own at both ends and ribbon widths add up to the ideograms.
	 */
	for (i = 0; i < g->nnodes; i++) {
		const struct graph_node *n = &g->nodes[i];
		uint64_t sent = graph_weight(g, n->out_packets, n->out_bytes);
		uint64_t got = graph_weight(g, n->in_packets, n->in_bytes);

		inpos[i] = sent;
		if (sent + got == 0)
			continue;
		shown++;
		circos_colour(i, rgb);
		buf_printf(&colours, "n%zu = %u,%u,%u\n", i, rgb[0], rgb[1],
		    rgb[2]);
		buf_printf(&kar, "chr - n%zu ", i);
		circos_label(&kar, n->label);
		buf_printf(&kar, " 0 %" PRIu64 " n%zu\n", sent + got, i);
	}
	if (shown == 0) {
		/* Circos needs an ideogram: an empty result gets one blank. */
		buf_puts(&colours, "none = 230,230,230\n");
		buf_puts(&kar, "chr - none no_traffic 0 1 none\n");
	}
	for (i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];

		if ((w = graph_weight(g, e->packets, e->bytes)) == 0)
			continue;
		buf_printf(&links, "n%zu %" PRIu64 " %" PRIu64 " n%zu %"
		    PRIu64 " %" PRIu64 " color=n%zu_a2\n", e->src,
		    outpos[e->src], outpos[e->src] + w - 1, e->dst,
		    inpos[e->dst], inpos[e->dst] + w - 1, e->src);
		outpos[e->src] += w;
		inpos[e->dst] += w;
	}
	buf_puts(&conf, circos_conf_head);
	if (buf_failed(&kar) || buf_failed(&links) || buf_failed(&colours) ||
	    buf_failed(&conf)) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (put(arg, "karyotype.txt", &kar) < 0 ||
	    put(arg, "links.txt", &links) < 0 ||
	    put(arg, "hosts.colors.conf", &colours) < 0 ||
	    put(arg, "circos.conf", &conf) < 0) {
		snprintf(err, errlen, "writing the bundle failed");
		goto done;
	}
	rc = 0;
done:
	free(outpos);
	free(inpos);
	buf_free(&kar);
	buf_free(&links);
	buf_free(&colours);
	buf_free(&conf);
	return rc;
}
