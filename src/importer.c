/* importer.c - capture files into windows of edges in the store. */

#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "decode.h"
#include "flowtable.h"
#include "importer.h"
#include "namebook.h"
#include "store.h"
#include "timefmt.h"
#include "window.h"
#include "worker.h"

/* Last microsecond of year 9999. */
#define IMPORT_MAX_TIME_US	253402300799999999LL

/* Windows a shuffled file (merged interfaces) may keep open at once. */
#define IMPORT_MAX_OPEN	8

/* (client, address) names an import keeps at once (namebook.h). */
#define IMPORT_MAX_NAMES	65536

/*
 * The store is written by a thread of its own: a closed window's table
 * (and the names the namebook holds then) is handed to it, and reading,
 * decoding and counting go on into the next window meanwhile.  One
 * window at most is being written: the next close waits for it, so an
 * import holds at most the table being written and the open windows.
 * When no thread can be had, windows are written in the reading thread.
 */
struct writer {
	struct worker		 wk;
	int			 busy;		/* a window handed over */
	int			 failed;	/* a write failed: stop */
	size_t			 memory;	/* of the table being written */
	int64_t			 start_s;	/* the window being written */
	unsigned		 seconds;
	struct window_stats	 stats;
	struct flowtable	*ft;
	struct name_row		*names;
	size_t			 nnames;
};

struct import_ctx {
	struct store		*st;
	const struct import_opts *opts;
	struct import_summary	*sum;
	struct windows		*ws;
	int64_t			 newest_start;	/* of the windows written */
	struct namebook		*nb;		/* names from DNS answers */
	struct writer		 w;
};

/*
 * Write the window (and the names) in ctx->w; the summary counts it.
 * 0 or -1 (store_error says why).  The rows and the table stay the
 * caller's.
 */
static int
write_window(struct import_ctx *ctx)
{
	struct writer *w = &ctx->w;
	int64_t t0 = timefmt_now();

	if (store_write_window(ctx->st, ctx->opts->sensor, STORE_TIER_RAW,
	    w->start_s, w->seconds, &w->stats, w->ft) < 0 ||
	    (w->names != NULL && store_write_names(ctx->st, ctx->opts->sensor,
	    w->names, w->nnames) < 0))
		return -1;
	ctx->sum->store_us += timefmt_now() - t0;
	ctx->sum->windows++;
	ctx->sum->edges += flowtable_count(w->ft);
	if (w->start_s > ctx->newest_start)
		ctx->newest_start = w->start_s;
	return 0;
}

static void *
writer_main(void *arg)
{
	struct import_ctx *ctx = arg;
	struct writer *w = &ctx->w;
	int rc;

	pthread_mutex_lock(&w->wk.mu);
	for (;;) {
		while (!w->busy && !w->wk.stop)
			pthread_cond_wait(&w->wk.cv, &w->wk.mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->wk.mu);
		rc = write_window(ctx);
		namebook_rows_free(w->names, w->nnames);
		w->names = NULL;
		flowtable_free(w->ft);
		w->ft = NULL;
		pthread_mutex_lock(&w->wk.mu);
		if (rc < 0)
			w->failed = 1;
		w->busy = 0;
		w->memory = 0;
		pthread_cond_broadcast(&w->wk.cv);
	}
	pthread_mutex_unlock(&w->wk.mu);
	return NULL;
}

/* Wait until no window is being written: 0, or -1 when a write failed. */
static int
writer_wait(struct import_ctx *ctx)
{
	struct writer *w = &ctx->w;
	int failed;

	if (!w->wk.started)
		return 0;
	pthread_mutex_lock(&w->wk.mu);
	while (w->busy)
		pthread_cond_wait(&w->wk.cv, &w->wk.mu);
	failed = w->failed;
	pthread_mutex_unlock(&w->wk.mu);
	return failed ? -1 : 0;
}

/* Store the names the namebook holds for writing; 0 or -1. */
static int
import_names(struct import_ctx *ctx)
{
	struct name_row *rows;
	size_t n;
	int rc;

	if (ctx->nb == NULL)
		return 0;
	n = namebook_take(ctx->nb, &rows);
	rc = store_write_names(ctx->st, ctx->opts->sensor, rows, n);
	namebook_rows_free(rows, n);
	return rc;
}

