/* sniff.c - live capture on one interface through libpcap. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <pcap/pcap.h>

#include "sniff.h"

struct sniff {
	pcap_t		*p;
	char		*name;
	int		 linktype;
	sniff_fn	 fn;
	void		*arg;
	struct pcap_stat last;		/* for deltas */
	int64_t		 newest_us;	/* newest frame read */
	uint64_t	 nread;		/* frames read, all told */
	char		 err[PCAP_ERRBUF_SIZE + 256];
};

/*
 * Why 100 ms: with TPACKET_V3 the kernel hands over a block of packets when
 * it is full or when this timeout expires, so the timeout bounds how stale
 * a quiet interface's packets can be while keeping busy ones batched.
 */
#define SNIFF_TIMEOUT_MS	100

static uint64_t unread_of(const struct sniff *, const struct pcap_stat *);

static int
set_filter(pcap_t *p, const char *name, const char *filter, char *err,
    size_t errlen)
{
	struct bpf_program prog;

	if (pcap_compile(p, &prog, filter == NULL ? "" : filter, 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s: filter '%s': %s", name,
		    filter == NULL ? "" : filter, pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		snprintf(err, errlen, "%s: setting the filter: %s", name,
		    pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

struct sniff *
sniff_open(const char *iface, const struct sniff_opts *o, int *absent,
    char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct sniff *s;
	int rc;

	*absent = 0;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->name = strdup(iface)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", iface);
		free(s);
		return NULL;
	}
	if ((s->p = pcap_create(iface, perr)) == NULL) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		goto fail;
	}
	pcap_set_snaplen(s->p, (int)o->snaplen);
	pcap_set_promisc(s->p, o->promisc);
	pcap_set_timeout(s->p, SNIFF_TIMEOUT_MS);
	pcap_set_buffer_size(s->p, (int)o->buffer_size);
	rc = pcap_activate(s->p);
	if (rc < 0) {
		*absent = rc == PCAP_ERROR_NO_SUCH_DEVICE ||
		    rc == PCAP_ERROR_IFACE_NOT_UP;
		snprintf(err, errlen, "%s: %s%s%s", iface,
		    pcap_statustostr(rc), *pcap_geterr(s->p) ? ": " : "",
		    pcap_geterr(s->p));
		goto fail;
	}
	if (rc > 0)	/* a warning, e.g. promiscuous mode not supported */
		snprintf(s->err, sizeof(s->err), "%s: %s", iface,
		    pcap_statustostr(rc));
	/*
	 * Have the kernel stamp every frame once, when it arrives, rather
	 * than each capture socket stamp its own copy as it takes it: a
	 * socket option that asks for time stamps turns that on for the
	 * whole system (it stays on while the socket is open), and libpcap
	 * hands over that stamp.  Two handles on one interface then give the
	 * same frame the same time, taken before either runs its filter,
	 * which the filter swap in ipgraphd relies on; without it a copy
	 * could be stamped after the other socket's filter had dropped it.
	 * Nothing is read through the option itself (the ring has the stamp),
	 * and a failure changes nothing else, so it is not an error.
	 */
#ifdef SO_TIMESTAMP
	{
		int on = 1;

		(void)setsockopt(pcap_fileno(s->p), SOL_SOCKET, SO_TIMESTAMP,
		    &on, sizeof(on));
	}
#endif
	if (pcap_setnonblock(s->p, 1, perr) != 0) {
		snprintf(err, errlen, "%s: %s", iface, perr);
		goto fail;
	}
	/*
	 * A filter always, the empty one too: it compiles to "ret #snaplen",
	 * and the kernel copies into the ring only as many bytes as the
	 * filter returns.  Without a filter it copies whole frames and
	 * libpcap cuts them to snaplen afterwards, so at snaplen 128 a ring
	 * held a fifth as many MTU-sized frames and overflowed sooner.
	 */
	if (set_filter(s->p, iface, o->filter, err, errlen) < 0)
		goto fail;
	s->linktype = pcap_datalink(s->p);
	s->newest_us = INT64_MIN;
	/*
	 * The counters start at zero (s->last, from calloc), not at what
	 * pcap_stats says now: frames the kernel put in the ring before the
	 * filter was set are still handed over (libpcap filters them), and
	 * each handed-over frame must be in the count of received ones.
	 */
	return s;
fail:
	sniff_close(s);
	return NULL;
}

void
sniff_close(struct sniff *s)
{
	if (s == NULL)
		return;
	if (s->p != NULL)
		pcap_close(s->p);
	free(s->name);
	free(s);
}

int
sniff_fd(const struct sniff *s)
{
	return pcap_get_selectable_fd(s->p);
}

const char *
sniff_name(const struct sniff *s)
{
	return s->name;
}

const char *
sniff_error(const struct sniff *s)
{
	return s->err;
}

static void
trampoline(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct sniff *s = (struct sniff *)user;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;

	if (ts > s->newest_us)
		s->newest_us = ts;
	s->nread++;
	s->fn(s->arg, ts, h->caplen, h->len, s->linktype, bytes);
}

int
sniff_dispatch(struct sniff *s, int max, sniff_fn fn, void *arg)
{
	int n;

	s->fn = fn;
	s->arg = arg;
	n = pcap_dispatch(s->p, max, trampoline, (u_char *)s);
	if (n == PCAP_ERROR) {
		snprintf(s->err, sizeof(s->err), "%s: %s", s->name,
		    pcap_geterr(s->p));
		return -1;
	}
	return n < 0 ? 0 : n;
}

uint64_t
sniff_unread(struct sniff *s)
{
	struct pcap_stat now;

	if (pcap_stats(s->p, &now) != 0)
		return UINT64_MAX;
	return unread_of(s, &now);
}

int
sniff_drain(struct sniff *s, int64_t until_us, sniff_fn fn, void *arg)
{
	struct timeval tv;
	int n;

	/*
	 * One pcap_dispatch hands over at most one ring block.  A frame
	 * stamped at or after until_us ends it: the kernel fills and
	 * retires blocks in order of arrival, so every frame stamped before
	 * it has been read (the stamp is taken on arrival; callers put
	 * until_us far enough past the time they care about that the
	 * order of two CPUs' frames cannot matter).  Else, once until_us
	 * has passed and nothing more is ready, the kernel's count of the
	 * frames it took tells whether a block it has not retired yet still
	 * holds some.
	 */
	s->fn = fn;
	s->arg = arg;
	while (s->newest_us < until_us) {
		n = pcap_dispatch(s->p, -1, trampoline, (u_char *)s);
		if (n < 0) {
			snprintf(s->err, sizeof(s->err), "%s: %s", s->name,
			    pcap_geterr(s->p));
			return -1;
		}
		if (n > 0)
			continue;
		gettimeofday(&tv, NULL);
		return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec >= until_us &&
		    sniff_unread(s) == 0;
	}
	return 1;
}

int
sniff_flush_until(struct sniff *s, int64_t until_us, sniff_fn fn, void *arg)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	struct timeval tv;
	int rc;

	/*
	 * Blocking reads are no help: with TPACKET_V3 libpcap polls without
	 * a timeout and the kernel never retires an empty block.  So read,
	 * nap, read again until the proof comes: a block the kernel has not
	 * retired yet is retired when it fills or its timeout expires.
	 */
	for (;;) {
		if ((rc = sniff_drain(s, until_us, fn, arg)) != 0)
			return rc;
		gettimeofday(&tv, NULL);
		if ((int64_t)tv.tv_sec * 1000000 + tv.tv_usec >= until_us +
		    SNIFF_GIVEUP_US)
			return 0;
		nanosleep(&nap, NULL);
	}
}

int
sniff_flush(struct sniff *s, sniff_fn fn, void *arg)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return sniff_flush_until(s, (int64_t)tv.tv_sec * 1000000 +
	    tv.tv_usec + SNIFF_SETTLE_US, fn, arg);
}

