/* export.c - the table of export formats, and escaping for each syntax. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"

static const struct export_format export_table[] = {
	{ "dot", "text/vnd.graphviz; charset=utf-8", 0, 0, export_dot, NULL,
	    "GraphViz directed graph", EXPORT_PICTURE_NODES },
	{ "png", "image/png", 0, 0, export_png, NULL,
	    "the DOT graph laid out and drawn by libgvc",
	    EXPORT_PICTURE_NODES },
	{ "svg", "image/svg+xml", 0, 0, export_svg, NULL,
	    "the DOT graph laid out and drawn by libgvc",
	    EXPORT_PICTURE_NODES },
	{ "circos", "text/tab-separated-values; charset=utf-8", 0, 0,
	    export_circos, NULL, "Circos tableviewer matrix",
	    EXPORT_PICTURE_NODES },
	{ "circos-bundle", NULL, 0, 0, NULL, export_circos_bundle,
	    "a Circos configuration folder (-o DIR)", EXPORT_PICTURE_NODES },
	{ "moowheel", "application/json", 0, 0, export_moowheel, NULL,
	    "MooWheel wheel data (JSON)", EXPORT_PICTURE_NODES },
	{ "moowheel-html", "text/html; charset=utf-8", 0, 0,
	    export_moowheel_html, NULL, "a page drawing the wheel",
	    EXPORT_PICTURE_NODES },
	{ "csv", "text/csv; charset=utf-8", 0, 1, NULL, NULL,
	    "stored rows, one per edge per window", 0 },
	{ "csv-pairs", "text/csv; charset=utf-8", 0, 0, export_csv_pairs,
	    NULL, "src;dst;count, as IP-Link", 0 },
	{ "json", "application/json", QUERY_DETAIL_ASN, 0, export_json, NULL,
	    "nodes and links", 0 },
	{ "gexf", "application/gexf+xml", QUERY_DETAIL_ASN, 0, export_gexf, NULL,
	    "GEXF 1.2 for Gephi", 0 },
	{ "picviz", "text/plain; charset=utf-8", QUERY_DETAIL_TIMES, 0,
	    export_picviz, NULL, "Picviz parallel coordinates (.pcv)", 0 },
	/* ploticus folds its own categories past 100, keeping the totals */
	{ "ploticus", NULL, 0, 0, NULL, export_ploticus,
	    "ploticus scatter plot script and data (-o DIR)", 0 },
	{ "histogram", "image/png", 0, 0, export_histogram_png, NULL,
	    "a host's top peers as a bar chart (PNG)", 0 },
	{ "histogram-png", "image/png", 0, 0, export_histogram_png, NULL,
	    "the histogram as PNG", 0 },
	{ "histogram-svg", "image/svg+xml", 0, 0, export_histogram_svg, NULL,
	    "the histogram as SVG", 0 },
	{ "histogram-csv", "text/csv; charset=utf-8", 0, 0,
	    export_histogram_csv, NULL, "the histogram's bars as CSV", 0 },
	{ "ports", "image/png", QUERY_DETAIL_PORTS, 0, export_ports_png,
	    NULL, "port-to-port ring with Bezier ribbons (PNG)", 0 },
	{ "ports-png", "image/png", QUERY_DETAIL_PORTS, 0, export_ports_png,
	    NULL, "the port ring as PNG", 0 },
	{ "ports-svg", "image/svg+xml", QUERY_DETAIL_PORTS, 0,
	    export_ports_svg, NULL, "the port ring as SVG", 0 },
	{ "rtgraph", "text/plain; charset=utf-8", 0, 0, export_rtgraph, NULL,
	    "rtgraph3d command script (edge A B)", EXPORT_PICTURE_NODES },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, 0 }
};

void
export_json_caption(const struct graph *g, struct buf *out)
{
	struct buf cap = BUF_INIT;

	graph_caption(g, &cap);
	buf_putc(&cap, '\0');
	export_json_string(out, buf_failed(&cap) ? "" : cap.data);
	buf_free(&cap);
}

void
export_xml_caption(const struct graph *g, struct buf *out)
{
	struct buf cap = BUF_INIT;

	graph_caption(g, &cap);
	buf_putc(&cap, '\0');
	export_xml_text(out, buf_failed(&cap) ? "" : cap.data);
	buf_free(&cap);
}

void
export_shape(const struct export_format *f, struct filter *q)
{
	q->detail = f->detail;
	if (!filter_has(q, FILTER_MAX_NODES) && f->max_nodes > 0)
		q->max_nodes = f->max_nodes;
}

const struct export_format *
export_formats(void)
{
	return export_table;
}

const struct export_format *
export_find(const char *name)
{
	const struct export_format *f;

	for (f = export_table; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

void
export_names(struct buf *b)
{
	const struct export_format *f;

	for (f = export_table; f->name != NULL; f++)
		buf_printf(b, "%s%s", f == export_table ? "" : ", ", f->name);
}

void
export_json_string(struct buf *b, const char *s)
{
	const unsigned char *p;

	buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '<':
			/* So the JSON can sit inside a <script> element. */
			buf_puts(b, "\\u003c");
			break;
		default:
			if (*p < 0x20)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_putc(b, *p);
		}
	}
	buf_putc(b, '"');
}

void
export_xml_text(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&apos;"); break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n' &&
			    *p != '\r')
				buf_puts(b, "\xef\xbf\xbd");
			else
				buf_putc(b, *p);
		}
	}
}

void
export_dot_string(struct buf *b, const char *s)
{
	const unsigned char *p;

	/*
	 * In a DOT quoted string only '"' needs a backslash, but labels
	 * give backslash sequences a meaning (\n, \N, \G...), so a
	 * backslash is doubled too; line breaks become \n.
	 */
	buf_putc(b, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(b, '\\');
		if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p == '\r')
			continue;
		else
			buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

void
export_token(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == ':' || c == '/' || c == '-')
			buf_putc(b, c);
		else
			buf_putc(b, '_');
	}
}
