/* livetop.c - the live list's cost: heaviest changed edges of one window. */

/*
 * Fills a flow table with EDGES edges (1 to 40 packets each, last times
 * spread over a second), then, ROUNDS times each, alternating, picks the
 * 500 heaviest edges changed in the last half second as ipgraphd's live
 * document does: "sort" (every changed edge into an array, qsort by
 * packets; what it did before) and "heap" (flowtable_top_changed).
 * Prints the median microseconds of each, and checks both chose edges of
 * the same weights.
 *
 * usage: livetop [EDGES [ROUNDS]]
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowtable.h"

#define TOP	500
#define TS0	INT64_C(1232064180000000)

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
by_packets(const void *a, const void *b)
{
	const struct flow_entry *x = *(const struct flow_entry *const *)a;
	const struct flow_entry *y = *(const struct flow_entry *const *)b;

	return x->packets < y->packets ? 1 : x->packets > y->packets ? -1 : 0;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	size_t edges = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	int rounds = argc > 2 ? atoi(argv[2]) : 21;
	const struct flow_entry **all, *top[TOP];
	struct flowtable *ft;
	struct flow_key k;
	uint32_t heap[TOP], p;
	double *ts, *th, t;
	size_t i, n, got, changed;
	int r;

	if ((ft = flowtable_new(edges, 0)) == NULL || rounds < 1)
		return 1;
	srand(1);
	for (i = 0; i < edges; i++) {
		memset(&k, 0, sizeof(k));
		k.ipver = 4;
		k.proto = 6;
		memcpy(k.src, &i, 4);
		k.dst[0] = 10;
		k.dport = 443;
		for (p = 1 + (uint32_t)rand() % 40; p > 0; p--)
			if (flowtable_add(ft, &k, 0, 100,
			    TS0 + rand() % 1000000) < 0)
				return 1;
	}
	ts = calloc((size_t)rounds, sizeof(*ts));
	th = calloc((size_t)rounds, sizeof(*th));
	if (ts == NULL || th == NULL)
		return 1;
	for (r = 0; r < rounds; r++) {
		t = now_us();
		if ((all = calloc(edges, sizeof(*all))) == NULL)
			return 1;
		for (n = 0, i = 0; i < edges; i++)
			if (flowtable_entry(ft, i)->last_us > TS0 + 500000)
				all[n++] = flowtable_entry(ft, i);
		if (n > TOP)
			qsort(all, n, sizeof(*all), by_packets);
		ts[r] = now_us() - t;
		t = now_us();
		got = flowtable_top_changed(ft, TS0 + 500000, TOP, heap, top,
		    &changed);
		th[r] = now_us() - t;
		if (changed != n)
			return 1;
		for (i = 0; i < got; i++)
			if (top[i]->packets != all[i]->packets)
				return 1;
		free(all);
	}
	qsort(ts, (size_t)rounds, sizeof(*ts), dbl_cmp);
	qsort(th, (size_t)rounds, sizeof(*th), dbl_cmp);
	printf("edges %zu changed %zu sort_us %.0f heap_us %.0f\n", edges,
	    changed, ts[rounds / 2], th[rounds / 2]);
	free(ts);
	free(th);
	flowtable_free(ft);
	return 0;
}
