/* graph_diff.c - two graphs of one filter (a span and its baseline) merged
 * into one, each node and edge marked new, gone, grown, shrunk or same. */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "graph.h"
#include "query.h"
#include "timefmt.h"

static const char *const graph_changes[GRAPH_NCHANGES] = {
	"same", "new", "gone", "grown", "shrunk"
};

const char *
graph_change_name(int change)
{
	return change >= 0 && change < GRAPH_NCHANGES ?
	    graph_changes[change] : "same";
}

/* The change from b (baseline) to w (span) under ratio. */
static int
diff_change(uint64_t w, uint64_t b, double ratio)
{
	if (b == 0)
		return w == 0 ? GRAPH_CHANGE_SAME : GRAPH_CHANGE_NEW;
	if (w == 0)
		return GRAPH_CHANGE_GONE;
	if ((double)w >= (double)b * ratio)
		return GRAPH_CHANGE_GROWN;
	if ((double)w * ratio <= (double)b)
		return GRAPH_CHANGE_SHRUNK;
	return GRAPH_CHANGE_SAME;
}

static int
diff_cmp_edge(size_t sa, size_t da, size_t sb, size_t db)
{
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return da < db ? -1 : da > db;
}

/* A string into the block; its offset. */
static size_t
diff_string(struct buf *b, const char *s)
{
	size_t off = b->len;

	buf_add(b, s, strlen(s) + 1);
	return off;
}

struct graph *
graph_diff(const struct graph *cur, const struct graph *base,
    const struct filter *q)
{
	struct graph *g;
	struct buf strings = BUF_INIT, filters = BUF_INIT;
	size_t *cmap = NULL, *bmap = NULL, *off = NULL;
	size_t i, j, k, n, gone_nodes = 0;
	struct graph_node *nd;
	const struct graph_node *from;
	struct graph_edge *e;
	int c;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->diff = 1;
	g->ratio = q->change_ratio;
	(void)filter_baseline(q, &g->base_from_us, &g->base_to_us);
	g->metric = cur->metric;
	g->tier = cur->tier;
	g->rows = cur->rows + base->rows;
	g->packets = cur->packets;
	g->bytes = cur->bytes;
	g->first_us = cur->first_us;
	g->last_us = cur->last_us;
	g->from_us = cur->from_us;
	g->to_us = cur->to_us;
	g->total = cur->total;
	g->base_packets = base->packets;
	g->base_bytes = base->bytes;

	/* Nodes: both lists are in the same order, so merge them. */
	n = cur->nnodes + base->nnodes;
	if ((n > 0 && (g->nodes = calloc(n, sizeof(*g->nodes))) == NULL) ||
	    (cmap = calloc(cur->nnodes + 1, sizeof(*cmap))) == NULL ||
	    (bmap = calloc(base->nnodes + 1, sizeof(*bmap))) == NULL ||
	    (off = calloc(3 * n + 1, sizeof(*off))) == NULL)
		goto fail;
	for (i = j = 0; i < cur->nnodes || j < base->nnodes; ) {
		if (i == cur->nnodes)
			c = 1;
		else if (j == base->nnodes)
			c = -1;
		else
			c = graph_node_cmp(&cur->nodes[i], &base->nodes[j]);
		nd = &g->nodes[g->nnodes];
		from = c <= 0 ? &cur->nodes[i] : &base->nodes[j];
		nd->ver = from->ver;
		nd->prefix = from->prefix;
		memcpy(nd->addr, from->addr, 16);
		off[2 * g->nnodes] = diff_string(&strings, from->addr_text);
		off[2 * g->nnodes + 1] = from->name != NULL ?
		    diff_string(&strings, from->name) : SIZE_MAX;
		off[2 * n + g->nnodes] = from->as_name != NULL ?
		    diff_string(&strings, from->as_name) : SIZE_MAX;
		nd->asn = from->asn;
		memcpy(nd->country, from->country, sizeof(nd->country));
		if (c <= 0) {
			nd->out_packets = from->out_packets;
			nd->out_bytes = from->out_bytes;
			nd->in_packets = from->in_packets;
			nd->in_bytes = from->in_bytes;
			cmap[i++] = g->nnodes;
		}
		if (c >= 0) {
			from = &base->nodes[j];
			nd->base_out_packets = from->out_packets;
			nd->base_out_bytes = from->out_bytes;
			nd->base_in_packets = from->in_packets;
			nd->base_in_bytes = from->in_bytes;
			bmap[j++] = g->nnodes;
			if (c > 0)
				gone_nodes++;
		}
		g->nnodes++;
	}
	buf_add(&strings, "", 1);
	if (buf_failed(&strings))
		goto fail;
	for (i = 0; i < g->nnodes; i++) {
		nd = &g->nodes[i];
		nd->addr_text = strings.data + off[2 * i];
		nd->name = off[2 * i + 1] == SIZE_MAX ? NULL :
		    strings.data + off[2 * i + 1];
		nd->label = nd->name != NULL ? nd->name : nd->addr_text;
		nd->as_name = off[2 * n + i] == SIZE_MAX ? NULL :
		    strings.data + off[2 * n + i];
		nd->change = diff_change(graph_weight(g, nd->out_packets +
		    nd->in_packets, nd->out_bytes + nd->in_bytes),
		    graph_weight(g, nd->base_out_packets +
		    nd->base_in_packets, nd->base_out_bytes +
		    nd->base_in_bytes), g->ratio);
		g->node_changes[nd->change]++;
	}
	g->strings = strings.data;
	strings.data = NULL;

	/*
	 * Edges: sorted by (src, dst) in each graph, and the node maps keep
	 * the order, so merge them too.
	 */
	n = cur->nedges + base->nedges;
	if (n > 0 && (g->edges = calloc(n, sizeof(*g->edges))) == NULL)
		goto fail;
	for (i = j = 0; i < cur->nedges || j < base->nedges; ) {
		const struct graph_edge *ce = i < cur->nedges ?
		    &cur->edges[i] : NULL, *be = j < base->nedges ?
		    &base->edges[j] : NULL;

		if (ce == NULL)
			c = 1;
		else if (be == NULL)
			c = -1;
		else
			c = diff_cmp_edge(cmap[ce->src], cmap[ce->dst],
			    bmap[be->src], bmap[be->dst]);
		e = &g->edges[g->nedges++];
		if (c <= 0) {
			e->src = cmap[ce->src];
			e->dst = cmap[ce->dst];
			e->packets = ce->packets;
			e->bytes = ce->bytes;
			e->first_us = ce->first_us;
			e->last_us = ce->last_us;
			i++;
		}
		if (c >= 0) {
			if (c > 0) {
				e->src = bmap[be->src];
				e->dst = bmap[be->dst];
				e->first_us = be->first_us;
				e->last_us = be->last_us;
			}
			e->base_packets = be->packets;
			e->base_bytes = be->bytes;
			j++;
		}
		e->change = diff_change(graph_weight(g, e->packets, e->bytes),
		    graph_weight(g, e->base_packets, e->base_bytes), g->ratio);
		g->changes[e->change]++;
	}
	/* the caption's "showing N of M": what is gone is shown too */
	g->total.edges += g->changes[GRAPH_CHANGE_GONE];
	g->total.nodes += gone_nodes;

	/* The span's flows and events, on the merged nodes (same order). */
	if (cur->nflows > 0 && (g->flows = calloc(cur->nflows,
	    sizeof(*g->flows))) == NULL)
		goto fail;
	for (k = 0; k < cur->nflows; k++) {
		g->flows[k] = cur->flows[k];
		g->flows[k].src = (uint32_t)cmap[cur->flows[k].src];
		g->flows[k].dst = (uint32_t)cmap[cur->flows[k].dst];
	}
	g->nflows = cur->nflows;
	if (cur->nevents > 0 && (g->events = calloc(cur->nevents,
	    sizeof(*g->events))) == NULL)
		goto fail;
	for (k = 0; k < cur->nevents; k++) {
		g->events[k] = cur->events[k];
		g->events[k].src = cmap[cur->events[k].src];
		g->events[k].dst = cmap[cur->events[k].dst];
	}
	g->nevents = cur->nevents;

	filter_describe(q, &filters);
	buf_putc(&filters, '\0');
	if (buf_failed(&filters))
		goto fail;
	g->filters = filters.data;
	free(cmap);
	free(bmap);
	free(off);
	return g;
fail:
	buf_free(&strings);
	buf_free(&filters);
	free(cmap);
	free(bmap);
	free(off);
	graph_free(g);
	return NULL;
}

