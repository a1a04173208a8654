/* flowtable.h - hash table of edges (directional 5-tuples) and counters. */
#ifndef IPGRAPH_FLOWTABLE_H
#define IPGRAPH_FLOWTABLE_H

#include <stddef.h>
#include <stdint.h>

struct decode_result;

/*
 * Edge key: 40 bytes, compared and hashed as bytes, so every byte (the
 * padding included) is always written.
 */
struct flow_key {
	uint8_t		ipver;
	uint8_t		proto;
	uint16_t	sport;
	uint16_t	dport;
	uint16_t	pad;		/* always 0 */
	uint8_t		src[16];
	uint8_t		dst[16];
};

/* One edge and its counters; times are microseconds since 1970. */
struct flow_entry {
	struct flow_key	key;
	uint32_t	hash;
	uint8_t		tcp_flags;	/* OR of the flags seen */
	uint8_t		spare[3];
	uint64_t	packets;
	uint64_t	bytes;		/* frame lengths on the wire */
	int64_t		first_us;
	int64_t		last_us;
};

struct flowtable;

/*
 * A table sized for about hint edges that refuses to hold more than
 * max_edges (0: no limit).  NULL when out of memory.  Free with
 * flowtable_free.
 */
struct flowtable *flowtable_new(size_t hint, size_t max_edges);
void	flowtable_free(struct flowtable *);

/* Fill a key from a decoded packet (zeroing the padding). */
void	flowtable_key(struct flow_key *k, const struct decode_result *r);

/*
 * Count one packet of wirelen bytes at ts_us on edge k.  No allocation
 * unless the table must grow (amortised, doubling).  Returns 0, or -1 when
 * the edge is new and the table is full (max_edges) or memory ran out; the
 * caller decides where such a packet is accounted.
 */
int	flowtable_add(struct flowtable *, const struct flow_key *k,
	    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us);

/*
 * The same, but a new edge is let in even past max_edges: for the few
 * overflow edges that account for what did not fit.  -1 only when out of
 * memory.
 */
int	flowtable_add_force(struct flowtable *, const struct flow_key *k,
	    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us);

/* Packets so far on the edge the last successful add counted on. */
uint64_t flowtable_last_packets(const struct flowtable *);

/* Number of edges, and edge i (0 <= i < count), in insertion order. */
size_t	flowtable_count(const struct flowtable *);
const struct flow_entry *flowtable_entry(const struct flowtable *, size_t i);

/* Sort the edges by key (for ordered writes); lookups stay valid. */
void	flowtable_sort(struct flowtable *);

/* Forget every edge but keep the memory, for the next window. */
void	flowtable_clear(struct flowtable *);

/* Bytes of memory held, for the per-edge figure in benchmarks. */
size_t	flowtable_memory(const struct flowtable *);

#endif /* IPGRAPH_FLOWTABLE_H */
