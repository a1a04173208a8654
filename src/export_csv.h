/* export_csv.h - stored rows as CSV, and address pairs as IP-Link's CSV. */
#ifndef IPGRAPH_EXPORT_CSV_H
#define IPGRAPH_EXPORT_CSV_H

struct buf;

#define EXPORT_CSV_HEADER "window_start,sensor,proto,src,sport,dst,dport," \
	"packets,bytes,first_seen,last_seen,tcp_flags,sport_service," \
	"dport_service"

/*
 * Append s as one field for separator sep, quoted (RFC 4180) only when it
 * holds sep, a quote or a line break.
 */
void	export_csv_field(struct buf *, const char *s, char sep);

#endif /* IPGRAPH_EXPORT_CSV_H */