/* "2009-01-16 00:03:00" of a time, to the second. */
static const char *
diff_time(int64_t us, char *out)
{
	timefmt_iso(us, out);
	out[10] = ' ';
	out[19] = '\0';
	return out;
}

/*
 * A diff: the span and the baseline read through copies of q without
 * the baseline (the copies share q's strings and are not freed), then
 * merged.
 */
static struct graph *
graph_build_diff(const struct filter *q, struct store *st, char *err,
    size_t errlen)
{
	struct filter span = *q, base;
	struct graph *cur = NULL, *old = NULL, *g = NULL;
	char a[TIMEFMT_ISO_LEN], b[TIMEFMT_ISO_LEN];
	int64_t bf, bt;

	(void)filter_baseline(q, &bf, &bt);
	span.given &= ~((1u << FILTER_BASELINE_FROM) |
	    (1u << FILTER_BASELINE_TO) | (1u << FILTER_BASELINE) |
	    (1u << FILTER_CHANGE_RATIO));
	base = span;
	base.from_us = bf;
	base.to_us = bt;
	base.given |= (1u << FILTER_FROM) | (1u << FILTER_TO);
	if ((cur = graph_build_span(&span, st, err, errlen)) == NULL ||
	    (old = graph_build_span(&base, st, err, errlen)) == NULL)
		goto done;
	if (old->rows == 0) {
		snprintf(err, errlen, "%s: no traffic matching the filters "
		    "between %s and %s (the baseline): nothing to compare "
		    "with (ipgraph info lists the stored windows)",
		    filter_has(q, FILTER_BASELINE) ? "baseline" :
		    "baseline_from", diff_time(bf, a), diff_time(bt, b));
		goto done;
	}
	if ((g = graph_diff(cur, old, q)) == NULL)
		snprintf(err, errlen, "out of memory building the graph");
done:
	graph_free(cur);
	graph_free(old);
	return g;
}

struct graph *
graph_build(const struct filter *q, struct store *st, char *err,
    size_t errlen)
{
	int64_t bf, bt;

	if (filter_baseline(q, &bf, &bt))
		return graph_build_diff(q, st, err, errlen);
	return graph_build_span(q, st, err, errlen);
}
