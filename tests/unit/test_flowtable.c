/* test_flowtable.c - unit tests for the edge table and its counters. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "decode.h"
#include "flowtable.h"
#include "window.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define TS0		INT64_C(1232064180000000)	/* 2009-01-16T00:03Z */

/*
 * Key number i, distinct for every i: src carries i in its first four
 * bytes (key_number reads it back), the other fields vary with i so that
 * every field takes part in hashing.  Built on a zeroed key, as
 * flowtable_key would leave it.
 */
static void
make_key(struct flow_key *k, uint32_t i)
{
	memset(k, 0, sizeof(*k));
	k->ipver = (i & 1) ? 6 : 4;
	k->proto = (i & 2) ? 17 : 6;
	k->sport = (uint16_t)(i * 2654435761u >> 16);
	k->dport = (uint16_t)(i % 1024);
	k->src[0] = (uint8_t)(i >> 24);
	k->src[1] = (uint8_t)(i >> 16);
	k->src[2] = (uint8_t)(i >> 8);
	k->src[3] = (uint8_t)i;
	k->dst[0] = 198;
	k->dst[1] = 51;
	k->dst[2] = 100;
	k->dst[3] = (uint8_t)(i % 251);
	if (k->ipver == 6)
		k->dst[15] = (uint8_t)(i >> 3);
}

static uint32_t
key_number(const struct flow_key *k)
{
	return (uint32_t)k->src[0] << 24 | (uint32_t)k->src[1] << 16 |
	    (uint32_t)k->src[2] << 8 | k->src[3];
}

/* The entry for key k, by a linear walk (independent of the index). */
static const struct flow_entry *
find(const struct flowtable *ft, const struct flow_key *k)
{
	size_t i;

	for (i = 0; i < flowtable_count(ft); i++)
		if (memcmp(&flowtable_entry(ft, i)->key, k, sizeof(*k)) == 0)
			return flowtable_entry(ft, i);
	return NULL;
}

/* --- flowtable_key ----------------------------------------------------- */

struct key_case {
	const char	*name;
	uint8_t		 ipver;
	uint8_t		 proto;
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 src[16];
	uint8_t		 dst[16];
};