/* Frames put in the ring and not read, as of the reading now. */
static uint64_t
unread_of(const struct sniff *s, const struct pcap_stat *now)
{
	/*
	 * ps_recv counts the frames the filter took, ps_drop those of them
	 * that found the ring full; all modulo 2^32, as pcap_stats counts.
	 */
	return (uint32_t)(now->ps_recv - now->ps_drop - (uint32_t)s->nread);
}

int
sniff_stats(struct sniff *s, uint64_t *recv, uint64_t *drop,
    uint64_t *ifdrop, uint64_t *unread)
{
	struct pcap_stat now;

	if (pcap_stats(s->p, &now) != 0)
		return -1;
	if (unread != NULL)
		*unread = unread_of(s, &now);
	/* unsigned 32-bit subtraction survives one wrap between reads */
	*recv = (uint32_t)(now.ps_recv - s->last.ps_recv);
	*drop = (uint32_t)(now.ps_drop - s->last.ps_drop);
	*ifdrop = (uint32_t)(now.ps_ifdrop - s->last.ps_ifdrop);
	s->last = now;
	return 0;
}

struct sniff_match {
	struct bpf_program	prog;
};

int
sniff_filter_check(const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	pcap_t *dead;
	int rc = 0;

	if (filter == NULL || *filter == '\0')
		return 0;
	if ((dead = pcap_open_dead(DLT_EN10MB, 262144)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "'%s': %s", filter, pcap_geterr(dead));
		rc = -1;
	} else
		pcap_freecode(&prog);
	pcap_close(dead);
	return rc;
}

struct sniff_match *
sniff_match_dlt(int dlt, const char *filter, char *err, size_t errlen)
{
	struct sniff_match *m;
	pcap_t *dead;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (dead = pcap_open_dead(dlt, 262144)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(m);
		return NULL;
	}
	if (pcap_compile(dead, &m->prog, filter, 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "'%s': %s", filter, pcap_geterr(dead));
		pcap_close(dead);
		free(m);
		return NULL;
	}
	pcap_close(dead);
	return m;
}

struct sniff_match *
sniff_match_new(const struct sniff *s, const char *filter, char *err,
    size_t errlen)
{
	struct sniff_match *m;
	char why[512];

	if ((m = sniff_match_dlt(s->linktype, filter, why, sizeof(why))) ==
	    NULL)
		snprintf(err, errlen, "%s: [seq] filter %s", s->name, why);
	return m;
}

int
sniff_match(const struct sniff_match *m, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = caplen;
	h.len = wirelen;
	return pcap_offline_filter(&m->prog, &h, data) != 0;
}

void
sniff_match_free(struct sniff_match *m)
{
	if (m == NULL)
		return;
	pcap_freecode(&m->prog);
	free(m);
}

char *
sniff_default_iface(char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;
	char *name = NULL;

	if (pcap_findalldevs(&all, perr) != 0) {
		snprintf(err, errlen, "listing interfaces: %s", perr);
		return NULL;
	}
	for (d = all; d != NULL; d = d->next) {
		if ((d->flags & PCAP_IF_LOOPBACK) || !(d->flags & PCAP_IF_UP) ||
		    strcmp(d->name, "any") == 0 ||
		    (d->flags & PCAP_IF_CONNECTION_STATUS) ==
		    PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
			continue;
		if (d->addresses == NULL)
			continue;
		name = strdup(d->name);
		break;
	}
	pcap_freealldevs(all);
	if (name == NULL)
		snprintf(err, errlen, "no interface is up: name one with -i "
		    "or [capture] interfaces");
	return name;
}
