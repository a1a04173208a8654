/* export_csv.h - edges as CSV, one row per edge per window. */
#ifndef IPGRAPH_EXPORT_CSV_H
#define IPGRAPH_EXPORT_CSV_H

#include <stdio.h>

struct store;
struct edge_filter;

#define EXPORT_CSV_HEADER "window_start,sensor,proto,src,sport,dst,dport," \
	"packets,bytes,first_seen,last_seen,tcp_flags"

/*
 * Write the header and every edge matching f to out (RFC 4180 quoting for
 * the sensor name).  Returns 0, or -1 with a message in err.
 */
int	export_csv(struct store *st, const struct edge_filter *f, FILE *out,
	    char *err, size_t errlen);

/* Write s as one CSV field, quoted only when it must be. */
void	export_csv_field(FILE *out, const char *s);

#endif /* IPGRAPH_EXPORT_CSV_H */