static const struct key_case key_cases[] = {
	{ "tcp4", 4, 6, 49152, 80,
	    { 192, 0, 2, 1 }, { 198, 51, 100, 2 } },
	{ "udp6", 6, 17, 53, 5353,
	    { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	    { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } },
	{ "icmp4", 4, 1, 0, 0,
	    { 203, 0, 113, 9 }, { 192, 0, 2, 255 } },
	{ "all-ones", 6, 255, 0xffff, 0xffff,
	    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
};

/*
 * Every byte of the key is written (it has no padding), whatever was in
 * the key before; fields of the decode result that are not part of an
 * edge (flags, sequence numbers, lengths) do not leak into it.
 */
static void
test_key_from_decode(void **state)
{
	struct packet r;
	struct flow_key k, want;
	size_t i;
	int fill;

	(void)state;
	for (i = 0; i < NELEM(key_cases); i++) {
		const struct key_case *t = &key_cases[i];

		memset(&want, 0, sizeof(want));
		want.ipver = t->ipver;
		want.proto = t->proto;
		want.sport = t->sport;
		want.dport = t->dport;
		memcpy(want.src, t->src, 16);
		memcpy(want.dst, t->dst, 16);

		for (fill = 0; fill < 0x100; fill += 0x55) {
			memset(&r, fill ^ 0xa5, sizeof(r));
			r.ipver = t->ipver;
			r.proto = t->proto;
			r.sport = t->sport;
			r.dport = t->dport;
			memcpy(r.src, t->src, 16);
			memcpy(r.dst, t->dst, 16);
			memset(&k, fill, sizeof(k));
			flowtable_key(&k, &r);
			if (memcmp(&k, &want, sizeof(k)) != 0)
				fail_msg("%s (fill %#x): key bytes differ",
				    t->name, fill);
		}
	}
}

/* --- one key, many packets --------------------------------------------- */

struct pkt {
	uint8_t		flags;
	uint32_t	wirelen;
	int64_t		ts;
};

/*
 * Timestamps out of order: neither the first packet nor the last one
 * added holds the minimum or the maximum.  Large frame lengths make the
 * byte count pass 2^32.
 */
static const struct pkt same_key_pkts[] = {
	{ 0x10, 60,		TS0 + 500 },
	{ 0x02, 1514,		TS0 + 100 },
	{ 0x00, UINT32_MAX,	TS0 + 900 },
	{ 0x18, UINT32_MAX,	TS0 - 250 },
	{ 0x00, 0,		TS0 + 300 },
	{ 0x01, 40,		TS0 + 1000 },
	{ 0x10, UINT32_MAX,	TS0 },
	{ 0x04, 64,		TS0 + 700 },
};

static void
test_same_key(void **state)
{
	struct flowtable *ft;
	const struct flow_entry *e;
	struct flow_key k;
	uint64_t packets = 0, bytes = 0;
	int64_t first = INT64_MAX, last = INT64_MIN;
	uint8_t flags = 0;
	size_t round, i;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	make_key(&k, 77);

	/* 1000 rounds of the table above: 8000 packets on one edge */
	for (round = 0; round < 1000; round++) {
		for (i = 0; i < NELEM(same_key_pkts); i++) {
			const struct pkt *p = &same_key_pkts[i];
			int64_t ts = p->ts + (int64_t)(round % 7) * 3;

			assert_int_equal(flowtable_add(ft, &k, p->flags,
			    p->wirelen, ts), 0);
			packets++;
			bytes += p->wirelen;
			flags |= p->flags;
			if (ts < first)
				first = ts;
			if (ts > last)
				last = ts;

			/* after the very first packet: exact initial state */
			if (round == 0 && i == 0) {
				e = flowtable_entry(ft, 0);
				assert_int_equal(e->packets, 1);
				assert_int_equal(e->bytes, p->wirelen);
				assert_int_equal(e->tcp_flags, p->flags);
				assert_true(e->first_us == ts);
				assert_true(e->last_us == ts);
			}
		}
	}
	assert_int_equal(flowtable_count(ft), 1);
	e = flowtable_entry(ft, 0);
	assert_memory_equal(&e->key, &k, sizeof(k));
	assert_int_equal(e->packets, packets);
	assert_int_equal(e->bytes, bytes);
	assert_true(e->bytes > UINT32_MAX);
	assert_int_equal(e->tcp_flags, flags);
	assert_int_equal(e->tcp_flags, 0x1f);
	assert_true(e->first_us == TS0 - 250);
	assert_true(e->first_us == first);
	assert_true(e->last_us == TS0 + 1000 + 6 * 3);
	assert_true(e->last_us == last);
	flowtable_free(ft);
}

/* Timestamps at the ends of int64_t and before 1970 are ordinary values. */
static void
test_extreme_times(void **state)
{
	static const int64_t ts[] = { 0, -1, INT64_MAX, INT64_MIN, 5, -5 };
	struct flowtable *ft;
	const struct flow_entry *e;
	struct flow_key k;
	size_t i;

	(void)state;
	ft = flowtable_new(1, 0);
	assert_non_null(ft);
	make_key(&k, 1);
	for (i = 0; i < NELEM(ts); i++)
		assert_int_equal(flowtable_add(ft, &k, 0, 1, ts[i]), 0);
	e = flowtable_entry(ft, 0);
	assert_true(e->first_us == INT64_MIN);
	assert_true(e->last_us == INT64_MAX);
	assert_int_equal(e->packets, NELEM(ts));
	flowtable_free(ft);
}

/* --- many keys --------------------------------------------------------- */

#define MANY		200000
#define PASSES		5

/* Key i is added (i % PASSES) + 1 times, once in each of the first passes. */
static const int64_t pass_ts_off[PASSES] = { 0, -5, 9, -11, 2 };

static uint32_t
pass_len(uint32_t i, int pass)
{
	return i % 1500 + (uint32_t)pass;
}

static int64_t
pass_ts(uint32_t i, int pass)
{
	return TS0 + (int64_t)i * 1000 + pass_ts_off[pass];
}

static void
test_many_keys(void **state)
{
	struct flowtable *ft;
	const struct flow_entry *e;
	struct flow_key k;
	size_t mem, prev_mem, grows = 0;
	uint64_t bytes;
	int64_t first, last;
	uint32_t i;
	int pass, n;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	prev_mem = mem = flowtable_memory(ft);

	for (pass = 0; pass < PASSES; pass++) {
		for (i = 0; i < MANY; i++) {
			if ((int)(i % PASSES) < pass)
				continue;
			make_key(&k, i);
			if (flowtable_add(ft, &k, (uint8_t)(1u << pass),
			    pass_len(i, pass), pass_ts(i, pass)) != 0)
				fail_msg("pass %d key %u: add failed", pass, i);
			if (flowtable_memory(ft) != prev_mem) {
				if (flowtable_memory(ft) < prev_mem)
					fail_msg("memory shrank at key %u", i);
				prev_mem = flowtable_memory(ft);
				grows++;
			}
		}
		assert_int_equal(flowtable_count(ft), MANY);
	}
	print_message("%d edges: %zu grows, %zu -> %zu bytes\n", MANY,
	    grows, mem, flowtable_memory(ft));
	assert_true(grows >= 5);
	assert_true(flowtable_memory(ft) > mem);

	/* walk: insertion order, and every counter */
	for (i = 0; i < MANY; i++) {
		e = flowtable_entry(ft, i);
		if (key_number(&e->key) != i)
			fail_msg("entry %u holds key %u", i,
			    key_number(&e->key));
		make_key(&k, i);
		if (memcmp(&e->key, &k, sizeof(k)) != 0)
			fail_msg("entry %u: key bytes differ", i);
		n = (int)(i % PASSES) + 1;
		bytes = 0;
		first = INT64_MAX;
		last = INT64_MIN;
		for (pass = 0; pass < n; pass++) {
			bytes += pass_len(i, pass);
			if (pass_ts(i, pass) < first)
				first = pass_ts(i, pass);
			if (pass_ts(i, pass) > last)
				last = pass_ts(i, pass);
		}
		if (e->packets != (uint64_t)n || e->bytes != bytes ||
		    e->tcp_flags != (1u << n) - 1 || e->first_us != first ||
		    e->last_us != last)
			fail_msg("key %u: packets %" PRIu64 " bytes %" PRIu64
			    " flags %#x first %" PRId64 " last %" PRId64
			    "; want %d %" PRIu64 " %#x %" PRId64 " %" PRId64,
			    i, e->packets, e->bytes, e->tcp_flags, e->first_us,
			    e->last_us, n, bytes, (1u << n) - 1, first, last);
	}

	/* one more packet each: still found, count unchanged */
	for (i = 0; i < MANY; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0x80, 1, TS0), 0);
	}
	assert_int_equal(flowtable_count(ft), MANY);
	for (i = 0; i < MANY; i++) {
		e = flowtable_entry(ft, i);
		if (e->packets != i % PASSES + 2 || !(e->tcp_flags & 0x80))
			fail_msg("key %u: packets %" PRIu64 " after re-add", i,
			    e->packets);
	}
	flowtable_free(ft);
}

/* --- keys one byte apart ----------------------------------------------- */

struct field {
	const char	*name;
	size_t		 off;
	size_t		 len;
};

static const struct field fields[] = {
	{ "ipver",	offsetof(struct flow_key, ipver), 1 },
	{ "proto",	offsetof(struct flow_key, proto), 1 },
	{ "sport",	offsetof(struct flow_key, sport), 2 },
	{ "dport",	offsetof(struct flow_key, dport), 2 },
	{ "src",	offsetof(struct flow_key, src), 16 },
	{ "dst",	offsetof(struct flow_key, dst), 16 },
};

/*
 * For every byte of every field, and two bit patterns each, a key equal
 * to the base but for that byte: all are separate edges.
 */
