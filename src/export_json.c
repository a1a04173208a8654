/* export_json.c - the graph as JSON nodes and links, and as GEXF for Gephi. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "buf.h"
#include "export.h"
#include "graph.h"
#include "query.h"
#include "timefmt.h"

/*
 * {"metric":..,"nodes":[{"id":0,"name":..,"address":..,"group":1|2,
 * "in_packets":..}],"links":[{"source":i,"target":j,"value":w,..}]}:
 * the D3 node-link form, with source and target the positions in nodes.
 * group is 1 for a node that sends, 2 for one that only receives.  A
 * named node has "name_source": "config" (a names file), "dns" (a name
 * its clients were told, passive DNS), "sni", "http", "rdns" (a PTR
 * answer, with --rdns) or "site".  An
 * empty result also has "note": why it is empty (export_opts.note).
 */
int
export_json(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	const struct graph_node *n;
	const struct graph_edge *e;
	char a[TIMEFMT_ISO_LEN], b[TIMEFMT_ISO_LEN];
	size_t i;

	(void)err;
	(void)errlen;
	buf_printf(out, "{\"metric\":\"%s\",\"packets\":%" PRIu64 ",\"bytes\":%"
	    PRIu64 ",\n", g->metric == QUERY_METRIC_BYTES ? "bytes" :
	    "packets", g->packets, g->bytes);
	/* what the query found before top, max_nodes and min_weight */
	buf_printf(out, "\"found\":{\"hosts\":%zu,\"edges\":%zu,"
	    "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 "},\"hidden\":%s,"
	    "\"caption\":", g->total.nodes, g->total.edges, g->total.packets,
	    g->total.bytes, graph_hidden(g) ? "true" : "false");
	export_json_caption(g, out);
	/* an empty result says why, as X-Ipgraph-Note and stderr do */
	if (o != NULL && o->note != NULL) {
		buf_puts(out, ",\"note\":");
		export_json_string(out, o->note);
	}
	if (g->diff) {
		buf_printf(out, ",\n\"baseline\":{\"from\":\"%s\",\"to\":\"%s\","
		    "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"ratio\":%g",
		    timefmt_iso(g->base_from_us, a), timefmt_iso(g->base_to_us,
		    b), g->base_packets, g->base_bytes, g->ratio);
		for (i = 0; i < GRAPH_NCHANGES; i++)
			buf_printf(out, ",\"%s\":%zu", graph_change_name((int)i),
			    g->changes[i]);
		buf_putc(out, '}');
	}
	buf_puts(out, ",\n\"nodes\":[");
	for (i = 0; i < g->nnodes; i++) {
		n = &g->nodes[i];
		buf_printf(out, "%s\n{\"id\":%zu,\"name\":", i ? "," : "", i);
		export_json_string(out, n->label);
		buf_puts(out, ",\"address\":");
		export_json_string(out, n->addr_text);
		buf_printf(out, ",\"group\":%d,\"out_packets\":%" PRIu64
		    ",\"out_bytes\":%" PRIu64 ",\"in_packets\":%" PRIu64
		    ",\"in_bytes\":%" PRIu64, n->out_packets > 0 ? 1 : 2,
		    n->out_packets, n->out_bytes, n->in_packets, n->in_bytes);
		/* a block, site or zone: the hosts folded into it */
		if (n->members > 0)
			buf_printf(out, ",\"members\":%" PRIu32, n->members);
		if (n->colour != NULL)
			buf_printf(out, ",\"colour\":\"%s\"", n->colour);
		/* where the name came from: config, dns or site */
		if (n->name_source != NULL)
			buf_printf(out, ",\"name_source\":\"%s\"",
			    n->name_source);
		/* where the location database places it (asn.c) */
		if (n->asn != 0)
			buf_printf(out, ",\"asn\":%" PRIu32, n->asn);
		if (n->as_name != NULL) {
			buf_puts(out, ",\"as_name\":");
			export_json_string(out, n->as_name);
		}
		if (n->country[0] != '\0') {
			buf_puts(out, ",\"country\":");
			export_json_string(out, n->country);
		}
		if (g->diff)
			buf_printf(out, ",\"change\":\"%s\",\"base_out_packets\":%"
			    PRIu64 ",\"base_out_bytes\":%" PRIu64
			    ",\"base_in_packets\":%" PRIu64 ",\"base_in_bytes\":%"
			    PRIu64, graph_change_name(n->change),
			    n->base_out_packets, n->base_out_bytes,
			    n->base_in_packets, n->base_in_bytes);
		buf_putc(out, '}');
	}
	buf_puts(out, "],\n\"links\":[");
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		buf_printf(out, "%s\n{\"source\":%zu,\"target\":%zu,\"value\":%"
		    PRIu64 ",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		    ",\"first\":\"%s\",\"last\":\"%s\"", i ? "," : "",
		    e->src, e->dst, graph_weight(g, e->packets, e->bytes),
		    e->packets, e->bytes, timefmt_iso(e->first_us, a),
		    timefmt_iso(e->last_us, b));
		if (g->diff)
			buf_printf(out, ",\"change\":\"%s\",\"base_value\":%"
			    PRIu64 ",\"base_packets\":%" PRIu64
			    ",\"base_bytes\":%" PRIu64,
			    graph_change_name(e->change), graph_weight(g,
			    e->base_packets, e->base_bytes), e->base_packets,
			    e->base_bytes);
		buf_putc(out, '}');
	}
	buf_puts(out, "]}\n");
	return 0;
}

