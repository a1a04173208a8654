/* writer.c - the writer thread: the only SQLite write connection. */

#include "config.h"

#include <errno.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "flowtable.h"
#include "log.h"
#include "namebook.h"
#include "packet.h"
#include "query.h"
#include "store.h"
#include "timefmt.h"
#include "writer.h"
#include "worker.h"

/* Retention runs at most this often (seconds). */
#define EXPIRE_EVERY	300
/* Seconds between two gives of freed memory back to the system, at most. */
#define TRIM_EVERY	10
/* Back-off after a failed write: 1 s doubling to this (seconds). */
#define RETRY_MAX	32
/* Attempts at shutdown before giving up on what is queued. */
#define STOP_ATTEMPTS	3
/* Loss records kept until written; more are folded into the last one. */
#define LOSS_MAX	256

struct job {
	struct job		*next;
	int64_t			 start_s;
	unsigned		 seconds;
	struct window_stats	 stats;
	struct flowtable	*ft;
	struct packet	*ev;		/* or these events */
	size_t			 nev;
	size_t			 ev_full;	/* of which not stored: their
						   microsecond was full */
	struct name_row		*names;		/* or these names */
	size_t			 nnames;
	size_t			 bytes;		/* memory held, for the bound */
	int64_t			 submitted_us;
	char			*sensor;	/* NULL: the writer's own */
};

struct writer {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct job		*head;
	struct job		*tail;
	unsigned		 depth;
	unsigned		 queue_max;
	size_t			 queue_bytes;
	size_t			 queue_bytes_max;
	int			 stopping;
	int64_t			 stop_by_us;	/* give up after this */
	struct store		*st;		/* NULL while it cannot open */
	char			*path;
	char			*sensor;
	struct retention	 retention;
	struct alerter		*alerter;
	int64_t			 last_expire;
	int64_t			 last_trim;	/* writer thread's, seconds */
	int64_t			 last_over;	/* max_size too small, said */
	struct writer_stats	 stats;
	int			 lost;	/* something given up at shutdown */
	struct loss_row		 losses[LOSS_MAX];	/* not yet written */
	size_t			 nloss;

	/* writer thread only */
	int			 reopen;	/* after a failure */
	unsigned		 fails;		/* attempts failed in a row */
	int64_t			 failing_since_us;
	struct loss_row		 pend[LOSS_MAX];	/* being written */
	struct loss_row		 file;	/* written to the open file */
};

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	flowtable_free(j->ft);
	free(j->ev);
	namebook_rows_free(j->names, j->nnames);
	free(j->sensor);
	free(j);
}

/*
 * Keep one loss record; the lock is held.  The same reason over adjacent
 * spans makes one record; past LOSS_MAX records the rest is folded into
 * the last one (its span widened), so memory stays bounded.
 */
static void
loss_keep(struct writer *w, const struct loss_row *r)
{
	struct loss_row *l = w->nloss > 0 ? &w->losses[w->nloss - 1] : NULL;
	int64_t end;

	if (l == NULL || (w->nloss < LOSS_MAX && (strcmp(l->reason,
	    r->reason) != 0 || l->start_s + l->seconds != r->start_s))) {
		w->losses[w->nloss++] = *r;
		return;
	}
	end = l->start_s + l->seconds;
	if (r->start_s + r->seconds > end)
		end = r->start_s + r->seconds;
	if (r->start_s < l->start_s)
		l->start_s = r->start_s;
	l->seconds = (unsigned)(end - l->start_s);
	if (strcmp(l->reason, r->reason) != 0)
		l->reason = "several";
	l->windows += r->windows;
	l->frames += r->frames;
	l->bytes += r->bytes;
	l->edges += r->edges;
	l->events += r->events;
	l->recorded_s = r->recorded_s;
}

/* Record a loss, for the losses table and /healthz; the lock is held. */
static void
loss_add(struct writer *w, const char *reason, int64_t start_s,
    unsigned seconds, uint64_t windows, uint64_t frames, uint64_t bytes,
    uint64_t edges, uint64_t events)
{
	struct loss_row r;
	int64_t now = timefmt_now();

	r.start_s = start_s;
	r.seconds = seconds;
	r.reason = reason;
	r.windows = windows;
	r.frames = frames;
	r.bytes = bytes;
	r.edges = edges;
	r.events = events;
	r.recorded_s = now / 1000000;
	loss_keep(w, &r);
	w->stats.frames_dropped += frames;
	w->stats.last_loss_us = now;
	snprintf(w->stats.last_loss, sizeof(w->stats.last_loss), "%s: %llu "
	    "windows (%llu frames) and %llu packet events not stored", reason,
	    (unsigned long long)windows, (unsigned long long)frames,
	    (unsigned long long)events);
}