static void
test_one_byte_apart(void **state)
{
	static const uint8_t flips[2] = { 0x01, 0x80 };
	struct flowtable *ft;
	struct flow_key base, k;
	const struct flow_entry *e;
	size_t f, b, x, n = 0;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	make_key(&base, 12345);
	assert_int_equal(flowtable_add(ft, &base, 0, 100, TS0), 0);

	for (f = 0; f < NELEM(fields); f++)
		for (b = 0; b < fields[f].len; b++)
			for (x = 0; x < NELEM(flips); x++) {
				k = base;
				((uint8_t *)&k)[fields[f].off + b] ^= flips[x];
				assert_int_equal(flowtable_add(ft, &k, 0,
				    (uint32_t)n + 1000, TS0), 0);
				n++;
				if (flowtable_count(ft) != n + 1)
					fail_msg("%s byte %zu ^ %#x merged with "
					    "another edge", fields[f].name, b,
					    flips[x]);
			}

	/* each still has exactly its own packet; then one more each */
	n = 0;
	for (f = 0; f < NELEM(fields); f++)
		for (b = 0; b < fields[f].len; b++)
			for (x = 0; x < NELEM(flips); x++) {
				k = base;
				((uint8_t *)&k)[fields[f].off + b] ^= flips[x];
				assert_int_equal(flowtable_add(ft, &k, 0, 1,
				    TS0), 0);
				e = find(ft, &k);
				assert_non_null(e);
				if (e->packets != 2 || e->bytes != n + 1001)
					fail_msg("%s byte %zu ^ %#x: packets "
					    "%" PRIu64 " bytes %" PRIu64,
					    fields[f].name, b, flips[x],
					    e->packets, e->bytes);
				n++;
			}
	e = find(ft, &base);
	assert_non_null(e);
	assert_int_equal(e->packets, 1);
	assert_int_equal(e->bytes, 100);
	flowtable_free(ft);
}

/* Edges are directional: swapping ends or ports gives another edge. */
static void
test_direction(void **state)
{
	struct flowtable *ft;
	struct flow_key a, b;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	make_key(&a, 3);
	b = a;
	memcpy(b.src, a.dst, 16);
	memcpy(b.dst, a.src, 16);
	assert_int_equal(flowtable_add(ft, &a, 0, 1, TS0), 0);
	assert_int_equal(flowtable_add(ft, &b, 0, 1, TS0), 0);
	assert_int_equal(flowtable_count(ft), 2);
	b = a;
	b.sport = a.dport;
	b.dport = a.sport;
	assert_int_equal(flowtable_add(ft, &b, 0, 1, TS0), 0);
	assert_int_equal(flowtable_count(ft), 3);
	flowtable_free(ft);
}

/* --- blocks ------------------------------------------------------------ */

/* Edge counts at and around block boundaries. */
static const size_t block_counts[] = {
	1, FLOWTABLE_BLOCK - 1, FLOWTABLE_BLOCK, FLOWTABLE_BLOCK + 1,
	2 * FLOWTABLE_BLOCK - 1, 2 * FLOWTABLE_BLOCK, 2 * FLOWTABLE_BLOCK + 1,
	10 * FLOWTABLE_BLOCK + 7,
};

/*
 * Filling a table of hint with n edges, across block boundaries (and index
 * doublings, from the smallest table): every edge keeps its counters, an
 * edge's address does not change as the table grows, and the memory
 * figure grows by blocks and index doublings, never shrinking.
 */
static void
fill_blocks(size_t n, size_t hint)
{
	struct flowtable *ft;
	const struct flow_entry *e, **addr;
	struct flow_key k;
	size_t mem;
	uint32_t i;

	ft = flowtable_new(hint, 0);
	assert_non_null(ft);
	addr = calloc(n, sizeof(*addr));
	assert_non_null(addr);
	mem = flowtable_memory(ft);
	for (i = 0; i < n; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0x10, i, TS0 + i), 0);
		assert_int_equal(flowtable_last_packets(ft), 1);
		addr[i] = flowtable_entry(ft, i);
		if (flowtable_memory(ft) < mem)
			fail_msg("n %zu: memory shrank at edge %u", n, i);
		mem = flowtable_memory(ft);
		/* the first edges of the first, second and last block */
		if (flowtable_entry(ft, 0) != addr[0] ||
		    (i >= FLOWTABLE_BLOCK && flowtable_entry(ft,
		    FLOWTABLE_BLOCK) != addr[FLOWTABLE_BLOCK]) ||
		    flowtable_entry(ft, i & ~(FLOWTABLE_BLOCK - 1)) !=
		    addr[i & ~(FLOWTABLE_BLOCK - 1)])
			fail_msg("n %zu: an edge moved at edge %u", n, i);
	}
	assert_int_equal(flowtable_count(ft), n);
	/* a second packet each, in reverse: found, counted in place */
	for (i = (uint32_t)n; i-- > 0;) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0x01, 1, TS0 - i), 0);
		assert_int_equal(flowtable_last_packets(ft), 2);
	}
	assert_int_equal(flowtable_count(ft), n);
	assert_int_equal(flowtable_memory(ft), mem);
	for (i = 0; i < n; i++) {
		e = flowtable_entry(ft, i);
		if (e != addr[i] || key_number(&e->key) != i ||
		    e->packets != 2 || e->bytes != (uint64_t)i + 1 ||
		    e->tcp_flags != 0x11 || e->first_us != TS0 - i ||
		    e->last_us != TS0 + i)
			fail_msg("n %zu hint %zu: edge %u wrong", n, hint, i);
	}
	free(addr);
	flowtable_free(ft);
}

static void
test_blocks(void **state)
{
	size_t c;

	(void)state;
	for (c = 0; c < NELEM(block_counts); c++) {
		fill_blocks(block_counts[c], 0);
		fill_blocks(block_counts[c], 10 * FLOWTABLE_BLOCK + 7);
	}
}

/*
 * Forced edges go past max_edges, into a new block when the limit is a
 * block's worth; plain adds of new edges stay refused, forced edges are
 * then counted like any other.
 */
static void
test_force(void **state)
{
	struct flowtable *ft;
	struct flow_key k;
	uint32_t i;

	(void)state;
	ft = flowtable_new(0, FLOWTABLE_BLOCK);
	assert_non_null(ft);
	for (i = 0; i < FLOWTABLE_BLOCK; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0, 1, TS0), 0);
	}
	for (i = FLOWTABLE_BLOCK; i < FLOWTABLE_BLOCK + 3; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0, 1, TS0), -1);
		assert_int_equal(flowtable_add_force(ft, &k, 0, 7, TS0), 0);
		assert_int_equal(flowtable_add(ft, &k, 0, 7, TS0), 0);
		assert_int_equal(flowtable_last_packets(ft), 2);
	}
	make_key(&k, FLOWTABLE_BLOCK + 3);
	assert_int_equal(flowtable_add(ft, &k, 0, 1, TS0), -1);
	assert_int_equal(flowtable_count(ft), FLOWTABLE_BLOCK + 3);
	for (i = FLOWTABLE_BLOCK; i < FLOWTABLE_BLOCK + 3; i++) {
		assert_int_equal(key_number(&flowtable_entry(ft, i)->key), i);
		assert_int_equal(flowtable_entry(ft, i)->bytes, 14);
	}
	flowtable_free(ft);
}

