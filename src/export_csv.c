/* export_csv.c - edges as CSV, one row per edge per window. */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "decode.h"
#include "export_csv.h"
#include "store.h"
#include "timefmt.h"

void
export_csv_field(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

static int
csv_row(const struct edge_row *e, void *arg)
{
	FILE *out = arg;
	char ws[TIMEFMT_ISO_LEN], first[TIMEFMT_ISO_LEN],
	    last[TIMEFMT_ISO_LEN], src[ADDR_STRLEN], dst[ADDR_STRLEN];
	const char *pname = decode_proto_name(e->proto);

	fprintf(out, "%s,", timefmt_iso(e->window_start * 1000000, ws));
	export_csv_field(out, e->sensor);
	if (pname != NULL)
		fprintf(out, ",%s", pname);
	else
		fprintf(out, ",%u", e->proto);
	fprintf(out, ",%s,%u,%s,%u,%llu,%llu,%s,%s,%u\n",
	    addr_format(e->ipver, e->src, src), e->sport,
	    addr_format(e->ipver, e->dst, dst), e->dport,
	    (unsigned long long)e->packets, (unsigned long long)e->bytes,
	    timefmt_iso(e->first_us, first), timefmt_iso(e->last_us, last),
	    e->tcp_flags);
	return ferror(out) ? 1 : 0;
}

int
export_csv(struct store *st, const struct edge_filter *f, FILE *out,
    char *err, size_t errlen)
{
	int rc;

	fputs(EXPORT_CSV_HEADER "\n", out);
	rc = store_edges(st, f, csv_row, out);
	if (rc < 0) {
		snprintf(err, errlen, "%s", store_error(st));
		return -1;
	}
	if (rc > 0 || fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
