/* store.c - the SQLite store: schema, migrations, window writes, reads. */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <sqlite3.h>

#include "buf.h"
#include "flowtable.h"
#include "namebook.h"
#include "packet.h"
#include "query.h"
#include "store.h"
#include "timefmt.h"

/*
 * Migrations, one per schema version: migrations[i] takes a database from
 * version i to i + 1.  A released step is never edited; a new version
 * appends one.
 *
 * Edges are keyed by (window, protocol, addresses, ports) in a WITHOUT
 * ROWID table, so the key is the only index and a window's edges are
 * stored together: a time-range query is a range scan of windows and then
 * of edges.  Addresses are 4- or 16-byte blobs (the length is the IP
 * version), times are offsets from the window start.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE sensors ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE windows ("
	"  id INTEGER PRIMARY KEY,"
	"  sensor_id INTEGER NOT NULL REFERENCES sensors(id),"
	"  tier INTEGER NOT NULL,"
	"  seconds INTEGER NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  frames INTEGER NOT NULL DEFAULT 0,"
	"  bytes INTEGER NOT NULL DEFAULT 0,"
	"  undecoded INTEGER NOT NULL DEFAULT 0,"
	"  cap_recv INTEGER NOT NULL DEFAULT 0,"
	"  cap_drop INTEGER NOT NULL DEFAULT 0,"
	"  cap_ifdrop INTEGER NOT NULL DEFAULT 0,"
	"  overflow INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (sensor_id, tier, seconds, start));"
	"CREATE INDEX windows_by_time ON windows (tier, start);"
	"CREATE TABLE edges ("
	"  window_id INTEGER NOT NULL,"
	"  proto INTEGER NOT NULL,"
	"  src BLOB NOT NULL,"
	"  dst BLOB NOT NULL,"
	"  sport INTEGER NOT NULL,"
	"  dport INTEGER NOT NULL,"
	"  packets INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  first_us INTEGER NOT NULL,"
	"  last_us INTEGER NOT NULL,"
	"  tcp_flags INTEGER NOT NULL,"
	"  PRIMARY KEY (window_id, proto, src, dst, sport, dport)"
	") WITHOUT ROWID;"
	"CREATE TABLE rollup_pending ("
	"  sensor_id INTEGER NOT NULL,"
	"  tier INTEGER NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  PRIMARY KEY (sensor_id, tier, start)"
	") WITHOUT ROWID;"
	"CREATE TABLE imports ("
	"  digest TEXT PRIMARY KEY,"
	"  path TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  frames INTEGER NOT NULL DEFAULT 0,"
	"  started TEXT NOT NULL,"
	"  finished TEXT);",
	/* 1 -> 2: sampled packets for sequence diagrams */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  sensor_id INTEGER NOT NULL,"
	"  ts_us INTEGER NOT NULL,"
	"  proto INTEGER NOT NULL,"
	"  src BLOB NOT NULL,"
	"  dst BLOB NOT NULL,"
	"  sport INTEGER NOT NULL,"
	"  dport INTEGER NOT NULL,"
	"  length INTEGER NOT NULL,"
	"  tcp_flags INTEGER NOT NULL,"
	"  tcp_seq INTEGER NOT NULL,"
	"  tcp_ack INTEGER NOT NULL,"
	"  ip_id INTEGER NOT NULL);"
	"CREATE INDEX events_by_time ON events (ts_us);",
	/*
	 * 2 -> 3: every window's edges folded per address pair, which is
	 * what the graph exports draw: real traffic has tens of edges (ports)
	 * per pair, so graph queries read far fewer rows.
	 */
	"CREATE TABLE pairs ("
	"  window_id INTEGER NOT NULL,"
	"  src BLOB NOT NULL,"
	"  dst BLOB NOT NULL,"
	"  packets INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  first_us INTEGER NOT NULL,"
	"  last_us INTEGER NOT NULL,"
	"  PRIMARY KEY (window_id, src, dst)"
	") WITHOUT ROWID;"
	"INSERT INTO pairs SELECT window_id, src, dst, sum(packets),"
	"  sum(bytes), min(first_us), max(last_us) FROM edges"
	"  GROUP BY window_id, src, dst;",
	/*
	 * 3 -> 4: what the daemon captured but could not store (a window
	 * dropped from a full writer queue, given up at shutdown, packet
	 * events dropped), so a hole in the data says why it is there.
	 */
	"CREATE TABLE losses ("
	"  id INTEGER PRIMARY KEY,"
	"  sensor_id INTEGER NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  seconds INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  windows INTEGER NOT NULL,"
	"  frames INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  edges INTEGER NOT NULL,"
	"  events INTEGER NOT NULL,"
	"  recorded INTEGER NOT NULL);",
	/*
	 * 4 -> 5: a packet event's IP length and transport payload, which
	 * the frame length cannot give back (link headers differ); NULL in
	 * rows written before, which sequence diagrams show as unknown.
	 */
	("ALTER TABLE events ADD COLUMN ip_len INTEGER;"
	"ALTER TABLE events ADD COLUMN payload INTEGER;"),
	/*
	 * 5 -> 6: the first time each (sensor, protocol, source,
	 * destination, destination port) was seen, kept beyond the tiers'
	 * retention (bounded by store_set_first_seen_max: the oldest go),
	 * filled from every tier already stored.
	 */
	"CREATE TABLE first_seen ("
	"  sensor_id INTEGER NOT NULL,"
	"  proto INTEGER NOT NULL,"
	"  src BLOB NOT NULL,"
	"  dst BLOB NOT NULL,"
	"  dport INTEGER NOT NULL,"
	"  first_us INTEGER NOT NULL,"
	"  PRIMARY KEY (sensor_id, proto, src, dst, dport)"
	") WITHOUT ROWID;"
	"CREATE INDEX first_seen_by_time ON first_seen (first_us);"
	"INSERT INTO first_seen SELECT w.sensor_id, e.proto, e.src, e.dst,"
	"  e.dport, min(w.start * 1000000 + e.first_us)"
	"  FROM edges e JOIN windows w ON w.id = e.window_id"
	"  WHERE NOT (e.sport = 0 AND e.dport = 0"
	"    AND e.src IN (zeroblob(4), zeroblob(16))"
	"    AND e.dst IN (zeroblob(4), zeroblob(16)))"
	"  GROUP BY w.sensor_id, e.proto, e.src, e.dst, e.dport;",
	/*
	 * 6 -> 7: the names clients were told for addresses (passive DNS):
	 * a row the first time a (client, address, name) is seen in each
	 * window, so a graph of any span shows the names in use then.
	 */
	"CREATE TABLE names ("
	"  sensor_id INTEGER NOT NULL,"
	"  ts_us INTEGER NOT NULL,"
	"  client BLOB NOT NULL,"
	"  addr BLOB NOT NULL,"
	"  name TEXT NOT NULL,"
	"  ttl INTEGER NOT NULL,"
	"  source TEXT NOT NULL);"
	"CREATE INDEX names_by_time ON names (ts_us);",
	/*
	 * 7 -> 8: each window's count of edge and address-pair rows, so a
	 * tier's share of the file is known without counting its rows
	 * ([store] max_size_raw, max_size_hour, max_size_day).
	 */
	"ALTER TABLE windows ADD COLUMN rows INTEGER NOT NULL DEFAULT 0;"
	"UPDATE windows SET rows ="
	"  (SELECT count(*) FROM edges WHERE window_id = windows.id) +"
	"  (SELECT count(*) FROM pairs WHERE window_id = windows.id);",
	/*
	 * 8 -> 9: the pull feed's write numbers.  Every commit that makes or
	 * changes a window (a capture, an import or a late flow adding to
	 * it, a roll-up recomputing it) gives it the next number of a
	 * counter kept in the file, so a reader that remembers the last
	 * number it read gets everything written since, and a window
	 * changed again is read again.  Triggers rather than code in each
	 * writing path: store_write_window, the roll-ups and whatever
	 * writes windows next all get numbers without being told.  Writes
	 * hold the write lock, so numbers are committed in their order.
	 * feed_gone keeps, per tier, the highest number of a window the
	 * retention or the size budget deleted and how many went: a reader
	 * behind that number has lost data, and is told.  feed.store is a
	 * random name of this file, so a cursor of another (or a remade)
	 * database is recognised.  Windows already stored are numbered in
	 * the order they were made.
	 */
	"ALTER TABLE windows ADD COLUMN seq INTEGER;"
	"UPDATE windows SET seq = id;"
	"CREATE UNIQUE INDEX windows_by_seq ON windows (tier, seq);"
	"CREATE TABLE feed ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  store TEXT NOT NULL,"
	"  seq INTEGER NOT NULL);"
	"INSERT INTO feed SELECT 1, lower(hex(randomblob(8))),"
	"  coalesce(max(id), 0) FROM windows;"
	"CREATE TABLE feed_gone ("
	"  tier INTEGER PRIMARY KEY,"
	"  seq INTEGER NOT NULL,"
	"  windows INTEGER NOT NULL);"
	"CREATE TRIGGER feed_made AFTER INSERT ON windows BEGIN"
	"  UPDATE feed SET seq = seq + 1;"
	"  UPDATE windows SET seq = (SELECT seq FROM feed) WHERE id = new.id;"
	" END;"
	"CREATE TRIGGER feed_changed AFTER UPDATE OF frames ON windows BEGIN"
	"  UPDATE feed SET seq = seq + 1;"
	"  UPDATE windows SET seq = (SELECT seq FROM feed) WHERE id = new.id;"
	" END;"
	"CREATE TRIGGER feed_deleted AFTER DELETE ON windows"
	"  WHEN old.seq IS NOT NULL BEGIN"
	"  INSERT INTO feed_gone VALUES (old.tier, old.seq, 1)"
	"  ON CONFLICT (tier) DO UPDATE SET seq = max(seq, excluded.seq),"
	"  windows = windows + 1;"
	" END;",
	/*
	 * 9 -> 10: names by address, so a graph looks up the newest name of
	 * each of its hosts with one seek each (store_names_of) instead of
	 * reading every name stored up to its end: the names table holds a
	 * row per address and client in every window, and grows with the
	 * file's age.
	 */
	"CREATE INDEX names_by_addr ON names (addr, source, ts_us);",
	/*
	 * 10 -> 11: packet events keyed by their time.  The row id is the
	 * capture time in microseconds times EVENT_KEY_SPAN plus a tie-break
	 * (event_key), so rows are kept in time order by the table itself:
	 * an event costs one b-tree insert instead of two (the table's and
	 * events_by_time's), and a span is read (store_events) or expired
	 * (store_expire_events) as a range of ids.  Rows already stored are
	 * copied in their time order; times before 1970 (or after 2255)
	 * are keyed as the first (or last) microsecond, and of more than
	 * EVENT_KEY_SPAN rows in one microsecond (clocks that stood still)
	 * the first EVENT_KEY_SPAN are kept.
	 */
	"CREATE TABLE events_keyed ("
	"  id INTEGER PRIMARY KEY,"
	"  sensor_id INTEGER NOT NULL,"
	"  ts_us INTEGER NOT NULL,"
	"  proto INTEGER NOT NULL,"
	"  src BLOB NOT NULL,"
	"  dst BLOB NOT NULL,"
	"  sport INTEGER NOT NULL,"
	"  dport INTEGER NOT NULL,"
	"  length INTEGER NOT NULL,"
	"  tcp_flags INTEGER NOT NULL,"
	"  tcp_seq INTEGER NOT NULL,"
	"  tcp_ack INTEGER NOT NULL,"
	"  ip_id INTEGER NOT NULL,"
	"  ip_len INTEGER,"
	"  payload INTEGER);"
	"INSERT INTO events_keyed SELECT k * 1024 + n - 1, sensor_id, ts_us,"
	"  proto, src, dst, sport, dport, length, tcp_flags, tcp_seq,"
	"  tcp_ack, ip_id, ip_len, payload FROM (SELECT *, row_number()"
	"  OVER (PARTITION BY k ORDER BY ts_us, id) AS n FROM (SELECT *,"
	"  min(max(ts_us, 0), 9007199254740991) AS k FROM events))"
	"  WHERE n <= 1024 ORDER BY k, n;"
	"DROP TABLE events;"
	"ALTER TABLE events_keyed RENAME TO events;",
};
#define NMIGRATIONS	(sizeof(migrations) / sizeof(migrations[0]))
_Static_assert(NMIGRATIONS == STORE_SCHEMA_VERSION,
    "one migration per schema version");

#define STORE_MMAP_SIZE	"1073741824"	/* bytes a reader maps, at most */

/*
 * Packet events' row ids (schema 11): time in microseconds times
 * EVENT_KEY_SPAN, plus 0 to EVENT_KEY_SPAN - 1 for events of the same
 * microsecond; EVENT_TS_MAX, the last time that fits (in 2255), and 0
 * stand in for times past either end.  The migration to 11 says the same
 * numbers in SQL.
 */
#define EVENT_KEY_SPAN	1024
#define EVENT_TS_MAX	(INT64_MAX / EVENT_KEY_SPAN)

static int64_t
event_key(int64_t ts_us)
{
	if (ts_us < 0)
		ts_us = 0;
	else if (ts_us > EVENT_TS_MAX)
		ts_us = EVENT_TS_MAX;
	return ts_us * EVENT_KEY_SPAN;
}

/* One address pair of a window being written. */
struct pair {
	const struct flow_key	*key;	/* of the first edge seen */
	uint64_t		 packets;
	uint64_t		 bytes;
	int64_t			 first_us;
	int64_t			 last_us;
};

/* A destination port of one address pair and its first time. */
struct fs_port {
	int64_t		 first_us;
	uint16_t	 dport;
};

struct store {
	sqlite3		*db;
	char		*path;
	uint64_t	 serial;	/* store_version: this open, of all */
	char		 err[512];
	sqlite3_stmt	*ins_sensor;
	sqlite3_stmt	*get_sensor;
	sqlite3_stmt	*ins_window;
	sqlite3_stmt	*ins_edge;
	sqlite3_stmt	*ins_pair;
	sqlite3_stmt	*ins_pending;
	sqlite3_stmt	*ins_first;
	sqlite3_stmt	*upd_first;
	sqlite3_stmt	*max_first;
	sqlite3_stmt	*ins_first_all;	/* window_keys, set-wise */
	sqlite3_stmt	*ins_first_list;	/* the same, listing them */
	const struct flowtable *vt_ft;	/* the window being written */
	struct flowtable *vt_free;	/* the same, freed as its edges go */
	int		 free_written;	/* store_free_as_written */
	int64_t		 vt_base_us;	/* its start */
	uint64_t	 first_rows;	/* rows in first_seen, counted at open */
	uint64_t	 first_max;	/* store_set_first_seen_max */
	uint64_t	 first_new;	/* new in the last window written */
	uint64_t	 first_dropped;	/* dropped by the cap, that window */
	struct first_seen_row *first_list;	/* new in that window */
	size_t		 first_list_cap;
	int		 first_keep;	/* store_keep_first_seen_list */
	struct fs_port	*ports;		/* first_seen_window's gathering */
	size_t		 ports_cap;
	struct pair	*pairs;		/* store_write_window's fold */
	size_t		 pairs_cap;
	uint32_t	*slots;
	size_t		 nslots;
	sqlite3_stmt	*ins_events;	/* batch_events, set-wise */
	sqlite3_stmt	*ins_names;	/* batch_names, set-wise */
	sqlite3_stmt	*ins_losses;
	const struct name_row *nm_batch;	/* store_write_names' rows */
	size_t		 nm_n;
	const struct packet *ev_batch;	/* store_write_events' events */
	const int64_t	*ev_key;	/* their ids; -1: written one by one */
	int64_t		*ev_ids;	/* ev_key's room for a whole batch */
	size_t		 ev_n;
	size_t		 ev_cap;
	char		*sensor_name;	/* cache of the last sensor id */
	int64_t		 sensor_id;
	uint64_t	 budget_left;	/* store_set_budget: handler calls */
	int		 budget_tripped;
};

static const sqlite3_module wv_module;	/* the window as a table */
static const sqlite3_module be_module;	/* events, names as tables */

static int	store_one_int(struct store *, sqlite3_stmt *, int64_t *, int *,
		    const char *, char *, size_t);

static void
set_err(struct store *st, const char *what)
{
	snprintf(st->err, sizeof(st->err), "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

const char *
store_error(const struct store *st)
{
	return st->err;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

static int
exec(struct store *st, const char *sql, const char *what)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		set_err(st, what);
		return -1;
	}
	return 0;
}

static int
prepare(struct store *st, sqlite3_stmt **stmt, const char *sql)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    stmt, NULL) != SQLITE_OK) {
		set_err(st, "preparing a statement");
		return -1;
	}
	return 0;
}

/*
 * The tables SQLite reads out of the store's memory (wv_module,
 * be_module): VT_* is the index of each one's name and columns here.
 */
enum { VT_EDGES, VT_KEYS, VT_EVENTS, VT_NAMES };
static const struct {
	const char	*name;
	const char	*columns;
} vt_tables[] = {
	{ "window_edges", "CREATE TABLE x(proto, src, dst, sport, dport,"
	    " packets, bytes, first_us, last_us, tcp_flags)" },
	{ "window_keys", "CREATE TABLE x(proto, src, dst, dport, first_us)" },
	{ "batch_events", "CREATE TABLE x(id, ts_us, proto, src, dst, sport,"
	    " dport, length, tcp_flags, tcp_seq, tcp_ack, ip_id, ip_len,"
	    " payload)" },
	{ "batch_names", "CREATE TABLE x(ts_us, client, addr, name, ttl,"
	    " source)" },
};