/* --- the live list's heaviest changed edges ---------------------------- */

static const struct flowtable *sort_ft;

/* Heaviest first, the earlier edge first among equals: by edge number. */
static int
heavier_first(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t px = flowtable_entry(sort_ft, x)->packets;
	uint64_t py = flowtable_entry(sort_ft, y)->packets;

	if (px != py)
		return px > py ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * flowtable_top_changed against a sort of every changed edge: 20,000
 * edges with few distinct packet counts (many ties) and last times
 * either side of the cut, for several limits, and a cut nothing passes.
 */
static void
test_top_changed(void **state)
{
	static const size_t maxes[] = { 0, 1, 2, 7, 500, 9999, 20000 };
	enum { N = 20000 };
	const struct flow_entry **out;
	struct flowtable *ft;
	struct flow_key k;
	uint32_t *heap, *want;
	size_t m, i, n, got, changed;
	uint32_t p, j;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	srand(7);
	for (i = 0; i < N; i++) {
		make_key(&k, (uint32_t)i);
		/* 1 to 40 packets; about a third of the edges before the cut */
		for (p = 1 + (uint32_t)rand() % 40; p > 0; p--)
			assert_int_equal(flowtable_add(ft, &k, 0, 60,
			    TS0 + rand() % 3000000), 0);
	}
	want = calloc(N, sizeof(*want));
	heap = calloc(N, sizeof(*heap));
	out = calloc(N, sizeof(*out));
	assert_true(want != NULL && heap != NULL && out != NULL);
	for (n = 0, j = 0; j < N; j++)
		if (flowtable_entry(ft, j)->last_us > TS0 + 1000000)
			want[n++] = j;
	assert_true(n > N / 2 && n < N);
	sort_ft = ft;
	qsort(want, n, sizeof(*want), heavier_first);
	for (m = 0; m < NELEM(maxes); m++) {
		got = flowtable_top_changed(ft, TS0 + 1000000, maxes[m], heap,
		    out, &changed);
		assert_int_equal(changed, n);
		assert_int_equal(got, maxes[m] < n ? maxes[m] : n);
		for (i = 0; i < got; i++)
			assert_ptr_equal(out[i], flowtable_entry(ft, want[i]));
	}
	got = flowtable_top_changed(ft, TS0 + 3000000, 10, heap, out,
	    &changed);
	assert_int_equal(got, 0);
	assert_int_equal(changed, 0);
	free(want);
	free(heap);
	free(out);
	flowtable_free(ft);
}

/* --- max_edges --------------------------------------------------------- */

struct limit_case {
	size_t	hint;
	size_t	max;
};

static const struct limit_case limit_cases[] = {
	{ 0, 1 },
	{ 0, 5 },
	{ 0, 64 },		/* the smallest table's own size */
	{ 0, 65 },
	{ 0, 100 },
	{ 10, 1000 },		/* several grows, the last one clamped */
	{ 5000, 1000 },		/* hint above the limit */
	{ 1000, 1000 },
	{ 0, FLOWTABLE_BLOCK },			/* exactly one block */
	{ 0, FLOWTABLE_BLOCK + 1 },		/* one edge into the next */
	{ 3 * FLOWTABLE_BLOCK, 2 * FLOWTABLE_BLOCK - 1 },
};

static void
test_max_edges(void **state)
{
	struct flowtable *ft;
	const struct flow_entry *e;
	struct flow_key k;
	size_t c, round;
	uint32_t i;

	(void)state;
	for (c = 0; c < NELEM(limit_cases); c++) {
		const struct limit_case *t = &limit_cases[c];

		ft = flowtable_new(t->hint, t->max);
		assert_non_null(ft);
		/* twice: the limit holds again after a clear */
		for (round = 0; round < 2; round++) {
			for (i = 0; i < t->max; i++) {
				make_key(&k, i);
				if (flowtable_add(ft, &k, 0, 10, TS0 + i) != 0)
					fail_msg("hint %zu max %zu: key %u "
					    "refused", t->hint, t->max, i);
			}
			assert_int_equal(flowtable_count(ft), t->max);

			/* new edges are refused, and stay refused */
			for (i = (uint32_t)t->max; i < t->max + 3; i++) {
				make_key(&k, i);
				if (flowtable_add(ft, &k, 0, 10, TS0) != -1)
					fail_msg("hint %zu max %zu: edge %u "
					    "over the limit accepted",
					    t->hint, t->max, i + 1);
				assert_null(find(ft, &k));
			}
			assert_int_equal(flowtable_count(ft), t->max);

			/* known edges still count */
			for (i = 0; i < t->max; i++) {
				make_key(&k, i);
				assert_int_equal(flowtable_add(ft, &k, 0x02, 5,
				    TS0 + 7), 0);
			}
			assert_int_equal(flowtable_count(ft), t->max);
			for (i = 0; i < t->max; i++) {
				e = flowtable_entry(ft, i);
				assert_int_equal(key_number(&e->key), i);
				assert_int_equal(e->packets, 2);
				assert_int_equal(e->bytes, 15);
				assert_int_equal(e->tcp_flags, 0x02);
			}
			flowtable_clear(ft);
		}
		flowtable_free(ft);
	}
}

/* --- sort -------------------------------------------------------------- */

/*
 * The sort is for the store: edges must come out in the order of the
 * edges table's primary key.  SQLite itself is the oracle: the entries go
 * into a WITHOUT ROWID table with that key, numbered in the table's
 * order, and are read back in key order.
 */
static void
assert_store_order(const struct flowtable *ft)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	size_t j, n = flowtable_count(ft);

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (proto, src, dst,"
	    " sport, dport, n, PRIMARY KEY (proto, src, dst, sport, dport))"
	    " WITHOUT ROWID", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t VALUES"
	    " (?, ?, ?, ?, ?, ?)", -1, &s, NULL), SQLITE_OK);
	for (j = 0; j < n; j++) {
		const struct flow_key *k = &flowtable_entry(ft, j)->key;
		int len = k->ipver == 6 ? 16 : 4;

		sqlite3_bind_int(s, 1, k->proto);
		sqlite3_bind_blob(s, 2, k->src, len, SQLITE_STATIC);
		sqlite3_bind_blob(s, 3, k->dst, len, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, k->sport);
		sqlite3_bind_int(s, 5, k->dport);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)j);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT n FROM t ORDER BY"
	    " proto, src, dst, sport, dport", -1, &s, NULL), SQLITE_OK);
	for (j = 0; sqlite3_step(s) == SQLITE_ROW; j++)
		if ((size_t)sqlite3_column_int64(s, 0) != j)
			fail_msg("entry %zu is in the key order's place %lld",
			    j, (long long)sqlite3_column_int64(s, 0));
	assert_int_equal(j, n);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

