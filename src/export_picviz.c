/* export_picviz.c - parallel coordinates for Picviz (.pcv): time, source, destination. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"

/* A Picviz string: backslash before '"' and '\', line breaks as spaces. */
static void
picviz_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
	}
	buf_putc(b, '"');
}

/* Whether every label reads as an IPv4 address (Picviz's ipv4 axis). */
static int
picviz_all_ipv4(const struct graph *g)
{
	uint8_t b[16];
	size_t i;
	int ver;

	for (i = 0; i < g->nnodes; i++)
		if (addr_parse(g->nodes[i].label, &ver, b) < 0 || ver != 4)
			return 0;
	return 1;
}

/*
 * One line per window and address pair (the stored windows are the
 * finest grain there is; IP-Link drew one per packet), at the time of
 * the pair's first packet in that window, HH:MM in UTC.  Axes are ipv4
 * when every node is an IPv4 address, else strings (IPv6, names,
 * blocks).  Lines are red, as IP-Link's, and wider for heavier traffic.
 */
int
export_picviz(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	const struct graph_event *v;
	const char *type = picviz_all_ipv4(g) ? "ipv4" : "string";
	uint64_t w, max = 1;
	struct tm tm;
	time_t t;
	size_t i;

	(void)o;
	(void)err;
	(void)errlen;
	for (i = 0; i < g->nevents; i++) {
		v = &g->events[i];
		if ((w = graph_weight(g, v->packets, v->bytes)) > max)
			max = w;
	}
	buf_puts(out, "header {\n\ttitle = \"ipgraph - Picviz\";\n}\n");
	buf_printf(out, "axes {\n\ttimeline t [label=\"Time\"];\n"
	    "\t%s i [label=\"Source\"];\n\t%s j [label=\"Destination\"];\n"
	    "}\n", type, type);
	buf_puts(out, "data {\n");
	for (i = 0; i < g->nevents; i++) {
		v = &g->events[i];
		t = (time_t)(v->first_us / 1000000);
		if (gmtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		w = graph_weight(g, v->packets, v->bytes);
		buf_printf(out, "\tt=\"%02d:%02d\", i=", tm.tm_hour,
		    tm.tm_min);
		picviz_string(out, g->nodes[v->src].label);
		buf_puts(out, ", j=");
		picviz_string(out, g->nodes[v->dst].label);
		buf_printf(out, " [color=\"red\", penwidth=\"%u\"];\n",
		    1 + (unsigned)(4 * w / max));
	}
	buf_puts(out, "}\n");
	return 0;
}
