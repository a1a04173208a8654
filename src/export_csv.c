/* export_csv.c - stored rows as CSV, and address pairs as IP-Link's CSV. */

#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "decode.h"
#include "export.h"
#include "export_csv.h"
#include "graph.h"
#include "query.h"
#include "services.h"
#include "store.h"
#include "timefmt.h"

void
export_csv_field(struct buf *out, const char *s, char sep)
{
	const char special[] = { sep, '"', '\r', '\n', '\0' };

	if (strpbrk(s, special) == NULL) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

static int
csv_row(const struct store_row *e, void *arg)
{
	struct buf *out = arg;
	char ws[TIMEFMT_ISO_LEN], first[TIMEFMT_ISO_LEN],
	    last[TIMEFMT_ISO_LEN], src[ADDR_STRLEN], dst[ADDR_STRLEN];
	const char *pname = decode_proto_name(e->proto), *sname, *dname;

	buf_printf(out, "%s,", timefmt_iso(e->window_start * 1000000, ws));
	export_csv_field(out, e->sensor != NULL ? e->sensor : "", ',');
	if (pname != NULL)
		buf_printf(out, ",%s", pname);
	else
		buf_printf(out, ",%u", e->proto);
	buf_printf(out, ",%s,%u,%s,%u,%" PRIu64 ",%" PRIu64 ",%s,%s,%u,",
	    addr_format(e->ipver, e->src, src), e->sport,
	    addr_format(e->ipver, e->dst, dst), e->dport, e->packets,
	    e->bytes, timefmt_iso(e->first_us, first),
	    timefmt_iso(e->last_us, last), e->tcp_flags);
	/* service names: services(5) names hold no comma, quote or space */
	if ((sname = services_name(e->proto, e->sport)) != NULL)
		buf_puts(out, sname);
	buf_putc(out, ',');
	if ((dname = services_name(e->proto, e->dport)) != NULL)
		buf_puts(out, dname);
	buf_putc(out, '\n');
	return buf_failed(out) ? 1 : 0;
}

int
export_csv_rows(struct filter *q, struct store *st, struct buf *out,
    char *err, size_t errlen)
{
	buf_puts(out, EXPORT_CSV_HEADER "\n");
	if (store_read(st, q, STORE_READ_ROWS, csv_row, out, NULL, NULL, err,
	    errlen) < 0)
		return -1;
	if (buf_failed(out)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}

/* IP-Link's form: src;dst;count, no header, one line per pair. */
int
export_csv_pairs(const struct graph *g, const struct export_opts *o,
    struct buf *out, char *err, size_t errlen)
{
	const struct graph_edge *e;
	size_t i;

	(void)o;
	(void)err;
	(void)errlen;
	for (i = 0; i < g->nedges; i++) {
		e = &g->edges[i];
		export_csv_field(out, g->nodes[e->src].label, ';');
		buf_putc(out, ';');
		export_csv_field(out, g->nodes[e->dst].label, ';');
		buf_printf(out, ";%" PRIu64, graph_weight(g, e->packets,
		    e->bytes));
		/* a diff: the baseline's weight and the change after */
		if (g->diff)
			buf_printf(out, ";%" PRIu64 ";%s", graph_weight(g,
			    e->base_packets, e->base_bytes),
			    graph_change_name(e->change));
		buf_putc(out, '\n');
	}
	return 0;
}
