/* rdns.c - reverse DNS (PTR) names for the hosts a graph shows, cached. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "log.h"
#include "rdns.h"
#include "worker.h"

/*
 * Why evdns in a thread of its own: it takes a server address of our
 * choosing (reverse_dns_server), runs any number of queries from one
 * thread with its own timeouts and retries, and it is already a
 * dependency.  getnameinfo(3) would need a thread per query waiting,
 * could not be pointed at one server, and cannot be cancelled; a caller
 * that stops waiting would leave threads behind.  The capture loop never
 * calls here: only the graph (an export, an HTTP worker) does, and it
 * waits on a condition variable, at most the timeout.
 *
 * The cache is a hash table with a least-recently-used list, under one
 * mutex; the resolver thread fills in answers and wakes the waiters.
 * Callers queue addresses to ask and write a byte to a pipe the resolver
 * thread watches; nothing else crosses between the threads, so the event
 * base needs no locking of its own.
 */

enum { E_WAIT, E_NAME, E_NONE };

struct entry {
	struct entry	*hnext;		/* hash chain */
	TAILQ_ENTRY(entry) lru;		/* most recently used first */
	uint8_t		 ver;
	uint8_t		 addr[16];
	int		 state;		/* E_* */
	int		 late;		/* E_WAIT: a caller stopped waiting */
	int64_t		 expires_ms;	/* monotonic; for E_NAME, E_NONE */
	char		*name;		/* E_NAME */
	size_t		 bytes;
};

/* An address handed to the resolver thread (and back in the callback). */
struct ask {
	struct rdns	*r;
	uint8_t		 ver;
	uint8_t		 addr[16];
};

struct rdns {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* an answer came */
	struct entry	**tab;
	size_t		 nbuckets;	/* a power of two */
	TAILQ_HEAD(entries, entry) lru;
	size_t		 max_entries;
	size_t		 max_bytes;
	unsigned	 timeout_ms;
	int64_t		 warned_ms;	/* the last "not answered" warning */
	struct rdns_stats st;

	/* queued for the resolver thread (under mu) */
	struct ask	*queue;
	size_t		 nqueue;
	int		 stop;

	int		 wake[2];	/* pipe: callers write, thread reads */
	struct event_base *base;
	struct evdns_base *dns;
	struct event	*wake_ev;
	pthread_t	 thread;
	int		 started;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *
rdns_escape(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	unsigned char ch;

	if (outlen == 0)
		return out;
	for (; (ch = (unsigned char)*in) != '\0'; in++) {
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.') {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)ch;
		} else {
			if (o + 4 >= outlen)
				break;
			out[o++] = '\\';
			out[o++] = (char)('0' + ch / 100);
			out[o++] = (char)('0' + ch / 10 % 10);
			out[o++] = (char)('0' + ch % 10);
		}
	}
	out[o] = '\0';
	return out;
}