/* Take job j off the head of the queue; the lock is held. */
static void
dequeue(struct writer *w, struct job *j)
{
	w->head = j->next;
	if (w->head == NULL)
		w->tail = NULL;
	w->depth--;
	w->queue_bytes -= j->bytes;
	w->stats.queue_depth = w->depth;
	w->stats.queue_bytes = w->queue_bytes;
}

/*
 * Shutdown with a database that does not take writes, or out of time:
 * give up on everything queued, with one line saying what; the lock is
 * held.
 */
static void
give_up(struct writer *w, const char *why)
{
	struct job *j;
	uint64_t windows = 0, frames = 0, edges = 0, events = 0;

	while ((j = w->head) != NULL) {
		dequeue(w, j);
		if (j->names != NULL)
			;		/* names: counted by the namebook only */
		else if (j->ev != NULL) {
			events += j->nev;
			w->stats.events_dropped += j->nev;
			loss_add(w, "not written at stop", j->ev[0].ts_us /
			    1000000, 1, 0, 0, 0, 0, j->nev);
		} else {
			windows++;
			frames += j->stats.frames;
			edges += flowtable_count(j->ft);
			loss_add(w, "not written at stop", j->start_s,
			    j->seconds, 1, j->stats.frames, j->stats.bytes,
			    flowtable_count(j->ft), 0);
		}
		job_free(j);
	}
	w->lost = 1;
	log_warnx("giving up (%s): %llu windows (%llu frames, %llu edges) "
	    "and %llu packet events are not stored", why,
	    (unsigned long long)windows, (unsigned long long)frames,
	    (unsigned long long)edges, (unsigned long long)events);
}

/* Note a failed attempt; writer thread, no lock held. */
static void
note_failure(struct writer *w, const char *msg)
{
	w->reopen = 1;
	if (w->fails++ == 0)
		w->failing_since_us = timefmt_now();
	pthread_mutex_lock(&w->mu);
	w->stats.write_errors++;
	w->stats.failing = 1;
	snprintf(w->stats.last_error, sizeof(w->stats.last_error), "%s",
	    msg);
	pthread_mutex_unlock(&w->mu);
}

/*
 * Have a store that writes to the file at the path; writer thread, no
 * lock held.  A file deleted or replaced under us is closed (it is logged,
 * counted and recorded as a loss in the new file) and a new database is
 * made at the path; after a failure the database is reopened.  0, or -1
 * (noted as a failure) when it cannot be opened.
 */
static int
store_ready(struct writer *w)
{
	char err[512];

	if (w->st != NULL && store_moved(w->st)) {
		log_warnx("%s: the database file was deleted or replaced while "
		    "open; the %llu windows (%llu frames) and %llu packet "
		    "events written to it since it was opened are gone from "
		    "that path; creating a new database there", w->path,
		    (unsigned long long)w->file.windows,
		    (unsigned long long)w->file.frames,
		    (unsigned long long)w->file.events);
		pthread_mutex_lock(&w->mu);
		w->stats.db_reopened++;
		loss_add(w, "database file deleted or replaced", w->file.start_s,
		    w->file.seconds, w->file.windows, w->file.frames,
		    w->file.bytes, w->file.edges, w->file.events);
		pthread_mutex_unlock(&w->mu);
		memset(&w->file, 0, sizeof(w->file));
		store_close_moved(w->st);
		w->st = NULL;
	} else if (w->st != NULL && w->reopen) {
		store_close(w->st);
		w->st = NULL;
	}
	w->reopen = 0;
	if (w->st != NULL)
		return 0;
	if ((w->st = store_open(w->path, 0, err, sizeof(err))) == NULL) {
		note_failure(w, err);
		return -1;
	}
	return 0;
}

/* Write the losses kept so far; writer thread, no lock held.  0 or -1. */
static int
write_losses(struct writer *w)
{
	size_t i, n;

	pthread_mutex_lock(&w->mu);
	n = w->nloss;
	memcpy(w->pend, w->losses, n * sizeof(w->pend[0]));
	w->nloss = 0;
	pthread_mutex_unlock(&w->mu);
	if (n == 0 || store_write_losses(w->st, w->sensor, w->pend, n) == 0)
		return 0;
	pthread_mutex_lock(&w->mu);
	for (i = 0; i < n; i++)
		loss_keep(w, &w->pend[i]);
	pthread_mutex_unlock(&w->mu);
	note_failure(w, store_error(w->st));
	return -1;
}

