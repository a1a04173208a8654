/* writer.h - the writer thread: the only SQLite write connection. */
#ifndef IPGRAPH_WRITER_H
#define IPGRAPH_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct event_row;
struct flowtable;
struct writer;

struct writer_stats {
	uint64_t	windows_written;
	uint64_t	edges_written;
	uint64_t	windows_dropped;	/* queue full: counted, logged */
	uint64_t	events_written;
	uint64_t	events_dropped;
	uint64_t	write_errors;		/* failed attempts (retried) */
	uint64_t	queue_depth;
	uint64_t	queue_max;
	uint64_t	last_latency_us;	/* submit to commit, last one */
	uint64_t	max_latency_us;
	int		failing;		/* the last attempt failed */
	char		last_error[256];
};

/*
 * Open the database at path (creating and migrating it) in the calling
 * thread, so a bad path fails at start with a message in err, then start
 * the thread.  queue_max closed windows may wait; retention (seconds per
 * tier raw, hour, day, then for packet events; 0 = keep) is applied every
 * few minutes.
 */
struct writer *writer_start(const char *path, const char *sensor,
	    unsigned queue_max, const unsigned retention[4], char *err,
	    size_t errlen);

/*
 * Hand a closed window over (the writer owns ft from now on, whatever the
 * result).  Never blocks on disk.  Returns 0, or -1 when the queue is full:
 * the window is then dropped, and counted and logged as such.
 */
int	writer_submit(struct writer *, int64_t start_s, unsigned seconds,
	    const struct window_stats *, struct flowtable *ft);

/*
 * Hand over n packet events (a malloc'd array the writer frees, whatever
 * the result); queued like a window.  0, or -1 when the queue is full
 * (dropped, counted as events_dropped).
 */
int	writer_submit_events(struct writer *, struct event_row *ev, size_t n);

/* Change retention (SIGHUP). */
void	writer_set_retention(struct writer *, const unsigned retention[4]);

/* A consistent copy of the counters; safe from any thread. */
void	writer_get_stats(struct writer *, struct writer_stats *);

/*
 * Write everything queued (retrying a failing write a few times), roll up,
 * stop the thread, close the database, free.  Returns 0, or -1 when some
 * windows could not be written (they are logged).
 */
int	writer_stop(struct writer *);

#endif /* IPGRAPH_WRITER_H */
