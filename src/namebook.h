/* namebook.h - the names clients resolved: (client, address) -> name. */
#ifndef IPGRAPH_NAMEBOOK_H
#define IPGRAPH_NAMEBOOK_H

#include <stddef.h>
#include <stdint.h>

struct packet;
struct dns_answer;
struct namebook;

/* A name seen for an address, to be stored (store_write_names). */
struct name_row {
	int64_t		 ts_us;		/* first seen in its window */
	uint8_t		 ver;		/* 4 or 6, of addr */
	uint8_t		 cver;		/* 4 or 6, of client */
	uint8_t		 client[16];	/* who was told */
	uint8_t		 addr[16];	/* the address it was told */
	uint32_t	 ttl;		/* seconds */
	char		*name;		/* owned by the row */
	const char	*source;	/* "dns", "sni", "http" (static) */
};

struct namebook_stats {
	uint64_t	entries;	/* held now */
	uint64_t	max_entries;	/* the cap */
	uint64_t	answers;	/* addresses read from DNS answers */
	uint64_t	server_names;	/* TLS SNI and HTTP Host names read */
	uint64_t	overflow;	/* entries pushed out by the cap (LRU) */
	uint64_t	rows_dropped;	/* rows not kept: too many waiting */
	uint64_t	memory;		/* bytes held by entries and rows */
};

/*
 * A table of at most max_entries (client, address) pairs, the least
 * recently used going first when full (counted as overflow).  A pair
 * makes a row the first time it is seen in each window of window_s
 * seconds, when its name changes, and when it is seen again after its TTL
 * ran out; rows wait for namebook_take (at most max_entries of them).
 * NULL on no memory or max_entries 0.  Free with namebook_free.
 */
struct namebook	*namebook_new(size_t max_entries, unsigned window_s);
void		 namebook_free(struct namebook *);

/*
 * Look at one decoded packet: a UDP or TCP payload from port 53 or 5353
 * is read as a DNS response (dns_parse) and its answers are kept for the
 * packet's destination; a TCP payload that starts with a TLS ClientHello
 * or an HTTP request names its destination for its source (sni_parse:
 * source "sni" or "http", TTL 0).  Returns the names kept.
 */
int	namebook_packet(struct namebook *, int64_t ts_us,
	    const struct packet *r);

/* Keep one answer given to client (cver, client) at ts_us. */
void	namebook_add(struct namebook *, int64_t ts_us, int cver,
	    const uint8_t *client, const struct dns_answer *a);

/*
 * The waiting rows, oldest first, into *rows (the caller frees them with
 * namebook_rows_free); returns how many (0: *rows is NULL).
 */
size_t	namebook_take(struct namebook *, struct name_row **rows);
void	namebook_rows_free(struct name_row *rows, size_t n);

void	namebook_get_stats(const struct namebook *, struct namebook_stats *);

#endif /* IPGRAPH_NAMEBOOK_H */
