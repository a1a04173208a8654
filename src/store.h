/* store.h - the SQLite store: schema, migrations, window writes, reads. */
#ifndef IPGRAPH_STORE_H
#define IPGRAPH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "query.h"
#include "window.h"

struct buf;
struct filter;
struct flowtable;
struct packet;
struct store;

#define STORE_SCHEMA_VERSION	11

/* Window tiers: raw windows as captured, and the roll-ups. */
#define STORE_TIER_RAW		QUERY_TIER_RAW
#define STORE_TIER_HOUR		QUERY_TIER_HOUR
#define STORE_TIER_DAY		QUERY_TIER_DAY

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

/* The database's file name. */
const char *store_path(const struct store *);

/*
 * Record a sensor by name (nothing when it is known): a capture imported
 * under it makes it known even when it holds no IP traffic.  0 or -1.
 */
int	store_add_sensor(struct store *, const char *name);

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
 * With on set, store_write_window frees each table given to it as its
 * edges are written (flowtable_release_front), so memory goes back while
 * the window is written: the caller may then only flowtable_free it,
 * whether the write succeeded or not.  For a caller that writes each
 * table once and never again (an import).
 */
void	store_free_as_written(struct store *, int on);

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
 * First-seen edges: every raw window written records, in the same
 * transaction, the first time each (sensor, protocol, source,
 * destination, destination port) was seen (an earlier time from a late
 * window replaces a later one).  The table is kept beyond the tiers'
 * retention, and bounded: past max rows (STORE_FIRST_SEEN_MAX unless
 * store_set_first_seen_max says otherwise; 0: no bound) the oldest first
 * times are dropped.  store_first_seen_new: the edges the last raw window
 * written saw first; store_first_seen_dropped: the rows its write dropped
 * by the bound.
 */
#define STORE_FIRST_SEEN_MAX	1000000
struct first_seen_row {
	int64_t		 first_us;
	const char	*sensor;
	int		 ipver;
	unsigned	 proto;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	unsigned	 dport;
};
void	 store_set_first_seen_max(struct store *, uint64_t max);
uint64_t store_first_seen_new(const struct store *);
uint64_t store_first_seen_dropped(const struct store *);
/*
 * The keys the last raw window written saw first (store_first_seen_new
 * of them; sensor NULL; each with the earliest time of that window, as
 * stored; in the table's key order), valid until the next write.  Kept
 * only after store_keep_first_seen_list(st, 1) (an alerter wants them):
 * otherwise NULL and *n 0, and nothing is kept.
 */
void	 store_keep_first_seen_list(struct store *, int keep);
const struct first_seen_row *store_first_seen_list(const struct store *,
	    size_t *n);

/*
 * The first-seen edges first seen in [from_us, to_us] (of sensor, when
 * not NULL), oldest first; cb returns non-zero to stop.  0, or -1 with a
 * message in err.
 */
int	store_first_seen(struct store *, const char *sensor, int64_t from_us,
	    int64_t to_us, int (*cb)(const struct first_seen_row *, void *),
	    void *arg, char *err, size_t errlen);

/*
 * Retention by size.  First each tier's own budget (tier_max[tier], 0 or
 * tier_max NULL: none): a tier's size is its share of the pages in use,
 * its edge and address-pair rows over all the rows the file holds, and
 * past it its oldest windows go (the newest raw window stays; roll-ups
 * only of spans that ended before the newest raw window).  Then the
 * file's (max_bytes, 0: none): when the pages in use pass it, the oldest
 * windows of the raw tier but the newest, then of the hour tier, then of
 * the day tier, until under.  Then the free pages go back to the file
 * (incremental vacuum; a database without it is converted once with
 * VACUUM, r->vacuumed).  Packet events and first-seen edges count but
 * are not deleted here.  r: the file's bytes before and after, windows
 * deleted per tier by each budget, each tier's size and whether it (or
 * the file) is still over.  0, or -1 (store_error).
 */
struct store_budget {
	uint64_t	bytes_before;	/* page_count * page_size */
	uint64_t	bytes_after;
	long		windows[3];	/* deleted for max_bytes, per tier */
	long		tier_windows[3];	/* deleted for tier_max */
	uint64_t	tier_bytes[3];	/* with a tier_max: its share after */
	int		tier_over[3];	/* still over with what may go gone */
	int		over;		/* still over with the newest left */
	int		vacuumed;
};
int	store_budget(struct store *, uint64_t max_bytes,
	    const uint64_t *tier_max, struct store_budget *r);

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
 * README, "Packet events"), a struct packet (packet.h) whose payload is
 * not kept.  Write n events of sensor in one transaction.  The number
 * not written because 1,024 events of their microsecond were stored
 * already (a clock that stands still), 0 when all were; -1 (rolled
 * back).
 */