#define SORT_N		5000

static void
test_sort(void **state)
{
	struct flowtable *ft;
	const struct flow_entry *e;
	struct flow_key k, keys[SORT_N];
	size_t j;
	uint32_t i, num;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	/* sorting nothing and one edge */
	flowtable_sort(ft);
	assert_int_equal(flowtable_count(ft), 0);
	make_key(&k, 0);
	assert_int_equal(flowtable_add(ft, &k, 0, 0, TS0), 0);
	assert_int_equal(flowtable_last_packets(ft), 1);
	flowtable_sort(ft);
	assert_int_equal(flowtable_last_packets(ft), 0);
	assert_int_equal(flowtable_count(ft), 1);
	assert_memory_equal(&flowtable_entry(ft, 0)->key, &k, sizeof(k));
	flowtable_clear(ft);

	/* keys in a scrambled order; bytes = key number, to find mix-ups */
	for (i = 0; i < SORT_N; i++) {
		num = (i * 7919u) % SORT_N;	/* 7919 is prime: a permutation */
		make_key(&keys[i], num);
		assert_int_equal(flowtable_add(ft, &keys[i], 0, num,
		    TS0 + num), 0);
	}
	flowtable_sort(ft);
	assert_int_equal(flowtable_count(ft), SORT_N);

	assert_store_order(ft);
	for (j = 0; j < SORT_N; j++) {
		e = flowtable_entry(ft, j);
		/* counters moved with their key */
		num = key_number(&e->key);
		if (e->bytes != num || e->first_us != TS0 + num)
			fail_msg("entry %zu: key %u carries bytes %" PRIu64,
			    j, num, e->bytes);
	}

	/* sorting sorted edges moves nothing */
	flowtable_sort(ft);
	assert_store_order(ft);
	for (j = 0; j < SORT_N; j++) {
		e = flowtable_entry(ft, j);
		num = key_number(&e->key);
		if (e->bytes != num || e->packets != 1)
			fail_msg("second sort: entry %zu lost its counters", j);
	}

	/* lookups hit the same entries: adding again counts in place */
	for (i = 0; i < SORT_N; i++)
		assert_int_equal(flowtable_add(ft, &keys[i], 0x01,
		    key_number(&keys[i]), TS0), 0);
	assert_int_equal(flowtable_count(ft), SORT_N);
	assert_store_order(ft);
	for (j = 0; j < SORT_N; j++) {
		e = flowtable_entry(ft, j);
		num = key_number(&e->key);
		if (e->packets != 2 || e->bytes != 2 * (uint64_t)num ||
		    e->tcp_flags != 0x01)
			fail_msg("entry %zu (key %u) after re-add: packets %"
			    PRIu64 " bytes %" PRIu64, j, num, e->packets,
			    e->bytes);
	}

	/* a new edge after sorting goes to the end */
	make_key(&k, SORT_N + 1);
	assert_int_equal(flowtable_add(ft, &k, 0, 1, TS0), 0);
	assert_int_equal(flowtable_count(ft), SORT_N + 1);
	assert_memory_equal(&flowtable_entry(ft, SORT_N)->key, &k, sizeof(k));

	/*
	 * Keys that tie word after word: every address byte one of three
	 * values, so pairs differ in any of the words compared, IPv4 and
	 * IPv6 mixed.
	 */
	flowtable_clear(ft);
	num = 12345;
	for (i = 0; i < SORT_N; i++) {
		static const uint8_t v[3] = { 0, 1, 255 };

		memset(&k, 0, sizeof(k));
		num = num * 1103515245u + 12345u;
		k.ipver = (num >> 16) % 3 == 0 ? 4 : 6;
		k.proto = (num >> 20) & 1 ? 6 : 17;
		k.sport = (uint16_t)(num >> 24 & 3);
		k.dport = (uint16_t)(num >> 26 & 3);
		for (j = 0; j < (k.ipver == 6 ? 16u : 4u); j++) {
			num = num * 1103515245u + 12345u;
			k.src[j] = v[(num >> 16) % 3 == 0 ? (num >> 20) % 3 : 0];
			k.dst[j] = v[(num >> 24) % 3 == 0 ? (num >> 28) % 3 : 0];
		}
		if (flowtable_add(ft, &k, 0, 1, TS0) != 0)
			fail_msg("tying key %u: add failed", i);
	}
	flowtable_sort(ft);
	assert_store_order(ft);
	flowtable_free(ft);
}

/* --- clear ------------------------------------------------------------- */

