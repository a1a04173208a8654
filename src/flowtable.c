/* flowtable.c - hash table of edges (directional 5-tuples) and counters. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flowtable.h"

/*
 * Layout: edges live in one dense array in insertion order (cheap to walk
 * and to hand to the writer); an open-addressing index of 32-bit slots
 * (edge number + 1, 0 = empty) with linear probing points into it.  The
 * index is kept at most half full, so a probe is short, and it costs 4
 * bytes a slot instead of a whole edge.  Chained buckets were rejected:
 * one allocation per edge and a pointer chase per packet.
 */
struct flowtable {
	struct flow_entry	*edges;
	size_t			 count;
	size_t			 cap;		/* edges allocated */
	uint32_t		*index;
	size_t			 mask;		/* index slots - 1 */
	size_t			 max_edges;
	size_t			 last;		/* edge the last add counted on */
};

_Static_assert(sizeof(struct flow_key) == 40, "flow_key must be 40 bytes");

/* 64-bit multiply-xorshift over the key's five words. */
static uint32_t
key_hash(const struct flow_key *k)
{
	const uint64_t m = 0x9e3779b97f4a7c15ULL;
	uint64_t w, h = 0x243f6a8885a308d3ULL;
	const unsigned char *p = (const unsigned char *)k;
	size_t i;

	for (i = 0; i < sizeof(*k); i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	h *= m;
	return (uint32_t)(h >> 32);
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 16;

	while (p < n)
		p <<= 1;
	return p;
}

struct flowtable *
flowtable_new(size_t hint, size_t max_edges)
{
	struct flowtable *ft;

	/* the index has 2 slots an edge and edge numbers are 32-bit */
	if (hint > UINT32_MAX / 4 || hint > SIZE_MAX / 4 /
	    sizeof(struct flow_entry))
		return NULL;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	if (hint < 64)
		hint = 64;
	if (max_edges != 0 && hint > max_edges)
		hint = max_edges;
	ft->cap = hint;
	ft->max_edges = max_edges;
	ft->mask = pow2_at_least(hint * 2) - 1;
	ft->edges = malloc(ft->cap * sizeof(*ft->edges));
	ft->index = calloc(ft->mask + 1, sizeof(*ft->index));
	if (ft->edges == NULL || ft->index == NULL) {
		flowtable_free(ft);
		return NULL;
	}
	return ft;
}

void
flowtable_free(struct flowtable *ft)
{
	if (ft == NULL)
		return;
	free(ft->edges);
	free(ft->index);
	free(ft);
}

void
flowtable_key(struct flow_key *k, const struct decode_result *r)
{
	k->ipver = r->ipver;
	k->proto = r->proto;
	k->sport = r->sport;
	k->dport = r->dport;
	k->pad = 0;
	memcpy(k->src, r->src, 16);
	memcpy(k->dst, r->dst, 16);
}

/* Point an all-empty index of mask + 1 slots at every edge. */
static void
fill_index(const struct flowtable *ft, uint32_t *idx, size_t mask)
{
	size_t i, s;

	for (i = 0; i < ft->count; i++) {
		for (s = ft->edges[i].hash & mask; idx[s] != 0;
		    s = (s + 1) & mask)
			;
		idx[s] = (uint32_t)(i + 1);
	}
}

/* Rebuild the index at a new size; the edges do not move. */
static int
reindex(struct flowtable *ft, size_t slots)
{
	uint32_t *idx;

	if ((idx = calloc(slots, sizeof(*idx))) == NULL)
		return -1;
	fill_index(ft, idx, slots - 1);
	free(ft->index);
	ft->index = idx;
	ft->mask = slots - 1;
	return 0;
}

static int
grow(struct flowtable *ft, int force)
{
	struct flow_entry *e;
	size_t ncap = ft->cap * 2;

	if (!force && ft->max_edges != 0 && ncap > ft->max_edges)
		ncap = ft->max_edges;
	if (ncap <= ft->cap || ncap > UINT32_MAX - 1 ||
	    ncap > SIZE_MAX / 2 / sizeof(*e))
		return -1;
	if ((e = realloc(ft->edges, ncap * sizeof(*e))) == NULL)
		return -1;
	ft->edges = e;
	ft->cap = ncap;
	if ((ncap * 2) > ft->mask + 1)
		return reindex(ft, pow2_at_least(ncap * 2));
	return 0;
}

/* Count a packet; force lets a new edge in past max_edges. */
static int
add(struct flowtable *ft, const struct flow_key *k, uint8_t tcp_flags,
    uint32_t wirelen, int64_t ts_us, int force)
{
	uint32_t h = key_hash(k), slot;
	size_t s;
	struct flow_entry *e;

	for (s = h & ft->mask; (slot = ft->index[s]) != 0;
	    s = (s + 1) & ft->mask) {
		e = &ft->edges[slot - 1];
		if (e->hash == h && memcmp(&e->key, k, sizeof(*k)) == 0) {
			e->packets++;
			e->bytes += wirelen;
			e->tcp_flags |= tcp_flags;
			if (ts_us < e->first_us)
				e->first_us = ts_us;
			if (ts_us > e->last_us)
				e->last_us = ts_us;
			ft->last = slot - 1;
			return 0;
		}
	}
	if (!force && ft->max_edges != 0 && ft->count >= ft->max_edges)
		return -1;
	if (ft->count == ft->cap) {
		if (grow(ft, force) < 0)
			return -1;
		/* the index may have changed size: find the free slot again */
		for (s = h & ft->mask; ft->index[s] != 0; s = (s + 1) & ft->mask)
			;
	}
	e = &ft->edges[ft->count];
	e->key = *k;
	e->hash = h;
	e->tcp_flags = tcp_flags;
	memset(e->spare, 0, sizeof(e->spare));
	e->packets = 1;
	e->bytes = wirelen;
	e->first_us = e->last_us = ts_us;
	ft->index[s] = (uint32_t)++ft->count;
	ft->last = ft->count - 1;
	return 0;
}

int
flowtable_add(struct flowtable *ft, const struct flow_key *k,
    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us)
{
	return add(ft, k, tcp_flags, wirelen, ts_us, 0);
}

int
flowtable_add_force(struct flowtable *ft, const struct flow_key *k,
    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us)
{
	return add(ft, k, tcp_flags, wirelen, ts_us, 1);
}

uint64_t
flowtable_last_packets(const struct flowtable *ft)
{
	return ft->count > ft->last ? ft->edges[ft->last].packets : 0;
}

size_t
flowtable_count(const struct flowtable *ft)
{
	return ft->count;
}

const struct flow_entry *
flowtable_entry(const struct flowtable *ft, size_t i)
{
	return &ft->edges[i];
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct flow_entry *x = a, *y = b;

	return memcmp(&x->key, &y->key, sizeof(x->key));
}

void
flowtable_sort(struct flowtable *ft)
{
	qsort(ft->edges, ft->count, sizeof(*ft->edges), entry_cmp);
	/* same size, new positions: rebuild the index in place */
	memset(ft->index, 0, (ft->mask + 1) * sizeof(*ft->index));
	fill_index(ft, ft->index, ft->mask);
}

void
flowtable_clear(struct flowtable *ft)
{
	memset(ft->index, 0, (ft->mask + 1) * sizeof(*ft->index));
	ft->count = 0;
}

size_t
flowtable_memory(const struct flowtable *ft)
{
	return sizeof(*ft) + ft->cap * sizeof(*ft->edges) +
	    (ft->mask + 1) * sizeof(*ft->index);
}