/*
 * Register the tables of vt_tables: window_edges and window_keys read by
 * wv_module, batch_events and batch_names by be_module; 0 or -1.
 */
static int
window_tables(struct store *st)
{
	size_t i;

	for (i = 0; i < sizeof(vt_tables) / sizeof(vt_tables[0]); i++)
		if (sqlite3_create_module(st->db, vt_tables[i].name,
		    i < VT_EVENTS ? &wv_module : &be_module, st) !=
		    SQLITE_OK) {
			set_err(st, "registering the window tables");
			return -1;
		}
	return 0;
}

/* Read the schema version; 0 for a new, empty database. */
static int
schema_version(struct store *st, int *version)
{
	sqlite3_stmt *s = NULL;
	int rc, have;

	*version = 0;
	rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = 'schema_version'", -1, &s, NULL);
	if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		set_err(st, "reading the schema");
		return -1;
	}
	have = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (!have)
		return 0;
	rc = sqlite3_prepare_v2(st->db, "SELECT max(version) FROM "
	    "schema_version", -1, &s, NULL);
	if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		set_err(st, "reading the schema version");
		return -1;
	}
	*version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

/* Bring the schema up to date in one transaction. */
static int
migrate(struct store *st, int readonly)
{
	int version;
	size_t i;
	char sql[128];

	if (schema_version(st, &version) < 0)
		return -1;
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(st->err, sizeof(st->err), "%s: database schema "
		    "version %d is newer than this ipgraph supports (%d); "
		    "use a newer ipgraph", st->path, version,
		    STORE_SCHEMA_VERSION);
		return -1;
	}
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	if (readonly) {
		snprintf(st->err, sizeof(st->err), "%s: database schema "
		    "version %d is older than %d; open it once for writing "
		    "(e.g. ipgraph import) to upgrade it", st->path, version,
		    STORE_SCHEMA_VERSION);
		return -1;
	}
	if (exec(st, "BEGIN IMMEDIATE", "starting the schema upgrade") < 0)
		return -1;
	if (version == 0 && exec(st, "CREATE TABLE schema_version ("
	    "version INTEGER NOT NULL, applied TEXT NOT NULL)",
	    "creating the schema") < 0)
		goto fail;
	for (i = (size_t)version; i < NMIGRATIONS; i++) {
		if (exec(st, migrations[i], "upgrading the schema") < 0)
			goto fail;
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version "
		    "VALUES (%zu, datetime('now'))", i + 1);
		if (exec(st, sql, "recording the schema version") < 0)
			goto fail;
	}
	return exec(st, "COMMIT", "committing the schema upgrade");
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* bitor(x): the OR of an integer column, for merging TCP flags. */
static void
bitor_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_int64 *acc = sqlite3_aggregate_context(ctx, sizeof(*acc));

	(void)argc;
	if (acc != NULL)
		*acc |= sqlite3_value_int64(argv[0]);
}

static void
bitor_final(sqlite3_context *ctx)
{
	sqlite3_int64 *acc = sqlite3_aggregate_context(ctx, 0);

	sqlite3_result_int64(ctx, acc != NULL ? *acc : 0);
}

/* The rows of first_seen into st->first_rows; 0 or -1. */
static int
first_seen_count(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM first_seen", -1,
	    &s, NULL) != SQLITE_OK) {
		set_err(st, "counting first-seen edges");
		return -1;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		st->first_rows = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		set_err(st, "counting first-seen edges");
		return -1;
	}
	return 0;
}

/* Stores opened by the process so far (store_version). */
static uint64_t	store_serials;

/*
 * SQLite's process-wide settings, before its first use: no accounting
 * of its allocations (sqlite3_memory_used, which nothing here reads),
 * which took a lock and two counters on every malloc and free of every
 * row written: 1.7% of an import's instructions.  SQLite refuses it
 * once initialised (another library in the process got there first):
 * harmless, the accounting goes on.
 */
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void
store_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *
store_open(const char *path, int readonly, char *err, size_t errlen)
{
	struct store *st;
	int flags;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(st);
		return NULL;
	}
	st->serial = __atomic_add_fetch(&store_serials, 1, __ATOMIC_RELAXED);
	pthread_once(&store_once, store_configure);
	flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		set_err(st, "cannot open database");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/*
	 * SQLite opens a file it may not write read-only, silently: refuse
	 * here, or the first window would fail instead of the startup.
	 */
	if (!readonly && sqlite3_db_readonly(st->db, "main") == 1) {
		snprintf(st->err, sizeof(st->err), "%s: cannot open database "
		    "for writing: the file is read-only", st->path);
		goto fail;
	}
	if (sqlite3_create_function(st->db, "bitor", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, NULL, bitor_step, bitor_final) !=
	    SQLITE_OK) {
		set_err(st, "registering bitor()");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/*
	 * WAL: readers (the HTTP server) never block the writer.
	 * synchronous=NORMAL: a power cut may lose the last committed
	 * window but never corrupts the file.
	 */
	if (!readonly && (exec(st, "PRAGMA journal_mode=WAL",
	    "cannot use the database (setting WAL mode)") < 0 ||
	    exec(st, "PRAGMA synchronous=NORMAL", "setting synchronous") < 0))
		goto fail;
	if (migrate(st, readonly) < 0)
		goto fail;
	/*
	 * Readers map the file: a long-span query touches thousands of
	 * pages, and a mapped page costs no read(2) and no page-cache copy.
	 */
	if (readonly && exec(st, "PRAGMA mmap_size=" STORE_MMAP_SIZE,
	    "setting mmap_size") < 0)
		goto fail;
	if (!readonly && (
	    prepare(st, &st->ins_sensor,
		"INSERT OR IGNORE INTO sensors (name) VALUES (?1)") < 0 ||
	    prepare(st, &st->get_sensor,
		"SELECT id FROM sensors WHERE name = ?1") < 0 ||
	    prepare(st, &st->ins_window,
		"INSERT INTO windows (sensor_id, tier, seconds, start, frames,"
		" bytes, undecoded, cap_recv, cap_drop, cap_ifdrop, overflow)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (sensor_id, tier, seconds, start) DO UPDATE SET"
		" frames = frames + excluded.frames,"
		" bytes = bytes + excluded.bytes,"
		" undecoded = undecoded + excluded.undecoded,"
		" cap_recv = cap_recv + excluded.cap_recv,"
		" cap_drop = cap_drop + excluded.cap_drop,"
		" cap_ifdrop = cap_ifdrop + excluded.cap_ifdrop,"
		" overflow = overflow + excluded.overflow"
		" RETURNING id, rows") < 0 ||
	    window_tables(st) < 0 ||
	    prepare(st, &st->ins_edge,
		"INSERT INTO edges (window_id, proto, src, dst, sport, dport,"
		" packets, bytes, first_us, last_us, tcp_flags)"
		" SELECT ?1, proto, src, dst, sport, dport, packets, bytes,"
		" first_us, last_us, tcp_flags FROM window_edges WHERE true"
		" ON CONFLICT DO UPDATE SET"
		" packets = packets + excluded.packets,"
		" bytes = bytes + excluded.bytes,"
		" first_us = min(first_us, excluded.first_us),"
		" last_us = max(last_us, excluded.last_us),"
		" tcp_flags = tcp_flags | excluded.tcp_flags") < 0 ||
	    prepare(st, &st->ins_pair,
		"INSERT INTO pairs (window_id, src, dst, packets, bytes,"
		" first_us, last_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		" ON CONFLICT DO UPDATE SET"
		" packets = packets + excluded.packets,"
		" bytes = bytes + excluded.bytes,"
		" first_us = min(first_us, excluded.first_us),"
		" last_us = max(last_us, excluded.last_us)") < 0 ||
	    prepare(st, &st->ins_pending,
		"INSERT OR IGNORE INTO rollup_pending (sensor_id, tier, start)"
		" VALUES (?1, ?2, ?3)") < 0 ||
	    prepare(st, &st->ins_first,
		"INSERT OR IGNORE INTO first_seen (sensor_id, proto, src, dst,"
		" dport, first_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)") < 0 ||
	    prepare(st, &st->upd_first,
		"UPDATE first_seen SET first_us = ?6 WHERE sensor_id = ?1"
		" AND proto = ?2 AND src = ?3 AND dst = ?4 AND dport = ?5"
		" AND first_us > ?6") < 0 ||
	    prepare(st, &st->max_first,
		"SELECT max(first_us) FROM first_seen") < 0 ||
	    prepare(st, &st->ins_first_all,
		"INSERT OR IGNORE INTO first_seen (sensor_id, proto, src, dst,"
		" dport, first_us) SELECT ?1, proto, src, dst, dport, first_us"
		" FROM window_keys") < 0 ||
	    prepare(st, &st->ins_first_list,
		"INSERT OR IGNORE INTO first_seen (sensor_id, proto, src, dst,"
		" dport, first_us) SELECT ?1, proto, src, dst, dport, first_us"
		" FROM window_keys RETURNING proto, src, dst, dport,"
		" first_us") < 0 ||
	    first_seen_count(st) < 0))
		goto fail;
	st->first_max = STORE_FIRST_SEEN_MAX;
	return st;
fail:
	snprintf(err, errlen, "%s", st->err);
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->ins_sensor);
	sqlite3_finalize(st->get_sensor);
	sqlite3_finalize(st->ins_window);
	sqlite3_finalize(st->ins_edge);
	sqlite3_finalize(st->ins_pair);
	sqlite3_finalize(st->ins_pending);
	sqlite3_finalize(st->ins_first);
	sqlite3_finalize(st->upd_first);
	sqlite3_finalize(st->max_first);
	sqlite3_finalize(st->ins_first_all);
	sqlite3_finalize(st->ins_first_list);
	sqlite3_finalize(st->ins_events);
	sqlite3_finalize(st->ins_names);
	sqlite3_finalize(st->ins_losses);
	free(st->ev_ids);
	free(st->first_list);
	free(st->ports);
	free(st->pairs);
	free(st->slots);
	sqlite3_close(st->db);
	free(st->sensor_name);
	free(st->path);
	free(st);
}

/* Step a write statement that returns no row; resets it either way. */
static int
step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		set_err(st, what);
		return -1;
	}
	return 0;
}

static int
sensor_id(struct store *st, const char *name, int64_t *id)
{
	int rc;

	if (st->sensor_name != NULL && strcmp(st->sensor_name, name) == 0) {
		*id = st->sensor_id;
		return 0;
	}
	sqlite3_bind_text(st->ins_sensor, 1, name, -1, SQLITE_STATIC);
	if (step_done(st, st->ins_sensor, "recording the sensor") < 0)
		return -1;
	sqlite3_bind_text(st->get_sensor, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st->get_sensor);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st->get_sensor);
		set_err(st, "looking up the sensor");
		return -1;
	}
	*id = sqlite3_column_int64(st->get_sensor, 0);
	sqlite3_reset(st->get_sensor);
	/* cached only after the window commits: see store_write_window */
	return 0;
}

int
store_add_sensor(struct store *st, const char *name)
{
	int64_t id;

	return sensor_id(st, name, &id);
}

/* x mod m, non-negative for negative x too. */
static int64_t
floor_mod(int64_t x, int64_t m)
{
	return ((x % m) + m) % m;
}

/*
 * Mark the roll-up window of tier containing start_s as stale, inside the
 * caller's transaction: the mark commits or rolls back with the data, so
 * a crash can never leave a roll-up silently out of date.
 */
static int
mark_pending(struct store *st, int64_t sensor_id, int tier, int64_t start_s)
{
	int64_t len = tier == STORE_TIER_HOUR ? 3600 : 86400;

	sqlite3_bind_int64(st->ins_pending, 1, sensor_id);
	sqlite3_bind_int(st->ins_pending, 2, tier);
	sqlite3_bind_int64(st->ins_pending, 3, start_s - floor_mod(start_s,
	    len));
	return step_done(st, st->ins_pending, "marking a roll-up");
}

static uint32_t
pair_hash(const struct flow_key *k)
{
	uint64_t a, b, c, d;

	memcpy(&a, k->src, 8);
	memcpy(&b, k->src + 8, 8);
	memcpy(&c, k->dst, 8);
	memcpy(&d, k->dst + 8, 8);
	a = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
	c = (c ^ (d * 0x9e3779b97f4a7c15ULL)) * 0xc4ceb9fe1a85ec53ULL;
	a ^= (c >> 29) ^ c ^ k->ipver;
	a *= 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(a >> 32);
}

/* The order of the pairs table's key. */
static int
pair_cmp(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;

	return flow_key_addr_cmp(a->key, b->key);
}

/* Point an empty index of nslots (a power of two) at the np pairs. */
static void
pairs_index(struct store *st, size_t np)
{
	size_t i, h, mask = st->nslots - 1;

	memset(st->slots, 0, st->nslots * sizeof(*st->slots));	/* 0: empty */
	for (i = 0; i < np; i++) {
		for (h = pair_hash(st->pairs[i].key) & mask; st->slots[h] != 0;
		    h = (h + 1) & mask)
			;
		st->slots[h] = (uint32_t)(i + 1);
	}
}

/*
 * Room for pair number np: the array and the index (at most half full)
 * grow by doubling, sized by the pairs found, not by the edges (real
 * traffic has tens to hundreds of edges a pair).  0 or -1.
 */
static int
pairs_grow(struct store *st, size_t np)
{
	if (np >= st->pairs_cap) {
		size_t cap = st->pairs_cap == 0 ? 64 : 2 * st->pairs_cap;
		struct pair *p = reallocarray(st->pairs, cap, sizeof(*p));

		if (p == NULL)
			return -1;
		st->pairs = p;
		st->pairs_cap = cap;
	}
	if ((np + 1) * 2 > st->nslots) {
		size_t ns = st->nslots == 0 ? 128 : 2 * st->nslots;
		uint32_t *sl;

		if (ns > UINT32_MAX ||
		    (sl = reallocarray(st->slots, ns, sizeof(*sl))) == NULL)
			return -1;
		st->slots = sl;
		st->nslots = ns;
		pairs_index(st, np);
	}
	return 0;
}

/* What fold_pairs holds, given back after each window. */
static void
pairs_release(struct store *st)
{
	free(st->pairs);
	free(st->slots);
	st->pairs = NULL;
	st->slots = NULL;
	st->pairs_cap = st->nslots = 0;
}

/*
 * Fold the edges of ft per address pair into st->pairs, sorted in the
 * table's key order.  Returns the number of pairs, or -1 when out of
 * memory.  The keys point into ft, valid until it changes.
 */
static long
fold_pairs(struct store *st, const struct flowtable *ft)
{
	size_t n = flowtable_count(ft), np = 0, i, h;

	if (st->nslots > 0)
		memset(st->slots, 0, st->nslots * sizeof(*st->slots));
	for (i = 0; i < n; i++) {
		const struct flow_entry *fe = flowtable_entry(ft, i);
		struct pair *p = NULL;

		/* sorted: the same pair as the last edge's, most often */
		if (np > 0 && st->pairs[np - 1].key->ipver == fe->key.ipver &&
		    memcmp(st->pairs[np - 1].key->src, fe->key.src, 16) == 0 &&
		    memcmp(st->pairs[np - 1].key->dst, fe->key.dst, 16) == 0)
			p = &st->pairs[np - 1];
		else if (st->nslots > 0) {
			for (h = pair_hash(&fe->key) & (st->nslots - 1);
			    st->slots[h] != 0; h = (h + 1) & (st->nslots - 1)) {
				p = &st->pairs[st->slots[h] - 1];
				if (p->key->ipver == fe->key.ipver &&
				    memcmp(p->key->src, fe->key.src, 16) == 0 &&
				    memcmp(p->key->dst, fe->key.dst, 16) == 0)
					break;
				p = NULL;
			}
		}
		if (p == NULL) {
			if (pairs_grow(st, np) < 0)
				return -1;
			for (h = pair_hash(&fe->key) & (st->nslots - 1);
			    st->slots[h] != 0; h = (h + 1) & (st->nslots - 1))
				;
			p = &st->pairs[np++];
			st->slots[h] = (uint32_t)np;
			p->key = &fe->key;
			p->packets = p->bytes = 0;
			p->first_us = fe->first_us;
			p->last_us = fe->last_us;
		}
		p->packets += fe->packets;
		p->bytes += fe->bytes;
		if (fe->first_us < p->first_us)
			p->first_us = fe->first_us;
		if (fe->last_us > p->last_us)
			p->last_us = fe->last_us;
	}
	if (np > 1)
		qsort(st->pairs, np, sizeof(*st->pairs), pair_cmp);
	return (long)np;
}

/*
 * Keep new first-seen key k (with the window's first time of it) for
 * store_first_seen_list; 0 or -1.  Only when a caller wants the list
 * (store_keep_first_seen_list): an import has no use for it, and a window
 * of new edges would otherwise list every one of them.
 */
static int
first_seen_note(struct store *st, const struct flow_key *k, int64_t first_us)
{
	struct first_seen_row *r;
	size_t cap;

	if (!st->first_keep)
		return 0;
	if (st->first_new >= st->first_list_cap) {
		cap = st->first_list_cap == 0 ? 64 : 2 * st->first_list_cap;
		if ((r = reallocarray(st->first_list, cap, sizeof(*r))) ==
		    NULL) {
			snprintf(st->err, sizeof(st->err), "%s: out of memory "
			    "listing new edges", st->path);
			return -1;
		}
		st->first_list = r;
		st->first_list_cap = cap;
	}
	r = &st->first_list[st->first_new];
	memset(r, 0, sizeof(*r));
	r->first_us = first_us;
	r->sensor = NULL;
	r->ipver = k->ipver;
	r->proto = k->proto;
	memcpy(r->src, k->src, 16);
	memcpy(r->dst, k->dst, 16);
	r->dport = k->dport;
	return 0;
}

