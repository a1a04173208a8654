/* importstats.c - what ipgraph import spends in the store, and its memory. */

/*
 * Runs the same import_file() as `ipgraph import`, linked against the
 * build's src/libipgraph.a, with two calls wrapped by the linker
 * (-Wl,--wrap=store_write_window,--wrap=flowtable_sort) to time them.
 * Prints one line of key=value figures:
 *
 *   frames edges windows   from struct import_summary
 *   peak_memory peak_edges  flow-table bytes and edges at their peak
 *   bytes_per_edge          peak_memory / peak_edges
 *   total_s                 import_file() wall time
 *   store_s                 wall time inside store_write_window (one
 *                           transaction per window, the sort included)
 *   sort_s                  of which flowtable_sort
 *   rows_per_s              edges / store_s
 *   rollup_s                wall time in store_rollup (built with
 *                           -DHAVE_STORE_ROLLUP where the tree has it)
 *
 * With --no-store the window writes are skipped (nothing is sorted or
 * written; the import is still recorded): what capture, decode and the
 * flow table cost alone.  This is a benchmark helper, not part of
 * ipgraph; it prints what `ipgraph import` does not (yet) print.
 *
 * usage: importstats [--no-store] DB CAPTURE
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "importer.h"
#include "store.h"

struct window_stats;
struct flowtable;

int	__real_store_write_window(struct store *, const char *, int, int64_t,
	    unsigned, const struct window_stats *, struct flowtable *);
int	__wrap_store_write_window(struct store *, const char *, int, int64_t,
	    unsigned, const struct window_stats *, struct flowtable *);
void	__real_flowtable_sort(struct flowtable *);
void	__wrap_flowtable_sort(struct flowtable *);

static int no_store;
static double store_s, sort_s, rollup_s;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
__wrap_store_write_window(struct store *st, const char *sensor, int tier,
    int64_t start_s, unsigned seconds, const struct window_stats *ws,
    struct flowtable *ft)
{
	double t0;
	int rc;

	if (no_store)
		return 0;
	t0 = now();
	rc = __real_store_write_window(st, sensor, tier, start_s, seconds, ws,
	    ft);
	store_s += now() - t0;
	return rc;
}

void
__wrap_flowtable_sort(struct flowtable *ft)
{
	double t0 = now();

	__real_flowtable_sort(ft);
	sort_s += now() - t0;
}

#ifdef HAVE_STORE_ROLLUP
int	__real_store_rollup(struct store *, int64_t);
int	__wrap_store_rollup(struct store *, int64_t);

int
__wrap_store_rollup(struct store *st, int64_t until)
{
	double t0;
	int rc;

	if (no_store)
		return 0;
	t0 = now();
	rc = __real_store_rollup(st, until);
	rollup_s += now() - t0;
	return rc;
}
#endif

int
main(int argc, char **argv)
{
	struct import_opts opts = { "default", 60, 5, 0, NULL, NULL };
	struct import_summary sum;
	struct store *st;
	char err[1024];
	double t0, total;
	int rc;

	if (argc > 1 && strcmp(argv[1], "--no-store") == 0) {
		no_store = 1;
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: importstats [--no-store] DB CAPTURE\n");
		return 2;
	}
	if ((st = store_open(argv[1], 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "importstats: %s\n", err);
		return 1;
	}
	t0 = now();
	rc = import_file(st, argv[2], &opts, &sum, err, sizeof(err));
	total = now() - t0;
	store_close(st);
	if (rc != IMPORT_COMPLETE) {
		fprintf(stderr, "importstats: %s\n", err);
		return 1;
	}
	printf("frames=%llu edges=%llu windows=%llu peak_memory=%zu "
	    "peak_edges=%zu bytes_per_edge=%.1f total_s=%.6f store_s=%.6f "
	    "sort_s=%.6f rows_per_s=%.0f rollup_s=%.6f\n",
	    (unsigned long long)sum.frames, (unsigned long long)sum.edges,
	    (unsigned long long)sum.windows, sum.peak_memory, sum.peak_edges,
	    sum.peak_edges ? (double)sum.peak_memory / sum.peak_edges : 0.0,
	    total, store_s, sort_s,
	    store_s > 0 ? (double)sum.edges / store_s : 0.0, rollup_s);
	return 0;
}
