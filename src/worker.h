/* worker.h - a thread of its own, and the lock and condition it waits on. */
#ifndef IPGRAPH_WORKER_H
#define IPGRAPH_WORKER_H

#include <pthread.h>

struct worker {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 started;
	int		 stop;		/* asked to end; read and set under mu */
};

/*
 * Make mu and cv, then start fn(arg) in a new thread.  0, or -1 with
 * nothing left to undo (the caller then does the work itself).
 */
int	worker_start(struct worker *, void *(*fn)(void *), void *arg);

/*
 * Set stop, wake the thread (a broadcast on cv), wait for it to return,
 * and release mu and cv.  Nothing when it was never started.
 */
void	worker_stop(struct worker *);

/*
 * Threads that can wait for the CPU.  worker_set_background(n), once at
 * start, before any thread: from then on worker_background(name), first
 * thing in such a thread, names it (top -H, /proc/PID/task/TID/comm; 15
 * bytes at most) and lowers its priority by n nice levels under the
 * thread that started the process.  ipgraphd sets 10: its data path (the
 * capture in the main thread, the writer) keeps its priority, and what
 * serves people (the query threads, reverse DNS, the live stream,
 * alerts) gives way to it.  0 (the default, ipgraph serve): named only.
 * worker_name(name) names a thread and leaves its priority.
 */
void	worker_set_background(int nice);
void	worker_background(const char *name);
void	worker_name(const char *name);

#endif /* IPGRAPH_WORKER_H */
