/* writer.c - the writer thread: the only SQLite write connection. */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowtable.h"
#include "log.h"
#include "store.h"
#include "timefmt.h"
#include "writer.h"

/* Retention runs at most this often (seconds). */
#define EXPIRE_EVERY	300
/* Back-off after a failed write: 1 s doubling to this (seconds). */
#define RETRY_MAX	32
/* Attempts per window at shutdown before giving up on it. */
#define STOP_ATTEMPTS	3

struct job {
	struct job		*next;
	int64_t			 start_s;
	unsigned		 seconds;
	struct window_stats	 stats;
	struct flowtable	*ft;
	struct event_row	*ev;		/* or these events */
	size_t			 nev;
	int64_t			 submitted_us;
};

struct writer {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct job		*head;
	struct job		*tail;
	unsigned		 depth;
	unsigned		 queue_max;
	int			 stopping;
	struct store		*st;
	char			*sensor;
	unsigned		 retention[4];
	int64_t			 last_expire;
	struct writer_stats	 stats;
	int			 lost;	/* windows given up at shutdown */
};

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	flowtable_free(j->ft);
	free(j->ev);
	free(j);
}

/* Roll-ups and retention, after a window was written; writer thread. */
static void
housekeeping(struct writer *w, int64_t newest_start)
{
	unsigned ret[4];
	int64_t now = timefmt_now() / 1000000;
	int tier;
	long n;

	if (store_rollup(w->st, newest_start) < 0)
		log_warnx("roll-up: %s (will retry)", store_error(w->st));
	pthread_mutex_lock(&w->mu);
	memcpy(ret, w->retention, sizeof(ret));
	pthread_mutex_unlock(&w->mu);
	if (now - w->last_expire < EXPIRE_EVERY)
		return;
	w->last_expire = now;
	for (tier = STORE_TIER_RAW; tier <= STORE_TIER_DAY; tier++) {
		if (ret[tier] == 0)
			continue;
		n = store_expire(w->st, tier, now - (int64_t)ret[tier]);
		if (n < 0)
			log_warnx("retention: %s", store_error(w->st));
		else if (n > 0)
			log_info("retention: deleted %ld windows of tier %d",
			    n, tier);
	}
	if (ret[3] != 0 && (n = store_expire_events(w->st,
	    (now - (int64_t)ret[3]) * 1000000)) < 0)
		log_warnx("retention: %s", store_error(w->st));
}

/* Write one job; on failure note the error.  Writer thread, no lock held. */
static int
write_job(struct writer *w, struct job *j)
{
	size_t edges = j->ft != NULL ? flowtable_count(j->ft) : 0;
	int64_t lat;
	int rc;

	if (j->ev != NULL)
		rc = store_write_events(w->st, w->sensor, j->ev, j->nev);
	else
		rc = store_write_window(w->st, w->sensor, STORE_TIER_RAW,
		    j->start_s, j->seconds, &j->stats, j->ft);
	if (rc < 0) {
		pthread_mutex_lock(&w->mu);
		w->stats.write_errors++;
		w->stats.failing = 1;
		snprintf(w->stats.last_error, sizeof(w->stats.last_error),
		    "%s", store_error(w->st));
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	lat = timefmt_now() - j->submitted_us;
	pthread_mutex_lock(&w->mu);
	w->stats.failing = 0;
	if (j->ev != NULL) {
		w->stats.events_written += j->nev;
		pthread_mutex_unlock(&w->mu);
		return 0;
	}
	w->stats.windows_written++;
	w->stats.edges_written += edges;
	w->stats.failing = 0;
	w->stats.last_latency_us = (uint64_t)lat;
	if ((uint64_t)lat > w->stats.max_latency_us)
		w->stats.max_latency_us = (uint64_t)lat;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct job *j;
	unsigned backoff = 1, attempts = 0;
	struct timespec until;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->head == NULL)
			break;			/* stopping, all written */
		j = w->head;			/* stays queued until written */
		pthread_mutex_unlock(&w->mu);

		if (write_job(w, j) == 0) {
			if (j->ev == NULL)
				housekeeping(w, j->start_s);
			pthread_mutex_lock(&w->mu);
			w->head = j->next;
			if (w->head == NULL)
				w->tail = NULL;
			w->depth--;
			w->stats.queue_depth = w->depth;
			job_free(j);
			backoff = 1;
			attempts = 0;
			continue;
		}
		attempts++;
		log_warnx("writing %s failed (attempt %u): %s", j->ev != NULL ?
		    "packet events" : "a window", attempts, store_error(w->st));
		pthread_mutex_lock(&w->mu);
		if (w->stopping && attempts >= STOP_ATTEMPTS) {
			if (j->ev != NULL)
				log_warnx("giving up on %zu packet events",
				    j->nev);
			else
				log_warnx("giving up on the window at %lld: "
				    "%zu edges not stored",
				    (long long)j->start_s,
				    flowtable_count(j->ft));
			w->head = j->next;
			if (w->head == NULL)
				w->tail = NULL;
			w->depth--;
			w->lost++;
			job_free(j);
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
    const unsigned retention[4], char *err, size_t errlen)
{
	struct writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->sensor = strdup(sensor)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(w);
		return NULL;
	}
	if ((w->st = store_open(path, 0, err, errlen)) == NULL) {
		free(w->sensor);
		free(w);
		return NULL;
	}
	w->queue_max = queue_max;
	memcpy(w->retention, retention, sizeof(w->retention));
	w->stats.queue_max = queue_max;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if ((errno = pthread_create(&w->thread, NULL, writer_main, w)) != 0) {
		snprintf(err, errlen, "starting the writer thread: %s",
		    strerror(errno));
		store_close(w->st);
		free(w->sensor);
		free(w);
		return NULL;
	}
	return w;
}

/* Append a job; the lock is held.  -1 when the queue is full. */
static int
enqueue(struct writer *w, struct job *j)
{
	if (w->depth >= w->queue_max)
		return -1;
	j->submitted_us = timefmt_now();
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->depth++;
	w->stats.queue_depth = w->depth;
	pthread_cond_signal(&w->cv);
	return 0;
}

int
writer_submit(struct writer *w, int64_t start_s, unsigned seconds,
    const struct window_stats *ws, struct flowtable *ft)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) != NULL) {
		j->start_s = start_s;
		j->seconds = seconds;
		j->stats = *ws;
		j->ft = ft;
	}
	pthread_mutex_lock(&w->mu);
	if (j == NULL || enqueue(w, j) < 0) {
		w->stats.windows_dropped++;
		pthread_mutex_unlock(&w->mu);
		log_warnx("writer queue full (%u jobs waiting): the window "
		    "at %lld with %zu edges is dropped", w->queue_max,
		    (long long)start_s, flowtable_count(ft));
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
writer_submit_events(struct writer *w, struct event_row *ev, size_t n)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		free(ev);
		return -1;
	}
	j->ev = ev;
	j->nev = n;
	pthread_mutex_lock(&w->mu);
	if (enqueue(w, j) < 0) {
		w->stats.events_dropped += n;
		pthread_mutex_unlock(&w->mu);
		job_free(j);
		return -1;
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void
writer_set_retention(struct writer *w, const unsigned retention[4])
{
	pthread_mutex_lock(&w->mu);
	memcpy(w->retention, retention, sizeof(w->retention));
	w->last_expire = 0;		/* apply at the next write */
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
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (store_rollup(w->st, INT64_MAX) < 0)
		log_warnx("roll-up: %s", store_error(w->st));
	lost = w->lost;
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->sensor);
	free(w);
	return lost ? -1 : 0;
}
