/* export_ploticus.c - a ploticus scatter plot: sources against destinations. */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "log.h"
#include "query.h"

/*
 * Four files: cat.inc (every node, the categories of both axes),
 * data.inc (src, dst, weight and the dot size, tab-separated so labels
 * may hold spaces), the script, and run.sh, which runs ploticus where the
 * script's relative paths resolve.  Dot areas are proportional to the
 * weight (size = sqrt(w / max)), so bytes and packets both fit the page.
 *
 * ploticus 2.42 holds at most 600 categories per axis, whatever listsize
 * says ("category list is full, some entries ignored", exit status 0, and
 * the plot silently misses hosts; measured by growing the list), and
 * long before that the stubs run into each other: at 100 on the 7.4 inch
 * axis each has 7 px, the height of its text.  Beyond PLOTICUS_CATS, the
 * heaviest PLOTICUS_CATS - 1 hosts (sent plus received) keep their
 * category and the rest become one, "other: N hosts", with their pairs
 * summed into it, so the data still adds up to the graph's total.  The
 * plot's subtitle, the script, data.inc and stderr say so.
 */
#define PLOTICUS_CATS	100
static const char ploticus_script[] =
"#proc page\n"
"pagesize: 11 11\n"
"\n"
"#proc getdata\n"
"file: data.inc\n"
"delim: tab\n"
"\n"
"#proc categories\n"
"axis: x\n"
"listsize: 100000\n"
"categories:\n"
"#include cat.inc\n"
"\n"
"#proc categories\n"
"axis: y\n"
"listsize: 100000\n"
"categories:\n"
"#include cat.inc\n"
"\n"
"#proc areadef\n"
"rectangle: 2.8 2.8 10.6 10.2\n"
"xscaletype: categories\n"
"yscaletype: categories\n"
"\n"
"#proc xaxis\n"
"stubs: usecategories\n"
"stubvert: yes\n"
"label: source\n"
"labeldistance: 2.5\n"
"grid: color=gray(0.9)\n"
"\n"
"#proc yaxis\n"
"stubs: usecategories\n"
"label: destination\n"
"labeldistance: 1.8\n"
"grid: color=gray(0.9)\n"
"\n"
"#proc scatterplot\n"
"xfield: 1\n"
"yfield: 2\n"
"sizefield: 4\n"
"sizescale: 2\n"
"symbol: shape=nicecircle style=filled fillcolor=orange radius=0.1\n"
"\n"
"#proc scatterplot\n"
"xfield: 1\n"
"yfield: 2\n"
"sizefield: 4\n"
"sizescale: 2\n"
"symbol: shape=nicecircle style=outline linecolor=black radius=0.1\n";

static const char ploticus_run[] =
"#!/bin/sh\n"
"# run.sh - draw scatterplot.png here with ploticus (Debian: ploticus)\n"
"cd \"$(dirname \"$0\")\" && exec ploticus -png -o scatterplot.png "
"scatterplot\n";

/* A category: one line, no tabs (the data is tab-separated). */
static void
ploticus_label(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		buf_putc(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' :
		    *s);
}

/* A pair after folding: categories (node index; nnodes: "other"). */
struct plpair {
	size_t		 src;
	size_t		 dst;
	uint64_t	 w;
};

static int
plpair_cmp(const void *pa, const void *pb)
{
	const struct plpair *a = pa, *b = pb;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

struct plrank {
	size_t		 node;
	uint64_t	 w;
};

/* Heaviest first, then in node order. */
static int
plrank_cmp(const void *pa, const void *pb)
{
	const struct plrank *a = pa, *b = pb;

	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

/*
 * cat[i]: node i's category, i itself, or g->nnodes for "other" when
 * there are more nodes than PLOTICUS_CATS.  Returns the nodes folded, or
 * -1 out of memory.
 */
static long
ploticus_fold(const struct graph *g, size_t *cat)
{
	struct plrank *r;
	size_t i;

	for (i = 0; i < g->nnodes; i++)
		cat[i] = i;
	if (g->nnodes <= PLOTICUS_CATS)
		return 0;
	if ((r = calloc(g->nnodes, sizeof(*r))) == NULL)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		r[i].node = i;
		r[i].w = graph_weight(g, g->nodes[i].out_packets +
		    g->nodes[i].in_packets, g->nodes[i].out_bytes +
		    g->nodes[i].in_bytes);
	}
	qsort(r, g->nnodes, sizeof(*r), plrank_cmp);
	for (i = PLOTICUS_CATS - 1; i < g->nnodes; i++)
		cat[r[i].node] = g->nnodes;
	free(r);
	return (long)(g->nnodes - (PLOTICUS_CATS - 1));
}

/* "2009-01-16 00:03:00" (UTC). */
static void
ploticus_time(int64_t us, char *out, size_t len)
{
	time_t t = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, len, "?");
}