void
store_keep_first_seen_list(struct store *st, int keep)
{
	st->first_keep = keep != 0;
}

const struct first_seen_row *
store_first_seen_list(const struct store *st, size_t *n)
{
	*n = st->first_keep ? (size_t)st->first_new : 0;
	return st->first_keep ? st->first_list : NULL;
}

/* Destination ports of one address pair, by port. */
static int
port_cmp(const void *pa, const void *pb)
{
	const struct fs_port *a = pa, *b = pb;

	return (int)a->dport - (int)b->dport;
}

/* Same protocol and addresses: one run of the sorted window. */
static int
same_pair(const struct flow_key *a, const struct flow_key *b)
{
	return a->proto == b->proto && a->ipver == b->ipver &&
	    memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

/* The overflow edge (unspecified addresses and ports) is no edge. */
static int
no_edge(const struct flow_key *k)
{
	static const uint8_t zero16[16];

	return (k->ipver != 4 && k->ipver != 6) ||
	    (memcmp(k->src, zero16, sizeof(zero16)) == 0 &&
	    memcmp(k->dst, zero16, sizeof(zero16)) == 0 &&
	    k->sport == 0 && k->dport == 0);
}

/*
 * Record one first-seen key k first seen at first_us in this window:
 * insert it, or when it is there, lower its time if this is earlier.  An
 * existing row can be later only when some row is (stored_max): most
 * windows come in time order, and then one statement a key is enough.
 * Counts a new key in st->first_new.  0 or -1.
 */
static int
first_seen_key(struct store *st, const struct flow_key *k, int64_t first_us,
    int64_t stored_max)
{
	sqlite3_stmt *ins = st->ins_first, *upd = st->upd_first;
	int alen = k->ipver == 6 ? 16 : 4;

	sqlite3_bind_int(ins, 2, k->proto);
	sqlite3_bind_blob(ins, 3, k->src, alen, SQLITE_STATIC);
	sqlite3_bind_blob(ins, 4, k->dst, alen, SQLITE_STATIC);
	sqlite3_bind_int(ins, 5, k->dport);
	sqlite3_bind_int64(ins, 6, first_us);
	if (step_done(st, ins, "recording a first-seen edge") < 0)
		return -1;
	if (sqlite3_changes(st->db) > 0) {
		if (first_seen_note(st, k, first_us) < 0)
			return -1;
		st->first_new++;
		return 0;
	}
	if (first_us >= stored_max)
		return 0;
	sqlite3_bind_int(upd, 2, k->proto);
	sqlite3_bind_blob(upd, 3, k->src, alen, SQLITE_STATIC);
	sqlite3_bind_blob(upd, 4, k->dst, alen, SQLITE_STATIC);
	sqlite3_bind_int(upd, 5, k->dport);
	sqlite3_bind_int64(upd, 6, first_us);
	return step_done(st, upd, "recording a first-seen edge");
}

/* The latest first time stored (INT64_MIN: none); 0 or -1. */
static int
first_seen_latest(struct store *st, int64_t *latest)
{
	int rc = sqlite3_step(st->max_first);

	*latest = INT64_MIN;
	if (rc == SQLITE_ROW &&
	    sqlite3_column_type(st->max_first, 0) != SQLITE_NULL)
		*latest = sqlite3_column_int64(st->max_first, 0);
	sqlite3_reset(st->max_first);
	if (rc != SQLITE_ROW) {
		set_err(st, "reading the latest first-seen time");
		return -1;
	}
	return 0;
}

/*
 * Gather the run of the sorted edges of ft that starts at edge i (one
 * protocol and address pair) by destination port: st->ports[0..*m) are
 * its first-seen keys' ports, ascending, each with its earliest time;
 * *j is the run's end.  The overflow edge is left out.  0, or -1 when out
 * of memory.
 */
static int
keys_gather(struct store *st, const struct flowtable *ft, size_t i,
    size_t *j, size_t *m)
{
	const struct flow_key *key = &flowtable_entry(ft, i)->key;
	size_t n = flowtable_count(ft), e, k, d;

	for (e = i + 1; e < n && same_pair(key, &flowtable_entry(ft, e)->key);
	    e++)
		;
	if (e - i > st->ports_cap) {
		struct fs_port *p;

		if ((p = reallocarray(st->ports, e - i, sizeof(*p))) == NULL)
			return -1;
		st->ports = p;
		st->ports_cap = e - i;
	}
	for (d = 0, k = i; k < e; k++) {
		const struct flow_entry *fe = flowtable_entry(ft, k);

		if (no_edge(&fe->key))
			continue;
		st->ports[d].dport = fe->key.dport;
		st->ports[d].first_us = fe->first_us;
		d++;
	}
	if (d > 1)
		qsort(st->ports, d, sizeof(*st->ports), port_cmp);
	/* one entry a port, with the earliest time */
	for (k = 0, *m = 0; k < d; k++) {
		if (*m > 0 && st->ports[*m - 1].dport == st->ports[k].dport) {
			if (st->ports[k].first_us < st->ports[*m - 1].first_us)
				st->ports[*m - 1].first_us =
				    st->ports[k].first_us;
			continue;
		}
		st->ports[(*m)++] = st->ports[k];
	}
	*j = e;
	return 0;
}

/*
 * The window being written, read by SQLite as two tables, so that its
 * rows go in with one INSERT ... SELECT each rather than a statement a
 * row: window_edges (the flow table's edges in key order, times as
 * offsets from the window start) and window_keys (its first-seen keys,
 * see keys_gather).  A statement a row paid for binding, a VDBE start
 * and halt, and a B-tree seek from the root every time; one statement
 * keeps its cursor, and in key order each row lands beside the last.
 * Eponymous and read-only, registered on the write connection only; they
 * are empty unless store_write_window has set st->vt_ft.
 */
enum { WE_PROTO, WE_SRC, WE_DST, WE_SPORT, WE_DPORT, WE_PACKETS, WE_BYTES,
    WE_FIRST, WE_LAST, WE_FLAGS };
enum { WK_PROTO, WK_SRC, WK_DST, WK_DPORT, WK_FIRST };

struct wv_table {
	sqlite3_vtab	 base;
	struct store	*st;
	int		 kind;		/* VT_* */
};

struct wv_cursor {
	sqlite3_vtab_cursor	 base;
	struct store		*st;
	int			 kind;		/* VT_* */
	size_t			 i;	/* edge (window_keys: run start) */
	size_t			 j;	/* window_keys: run end */
	size_t			 k, m;	/* window_keys: port k of m */
};

static int
vt_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
    sqlite3_vtab **vt, char **err)
{
	struct wv_table *t;
	int kind, rc;

	(void)argc;
	(void)err;
	for (kind = 0; strcmp(argv[0], vt_tables[kind].name) != 0; kind++)
		if (kind + 1 == (int)(sizeof(vt_tables) /
		    sizeof(vt_tables[0])))
			return SQLITE_ERROR;
	if ((rc = sqlite3_declare_vtab(db, vt_tables[kind].columns)) !=
	    SQLITE_OK)
		return rc;
	/* not from a trigger or view a database file might bring */
	sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
	if ((t = sqlite3_malloc(sizeof(*t))) == NULL)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	t->st = aux;
	t->kind = kind;
	*vt = &t->base;
	return SQLITE_OK;
}

static int
wv_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

/* A plain scan is all these tables offer. */
static int
wv_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	info->estimatedCost = 1e6;
	return SQLITE_OK;
}

static int
wv_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **cur)
{
	struct wv_table *t = (struct wv_table *)vt;
	struct wv_cursor *c;

	if ((c = sqlite3_malloc(sizeof(*c))) == NULL)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	c->st = t->st;
	c->kind = t->kind;
	*cur = &c->base;
	return SQLITE_OK;
}

static int
wv_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(cur);
	return SQLITE_OK;
}

static size_t
wv_count(const struct wv_cursor *c)
{
	return c->st->vt_ft != NULL ? flowtable_count(c->st->vt_ft) : 0;
}

/* window_keys: the first key of the run at c->i or a later one. */
static int
wv_keys_fill(struct wv_cursor *c)
{
	for (; c->i < wv_count(c); c->i = c->j) {
		if (keys_gather(c->st, c->st->vt_ft, c->i, &c->j, &c->m) < 0)
			return SQLITE_NOMEM;
		c->k = 0;
		if (c->m > 0)
			break;
	}
	return SQLITE_OK;
}

static int
wv_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxs, int argc,
    sqlite3_value **argv)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;

	(void)idx;
	(void)idxs;
	(void)argc;
	(void)argv;
	c->i = c->j = c->k = c->m = 0;
	/* a table freed as it was read cannot be read again */
	if (c->st->vt_ft != NULL && flowtable_released(c->st->vt_ft))
		return SQLITE_MISUSE;
	return c->kind == VT_KEYS ? wv_keys_fill(c) : SQLITE_OK;
}

static int
wv_next(sqlite3_vtab_cursor *cur)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;

	if (c->kind != VT_KEYS) {
		c->i++;
		if (c->st->vt_free != NULL && (c->i & (FLOWTABLE_BLOCK - 1)) == 0)
			flowtable_release_front(c->st->vt_free, c->i);
		return SQLITE_OK;
	}
	if (++c->k < c->m)
		return SQLITE_OK;
	c->i = c->j;
	return wv_keys_fill(c);
}

static int
wv_eof(sqlite3_vtab_cursor *cur)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;

	return c->i >= wv_count(c);
}

static int
wv_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;
	const struct flow_entry *fe = flowtable_entry(c->st->vt_ft, c->i);
	int alen = fe->key.ipver == 6 ? 16 : 4;
	int64_t base = c->st->vt_base_us;

	if (c->kind == VT_KEYS) {
		switch (col) {
		case WK_PROTO:
			sqlite3_result_int(ctx, fe->key.proto);
			break;
		case WK_SRC:
			sqlite3_result_blob(ctx, fe->key.src, alen,
			    SQLITE_STATIC);
			break;
		case WK_DST:
			sqlite3_result_blob(ctx, fe->key.dst, alen,
			    SQLITE_STATIC);
			break;
		case WK_DPORT:
			sqlite3_result_int(ctx, c->st->ports[c->k].dport);
			break;
		default:
			sqlite3_result_int64(ctx, c->st->ports[c->k].first_us);
			break;
		}
		return SQLITE_OK;
	}
	switch (col) {
	case WE_PROTO:
		sqlite3_result_int(ctx, fe->key.proto);
		break;
	case WE_SRC:
		sqlite3_result_blob(ctx, fe->key.src, alen, SQLITE_STATIC);
		break;
	case WE_DST:
		sqlite3_result_blob(ctx, fe->key.dst, alen, SQLITE_STATIC);
		break;
	case WE_SPORT:
		sqlite3_result_int(ctx, fe->key.sport);
		break;
	case WE_DPORT:
		sqlite3_result_int(ctx, fe->key.dport);
		break;
	case WE_PACKETS:
		sqlite3_result_int64(ctx, (sqlite3_int64)fe->packets);
		break;
	case WE_BYTES:
		sqlite3_result_int64(ctx, (sqlite3_int64)fe->bytes);
		break;
	case WE_FIRST:
		sqlite3_result_int64(ctx, fe->first_us - base);
		break;
	case WE_LAST:
		sqlite3_result_int64(ctx, fe->last_us - base);
		break;
	default:
		sqlite3_result_int(ctx, fe->tcp_flags);
		break;
	}
	return SQLITE_OK;
}

static int
wv_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;

	*rowid = (sqlite3_int64)(c->i * 65536 + c->k);
	return SQLITE_OK;
}

static const sqlite3_module wv_module = {
	.iVersion = 1,
	.xCreate = NULL,		/* eponymous only */
	.xConnect = vt_connect,
	.xBestIndex = wv_best_index,
	.xDisconnect = wv_disconnect,
	.xOpen = wv_open,
	.xClose = wv_close,
	.xFilter = wv_filter,
	.xNext = wv_next,
	.xEof = wv_eof,
	.xColumn = wv_column,
	.xRowid = wv_rowid,
};

/*
 * The packet events and the names being written, read by SQLite as
 * tables for the reason window_edges is: a second's events, or a
 * window's names, go in with one INSERT ... SELECT, and no row has a
 * statement of its own.  batch_events is the events of st->ev_batch
 * whose id in st->ev_key is not -1, in that order, which is the order of
 * their ids (see store_write_events), so each row lands after the last;
 * batch_names is the rows of st->nm_batch.  Empty unless
 * store_write_events or store_write_names has set them.  The cursor is a
 * wv_cursor.
 */
enum { BE_ID, BE_TS, BE_PROTO, BE_SRC, BE_DST, BE_SPORT, BE_DPORT,
    BE_LENGTH, BE_FLAGS, BE_SEQ, BE_ACK, BE_IPID, BE_IPLEN, BE_PAYLOAD };
enum { BN_TS, BN_CLIENT, BN_ADDR, BN_NAME, BN_TTL, BN_SOURCE };

/* The first event at or after c->i that goes in set-wise. */
static void
be_skip(struct wv_cursor *c)
{
	const struct store *st = c->st;

	while (c->kind == VT_EVENTS && st->ev_batch != NULL && c->i < st->ev_n &&
	    st->ev_key[c->i] < 0)
		c->i++;
}

static int
be_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxs, int argc,
    sqlite3_value **argv)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;

	(void)idx;
	(void)idxs;
	(void)argc;
	(void)argv;
	c->i = 0;
	be_skip(c);
	return SQLITE_OK;
}

static int
be_next(sqlite3_vtab_cursor *cur)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;

	c->i++;
	be_skip(c);
	return SQLITE_OK;
}

static int
be_eof(sqlite3_vtab_cursor *cur)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;

	if (c->kind == VT_NAMES)
		return c->st->nm_batch == NULL || c->i >= c->st->nm_n;
	return c->st->ev_batch == NULL || c->i >= c->st->ev_n;
}

static void
bn_column(const struct name_row *r, sqlite3_context *ctx, int col)
{
	switch (col) {
	case BN_TS:
		sqlite3_result_int64(ctx, r->ts_us);
		break;
	case BN_CLIENT:
		sqlite3_result_blob(ctx, r->client, r->cver == 6 ? 16 : 4,
		    SQLITE_STATIC);
		break;
	case BN_ADDR:
		sqlite3_result_blob(ctx, r->addr, r->ver == 6 ? 16 : 4,
		    SQLITE_STATIC);
		break;
	case BN_NAME:
		sqlite3_result_text(ctx, r->name, -1, SQLITE_STATIC);
		break;
	case BN_TTL:
		sqlite3_result_int64(ctx, r->ttl);
		break;
	default:
		sqlite3_result_text(ctx, r->source, -1, SQLITE_STATIC);
		break;
	}
}

static int
be_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct wv_cursor *c = (struct wv_cursor *)cur;
	const struct packet *e;
	int alen;

	if (c->kind == VT_NAMES) {
		bn_column(&c->st->nm_batch[c->i], ctx, col);
		return SQLITE_OK;
	}
	e = &c->st->ev_batch[c->i];
	alen = e->ipver == 6 ? 16 : 4;
	switch (col) {
	case BE_ID:
		sqlite3_result_int64(ctx, c->st->ev_key[c->i]);
		break;
	case BE_TS:
		sqlite3_result_int64(ctx, e->ts_us);
		break;
	case BE_PROTO:
		sqlite3_result_int(ctx, e->proto);
		break;
	case BE_SRC:
		sqlite3_result_blob(ctx, e->src, alen, SQLITE_STATIC);
		break;
	case BE_DST:
		sqlite3_result_blob(ctx, e->dst, alen, SQLITE_STATIC);
		break;
	case BE_SPORT:
		sqlite3_result_int(ctx, e->sport);
		break;
	case BE_DPORT:
		sqlite3_result_int(ctx, e->dport);
		break;
	case BE_LENGTH:
		sqlite3_result_int64(ctx, e->wirelen);
		break;
	case BE_FLAGS:
		sqlite3_result_int(ctx, e->tcp_flags);
		break;
	case BE_SEQ:
		sqlite3_result_int64(ctx, e->tcp_seq);
		break;
	case BE_ACK:
		sqlite3_result_int64(ctx, e->tcp_ack);
		break;
	case BE_IPID:
		sqlite3_result_int64(ctx, e->ip_id);
		break;
	case BE_IPLEN:
		sqlite3_result_int64(ctx, e->ip_len);
		break;
	default:
		sqlite3_result_int64(ctx, e->l4_len);
		break;
	}
	return SQLITE_OK;
}

static const sqlite3_module be_module = {
	.iVersion = 1,
	.xCreate = NULL,		/* eponymous only */
	.xConnect = vt_connect,
	.xBestIndex = wv_best_index,
	.xDisconnect = wv_disconnect,
	.xOpen = wv_open,
	.xClose = wv_close,
	.xFilter = be_filter,
	.xNext = be_next,
	.xEof = be_eof,
	.xColumn = be_column,
	.xRowid = wv_rowid,		/* k is 0: the row's index */
};

