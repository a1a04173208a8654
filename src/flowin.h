/* flowin.h - NetFlow v5, v9 and IPFIX messages in, flow records out. */
#ifndef IPGRAPH_FLOWIN_H
#define IPGRAPH_FLOWIN_H

#include <stddef.h>
#include <stdint.h>

/* One flow record, as ipgraph keeps edges (ICMP: type, code as ports). */
struct flowin_rec {
	int		ipver;		/* 4 or 6 */
	uint8_t		proto;
	uint8_t		tcp_flags;
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		src[16];
	uint8_t		dst[16];
	uint64_t	packets;
	uint64_t	bytes;
	int64_t		first_us;
	int64_t		last_us;
};

/*
 * One exporter and observation domain (NetFlow v9: source ID; v5: engine
 * type and ID): name is "ADDRESS/DOMAIN", the sensor its flows are stored
 * under; user is the caller's, NULL at first, handed to the free hook.
 */
struct flowin_src {
	char		 name[64];
	void		*user;
	uint64_t	 rate_limited;	/* its datagrams over the rate */
};

struct flowin_stats {
	uint64_t	packets;	/* datagrams given */
	uint64_t	records;	/* flow records handed out */
	uint64_t	malformed;	/* datagrams cut short or inconsistent */
	uint64_t	bad_version;	/* not 5, 9 or 10 */
	uint64_t	unknown_template; /* data sets of no known template */
	uint64_t	templates;	/* template records taken */
	uint64_t	withdrawn;	/* IPFIX template withdrawals */
	uint64_t	rate_limited;	/* datagrams over an exporter's rate */
	uint64_t	refused;	/* past the exporter or template cap */
	uint64_t	sources;	/* exporters and domains known now */
};

/* Bounds: exporter/domain pairs, templates each, fields per template. */
#define FLOWIN_MAX_SOURCES	256
#define FLOWIN_MAX_TEMPLATES	64
#define FLOWIN_MAX_FIELDS	64
/*
 * Datagrams per second one source may send by default; more are dropped
 * and counted (in all and per source).  flowin_set_rate changes it.
 */
#define FLOWIN_MAX_RATE		50000

typedef void	(*flowin_fn)(void *arg, struct flowin_src *,
		    const struct flowin_rec *);

struct flowin;

/* free_user(user) is called for each source's user at flowin_free. */
struct flowin *flowin_new(void (*free_user)(void *));
void	flowin_free(struct flowin *);
void	flowin_set_rate(struct flowin *, unsigned per_second);

/*
 * One datagram from the exporter at addr (4 or 16 bytes, ipver 4 or 6),
 * received at now_us: fn is called with each flow record.  Never reads
 * past len; what it cannot use is counted.  0, or -1 when the datagram
 * was refused as a whole (malformed, version, rate, caps).
 */
int	flowin_packet(struct flowin *, int ipver, const uint8_t *addr,
	    const uint8_t *data, size_t len, int64_t now_us, flowin_fn fn,
	    void *arg);

/* The sources known, 0 <= i < flowin_nsources (for their user state). */
size_t	flowin_nsources(const struct flowin *);
struct flowin_src *flowin_source(struct flowin *, size_t i);

void	flowin_get_stats(const struct flowin *, struct flowin_stats *);

#endif /* IPGRAPH_FLOWIN_H */
