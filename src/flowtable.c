/* flowtable.c - hash table of edges (directional 5-tuples) and counters. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flowtable.h"

/*
 * Layout: edges live in insertion order in blocks of FLOWTABLE_BLOCK
 * (edge i is entry i % FLOWTABLE_BLOCK of block i / FLOWTABLE_BLOCK); an
 * open-addressing index of 32-bit slots (edge number + 1, 0 = empty) with
 * linear probing points into them.  The index is kept at most three
 * quarters full (INDEX_FULL), so a probe is short, and it costs 4 bytes
 * a slot instead of a whole edge.  At most half full, the index cost 8
 * to 16 bytes an edge (a power of two of slots, doubling), 10-20% of the
 * table; at three quarters it is 5.3 to 10.7, for longer probes only
 * while the index is nearly full (2.5 slots on average for a found edge
 * at the limit, against 1.5).
 *
 * Blocks rather than one array grown by realloc: a doubled array is on
 * average a quarter empty (up to half), and growing it copies every edge;
 * a block is allocated when the last one is full and nothing moves, so
 * at most one block is partly empty and edge pointers stay valid.  The
 * price is one load of the block's address per lookup, from a list small
 * enough to stay in cache (8 bytes per 256 edges).
 *
 * No hash is kept with an edge: a probe compares the key itself (5 words,
 * inline), and the index is rebuilt from the keys when it grows or after
 * a sort.  That saves 8 bytes an edge (the hash and the padding after it).
 * Chained buckets were rejected: one allocation per edge and a pointer
 * chase per packet.
 */
struct flowtable {
	struct flow_entry	**blocks;
	size_t			 nblocks;	/* allocated */
	size_t			 released;	/* the first blocks freed */
	size_t			 blocks_cap;	/* room in blocks[] */
	size_t			 count;
	uint32_t		*index;
	size_t			 mask;		/* index slots - 1 */
	size_t			 max_edges;
	const struct flow_entry	*last;		/* the last add counted on */
};

#define BLOCK_MASK	(FLOWTABLE_BLOCK - 1)

/* An index of slots slots would hold more than it may with n edges. */
#define INDEX_FULL(n, slots)	((n) * 4 > (slots) * 3)

_Static_assert(sizeof(struct flow_key) == 38, "flow_key must be 38 bytes");
_Static_assert(offsetof(struct flow_key, dst) + 16 == sizeof(struct flow_key),
    "flow_key must have no padding");
_Static_assert(sizeof(struct flow_entry) == 72, "flow_entry must be 72 bytes");

/* Edge i (< the blocks' capacity). */
static inline struct flow_entry *
edge(const struct flowtable *ft, size_t i)
{
	return &ft->blocks[i >> FLOWTABLE_BLOCK_SHIFT][i & BLOCK_MASK];
}

/*
 * The key read as five 64-bit words, at these offsets: the last word
 * overlaps the fourth by two bytes, which covers the 38 bytes without a
 * short tail and changes neither equality nor the hash's use of every
 * byte.  Compared as words, inline: memcmp may be a libc call per probe.
 */
#define KEY_W4		(sizeof(struct flow_key) - 8)

static inline uint64_t
key_word(const struct flow_key *k, size_t off)
{
	uint64_t w;

	memcpy(&w, (const unsigned char *)k + off, sizeof(w));
	return w;
}

/* Most keys that share a probe sequence differ in the first word. */
static inline int
key_eq(const struct flow_key *a, const struct flow_key *b)
{
	if (key_word(a, 0) != key_word(b, 0))
		return 0;
	return ((key_word(a, 8) ^ key_word(b, 8)) |
	    (key_word(a, 16) ^ key_word(b, 16)) |
	    (key_word(a, 24) ^ key_word(b, 24)) |
	    (key_word(a, KEY_W4) ^ key_word(b, KEY_W4))) == 0;
}

static inline uint64_t
hash_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/*
 * 64-bit multiply-xorshift over five words, unrolled: the four small
 * fields, then each address as two words.  Not key_word's words: the
 * hash is taken right after flowtable_key wrote the key field by field,
 * and a load that spans several pending stores is not forwarded from
 * them but waits for them to reach the cache (some 15 cycles on x86, at
 * the head of the hash's chain of multiplies).  The small fields are put
 * out of their memory order so that the compiler does not merge their
 * loads into one such wide load.
 */
