/* writer.h - the writer thread: the only SQLite write connection. */
#ifndef IPGRAPH_WRITER_H
#define IPGRAPH_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct packet;
struct flowtable;
struct writer;

struct writer_stats {
	uint64_t	windows_written;
	uint64_t	edges_written;
	uint64_t	windows_dropped;	/* queue full: counted, logged */
	uint64_t	frames_dropped;		/* in windows dropped or given up */
	uint64_t	events_written;
	uint64_t	events_dropped;
	uint64_t	write_errors;		/* failed attempts (retried) */
	uint64_t	queue_depth;
	uint64_t	queue_max;
	uint64_t	queue_bytes;		/* memory held by queued jobs */
	uint64_t	queue_bytes_max;
	uint64_t	db_reopened;		/* file deleted or replaced */
	uint64_t	last_latency_us;	/* submit to commit, last one */
	uint64_t	max_latency_us;
	int		failing;		/* the last attempt failed */
	char		last_error[256];	/* while failing, else "" */
	int64_t		last_loss_us;		/* when data was last lost */
	char		last_loss[256];		/* what, for /healthz */
	uint64_t	new_edges;		/* first seen (store.h) */
	uint64_t	first_seen_dropped;	/* oldest, past the bound */
	uint64_t	budget_windows_deleted;	/* by every size budget */
	uint64_t	budget_tier_windows_deleted[3];	/* by max_size_TIER */
	uint64_t	db_bytes;		/* file, after the budget */
};

/* How long each tier, and the packet events, are kept (s); 0 = keep. */
struct retention {
	unsigned	raw;
	unsigned	hour;
	unsigned	day;
	unsigned	events;
	uint64_t	first_seen_max;	/* rows of first_seen (store.h) */
	uint64_t	max_bytes;	/* database budget; 0: none */
	uint64_t	tier_max[3];	/* each tier's budget; 0: none */
};

/*
 * Open the database at path (creating and migrating it) in the calling
 * thread, so a bad path fails at start with a message in err, then start
 * the thread.  At most queue_max jobs (closed windows, batches of packet
 * events) holding at most queue_bytes of memory may wait (one job is
 * always let in, whatever its size); retention is applied every few
 * minutes.
 *
 * Before each write the writer checks that the path still names the file
 * it has open; a file deleted or replaced is logged, counted and a new
 * database is created at the path.  After a failed write the database is
 * reopened before the next attempt (1 s back-off doubling to 32 s), so a
 * file made read-only and then writable again, or any state a failure
 * left in the connection, does not outlive the fault.
 */
struct writer *writer_start(const char *path, const char *sensor,
	    unsigned queue_max, size_t queue_bytes,
	    const struct retention *, char *err, size_t errlen);

/*
 * Hand a closed window over (the writer owns ft from now on, whatever the
 * result).  Never blocks on disk.  Returns 0, or -1 when the queue is full:
 * the window is then dropped, and counted and logged as such.
 */
int	writer_submit(struct writer *, int64_t start_s, unsigned seconds,
	    const struct window_stats *, struct flowtable *ft);

/*
 * The same for a window of another sensor (a collector's exporters): its
 * rows are stored under sensor (copied).  Losses name the writer's own.
 */
int	writer_submit_as(struct writer *, const char *sensor, int64_t start_s,
	    unsigned seconds, const struct window_stats *, struct flowtable *ft);

/*
 * Hand over n packet events (a malloc'd array the writer frees, whatever
 * the result); queued like a window.  0, or -1 when the queue is full
 * (dropped, counted as events_dropped).
 */
int	writer_submit_events(struct writer *, struct packet *ev, size_t n);

/*
 * Hand over n names (namebook_take's rows; the writer frees them with
 * namebook_rows_free, whatever the result); queued like a window.  0, or
 * -1 when the queue is full (dropped).
 */
struct name_row;
int	writer_submit_names(struct writer *, struct name_row *rows, size_t n);

/* Change retention, and the queue's byte bound (SIGHUP). */
void	writer_set_retention(struct writer *, const struct retention *);

/* Hand the new edges of every raw window committed to a; NULL: none. */
struct alerter;
void	writer_set_alerter(struct writer *, struct alerter *a);
void	writer_set_queue_bytes(struct writer *, size_t queue_bytes);

/* A consistent copy of the counters; safe from any thread. */
void	writer_get_stats(struct writer *, struct writer_stats *);

/*
 * Write everything queued, roll up, stop the thread, close the database,
 * free.  A failing write is retried a few times; after that, or once
 * WRITER_STOP_BUDGET seconds have passed, whatever is still queued is
 * given up (logged with its counts, and recorded in the losses table when
 * the database takes that much).  Returns 0, or -1 when something could
 * not be written.
 */
#define WRITER_STOP_BUDGET	30
int	writer_stop(struct writer *);

#endif /* IPGRAPH_WRITER_H */
