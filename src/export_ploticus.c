/* export_ploticus.c - a ploticus scatter plot: sources against destinations. */

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"

/*
 * Four files: cat.inc (every node, the categories of both axes),
 * data.inc (src, dst, weight and the dot size, tab-separated so labels
 * may hold spaces), the script, and run.sh, which runs ploticus where the
 * script's relative paths resolve.  Dot areas are proportional to the
 * weight (size = sqrt(w / max)), so bytes and packets both fit the page.
 */
static const char ploticus_script[] =
"// scatterplot - written by ipgraph: ploticus -png -o scatterplot.png "
"scatterplot\n"
"// (run it in this folder, or use run.sh)\n"
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
"rectangle: 2.5 2.5 10.5 10.5\n"
"xscaletype: categories\n"
"yscaletype: categories\n"
"\n"
"#proc xaxis\n"
"stubs: usecategories\n"
"stubvert: yes\n"
"label: source\n"
"labeldistance: 1.8\n"
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

int
export_ploticus(const struct graph *g, const struct export_opts *o,
    export_put_fn put, void *arg, char *err, size_t errlen)
{
	struct buf cat = BUF_INIT, data = BUF_INIT, script = BUF_INIT,
	    run = BUF_INIT;
	uint64_t w, max = 1;
	size_t i;
	int rc = -1;

	(void)o;
	for (i = 0; i < g->nedges; i++)
		if ((w = graph_weight(g, g->edges[i].packets,
		    g->edges[i].bytes)) > max)
			max = w;
	for (i = 0; i < g->nnodes; i++) {
		ploticus_label(&cat, g->nodes[i].label);
		buf_putc(&cat, '\n');
	}
	/*
	 * ploticus needs a category to draw axes and a data row to plot:
	 * an empty result gets one of each, with a dot of size 0.
	 */
	if (g->nnodes == 0) {
		buf_puts(&cat, "(no traffic)\n");
		buf_puts(&data, "(no traffic)\t(no traffic)\t0\t0\n");
	}
	for (i = 0; i < g->nedges; i++) {
		w = graph_weight(g, g->edges[i].packets, g->edges[i].bytes);
		ploticus_label(&data, g->nodes[g->edges[i].src].label);
		buf_putc(&data, '\t');
		ploticus_label(&data, g->nodes[g->edges[i].dst].label);
		buf_printf(&data, "\t%" PRIu64 "\t%.4f\n", w,
		    sqrt((double)w / (double)max));
	}
	buf_puts(&script, ploticus_script);
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
	buf_free(&cat);
	buf_free(&data);
	buf_free(&script);
	buf_free(&run);
	return rc;
}
