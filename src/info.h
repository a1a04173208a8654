/* info.h - what a database holds: ipgraph info, known sensors, why empty. */
#ifndef IPGRAPH_INFO_H
#define IPGRAPH_INFO_H

#include <stddef.h>

struct buf;
struct filter;
struct store;

/*
 * What `ipgraph info --json` and GET /api/v1/info answer, the same bytes
 * for both: schema, size, hosts, windows, edges, per sensor and tier the
 * span covered, the last capture and the last import.  Appends to out;
 * 0, or -1 with err.  Reads every stored row (edges and hosts are
 * counted), on a read-only connection too.
 */
int	info_json(struct store *, struct buf *out, char *err, size_t errlen);

/* The same for a person: aligned lines and a table of spans. */
int	info_text(struct store *, struct buf *out, char *err, size_t errlen);

/*
 * Whether sensor (NULL: none asked for) is a sensor of the database.  0
 * when it is (or none was asked for), 1 when not, with "sensor: 'x' is
 * not a sensor of this database (known: a, b)" in err, -1 on a store
 * error (err names the database).
 */
int	info_sensor_check(struct store *, const char *sensor, char *err,
	    size_t errlen);

/*
 * Why a query gave nothing, for a caller that found its result empty:
 * "no windows between A and B; this database covers C to D for sensors
 * X, Y" when f's span (sensor, tier) selects no window, else "no edge
 * passes the filters (port, host) in the N raw windows from A to B".
 * One line, no newline, in msg.  1 with msg, 0 when there is nothing to
 * say, -1 on a store error (err in msg).
 */
int	info_why_empty(struct store *, const struct filter *f, char *msg,
	    size_t len);

#endif /* IPGRAPH_INFO_H */