static void
test_clear(void **state)
{
	struct flowtable *ft;
	const struct flow_entry *e;
	struct flow_key k;
	size_t mem;
	uint32_t i;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	for (i = 0; i < 1000; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0xff, 1000, TS0), 0);
	}
	mem = flowtable_memory(ft);
	flowtable_clear(ft);
	assert_int_equal(flowtable_count(ft), 0);
	assert_int_equal(flowtable_last_packets(ft), 0);
	assert_int_equal(flowtable_memory(ft), mem);	/* memory kept */
	flowtable_clear(ft);				/* twice is fine */
	assert_int_equal(flowtable_count(ft), 0);

	/* an old key comes back as a new edge with fresh counters */
	make_key(&k, 500);
	assert_int_equal(flowtable_add(ft, &k, 0x02, 60, TS0 + 1), 0);
	assert_int_equal(flowtable_count(ft), 1);
	e = flowtable_entry(ft, 0);
	assert_memory_equal(&e->key, &k, sizeof(k));
	assert_int_equal(e->packets, 1);
	assert_int_equal(e->bytes, 60);
	assert_int_equal(e->tcp_flags, 0x02);
	assert_true(e->first_us == TS0 + 1 && e->last_us == TS0 + 1);
	assert_int_equal(flowtable_add(ft, &k, 0x10, 40, TS0 + 2), 0);
	assert_int_equal(flowtable_count(ft), 1);
	assert_int_equal(e->packets, 2);

	/* and the table fills again as before, without growing */
	for (i = 0; i < 1000; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0, 1, TS0), 0);
	}
	assert_int_equal(flowtable_count(ft), 1000);
	assert_int_equal(flowtable_memory(ft), mem);
	e = find(ft, &k);
	assert_non_null(e);
	assert_int_equal(e->packets, 1);
	make_key(&k, 500);
	assert_int_equal(find(ft, &k)->packets, 3);
	flowtable_free(ft);
}

/* --- memory, new and free ---------------------------------------------- */

static void
test_memory_per_edge(void **state)
{
	struct flowtable *ft;
	struct flow_key k;
	size_t mem0, mem;
	uint32_t i;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	mem0 = flowtable_memory(ft);
	assert_true(mem0 > 0);
	for (i = 0; i < 100000; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(ft, &k, 0, 100, TS0), 0);
	}
	mem = flowtable_memory(ft);
	assert_true(mem > mem0);
	print_message("flowtable: %zu edges in %zu bytes, %.1f bytes/edge "
	    "(entry %zu bytes)\n", flowtable_count(ft), mem,
	    (double)mem / (double)flowtable_count(ft),
	    sizeof(struct flow_entry));
	assert_true(mem / flowtable_count(ft) < 200);
	flowtable_free(ft);
}

/*
 * The memory figure counts what is held, as edges arrive one by one: at
 * least an entry and 4/3 index slots an edge (the index at most three
 * quarters full); at most one block partly empty, an index of 8/3 slots
 * an edge (or its first size) and a short list of blocks.  From a few
 * thousand edges on that stays within 88 bytes an edge wherever the
 * count falls between block and index sizes (the most: just past a
 * doubling of the index, 10.7 bytes an edge, with a block just begun).
 */
#define MEM_N		300000
#define MEM_FROM	4096
#define MEM_MAX		88

static void
test_memory_figure(void **state)
{
	struct flowtable *ft;
	struct flow_key k;
	size_t n, mem, lo, hi, worst_n = 0;
	double worst = 0;

	(void)state;
	ft = flowtable_new(0, 0);
	assert_non_null(ft);
	for (n = 1; n <= MEM_N; n++) {
		make_key(&k, (uint32_t)n);
		assert_int_equal(flowtable_add(ft, &k, 0, 100, TS0), 0);
		mem = flowtable_memory(ft);
		lo = n * sizeof(struct flow_entry) +
		    (4 * n / 3) * sizeof(uint32_t);
		hi = (n + FLOWTABLE_BLOCK) * sizeof(struct flow_entry) +
		    (8 * (n < 64 ? 64 : n) / 3 + 1) * sizeof(uint32_t) +
		    (2 * (n / FLOWTABLE_BLOCK + 1) + 4) * sizeof(void *) +
		    1024;
		if (mem < lo || mem > hi)
			fail_msg("%zu edges: %zu bytes, not in [%zu, %zu]", n,
			    mem, lo, hi);
		if (n >= MEM_FROM && (double)mem / (double)n > worst) {
			worst = (double)mem / (double)n;
			worst_n = n;
		}
	}
	print_message("flowtable: entry %zu bytes; %zu edges in %zu bytes; "
	    "at most %.1f bytes/edge (at %zu edges)\n",
	    sizeof(struct flow_entry), n - 1, flowtable_memory(ft), worst,
	    worst_n);
	if (worst > MEM_MAX)
		fail_msg("%.1f bytes an edge at %zu edges", worst, worst_n);
	flowtable_free(ft);
}

/* --- tables of a run of windows --------------------------------------- */

#define RUN_EDGES	20000		/* edges per window */
#define RUN_WINDOWS	6

struct run_peak {
	struct windows	*ws;
	size_t		 memory;
	size_t		 edges;
	int		 flushes;
};

/* As the importer measures: at each flush, before the table is cleared. */
static int
run_flush(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *st, struct flowtable **ftp)
{
	struct run_peak *p = arg;

	(void)start_s;
	(void)seconds;
	(void)st;
	assert_int_equal(flowtable_count(*ftp), RUN_EDGES);
	if (windows_memory(p->ws) > p->memory)
		p->memory = windows_memory(p->ws);
	if (windows_open_edges(p->ws) > p->edges)
		p->edges = windows_open_edges(p->ws);
	p->flushes++;
	return 0;
}

/*
 * Windows whose edges all arrive in their first seconds, so that two are
 * full at once (the grace time keeps the older open): the windows must
 * take turns with two tables, not keep a third one idle, and the figure
 * the importer reports stays within 96 bytes an edge.
 */
static void
test_window_tables(void **state)
{
	struct run_peak p;
	struct packet r;
	struct flow_key k;
	int64_t start_us;
	uint32_t i;
	int w;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.ws = windows_new(60, 5, 8, 0, run_flush, &p);
	assert_non_null(p.ws);
	for (w = 0; w < RUN_WINDOWS; w++) {
		start_us = TS0 / 60000000 * 60000000 + (int64_t)w * 60000000;
		for (i = 0; i < RUN_EDGES; i++) {
			make_key(&k, (uint32_t)w * RUN_EDGES + i);
			memset(&r, 0, sizeof(r));
			r.ipver = k.ipver;
			r.proto = k.proto;
			r.sport = k.sport;
			r.dport = k.dport;
			memcpy(r.src, k.src, 16);
			memcpy(r.dst, k.dst, 16);
			assert_int_equal(windows_packet(p.ws, start_us +
			    (int64_t)i * 4000000 / RUN_EDGES, 100, DECODE_OK,
			    &r), 0);
		}
	}
	assert_int_equal(windows_close_all(p.ws), 0);
	assert_int_equal(p.flushes, RUN_WINDOWS);
	assert_int_equal(p.edges, 2 * RUN_EDGES);
	print_message("windows: peak %zu bytes for %zu edges, %.1f bytes/edge\n",
	    p.memory, p.edges, (double)p.memory / (double)p.edges);
	if (p.memory > MEM_MAX * p.edges)
		fail_msg("%zu bytes for %zu edges", p.memory, p.edges);
	windows_free(p.ws);
}

