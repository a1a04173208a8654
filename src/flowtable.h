/* flowtable.h - hash table of edges (directional 5-tuples) and counters. */
#ifndef IPGRAPH_FLOWTABLE_H
#define IPGRAPH_FLOWTABLE_H

#include <stddef.h>
#include <stdint.h>

struct packet;

/*
 * Edge key: 38 bytes, compared and hashed as bytes.  It has no padding (the
 * fields are laid out so that none is needed), so a key filled field by
 * field has every byte written.
 */
struct flow_key {
	uint8_t		ipver;
	uint8_t		proto;
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		src[16];
	uint8_t		dst[16];
};

/*
 * One edge and its counters; times are microseconds since 1970.  72 bytes:
 * tcp_flags fills the two bytes the 38-byte key leaves before the 64-bit
 * counters, and no hash is kept (the index is rebuilt from the keys).
 */
struct flow_entry {
	struct flow_key	key;
	uint8_t		tcp_flags;	/* OR of the flags seen */
	uint8_t		spare;		/* always 0 */
	uint64_t	packets;
	uint64_t	bytes;		/* frame lengths on the wire */
	int64_t		first_us;
	int64_t		last_us;
};

struct flowtable;

/* Edges per block of the edge array: 256 of 72 bytes, 18 KiB. */
#define FLOWTABLE_BLOCK_SHIFT	8
#define FLOWTABLE_BLOCK		(1u << FLOWTABLE_BLOCK_SHIFT)

/*
 * A table whose index is sized for about hint edges (the edges' blocks
 * are allocated as edges arrive) and that refuses to hold more than
 * max_edges (0: no limit).  NULL when out of memory or hint is absurd.
 * Free with flowtable_free.
 */
struct flowtable *flowtable_new(size_t hint, size_t max_edges);
void	flowtable_free(struct flowtable *);

/* Fill every byte of a key from a decoded packet. */
void	flowtable_key(struct flow_key *k, const struct packet *r);

/*
 * Compare the addresses of two keys (source, then destination) as SQLite
 * orders them stored as 4- or 16-byte blobs: memcmp, then the shorter
 * first.  The order of the store's keys, for ordered writes.
 */
int	flow_key_addr_cmp(const struct flow_key *, const struct flow_key *);

/*
 * Count one packet of wirelen bytes at ts_us on edge k.  No allocation
 * unless the edge is new and the table must grow: a block of edges every
 * FLOWTABLE_BLOCK new edges, a bigger index (doubling, amortised) now and
 * then.  Edges never move as the table grows.  Returns 0, or -1 when
 * the edge is new and the table is full (max_edges, or 2^32 - 2 edges) or
 * memory ran out; the caller decides where such a packet is accounted.
 */
int	flowtable_add(struct flowtable *, const struct flow_key *k,
	    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us);

/*
 * The same in two steps, for a caller that knows a key some time before
 * it counts it: flowtable_hash(k), then flowtable_prefetch to ask for the
 * index slot the lookup starts at, then flowtable_add_hash with that hash
 * once other work has hidden the slot's cache miss.  The hash does not
 * depend on the table, and the prefetch is only a hint: a table that
 * grows or is cleared in between still counts right.
 */
uint32_t flowtable_hash(const struct flow_key *k);
void	flowtable_prefetch(const struct flowtable *, uint32_t hash);
int	flowtable_add_hash(struct flowtable *, const struct flow_key *k,
	    uint32_t hash, uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us);

/*
 * A step between the two for the same key: read its index slot (fetched
 * by now, one hopes) and ask for the edge the slot points to, the
 * lookup's second miss.  Only a hint too; it reads the table, no more.
 */
void	flowtable_prefetch_edge(const struct flowtable *, uint32_t hash);

/*
 * The same, but a new edge is let in even past max_edges: for the few
 * overflow edges that account for what did not fit.  -1 only when out of
 * memory (or of 32-bit edge numbers).
 */
int	flowtable_add_force(struct flowtable *, const struct flow_key *k,
	    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us);

/*
 * A flow record (a collector's input): packets and bytes seen from
 * first_us to last_us counted at once; force as flowtable_add_force.
 */
int	flowtable_add_flow(struct flowtable *, const struct flow_key *k,
	    uint8_t tcp_flags, uint64_t packets, uint64_t bytes,
	    int64_t first_us, int64_t last_us, int force);

/*
 * Packets so far on the edge the last successful add counted on; 0 after
 * a sort or a clear.
 */
uint64_t flowtable_last_packets(const struct flowtable *);

/*
 * Number of edges, and edge i (0 <= i < count), in insertion order (or
 * key order after flowtable_sort).  The pointer stays valid, and points at
 * edge i, until the next flowtable_sort, flowtable_clear or flowtable_free.
 */
size_t	flowtable_count(const struct flowtable *);
const struct flow_entry *flowtable_entry(const struct flowtable *, size_t i);

/*
 * The edges whose last packet came after since_us, heaviest first (most
 * packets; among equals, the earlier edge first): at most max of them
 * into out, how many written returned, how many changed in all in
 * *changed.  A heap of max edge numbers: the cost grows with the edges
 * times log max, not with a sort of every changed edge.  scratch holds
 * max edge numbers.  The pointers are as flowtable_entry's.
 */
size_t	flowtable_top_changed(const struct flowtable *, int64_t since_us,
	    size_t max, uint32_t *scratch, const struct flow_entry **out,
	    size_t *changed);

/*
 * Sort the edges in the store's key order (protocol, source, destination,
 * ports; see store.c) for ordered writes; lookups stay valid.
 * Allocates nothing of its own (qsort_r may).
 */
void	flowtable_sort(struct flowtable *);

/* Forget every edge but keep the memory, for the next window. */
void	flowtable_clear(struct flowtable *);

/*
 * A table written for the last time (store_release_tables): free its
 * index and the blocks of edges wholly before edge i, so the memory goes
 * back as the edges are written.  Its edges from i on stay readable;
 * nothing but this, flowtable_released, flowtable_count and
 * flowtable_free may be called on it afterwards.
 */
void	flowtable_release_front(struct flowtable *, size_t i);
int	flowtable_released(const struct flowtable *);

/*
 * Bytes of memory held: the table, its index, its list of blocks and the
 * blocks of edges, each as allocated (malloc's own overhead aside).  For
 * the per-edge figure in benchmarks.
 */
size_t	flowtable_memory(const struct flowtable *);

#endif /* IPGRAPH_FLOWTABLE_H */
