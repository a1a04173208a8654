/* store.h - the SQLite store: schema, migrations, window writes, reads. */
#ifndef IPGRAPH_STORE_H
#define IPGRAPH_STORE_H

#include <stddef.h>
#include <stdint.h>

struct flowtable;
struct sqlite3;
struct sqlite3_stmt;
struct store;

#define STORE_SCHEMA_VERSION	4

/* Window tiers: raw windows as captured, and the roll-ups. */
#define STORE_TIER_RAW		0
#define STORE_TIER_HOUR		1
#define STORE_TIER_DAY		2

/* Per-window counters besides the edges. */
struct window_stats {
	uint64_t	frames;		/* every frame seen, IP or not */
	uint64_t	bytes;		/* their lengths on the wire */
	uint64_t	undecoded;	/* frames that made no edge */
	uint64_t	cap_recv;	/* pcap_stats deltas (live capture) */
	uint64_t	cap_drop;
	uint64_t	cap_ifdrop;
	uint64_t	overflow;	/* packets on overflow edges (max_edges) */
};

/*
 * Open (creating and migrating when writable) the database at path.
 * readonly opens an existing file without writing.  On failure returns
 * NULL with a message naming the file in err.  Close with store_close.
 */
struct store *store_open(const char *path, int readonly, char *err,
	    size_t errlen);
void	store_close(struct store *);

/* The last error, naming the database file. */
const char *store_error(const struct store *);

/*
 * The SQLite handle and file name, for the read-only queries of query.c;
 * the store keeps ownership.
 */
struct sqlite3 *store_sqlite(struct store *);
const char *store_path(const struct store *);

/*
 * Copy a 4- or 16-byte address column of a result row into out (16
 * bytes, zero-filled); returns the IP version, or 0 for anything else.
 */
int	store_column_addr(struct sqlite3_stmt *, int col, uint8_t *out);

/*
 * Write one window in one transaction: its counters and every edge of ft
 * (times relative to the window, so rows stay small).  A window or edge
 * already stored (a later file of the same span, a late packet) is added
 * to, never duplicated.  On failure the transaction is rolled back, the
 * store is unchanged and -1 is returned.  May sort ft.
 */
int	store_write_window(struct store *, const char *sensor, int tier,
	    int64_t start_s, unsigned seconds, const struct window_stats *,
	    struct flowtable *ft);

/*
 * Roll-ups: every raw window written marks its hour, in the same
 * transaction, to be recomputed (table rollup_pending).  store_rollup
 * recomputes, each in one transaction, the marked hours that end at or
 * before upto_s from their raw windows, then the marked days from their
 * hours (sums of counters, first/last extremes, OR of flags).
 * Recomputing from the finer tier, rather than adding to the coarser one,
 * makes a late window, a re-import or a crash between the two correct by
 * construction.  Returns 0, or -1 (the marks stay, to be retried).
 */
int	store_rollup(struct store *, int64_t upto_s);

/*
 * Retention: delete the windows of tier (and their edges) that ended
 * before before_s.  Returns the number of windows deleted, or -1.
 */
long	store_expire(struct store *, int tier, int64_t before_s);

/*
 * Imports: a digest identifies a capture file.  store_import_begin
 * records a new import as running and returns 0; returns 1 (and copies
 * the old import's status, path and time into prev) when the digest is
 * known and force is 0; -1 on error.
 */
struct import_record {
	char	status[16];	/* running, complete, partial, failed */
	char	path[256];
	char	when[32];
};
int	store_import_begin(struct store *, const char *digest,
	    const char *path, int force, struct import_record *prev);
int	store_import_end(struct store *, const char *digest,
	    const char *status, uint64_t frames);

/*
 * Packet events, for sequence diagrams: one sampled packet each (see
 * README, "Packet events").  Addresses as in decode_result.
 */
struct event_row {
	int64_t		 ts_us;
	uint8_t		 ipver;
	uint8_t		 proto;
	uint8_t		 tcp_flags;
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint32_t	 length;	/* on the wire */
	uint32_t	 tcp_seq;
	uint32_t	 tcp_ack;
	uint32_t	 ip_id;
	const char	*sensor;	/* filled by store_events only */
};

/* Write n events of sensor in one transaction.  0, or -1 (rolled back). */
int	store_write_events(struct store *, const char *sensor,
	    const struct event_row *ev, size_t n);

/*
 * Losses: what the daemon captured and could not store (see README,
 * "Losses"), one row per span of windows and reason.  reason is a
 * string constant.
 */
struct loss_row {
	int64_t		 start_s;	/* first window (or event) start */
	unsigned	 seconds;	/* span covered */
	const char	*reason;
	uint64_t	 windows;
	uint64_t	 frames;
	uint64_t	 bytes;
	uint64_t	 edges;
	uint64_t	 events;
	int64_t		 recorded_s;	/* when it was lost */
};

/* Write n loss rows of sensor in one transaction.  0, or -1. */
int	store_write_losses(struct store *, const char *sensor,
	    const struct loss_row *, size_t n);

/*
 * 1 when the path no longer names the open file (deleted, or replaced
 * by another file): writes would go to a file nobody can open.
 */
int	store_moved(struct store *);

/*
 * Close a store whose file went away (store_moved): its WAL is emptied
 * into that file first, and when nothing is at the path any more the
 * -wal and -shm left there are removed, so that a database created at
 * the path next does not inherit them.  Accepts NULL.
 */
void	store_close_moved(struct store *);

/* Delete the events before before_us; the number deleted, or -1. */
long	store_expire_events(struct store *, int64_t before_us);

/*
 * Call cb for every event in [from_us, to_us] (of sensor, unless NULL), in
 * time order, at most limit of them.  cb returns 0 to go on; the value
 * that stopped it is returned, or -1 on a store error.
 */
int	store_events(struct store *, int64_t from_us, int64_t to_us,
	    const char *sensor, unsigned limit,
	    int (*cb)(const struct event_row *, void *), void *arg);

#endif /* IPGRAPH_STORE_H */