int
export_ploticus(const struct graph *g, const struct export_opts *o,
    export_put_fn put, void *arg, char *err, size_t errlen)
{
	struct buf cat = BUF_INIT, data = BUF_INIT, script = BUF_INIT,
	    run = BUF_INIT;
	const char *unit = g->metric == QUERY_METRIC_BYTES ? "bytes" :
	    "packets";
	char other[64], note[256], t0[32], t1[32];
	struct plpair *pp = NULL;
	size_t i, j, n = 0, *cat_of = NULL;
	uint64_t w, max = 1, total = 0;
	long folded;
	int rc = -1;

	(void)o;
	note[0] = '\0';
	if ((cat_of = calloc(g->nnodes + 1, sizeof(*cat_of))) == NULL ||
	    (pp = calloc(g->nedges + 1, sizeof(*pp))) == NULL ||
	    (folded = ploticus_fold(g, cat_of)) < 0) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	/* The pairs between categories, summed where folding joins them;
	 * without folding, the graph's edges in their order. */
	for (i = 0; i < g->nedges; i++) {
		pp[i].src = cat_of[g->edges[i].src];
		pp[i].dst = cat_of[g->edges[i].dst];
		pp[i].w = graph_weight(g, g->edges[i].packets,
		    g->edges[i].bytes);
	}
	if (folded > 0)
		qsort(pp, g->nedges, sizeof(*pp), plpair_cmp);
	for (i = 0; i < g->nedges; i = j) {
		pp[n] = pp[i];
		for (j = i + 1; j < g->nedges && pp[j].src == pp[i].src &&
		    pp[j].dst == pp[i].dst; j++)
			pp[n].w += pp[j].w;
		if (pp[n].w > max)
			max = pp[n].w;
		total += pp[n].w;
		n++;
	}
	snprintf(other, sizeof(other), "other: %ld hosts", folded);
	if (folded > 0) {
		snprintf(note, sizeof(note), "%ld of %zu hosts beyond the "
		    "%d categories an axis can show folded into \"%s\" (the "
		    "%d heaviest kept)", folded, g->nnodes, PLOTICUS_CATS,
		    other, PLOTICUS_CATS - 1);
		log_warnx("ploticus: %s", note);
		buf_printf(&data, "// %s\n", note);
	}
	for (i = 0; i < g->nnodes; i++)
		if (cat_of[i] == i) {
			ploticus_label(&cat, g->nodes[i].label);
			buf_putc(&cat, '\n');
		}
	if (folded > 0)
		buf_printf(&cat, "%s\n", other);
	/*
	 * ploticus needs a category to draw axes and a data row to plot:
	 * an empty result gets one of each, with a dot of size 0.
	 */
	if (g->nnodes == 0) {
		buf_puts(&cat, "(no traffic)\n");
		buf_puts(&data, "(no traffic)\t(no traffic)\t0\t0\n");
	}
	for (i = 0; i < n; i++) {
		ploticus_label(&data, pp[i].src < g->nnodes ?
		    g->nodes[pp[i].src].label : other);
		buf_putc(&data, '\t');
		ploticus_label(&data, pp[i].dst < g->nnodes ?
		    g->nodes[pp[i].dst].label : other);
		w = pp[i].w;
		buf_printf(&data, "\t%" PRIu64 "\t%.4f\n", w,
		    sqrt((double)w / (double)max));
	}
	/* The script: what it shows (a title), then the fixed part. */
	buf_puts(&script, "// scatterplot - written by ipgraph: ploticus -png "
	    "-o scatterplot.png scatterplot\n"
	    "// (run it in this folder, or use run.sh)\n");
	if (folded > 0)
		buf_printf(&script, "// %s\n", note);
	buf_puts(&script, ploticus_script);
	if (g->nnodes > 0) {
		ploticus_time(g->first_us, t0, sizeof(t0));
		ploticus_time(g->last_us, t1, sizeof(t1));
	} else {
		snprintf(t0, sizeof(t0), "-");
		snprintf(t1, sizeof(t1), "-");
	}
	buf_printf(&script, "\n#proc annotate\nlocation: 6.7 10.75\n"
	    "textdetails: size=12 style=B align=C\n"
	    "text: %s from each source to each destination\n"
	    "\n#proc annotate\nlocation: 6.7 10.5\n"
	    "textdetails: size=9 align=C\n"
	    "text: %s to %s UTC; %zu hosts, %zu pairs, %" PRIu64 " %s; dot "
	    "area = %s\n", unit, t0, t1, g->nnodes, g->nedges, total, unit,
	    unit);
	if (folded > 0)
		buf_printf(&script, "  %ld hosts beyond the %d categories "
		    "an axis can show folded into \"%s\"\n", folded,
		    PLOTICUS_CATS, other);
	buf_puts(&run, ploticus_run);
	if (buf_failed(&cat) || buf_failed(&data) || buf_failed(&script) ||
	    buf_failed(&run)) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (put(arg, "cat.inc", &cat) < 0 || put(arg, "data.inc", &data) < 0 ||
	    put(arg, "scatterplot", &script) < 0 ||
	    put(arg, "run.sh", &run) < 0) {
		snprintf(err, errlen, "writing the ploticus files failed");
		goto done;
	}
	rc = 0;
done:
	free(cat_of);
	free(pp);
	buf_free(&cat);
	buf_free(&data);
	buf_free(&script);
	buf_free(&run);
	return rc;
}