/*
 * Windows of CLOSE_EDGES edges each (many blocks), one edge every
 * CLOSE_STEP_US over the whole window: each window must be written by the
 * first packet at or past its end plus the grace time, not when the
 * window after next opens.  So at most one full window and the grace
 * time's edges of the next are open together, the closed window's table
 * is freed for the open one to grow into, and all but the last window are
 * written before the end of the input.
 */
#define CLOSE_EDGES	12000
#define CLOSE_STEP_US	5000			/* 60 s / 12,000 */
#define CLOSE_GRACE	5

struct close_run {
	struct windows	*ws;
	int64_t		 now_us;	/* the packet being given */
	int64_t		 prev_us;	/* the one before it */
	int64_t		 next_start;	/* the window expected next */
	size_t		 memory;
	size_t		 edges;
	int		 flushes;
};

static int
close_flush(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *st, struct flowtable **ftp)
{
	struct close_run *p = arg;
	int64_t due_us = (start_s + seconds + CLOSE_GRACE) * 1000000;

	assert_int_equal(start_s, p->next_start);
	p->next_start += seconds;
	assert_int_equal(flowtable_count(*ftp), CLOSE_EDGES);
	assert_int_equal(st->frames, CLOSE_EDGES);
	/* INT64_MAX: windows_close_all at the end of the input */
	if (p->now_us != INT64_MAX) {
		if (p->now_us < due_us || p->prev_us >= due_us)
			fail_msg("window %lld written at %lld us, due at %lld "
			    "(previous packet %lld)", (long long)start_s,
			    (long long)p->now_us, (long long)due_us,
			    (long long)p->prev_us);
	}
	if (windows_memory(p->ws) > p->memory)
		p->memory = windows_memory(p->ws);
	if (windows_open_edges(p->ws) > p->edges)
		p->edges = windows_open_edges(p->ws);
	p->flushes++;
	return 0;
}

static void
test_window_close(void **state)
{
	struct close_run p;
	struct packet r;
	struct flow_key k;
	struct flowtable *one;
	int64_t t0_us;
	uint32_t i, n = RUN_WINDOWS * CLOSE_EDGES;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.ws = windows_new(60, CLOSE_GRACE, 8, 0, close_flush, &p);
	assert_non_null(p.ws);
	t0_us = TS0 / 60000000 * 60000000;
	p.next_start = t0_us / 1000000;
	p.prev_us = INT64_MIN;
	for (i = 0; i < n; i++) {
		make_key(&k, i);
		memset(&r, 0, sizeof(r));
		r.ipver = k.ipver;
		r.proto = k.proto;
		r.sport = k.sport;
		r.dport = k.dport;
		memcpy(r.src, k.src, 16);
		memcpy(r.dst, k.dst, 16);
		p.now_us = t0_us + (int64_t)i * CLOSE_STEP_US;
		assert_int_equal(windows_packet(p.ws, p.now_us, 100, DECODE_OK,
		    &r), 0);
		p.prev_us = p.now_us;
	}
	assert_int_equal(p.flushes, RUN_WINDOWS - 1);
	p.now_us = INT64_MAX;
	assert_int_equal(windows_close_all(p.ws), 0);
	assert_int_equal(p.flushes, RUN_WINDOWS);
	/* one window and the next one's first CLOSE_GRACE seconds */
	assert_int_equal(p.edges, CLOSE_EDGES +
	    CLOSE_GRACE * 1000000 / CLOSE_STEP_US);
	/* tables: one full, not two (the closed one's memory is reused) */
	one = flowtable_new(CLOSE_EDGES, 0);
	assert_non_null(one);
	for (i = 0; i < CLOSE_EDGES; i++) {
		make_key(&k, i);
		assert_int_equal(flowtable_add(one, &k, 0, 100, TS0), 0);
	}
	print_message("windows closed on time: peak %zu edges, %zu bytes (one "
	    "full table %zu)\n", p.edges, p.memory, flowtable_memory(one));
	if (p.memory > flowtable_memory(one) * 3 / 2)
		fail_msg("%zu bytes at the peak, one full table is %zu",
		    p.memory, flowtable_memory(one));
	flowtable_free(one);
	windows_free(p.ws);
}

/*
 * windows_prepare, windows_prefetch and windows_count, run as the
 * importer runs them (a packet prepared, the one before prefetched, the
 * one before that counted), must count as windows_packet does: the same
 * windows with the same edges and counters.  The packets revisit earlier
 * edges, go back in time (the window before stays open for the grace
 * time), skip windows, miss max_edges (overflow edges) and include frames
 * that made no edge, so that windows open and close and tables grow and
 * are cleared between a packet's prefetch and its count.
 */
#define STEP_PACKETS	60000
#define STEP_MAX_EDGES	3000

struct step_run {
	uint64_t	sum;		/* of everything flushed, in order */
	int		flushes;
};

static uint64_t
step_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x100000001b3ULL;
	return h ^ (h >> 31);
}

static int
step_flush(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *st, struct flowtable **ftp)
{
	struct step_run *p = arg;
	const struct flow_entry *e;
	size_t i, j;

	p->sum = step_mix(p->sum, (uint64_t)start_s);
	p->sum = step_mix(p->sum, seconds);
	p->sum = step_mix(p->sum, st->frames);
	p->sum = step_mix(p->sum, st->bytes);
	p->sum = step_mix(p->sum, st->undecoded);
	p->sum = step_mix(p->sum, st->overflow);
	p->sum = step_mix(p->sum, flowtable_count(*ftp));
	for (i = 0; i < flowtable_count(*ftp); i++) {
		e = flowtable_entry(*ftp, i);
		for (j = 0; j < sizeof(e->key); j++)
			p->sum = step_mix(p->sum,
			    ((const uint8_t *)&e->key)[j]);
		p->sum = step_mix(p->sum, e->tcp_flags);
		p->sum = step_mix(p->sum, e->packets);
		p->sum = step_mix(p->sum, e->bytes);
		p->sum = step_mix(p->sum, (uint64_t)e->first_us);
		p->sum = step_mix(p->sum, (uint64_t)e->last_us);
	}
	p->flushes++;
	return 0;
}