/* GEXF 1.2, directed, with packets and bytes as edge attributes. */
int
export_gexf(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	const struct graph_node *n;
	const struct graph_edge *e;
	size_t i;
	int sources = 0, located = 0;

	(void)o;
	(void)err;
	(void)errlen;
	for (i = 0; i < g->nnodes; i++) {
		if (g->nodes[i].name_source != NULL)
			sources = 1;
		if (g->nodes[i].asn != 0 || g->nodes[i].country[0] != '\0')
			located = 1;
	}
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n"
	    "<meta><creator>ipgraph</creator><description>");
	export_xml_caption(g, out);
	buf_puts(out, "</description></meta>\n"
	    "<graph mode=\"static\" defaultedgetype=\"directed\">\n"
	    "<attributes class=\"node\">\n"
	    "<attribute id=\"0\" title=\"address\" type=\"string\"/>\n");
	if (g->diff)
		buf_puts(out, "<attribute id=\"1\" title=\"change\" "
		    "type=\"string\"/>\n");
	/* declared only when some node is named, so others read as before */
	if (sources)
		buf_puts(out, "<attribute id=\"2\" title=\"name_source\" "
		    "type=\"string\"/>\n");
	if (located)
		buf_puts(out, "<attribute id=\"3\" title=\"asn\" "
		    "type=\"long\"/>\n"
		    "<attribute id=\"4\" title=\"as_name\" "
		    "type=\"string\"/>\n"
		    "<attribute id=\"5\" title=\"country\" "
		    "type=\"string\"/>\n");
	buf_puts(out, "</attributes>\n"
	    "<attributes class=\"edge\">\n"
	    "<attribute id=\"0\" title=\"packets\" type=\"long\"/>\n"
	    "<attribute id=\"1\" title=\"bytes\" type=\"long\"/>\n");
	if (g->diff)
		buf_puts(out, "<attribute id=\"2\" title=\"change\" "
		    "type=\"string\"/>\n"
		    "<attribute id=\"3\" title=\"base_packets\" "
		    "type=\"long\"/>\n"
		    "<attribute id=\"4\" title=\"base_bytes\" "
		    "type=\"long\"/>\n");
	buf_puts(out, "</attributes>\n"
	    "<nodes>\n");
	for (i = 0; i < g->nnodes; i++) {
		n = &g->nodes[i];
		buf_printf(out, "<node id=\"%zu\" label=\"", i);
		export_xml_text(out, n->label);
		buf_puts(out, "\"><attvalues><attvalue for=\"0\" value=\"");
		export_xml_text(out, n->addr_text);
		buf_puts(out, "\"/>");
		if (g->diff)
			buf_printf(out, "<attvalue for=\"1\" value=\"%s\"/>",
			    graph_change_name(n->change));
		if (n->name_source != NULL)
			buf_printf(out, "<attvalue for=\"2\" value=\"%s\"/>",
			    n->name_source);
		if (n->asn != 0)
			buf_printf(out, "<attvalue for=\"3\" value=\"%" PRIu32
			    "\"/>", n->asn);
		if (n->as_name != NULL) {
			buf_puts(out, "<attvalue for=\"4\" value=\"");
			export_xml_text(out, n->as_name);
			buf_puts(out, "\"/>");
		}
		if (n->country[0] != '\0') {
			buf_puts(out, "<attvalue for=\"5\" value=\"");
			export_xml_text(out, n->country);
			buf_puts(out, "\"/>");
		}
		buf_puts(out, "</attvalues></node>\n");
	}
	buf_puts(out, "</nodes>\n<edges>\n");
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		buf_printf(out, "<edge id=\"%zu\" source=\"%zu\" target=\"%zu\" "
		    "weight=\"%" PRIu64 "\"><attvalues>"
		    "<attvalue for=\"0\" value=\"%" PRIu64 "\"/>"
		    "<attvalue for=\"1\" value=\"%" PRIu64 "\"/>", i, e->src,
		    e->dst, graph_weight(g, e->packets, e->bytes), e->packets,
		    e->bytes);
		if (g->diff)
			buf_printf(out, "<attvalue for=\"2\" value=\"%s\"/>"
			    "<attvalue for=\"3\" value=\"%" PRIu64 "\"/>"
			    "<attvalue for=\"4\" value=\"%" PRIu64 "\"/>",
			    graph_change_name(e->change), e->base_packets,
			    e->base_bytes);
		buf_puts(out, "</attvalues></edge>\n");
	}
	buf_puts(out, "</edges>\n</graph>\n</gexf>\n");
	return 0;
}