static size_t
hash(int ver, const uint8_t *addr)
{
	uint32_t h = 2166136261u;
	size_t i;

	h = (h ^ (uint8_t)ver) * 16777619u;
	for (i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h;
}

/* Under mu. */
static struct entry **
find(struct rdns *r, int ver, const uint8_t *addr)
{
	struct entry **ep = &r->tab[hash(ver, addr) & (r->nbuckets - 1)];

	while (*ep != NULL && ((*ep)->ver != ver ||
	    memcmp((*ep)->addr, addr, 16) != 0))
		ep = &(*ep)->hnext;
	return ep;
}

/* Remove and free e (under mu); a query still out for it finds nothing. */
static void
drop(struct rdns *r, struct entry *e)
{
	struct entry **ep = find(r, e->ver, e->addr);

	if (*ep == e)
		*ep = e->hnext;
	TAILQ_REMOVE(&r->lru, e, lru);
	r->st.entries--;
	r->st.bytes -= e->bytes;
	free(e->name);
	free(e);
}

/*
 * Push out the least recently used answers until there is room for one
 * more entry of bytes; 0, or -1 when only lookups under way are left
 * (those stay: a caller may be waiting for them, and they are few).
 */
static int
make_room(struct rdns *r, size_t bytes)
{
	struct entry *e;

	while (r->st.entries + 1 > r->max_entries ||
	    r->st.bytes + bytes > r->max_bytes) {
		TAILQ_FOREACH_REVERSE(e, &r->lru, entries, lru)
			if (e->state != E_WAIT)
				break;
		if (e == NULL)
			return -1;
		drop(r, e);
		r->st.evicted++;
	}
	return 0;
}

/* Set a waiting entry's answer (under mu); name NULL: none. */
static void
answer(struct rdns *r, struct entry *e, const char *name, int ttl)
{
	char text[4 * 256 + 1];
	size_t len;

	free(e->name);
	e->name = NULL;
	r->st.bytes -= e->bytes;
	e->bytes = sizeof(*e);
	e->state = E_NONE;
	e->expires_ms = now_ms() + RDNS_NEGATIVE_TTL * 1000LL;
	if (name != NULL && *name != '\0') {
		rdns_escape(name, text, sizeof(text));
		len = strlen(text);
		if ((e->name = malloc(len + 1)) != NULL) {
			memcpy(e->name, text, len + 1);
			e->bytes += len + 1;
			e->state = E_NAME;
			if (ttl < RDNS_MIN_TTL)
				ttl = RDNS_MIN_TTL;
			if (ttl > RDNS_MAX_TTL)
				ttl = RDNS_MAX_TTL;
			e->expires_ms = now_ms() + ttl * 1000LL;
		}
	}
	r->st.bytes += e->bytes;
	if (e->state == E_NAME)
		r->st.names++;
	else
		r->st.failures++;
	/* a long name may take the cache past its bytes */
	while (r->st.bytes > r->max_bytes) {
		struct entry *o;

		TAILQ_FOREACH_REVERSE(o, &r->lru, entries, lru)
			if (o != e && o->state != E_WAIT)
				break;
		if (o == NULL)
			break;
		drop(r, o);
		r->st.evicted++;
	}
}

/* evdns's answer, in the resolver thread. */
static void
rdns_cb(int result, char type, int count, int ttl, void *addresses,
    void *arg)
{
	struct ask *a = arg;
	struct rdns *r = a->r;
	struct entry *e;
	const char *name = NULL;

	if (result == DNS_ERR_SHUTDOWN) {
		free(a);
		return;
	}
	if (result == DNS_ERR_NONE && type == DNS_PTR && count > 0 &&
	    addresses != NULL)
		name = *(char **)addresses;
	else if (result != DNS_ERR_NOTEXIST && result != DNS_ERR_NONE)
		log_debug("reverse DNS: %s", evdns_err_to_string(result));
	pthread_mutex_lock(&r->mu);
	e = *find(r, a->ver, a->addr);
	if (e != NULL && e->state == E_WAIT)
		answer(r, e, name, ttl);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	free(a);
}

/* The pipe: send what was queued, or stop. */
static void
rdns_wake(evutil_socket_t fd, short what, void *arg)
{
	struct rdns *r = arg;
	struct ask *q, *a;
	struct entry *e;
	char drain[64];
	size_t i, n;
	int stop;

	(void)what;
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&r->mu);
	q = r->queue;
	n = r->nqueue;
	r->queue = NULL;
	r->nqueue = 0;
	stop = r->stop;
	pthread_mutex_unlock(&r->mu);
	for (i = 0; i < n && !stop; i++) {
		struct evdns_request *req;
		struct in6_addr in6;
		struct in_addr in4;

		if ((a = malloc(sizeof(*a))) != NULL) {
			*a = q[i];
			if (a->ver == 4) {
				memcpy(&in4, a->addr, 4);
				req = evdns_base_resolve_reverse(r->dns, &in4,
				    DNS_QUERY_NO_SEARCH, rdns_cb, a);
			} else {
				memcpy(&in6, a->addr, 16);
				req = evdns_base_resolve_reverse_ipv6(r->dns,
				    &in6, DNS_QUERY_NO_SEARCH, rdns_cb, a);
			}
			if (req != NULL)
				continue;
			free(a);
		}
		/* not sent: a failure, cached as such */
		pthread_mutex_lock(&r->mu);
		e = *find(r, q[i].ver, q[i].addr);
		if (e != NULL && e->state == E_WAIT)
			answer(r, e, NULL, 0);
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	free(q);
	if (stop) {
		/*
		 * Fails what is out with DNS_ERR_SHUTDOWN, through callbacks
		 * it schedules on the base (rdns_cb frees their asks): the
		 * loop ends once they have run, with nothing left to wait for.
		 */
		evdns_base_free(r->dns, 1);
		r->dns = NULL;
		event_del(r->wake_ev);
		event_base_loopexit(r->base, NULL);
	}
}

/*
 * evdns's own messages ("nameserver ... has failed") are about the
 * server, not the graph: debug lines, not stderr.
 */
static void
rdns_log(int is_warning, const char *msg)
{
	log_debug("reverse DNS: %s%s", is_warning ? "warning: " : "", msg);
}

static void *
rdns_main(void *arg)
{
	struct rdns *r = arg;

	worker_background("ipg-rdns");
	event_base_dispatch(r->base);
	return NULL;
}

int
rdns_server_check(const char *s)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof(ss);

	/* evdns_base_nameserver_ip_add's own parser */
	return evutil_parse_sockaddr_port(s, (struct sockaddr *)&ss, &len) == 0 ?
	    0 : -1;
}