static uint32_t
key_hash(const struct flow_key *k)
{
	uint64_t h = 0x243f6a8885a308d3ULL, a;

	h = hash_step(h, (uint64_t)k->ipver | (uint64_t)k->sport << 8 |
	    (uint64_t)k->proto << 24 | (uint64_t)k->dport << 32);
	memcpy(&a, k->src, 8);
	h = hash_step(h, a);
	memcpy(&a, k->src + 8, 8);
	h = hash_step(h, a);
	memcpy(&a, k->dst, 8);
	h = hash_step(h, a);
	memcpy(&a, k->dst + 8, 8);
	h = hash_step(h, a);
	h *= 0x9e3779b97f4a7c15ULL;
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

	/* edge numbers are 32-bit; the index has at most 4 slots an edge */
	if (hint > UINT32_MAX / 4 || hint > SIZE_MAX / 4 / sizeof(uint32_t))
		return NULL;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	if (hint < 64)
		hint = 64;
	if (max_edges != 0 && hint > max_edges)
		hint = max_edges;
	ft->max_edges = max_edges;
	/* blocks come as edges arrive: a short window holds few */
	ft->mask = pow2_at_least(hint + hint / 3 + 1) - 1;
	if ((ft->index = calloc(ft->mask + 1, sizeof(*ft->index))) == NULL) {
		flowtable_free(ft);
		return NULL;
	}
	return ft;
}

void
flowtable_free(struct flowtable *ft)
{
	size_t i;

	if (ft == NULL)
		return;
	for (i = ft->released; i < ft->nblocks; i++)
		free(ft->blocks[i]);
	free(ft->blocks);
	free(ft->index);
	free(ft);
}

void
flowtable_key(struct flow_key *k, const struct packet *r)
{
	k->ipver = r->ipver;
	k->proto = r->proto;
	k->sport = r->sport;
	k->dport = r->dport;
	memcpy(k->src, r->src, 16);
	memcpy(k->dst, r->dst, 16);
}

