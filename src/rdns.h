/* rdns.h - reverse DNS (PTR) names for the hosts a graph shows, cached. */
#ifndef IPGRAPH_RDNS_H
#define IPGRAPH_RDNS_H

#include <stddef.h>
#include <stdint.h>

struct rdns;

/* Defaults: a caller waits 1000 ms at most; 4096 names are cached. */
#define RDNS_TIMEOUT_MS		1000
#define RDNS_CACHE		4096
/* Bytes the cache may hold per entry on average (names and bookkeeping). */
#define RDNS_BYTES_PER_ENTRY	256
/* How long a failed lookup (no name, an error, no answer) is kept. */
#define RDNS_NEGATIVE_TTL	300
/* A name is kept for its TTL, within these bounds (seconds). */
#define RDNS_MIN_TTL		60
#define RDNS_MAX_TTL		86400
/* Queries on the wire at once; evdns queues the rest (the cache bounds them). */
#define RDNS_MAX_INFLIGHT_TEXT	"256"

struct rdns_conf {
	unsigned	 timeout_ms;	/* the longest a caller waits, >= 1 */
	size_t		 cache;		/* entries, >= 1 */
	const char	*server;	/* "ADDR" or "ADDR:PORT"; NULL: the
					   name servers of /etc/resolv.conf */
};

struct rdns_stats {
	uint64_t	entries;	/* cached now (answers and waiting) */
	uint64_t	max_entries;
	uint64_t	bytes;		/* memory the entries hold */
	uint64_t	max_bytes;
	uint64_t	hits;		/* answered from the cache */
	uint64_t	misses;		/* asked of the server */
	uint64_t	timeouts;	/* a caller stopped waiting for one */
	uint64_t	names;		/* answers with a name */
	uint64_t	failures;	/* answers without (NXDOMAIN, errors) */
	uint64_t	evicted;	/* pushed out, least recently used */
	uint64_t	busy;		/* not asked: the cache is full of
					   lookups under way */
};

/* One address to name; name is set by rdns_names (caller frees). */
struct rdns_query {
	uint8_t		 ver;		/* 4 or 6 */
	uint8_t		 addr[16];
	char		*name;		/* NULL: no name (yet) */
};

/*
 * A resolver with a thread of its own running libevent's evdns on its own
 * event base, and a cache of at most conf->cache entries and
 * conf->cache * RDNS_BYTES_PER_ENTRY bytes.  conf is copied.  NULL with
 * err ("reverse_dns_server: ...", "/etc/resolv.conf: ...") on a bad
 * server address, no name server, or no memory.  Free with rdns_free.
 */
struct rdns	*rdns_new(const struct rdns_conf *conf, char *err,
		    size_t errlen);

/* Whether s is a server address rdns_new takes: 0 or -1. */
int		 rdns_server_check(const char *s);

/* Stop the thread (queries still out are dropped) and free.  NULL ok. */
void		 rdns_free(struct rdns *);

/*
 * Name the n addresses of q: each gets its cached name, else is asked
 * and waited for, all together, until the timeout has passed; an
 * address still unanswered then stays unnamed (its answer is cached for
 * later calls).  Names are escaped text (rdns_escape).  Any thread,
 * several at once.  0, or -1 when out of memory (names set so far stay
 * and are the caller's to free).
 */
int		 rdns_names(struct rdns *, struct rdns_query *q, size_t n);

void		 rdns_get_stats(struct rdns *, struct rdns_stats *);

/*
 * A name from the wire as the passive DNS names are written: lower case
 * letters, digits, '-', '_' and '.' as they are, any other byte \DDD
 * (decimal, as in zone files), so no control character or quote is
 * left.  out holds 4 * strlen(in) + 1 bytes at most; returns out.
 */
char		*rdns_escape(const char *in, char *out, size_t outlen);

#endif /* IPGRAPH_RDNS_H */