/*
 * Record the first time of every key of ft (sorted) not seen before
 * under sensor sid, or an earlier one (a late window); count the new ones
 * in st->first_new; then drop the oldest beyond st->first_max.  Inside the
 * window's transaction.  0 or -1.
 *
 * The key leaves out the source port, so one address pair's edges to a
 * port (a client's many connections) are one key, written once with the
 * earliest time of the window, in the table's key order (window_keys).
 * A statement per edge instead (and a second one for every key already
 * there) cost 2.6 statements an edge row.  Most windows come in time
 * order: when no stored first time is later than the window's keys, an
 * existing row is never lowered and INSERT OR IGNORE ... SELECT is the
 * whole work; a late window goes key by key (first_seen_key).
 */
static int
first_seen_window(struct store *st, int64_t sid, const struct flowtable *ft)
{
	sqlite3_stmt *del = NULL, *s;
	size_t i, j, k, m, n = flowtable_count(ft);
	int64_t latest;
	int rc, late = 0;

	if (first_seen_latest(st, &latest) < 0)
		return -1;
	for (i = 0; i < n && !late; i++)
		late = flowtable_entry(ft, i)->first_us < latest &&
		    !no_edge(&flowtable_entry(ft, i)->key);
	if (!late) {
		s = st->first_keep ? st->ins_first_list : st->ins_first_all;
		sqlite3_bind_int64(s, 1, sid);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			struct flow_key key;
			int len = sqlite3_column_bytes(s, 1);

			memset(&key, 0, sizeof(key));
			key.ipver = len == 16 ? 6 : 4;
			key.proto = (uint8_t)sqlite3_column_int(s, 0);
			memcpy(key.src, sqlite3_column_blob(s, 1), len);
			memcpy(key.dst, sqlite3_column_blob(s, 2), len);
			key.dport = (uint16_t)sqlite3_column_int(s, 3);
			if (first_seen_note(st, &key,
			    sqlite3_column_int64(s, 4)) < 0) {
				sqlite3_reset(s);
				return -1;
			}
			st->first_new++;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			set_err(st, "recording first-seen edges");
			return -1;
		}
		if (!st->first_keep)
			st->first_new = (uint64_t)sqlite3_changes(st->db);
	} else {
		sqlite3_bind_int64(st->ins_first, 1, sid);
		sqlite3_bind_int64(st->upd_first, 1, sid);
		for (i = 0; i < n; i = j) {
			struct flow_key key = flowtable_entry(ft, i)->key;

			if (keys_gather(st, ft, i, &j, &m) < 0) {
				snprintf(st->err, sizeof(st->err), "%s: out of "
				    "memory gathering first-seen edges",
				    st->path);
				return -1;
			}
			for (k = 0; k < m; k++) {
				key.dport = st->ports[k].dport;
				if (first_seen_key(st, &key,
				    st->ports[k].first_us, latest) < 0)
					return -1;
			}
		}
	}
	st->first_rows += st->first_new;
	if (st->first_max == 0 || st->first_rows <= st->first_max)
		return 0;
	/* another writer may have added rows too: count, then trim */
	if (first_seen_count(st) < 0)
		return -1;
	if (st->first_rows <= st->first_max)
		return 0;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM first_seen WHERE"
	    " (sensor_id, proto, src, dst, dport) IN (SELECT sensor_id, proto,"
	    " src, dst, dport FROM first_seen ORDER BY first_us LIMIT ?1)", -1,
	    &del, NULL) != SQLITE_OK) {
		set_err(st, "dropping the oldest first-seen edges");
		return -1;
	}
	sqlite3_bind_int64(del, 1, (sqlite3_int64)(st->first_rows -
	    st->first_max));
	rc = sqlite3_step(del);
	sqlite3_finalize(del);
	if (rc != SQLITE_DONE) {
		set_err(st, "dropping the oldest first-seen edges");
		return -1;
	}
	st->first_dropped = (uint64_t)sqlite3_changes(st->db);
	st->first_rows -= (uint64_t)sqlite3_changes(st->db);
	return 0;
}

void
store_set_first_seen_max(struct store *st, uint64_t max)
{
	st->first_max = max;
}

uint64_t
store_first_seen_new(const struct store *st)
{
	return st->first_new;
}

uint64_t
store_first_seen_dropped(const struct store *st)
{
	return st->first_dropped;
}