int	store_write_events(struct store *, const char *sensor,
	    const struct packet *ev, size_t n);

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
 * What st would read now: *serial names this open store (never reused
 * in the process) and *version is SQLite's data_version, which changes
 * whenever another connection commits to the file.  Two reads through
 * the same store with equal pairs see the same data, so an answer may
 * be kept under them.  0, or -1 (the pair is then no use).
 */
int	store_version(struct store *, uint64_t *serial, uint64_t *version);

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
	    int (*cb)(const struct packet *, void *), void *arg);

/* --- reading ------------------------------------------------------------ */

/* One stored row that passed a filter (store_read). */
struct store_row {
	int64_t		 window_start;	/* seconds */
	unsigned	 seconds;
	const char	*sensor;
	int		 ipver;		/* 0: a damaged address column */
	unsigned	 proto;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	unsigned	 sport;
	unsigned	 dport;
	uint64_t	 packets;
	uint64_t	 bytes;
	int64_t		 first_us;	/* absolute */
	int64_t		 last_us;
	unsigned	 tcp_flags;
};

/*
 * What store_read reads.  STORE_READ_ROWS: every stored edge row passing
 * the row filters (everything but top, other, group and metric, which
 * shape a graph), ordered by window, sensor and key, from one tier.
 * STORE_READ_GRAPH: the same rows unordered, from the pairs table (ports
 * and protocol zero) unless the filter asks for ports, protocols or
 * QUERY_DETAIL_PORTS, and for long spans from rolled-up hours where they
 * are complete (QUERY_TIER_MIXED); its rows have no sensor (NULL) and no
 * TCP flags (0).
 */
#define STORE_READ_ROWS		0
#define STORE_READ_GRAPH	1

/*
 * Call cb for every row f selects.  cb returns non-zero to stop.  Returns
 * 0 (or cb's value that stopped), or -1 with a message naming the
 * database in err (also when the budget of store_set_budget ran out:
 * store_budget_spent then says so).  *tier (if not NULL) gets the tier
 * read (QUERY_TIER_MIXED included), *rows the rows read.
 */
int	store_read(struct store *, const struct filter *f, int what,
	    int (*cb)(const struct store_row *, void *), void *arg, int *tier,
	    uint64_t *rows, char *err, size_t errlen);

/*
 * Whether a graph of f is known to read more than max rows without
 * reading them: when it reads edges (ports asked) and no filter narrows
 * them, from its windows' rows (windows.rows) less their address pairs
 * (counted only when the rows alone cannot tell).  1 known over, 0 not
 * known so, -1 on an error.
 */
int	store_span_over(struct store *, const struct filter *f, uint64_t max,
	    char *err, size_t errlen);

/*
 * The EXPLAIN QUERY PLAN of the graph reading, one step per line (for
 * tests and the benchmark: it must search windows by an index, not scan).
 */
int	store_plan(struct store *, const struct filter *f, struct buf *out,
	    char *err, size_t errlen);

/* One stored window and its counters (store_windows). */
struct store_window {
	int64_t			 start;		/* seconds */
	unsigned		 seconds;
	const char		*sensor;
	int			 tier;
	struct window_stats	 stats;
	uint64_t		 edges;
	/* store_windows_by with by_proto: "PROTO:PACKETS:BYTES,..." of the
	 * window's edges by protocol, or NULL (none) */
	const char		*protos;
};

/*
 * Call cb for every window of tier overlapping [from_us, to_us] (of
 * sensor, unless NULL), by start then sensor.  cb returns non-zero to
 * stop.  0 (or cb's value), or -1 with err.
 */
int	store_windows(struct store *, int tier, int64_t from_us, int64_t to_us,
	    const char *sensor, int (*cb)(const struct store_window *, void *),
	    void *arg, char *err, size_t errlen);
int	store_windows_by(struct store *, int tier, int64_t from_us,
	    int64_t to_us, const char *sensor, int by_proto,
	    int (*cb)(const struct store_window *, void *), void *arg,
	    char *err, size_t errlen);

/* --- reading: the pull feed (GET /api/v1/feed) ------------------------- */

/*
 * Every commit that makes or changes a window gives it the next write
 * number of a counter kept in the file (schema 9: triggers on windows),
 * so "everything written after number N" is a query.  store_feed reads,
 * in one snapshot, the counter (fs) and the edge rows of tier's windows
 * numbered from_seq or later, by number and then by key, leaving out the
 * first skip rows of window from_seq (a page that ended inside it);
 * with sensor (not NULL) only that sensor's windows, the others stepped
 * over.  cb gets each row and its window's number, and stops the walk by
 * returning non-zero.  fs->gone is the highest number of a window of
 * tier deleted (retention, size budget; 0: none): a reader whose from_seq
 * is at or below it has missed rows.  Returns 0 (or cb's value that
 * stopped), or -1 with err.
 */
struct store_feed {
	char		 store[24];	/* random name of this database */
	int64_t		 last;		/* the last number given, any tier */
	int64_t		 gone;
	uint64_t	 gone_windows;	/* deleted from tier, ever */
};
int	store_feed(struct store *, int tier, const char *sensor,
	    int64_t from_seq, uint64_t skip, struct store_feed *fs,
	    int (*cb)(int64_t seq, const struct store_row *, void *),
	    void *arg, char *err, size_t errlen);

