/* collector.h - ipgraphd's [ipfix] listen: flows from exporters to windows. */
#ifndef IPGRAPH_COLLECTOR_H
#define IPGRAPH_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct flowin_stats;
struct writer;

struct collector;

/*
 * Bind addrport (UDP) and read it from base's loop: each exporter and
 * observation domain gets windows of its own (seconds long, closed grace
 * after their end, at most max_edges edges each) handed to wr under the
 * sensor name "ADDRESS/DOMAIN"; an exporter's datagrams past max_rate
 * a second are dropped, counted and logged.  NULL with err.
 */
struct collector *collector_start(struct event_base *base,
	    const char *addrport, unsigned seconds, unsigned grace,
	    size_t max_edges, unsigned max_rate, struct writer *wr, char *err,
	    size_t errlen);

/* Close the windows whose end plus grace is before now_us (the tick). */
void	collector_tick(struct collector *, int64_t now_us);

/* Read what the socket holds, then close every window (at stop). */
void	collector_close_all(struct collector *);

void	collector_stats(const struct collector *, struct flowin_stats *);

/* Stop reading and free; NULL is fine.  Windows not closed are lost. */
void	collector_free(struct collector *);

#endif /* IPGRAPH_COLLECTOR_H */