int
store_first_seen(struct store *st, const char *sensor, int64_t from_us,
    int64_t to_us, int (*cb)(const struct first_seen_row *, void *),
    void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	struct first_seen_row r;
	int rc, stop = 0;
	const void *b;
	int len;

	if (sqlite3_prepare_v2(st->db, "SELECT f.first_us, s.name, f.proto,"
	    " f.src, f.dst, f.dport FROM first_seen f"
	    " JOIN sensors s ON s.id = f.sensor_id"
	    " WHERE f.first_us BETWEEN ?1 AND ?2"
	    " AND (?3 IS NULL OR s.name = ?3)"
	    " ORDER BY f.first_us, s.name, f.proto, f.src, f.dst, f.dport",
	    -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: reading first-seen edges: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_bind_int64(s, 1, from_us);
	sqlite3_bind_int64(s, 2, to_us);
	if (sensor != NULL)
		sqlite3_bind_text(s, 3, sensor, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.first_us = sqlite3_column_int64(s, 0);
		r.sensor = (const char *)sqlite3_column_text(s, 1);
		r.proto = (unsigned)sqlite3_column_int(s, 2);
		len = sqlite3_column_bytes(s, 3);
		b = sqlite3_column_blob(s, 3);
		if ((len != 4 && len != 16) || b == NULL ||
		    sqlite3_column_bytes(s, 4) != len ||
		    sqlite3_column_blob(s, 4) == NULL)
			continue;	/* a damaged row */
		r.ipver = len == 4 ? 4 : 6;
		memcpy(r.src, b, (size_t)len);
		memcpy(r.dst, sqlite3_column_blob(s, 4), (size_t)len);
		r.dport = (unsigned)sqlite3_column_int(s, 5);
		stop = cb(&r, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: reading first-seen edges: %s",
		    st->path, sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* Count window ?1's edge and address-pair rows into windows.rows. */
#define ROWS_RECOUNT \
	"UPDATE windows SET rows =" \
	" (SELECT count(*) FROM edges WHERE window_id = ?1) +" \
	" (SELECT count(*) FROM pairs WHERE window_id = ?1) WHERE id = ?1"

static int	exec_bound(struct store *, const char *, const int64_t *, int);

/*
 * Give back what a window write gathered (its pairs and ports), so that
 * memory between windows is not sized by the largest window yet seen.
 * Allocating them again costs a few reallocs a window, nothing beside
 * the rows' statements.
 */
static void
window_release(struct store *st)
{
	st->vt_ft = NULL;
	pairs_release(st);
	free(st->ports);
	st->ports = NULL;
	st->ports_cap = 0;
}

void
store_free_as_written(struct store *st, int on)
{
	st->free_written = on;
}

int
store_write_window(struct store *st, const char *sensor, int tier,
    int64_t start_s, unsigned seconds, const struct window_stats *ws,
    struct flowtable *ft)
{
	sqlite3_stmt *w = st->ins_window, *e = st->ins_edge, *p = st->ins_pair;
	int64_t sid, wid, had, v[2], base_us = start_s * 1000000;
	size_t i, n;
	long np;
	int rc;

	st->first_new = st->first_dropped = 0;
	/* the last window's list was valid until now */
	free(st->first_list);
	st->first_list = NULL;
	st->first_list_cap = 0;
	if (exec(st, "BEGIN IMMEDIATE", "starting a window transaction") < 0)
		return -1;
	if (sensor_id(st, sensor, &sid) < 0)
		goto fail;
	sqlite3_bind_int64(w, 1, sid);
	sqlite3_bind_int(w, 2, tier);
	sqlite3_bind_int(w, 3, (int)seconds);
	sqlite3_bind_int64(w, 4, start_s);
	sqlite3_bind_int64(w, 5, (sqlite3_int64)ws->frames);
	sqlite3_bind_int64(w, 6, (sqlite3_int64)ws->bytes);
	sqlite3_bind_int64(w, 7, (sqlite3_int64)ws->undecoded);
	sqlite3_bind_int64(w, 8, (sqlite3_int64)ws->cap_recv);
	sqlite3_bind_int64(w, 9, (sqlite3_int64)ws->cap_drop);
	sqlite3_bind_int64(w, 10, (sqlite3_int64)ws->cap_ifdrop);
	sqlite3_bind_int64(w, 11, (sqlite3_int64)ws->overflow);
	rc = sqlite3_step(w);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(w);
		set_err(st, "writing a window");
		goto fail;
	}
	wid = sqlite3_column_int64(w, 0);
	had = sqlite3_column_int64(w, 1);	/* rows before: 0 when new */
	/* RETURNING: step to the end so the upsert is complete */
	while ((rc = sqlite3_step(w)) == SQLITE_ROW)
		;
	sqlite3_reset(w);
	if (rc != SQLITE_DONE) {
		set_err(st, "writing a window");
		goto fail;
	}

	/* Key order makes the inserts appends to the table's B-tree. */
	flowtable_sort(ft);
	n = flowtable_count(ft);
	st->vt_ft = ft;
	st->vt_base_us = base_us;
	if (tier == STORE_TIER_RAW && first_seen_window(st, sid, ft) < 0)
		goto fail;
	if ((np = fold_pairs(st, ft)) < 0) {
		snprintf(st->err, sizeof(st->err), "%s: out of memory folding "
		    "address pairs", st->path);
		goto fail;
	}
	sqlite3_bind_int64(p, 1, wid);
	for (i = 0; i < (size_t)np; i++) {
		const struct pair *pr = &st->pairs[i];
		int alen = pr->key->ipver == 6 ? 16 : 4;

		sqlite3_bind_blob(p, 2, pr->key->src, alen, SQLITE_STATIC);
		sqlite3_bind_blob(p, 3, pr->key->dst, alen, SQLITE_STATIC);
		sqlite3_bind_int64(p, 4, (sqlite3_int64)pr->packets);
		sqlite3_bind_int64(p, 5, (sqlite3_int64)pr->bytes);
		sqlite3_bind_int64(p, 6, pr->first_us - base_us);
		sqlite3_bind_int64(p, 7, pr->last_us - base_us);
		if (step_done(st, p, "writing an address pair") < 0)
			goto fail;
	}
	/* the edges last: the table may be freed as they are read */
	if (st->free_written)
		st->vt_free = ft;
	sqlite3_bind_int64(e, 1, wid);
	rc = step_done(st, e, "writing the edges");
	st->vt_free = NULL;
	if (rc < 0)
		goto fail;
	/*
	 * Its rows: what was written, unless rows were there before (an
	 * import adding to a window), some of which these updated.
	 */
	v[0] = wid;
	v[1] = (int64_t)n + np;
	if (exec_bound(st, had == 0 ? "UPDATE windows SET rows = ?2 WHERE"
	    " id = ?1" : ROWS_RECOUNT, v, had == 0 ? 2 : 1) < 0)
		goto fail;
	if (tier == STORE_TIER_RAW &&
	    mark_pending(st, sid, STORE_TIER_HOUR, start_s) < 0)
		goto fail;
	if (exec(st, "COMMIT", "committing a window") < 0)
		goto fail;
	window_release(st);
	if (st->sensor_name == NULL || strcmp(st->sensor_name, sensor) != 0) {
		free(st->sensor_name);
		st->sensor_name = strdup(sensor);
	}
	st->sensor_id = sid;
	return 0;
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	window_release(st);
	return -1;
}

/*
 * Run one write statement with parameters bound to ?1, ?2...: kinds
 * gives one letter each, 't' a string, 'i' an int64_t.  Returns 0, or -1
 * (the caller names the step in the error).
 */
static int
exec_args(struct store *st, const char *sql, const char *kinds, ...)
{
	sqlite3_stmt *s = NULL;
	va_list ap;
	int i, rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	va_start(ap, kinds);
	for (i = 0; kinds[i] != '\0'; i++)
		if (kinds[i] == 't')
			sqlite3_bind_text(s, i + 1, va_arg(ap, const char *), -1,
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
	va_end(ap);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The same with integer parameters v[0..nv-1] (nv at most 5). */
static int
exec_bound(struct store *st, const char *sql, const int64_t *v, int nv)
{
	static const char *const kinds[] = { "", "i", "ii", "iii", "iiii",
	    "iiiii" };

	return exec_args(st, sql, kinds[nv], nv > 0 ? v[0] : 0,
	    nv > 1 ? v[1] : 0, nv > 2 ? v[2] : 0, nv > 3 ? v[3] : 0,
	    nv > 4 ? v[4] : 0);
}

int
store_import_begin(struct store *st, const char *digest, const char *path,
    int force, struct import_record *prev)
{
	sqlite3_stmt *s = NULL;
	char now[TIMEFMT_ISO_LEN];
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT status, path, started FROM "
	    "imports WHERE digest = ?1", -1, &s, NULL) != SQLITE_OK) {
		set_err(st, "reading imports");
		return -1;
	}
	sqlite3_bind_text(s, 1, digest, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && !force) {
		snprintf(prev->status, sizeof(prev->status), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		snprintf(prev->path, sizeof(prev->path), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		snprintf(prev->when, sizeof(prev->when), "%s",
		    (const char *)sqlite3_column_text(s, 2));
		sqlite3_finalize(s);
		return 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		set_err(st, "reading imports");
		return -1;
	}
	timefmt_iso(timefmt_now(), now);
	if (exec_args(st, "INSERT OR REPLACE INTO imports (digest, path, "
	    "status, started) VALUES (?1, ?2, 'running', ?3)", "ttt", digest,
	    path, now) < 0) {
		set_err(st, "recording the import");
		return -1;
	}
	return 0;
}

int
store_import_end(struct store *st, const char *digest, const char *status,
    uint64_t frames)
{
	char now[TIMEFMT_ISO_LEN];

	timefmt_iso(timefmt_now(), now);
	if (exec_args(st, "UPDATE imports SET status = ?2, frames = ?3, "
	    "finished = ?4 WHERE digest = ?1", "ttit", digest, status,
	    (int64_t)frames, now) < 0) {
		set_err(st, "recording the import");
		return -1;
	}
	return 0;
}

static int
store_column_addr(struct sqlite3_stmt *s, int col, uint8_t *out)
{
	int n = sqlite3_column_bytes(s, col);
	const void *p = sqlite3_column_blob(s, col);

	memset(out, 0, 16);
	if (p == NULL || (n != 4 && n != 16))
		return 0;
	memcpy(out, p, (size_t)n);
	return n == 16 ? 6 : 4;
}

/*
 * Recompute one roll-up window (tier to, length len, at start) from the
 * windows of tier from inside it, in one transaction: its counters, its
 * edges and its address pairs.
 */
static int
rollup_one(struct store *st, int64_t sensor_id, int from, int to,
    int64_t len, int64_t start)
{
	sqlite3_stmt *s = NULL;
	int64_t v[5];
	int rc;

	if (exec(st, "BEGIN IMMEDIATE", "starting a roll-up") < 0)
		return -1;
	rc = sqlite3_prepare_v2(st->db,
	    "INSERT INTO windows (sensor_id, tier, seconds, start, frames,"
	    " bytes, undecoded, cap_recv, cap_drop, cap_ifdrop, overflow)"
	    " SELECT ?1, ?3, ?4, ?5, coalesce(sum(frames), 0),"
	    " coalesce(sum(bytes), 0), coalesce(sum(undecoded), 0),"
	    " coalesce(sum(cap_recv), 0), coalesce(sum(cap_drop), 0),"
	    " coalesce(sum(cap_ifdrop), 0), coalesce(sum(overflow), 0)"
	    " FROM windows WHERE sensor_id = ?1 AND tier = ?2"
	    " AND start >= ?5 AND start < ?5 + ?4"
	    " ON CONFLICT (sensor_id, tier, seconds, start) DO UPDATE SET"
	    " frames = excluded.frames, bytes = excluded.bytes,"
	    " undecoded = excluded.undecoded, cap_recv = excluded.cap_recv,"
	    " cap_drop = excluded.cap_drop, cap_ifdrop = excluded.cap_ifdrop,"
	    " overflow = excluded.overflow"
	    " RETURNING id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(s, 1, sensor_id);
	sqlite3_bind_int(s, 2, from);
	sqlite3_bind_int(s, 3, to);
	sqlite3_bind_int64(s, 4, len);
	sqlite3_bind_int64(s, 5, start);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	/* ?1 roll-up window, ?2 its start, ?3 sensor, ?4 tier read, ?5 len */
	v[0] = sqlite3_column_int64(s, 0);
	v[1] = start;
	v[2] = sensor_id;
	v[3] = from;
	v[4] = len;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_DONE ||
	    exec_bound(st, "DELETE FROM edges WHERE window_id = ?1", v, 1) < 0 ||
	    exec_bound(st, "DELETE FROM pairs WHERE window_id = ?1", v, 1) < 0 ||
	    exec_bound(st,
	    "INSERT INTO edges (window_id, proto, src, dst, sport, dport,"
	    " packets, bytes, first_us, last_us, tcp_flags)"
	    " SELECT ?1, e.proto, e.src, e.dst, e.sport, e.dport,"
	    " sum(e.packets), sum(e.bytes),"
	    " min((w.start - ?2) * 1000000 + e.first_us),"
	    " max((w.start - ?2) * 1000000 + e.last_us), bitor(e.tcp_flags)"
	    " FROM windows w JOIN edges e ON e.window_id = w.id"
	    " WHERE w.sensor_id = ?3 AND w.tier = ?4"
	    " AND w.start >= ?2 AND w.start < ?2 + ?5"
	    " GROUP BY e.proto, e.src, e.dst, e.sport, e.dport", v, 5) < 0 ||
	    exec_bound(st,
	    "INSERT INTO pairs (window_id, src, dst, packets, bytes, first_us,"
	    " last_us)"
	    " SELECT ?1, p.src, p.dst, sum(p.packets), sum(p.bytes),"
	    " min((w.start - ?2) * 1000000 + p.first_us),"
	    " max((w.start - ?2) * 1000000 + p.last_us)"
	    " FROM windows w JOIN pairs p ON p.window_id = w.id"
	    " WHERE w.sensor_id = ?3 AND w.tier = ?4"
	    " AND w.start >= ?2 AND w.start < ?2 + ?5"
	    " GROUP BY p.src, p.dst", v, 5) < 0 ||
	    exec_bound(st, ROWS_RECOUNT, v, 1) < 0)
		goto fail;
	v[0] = sensor_id;
	v[1] = to;
	v[2] = start;
	if (exec_bound(st, "DELETE FROM rollup_pending WHERE"
	    " sensor_id = ?1 AND tier = ?2 AND start = ?3", v, 3) < 0)
		goto fail;
	if (to == STORE_TIER_HOUR &&
	    mark_pending(st, sensor_id, STORE_TIER_DAY, start) < 0)
		goto fail;
	return exec(st, "COMMIT", "committing a roll-up");
fail:
	set_err(st, "computing a roll-up");
	sqlite3_finalize(s);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Roll up the marked windows of tier to that end by upto_s. */
static int
rollup_level(struct store *st, int from, int to, int64_t len, int64_t upto_s)
{
	sqlite3_stmt *s = NULL;
	int64_t *todo = NULL, *t;
	size_t n = 0, i;
	int rc = 0;

	/* read the marks first: rollup_one deletes them as it goes */
	if (sqlite3_prepare_v2(st->db, "SELECT sensor_id, start FROM"
	    " rollup_pending WHERE tier = ?1 AND start <= ?2 - ?3", -1, &s,
	    NULL) != SQLITE_OK) {
		set_err(st, "reading roll-up marks");
		return -1;
	}
	sqlite3_bind_int(s, 1, to);
	sqlite3_bind_int64(s, 2, upto_s);
	sqlite3_bind_int64(s, 3, len);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((t = reallocarray(todo, n + 1, 2 * sizeof(*t))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		todo = t;
		todo[2 * n] = sqlite3_column_int64(s, 0);
		todo[2 * n + 1] = sqlite3_column_int64(s, 1);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		set_err(st, "reading roll-up marks");
		free(todo);
		return -1;
	}
	for (i = 0, rc = 0; i < n && rc == 0; i++)
		rc = rollup_one(st, todo[2 * i], from, to, len,
		    todo[2 * i + 1]);
	free(todo);
	return rc;
}

int
store_rollup(struct store *st, int64_t upto_s)
{
	/* clamp: start + len must not overflow in SQL */
	if (upto_s > INT64_MAX / 4)
		upto_s = INT64_MAX / 4;
	if (rollup_level(st, STORE_TIER_RAW, STORE_TIER_HOUR, 3600,
	    upto_s) < 0)
		return -1;
	return rollup_level(st, STORE_TIER_HOUR, STORE_TIER_DAY, 86400,
	    upto_s);
}

long
store_expire(struct store *st, int tier, int64_t before_s)
{
	int64_t v[2] = { tier, before_s };
	long n;

	if (exec(st, "BEGIN IMMEDIATE", "starting retention") < 0)
		return -1;
	if (exec_bound(st, "DELETE FROM edges WHERE window_id IN"
	    " (SELECT id FROM windows WHERE tier = ?1"
	    " AND start + seconds <= ?2)", v, 2) < 0 ||
	    exec_bound(st, "DELETE FROM pairs WHERE window_id IN"
	    " (SELECT id FROM windows WHERE tier = ?1"
	    " AND start + seconds <= ?2)", v, 2) < 0 ||
	    exec_bound(st, "DELETE FROM windows WHERE tier = ?1"
	    " AND start + seconds <= ?2", v, 2) < 0)
		goto fail;
	n = sqlite3_changes(st->db);
	/*
	 * Names older than every window left go with them, but the newest
	 * of each address stays: a client may use a name long after it was
	 * told it.
	 */
	if (n > 0 && exec(st, "DELETE FROM names WHERE ts_us <"
	    " (SELECT min(start) FROM windows) * 1000000 AND rowid NOT IN"
	    " (SELECT max(rowid) FROM names GROUP BY sensor_id, addr)",
	    "deleting old names") < 0)
		goto fail;
	if (exec(st, "COMMIT", "committing retention") < 0)
		return -1;
	return n;
fail:
	set_err(st, "deleting old windows");
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * One number sql answers (a pragma, or one row of SELECT): 0, or -1 with
 * st->err naming sql.
 */
static int
pragma_int(struct store *st, const char *sql, int64_t *v)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		set_err(st, sql);
		return -1;
	}
	return store_one_int(st, s, v, NULL, sql, st->err, sizeof(st->err));
}

/*
 * The windows the budget may delete: raw ones but the newest (counted
 * with it: the caller keeps one), and roll-ups of spans that ended
 * before the newest raw window (not those still being rolled up).
 */
#define BUDGET_DONE \
	" AND (tier = 0 OR start + seconds <= (SELECT max(start) FROM" \
	" windows WHERE tier = 0))"

/* The windows of tier the budget may delete into *n; 0 or -1. */
static int
count_tier(struct store *st, int tier, int64_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM windows WHERE "
	    "tier = ?1" BUDGET_DONE, -1, &s, NULL) != SQLITE_OK) {
		set_err(st, "counting windows");
		return -1;
	}
	sqlite3_bind_int(s, 1, tier);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		set_err(st, "counting windows");
		return -1;
	}
	return 0;
}

/* The pages in use (not free) and the file's pages, in bytes. */
static int
budget_size(struct store *st, uint64_t *used, uint64_t *file)
{
	int64_t pc, fl, ps;

	if (pragma_int(st, "PRAGMA page_count", &pc) < 0 ||
	    pragma_int(st, "PRAGMA freelist_count", &fl) < 0 ||
	    pragma_int(st, "PRAGMA page_size", &ps) < 0)
		return -1;
	*used = (uint64_t)(pc - fl) * (uint64_t)ps;
	*file = (uint64_t)pc * (uint64_t)ps;
	return 0;
}

/* Delete the k oldest windows of tier the budget may delete; 0 or -1. */
static int
budget_delete(struct store *st, int tier, int64_t k, long *deleted)
{
	int64_t v[2];

	v[0] = tier;
	v[1] = k;
	if (exec(st, "BEGIN IMMEDIATE", "starting the budget") < 0)
		return -1;
	if (exec_bound(st, "CREATE TEMP TABLE IF NOT EXISTS "
	    "budget_ids (id INTEGER PRIMARY KEY)", v, 0) < 0 ||
	    exec_bound(st, "DELETE FROM budget_ids", v, 0) < 0 ||
	    exec_bound(st, "INSERT INTO budget_ids SELECT id "
	    "FROM windows WHERE tier = ?1" BUDGET_DONE
	    " ORDER BY start LIMIT ?2", v, 2) < 0 ||
	    exec_bound(st, "DELETE FROM edges WHERE window_id "
	    "IN budget_ids", v, 0) < 0 ||
	    exec_bound(st, "DELETE FROM pairs WHERE window_id "
	    "IN budget_ids", v, 0) < 0 ||
	    exec_bound(st, "DELETE FROM windows WHERE id IN "
	    "budget_ids", v, 0) < 0) {
		set_err(st, "deleting windows for the budget");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	*deleted += (long)sqlite3_changes(st->db);
	return exec(st, "COMMIT", "committing the budget");
}

/*
 * A tier's share of the pages in use: used bytes times its edge and
 * address-pair rows (windows.rows) over every row the file holds (the
 * windows' rows, and other: packet events, names and first-seen edges,
 * which the budget does not delete), into *bytes; and the bytes of one
 * row on average into *per_row.
 */
static int
tier_bytes(struct store *st, int tier, uint64_t used, int64_t other,
    uint64_t *bytes, uint64_t *per_row)
{
	sqlite3_stmt *s = NULL;
	int64_t mine = 0, all = other;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT tier, sum(rows) FROM windows"
	    " GROUP BY tier", -1, &s, NULL) != SQLITE_OK) {
		set_err(st, "counting the rows of each tier");
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_int(s, 0) == tier)
			mine = sqlite3_column_int64(s, 1);
		all += sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		set_err(st, "counting the rows of each tier");
		return -1;
	}
	*per_row = all > 0 ? used / (uint64_t)all : 0;
	*bytes = (uint64_t)mine * *per_row;
	return 0;
}

/*
 * How many of tier's oldest deletable windows hold at least want rows
 * (all of them when they hold fewer); the newest raw window stays.
 */
static int
tier_oldest(struct store *st, int tier, uint64_t want, int64_t *k)
{
	sqlite3_stmt *s = NULL;
	uint64_t got = 0;
	int64_t n = 0, total;
	int rc;

	if (count_tier(st, tier, &total) < 0)
		return -1;
	if (tier == STORE_TIER_RAW)
		total--;
	if (sqlite3_prepare_v2(st->db, "SELECT rows FROM windows WHERE "
	    "tier = ?1" BUDGET_DONE " ORDER BY start", -1, &s, NULL) !=
	    SQLITE_OK) {
		set_err(st, "reading window sizes");
		return -1;
	}
	sqlite3_bind_int(s, 1, tier);
	rc = SQLITE_ROW;
	while (n < total && got < want &&
	    (rc = sqlite3_step(s)) == SQLITE_ROW) {
		got += (uint64_t)sqlite3_column_int64(s, 0);
		n++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		set_err(st, "reading window sizes");
		return -1;
	}
	*k = n;
	return 0;
}

int
store_budget(struct store *st, uint64_t max_bytes, const uint64_t *tier_max,
    struct store_budget *r)
{
	int64_t av, n, all, k, other = 0;
	uint64_t used, file, avg, tb, per_row;
	int tier;

	memset(r, 0, sizeof(*r));
	/* free pages go back to the file only with incremental vacuum */
	if (pragma_int(st, "PRAGMA auto_vacuum", &av) < 0)
		return -1;
	if (av != 2) {
		if (exec(st, "PRAGMA auto_vacuum = INCREMENTAL",
		    "setting incremental vacuum") < 0 ||
		    exec(st, "VACUUM", "vacuuming for incremental vacuum") < 0)
			return -1;
		r->vacuumed = 1;
	}
	if (budget_size(st, &used, &file) < 0)
		return -1;
	r->bytes_before = file;
	/* each tier's own budget: its oldest windows past it */
	if (tier_max != NULL && (tier_max[0] != 0 || tier_max[1] != 0 ||
	    tier_max[2] != 0) && pragma_int(st, "SELECT"
	    " (SELECT count(*) FROM events) + (SELECT count(*) FROM names) +"
	    " (SELECT count(*) FROM first_seen)", &other) < 0)
		return -1;
	for (tier = STORE_TIER_RAW; tier <= STORE_TIER_DAY; tier++) {
		if (tier_max == NULL || tier_max[tier] == 0)
			continue;
		if (tier_bytes(st, tier, used, other, &tb, &per_row) < 0)
			return -1;
		/* free pages lag the rows deleted: again until under */
		while (tb > tier_max[tier] && per_row > 0) {
			if (tier_oldest(st, tier, (tb - tier_max[tier]) /
			    per_row + 1, &k) < 0)
				return -1;
			if (k == 0)
				break;
			if (budget_delete(st, tier, k,
			    &r->tier_windows[tier]) < 0 ||
			    exec(st, "PRAGMA incremental_vacuum",
			    "incremental vacuum") < 0 ||
			    budget_size(st, &used, &file) < 0 ||
			    tier_bytes(st, tier, used, other, &tb, &per_row) < 0)
				return -1;
		}
		r->tier_bytes[tier] = tb;
		r->tier_over[tier] = tb > tier_max[tier];
	}
	/* the file's: raw windows first, then hours, then days */
	for (tier = STORE_TIER_RAW; tier <= STORE_TIER_DAY && max_bytes > 0 &&
	    used > max_bytes; tier++) {
		while (used > max_bytes) {
			if (pragma_int(st, "SELECT count(*) FROM windows",
			    &all) < 0)
				return -1;
			/* the newest raw window stays */
			if (count_tier(st, tier, &n) < 0)
				return -1;
			if (tier == STORE_TIER_RAW)
				n--;
			if (n <= 0)
				break;
			/*
			 * raw windows to go by the average window's bytes;
			 * roll-ups one at a time (each holds many windows')
			 */
			avg = used / (uint64_t)(all > 0 ? all : 1);
			k = tier != STORE_TIER_RAW ? 1 :
			    (int64_t)((used - max_bytes) / (avg > 0 ? avg : 1) +
			    1);
			if (k > n)
				k = n;
			if (budget_delete(st, tier, k, &r->windows[tier]) < 0 ||
			    budget_size(st, &used, &file) < 0)
				return -1;
		}
	}
	if (exec(st, "PRAGMA incremental_vacuum", "incremental vacuum") < 0 ||
	    budget_size(st, &used, &file) < 0)
		return -1;
	/* the main file shrinks when the WAL is copied back */
	sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
	r->bytes_after = file;
	r->over = max_bytes > 0 && used > max_bytes;
	return 0;
}

/*
 * A batch insert for one sensor: open the transaction, find the sensor
 * (its id in *sid), prepare sql into *cache the first time (kept until
 * store_close) and bind the sensor as ?1.  0, or -1 (rolled back).
 * batch_end commits (ok) or rolls back.
 */
static int
batch_begin(struct store *st, const char *sensor, sqlite3_stmt **cache,
    const char *sql, const char *what, int64_t *sid)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "starting the %s transaction", what);
	if (exec(st, "BEGIN IMMEDIATE", msg) < 0)
		return -1;
	if (sensor_id(st, sensor, sid) < 0 ||
	    (*cache == NULL && prepare(st, cache, sql) < 0)) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_bind_int64(*cache, 1, *sid);
	return 0;
}

static int
batch_end(struct store *st, const char *what, int ok)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "committing %s", what);
	if (ok && exec(st, "COMMIT", msg) == 0)
		return 0;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The set-wise insert of batch_events, after INSERT or INSERT OR IGNORE. */
#define EVENTS_FROM_BATCH	" INTO events (id, sensor_id, ts_us, proto," \
	" src, dst, sport, dport, length, tcp_flags, tcp_seq, tcp_ack," \
	" ip_id, ip_len, payload) SELECT id, ?1, ts_us, proto, src, dst," \
	" sport, dport, length, tcp_flags, tcp_seq, tcp_ack, ip_id, ip_len," \
	" payload FROM batch_events"

/*
 * Write one event whose id is not known to be free (see
 * store_write_events) with s, INSERT OR IGNORE EVENTS_FROM_BATCH: the
 * ids of its microsecond are tried from the first, batch_events holding
 * it alone.  1 when written, 0 when all were taken, -1 on error.
 */
static int
event_write_one(struct store *st, sqlite3_stmt *s, const struct packet *e)
{
	int64_t key;
	int rc;

	st->ev_batch = e;
	st->ev_key = &key;
	st->ev_n = 1;
	for (key = event_key(e->ts_us);; key++) {
		if (step_done(st, s, "writing an event") < 0) {
			rc = -1;
			break;
		}
		rc = sqlite3_changes(st->db) != 0;
		if (rc || key % EVENT_KEY_SPAN == EVENT_KEY_SPAN - 1)
			break;
	}
	st->ev_batch = NULL;
	return rc;
}

int
store_write_events(struct store *st, const char *sensor,
    const struct packet *ev, size_t n)
{
	sqlite3_stmt *s = NULL;
	int64_t hi, key, sid;
	size_t i, late = 0;
	int isnull, full = 0, rc;

	if (n == 0)
		return 0;
	if (n > st->ev_cap) {
		int64_t *ids = reallocarray(st->ev_ids, n, sizeof(*ids));

		if (ids == NULL) {
			snprintf(st->err, sizeof(st->err), "%s: writing %zu "
			    "packet events: out of memory", st->path, n);
			return -1;
		}
		st->ev_ids = ids;
		st->ev_cap = n;
	}
	if (batch_begin(st, sensor, &st->ins_events, "INSERT"
	    EVENTS_FROM_BATCH, "events", &sid) < 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM events", -1, &s,
	    NULL) != SQLITE_OK) {
		set_err(st, "reading the last event");
		goto fail;
	}
	/* (store_one_int finalizes s) */
	rc = store_one_int(st, s, &hi, &isnull, "reading the last event",
	    st->err, sizeof(st->err));
	s = NULL;
	if (rc < 0)
		goto fail;
	if (isnull)
		hi = -1;
	/*
	 * The ids: an event after every row stored, or one more than the
	 * last of its own microsecond, goes in set-wise, in order; one
	 * earlier than that (a late interface's) is written after them one
	 * by one, trying its microsecond's ids until one is free.
	 */
	for (i = 0; i < n; i++) {
		key = event_key(ev[i].ts_us);
		if (key <= hi) {
			if (key / EVENT_KEY_SPAN != hi / EVENT_KEY_SPAN ||
			    hi % EVENT_KEY_SPAN == EVENT_KEY_SPAN - 1) {
				st->ev_ids[i] = -1;
				late++;
				continue;
			}
			key = hi + 1;
		}
		st->ev_ids[i] = hi = key;
	}
	st->ev_batch = ev;
	st->ev_key = st->ev_ids;
	st->ev_n = n;
	rc = step_done(st, st->ins_events, "writing the packet events");
	st->ev_batch = NULL;
	if (rc < 0)
		goto fail;
	if (late > 0) {
		if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE"
		    EVENTS_FROM_BATCH, -1, &s, NULL) != SQLITE_OK) {
			set_err(st, "preparing a late event");
			goto fail;
		}
		sqlite3_bind_int64(s, 1, sid);
		for (i = 0; i < n; i++) {
			if (st->ev_ids[i] >= 0)
				continue;
			if ((rc = event_write_one(st, s, &ev[i])) < 0)
				goto fail;
			full += rc == 0;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	return batch_end(st, "events", 1) < 0 ? -1 : full;
fail:
	sqlite3_finalize(s);
	return batch_end(st, "events", 0);
}