/*
 * Retention by size ([store] max_size_raw, _hour, _day and max_size),
 * after every window: the oldest windows go, each tier past its own
 * budget, then finest tier first past the file's (store_budget); said
 * and counted.
 */
static void
budget(struct writer *w, const struct retention *ret, int64_t now)
{
	struct store_budget r;
	long n;
	int t;

	if (store_budget(w->st, ret->max_bytes, ret->tier_max, &r) < 0) {
		log_warnx("max_size: %s", store_error(w->st));
		return;
	}
	if (r.vacuumed)
		log_info("max_size: the database now gives freed pages back "
		    "to the file (converted to incremental vacuum)");
	for (t = 0; t < 3; t++) {
		const char *tn = query_tier_name(t);

		if (r.tier_windows[t] > 0)
			log_info("max_size_%s: the %s tier passed %llu bytes: "
			    "deleted its oldest %ld windows, now about %llu "
			    "bytes", tn, tn,
			    (unsigned long long)ret->tier_max[t],
			    r.tier_windows[t],
			    (unsigned long long)r.tier_bytes[t]);
		if (r.tier_over[t] && now - w->last_over >= EXPIRE_EVERY) {
			w->last_over = now;
			log_warnx("max_size_%s: %llu bytes is less than the "
			    "newest %s window takes (about %llu bytes): raise "
			    "it", tn, (unsigned long long)ret->tier_max[t], tn,
			    (unsigned long long)r.tier_bytes[t]);
		}
	}
	n = r.windows[0] + r.windows[1] + r.windows[2];
	if (n > 0)
		log_info("max_size: the database passed %llu bytes (%llu): "
		    "deleted the oldest %ld raw, %ld hour and %ld day windows, "
		    "now %llu bytes", (unsigned long long)ret->max_bytes,
		    (unsigned long long)r.bytes_before, r.windows[0],
		    r.windows[1], r.windows[2],
		    (unsigned long long)r.bytes_after);
	if (r.over && now - w->last_over >= EXPIRE_EVERY) {
		w->last_over = now;
		log_warnx("max_size: %llu bytes is less than the newest "
		    "window of each tier, packet events and first-seen edges "
		    "take (%llu bytes): raise max_size, or lower "
		    "[seq] retention or first_seen_max",
		    (unsigned long long)ret->max_bytes,
		    (unsigned long long)r.bytes_after);
	}
	n += r.tier_windows[0] + r.tier_windows[1] + r.tier_windows[2];
	pthread_mutex_lock(&w->mu);
	w->stats.budget_windows_deleted += (uint64_t)n;
	for (t = 0; t < 3; t++)
		w->stats.budget_tier_windows_deleted[t] +=
		    (uint64_t)r.tier_windows[t];
	w->stats.db_bytes = r.bytes_after;
	pthread_mutex_unlock(&w->mu);
}

static void expire(struct writer *, const struct retention *, int64_t);

/* Roll-ups and retention, after a window was written; writer thread. */
static void
housekeeping(struct writer *w, int64_t newest_start)
{
	struct retention ret;
	int64_t now = timefmt_now() / 1000000;

	if (store_rollup(w->st, newest_start) < 0)
		log_warnx("roll-up: %s (will retry)", store_error(w->st));
	pthread_mutex_lock(&w->mu);
	ret = w->retention;
	pthread_mutex_unlock(&w->mu);
	/* by age first (when due), then by size */
	if (now - w->last_expire >= EXPIRE_EVERY)
		expire(w, &ret, now);
	if (ret.max_bytes != 0 || ret.tier_max[0] != 0 ||
	    ret.tier_max[1] != 0 || ret.tier_max[2] != 0)
		budget(w, &ret, now);
}

/* Retention by age: every tier, then the packet events. */
static void
expire(struct writer *w, const struct retention *r, int64_t now)
{
	struct retention ret = *r;
	unsigned keep;
	int tier;
	long n;

	w->last_expire = now;
	for (tier = STORE_TIER_RAW; tier <= STORE_TIER_DAY; tier++) {
		keep = tier == STORE_TIER_RAW ? ret.raw :
		    tier == STORE_TIER_HOUR ? ret.hour : ret.day;
		if (keep == 0)
			continue;
		n = store_expire(w->st, tier, now - (int64_t)keep);
		if (n < 0)
			log_warnx("retention: %s", store_error(w->st));
		else if (n > 0)
			log_info("retention: deleted %ld windows of tier %d",
			    n, tier);
	}
	if (ret.events != 0 && (n = store_expire_events(w->st,
	    (now - (int64_t)ret.events) * 1000000)) < 0)
		log_warnx("retention: %s", store_error(w->st));
}

