/* live.c - /api/v1/live: the daemon's open window as server-sent events. */

#include "config.h"

#include <sys/types.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "api.h"
#include "buf.h"
#include "live.h"
#include "stats.h"
#include "worker.h"

#define LIVE_MAX	64	/* streams one server keeps open */

/* One live (server-sent events) client. */
struct live_stream {
	struct live		*h;
	struct MHD_Connection	*conn;
	uint64_t		 seq;
	int			 suspended;
	struct buf		 out;		/* event not yet sent */
	size_t			 off;
	struct live_stream	*next;
};

struct live {
	const struct daemon_hooks *hooks;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	pthread_t		 thread;
	int			 running;
	int			 stopping;
	struct live_stream	*streams;
	size_t			 n;
};


/*
 * A live client waits for the daemon's next document.  A worker must not
 * sleep on it (it serves other connections), so the reader suspends the
 * connection when there is nothing new and the live thread resumes every
 * suspended one a few times a second to look again.
 */
static ssize_t
live_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct live_stream *lc = cls;
	struct live *h = lc->h;
	char *json = NULL, *p, *nl;
	uint64_t seq;
	size_t n;

	(void)pos;
	if (lc->off == lc->out.len) {
		buf_reset(&lc->out);
		lc->off = 0;
		if (h->hooks->get_live(h->hooks->arg, &json, &seq) == 0 &&
		    seq != lc->seq) {
			lc->seq = seq;
			buf_printf(&lc->out, "id: %llu\nevent: window\n",
			    (unsigned long long)seq);
			/* a line break inside data starts a new data line */
			for (p = json; p != NULL; p = nl) {
				if ((nl = strchr(p, '\n')) != NULL)
					*nl++ = '\0';
				buf_printf(&lc->out, "data: %s\n", p);
			}
			buf_putc(&lc->out, '\n');
		}
		free(json);
		if (buf_failed(&lc->out))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (lc->off == lc->out.len) {
		pthread_mutex_lock(&h->mu);
		if (h->stopping) {
			pthread_mutex_unlock(&h->mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		lc->suspended = 1;
		MHD_suspend_connection(lc->conn);
		pthread_mutex_unlock(&h->mu);
		return 0;
	}
	n = lc->out.len - lc->off;
	if (n > max)
		n = max;
	memcpy(out, lc->out.data + lc->off, n);
	lc->off += n;
	return (ssize_t)n;
}

static void
live_stream_free(void *cls)
{
	struct live_stream *lc = cls, **pp;
	struct live *h = lc->h;

	pthread_mutex_lock(&h->mu);
	for (pp = &h->streams; *pp != NULL; pp = &(*pp)->next)
		if (*pp == lc) {
			*pp = lc->next;
			break;
		}
	h->n--;
	pthread_mutex_unlock(&h->mu);
	buf_free(&lc->out);
	free(lc);
}

static void *
live_loop(void *arg)
{
	struct live *h = arg;
	struct live_stream *lc;
	struct timespec ts;

	worker_background("ipg-live");
	pthread_mutex_lock(&h->mu);
	while (!h->stopping) {
		for (lc = h->streams; lc != NULL; lc = lc->next)
			if (lc->suspended) {
				lc->suspended = 0;
				MHD_resume_connection(lc->conn);
			}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->cv, &h->mu, &ts);
	}
	for (lc = h->streams; lc != NULL; lc = lc->next)
		if (lc->suspended) {
			lc->suspended = 0;
			MHD_resume_connection(lc->conn);
		}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* Returns the response, or NULL with the reply set to an error. */
struct MHD_Response *
live_response(struct live *h, struct MHD_Connection *conn,
    const struct api_args *a, struct api_reply *r)
{
	struct MHD_Response *resp;
	struct live_stream *lc;

	if (api_no_args(a, "live", r) < 0)
		return NULL;
	if (h->hooks == NULL || h->hooks->get_live == NULL) {
		api_error(r, 404, NULL, "live: this server reads a database "
		    "and captures nothing (ipgraph serve); live views come "
		    "from ipgraphd");
		return NULL;
	}
	if ((lc = calloc(1, sizeof(*lc))) == NULL) {
		api_error(r, 503, NULL, "out of memory");
		return NULL;
	}
	lc->h = h;
	lc->conn = conn;
	pthread_mutex_lock(&h->mu);
	if (h->n >= LIVE_MAX || h->stopping) {
		pthread_mutex_unlock(&h->mu);
		free(lc);
		api_error(r, 503, NULL, "live: %d streams are open already, "
		    "the most this server keeps", LIVE_MAX);
		return NULL;
	}
	lc->next = h->streams;
	h->streams = lc;
	h->n++;
	pthread_mutex_unlock(&h->mu);
	/* the retry line tells EventSource how soon to come back */
	buf_puts(&lc->out, "retry: 1000\n\n");
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
	    live_read, lc, live_stream_free);
	if (resp == NULL) {
		lc->out.len = 0;
		live_stream_free(lc);
		api_error(r, 503, NULL, "out of memory");
		return NULL;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/event-stream; charset=utf-8");
	return resp;
}

struct live *
live_new(const struct daemon_hooks *hooks, char *err, size_t errlen)
{
	struct live *h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->hooks = hooks;
	if (hooks != NULL && hooks->get_live != NULL) {
		if (pthread_create(&h->thread, NULL, live_loop, h) != 0) {
			snprintf(err, errlen, "cannot start the live thread");
			live_free(h);
			return NULL;
		}
		h->running = 1;
	}
	return h;
}

void
live_stop(struct live *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	h->stopping = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (h->running)
		pthread_join(h->thread, NULL);
	h->running = 0;
	/* every live stream is resumed now and ends at its next read */
}

void
live_free(struct live *h)
{
	if (h == NULL)
		return;
	live_stop(h);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	free(h);
}