int
store_write_losses(struct store *st, const char *sensor,
    const struct loss_row *l, size_t n)
{
	sqlite3_stmt *s;
	int64_t sid;
	size_t i;

	if (n == 0)
		return 0;
	if (batch_begin(st, sensor, &st->ins_losses, "INSERT INTO losses"
	    " (sensor_id, start, seconds, reason, windows, frames, bytes,"
	    " edges, events, recorded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10)", "losses", &sid) < 0)
		return -1;
	s = st->ins_losses;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(s, 2, l[i].start_s);
		sqlite3_bind_int64(s, 3, l[i].seconds);
		sqlite3_bind_text(s, 4, l[i].reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)l[i].windows);
		sqlite3_bind_int64(s, 6, (sqlite3_int64)l[i].frames);
		sqlite3_bind_int64(s, 7, (sqlite3_int64)l[i].bytes);
		sqlite3_bind_int64(s, 8, (sqlite3_int64)l[i].edges);
		sqlite3_bind_int64(s, 9, (sqlite3_int64)l[i].events);
		sqlite3_bind_int64(s, 10, l[i].recorded_s);
		if (step_done(st, s, "recording a loss") < 0)
			return batch_end(st, "losses", 0);
	}
	return batch_end(st, "losses", 1);
}

int
store_version(struct store *st, uint64_t *serial, uint64_t *version)
{
	int64_t v = 0;
	int rc;

	*serial = st->serial;
	rc = pragma_int(st, "PRAGMA data_version", &v);
	*version = (uint64_t)v;
	return rc;
}

int
store_moved(struct store *st)
{
	int moved = 0;

	/* the unix VFS compares the path's inode with the open file's */
	if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_HAS_MOVED,
	    &moved) != SQLITE_OK)
		return 0;
	return moved != 0;
}

void
store_close_moved(struct store *st)
{
	const char *const ext[] = { "-wal", "-shm" };
	char path[4096], side[4200];
	size_t i;
	int gone;

	if (st == NULL)
		return;
	/*
	 * Empty the WAL into the file that went away: the -wal at the path
	 * must not be paired with whatever file is there next (SQLite would
	 * apply the old file's pages to it).
	 */
	sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
	    NULL);
	gone = access(st->path, F_OK) != 0 && errno == ENOENT &&
	    (size_t)snprintf(path, sizeof(path), "%s", st->path) <
	    sizeof(path);
	store_close(st);
	for (i = 0; gone && i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(side, sizeof(side), "%s%s", path, ext[i]);
		unlink(side);
	}
}

long
store_expire_events(struct store *st, int64_t before_us)
{
	sqlite3_stmt *s = NULL;
	long n;

	/* ids are in time order: the old rows are the lowest ids */
	if (sqlite3_prepare_v2(st->db, "DELETE FROM events WHERE id < ?1",
	    -1, &s, NULL) != SQLITE_OK) {
		set_err(st, "deleting old events");
		return -1;
	}
	sqlite3_bind_int64(s, 1, event_key(before_us));
	if (sqlite3_step(s) != SQLITE_DONE) {
		set_err(st, "deleting old events");
		sqlite3_finalize(s);
		return -1;
	}
	n = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	return n;
}