/* Point an all-empty index of mask + 1 slots at every edge. */
static void
fill_index(const struct flowtable *ft, uint32_t *idx, size_t mask)
{
	size_t i, s;

	for (i = 0; i < ft->count; i++) {
		for (s = key_hash(&edge(ft, i)->key) & mask; idx[s] != 0;
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

	if (slots == 0 || slots > SIZE_MAX / sizeof(*idx) ||
	    (idx = calloc(slots, sizeof(*idx))) == NULL)
		return -1;
	fill_index(ft, idx, slots - 1);
	free(ft->index);
	ft->index = idx;
	ft->mask = slots - 1;
	return 0;
}

/*
 * Make room for edge number ft->count: a new block when the last is full,
 * a twice bigger index when it would be more than three quarters full.  -1 when out
 * of memory; the table is unchanged but for spare room.
 */
static int
grow(struct flowtable *ft)
{
	struct flow_entry **b;
	size_t ncap;

	if (ft->count == ft->nblocks << FLOWTABLE_BLOCK_SHIFT) {
		if (ft->nblocks == ft->blocks_cap) {
			ncap = ft->blocks_cap == 0 ? 4 : ft->blocks_cap * 2;
			if (ncap > SIZE_MAX / sizeof(*b) ||
			    (b = realloc(ft->blocks, ncap * sizeof(*b))) == NULL)
				return -1;
			ft->blocks = b;
			ft->blocks_cap = ncap;
		}
		if ((ft->blocks[ft->nblocks] = malloc(FLOWTABLE_BLOCK *
		    sizeof(struct flow_entry))) == NULL)
			return -1;
		ft->nblocks++;
	}
	if (INDEX_FULL(ft->count + 1, ft->mask + 1)) {
		if (ft->mask + 1 > SIZE_MAX / 2)
			return -1;
		return reindex(ft, (ft->mask + 1) * 2);
	}
	return 0;
}

/*
 * Count packets of bytes seen from first_us to last_us (one packet: both
 * its time); force lets a new edge in past max_edges.
 */
static int
add(struct flowtable *ft, const struct flow_key *k, uint32_t hash,
    uint8_t tcp_flags, uint64_t packets, uint64_t bytes, int64_t first_us,
    int64_t last_us, int force)
{
	uint32_t slot;
	size_t s;
	struct flow_entry *e;

	for (s = hash & ft->mask; (slot = ft->index[s]) != 0;
	    s = (s + 1) & ft->mask) {
		e = edge(ft, slot - 1);
		if (key_eq(&e->key, k)) {
			e->packets += packets;
			e->bytes += bytes;
			e->tcp_flags |= tcp_flags;
			if (first_us < e->first_us)
				e->first_us = first_us;
			if (last_us > e->last_us)
				e->last_us = last_us;
			ft->last = e;
			return 0;
		}
	}
	if (!force && ft->max_edges != 0 && ft->count >= ft->max_edges)
		return -1;
	if (ft->count >= UINT32_MAX - 1)	/* a slot holds edge number + 1 */
		return -1;
	if (ft->count == ft->nblocks << FLOWTABLE_BLOCK_SHIFT ||
	    INDEX_FULL(ft->count + 1, ft->mask + 1)) {
		if (grow(ft) < 0)
			return -1;
		/* the index may have changed size: find the free slot again */
		for (s = hash & ft->mask; ft->index[s] != 0;
		    s = (s + 1) & ft->mask)
			;
	}
	e = edge(ft, ft->count);
	e->key = *k;
	e->tcp_flags = tcp_flags;
	e->spare = 0;
	e->packets = packets;
	e->bytes = bytes;
	e->first_us = first_us;
	e->last_us = last_us;
	ft->index[s] = (uint32_t)++ft->count;
	ft->last = e;
	return 0;
}

int
flowtable_add(struct flowtable *ft, const struct flow_key *k,
    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us)
{
	return add(ft, k, key_hash(k), tcp_flags, 1, wirelen, ts_us, ts_us, 0);
}

uint32_t
flowtable_hash(const struct flow_key *k)
{
	return key_hash(k);
}

void
flowtable_prefetch(const struct flowtable *ft, uint32_t hash)
{
	__builtin_prefetch(&ft->index[hash & ft->mask]);
}

void
flowtable_prefetch_edge(const struct flowtable *ft, uint32_t hash)
{
	uint32_t slot = ft->index[hash & ft->mask];
	const char *e;

	if (slot == 0)
		return;
	/* 72 bytes: the key, then the counters, maybe in the next line */
	e = (const char *)edge(ft, slot - 1);
	__builtin_prefetch(e, 1);
	__builtin_prefetch(e + sizeof(struct flow_entry) - 1, 1);
}

int
flowtable_add_hash(struct flowtable *ft, const struct flow_key *k,
    uint32_t hash, uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us)
{
	return add(ft, k, hash, tcp_flags, 1, wirelen, ts_us, ts_us, 0);
}

int
flowtable_add_flow(struct flowtable *ft, const struct flow_key *k,
    uint8_t tcp_flags, uint64_t packets, uint64_t bytes, int64_t first_us,
    int64_t last_us, int force)
{
	return add(ft, k, key_hash(k), tcp_flags, packets, bytes, first_us,
	    last_us, force);
}

int
flowtable_add_force(struct flowtable *ft, const struct flow_key *k,
    uint8_t tcp_flags, uint32_t wirelen, int64_t ts_us)
{
	return add(ft, k, key_hash(k), tcp_flags, 1, wirelen, ts_us, ts_us, 1);
}

uint64_t
flowtable_last_packets(const struct flowtable *ft)
{
	return ft->last != NULL ? ft->last->packets : 0;
}

size_t
flowtable_count(const struct flowtable *ft)
{
	return ft->count;
}

const struct flow_entry *
flowtable_entry(const struct flowtable *ft, size_t i)
{
	return edge(ft, i);
}

/* Edge a lighter than edge b: fewer packets, or as many and later. */
static inline int
lighter(const struct flowtable *ft, uint32_t a, uint32_t b)
{
	uint64_t pa = edge(ft, a)->packets, pb = edge(ft, b)->packets;

	return pa < pb || (pa == pb && a > b);
}

/* Restore the heap (lightest at 0) below slot i. */
static void
heap_down(const struct flowtable *ft, uint32_t *h, size_t n, size_t i)
{
	size_t c;
	uint32_t t;

	for (; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && lighter(ft, h[c + 1], h[c]))
			c++;
		if (!lighter(ft, h[c], h[i]))
			break;
		t = h[c];
		h[c] = h[i];
		h[i] = t;
	}
}

size_t
flowtable_top_changed(const struct flowtable *ft, int64_t since_us,
    size_t max, uint32_t *h, const struct flow_entry **out, size_t *changed)
{
	size_t i, j, n = 0, all = 0;
	uint32_t t;

	for (i = 0; i < ft->count; i++) {
		if (edge(ft, i)->last_us <= since_us)
			continue;
		all++;
		if (n < max) {
			/* sift up */
			for (j = n++, h[j] = (uint32_t)i; j > 0 &&
			    lighter(ft, h[j], h[(j - 1) / 2]); j = (j - 1) / 2) {
				t = h[j];
				h[j] = h[(j - 1) / 2];
				h[(j - 1) / 2] = t;
			}
		} else if (max > 0 && lighter(ft, h[0], (uint32_t)i)) {
			h[0] = (uint32_t)i;
			heap_down(ft, h, n, 0);
		}
	}
	*changed = all;
	/* take the lightest out each time: out fills from its end */
	for (j = n; j > 0; j--) {
		out[j - 1] = edge(ft, h[0]);
		h[0] = h[j - 1];
		heap_down(ft, h, j - 1, 0);
	}
	return n;
}

int
flow_key_addr_cmp(const struct flow_key *x, const struct flow_key *y)
{
	int lx = x->ipver == 6 ? 16 : 4, ly = y->ipver == 6 ? 16 : 4, c;

	if ((c = memcmp(x->src, y->src, (size_t)(lx < ly ? lx : ly))) != 0)
		return c;
	if (lx != ly)
		return lx - ly;
	return memcmp(x->dst, y->dst, (size_t)lx);
}

/*
 * Edge numbers a and b in the order of the store's key: protocol, source
 * and destination as blobs of their length (SQLite compares blobs as
 * memcmp, then length), ports.  Written in that order, a window's edges
 * are appends to the table's B-tree, not inserts all over it.
 */
static inline uint64_t
be32_at(const uint8_t *p)
{
	return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 |
	    (uint64_t)p[2] << 8 | (uint64_t)p[3];
}

static inline uint64_t
be64_at(const uint8_t *p)
{
	return be32_at(p) << 32 | be32_at(p + 4);
}

/*
 * flow_key_addr_cmp for two keys whose addresses have the same length,
 * as big-endian words (memcmp's order) without a library call: memcmp
 * calls were most of the sort's cost.
 */
static inline int
addr_cmp_same(const struct flow_key *x, const struct flow_key *y)
{
	uint64_t a, b;

	if (x->ipver != 6) {
		a = be32_at(x->src) << 32 | be32_at(x->dst);
		b = be32_at(y->src) << 32 | be32_at(y->dst);
		return a < b ? -1 : a > b;
	}
	if ((a = be64_at(x->src)) == (b = be64_at(y->src)) &&
	    (a = be64_at(x->src + 8)) == (b = be64_at(y->src + 8)) &&
	    (a = be64_at(x->dst)) == (b = be64_at(y->dst)))
		a = be64_at(x->dst + 8), b = be64_at(y->dst + 8);
	return a < b ? -1 : a > b;
}

static int
number_cmp(const void *a, const void *b, void *arg)
{
	const struct flowtable *ft = arg;
	const struct flow_key *x = &edge(ft, *(const uint32_t *)a)->key;
	const struct flow_key *y = &edge(ft, *(const uint32_t *)b)->key;
	int c;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if ((x->ipver == 6) == (y->ipver == 6))
		c = addr_cmp_same(x, y);
	else
		c = flow_key_addr_cmp(x, y);
	if (c != 0)
		return c;
	if (x->sport != y->sport)
		return x->sport < y->sport ? -1 : 1;
	return x->dport < y->dport ? -1 : x->dport > y->dport;
}

/*
 * Sort edge numbers, then move the edges along the permutation's cycles,
 * each edge copied once (plus one spare per cycle).  The numbers are
 * sorted in the index, which has more slots than edges and is
 * rebuilt afterwards anyway: the sort needs no memory of its own.
 * Sorting the blocks directly was rejected: qsort wants one array.
 */
void
flowtable_sort(struct flowtable *ft)
{
	uint32_t *perm = ft->index;
	struct flow_entry tmp;
	size_t i, j, k;

	for (i = 0; i < ft->count; i++)
		perm[i] = (uint32_t)i;
	qsort_r(perm, ft->count, sizeof(*perm), number_cmp, ft);
	/* perm[i] is the edge that belongs at i */
	for (i = 0; i < ft->count; i++) {
		if (perm[i] == i)
			continue;
		tmp = *edge(ft, i);
		for (j = i; (k = perm[j]) != i; j = k) {
			*edge(ft, j) = *edge(ft, k);
			perm[j] = (uint32_t)j;
		}
		*edge(ft, j) = tmp;
		perm[j] = (uint32_t)j;
	}
	ft->last = NULL;
	memset(ft->index, 0, (ft->mask + 1) * sizeof(*ft->index));
	fill_index(ft, ft->index, ft->mask);
}

void
flowtable_clear(struct flowtable *ft)
{
	memset(ft->index, 0, (ft->mask + 1) * sizeof(*ft->index));
	ft->count = 0;
	ft->last = NULL;
}

size_t
flowtable_memory(const struct flowtable *ft)
{
	return sizeof(*ft) + ft->blocks_cap * sizeof(*ft->blocks) +
	    (ft->nblocks - ft->released) * FLOWTABLE_BLOCK *
	    sizeof(struct flow_entry) +
	    (ft->index != NULL ? (ft->mask + 1) * sizeof(*ft->index) : 0);
}

void
flowtable_release_front(struct flowtable *ft, size_t i)
{
	size_t b = i >> FLOWTABLE_BLOCK_SHIFT;

	free(ft->index);
	ft->index = NULL;
	ft->last = NULL;
	for (; ft->released < b && ft->released < ft->nblocks;
	    ft->released++) {
		free(ft->blocks[ft->released]);
		ft->blocks[ft->released] = NULL;
	}
}

int
flowtable_released(const struct flowtable *ft)
{
	return ft->index == NULL;
}