/* --- reading: what the database holds (ipgraph info, empty results) --- */

/* One sensor's windows of one tier. */
struct store_span {
	char		*sensor;
	int		 tier;
	int64_t		 first_s;	/* the first window's start */
	int64_t		 last_s;	/* the last window's end */
	uint64_t	 windows;
	uint64_t	 edges;		/* store_info with counts only */
	unsigned	 seconds[8];	/* window lengths, ascending */
	size_t		 nseconds;	/* more than 8 are not listed */
};

/* The last import recorded (table imports). */
struct store_import {
	char		 started[32];
	char		 finished[32];	/* "" while running */
	char		 path[1024];
	char		 status[16];
	uint64_t	 frames;
};

struct store_info {
	int		 schema_version;
	uint64_t	 file_bytes;	/* page_count * page_size */
	uint64_t	 wal_bytes;	/* the -wal file, 0 when none */
	uint64_t	 hosts;		/* distinct addresses, counts only */
	uint64_t	 windows;
	uint64_t	 edges;		/* counts only */
	int		 has_capture;
	int64_t		 last_capture_s; /* the latest raw window's end */
	uint64_t	 imports;
	int		 has_import;
	struct store_import last_import;
	struct store_span *spans;	/* by sensor, then tier */
	size_t		 nspans;
	char		**sensors;	/* every sensor name, sorted */
	size_t		 nsensors;
};

/*
 * Fill in what the database holds, as much as what asks:
 *   STORE_INFO_SENSORS  the sensor names (the sensors table alone)
 *   STORE_INFO_SPANS    also per sensor and tier the span, window lengths
 *                       and count, and the schema, size, last capture and
 *                       imports (the windows table, not the edges)
 *   STORE_INFO_COUNTS   also edges (per span and in all) and distinct
 *                       addresses, which reads every stored row
 * 0, or -1 with err.  Free with store_info_free (also after a failure).
 */
#define STORE_INFO_SENSORS	0x01
#define STORE_INFO_SPANS	0x03
#define STORE_INFO_COUNTS	0x07
int	store_info(struct store *, int what, struct store_info *,
	    char *err, size_t errlen);
void	store_info_free(struct store_info *);

/*
 * The windows f's span, sensor and tier select (tier auto: the finest
 * tier that has any): how many, of which tier, the first start and the
 * last end.  *n is 0 when none.  0, or -1 with err.
 */
int	store_windows_in(struct store *, const struct filter *f, uint64_t *n,
	    int *tier, int64_t *first_s, int64_t *last_s, char *err,
	    size_t errlen);

/*
 * A cost limit for the reads that follow: about this many SQLite VM
 * instructions, after which the statement is interrupted (store_read
 * returns -1 and store_budget_spent 1).  0 lifts the limit.
 */
void	store_set_budget(struct store *, uint64_t instructions);
int	store_budget_spent(const struct store *);

/*
 * Names clients were told (namebook.h): write n rows of sensor in one
 * transaction.  0, or -1 (rolled back).
 */
struct name_row;
int	store_write_names(struct store *, const char *sensor,
	    const struct name_row *rows, size_t n);

/*
 * The names f's sensor and span select, oldest first: cb gets each row
 * (sensor filled; name valid during the call) and stops the walk by
 * returning non-zero.  With span_only 0 every row up to the span's end
 * is read (the names in use then: a later row for the same address
 * replaces an earlier one), else the rows inside the span whose address
 * or client is in f's host.  0 (or cb's value that stopped), or -1
 * with err.
 */
struct name_seen {
	const char	*sensor;
	int64_t		 ts_us;
	uint8_t		 ver;		/* of addr */
	uint8_t		 cver;		/* of client */
	uint8_t		 client[16];
	uint8_t		 addr[16];
	uint32_t	 ttl;
	const char	*name;
	const char	*source;
};
int	store_names(struct store *, const struct filter *f, int span_only,
	    int (*cb)(const struct name_seen *, void *), void *arg,
	    char *err, size_t errlen);

/*
 * For each of n addresses and each of nsources sources ("dns", "sni",
 * "http"), the newest name stored at or before the end of f's span (of
 * f's sensor if it has one), through cb as store_names gives them: one
 * index seek each.  0 (or cb's value that stopped), or -1 with err.
 */
struct name_key {
	uint8_t		 ver;		/* 4 or 6; others are passed over */
	uint8_t		 addr[16];
};
int	store_names_of(struct store *, const struct filter *f,
	    const struct name_key *keys, size_t n,
	    const char *const *sources, size_t nsources,
	    int (*cb)(const struct name_seen *, void *), void *arg,
	    char *err, size_t errlen);

/* About how many name rows the file holds (from the rowids), or -1. */
long	store_names_rows(struct store *);

#endif /* IPGRAPH_STORE_H */
