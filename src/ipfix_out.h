/* ipfix_out.h - closed windows to IPFIX: records from edges, a UDP peer. */
#ifndef IPGRAPH_IPFIX_OUT_H
#define IPGRAPH_IPFIX_OUT_H

#include <stddef.h>
#include <stdint.h>

struct flowtable;
struct ipfix_exp;
struct window_stats;

/*
 * A UDP socket connected to HOST:PORT (a name or address; [v6]:PORT),
 * non-blocking, with a large send buffer.  The fd, or -1 with err.
 * Resolves names: call it at start-up, never from the capture loop.
 */
int	ipfix_udp_open(const char *hostport, char *err, size_t errlen);

/*
 * A UDP socket bound to ADDR:PORT (numeric; [v6]:PORT), non-blocking,
 * with a large receive buffer: the collector's.  The fd, or -1 with err.
 */
int	ipfix_udp_bind(const char *addrport, char *err, size_t errlen);

/* Whether addrport would do for ipfix_udp_bind, without binding: 0/-1. */
int	ipfix_udp_check(const char *addrport, char *err, size_t errlen);

/*
 * An ipfix_send_fn for such a socket (arg: an int *, the fd).  Never
 * waits: a full socket buffer or a peer that refused is a failed send.
 */
int	ipfix_udp_send(void *arg, const uint8_t *data, size_t len);

/*
 * The ports of an edge as exported: ICMP and ICMPv6 edges keep type and
 * code in sport and dport; IPFIX collectors (nfdump, pmacct, goflow2)
 * read them as NetFlow put them, destinationTransportPort = type * 256 +
 * code and source port 0.
 */
struct ipfix_flow;
void	ipfix_ports(struct ipfix_flow *, unsigned proto, unsigned sport,
	    unsigned dport);

/*
 * One closed window: its loss (options) record, then a record per edge,
 * then the message is sent.  obs_point is the observationPointId.
 * 0, or -1 when a send failed (the rest is still sent).
 */
int	ipfix_out_window(struct ipfix_exp *, int64_t start_s, unsigned seconds,
	    const struct window_stats *, const struct flowtable *,
	    uint32_t obs_point);

#endif /* IPGRAPH_IPFIX_OUT_H */