/* Tell opts->progress where the file is. */
static void
import_progress(const struct import_opts *opts, const struct capfile *cf,
    uint64_t packets, int final)
{
	uint64_t done = 0, total = 0;

	if (opts->progress == NULL)
		return;
	if (capfile_progress(cf, &done, &total) < 0)
		done = total = 0;
	opts->progress(opts->progress_arg, capfile_name(cf), done, total,
	    packets, final);
}

static int
flush_window(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *ws, struct flowtable **ftp)
{
	struct import_ctx *ctx = arg;
	struct writer *w = &ctx->w;
	size_t mem = windows_memory(ctx->ws), writing = 0;

	/*
	 * The peak is reached just before a window is handed over: the
	 * open windows, and the table still being written beside them.
	 */
	if (mem > ctx->sum->peak_memory)
		ctx->sum->peak_memory = mem;
	if (windows_open_edges(ctx->ws) > ctx->sum->peak_edges)
		ctx->sum->peak_edges = windows_open_edges(ctx->ws);
	if (w->wk.started) {
		pthread_mutex_lock(&w->wk.mu);
		writing = w->memory;
		pthread_mutex_unlock(&w->wk.mu);
	}
	if (mem + writing > ctx->sum->peak_memory_writing)
		ctx->sum->peak_memory_writing = mem + writing;
	if (writer_wait(ctx) < 0)
		return -1;
	w->start_s = start_s;
	w->seconds = seconds;
	w->stats = *ws;
	w->ft = *ftp;
	w->names = NULL;
	w->nnames = ctx->nb != NULL ? namebook_take(ctx->nb, &w->names) : 0;
	if (!w->wk.started) {
		int rc = write_window(ctx);

		namebook_rows_free(w->names, w->nnames);
		w->names = NULL;
		w->ft = NULL;	/* the table stays the window set's */
		return rc;
	}
	*ftp = NULL;		/* the writer frees it */
	pthread_mutex_lock(&w->wk.mu);
	w->busy = 1;
	w->memory = flowtable_memory(w->ft);
	pthread_cond_broadcast(&w->wk.cv);
	pthread_mutex_unlock(&w->wk.mu);
	return 0;
}

static void
note_linktype(struct import_summary *sum, int linktype)
{
	int i;

	for (i = 0; i < IMPORT_MAX_LINKTYPES; i++) {
		if (sum->linktype_frames[i] != 0 &&
		    sum->linktypes[i] != linktype)
			continue;
		sum->linktypes[i] = linktype;
		sum->linktype_frames[i]++;
		return;
	}
}

static void
note_result(struct import_summary *sum, int status,
    const struct packet *r, int linktype)
{
	sum->status[status]++;
	if (status == DECODE_UNKNOWN_LINKTYPE)
		note_linktype(sum, linktype);
	if (status != DECODE_OK)
		return;
	if (r->notes & DECODE_NOTE_FRAGMENT)
		sum->fragments++;
	if (r->notes & DECODE_NOTE_LATER_FRAG)
		sum->later_fragments++;
	if (r->notes & DECODE_NOTE_TRUNC_L4)
		sum->truncated_l4++;
	if (r->notes & DECODE_NOTE_BAD_L4)
		sum->bad_l4++;
	if (r->notes & DECODE_NOTE_TUNNEL)
		sum->tunnelled++;
}

/* Room for the three packets from reading to counting, a power of two. */
#define HELD	4