/* Packet i of the run: its time, its status and (if decoded) r. */
static int
step_packet(uint32_t i, int64_t *ts_us, struct packet *r)
{
	struct flow_key k;
	uint32_t x = i * 2654435761u;
	int64_t t0 = TS0 / 60000000 * 60000000;

	/* about 4 minutes of packets, some 3 s late, a gap of 5 minutes */
	*ts_us = t0 + (int64_t)i * 4000 - (x % 7 == 0 ? 3000000 : 0) +
	    (i >= STEP_PACKETS / 2 ? INT64_C(300000000) : 0);
	if (x % 13 == 0)
		return DECODE_NOT_IP;
	make_key(&k, x % 5 == 0 ? i : x % 4000);
	memset(r, 0, sizeof(*r));
	r->ipver = k.ipver;
	r->proto = k.proto;
	r->sport = k.sport;
	r->dport = k.dport;
	memcpy(r->src, k.src, 16);
	memcpy(r->dst, k.dst, 16);
	r->tcp_flags = (uint8_t)(x >> 24);
	return DECODE_OK;
}

static void
test_window_steps(void **state)
{
	struct step_run one, three;
	struct windows *ws;
	struct windows_pkt held[3];
	struct packet r;
	int64_t ts;
	uint32_t i;
	int status;

	(void)state;
	memset(&one, 0, sizeof(one));
	ws = windows_new(60, 5, 2, 0, step_flush, &one);
	assert_non_null(ws);
	windows_set_max_edges(ws, STEP_MAX_EDGES);
	for (i = 0; i < STEP_PACKETS; i++) {
		status = step_packet(i, &ts, &r);
		assert_int_equal(windows_packet(ws, ts, 60 + i % 1400, status,
		    &r), 0);
	}
	assert_int_equal(windows_close_all(ws), 0);
	windows_free(ws);

	memset(&three, 0, sizeof(three));
	ws = windows_new(60, 5, 2, 0, step_flush, &three);
	assert_non_null(ws);
	windows_set_max_edges(ws, STEP_MAX_EDGES);
	for (i = 0; i < STEP_PACKETS + 2; i++) {
		if (i < STEP_PACKETS) {
			status = step_packet(i, &ts, &r);
			windows_prepare(ws, &held[i % 3], ts, 60 + i % 1400,
			    status, &r);
			memset(&r, 0xa5, sizeof(r));	/* r is not kept */
		}
		if (i >= 1 && i - 1 < STEP_PACKETS)
			windows_prefetch(ws, &held[(i - 1) % 3]);
		if (i >= 2)
			assert_int_equal(windows_count(ws,
			    &held[(i - 2) % 3]), 0);
	}
	assert_int_equal(windows_close_all(ws), 0);
	windows_free(ws);

	print_message("%d windows, %d counted in three steps\n",
	    one.flushes, three.flushes);
	assert_true(one.flushes >= 5);
	assert_int_equal(three.flushes, one.flushes);
	assert_true(three.sum == one.sum);
}

/*
 * A new table holds an index for hint edges but no edges yet: blocks come
 * as edges do.  Filling it to hint adds blocks, not a bigger index.
 */
static void
test_new_free(void **state)
{
	static const size_t hints[] = { 0, 1, 63, 64, 65, 1000, 100000 };
	struct flowtable *ft;
	struct flow_key k;
	size_t i, h, mem0, blocks;
	uint32_t j;

	(void)state;
	flowtable_free(NULL);
	for (i = 0; i < NELEM(hints); i++) {
		h = hints[i] < 64 ? 64 : hints[i];
		ft = flowtable_new(hints[i], 0);
		assert_non_null(ft);
		assert_int_equal(flowtable_count(ft), 0);
		mem0 = flowtable_memory(ft);
		assert_true(mem0 >= 2 * h * sizeof(uint32_t));
		assert_true(mem0 < 4 * h * sizeof(uint32_t) + 1024);
		for (j = 0; j < h; j++) {
			make_key(&k, j);
			assert_int_equal(flowtable_add(ft, &k, 0, 1, TS0), 0);
		}
		blocks = (h + FLOWTABLE_BLOCK - 1) / FLOWTABLE_BLOCK;
		assert_true(flowtable_memory(ft) <= mem0 + blocks *
		    FLOWTABLE_BLOCK * sizeof(struct flow_entry) +
		    (2 * blocks + 4) * sizeof(void *));
		flowtable_free(ft);
	}
}

/*
 * BUG (flowtable.c flowtable_new): hint * sizeof(struct flow_entry) is not
 * checked for overflow.  With hint 2^63 the product wraps to 0, malloc(0)
 * succeeds, hint * 2 wraps to 0 so the index gets 16 slots, and a table
 * claiming 2^63 edges of room over a zero-byte array is returned; the
 * first flowtable_add writes past it.  (A hint above 2^62 that does not
 * wrap to 0 makes pow2_at_least loop forever instead, which is why that
 * case is not run here.)  Expected NULL.  Today's caller passes the last
 * window's edge count, so this is latent.
 */
static void
test_new_huge_hint(void **state)
{
	struct flowtable *ft;

	(void)state;
	ft = flowtable_new((size_t)1 << (sizeof(size_t) * 8 - 1), 0);
	if (ft != NULL) {
		flowtable_free(ft);	/* never added to: no overrun */
		fail_msg("flowtable_new(2^63, 0) returned a table");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_from_decode),
		cmocka_unit_test(test_same_key),
		cmocka_unit_test(test_extreme_times),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_one_byte_apart),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_force),
		cmocka_unit_test(test_max_edges),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_window_steps),
		cmocka_unit_test(test_memory_per_edge),
		cmocka_unit_test(test_memory_figure),
		cmocka_unit_test(test_window_tables),
		cmocka_unit_test(test_top_changed),
		cmocka_unit_test(test_window_close),
		cmocka_unit_test(test_new_free),
		cmocka_unit_test(test_new_huge_hint),
	};

	return cmocka_run_group_tests_name("flowtable", tests, NULL,
	    NULL) != 0;
}