int
store_events(struct store *st, int64_t from_us, int64_t to_us,
    const char *sensor, unsigned limit,
    int (*cb)(const struct packet *, void *), void *arg)
{
	sqlite3_stmt *s = NULL;
	struct packet ev;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT e.ts_us, e.proto, e.src,"
	    " e.dst, e.sport, e.dport, e.length, e.tcp_flags, e.tcp_seq,"
	    " e.tcp_ack, e.ip_id, s.name, e.ip_len, e.payload FROM events e"
	    " JOIN sensors s ON s.id = e.sensor_id"
	    " WHERE e.id BETWEEN ?5 AND ?6 AND e.ts_us BETWEEN ?1 AND ?2"
	    " AND (?3 IS NULL OR s.name = ?3)"
	    " ORDER BY e.id LIMIT ?4", -1, &s, NULL) != SQLITE_OK) {
		set_err(st, "querying events");
		return -1;
	}
	sqlite3_bind_int64(s, 1, from_us);
	sqlite3_bind_int64(s, 2, to_us);
	/* the span's ids, which are in time order (ts_us is for the ends) */
	sqlite3_bind_int64(s, 5, event_key(from_us));
	sqlite3_bind_int64(s, 6, event_key(to_us) + (EVENT_KEY_SPAN - 1));
	if (sensor != NULL)
		sqlite3_bind_text(s, 3, sensor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.ts_us = sqlite3_column_int64(s, 0);
		ev.proto = (uint8_t)sqlite3_column_int(s, 1);
		ev.ipver = (uint8_t)store_column_addr(s, 2, ev.src);
		store_column_addr(s, 3, ev.dst);
		ev.sport = (uint16_t)sqlite3_column_int(s, 4);
		ev.dport = (uint16_t)sqlite3_column_int(s, 5);
		ev.wirelen = (uint32_t)sqlite3_column_int64(s, 6);
		ev.tcp_flags = (uint8_t)sqlite3_column_int(s, 7);
		ev.tcp_seq = (uint32_t)sqlite3_column_int64(s, 8);
		ev.tcp_ack = (uint32_t)sqlite3_column_int64(s, 9);
		ev.ip_id = (uint32_t)sqlite3_column_int64(s, 10);
		ev.sensor = (const char *)sqlite3_column_text(s, 11);
		ev.ip_len = (uint32_t)sqlite3_column_int64(s, 12);
		ev.l4_len = (uint32_t)sqlite3_column_int64(s, 13);
		/*
		 * Rows from before schema 5 have no lengths.  The frame
		 * length stands in for the IP length (link headers differ
		 * from sensor to sensor), and the payload is said unknown.
		 */
		if (sqlite3_column_type(s, 13) == SQLITE_NULL) {
			ev.ip_len = ev.wirelen;
			ev.notes |= PACKET_NO_L4LEN;
		}
		if ((stop = cb(&ev, arg)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		set_err(st, "reading events");
		stop = -1;
	}
	sqlite3_finalize(s);
	return stop;
}

/* --- reading: filters to SQL ------------------------------------------- */

/* Spans at least this long read rolled-up hours where they exist. */
#define STORE_MIXED_SPAN_US	(6LL * 3600 * 1000000)

/*
 * The row query.  Every value is a bound parameter; the SQL text never
 * changes.  Windows are found through windows_by_time (tier, start): the
 * BETWEEN on start is what the index serves (a window is at most a day
 * long, hence the day subtracted from the lower bound), and the exact
 * overlap test runs on the few windows it yields.  Edges are then read by
 * their primary key prefix, window_id.  An unset filter binds NULL and
 * costs one comparison per row.  Address blocks are blob ranges: a block
 * is every blob of its length between its first and last address, since
 * SQLite compares blobs with memcmp.
 */
#define QUERY_JOIN(table) \
	" FROM windows w JOIN sensors s ON s.id = w.sensor_id" \
	" JOIN " table " e ON e.window_id = w.id"
#define QUERY_WHERE_WINDOWS \
	" WHERE ((?24 IS NULL AND w.tier = ?1 AND w.start BETWEEN ?2 AND ?3)" \
	"  OR (w.tier = 1 AND w.start >= ?24 AND w.start < ?25)" \
	"  OR (?24 IS NOT NULL AND w.tier = 0 AND w.start BETWEEN ?2 AND ?3" \
	"   AND (w.start < ?24 OR w.start >= ?25)))" \
	" AND (w.start + w.seconds) * 1000000 > ?4" \
	" AND w.start * 1000000 <= ?5" \
	" AND (?6 IS NULL OR s.name = ?6)"
#define QUERY_WHERE_PORTS \
	" AND (?7 IS NULL OR e.proto = ?7)" \
	" AND (?8 IS NULL OR e.sport = ?8 OR e.dport = ?8)"
#define QUERY_WHERE_ADDRS \
	" AND (?9 IS NULL OR (length(e.src) = ?11" \
	"      AND e.src BETWEEN ?9 AND ?10))" \
	" AND (?12 IS NULL OR (length(e.dst) = ?14" \
	"      AND e.dst BETWEEN ?12 AND ?13))" \
	" AND (?15 IS NULL OR (length(e.src) = ?17" \
	"      AND e.src BETWEEN ?15 AND ?16) OR (length(e.dst) = ?17" \
	"      AND e.dst BETWEEN ?15 AND ?16))" \
	" AND (?18 IS NULL" \
	"  OR (length(e.src) = ?20 AND e.src BETWEEN ?18 AND ?19" \
	"   AND length(e.dst) = ?23 AND e.dst BETWEEN ?21 AND ?22)" \
	"  OR (length(e.src) = ?23 AND e.src BETWEEN ?21 AND ?22" \
	"   AND length(e.dst) = ?20 AND e.dst BETWEEN ?18 AND ?19))"
#define QUERY_FROM \
	QUERY_JOIN("edges") QUERY_WHERE_WINDOWS QUERY_WHERE_PORTS \
	QUERY_WHERE_ADDRS

#define QUERY_COLUMNS \
	"SELECT w.start, w.seconds, s.name, e.proto, e.src, e.dst," \
	" e.sport, e.dport, e.packets, e.bytes, e.first_us, e.last_us," \
	" e.tcp_flags"

/*
 * The graph needs no order: it sorts what it built.  Without address
 * filters the statements leave their tests out (each is a few opcodes
 * per row, and a long span reads hundreds of thousands of rows).  Nor
 * does it need the sensor's name or the TCP flags: NULL and 0 in their
 * places (store_read_row reads neither), two columns fewer to take out
 * of each of a day's million rows.
 */
#define QUERY_GRAPH_COLUMNS \
	"SELECT w.start, w.seconds, NULL, e.proto, e.src, e.dst," \
	" e.sport, e.dport, e.packets, e.bytes, e.first_us, e.last_us, 0"
static const char store_sql_graph[] = QUERY_GRAPH_COLUMNS QUERY_FROM;
static const char store_sql_graph_all[] = QUERY_GRAPH_COLUMNS
	QUERY_JOIN("edges") QUERY_WHERE_WINDOWS QUERY_WHERE_PORTS;
/*
 * The graph from the pairs table (edges folded per address pair, one row
 * per pair and window), when neither ports nor protocols are asked for:
 * the same columns, with zeros for what a pair does not have.
 */
#define QUERY_PAIR_COLUMNS \
	"SELECT w.start, w.seconds, NULL, 0, e.src, e.dst, 0, 0," \
	" e.packets, e.bytes, e.first_us, e.last_us, 0"
static const char store_sql_pairs[] = QUERY_PAIR_COLUMNS
	QUERY_JOIN("pairs") QUERY_WHERE_WINDOWS QUERY_WHERE_ADDRS;
static const char store_sql_pairs_all[] = QUERY_PAIR_COLUMNS
	QUERY_JOIN("pairs") QUERY_WHERE_WINDOWS;

#define STORE_ADDR_PARAMS \
	((1u << FILTER_SRC) | (1u << FILTER_DST) | (1u << FILTER_HOST) | (1u << FILTER_PAIR))

/* The statement a graph is read with: pairs unless ports matter. */
static const char *
store_graph_sql(const struct filter *q)
{
	int addrs = (q->given & STORE_ADDR_PARAMS) != 0;

	if ((q->detail & QUERY_DETAIL_PORTS) ||
	    (q->given & ((1u << FILTER_PROTO) | (1u << FILTER_PORT))))
		return addrs ? store_sql_graph : store_sql_graph_all;
	return addrs ? store_sql_pairs : store_sql_pairs_all;
}

static const char store_sql_rows[] = QUERY_COLUMNS QUERY_FROM
	" ORDER BY w.start, s.name, w.seconds, e.proto, e.src, e.dst,"
	" e.sport, e.dport";

/* A block as a blob range: first and last address, and the blob length. */
static void
store_bind_block(sqlite3_stmt *s, int at, const struct cidr *c)
{
	uint8_t hi[16];
	int len = c->ver == 6 ? 16 : 4, i;
	unsigned bits;

	memcpy(hi, c->b, 16);
	for (i = 0; i < len; i++) {
		bits = (unsigned)i * 8;
		if (bits + 8 <= c->prefix)
			continue;
		hi[i] |= bits >= c->prefix ? 0xff :
		    (uint8_t)(0xff >> (c->prefix - bits));
	}
	sqlite3_bind_blob(s, at, c->b, len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, at + 1, hi, len, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, at + 2, len);
}

/* Floor division of microseconds into seconds. */
static int64_t
store_floor_s(int64_t us)
{
	return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

/*
 * How a mixed query splits its span: cut, where rolled-up hours stop
 * being complete (store_hour_cut), and from_us, where the span starts:
 * the filter's from, or without one the first raw window, so that a
 * query of everything reads the same traffic as the raw windows alone,
 * not the older hours whose raw windows retention has removed.
 */
struct store_mix {
	int64_t	cut;
	int64_t	from_us;
};

/*
 * The hours [h0, h1) a mixed query reads from the hour tier: whole hours
 * of [from, to], ending by cut.  h1 <= h0 means none.
 */
static void
store_mixed_hours(const struct filter *q, const struct store_mix *m,
    int64_t *h0, int64_t *h1)
{
	int64_t from = store_floor_s(m->from_us) + (m->from_us % 1000000 != 0);
	int64_t to = (q->given & (1u << FILTER_TO)) ?
	    store_floor_s(q->to_us) + 1 : timefmt_now() / 1000000;

	*h0 = from >= 0 ? (from + 3599) / 3600 * 3600 : -(-from / 3600 * 3600);
	*h1 = to / 3600 * 3600;
	if (*h1 > m->cut)
		*h1 = m->cut;
}

/*
 * Bind every parameter.  tier QUERY_TIER_MIXED reads the hour windows of
 * the hours wholly inside the span and before cut (complete roll-ups),
 * and raw windows for the rest: the partial hours at both ends and
 * everything from cut on.  Raw windows are split by their start, as the
 * roll-up groups them, so nothing is read twice.
 */
static void
store_bind(const struct filter *q, sqlite3_stmt *s, int tier,
    const struct store_mix *m)
{
	int64_t from = (q->given & (1u << FILTER_FROM)) ? q->from_us :
	    INT64_MIN / 2;
	int64_t to = (q->given & (1u << FILTER_TO)) ? q->to_us : INT64_MAX / 2;

	sqlite3_bind_int(s, 1, tier);
	if (tier == QUERY_TIER_MIXED && sqlite3_bind_parameter_count(s) >= 25) {
		int64_t h0, h1;

		store_mixed_hours(q, m, &h0, &h1);
		sqlite3_bind_int64(s, 24, h0);
		sqlite3_bind_int64(s, 25, h1);
	}
	sqlite3_bind_int64(s, 2, store_floor_s(from) - 86400);
	sqlite3_bind_int64(s, 3, store_floor_s(to));
	sqlite3_bind_int64(s, 4, from);
	sqlite3_bind_int64(s, 5, to);
	if (q->sensor != NULL)
		sqlite3_bind_text(s, 6, q->sensor, -1, SQLITE_STATIC);
	if (q->given & (1u << FILTER_PROTO))
		sqlite3_bind_int(s, 7, (int)q->proto);
	if (q->given & (1u << FILTER_PORT))
		sqlite3_bind_int(s, 8, (int)q->port);
	if (q->given & (1u << FILTER_SRC))
		store_bind_block(s, 9, &q->src);
	if (q->given & (1u << FILTER_DST))
		store_bind_block(s, 12, &q->dst);
	if (q->given & (1u << FILTER_HOST))
		store_bind_block(s, 15, &q->host);
	if (q->given & (1u << FILTER_PAIR)) {
		store_bind_block(s, 18, &q->pair_a);
		store_bind_block(s, 21, &q->pair_b);
	}
}

/* Whether tier has a window in the span; 1, 0, or -1 on error. */
static int
store_tier_has(const struct filter *q, sqlite3 *db, int tier)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM windows w"
	    " WHERE w.tier = ?1 AND w.start BETWEEN ?2 AND ?3"
	    " AND (w.start + w.seconds) * 1000000 > ?4"
	    " AND w.start * 1000000 <= ?5 LIMIT 1", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	store_bind(q, s, tier, NULL);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Where rolled-up hours stop being complete: the start of the earliest
 * hour still waiting for its roll-up, else the end of the latest hour
 * window.  0 when there is no hour tier (then nothing is mixed).
 */
static int
store_hour_cut(sqlite3 *db, int64_t *cut)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*cut = 0;
	if (sqlite3_prepare_v2(db, "SELECT coalesce("
	    " (SELECT min(start) FROM rollup_pending WHERE tier = 1),"
	    " (SELECT max(start) + 3600 FROM windows WHERE tier = 1), 0)",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*cut = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Where a span without a from starts: the first raw window, in *from_us
 * (INT64_MAX / 2 when there is none).  The (tier, start) index answers
 * it with one seek.
 */
static int
store_first_raw(sqlite3 *db, int64_t *from_us)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*from_us = INT64_MAX / 2;
	if (sqlite3_prepare_v2(db, "SELECT min(start) FROM windows"
	    " WHERE tier = 0", -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		*from_us = sqlite3_column_int64(s, 0) * 1000000;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Whether every raw window of [h0, h1) has its hour rolled up (a window
 * of tier 1 for its sensor and hour): 1, 0, or -1 on error.  A query
 * with from trusts the cut; one without from reaches back to data no
 * one asked a span of before (a database older than its roll-ups, hours
 * written by hand), so it looks, one index seek a raw window.
 */
static int
store_hours_cover(sqlite3 *db, int64_t h0, int64_t h1)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM windows r"
	    " WHERE r.tier = 0 AND r.start >= ?1 AND r.start < ?2"
	    " AND NOT EXISTS (SELECT 1 FROM windows h WHERE h.tier = 1"
	    "  AND h.start = r.start - r.start % 3600"
	    "  AND h.sensor_id = r.sensor_id) LIMIT 1", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, h0);
	sqlite3_bind_int64(s, 2, h1);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : -1;
}

/*
 * The tier to read.  Auto prefers raw windows (exact bounds), except for
 * long spans (6 hours or more): there the rolled-up hours are read where
 * they are complete and raw windows after them (QUERY_TIER_MIXED, with
 * m the boundaries), so a day's query reads 24 hour windows plus the
 * current hour instead of 1440 minute windows.  A query without a from
 * spans the raw windows there are: long when the first of them is 6
 * hours or more before its end, and mixed from the first whole hour
 * after it, so a default picture of a day reads what the same day asked
 * by its bounds does, when those hours are all rolled up
 * (store_hours_cover); not for a format drawn over time (picviz:
 * QUERY_DETAIL_TIMES), whose default stays in minutes.  When the span
 * has no raw windows at all (retention expired them) the finest coarser
 * tier that has windows there is read instead.
 */
static int
store_tier(const struct filter *q, sqlite3 *db, int *tier,
    struct store_mix *m)
{
	sqlite3_stmt *s = NULL;
	int64_t to;
	int rc, t;

	m->cut = 0;
	m->from_us = q->from_us;
	if (q->tier != QUERY_TIER_AUTO) {
		*tier = q->tier;
		return 0;
	}
	if (!(q->given & (1u << FILTER_FROM))) {
		/* a time series keeps its minutes unless a span is asked */
		if (q->detail & QUERY_DETAIL_TIMES)
			m->from_us = INT64_MAX / 2;
		else if (store_first_raw(db, &m->from_us) < 0)
			return -1;
	}
	to = (q->given & (1u << FILTER_TO)) ? q->to_us : timefmt_now();
	if (to - m->from_us >= STORE_MIXED_SPAN_US) {
		int64_t h0, h1;

		if (store_hour_cut(db, &m->cut) < 0)
			return -1;
		store_mixed_hours(q, m, &h0, &h1);
		if (h1 > h0 && !(q->given & (1u << FILTER_FROM)) &&
		    (rc = store_hours_cover(db, h0, h1)) <= 0) {
			if (rc < 0)
				return -1;
			h1 = h0;
		}
		if (h1 > h0) {
			*tier = QUERY_TIER_MIXED;
			return 0;
		}
	}
	*tier = STORE_TIER_RAW;
	if ((rc = store_tier_has(q, db, STORE_TIER_RAW)) != 0)
		return rc < 0 ? -1 : 0;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT tier FROM windows"
	    " WHERE tier > ?1 ORDER BY tier", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(s, 1, STORE_TIER_RAW);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t = sqlite3_column_int(s, 0);
		if (store_tier_has(q, db, t) == 1) {
			*tier = t;
			break;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static void
store_sqlerr(sqlite3 *db, struct store *st, const char *what, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(db));
}

/*
 * One row of s into r (a graph's statements select NULL and 0 for the
 * sensor and the TCP flags, which r then holds).
 */
static void
store_read_row(sqlite3_stmt *s, struct store_row *r)
{
	r->window_start = sqlite3_column_int64(s, 0);
	r->seconds = (unsigned)sqlite3_column_int(s, 1);
	r->sensor = (const char *)sqlite3_column_text(s, 2);
	r->proto = (unsigned)sqlite3_column_int(s, 3);
	r->ipver = store_column_addr(s, 4, r->src);
	store_column_addr(s, 5, r->dst);
	r->sport = (unsigned)sqlite3_column_int(s, 6);
	r->dport = (unsigned)sqlite3_column_int(s, 7);
	r->packets = (uint64_t)sqlite3_column_int64(s, 8);
	r->bytes = (uint64_t)sqlite3_column_int64(s, 9);
	r->first_us = r->window_start * 1000000 + sqlite3_column_int64(s, 10);
	r->last_us = r->window_start * 1000000 + sqlite3_column_int64(s, 11);
	r->tcp_flags = (unsigned)sqlite3_column_int(s, 12);
}

/*
 * Prepare the row statement for the chosen tier; NULL with err.  The
 * caller finalizes it.
 */
static sqlite3_stmt *
store_prepare(const struct filter *q, struct store *st, const char *sql, int *tier,
    char *err, size_t errlen)
{
	sqlite3 *db = st->db;
	sqlite3_stmt *s = NULL;
	struct store_mix m;

	if (filter_check(q, err, errlen) < 0)
		return NULL;
	if (store_tier(q, db, tier, &m) < 0) {
		store_sqlerr(db, st, "choosing a tier", err, errlen);
		return NULL;
	}
	/* rows are one per stored window: never mix window lengths there */
	if (*tier == QUERY_TIER_MIXED && sql == store_sql_rows)
		*tier = STORE_TIER_RAW;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_sqlerr(db, st, "preparing the query", err, errlen);
		return NULL;
	}
	store_bind(q, s, *tier, &m);
	return s;
}

int
store_read(struct store *st, const struct filter *q, int what,
    int (*cb)(const struct store_row *, void *), void *arg, int *tierp,
    uint64_t *rowsp, char *err, size_t errlen)
{
	struct store_row r;
	sqlite3_stmt *s;
	uint64_t rows = 0;
	int rc, tier, stop = 0;

	if ((s = store_prepare(q, st, what == STORE_READ_GRAPH ?
	    store_graph_sql(q) : store_sql_rows, &tier, err, errlen)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_read_row(s, &r);
		rows++;
		if ((stop = cb(&r, arg)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		store_sqlerr(st->db, st, "reading edges", err, errlen);
		stop = -1;
	}
	sqlite3_finalize(s);
	if (tierp != NULL)
		*tierp = tier;
	if (rowsp != NULL)
		*rowsp = rows;
	return stop < 0 ? -1 : stop;
}

/*
 * Step s for its one integer into *v (*isnull, if not NULL, says whether
 * it was NULL), and finalize it; 0, or -1 with err naming what was read.
 */
static int
store_one_int(struct store *st, sqlite3_stmt *s, int64_t *v, int *isnull,
    const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(s, 0);
		if (isnull != NULL)
			*isnull = sqlite3_column_type(s, 0) == SQLITE_NULL;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		store_sqlerr(st->db, st, what, err, errlen);
		return -1;
	}
	return 0;
}

/* The one number sql gives for the span of q; 0 or -1. */
static int
store_span_sum(struct store *st, const struct filter *q, const char *sql,
    uint64_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int64_t v;
	int tier;

	if ((s = store_prepare(q, st, sql, &tier, err, errlen)) == NULL ||
	    store_one_int(st, s, &v, NULL, "counting a span's rows", err,
	    errlen) < 0)
		return -1;
	*n = (uint64_t)v;
	return 0;
}

int
store_span_over(struct store *st, const struct filter *q, uint64_t max,
    char *err, size_t errlen)
{
	/* windows.rows counts a window's edges and its address pairs */
	static const char rows[] = "SELECT coalesce(sum(w.rows), 0)"
	    " FROM windows w JOIN sensors s ON s.id = w.sensor_id"
	    QUERY_WHERE_WINDOWS;
	static const char edges[] = "SELECT coalesce(sum(w.rows -"
	    " (SELECT count(*) FROM pairs p WHERE p.window_id = w.id)), 0)"
	    " FROM windows w JOIN sensors s ON s.id = w.sensor_id"
	    QUERY_WHERE_WINDOWS;
	uint64_t n;

	if (store_graph_sql(q) != store_sql_graph_all ||
	    (q->given & ((1u << FILTER_PROTO) | (1u << FILTER_PORT))))
		return 0;
	if (store_span_sum(st, q, rows, &n, err, errlen) < 0)
		return -1;
	/* a window has no more pairs than edges: edges >= rows / 2 */
	if (n <= max || n / 2 > max)
		return n > max;
	if (store_span_sum(st, q, edges, &n, err, errlen) < 0)
		return -1;
	return n > max;
}

int
store_plan(struct store *st, const struct filter *q, struct buf *out,
    char *err, size_t errlen)
{
	sqlite3 *db = st->db;
	sqlite3_stmt *s = NULL;
	struct buf sql = BUF_INIT;
	int rc, tier;
	struct store_mix m;

	if (filter_check(q, err, errlen) < 0)
		return -1;
	if (store_tier(q, db, &tier, &m) < 0) {
		store_sqlerr(db, st, "choosing a tier", err, errlen);
		return -1;
	}
	buf_puts(&sql, "EXPLAIN QUERY PLAN ");
	buf_puts(&sql, store_graph_sql(q));
	if (buf_failed(&sql) || sqlite3_prepare_v2(db, sql.data, -1, &s,
	    NULL) != SQLITE_OK) {
		store_sqlerr(db, st, "explaining the query", err, errlen);
		buf_free(&sql);
		return -1;
	}
	buf_free(&sql);
	store_bind(q, s, tier, &m);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		buf_printf(out, "%s\n", (const char *)sqlite3_column_text(s,
		    3));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_sqlerr(db, st, "explaining the query", err, errlen);
		return -1;
	}
	return 0;
}

/* --- reading: the windows listing ---------------------------------------- */

int
store_windows(struct store *st, int tier, int64_t from_us, int64_t to_us,
    const char *sensor, int (*cb)(const struct store_window *, void *),
    void *arg, char *err, size_t errlen)
{
	return store_windows_by(st, tier, from_us, to_us, sensor, 0, cb, arg,
	    err, errlen);
}

int
store_windows_by(struct store *st, int tier, int64_t from_us, int64_t to_us,
    const char *sensor, int by_proto,
    int (*cb)(const struct store_window *, void *), void *arg, char *err,
    size_t errlen)
{
	/* the edges of a window are read for their count anyway: the sums
	 * by protocol walk the same rows (CASE keeps them out unless asked) */
	static const char sql[] =
	    "SELECT w.start, w.seconds, s.name, w.tier, w.frames, w.bytes,"
	    " w.undecoded, w.cap_recv, w.cap_drop, w.cap_ifdrop, w.overflow,"
	    " (SELECT count(*) FROM edges e WHERE e.window_id = w.id),"
	    " CASE WHEN ?5 THEN (SELECT group_concat(proto || ':' || p || ':'"
	    " || b) FROM (SELECT proto, sum(packets) p, sum(bytes) b"
	    " FROM edges e WHERE e.window_id = w.id GROUP BY proto)) END"
	    " FROM windows w JOIN sensors s ON s.id = w.sensor_id"
	    " WHERE w.tier = ?1 AND w.start <= ?3 AND w.start + w.seconds > ?2"
	    " AND (?4 IS NULL OR s.name = ?4)"
	    " ORDER BY w.start, s.name";
	struct store_window w;
	sqlite3_stmt *s = NULL;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_sqlerr(st->db, st, "listing windows", err, errlen);
		return -1;
	}
	sqlite3_bind_int(s, 1, tier);
	sqlite3_bind_int64(s, 2, store_floor_s(from_us));
	sqlite3_bind_int64(s, 3, to_us / 1000000);
	if (sensor != NULL)
		sqlite3_bind_text(s, 4, sensor, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, by_proto != 0);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		w.protos = by_proto ? (const char *)sqlite3_column_text(s, 12) :
		    NULL;
		w.start = sqlite3_column_int64(s, 0);
		w.seconds = (unsigned)sqlite3_column_int(s, 1);
		w.sensor = (const char *)sqlite3_column_text(s, 2);
		w.tier = sqlite3_column_int(s, 3);
		w.stats.frames = (uint64_t)sqlite3_column_int64(s, 4);
		w.stats.bytes = (uint64_t)sqlite3_column_int64(s, 5);
		w.stats.undecoded = (uint64_t)sqlite3_column_int64(s, 6);
		w.stats.cap_recv = (uint64_t)sqlite3_column_int64(s, 7);
		w.stats.cap_drop = (uint64_t)sqlite3_column_int64(s, 8);
		w.stats.cap_ifdrop = (uint64_t)sqlite3_column_int64(s, 9);
		w.stats.overflow = (uint64_t)sqlite3_column_int64(s, 10);
		w.edges = (uint64_t)sqlite3_column_int64(s, 11);
		if ((stop = cb(&w, arg)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		store_sqlerr(st->db, st, "listing windows", err, errlen);
		stop = -1;
	}
	sqlite3_finalize(s);
	return stop;
}

/* --- reading: the pull feed --------------------------------------------- */

static void	store_text(sqlite3_stmt *, int, char *, size_t);

/* The feed counter and what was deleted from tier, into fs; 0 or -1. */
static int
store_feed_state(struct store *st, int tier, struct store_feed *fs,
    char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(fs, 0, sizeof(*fs));
	if (sqlite3_prepare_v2(st->db, "SELECT f.store, f.seq,"
	    " coalesce(g.seq, 0), coalesce(g.windows, 0) FROM feed f"
	    " LEFT JOIN feed_gone g ON g.tier = ?1", -1, &s, NULL) !=
	    SQLITE_OK) {
		store_sqlerr(st->db, st, "reading the feed counter", err,
		    errlen);
		return -1;
	}
	sqlite3_bind_int(s, 1, tier);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_text(s, 0, fs->store, sizeof(fs->store));
		fs->last = sqlite3_column_int64(s, 1);
		fs->gone = sqlite3_column_int64(s, 2);
		fs->gone_windows = (uint64_t)sqlite3_column_int64(s, 3);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE || fs->store[0] == '\0') {
		store_sqlerr(st->db, st, "reading the feed counter", err,
		    errlen);
		return -1;
	}
	return 0;
}

int
store_feed(struct store *st, int tier, const char *sensor, int64_t from_seq,
    uint64_t skip, struct store_feed *fs,
    int (*cb)(int64_t seq, const struct store_row *, void *), void *arg,
    char *err, size_t errlen)
{
	/*
	 * Windows by write number (the unique index on (tier, seq)), then
	 * each window's edges by key, a statement per window: its primary
	 * key gives that order with no sort, and OFFSET steps over the rows
	 * a page already gave without building them.  One join ordered by
	 * number and key was rejected: SQLite sorted each window whole for
	 * every page (0.3 s a page in a window of 50,000 edges).
	 */
	sqlite3_stmt *w = NULL, *e = NULL;
	struct store_row r;
	int64_t seq, wid;
	int rc, stop = 0;

	/* one snapshot: the counter and the rows agree */
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		store_sqlerr(st->db, st, "reading the feed", err, errlen);
		return -1;
	}
	if (store_feed_state(st, tier, fs, err, errlen) < 0)
		goto fail;
	if (sqlite3_prepare_v2(st->db, "SELECT w.id, w.seq, w.start,"
	    " w.seconds, s.name FROM windows w"
	    " JOIN sensors s ON s.id = w.sensor_id"
	    " WHERE w.tier = ?1 AND w.seq >= ?2 AND (?3 IS NULL OR"
	    " s.name = ?3) ORDER BY w.seq", -1, &w,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "SELECT proto, src, dst, sport, dport,"
	    " packets, bytes, first_us, last_us, tcp_flags FROM edges"
	    " WHERE window_id = ?1 ORDER BY proto, src, dst, sport, dport"
	    " LIMIT -1 OFFSET ?2", -1, &e, NULL) != SQLITE_OK) {
		store_sqlerr(st->db, st, "reading the feed", err, errlen);
		goto fail;
	}
	sqlite3_bind_int(w, 1, tier);
	sqlite3_bind_int64(w, 2, from_seq);
	if (sensor != NULL)
		sqlite3_bind_text(w, 3, sensor, -1, SQLITE_STATIC);
	while (stop == 0 && (rc = sqlite3_step(w)) == SQLITE_ROW) {
		wid = sqlite3_column_int64(w, 0);
		seq = sqlite3_column_int64(w, 1);
		memset(&r, 0, sizeof(r));
		r.window_start = sqlite3_column_int64(w, 2);
		r.seconds = (unsigned)sqlite3_column_int(w, 3);
		r.sensor = (const char *)sqlite3_column_text(w, 4);
		sqlite3_bind_int64(e, 1, wid);
		sqlite3_bind_int64(e, 2, seq == from_seq &&
		    skip <= INT64_MAX ? (int64_t)skip : 0);
		while ((rc = sqlite3_step(e)) == SQLITE_ROW) {
			r.proto = (unsigned)sqlite3_column_int(e, 0);
			r.ipver = store_column_addr(e, 1, r.src);
			store_column_addr(e, 2, r.dst);
			r.sport = (unsigned)sqlite3_column_int(e, 3);
			r.dport = (unsigned)sqlite3_column_int(e, 4);
			r.packets = (uint64_t)sqlite3_column_int64(e, 5);
			r.bytes = (uint64_t)sqlite3_column_int64(e, 6);
			r.first_us = r.window_start * 1000000 +
			    sqlite3_column_int64(e, 7);
			r.last_us = r.window_start * 1000000 +
			    sqlite3_column_int64(e, 8);
			r.tcp_flags = (unsigned)sqlite3_column_int(e, 9);
			if ((stop = cb(seq, &r, arg)) != 0)
				break;
		}
		sqlite3_reset(e);
		if (stop == 0 && rc != SQLITE_DONE)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		store_sqlerr(st->db, st, "reading the feed", err, errlen);
		goto fail;
	}
	sqlite3_finalize(e);
	sqlite3_finalize(w);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return stop;
fail:
	sqlite3_finalize(e);
	sqlite3_finalize(w);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* --- reading: what the database holds ----------------------------------- */

/* One integer from sql (no parameters); 0, or -1 with err. */
static int
store_int(struct store *st, const char *sql, int64_t *v, int *isnull,
    char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_sqlerr(st->db, st, "reading what the database holds", err,
		    errlen);
		return -1;
	}
	return store_one_int(st, s, v, isnull, "reading what the database "
	    "holds", err, errlen);
}

/* Copy a text column into out (len bytes), "" for NULL. */
static void
store_text(sqlite3_stmt *s, int col, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	snprintf(out, len, "%s", t != NULL ? (const char *)t : "");
}

/*
 * The spans: one row per sensor, tier and window length, folded here
 * into one span per sensor and tier.  With counts, each window's edges
 * are counted through the edges key (window_id first).
 */
static int
store_info_spans(struct store *st, int counts, struct store_info *in,
    char *err, size_t errlen)
{
	static const char plain[] =
	    "SELECT s.name, w.tier, w.seconds, min(w.start),"
	    " max(w.start + w.seconds), count(*), 0"
	    " FROM windows w JOIN sensors s ON s.id = w.sensor_id"
	    " GROUP BY s.name, w.tier, w.seconds"
	    " ORDER BY s.name, w.tier, w.seconds";
	static const char counted[] =
	    "SELECT s.name, w.tier, w.seconds, min(w.start),"
	    " max(w.start + w.seconds), count(*),"
	    " sum((SELECT count(*) FROM edges e WHERE e.window_id = w.id))"
	    " FROM windows w JOIN sensors s ON s.id = w.sensor_id"
	    " GROUP BY s.name, w.tier, w.seconds"
	    " ORDER BY s.name, w.tier, w.seconds";
	struct store_span *sp = NULL, *grown;
	sqlite3_stmt *s = NULL;
	const char *name;
	size_t cap = 0;
	int rc, tier;

	if (sqlite3_prepare_v2(st->db, counts ? counted : plain, -1, &s,
	    NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		tier = sqlite3_column_int(s, 1);
		if (name == NULL)
			name = "";
		if (in->nspans == 0 || sp->tier != tier ||
		    strcmp(sp->sensor, name) != 0) {
			if (in->nspans == cap) {
				cap = cap ? cap * 2 : 8;
				if ((grown = realloc(in->spans, cap *
				    sizeof(*grown))) == NULL)
					goto oom;
				in->spans = grown;
			}
			sp = &in->spans[in->nspans];
			memset(sp, 0, sizeof(*sp));
			if ((sp->sensor = strdup(name)) == NULL)
				goto oom;
			in->nspans++;
			sp->tier = tier;
			sp->first_s = sqlite3_column_int64(s, 3);
			sp->last_s = sqlite3_column_int64(s, 4);
		}
		if (sqlite3_column_int64(s, 3) < sp->first_s)
			sp->first_s = sqlite3_column_int64(s, 3);
		if (sqlite3_column_int64(s, 4) > sp->last_s)
			sp->last_s = sqlite3_column_int64(s, 4);
		sp->windows += (uint64_t)sqlite3_column_int64(s, 5);
		sp->edges += (uint64_t)sqlite3_column_int64(s, 6);
		if (sp->nseconds < sizeof(sp->seconds) / sizeof(sp->seconds[0]))
			sp->seconds[sp->nseconds++] =
			    (unsigned)sqlite3_column_int(s, 2);
		in->windows += (uint64_t)sqlite3_column_int64(s, 5);
		in->edges += (uint64_t)sqlite3_column_int64(s, 6);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	return 0;
oom:
	sqlite3_finalize(s);
	snprintf(err, errlen, "%s: out of memory", st->path);
	return -1;
fail:
	store_sqlerr(st->db, st, "reading the windows", err, errlen);
	sqlite3_finalize(s);
	return -1;
}

static int
store_info_sensors(struct store *st, struct store_info *in, char *err,
    size_t errlen)
{
	sqlite3_stmt *s = NULL;
	char **grown;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT name FROM sensors ORDER BY name",
	    -1, &s, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (in->nsensors == cap) {
			cap = cap ? cap * 2 : 8;
			if ((grown = realloc(in->sensors, cap *
			    sizeof(*grown))) == NULL)
				goto oom;
			in->sensors = grown;
		}
		if ((in->sensors[in->nsensors] = strdup(
		    sqlite3_column_text(s, 0) != NULL ?
		    (const char *)sqlite3_column_text(s, 0) : "")) == NULL)
			goto oom;
		in->nsensors++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	return 0;
oom:
	sqlite3_finalize(s);
	snprintf(err, errlen, "%s: out of memory", st->path);
	return -1;
fail:
	store_sqlerr(st->db, st, "reading the sensors", err, errlen);
	sqlite3_finalize(s);
	return -1;
}

/* The most recent import (by its start, an ISO 8601 UTC text). */
static int
store_info_import(struct store *st, struct store_info *in, char *err,
    size_t errlen)
{
	sqlite3_stmt *s = NULL;
	int64_t n;
	int rc;

	if (store_int(st, "SELECT count(*) FROM imports", &n, NULL, err,
	    errlen) < 0)
		return -1;
	in->imports = (uint64_t)n;
	if (sqlite3_prepare_v2(st->db, "SELECT started, finished, path,"
	    " status, frames FROM imports ORDER BY started DESC, rowid DESC"
	    " LIMIT 1", -1, &s, NULL) != SQLITE_OK) {
		store_sqlerr(st->db, st, "reading imports", err, errlen);
		return -1;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		in->has_import = 1;
		store_text(s, 0, in->last_import.started,
		    sizeof(in->last_import.started));
		store_text(s, 1, in->last_import.finished,
		    sizeof(in->last_import.finished));
		store_text(s, 2, in->last_import.path,
		    sizeof(in->last_import.path));
		store_text(s, 3, in->last_import.status,
		    sizeof(in->last_import.status));
		in->last_import.frames = (uint64_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_sqlerr(st->db, st, "reading imports", err, errlen);
		return -1;
	}
	return 0;
}

int
store_info(struct store *st, int what, struct store_info *in, char *err,
    size_t errlen)
{
	char wal[4096];
	struct stat sb;
	int64_t v, size;
	int isnull, counts = (what & STORE_INFO_COUNTS) == STORE_INFO_COUNTS;

	memset(in, 0, sizeof(*in));
	if (store_info_sensors(st, in, err, errlen) < 0)
		return -1;
	if ((what & STORE_INFO_SPANS) != STORE_INFO_SPANS)
		return 0;
	if (store_int(st, "SELECT max(version) FROM schema_version", &v,
	    NULL, err, errlen) < 0)
		return -1;
	in->schema_version = (int)v;
	if (store_int(st, "PRAGMA page_count", &v, NULL, err, errlen) < 0 ||
	    store_int(st, "PRAGMA page_size", &size, NULL, err, errlen) < 0)
		return -1;
	in->file_bytes = (uint64_t)v * (uint64_t)size;
	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", st->path) <
	    sizeof(wal) && stat(wal, &sb) == 0)
		in->wal_bytes = (uint64_t)sb.st_size;
	if (store_int(st, "SELECT max(start + seconds) FROM windows"
	    " WHERE tier = 0", &v, &isnull, err, errlen) < 0)
		return -1;
	in->has_capture = !isnull;
	in->last_capture_s = v;
	/* the pairs table holds every address of the edges, in fewer rows */
	if (counts && store_int(st, "SELECT count(*) FROM"
	    " (SELECT src FROM pairs UNION SELECT dst FROM pairs)", &v, NULL,
	    err, errlen) < 0)
		return -1;
	in->hosts = counts ? (uint64_t)v : 0;
	if (store_info_spans(st, counts, in, err, errlen) < 0 ||
	    store_info_import(st, in, err, errlen) < 0)
		return -1;
	return 0;
}

void
store_info_free(struct store_info *in)
{
	size_t i;

	if (in == NULL)
		return;
	for (i = 0; i < in->nspans; i++)
		free(in->spans[i].sensor);
	free(in->spans);
	for (i = 0; i < in->nsensors; i++)
		free(in->sensors[i]);
	free(in->sensors);
	in->spans = NULL;
	in->sensors = NULL;
	in->nspans = in->nsensors = 0;
}

int
store_windows_in(struct store *st, const struct filter *q, uint64_t *n,
    int *tier, int64_t *first_s, int64_t *last_s, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	int rc;

	*n = 0;
	*tier = STORE_TIER_RAW;
	*first_s = *last_s = 0;
	/* the overlap test of the row query (QUERY_WHERE_WINDOWS) */
	if (sqlite3_prepare_v2(st->db, "SELECT w.tier, count(*),"
	    " min(w.start), max(w.start + w.seconds)"
	    " FROM windows w JOIN sensors s ON s.id = w.sensor_id"
	    " WHERE (?1 < 0 OR w.tier = ?1) AND w.start BETWEEN ?2 AND ?3"
	    " AND (w.start + w.seconds) * 1000000 > ?4"
	    " AND w.start * 1000000 <= ?5"
	    " AND (?6 IS NULL OR s.name = ?6)"
	    " GROUP BY w.tier ORDER BY w.tier LIMIT 1", -1, &s, NULL) !=
	    SQLITE_OK) {
		store_sqlerr(st->db, st, "counting windows", err, errlen);
		return -1;
	}
	store_bind(q, s, q->tier >= 0 ? q->tier : -1, NULL);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*tier = sqlite3_column_int(s, 0);
		*n = (uint64_t)sqlite3_column_int64(s, 1);
		*first_s = sqlite3_column_int64(s, 2);
		*last_s = sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_sqlerr(st->db, st, "counting windows", err, errlen);
		return -1;
	}
	return 0;
}

/* --- reading: the cost limit ---------------------------------------------- */

/*
 * SQLite's progress handler calls store_progress every STORE_STEP VM
 * instructions; when the budget is spent it interrupts the statement.
 */
#define STORE_STEP	1000

static int
store_progress(void *arg)
{
	struct store *st = arg;

	if (st->budget_left == 0) {
		st->budget_tripped = 1;
		return 1;
	}
	st->budget_left--;
	return 0;
}

void
store_set_budget(struct store *st, uint64_t instructions)
{
	st->budget_tripped = 0;
	if (instructions == 0) {
		sqlite3_progress_handler(st->db, 0, NULL, NULL);
		return;
	}
	st->budget_left = instructions / STORE_STEP;
	if (st->budget_left == 0)
		st->budget_left = 1;
	sqlite3_progress_handler(st->db, STORE_STEP, store_progress, st);
}

int
store_budget_spent(const struct store *st)
{
	return st->budget_tripped;
}

/* --- names (passive DNS) ------------------------------------------------ */

int
store_write_names(struct store *st, const char *sensor,
    const struct name_row *rows, size_t n)
{
	int64_t sid;
	int rc;

	if (n == 0)
		return 0;
	if (batch_begin(st, sensor, &st->ins_names, "INSERT INTO names"
	    " (sensor_id, ts_us, client, addr, name, ttl, source)"
	    " SELECT ?1, ts_us, client, addr, name, ttl, source"
	    " FROM batch_names", "names", &sid) < 0)
		return -1;
	st->nm_batch = rows;
	st->nm_n = n;
	rc = step_done(st, st->ins_names, "writing names");
	st->nm_batch = NULL;
	return batch_end(st, "names", rc == 0);
}

/* What both name queries select, in names_row's order. */
#define NAMES_SELECT	"SELECT s.name, n.ts_us, n.client, n.addr, n.ttl," \
			" n.name, n.source FROM names n"

/* A row of NAMES_SELECT into ns: 1, or 0 when it has no name or source. */
static int
names_row(sqlite3_stmt *s, struct name_seen *ns)
{
	memset(ns, 0, sizeof(*ns));
	ns->sensor = (const char *)sqlite3_column_text(s, 0);
	ns->ts_us = sqlite3_column_int64(s, 1);
	ns->cver = (uint8_t)store_column_addr(s, 2, ns->client);
	ns->ver = (uint8_t)store_column_addr(s, 3, ns->addr);
	ns->ttl = (uint32_t)sqlite3_column_int64(s, 4);
	ns->name = (const char *)sqlite3_column_text(s, 5);
	ns->source = (const char *)sqlite3_column_text(s, 6);
	return ns->name != NULL && ns->source != NULL;
}

/* The end of f's span for names: its to, else its now; else none. */
static int64_t
names_end(const struct filter *f)
{
	if (filter_has(f, FILTER_TO))
		return f->to_us;
	if (f->now_us > 0)
		return f->now_us;
	return INT64_MAX;
}

int
store_names(struct store *st, const struct filter *f, int span_only,
    int (*cb)(const struct name_seen *, void *), void *arg, char *err,
    size_t errlen)
{
	sqlite3_stmt *s = NULL;
	struct name_seen ns;
	int64_t from = INT64_MIN, to = names_end(f);
	int rc, stop = 0;

	if (span_only && filter_has(f, FILTER_FROM))
		from = f->from_us;
	rc = sqlite3_prepare_v2(st->db, NAMES_SELECT
	    " JOIN sensors s ON s.id = n.sensor_id"
	    " WHERE n.ts_us BETWEEN ?1 AND ?2 AND (?3 IS NULL OR s.name = ?3)"
	    " ORDER BY n.ts_us, n.rowid", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		/* a database from before schema 7, opened read-only */
		if (sqlite3_errcode(st->db) == SQLITE_ERROR &&
		    strstr(sqlite3_errmsg(st->db), "no such table") != NULL)
			return 0;
		snprintf(err, errlen, "querying names: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (filter_has(f, FILTER_SENSOR))
		sqlite3_bind_text(s, 3, f->sensor, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!names_row(s, &ns))
			continue;
		/* the address named, or the client told */
		if (span_only && filter_has(f, FILTER_HOST) &&
		    !addr_in_cidr(&f->host, ns.ver, ns.addr) &&
		    !addr_in_cidr(&f->host, ns.cver, ns.client))
			continue;
		if ((stop = cb(&ns, arg)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		snprintf(err, errlen, "reading names: %s",
		    sqlite3_errmsg(st->db));
		stop = -1;
	}
	sqlite3_finalize(s);
	return stop < 0 ? -1 : stop;
}

long
store_names_rows(struct store *st)
{
	int64_t n = 0;

	/*
	 * The two ends of the table's tree: one seek each (a max and a min
	 * in one SELECT would read every row).  An empty table is a NULL,
	 * read as 0.
	 */
	if (pragma_int(st, "SELECT (SELECT max(rowid) FROM names) -"
	    " (SELECT min(rowid) FROM names) + 1", &n) < 0)
		return -1;
	return (long)n;
}

int
store_names_of(struct store *st, const struct filter *f,
    const struct name_key *keys, size_t n, const char *const *sources,
    size_t nsources, int (*cb)(const struct name_seen *, void *),
    void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	struct name_seen ns;
	size_t i, j;
	int rc = SQLITE_DONE, stop = 0;

	/*
	 * names_by_addr gives each (address, source) its rows in time
	 * order: the newest at or before the end is the first one met
	 * walking back from it.  A sensor asked for is checked on the rows
	 * met (the other sensors' rows are passed over).
	 */
	if (sqlite3_prepare_v2(st->db, NAMES_SELECT " INDEXED BY names_by_addr"
	    " JOIN sensors s ON s.id = n.sensor_id"
	    " WHERE n.addr = ?1 AND n.source = ?2 AND n.ts_us <= ?3"
	    " AND (?4 IS NULL OR s.name = ?4)"
	    " ORDER BY n.ts_us DESC, n.rowid DESC LIMIT 1", -1, &s,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "querying names: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_bind_int64(s, 3, names_end(f));
	if (filter_has(f, FILTER_SENSOR))
		sqlite3_bind_text(s, 4, f->sensor, -1, SQLITE_STATIC);
	for (i = 0; i < n && !stop; i++) {
		if (keys[i].ver != 4 && keys[i].ver != 6)
			continue;
		sqlite3_bind_blob(s, 1, keys[i].addr, keys[i].ver == 6 ? 16 :
		    4, SQLITE_STATIC);
		for (j = 0; j < nsources && !stop; j++) {
			sqlite3_bind_text(s, 2, sources[j], -1,
			    SQLITE_STATIC);
			rc = sqlite3_step(s);
			if (rc == SQLITE_ROW) {
				if (names_row(s, &ns))
					stop = cb(&ns, arg);
				rc = SQLITE_DONE;
			}
			if (rc != SQLITE_DONE) {
				snprintf(err, errlen, "reading names: %s",
				    sqlite3_errmsg(st->db));
				stop = -1;
			}
			sqlite3_reset(s);
		}
	}
	sqlite3_finalize(s);
	return stop < 0 ? -1 : stop;
}
