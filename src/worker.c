/* worker.c - a thread of its own, and the lock and condition it waits on. */

#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "worker.h"

static int background_nice;	/* worker_set_background */

void
worker_set_background(int nice)
{
	background_nice = nice;
}

void
worker_name(const char *name)
{
	pthread_setname_np(pthread_self(), name);
}

void
worker_background(const char *name)
{
	id_t tid = (id_t)gettid();
	int nice;

	worker_name(name);
	if (background_nice == 0)
		return;
	/* a thread's own nice, on Linux: PRIO_PROCESS with its thread id */
	errno = 0;
	nice = getpriority(PRIO_PROCESS, tid);
	if (nice == -1 && errno != 0)
		return;
	nice += background_nice;
	(void)setpriority(PRIO_PROCESS, tid, nice > 19 ? 19 : nice);
}

int
worker_start(struct worker *w, void *(*fn)(void *), void *arg)
{
	w->started = 0;
	w->stop = 0;
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	if (pthread_create(&w->thread, NULL, fn, arg) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	w->started = 1;
	return 0;
}

void
worker_stop(struct worker *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	w->started = 0;
}