/*
 * Write one job, and the losses kept before it, into the file at the
 * path.  Writer thread, no lock held.  0, 1 when the file went away
 * during the write (write it again), or -1 (noted as a failure).
 */
static int
write_job(struct writer *w, struct job *j)
{
	int rc;

	if (store_ready(w) < 0 || write_losses(w) < 0)
		return -1;
	if (j->names != NULL)
		rc = store_write_names(w->st, w->sensor, j->names, j->nnames);
	else if (j->ev != NULL) {
		rc = store_write_events(w->st, w->sensor, j->ev, j->nev);
		if (rc > 0) {
			j->ev_full = (size_t)rc;
			rc = 0;
		}
	} else {
		pthread_mutex_lock(&w->mu);
		store_set_first_seen_max(w->st, w->retention.first_seen_max);
		store_keep_first_seen_list(w->st, w->alerter != NULL);
		pthread_mutex_unlock(&w->mu);
		rc = store_write_window(w->st, j->sensor != NULL ?
		    j->sensor : w->sensor, STORE_TIER_RAW,
		    j->start_s, j->seconds, &j->stats, j->ft);
	}
	if (rc < 0) {
		note_failure(w, store_error(w->st));
		return -1;
	}
	if (store_moved(w->st))
		return 1;
	return 0;
}

/* A job was committed: counters, and the recovery if it was failing. */
static void
written(struct writer *w, const struct job *j)
{
	int64_t now = timefmt_now(), lat = now - j->submitted_us;
	size_t edges = j->ft != NULL ? flowtable_count(j->ft) : 0;
	uint64_t dropped = 0, before;
	const struct first_seen_row *fresh = NULL;
	struct alerter *alerter;
	size_t nfresh = 0;

	if (w->fails > 0) {
		log_info("database writes work again after %u failed "
		    "attempts over %lld s", w->fails,
		    (long long)((now - w->failing_since_us) / 1000000));
		w->fails = 0;
	}
	if (j->names != NULL) {
		pthread_mutex_lock(&w->mu);
		w->stats.failing = 0;
		w->stats.last_error[0] = '\0';
		pthread_mutex_unlock(&w->mu);
		return;
	}
	if (j->ev != NULL) {
		w->file.events += j->nev - j->ev_full;
		if (j->ev_full != 0)
			log_warnx("%zu packet events not stored: 1024 were "
			    "stored already for their microsecond (is the "
			    "capture clock standing still?)", j->ev_full);
	} else {
		if (w->file.windows++ == 0)
			w->file.start_s = j->start_s;
		w->file.seconds = (unsigned)(j->start_s + j->seconds -
		    w->file.start_s);
		w->file.frames += j->stats.frames;
		w->file.bytes += j->stats.bytes;
		w->file.edges += edges;
	}
	pthread_mutex_lock(&w->mu);
	w->stats.failing = 0;
	w->stats.last_error[0] = '\0';
	if (j->ev != NULL) {
		w->stats.events_written += j->nev - j->ev_full;
		w->stats.events_dropped += j->ev_full;
		pthread_mutex_unlock(&w->mu);
		return;
	}
	w->stats.windows_written++;
	w->stats.edges_written += edges;
	if (w->st != NULL) {
		dropped = store_first_seen_dropped(w->st);
		w->stats.new_edges += store_first_seen_new(w->st);
		w->stats.first_seen_dropped += dropped;
	}
	w->stats.last_latency_us = (uint64_t)lat;
	if ((uint64_t)lat > w->stats.max_latency_us)
		w->stats.max_latency_us = (uint64_t)lat;
	before = w->stats.first_seen_dropped - dropped;
	alerter = w->alerter;
	pthread_mutex_unlock(&w->mu);
	/* the alert thread copies them: a short lock, never a delivery */
	if (alerter != NULL && w->st != NULL &&
	    (fresh = store_first_seen_list(w->st, &nfresh)) != NULL)
		alert_submit(alerter, fresh, nfresh);
	/* the bound at work: said once, then counted in /metrics */
	if (dropped > 0 && before == 0)
		log_info("first-seen: %llu oldest edges dropped to keep the "
		    "table at first_seen_max (counted in /metrics from now "
		    "on)", (unsigned long long)dropped);
}