struct rdns *
rdns_new(const struct rdns_conf *conf, char *err, size_t errlen)
{
	struct rdns *r;
	size_t nb;
	int rc;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	TAILQ_INIT(&r->lru);
	r->wake[0] = r->wake[1] = -1;
	evdns_set_log_fn(rdns_log);
	pthread_mutex_init(&r->mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&r->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	r->max_entries = conf->cache > 0 ? conf->cache : 1;
	r->max_bytes = r->max_entries * RDNS_BYTES_PER_ENTRY;
	r->st.max_entries = r->max_entries;
	r->st.max_bytes = r->max_bytes;
	r->timeout_ms = conf->timeout_ms > 0 ? conf->timeout_ms : 1;
	for (nb = 16; nb < r->max_entries && nb < (1u << 20); nb <<= 1)
		;
	r->nbuckets = nb;
	if ((r->tab = calloc(nb, sizeof(*r->tab))) == NULL ||
	    (r->base = event_base_new()) == NULL ||
	    (r->dns = evdns_base_new(r->base, 0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (conf->server != NULL && *conf->server != '\0') {
		if (evdns_base_nameserver_ip_add(r->dns, conf->server) != 0) {
			snprintf(err, errlen, "reverse_dns_server: '%s' is not "
			    "an address (ADDR, ADDR:PORT or [ADDR6]:PORT)",
			    conf->server);
			goto fail;
		}
	} else {
		rc = evdns_base_resolv_conf_parse(r->dns, DNS_OPTION_NAMESERVERS,
		    "/etc/resolv.conf");
		if (rc != 0 || evdns_base_count_nameservers(r->dns) == 0) {
			snprintf(err, errlen, "/etc/resolv.conf: no usable "
			    "nameserver line (name one with reverse_dns_server)");
			goto fail;
		}
	}
	/*
	 * Each try waits 2 s, twice: longer than most callers wait, so a
	 * slow answer still lands in the cache for the next request.
	 */
	if (evdns_base_set_option(r->dns, "timeout:", "2") != 0 ||
	    evdns_base_set_option(r->dns, "attempts:", "2") != 0 ||
	    evdns_base_set_option(r->dns, "max-inflight:",
	    RDNS_MAX_INFLIGHT_TEXT) != 0) {
		snprintf(err, errlen, "evdns: cannot set its options");
		goto fail;
	}
	if (pipe2(r->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((r->wake_ev = event_new(r->base, r->wake[0], EV_READ | EV_PERSIST,
	    rdns_wake, r)) == NULL || event_add(r->wake_ev, NULL) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((rc = pthread_create(&r->thread, NULL, rdns_main, r)) != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		goto fail;
	}
	r->started = 1;
	return r;
fail:
	rdns_free(r);
	return NULL;
}

void
rdns_free(struct rdns *r)
{
	struct entry *e, *next;

	if (r == NULL)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_mutex_unlock(&r->mu);
		while (write(r->wake[1], "x", 1) < 0 && errno == EINTR)
			;
		pthread_join(r->thread, NULL);
	}
	if (r->dns != NULL)
		evdns_base_free(r->dns, 1);
	if (r->wake_ev != NULL)
		event_free(r->wake_ev);
	if (r->base != NULL)
		event_base_free(r->base);
	if (r->wake[0] >= 0)
		close(r->wake[0]);
	if (r->wake[1] >= 0)
		close(r->wake[1]);
	for (e = TAILQ_FIRST(&r->lru); e != NULL; e = next) {
		next = TAILQ_NEXT(e, lru);
		free(e->name);
		free(e);
	}
	free(r->tab);
	free(r->queue);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

/*
 * Whether q's entry has its answer (or is gone): copy the name into q.
 * Under mu.  0: still waiting; 1: done; -1: out of memory.
 */
static int
settle(struct rdns *r, struct rdns_query *q)
{
	struct entry *e = *find(r, q->ver, q->addr);

	if (e != NULL && e->state == E_WAIT)
		return 0;
	if (e != NULL && e->state == E_NAME && q->name == NULL &&
	    (q->name = strdup(e->name)) == NULL)
		return -1;
	return 1;
}

int
rdns_names(struct rdns *r, struct rdns_query *q, size_t n)
{
	struct ask *nq;
	struct entry **ep, *e;
	struct timespec dl;
	int64_t now, deadline;
	size_t i, asked = 0, waiting, late = 0;
	uint8_t *wait = NULL;
	int rc = 0, s;

	if (n == 0)
		return 0;
	if ((wait = calloc(n, 1)) == NULL)
		return -1;
	now = now_ms();
	deadline = now + r->timeout_ms;
	pthread_mutex_lock(&r->mu);
	for (i = 0; i < n; i++) {
		q[i].name = NULL;
		if (q[i].ver != 4 && q[i].ver != 6)
			continue;
		if (q[i].ver == 4)
			memset(q[i].addr + 4, 0, 12);
		ep = find(r, q[i].ver, q[i].addr);
		if ((e = *ep) != NULL && e->state != E_WAIT &&
		    e->expires_ms <= now) {
			drop(r, e);	/* stale: ask again */
			e = NULL;
		}
		if (e != NULL) {
			TAILQ_REMOVE(&r->lru, e, lru);
			TAILQ_INSERT_HEAD(&r->lru, e, lru);
			/*
			 * A lookup someone already waited out is not waited
			 * for again: each address costs a request (or the
			 * two spans of a diff) one timeout at most.
			 */
			if (e->state == E_WAIT && e->late) {
				r->st.timeouts++;
				late++;
			} else if (e->state == E_WAIT)
				wait[i] = 1;
			else {
				r->st.hits++;
				if (e->state == E_NAME &&
				    (q[i].name = strdup(e->name)) == NULL)
					rc = -1;
			}
			continue;
		}
		/*
		 * Lookups under way are bounded by the cache: evdns sends
		 * RDNS_MAX_INFLIGHT_TEXT at once and queues the rest, each with
		 * its entry here.
		 */
		if (make_room(r, sizeof(*e)) < 0) {
			r->st.busy++;
			continue;
		}
		nq = realloc(r->queue, (r->nqueue + 1) * sizeof(*nq));
		if (nq == NULL || (e = calloc(1, sizeof(*e))) == NULL) {
			if (nq != NULL)
				r->queue = nq;
			rc = -1;
			continue;
		}
		r->queue = nq;
		e->ver = q[i].ver;
		memcpy(e->addr, q[i].addr, 16);
		e->state = E_WAIT;
		e->bytes = sizeof(*e);
		ep = find(r, e->ver, e->addr);
		e->hnext = *ep;
		*ep = e;
		TAILQ_INSERT_HEAD(&r->lru, e, lru);
		r->st.entries++;
		r->st.bytes += e->bytes;
		r->st.misses++;
		nq[r->nqueue].r = r;
		nq[r->nqueue].ver = e->ver;
		memcpy(nq[r->nqueue].addr, e->addr, 16);
		r->nqueue++;
		asked++;
		wait[i] = 1;
	}
	pthread_mutex_unlock(&r->mu);
	if (asked > 0)
		while (write(r->wake[1], "x", 1) < 0 && errno == EINTR)
			;
	dl.tv_sec = (time_t)(deadline / 1000);
	dl.tv_nsec = (long)(deadline % 1000) * 1000000L;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		waiting = 0;
		for (i = 0; i < n; i++) {
			if (!wait[i])
				continue;
			if ((s = settle(r, &q[i])) != 0) {
				wait[i] = 0;
				if (s < 0)
					rc = -1;
			} else
				waiting++;
		}
		if (waiting == 0 || pthread_cond_timedwait(&r->cv, &r->mu,
		    &dl) == ETIMEDOUT)
			break;
	}
	for (i = 0; i < n; i++)
		if (wait[i] && settle(r, &q[i]) == 0) {
			r->st.timeouts++;
			late++;
			(*find(r, q[i].ver, q[i].addr))->late = 1;
		}
	/* said once a minute at most: every request may run into it */
	now = now_ms();
	if (late > 0 && (r->warned_ms == 0 || now - r->warned_ms >= 60000))
		r->warned_ms = now;
	else
		late = 0;
	pthread_mutex_unlock(&r->mu);
	if (late > 0)
		log_warnx("reverse DNS: %zu of %zu addresses not answered "
		    "within %u ms: drawn as addresses (a later request finds "
		    "the answers that come)", late, n, r->timeout_ms);
	free(wait);
	return rc;
}

void
rdns_get_stats(struct rdns *r, struct rdns_stats *s)
{
	pthread_mutex_lock(&r->mu);
	*s = r->st;
	pthread_mutex_unlock(&r->mu);
}