int
import_file(struct store *st, const char *path,
    const struct import_opts *opts, struct import_summary *sum, char *err,
    size_t errlen)
{
	struct import_ctx ctx = { .st = st, .opts = opts, .sum = sum,
	    .newest_start = INT64_MIN };
	struct import_record prev;
	struct capfile *cf;
	struct windows *ws = NULL;
	struct cap_packet pkt;
	struct packet r;
	struct windows_pkt held[HELD];	/* packet n in held[n % HELD] */
	uint64_t n;
	int rc, status, result = IMPORT_FAILED;
	int64_t last_us = 0;

	memset(sum, 0, sizeof(*sum));
	if ((cf = capfile_open(path, err, errlen)) == NULL)
		return IMPORT_FAILED;
	rc = store_import_begin(st, capfile_digest(cf), capfile_name(cf),
	    opts->force, &prev);
	if (rc < 0) {
		snprintf(err, errlen, "%s", store_error(st));
		goto done;
	}
	if (rc == 1) {
		snprintf(err, errlen, "%s: already imported into this database "
		    "(as %s, %s, status %s); not importing it twice: use "
		    "--force to import it again", capfile_name(cf), prev.path,
		    prev.when, prev.status);
		result = IMPORT_DUPLICATE;
		goto done;
	}
	/* the sensor is known from now on, even if no window follows */
	if (store_add_sensor(st, opts->sensor) < 0) {
		snprintf(err, errlen, "%s", store_error(st));
		goto done;
	}
	ws = windows_new(opts->window, opts->grace, IMPORT_MAX_OPEN, 0,
	    flush_window, &ctx);
	if (ws == NULL) {
		snprintf(err, errlen, "%s: out of memory", capfile_name(cf));
		goto record;
	}
	ctx.ws = ws;
	/* the writer frees each table it is given: free it as it goes */
	if (worker_start(&ctx.w.wk, writer_main, &ctx) == 0)
		store_free_as_written(ctx.st, 1);
	if (!opts->no_names && (ctx.nb = namebook_new(IMPORT_MAX_NAMES,
	    opts->window)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", capfile_name(cf));
		goto record;
	}
	import_progress(opts, cf, 0, 0);
	while ((rc = capfile_next(cf, &pkt)) == 1) {
		if (sum->frames % IMPORT_PROGRESS_EVERY == 0 && sum->frames > 0)
			import_progress(opts, cf, sum->frames, 0);
		/*
		 * A timestamp no calendar can hold (a negative time written
		 * unsigned, a broken clock) would make a window nobody can
		 * query: count the packet at the previous packet's time.
		 */
		if (pkt.ts_us < 0 || pkt.ts_us > IMPORT_MAX_TIME_US) {
			pkt.ts_us = last_us;
			sum->bad_times++;
		} else
			last_us = pkt.ts_us;
		status = decode_packet(pkt.linktype, pkt.data, pkt.caplen, &r);
		/*
		 * Counting a packet costs two cache misses once a window's
		 * table outgrows the cache: its edge's index slot, then the
		 * edge the slot names.  So counting runs two packets behind
		 * reading: this packet's slot is asked for now, the previous
		 * packet's edge (its slot has come in meanwhile) too, and
		 * the packet before that is counted, by then with both in
		 * the cache.  Each miss overlaps a packet's work instead of
		 * stalling it.  Nothing else changes: decoding has no effect
		 * but on r, windows_prepare copies what counting needs out
		 * of the frame (which the next read reuses), and the packets
		 * are counted in order.  Only the names a window's close
		 * hands over may now include those of the packet after the
		 * one that closed it; rows keep their own times and order,
		 * so the database is the same.
		 */
		n = sum->frames;		/* this packet's number - 1 */
		windows_prepare(ws, &held[n % HELD], pkt.ts_us, pkt.wirelen,
		    status, &r);
		if (n >= 1)
			windows_prefetch(ws, &held[(n - 1) % HELD]);
		if (n >= 2 && windows_count(ws, &held[(n - 2) % HELD]) < 0) {
			n--;		/* the number of the one counted */
			goto count_failed;
		}
		note_result(sum, status, &r, pkt.linktype);
		if (status == DECODE_OK && r.payload != NULL)
			namebook_packet(ctx.nb, pkt.ts_us, &r);
		sum->frames++;
		sum->bytes += pkt.wirelen;
	}
	/* the last two packets read, in order */
	for (n = sum->frames >= 2 ? sum->frames - 2 : 0; n < sum->frames; n++)
		if (windows_count(ws, &held[n % HELD]) < 0) {
			n++;
			goto count_failed;
		}
	/* Whatever was read is real traffic: store it, damaged file or not. */
	if (windows_close_all(ws) < 0 || writer_wait(&ctx) < 0 ||
	    import_names(&ctx) < 0) {
		snprintf(err, errlen, "%s: %s", capfile_name(cf),
		    store_error(st));
		goto record;
	}
	/*
	 * Roll up the hours (and days) this file's traffic has gone past,
	 * as ipgraphd does with live traffic.  An hour the file ends inside
	 * stays marked: a later file may add to it, and rolling it up after
	 * every file of a bulk load would redo the same hour each time.
	 * Queries read raw windows for hours not rolled up, so results are
	 * the same either way; `ipgraph rollup` finishes the rest.
	 */
	if (ctx.newest_start > INT64_MIN &&
	    store_rollup(st, ctx.newest_start) < 0) {
		snprintf(err, errlen, "%s: %s", capfile_name(cf),
		    store_error(st));
		goto record;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s (the %llu packets before it were "
		    "imported)", capfile_error(cf),
		    (unsigned long long)sum->frames);
		result = IMPORT_PARTIAL;
	} else
		result = IMPORT_COMPLETE;
	goto record;
count_failed:
	snprintf(err, errlen, "%s: packet %llu: %s", capfile_name(cf),
	    (unsigned long long)n, store_error(st));
record:
	worker_stop(&ctx.w.wk);	/* after the last write */
	store_free_as_written(ctx.st, 0);
	import_progress(opts, cf, sum->frames, 1);
	if (store_import_end(st, capfile_digest(cf),
	    result == IMPORT_COMPLETE ? "complete" :
	    result == IMPORT_PARTIAL ? "partial" : "failed", sum->frames) < 0 &&
	    result == IMPORT_COMPLETE) {
		snprintf(err, errlen, "%s", store_error(st));
		result = IMPORT_FAILED;
	}
done:
	windows_free(ws);
	namebook_free(ctx.nb);
	capfile_close(cf);
	return result;
}

void
import_print_summary(const char *name, const struct import_summary *s,
    void *fpv)
{
	FILE *fp = fpv;
	uint64_t undecoded = s->frames - s->status[DECODE_OK];
	char lt[64];
	int i;

	fprintf(fp, "%s: %llu frames, %llu bytes, %llu edges in %llu "
	    "windows; %llu frames made no edge\n", name,
	    (unsigned long long)s->frames, (unsigned long long)s->bytes,
	    (unsigned long long)s->edges, (unsigned long long)s->windows,
	    (unsigned long long)undecoded);
	for (i = 1; i < DECODE_NSTATUS; i++)
		if (s->status[i] != 0)
			fprintf(fp, "  %-24s %llu\n", decode_status_name(i),
			    (unsigned long long)s->status[i]);
	for (i = 0; i < IMPORT_MAX_LINKTYPES; i++)
		if (s->linktype_frames[i] != 0)
			fprintf(fp, "  not decoded: %s, %llu frames\n",
			    capfile_linktype_name(s->linktypes[i], lt,
			    sizeof(lt)),
			    (unsigned long long)s->linktype_frames[i]);
	if (s->fragments != 0)
		fprintf(fp, "  IP fragments             %llu (%llu without "
		    "ports)\n", (unsigned long long)s->fragments,
		    (unsigned long long)s->later_fragments);
	if (s->truncated_l4 != 0)
		fprintf(fp, "  truncated transport hdr  %llu\n",
		    (unsigned long long)s->truncated_l4);
	if (s->bad_l4 != 0)
		fprintf(fp, "  bad transport header     %llu\n",
		    (unsigned long long)s->bad_l4);
	if (s->bad_times != 0)
		fprintf(fp, "  impossible timestamps    %llu (counted at the "
		    "previous packet's time)\n",
		    (unsigned long long)s->bad_times);
	if (s->tunnelled != 0)
		fprintf(fp, "  tunnels (outer header)   %llu\n",
		    (unsigned long long)s->tunnelled);
}

void
import_print_stats(const struct import_summary *s, void *fpv)
{
	FILE *fp = fpv;

	fprintf(fp, "peak_edges %zu\npeak_memory %zu\nbytes_per_edge %.1f\n"
	    "peak_memory_writing %zu\n"
	    "edges_written %llu\nstore_seconds %.3f\nrows_per_second %.0f\n",
	    s->peak_edges, s->peak_memory, s->peak_edges ?
	    (double)s->peak_memory / (double)s->peak_edges : 0.0,
	    s->peak_memory_writing, (unsigned long long)s->edges,
	    (double)s->store_us / 1e6,
	    s->store_us > 0 ? (double)s->edges * 1e6 / (double)s->store_us :
	    0.0);
}