/*
 * A window's flow table was just freed, and the HTTP workers free what
 * their answers took: the allocator keeps such memory in its arenas for
 * later, so the heap would stay at its highest (the biggest answers
 * times the workers, the biggest window) for ever and RSS would not say
 * what is held.  Give the free pages back, at most every TRIM_EVERY s.
 */
static void
give_back(struct writer *w)
{
#ifdef HAVE_MALLOC_TRIM
	int64_t now = timefmt_now() / 1000000;

	if (now - w->last_trim < TRIM_EVERY)
		return;
	w->last_trim = now;
	malloc_trim(0);
#else
	(void)w;
#endif
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct job *j;
	unsigned backoff = 1, attempts = 0;
	struct timespec until;
	int rc;

	/*
	 * The capture's priority: what it falls behind by is lost (the
	 * queue's bound, the stop's budget) as surely as frames the capture
	 * misses, and the capture hands it every window.
	 */
	worker_name("ipg-writer");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->head == NULL)
			break;			/* stopping, all written */
		if (w->stopping && timefmt_now() >= w->stop_by_us) {
			give_up(w, "out of time at shutdown");
			continue;
		}
		j = w->head;			/* stays queued until written */
		pthread_mutex_unlock(&w->mu);

		if ((rc = write_job(w, j)) == 1) {
			/* written to a file that just went away: again */
			pthread_mutex_lock(&w->mu);
			continue;
		}
		if (rc == 0) {
			int window = j->ev == NULL && j->names == NULL;

			written(w, j);
			if (window)
				housekeeping(w, j->start_s);
			pthread_mutex_lock(&w->mu);
			dequeue(w, j);
			job_free(j);
			backoff = 1;
			attempts = 0;
			if (window) {
				pthread_mutex_unlock(&w->mu);
				give_back(w);
				pthread_mutex_lock(&w->mu);
			}
			continue;
		}
		attempts++;
		pthread_mutex_lock(&w->mu);
		log_warnx("writing %s failed (attempt %u): %s", j->ev != NULL ?
		    "packet events" : j->names != NULL ? "names" : "a window",
		    attempts,
		    w->stats.last_error);
		if (w->stopping && (attempts >= STOP_ATTEMPTS ||
		    timefmt_now() >= w->stop_by_us)) {
			give_up(w, "the database does not take writes");
			attempts = 0;
			continue;
		}
		/* keep the window and wait before trying again */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += w->stopping ? 1 : backoff;
		if (backoff < RETRY_MAX)
			backoff *= 2;
		while (pthread_cond_timedwait(&w->cv, &w->mu, &until) == 0 &&
		    !w->stopping)
			;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct writer *
writer_start(const char *path, const char *sensor, unsigned queue_max,
    size_t queue_bytes, const struct retention *retention, char *err,
    size_t errlen)
{
	struct writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->sensor = strdup(sensor)) == NULL ||
	    (w->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		if (w != NULL)
			free(w->sensor);
		free(w);
		return NULL;
	}
	if ((w->st = store_open(path, 0, err, errlen)) == NULL) {
		free(w->path);
		free(w->sensor);
		free(w);
		return NULL;
	}
	w->queue_max = queue_max;
	w->queue_bytes_max = queue_bytes;
	w->retention = *retention;
	w->stats.queue_max = queue_max;
	w->stats.queue_bytes_max = queue_bytes;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if ((errno = pthread_create(&w->thread, NULL, writer_main, w)) != 0) {
		snprintf(err, errlen, "starting the writer thread: %s",
		    strerror(errno));
		store_close(w->st);
		free(w->path);
		free(w->sensor);
		free(w);
		return NULL;
	}
	return w;
}

/*
 * Append a job; the lock is held.  -1 when the queue is full: max jobs,
 * or the job would take the queue past its bytes (a job is always let
 * into an empty queue, so a window larger than the bound is still
 * written).
 */
static int
enqueue(struct writer *w, struct job *j)
{
	if (w->depth >= w->queue_max || (w->depth > 0 &&
	    w->queue_bytes + j->bytes > w->queue_bytes_max))
		return -1;
	j->submitted_us = timefmt_now();
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->depth++;
	w->queue_bytes += j->bytes;
	w->stats.queue_depth = w->depth;
	w->stats.queue_bytes = w->queue_bytes;
	pthread_cond_signal(&w->cv);
	return 0;
}

