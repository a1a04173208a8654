/* ipfix_out.c - closed windows to IPFIX: records from edges, a UDP peer. */

#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flowtable.h"
#include "ipfix.h"
#include "ipfix_out.h"
#include "window.h"

/* Send buffer asked for: a window of 50,000 edges (about 3.8 MB). */
#define UDP_SNDBUF	(4 * 1024 * 1024)
#define UDP_RCVBUF	(8 * 1024 * 1024)

/*
 * HOST:PORT ([v6]:PORT) resolved for UDP; passive: for bind (numeric
 * host only).  0 with *res (freeaddrinfo), or -1 with err.
 */
static int
resolve(const char *hostport, int passive, struct addrinfo **res,
    char *err, size_t errlen)
{
	struct addrinfo hints;
	char host[256];
	const char *colon, *port, *h = hostport;
	size_t hl;
	int rc;

	/* [v6]:port, or host:port split at the last colon */
	if ((colon = strrchr(hostport, ':')) == NULL || colon[1] == '\0') {
		snprintf(err, errlen, "'%s': not HOST:PORT", hostport);
		return -1;
	}
	port = colon + 1;
	hl = (size_t)(colon - hostport);
	if (hl >= 2 && hostport[0] == '[' && hostport[hl - 1] == ']') {
		h = hostport + 1;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host)) {
		snprintf(err, errlen, "'%s': not HOST:PORT", hostport);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = AI_NUMERICSERV |
	    (passive ? AI_PASSIVE | AI_NUMERICHOST : 0);
	if ((rc = getaddrinfo(host, port, &hints, res)) != 0) {
		snprintf(err, errlen, "'%s': %s", hostport, gai_strerror(rc));
		return -1;
	}
	return 0;
}

int
ipfix_udp_check(const char *addrport, char *err, size_t errlen)
{
	struct addrinfo *res = NULL;

	if (resolve(addrport, 1, &res, err, errlen) < 0)
		return -1;
	freeaddrinfo(res);
	return 0;
}

int
ipfix_udp_bind(const char *addrport, char *err, size_t errlen)
{
	struct addrinfo *res = NULL;
	int fd, sz = UDP_RCVBUF;

	if (resolve(addrport, 1, &res, err, errlen) < 0)
		return -1;
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, res->ai_protocol);
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
		snprintf(err, errlen, "'%s': %s: %s", addrport, fd < 0 ?
		    "socket" : "bind", strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	/*
	 * Bursts (an exporter flushing its cache) wait here, not in the
	 * loop; past net.core.rmem_max when CAP_NET_ADMIN allows.
	 */
	else if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
	    sizeof(sz)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	freeaddrinfo(res);
	return fd;
}

int
ipfix_udp_open(const char *hostport, char *err, size_t errlen)
{
	struct addrinfo *res = NULL, *ai;
	int fd = -1, sz = UDP_SNDBUF;

	if (resolve(hostport, 0, &res, err, errlen) < 0)
		return -1;
	snprintf(err, errlen, "'%s': no address", hostport);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			snprintf(err, errlen, "'%s': socket: %s", hostport,
			    strerror(errno));
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		snprintf(err, errlen, "'%s': connect: %s", hostport,
		    strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		/* a smaller buffer is only more sends refused: not an error */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	return fd;
}

int
ipfix_udp_send(void *arg, const uint8_t *data, size_t len)
{
	int fd = *(int *)arg;

	/* ECONNREFUSED (an earlier datagram met a closed port), EAGAIN... */
	return send(fd, data, len, MSG_DONTWAIT) == (ssize_t)len ? 0 : -1;
}

void
ipfix_ports(struct ipfix_flow *f, unsigned proto, unsigned sport,
    unsigned dport)
{
	if (proto == 1 || proto == 58) {
		f->sport = 0;
		f->dport = (uint16_t)((sport & 0xff) << 8 | (dport & 0xff));
	} else {
		f->sport = (uint16_t)sport;
		f->dport = (uint16_t)dport;
	}
}

int
ipfix_out_window(struct ipfix_exp *x, int64_t start_s, unsigned seconds,
    const struct window_stats *st, const struct flowtable *ft,
    uint32_t obs_point)
{
	struct ipfix_loss l;
	struct ipfix_flow f;
	const struct flow_entry *e;
	size_t i, n = ft != NULL ? flowtable_count(ft) : 0;
	int rc = 0;

	memset(&l, 0, sizeof(l));
	l.start_ms = start_s * 1000;
	l.end_ms = (start_s + (int64_t)seconds) * 1000;
	l.frames = st->frames;
	l.bytes = st->bytes;
	l.kernel_drop = st->cap_drop;
	l.if_drop = st->cap_ifdrop;
	l.overflow = st->overflow;
	rc |= ipfix_exp_loss(x, &l);
	memset(&f, 0, sizeof(f));
	f.start_ms = l.start_ms;
	f.end_ms = l.end_ms;
	f.obs_point = obs_point;
	for (i = 0; i < n; i++) {
		e = flowtable_entry(ft, i);
		f.ipver = e->key.ipver;
		f.proto = e->key.proto;
		ipfix_ports(&f, e->key.proto, e->key.sport, e->key.dport);
		memcpy(f.src, e->key.src, sizeof(f.src));
		memcpy(f.dst, e->key.dst, sizeof(f.dst));
		f.tcp_flags = e->tcp_flags;
		f.packets = e->packets;
		f.bytes = e->bytes;
		rc |= ipfix_exp_flow(x, &f);
	}
	rc |= ipfix_exp_flush(x);
	return rc < 0 ? -1 : 0;
}