int
writer_submit(struct writer *w, int64_t start_s, unsigned seconds,
    const struct window_stats *ws, struct flowtable *ft)
{
	return writer_submit_as(w, NULL, start_s, seconds, ws, ft);
}

int
writer_submit_as(struct writer *w, const char *sensor, int64_t start_s,
    unsigned seconds, const struct window_stats *ws, struct flowtable *ft)
{
	struct job *j;
	size_t edges = flowtable_count(ft), qbytes;
	unsigned depth;

	if ((j = calloc(1, sizeof(*j))) != NULL && sensor != NULL &&
	    (j->sensor = strdup(sensor)) == NULL) {
		free(j);
		j = NULL;
	}
	if (j != NULL) {
		j->start_s = start_s;
		j->seconds = seconds;
		j->stats = *ws;
		j->ft = ft;
		j->bytes = sizeof(*j) + flowtable_memory(ft);
	}
	pthread_mutex_lock(&w->mu);
	if (j == NULL || enqueue(w, j) < 0) {
		w->stats.windows_dropped++;
		loss_add(w, "writer queue full", start_s, seconds, 1,
		    ws->frames, ws->bytes, edges, 0);
		depth = w->depth;
		qbytes = w->queue_bytes;
		pthread_mutex_unlock(&w->mu);
		log_warnx("writer queue full (%u jobs, %zu bytes waiting): "
		    "the window at %lld with %llu frames and %zu edges is "
		    "dropped (recorded in the losses table)", depth,
		    qbytes, (long long)start_s,
		    (unsigned long long)ws->frames, edges);
		if (j != NULL)
			job_free(j);
		else
			flowtable_free(ft);
		return -1;
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int
writer_submit_events(struct writer *w, struct packet *ev, size_t n)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		free(ev);
		return -1;
	}
	j->ev = ev;
	j->nev = n;
	j->bytes = sizeof(*j) + n * sizeof(*ev);
	pthread_mutex_lock(&w->mu);
	if (enqueue(w, j) < 0) {
		w->stats.events_dropped += n;
		if (n > 0)
			loss_add(w, "writer queue full", ev[0].ts_us / 1000000,
			    1, 0, 0, 0, 0, n);
		pthread_mutex_unlock(&w->mu);
		job_free(j);
		return -1;
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int
writer_submit_names(struct writer *w, struct name_row *rows, size_t n)
{
	struct job *j;

	if (n == 0 || (j = calloc(1, sizeof(*j))) == NULL) {
		namebook_rows_free(rows, n);
		return n == 0 ? 0 : -1;
	}
	j->names = rows;
	j->nnames = n;
	j->bytes = sizeof(*j) + n * sizeof(*rows);
	pthread_mutex_lock(&w->mu);
	if (enqueue(w, j) < 0) {
		pthread_mutex_unlock(&w->mu);
		job_free(j);
		return -1;
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void
writer_set_retention(struct writer *w, const struct retention *retention)
{
	pthread_mutex_lock(&w->mu);
	w->retention = *retention;
	w->last_expire = 0;		/* apply at the next write */
	pthread_mutex_unlock(&w->mu);
}

void
writer_set_alerter(struct writer *w, struct alerter *a)
{
	pthread_mutex_lock(&w->mu);
	w->alerter = a;
	pthread_mutex_unlock(&w->mu);
}

void
writer_set_queue_bytes(struct writer *w, size_t queue_bytes)
{
	pthread_mutex_lock(&w->mu);
	w->queue_bytes_max = queue_bytes;
	w->stats.queue_bytes_max = queue_bytes;
	pthread_mutex_unlock(&w->mu);
}

void
writer_get_stats(struct writer *w, struct writer_stats *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->stats;
	pthread_mutex_unlock(&w->mu);
}

int
writer_stop(struct writer *w)
{
	int lost;

	if (w == NULL)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	w->stop_by_us = timefmt_now() + WRITER_STOP_BUDGET * 1000000LL;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* the thread is gone: no lock needed from here */
	if (w->nloss > 0 && (w->st == NULL || write_losses(w) < 0))
		log_warnx("the losses above could not be recorded in the "
		    "database either");
	if (w->st != NULL && !w->lost &&
	    store_rollup(w->st, INT64_MAX) < 0)
		log_warnx("roll-up: %s", store_error(w->st));
	lost = w->lost;
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->path);
	free(w->sensor);
	free(w);
	return lost ? -1 : 0;
}
