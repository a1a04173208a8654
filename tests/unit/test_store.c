/* test_store.c - unit tests for the store: opening and migrations, window
 * writes read back, roll-ups, retention, events, imports, the read budget,
 * and faults (a statement failing halfway, a full disk, a busy database, a
 * read-only database), on real SQLite files in a temporary folder. */

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "flowtable.h"
#include "query.h"
#include "namebook.h"
#include "packet.h"
#include "store.h"
#include "window.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define T0		INT64_C(1232064000)	/* 2009-01-16T00:00:00Z */
#define US		INT64_C(1000000)

/* --- the test's own view of a database --------------------------------- */

static char tmpdir[64];

/* A file name in the temporary folder (eight may be in use at once). */
static const char *
db_path(const char *name)
{
	static char path[8][128];
	static unsigned next;
	char *p = path[next++ % NELEM(path)];

	snprintf(p, sizeof(path[0]), "%s/%s.db", tmpdir, name);
	return p;
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_store.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

/* TEST_STORE_KEEP=1 keeps the folder, to look at the databases. */
static int
group_teardown(void **state)
{
	(void)state;
	if (getenv("TEST_STORE_KEEP") == NULL)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/*
 * One integer from SQL, through a connection of the test's own (read
 * only, so it never creates or migrates anything); other, when given,
 * is attached as b.
 */
static int64_t
sql_int_with(const char *path, const char *other, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char attach[512];
	int64_t v;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		fail_msg("%s: %s", path, sqlite3_errmsg(db));
	if (other != NULL) {
		snprintf(attach, sizeof(attach), "ATTACH '%s' AS b", other);
		if (sqlite3_exec(db, attach, NULL, NULL, NULL) != SQLITE_OK)
			fail_msg("%s: %s", attach, sqlite3_errmsg(db));
	}
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int64_t
sql_int(const char *path, const char *sql)
{
	return sql_int_with(path, NULL, sql);
}

static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		fail_msg("%s: %s", path, sqlite3_errmsg(db));
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void
integrity_ok(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	sqlite3_close(db);
}

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char b[8192];
	size_t n;

	if (in == NULL)
		fail_msg("%s: %s", from, strerror(errno));
	assert_non_null(out = fopen(to, "wb"));
	while ((n = fread(b, 1, sizeof(b), in)) > 0)
		assert_int_equal(fwrite(b, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- windows of known content ------------------------------------------ */

/*
 * A window of n edges, four per address pair (ports 1000-1003), so the
 * pairs table holds n / 4 rows (rounded up).  Pair p is 10.0.p/256.p%256
 * -> 192.0.2.p%200 over TCP, except every tenth (p % 10 == 9), which is
 * 2001:db8::p -> 2001:db8:1::1 over UDP.  Edge i carries i % 5 + 1
 * packets of 100 + i % 3 bytes, within the window's seconds.  The same n
 * gives the same keys, so a smaller window's keys are a larger one's.
 */
struct expect {
	size_t		edges;
	size_t		pairs;
	uint64_t	packets;
	uint64_t	bytes;
};

static void
edge_key(struct flow_key *k, size_t i)
{
	size_t p = i / 4;

	memset(k, 0, sizeof(*k));
	if (p % 10 == 9) {
		k->ipver = 6;
		k->proto = 17;
		k->src[0] = 0x20;
		k->src[1] = 0x01;
		k->src[2] = 0x0d;
		k->src[3] = 0xb8;
		k->src[14] = (uint8_t)(p >> 8);
		k->src[15] = (uint8_t)p;
		k->dst[0] = 0x20;
		k->dst[1] = 0x01;
		k->dst[2] = 0x0d;
		k->dst[3] = 0xb8;
		k->dst[5] = 1;
		k->dst[15] = 1;
	} else {
		k->ipver = 4;
		k->proto = 6;
		k->src[0] = 10;
		k->src[2] = (uint8_t)(p >> 8);
		k->src[3] = (uint8_t)p;
		k->dst[0] = 192;
		k->dst[2] = 2;
		k->dst[3] = (uint8_t)(p % 200);
	}
	k->sport = (uint16_t)(1000 + i % 4);
	k->dport = 80;
}

/* Whether edge i is IPv4 and inside 10.0.0.0/24 (for the src filter). */
static int
edge_in_src24(size_t i)
{
	size_t p = i / 4;

	return p % 10 != 9 && p < 256;
}

static struct flowtable *
make_window(int64_t start_s, unsigned seconds, size_t n, struct expect *x)
{
	struct flowtable *ft = flowtable_new(n, 0);
	struct flow_key k;
	size_t i, j;

	assert_non_null(ft);
	memset(x, 0, sizeof(*x));
	for (i = 0; i < n; i++) {
		edge_key(&k, i);
		for (j = 0; j < i % 5 + 1; j++) {
			int64_t ts = (start_s + (int64_t)((i + j) % seconds)) *
			    US + (int64_t)j;

			assert_int_equal(flowtable_add(ft, &k,
			    k.proto == 6 ? 0x02 : 0, (uint32_t)(100 + i % 3),
			    ts), 0);
			x->packets++;
			x->bytes += 100 + i % 3;
		}
	}
	x->edges = n;
	x->pairs = (n + 3) / 4;
	return ft;
}

static struct window_stats
stats_of(const struct expect *x, uint64_t salt)
{
	struct window_stats ws;

	ws.frames = x->packets + salt;
	ws.bytes = x->bytes + 60 * salt;
	ws.undecoded = salt;
	ws.cap_recv = 1000 + salt;
	ws.cap_drop = 2 + salt;
	ws.cap_ifdrop = 3 + salt;
	ws.overflow = 4 + salt;
	return ws;
}

/* Write a window of n edges at start_s (raw, 60 s, sensor s). */
static void
write_window(struct store *st, const char *sensor, int64_t start_s, size_t n,
    struct expect *x)
{
	struct expect e;
	struct flowtable *ft = make_window(start_s, 60, n, x != NULL ? x : &e);
	struct window_stats ws = stats_of(x != NULL ? x : &e, 0);

	if (store_write_window(st, sensor, STORE_TIER_RAW, start_s, 60, &ws,
	    ft) != 0)
		fail_msg("store_write_window: %s", store_error(st));
	flowtable_free(ft);
}

static struct store *
open_ok(const char *path, int readonly)
{
	struct store *st;
	char err[512];

	if ((st = store_open(path, readonly, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	return st;
}

/* --- reading back through a filter ------------------------------------- */

struct tally {
	uint64_t	rows;
	uint64_t	packets;
	uint64_t	bytes;
	int64_t		last_start;
	char		last_sensor[16];
	int		unordered;	/* not by window, then sensor */
	int		stop_at;	/* stop after this many rows (0: no) */
};

static int
tally_row(const struct store_row *r, void *arg)
{
	struct tally *t = arg;
	/* a graph's rows (STORE_READ_GRAPH) carry no sensor */
	const char *sensor = r->sensor != NULL ? r->sensor : "";

	if (r->window_start < t->last_start ||
	    (r->window_start == t->last_start &&
	    strcmp(sensor, t->last_sensor) < 0))
		t->unordered = 1;
	t->last_start = r->window_start;
	snprintf(t->last_sensor, sizeof(t->last_sensor), "%s", sensor);
	t->rows++;
	t->packets += r->packets;
	t->bytes += r->bytes;
	if (r->first_us < r->window_start * US || r->last_us < r->first_us ||
	    r->last_us >= (r->window_start + r->seconds) * US)
		fail_msg("row times %lld..%lld outside window %lld+%u",
		    (long long)r->first_us, (long long)r->last_us,
		    (long long)r->window_start, r->seconds);
	return t->stop_at != 0 && t->rows == (uint64_t)t->stop_at ? 7 : 0;
}

static struct filter *
filter_of(const char *const *kv)
{
	struct filter *f = filter_new();
	char err[256];

	assert_non_null(f);
	for (; kv != NULL && kv[0] != NULL; kv += 2)
		if (filter_set(f, kv[0], kv[1], (T0 + 86400) * US, err,
		    sizeof(err)) < 0)
			fail_msg("%s=%s: %s", kv[0], kv[1], err);
	return f;
}

/* Read with a filter given as name, value pairs; the rows tallied. */
static struct tally
read_kv(struct store *st, int what, const char *const *kv, int *tier)
{
	struct filter *f = filter_of(kv);
	struct tally t;
	uint64_t rows = 0;
	char err[512];

	memset(&t, 0, sizeof(t));
	t.last_start = INT64_MIN;
	if (store_read(st, f, what, tally_row, &t, tier, &rows, err,
	    sizeof(err)) != 0)
		fail_msg("store_read: %s", err);
	assert_int_equal(rows, t.rows);
	if (what == STORE_READ_ROWS)
		assert_false(t.unordered);
	filter_free(f);
	return t;
}

/* --- opening ----------------------------------------------------------- */

static void
test_open_new(void **state)
{
	const char *path = db_path("new");
	struct store *st;
	char sql[128];

	(void)state;
	assert_int_equal(access(path, F_OK), -1);
	st = open_ok(path, 0);
	assert_string_equal(store_path(st), path);
	store_close(st);
	assert_int_equal(sql_int(path, "SELECT max(version) FROM "
	    "schema_version"), STORE_SCHEMA_VERSION);
	/* one row per migration applied, in order */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM schema_version"),
	    STORE_SCHEMA_VERSION);
	snprintf(sql, sizeof(sql), "SELECT count(*) = %d AND min(version) = 1"
	    " FROM schema_version", STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(path, sql), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('sensors', 'windows', 'edges',"
	    " 'pairs', 'rollup_pending', 'events', 'imports')"), 7);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name = 'windows_by_time'"), 1);
	/* WAL is a property of the file: a reader sees it too */
	assert_int_equal(sql_int(path, "SELECT journal_mode = 'wal' FROM"
	    " pragma_journal_mode"), 1);
	/* opening again migrates nothing */
	store_close(open_ok(path, 0));
	assert_int_equal(sql_int(path, "SELECT count(*) FROM schema_version"),
	    STORE_SCHEMA_VERSION);
}

static void
test_open_reopen(void **state)
{
	const char *path = db_path("reopen");
	struct store *st;
	struct expect x;
	struct tally t;

	(void)state;
	st = open_ok(path, 0);
	write_window(st, "s", T0, 40, &x);
	store_close(st);
	st = open_ok(path, 0);
	t = read_kv(st, STORE_READ_ROWS, NULL, NULL);
	assert_int_equal(t.rows, x.edges);
	assert_int_equal(t.packets, x.packets);
	store_close(st);
	st = open_ok(path, 1);
	t = read_kv(st, STORE_READ_ROWS, NULL, NULL);
	assert_int_equal(t.rows, x.edges);
	assert_int_equal(t.bytes, x.bytes);
	store_close(st);
}

static void
test_open_missing(void **state)
{
	const char *path = db_path("missing");
	char err[512] = "";

	(void)state;
	assert_null(store_open(path, 1, err, sizeof(err)));
	if (strstr(err, path) == NULL)
		fail_msg("error does not name the file: %s", err);
	/* a reader never creates the file */
	assert_int_equal(access(path, F_OK), -1);
}

static void
test_open_newer(void **state)
{
	const char *path = db_path("newer");
	char err[512], sql[160];
	int ro;

	(void)state;
	store_close(open_ok(path, 0));
	snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES (%d,"
	    " datetime('now'))", STORE_SCHEMA_VERSION + 1);
	sql_exec(path, sql);
	for (ro = 0; ro <= 1; ro++) {
		err[0] = '\0';
		assert_null(store_open(path, ro, err, sizeof(err)));
		if (strstr(err, path) == NULL || strstr(err, "newer") == NULL)
			fail_msg("readonly %d: %s", ro, err);
	}
	/* refused, not touched */
	assert_int_equal(sql_int(path, "SELECT max(version) FROM "
	    "schema_version"), STORE_SCHEMA_VERSION + 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM schema_version"),
	    STORE_SCHEMA_VERSION + 1);
}

static void
test_open_v1(void **state)
{
	const char *path = db_path("v1");
	const char *top = getenv("top_srcdir");
	char src[1024], err[512];
	struct store *st;
	struct tally rows, graph;
	static const char *const hour[] = { "tier", "hour", NULL };

	(void)state;
	snprintf(src, sizeof(src), "%s/tests/data/schema-v1.db",
	    top != NULL ? top : ".");
	copy_file(src, path);
	assert_int_equal(sql_int(path, "SELECT max(version) FROM "
	    "schema_version"), 1);
	/* a reader cannot upgrade it, and says how */
	err[0] = '\0';
	assert_null(store_open(path, 1, err, sizeof(err)));
	if (strstr(err, path) == NULL || strstr(err, "older") == NULL)
		fail_msg("%s", err);
	assert_int_equal(sql_int(path, "SELECT max(version) FROM "
	    "schema_version"), 1);

	st = open_ok(path, 0);
	store_close(st);
	assert_int_equal(sql_int(path, "SELECT max(version) FROM "
	    "schema_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM schema_version"),
	    STORE_SCHEMA_VERSION);
	/* data kept: 3 windows (raw, hour, day) of 6 edges, 28 packets */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows"), 3);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"), 18);
	assert_int_equal(sql_int(path, "SELECT sum(frames) FROM windows"),
	    3 * 28);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM imports WHERE"
	    " status = 'complete'"), 1);
	/* the pairs table is filled from the edges (6 pairs per window) */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs"), 18);
	assert_int_equal(sql_int(path, "SELECT sum(packets) FROM pairs"),
	    sql_int(path, "SELECT sum(packets) FROM edges"));
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events"), 0);
	integrity_ok(path);

	/* and reads the same through edges and pairs */
	st = open_ok(path, 1);
	rows = read_kv(st, STORE_READ_ROWS, NULL, NULL);
	graph = read_kv(st, STORE_READ_GRAPH, NULL, NULL);
	assert_int_equal(rows.rows, 6);
	assert_int_equal(rows.packets, 28);
	assert_int_equal(graph.rows, 6);
	assert_int_equal(graph.packets, 28);
	assert_int_equal(graph.bytes, rows.bytes);
	rows = read_kv(st, STORE_READ_ROWS, hour, NULL);
	assert_int_equal(rows.rows, 6);
	assert_int_equal(rows.packets, 28);
	store_close(st);
}

/* --- writing windows --------------------------------------------------- */

struct wlist {
	size_t			n;
	struct store_window	w[4];
	char			sensor[4][16];
};

static int
wlist_add(const struct store_window *w, void *arg)
{
	struct wlist *l = arg;

	if (l->n < NELEM(l->w)) {
		l->w[l->n] = *w;
		snprintf(l->sensor[l->n], sizeof(l->sensor[0]), "%s",
		    w->sensor);
		l->w[l->n].sensor = l->sensor[l->n];
	}
	l->n++;
	return 0;
}

static void
test_write_window(void **state)
{
	static const char *const src24[] = { "src", "10.0.0.0/24", NULL };
	static const char *const udp[] = { "proto", "udp", NULL };
	static const char *const other_sensor[] = { "sensor", "t", NULL };
	static const char *const span[] = { "from", "2009-01-16T00:00:00Z",
	    "to", "2009-01-16T00:00:59Z", NULL };
	static const char *const later[] = { "from", "2009-01-16T00:01:00Z",
	    NULL };
	const char *path = db_path("write");
	const size_t n = 1203;		/* 301 pairs, 30 of them IPv6 */
	struct store *st;
	struct flowtable *ft;
	struct window_stats ws, ws2;
	struct expect x;
	struct tally t;
	struct wlist wl;
	struct filter *f;
	struct buf plan = BUF_INIT;
	char err[512];
	size_t i, in24 = 0, n6 = 0;
	int tier;

	(void)state;
	for (i = 0; i < n; i++) {
		in24 += edge_in_src24(i);
		n6 += (i / 4) % 10 == 9;
	}
	assert_int_equal(n6, 120);
	st = open_ok(path, 0);
	ft = make_window(T0, 60, n, &x);
	assert_int_equal(x.pairs, 301);
	ws = stats_of(&x, 5);
	assert_int_equal(store_write_window(st, "s", STORE_TIER_RAW, T0, 60,
	    &ws, ft), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"), n);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs"), x.pairs);
	assert_int_equal(sql_int(path, "SELECT sum(packets) FROM edges"),
	    x.packets);
	assert_int_equal(sql_int(path, "SELECT sum(bytes) FROM pairs"),
	    x.bytes);
	/* addresses as 4- or 16-byte blobs, times relative to the window */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges WHERE"
	    " length(src) = 16 AND length(dst) = 16"), n6);
	assert_int_equal(sql_int(path, "SELECT min(first_us) >= 0 AND"
	    " max(last_us) < 60000000 FROM edges"), 1);
	/* the raw window marks its hour for the roll-up */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollup_pending"
	    " WHERE tier = 1 AND start = 1232064000"), 1);

	/* the same window again adds to every row, duplicating none */
	ws2 = stats_of(&x, 1);
	assert_int_equal(store_write_window(st, "s", STORE_TIER_RAW, T0, 60,
	    &ws2, ft), 0);
	flowtable_free(ft);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"), n);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs"), x.pairs);
	assert_int_equal(sql_int(path, "SELECT sum(packets) FROM edges"),
	    2 * x.packets);
	assert_int_equal(sql_int(path, "SELECT sum(packets) FROM pairs"),
	    2 * x.packets);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollup_pending"),
	    1);
	/* the counters add up */
	assert_int_equal(sql_int(path, "SELECT frames FROM windows"),
	    ws.frames + ws2.frames);
	assert_int_equal(sql_int(path, "SELECT bytes FROM windows"),
	    ws.bytes + ws2.bytes);
	assert_int_equal(sql_int(path, "SELECT undecoded + cap_recv * 10 +"
	    " cap_drop * 100 + cap_ifdrop * 1000 + overflow * 10000 FROM"
	    " windows"), (int64_t)(ws.undecoded + ws2.undecoded) +
	    (int64_t)(ws.cap_recv + ws2.cap_recv) * 10 +
	    (int64_t)(ws.cap_drop + ws2.cap_drop) * 100 +
	    (int64_t)(ws.cap_ifdrop + ws2.cap_ifdrop) * 1000 +
	    (int64_t)(ws.overflow + ws2.overflow) * 10000);
	/* another sensor's window of the same span is another window */
	write_window(st, "t", T0, 8, NULL);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sensors"), 2);

	/* read back: every row, ordered; the graph reads one row per pair */
	t = read_kv(st, STORE_READ_ROWS, NULL, &tier);
	assert_int_equal(tier, STORE_TIER_RAW);
	assert_int_equal(t.rows, n + 8);
	t = read_kv(st, STORE_READ_GRAPH, NULL, NULL);
	assert_int_equal(t.rows, x.pairs + 2);
	t = read_kv(st, STORE_READ_ROWS, other_sensor, NULL);
	assert_int_equal(t.rows, 8);
	/* the callback's value stops the reading and is returned */
	f = filter_of(NULL);
	memset(&t, 0, sizeof(t));
	t.last_start = INT64_MIN;
	t.stop_at = 3;
	assert_int_equal(store_read(st, f, STORE_READ_ROWS, tally_row, &t,
	    NULL, NULL, err, sizeof(err)), 7);
	assert_int_equal(t.rows, 3);
	filter_free(f);
	/* filters, counted from the construction ("t": 2 pairs in the /24) */
	t = read_kv(st, STORE_READ_ROWS, src24, NULL);
	assert_int_equal(t.rows, in24 + 8);
	t = read_kv(st, STORE_READ_GRAPH, src24, NULL);
	assert_int_equal(t.rows, (in24 + 3) / 4 + 2);
	t = read_kv(st, STORE_READ_GRAPH, udp, NULL);
	assert_int_equal(t.rows, n6);	/* edges, for the protocol */
	t = read_kv(st, STORE_READ_ROWS, span, NULL);
	assert_int_equal(t.rows, n + 8);
	t = read_kv(st, STORE_READ_ROWS, later, NULL);
	assert_int_equal(t.rows, 0);

	/* the windows listing, with its counters */
	memset(&wl, 0, sizeof(wl));
	assert_int_equal(store_windows(st, STORE_TIER_RAW, T0 * US,
	    (T0 + 59) * US, "s", wlist_add, &wl, err, sizeof(err)), 0);
	assert_int_equal(wl.n, 1);
	assert_int_equal(wl.w[0].start, T0);
	assert_int_equal(wl.w[0].seconds, 60);
	assert_int_equal(wl.w[0].tier, STORE_TIER_RAW);
	assert_string_equal(wl.w[0].sensor, "s");
	assert_int_equal(wl.w[0].edges, n);
	assert_int_equal(wl.w[0].stats.frames, ws.frames + ws2.frames);
	assert_int_equal(wl.w[0].stats.cap_drop, ws.cap_drop + ws2.cap_drop);
	assert_int_equal(wl.w[0].stats.overflow, ws.overflow + ws2.overflow);
	memset(&wl, 0, sizeof(wl));
	assert_int_equal(store_windows(st, STORE_TIER_RAW, T0 * US,
	    (T0 + 59) * US, NULL, wlist_add, &wl, err, sizeof(err)), 0);
	assert_int_equal(wl.n, 2);
	assert_string_equal(wl.w[1].sensor, "t");
	memset(&wl, 0, sizeof(wl));
	assert_int_equal(store_windows(st, STORE_TIER_RAW, (T0 + 60) * US,
	    (T0 + 120) * US, NULL, wlist_add, &wl, err, sizeof(err)), 0);
	assert_int_equal(wl.n, 0);
	memset(&wl, 0, sizeof(wl));
	assert_int_equal(store_windows(st, STORE_TIER_HOUR, 0,
	    (T0 + 86400) * US, NULL, wlist_add, &wl, err, sizeof(err)), 0);
	assert_int_equal(wl.n, 0);

	/* the plan: windows by the time index, rows by their key */
	f = filter_of(span);
	assert_int_equal(store_plan(st, f, &plan, err, sizeof(err)), 0);
	if (strstr(plan.data, "USING INDEX windows_by_time (tier=? AND "
	    "start>? AND start<?)") == NULL ||
	    strstr(plan.data, "USING PRIMARY KEY (window_id=?)") == NULL ||
	    strstr(plan.data, "SCAN") != NULL)
		fail_msg("query plan:\n%s", plan.data);
	buf_free(&plan);
	filter_free(f);

	/*
	 * Whether a graph of ports is over a row limit, known from the
	 * windows' rows (edges and pairs) without reading them: n + 8 edges
	 * and x.pairs + 2 pairs in all; past half the rows from those alone,
	 * between them from the edges counted exactly.
	 */
	f = filter_of(NULL);
	f->detail |= QUERY_DETAIL_PORTS;
	assert_int_equal(store_span_over(st, f, n + 8 + x.pairs + 2, err,
	    sizeof(err)), 0);
	assert_int_equal(store_span_over(st, f, n + 8 + x.pairs + 1, err,
	    sizeof(err)), 0);
	assert_int_equal(store_span_over(st, f, n + 8, err, sizeof(err)), 0);
	assert_int_equal(store_span_over(st, f, n + 7, err, sizeof(err)), 1);
	assert_int_equal(store_span_over(st, f, (n + 8 + x.pairs + 2) / 2 - 1,
	    err, sizeof(err)), 1);
	assert_int_equal(store_span_over(st, f, 1, err, sizeof(err)), 1);
	filter_free(f);
	/* a filter that narrows the rows, or a graph of pairs: not known */
	f = filter_of(udp);
	f->detail |= QUERY_DETAIL_PORTS;
	assert_int_equal(store_span_over(st, f, 1, err, sizeof(err)), 0);
	filter_free(f);
	f = filter_of(NULL);
	assert_int_equal(store_span_over(st, f, 1, err, sizeof(err)), 0);
	filter_free(f);
	store_close(st);
	integrity_ok(path);
}

/* --- roll-ups and retention -------------------------------------------- */

/* Rows of SQL a not in SQL b, and the other way round. */
static int64_t
sql_diff(const char *path, const char *a, const char *b)
{
	char sql[2048];

	snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM (%s EXCEPT"
	    " %s)) + (SELECT count(*) FROM (%s EXCEPT %s))", a, b, b, a);
	return sql_int(path, sql);
}

/*
 * A tier's edges in [lo, hi) summed per key, with absolute times.  The
 * flags are merged with max(), not the store's own bitor(): the same here
 * (every TCP edge has SYN only, UDP none).
 */
#define TIER_EDGES(tier, lo, hi) \
	"SELECT e.proto, e.src, e.dst, e.sport, e.dport, sum(e.packets)," \
	" sum(e.bytes), min(w.start * 1000000 + e.first_us)," \
	" max(w.start * 1000000 + e.last_us), max(e.tcp_flags)" \
	" FROM edges e JOIN windows w ON w.id = e.window_id" \
	" WHERE w.tier = " #tier " AND w.start >= " #lo " AND w.start < " #hi \
	" GROUP BY 1, 2, 3, 4, 5"
#define TIER_PAIRS(tier, lo, hi) \
	"SELECT p.src, p.dst, sum(p.packets), sum(p.bytes)," \
	" min(w.start * 1000000 + p.first_us)," \
	" max(w.start * 1000000 + p.last_us)" \
	" FROM pairs p JOIN windows w ON w.id = p.window_id" \
	" WHERE w.tier = " #tier " AND w.start >= " #lo " AND w.start < " #hi \
	" GROUP BY 1, 2"
#define TIER_COUNTERS(tier, lo, hi) \
	"SELECT sum(frames), sum(bytes), sum(undecoded), sum(cap_recv)," \
	" sum(cap_drop), sum(cap_ifdrop), sum(overflow) FROM windows" \
	" WHERE tier = " #tier " AND start >= " #lo " AND start < " #hi

static void
test_rollup(void **state)
{
	const char *path = db_path("rollup");
	struct store *st;
	struct expect x;
	uint64_t raw_packets = 0;
	struct tally t;
	static const char *const hour[] = { "tier", "hour", NULL };
	static const char *const day[] = { "tier", "day", NULL };

	(void)state;
	st = open_ok(path, 0);
	/* hour 0: three minute windows of overlapping keys; hour 1: one */
	write_window(st, "s", T0, 40, &x);
	raw_packets += x.packets;
	write_window(st, "s", T0 + 60, 20, &x);
	raw_packets += x.packets;
	write_window(st, "s", T0 + 3540, 10, &x);
	raw_packets += x.packets;
	write_window(st, "s", T0 + 3600, 12, &x);
	raw_packets += x.packets;
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollup_pending"
	    " WHERE tier = 1"), 2);

	/* by the end of hour 0 only hour 0 is rolled up */
	assert_int_equal(store_rollup(st, T0 + 3600), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 1"), 1);
	assert_int_equal(sql_int(path, "SELECT start FROM windows WHERE"
	    " tier = 1"), T0);
	assert_int_equal(sql_int(path, "SELECT seconds FROM windows WHERE"
	    " tier = 1"), 3600);
	assert_int_equal(sql_diff(path, TIER_EDGES(0, 1232064000, 1232067600),
	    TIER_EDGES(1, 1232064000, 1232067600)), 0);
	assert_int_equal(sql_diff(path, TIER_PAIRS(0, 1232064000, 1232067600),
	    TIER_PAIRS(1, 1232064000, 1232067600)), 0);
	assert_int_equal(sql_diff(path, TIER_COUNTERS(0, 1232064000,
	    1232067600), TIER_COUNTERS(1, 1232064000, 1232067600)), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges e JOIN"
	    " windows w ON w.id = e.window_id WHERE w.tier = 1"), 40);
	/* its mark went; hour 1 stays marked, day 0 is marked */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollup_pending"
	    " WHERE tier = 1 AND start = 1232064000"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollup_pending"
	    " WHERE tier = 1 AND start = 1232067600"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollup_pending"
	    " WHERE tier = 2 AND start = 1232064000"), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 2"), 0);

	/* a late window in hour 0 marks it again; recomputing, not adding */
	write_window(st, "s", T0 + 120, 50, &x);
	raw_packets += x.packets;
	assert_int_equal(store_rollup(st, T0 + 86400), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM rollup_pending"),
	    0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 1"), 2);
	assert_int_equal(sql_diff(path, TIER_EDGES(0, 1232064000, 1232150400),
	    TIER_EDGES(1, 1232064000, 1232150400)), 0);
	assert_int_equal(sql_diff(path, TIER_COUNTERS(0, 1232064000,
	    1232150400), TIER_COUNTERS(1, 1232064000, 1232150400)), 0);
	/* the day from the hours */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 2"), 1);
	assert_int_equal(sql_int(path, "SELECT seconds FROM windows WHERE"
	    " tier = 2"), 86400);
	assert_int_equal(sql_diff(path, TIER_EDGES(1, 1232064000, 1232150400),
	    TIER_EDGES(2, 1232064000, 1232150400)), 0);
	assert_int_equal(sql_diff(path, TIER_PAIRS(0, 1232064000, 1232150400),
	    TIER_PAIRS(2, 1232064000, 1232150400)), 0);
	assert_int_equal(sql_diff(path, TIER_COUNTERS(0, 1232064000,
	    1232150400), TIER_COUNTERS(2, 1232064000, 1232150400)), 0);

	/* read through the filter, each tier totals the same */
	t = read_kv(st, STORE_READ_ROWS, NULL, NULL);
	assert_int_equal(t.packets, raw_packets);
	t = read_kv(st, STORE_READ_ROWS, hour, NULL);
	assert_int_equal(t.packets, raw_packets);
	assert_int_equal(t.rows, 50 + 12);
	t = read_kv(st, STORE_READ_ROWS, day, NULL);
	assert_int_equal(t.packets, raw_packets);
	assert_int_equal(t.rows, 50);
	t = read_kv(st, STORE_READ_GRAPH, day, NULL);
	assert_int_equal(t.packets, raw_packets);
	assert_int_equal(t.rows, 13);
	store_close(st);
	integrity_ok(path);
}

static void
test_expire(void **state)
{
	const char *path = db_path("expire");
	struct name_row nr[3];
	struct store *st;
	int i;

	(void)state;
	st = open_ok(path, 0);
	write_window(st, "s", T0, 8, NULL);
	write_window(st, "s", T0 + 60, 12, NULL);
	write_window(st, "s", T0 + 120, 16, NULL);
	/* names: two of one address before the windows left, one of another */
	memset(nr, 0, sizeof(nr));
	for (i = 0; i < 3; i++) {
		nr[i].ts_us = (T0 + 10 * (int64_t)i) * 1000000;
		nr[i].ver = nr[i].cver = 4;
		nr[i].addr[0] = i < 2 ? 1 : 2;
		nr[i].name = i == 0 ? "old" : "new";
		nr[i].source = "dns";
	}
	assert_int_equal(store_write_names(st, "s", nr, 3), 0);
	assert_int_equal(store_rollup(st, T0 + 3600), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"),
	    8 + 12 + 16 + 16);

	/* nothing has ended before T0 + 60 but the first window */
	assert_int_equal(store_expire(st, STORE_TIER_RAW, T0 + 59), 0);
	assert_int_equal(store_expire(st, STORE_TIER_RAW, T0 + 120), 2);
	/* the hour tier starts at T0: every name is still needed */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM names"), 3);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 0"), 1);
	assert_int_equal(sql_int(path, "SELECT start FROM windows WHERE"
	    " tier = 0"), T0 + 120);
	/* their edges and pairs went with them; the hour tier is untouched */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges WHERE"
	    " window_id NOT IN (SELECT id FROM windows)"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs WHERE"
	    " window_id NOT IN (SELECT id FROM windows)"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"), 16 + 16);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs"), 4 + 4);
	assert_int_equal(store_expire(st, STORE_TIER_HOUR, T0 + 3599), 0);
	assert_int_equal(store_expire(st, STORE_TIER_HOUR, T0 + 3600), 1);
	/* older than every window left: the newest of each address stays */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM names"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM names WHERE"
	    " name = 'old'"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"), 16);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs"), 4);
	assert_int_equal(store_expire(st, STORE_TIER_RAW, T0 + 86400), 1);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs"), 0);
	assert_int_equal(store_expire(st, STORE_TIER_RAW, T0 + 86400), 0);
	store_close(st);
	integrity_ok(path);
}

/* Rows of table in one file and not in the other, either way. */
static int64_t
tables_differ(const char *a, const char *b, const char *table)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM (SELECT *"
	    " FROM main.%s EXCEPT SELECT * FROM b.%s)) + (SELECT count(*)"
	    " FROM (SELECT * FROM b.%s EXCEPT SELECT * FROM main.%s))",
	    table, table, table, table);
	return sql_int_with(a, b, sql);
}

/*
 * A table freed as its edges are written gives the same rows as one kept
 * whole, and its memory goes back: all but the last block's.
 */
static void
test_free_as_written(void **state)
{
	static const char *const tables[] = {
		"edges", "pairs", "first_seen", "windows"
	};
	const char *kept = db_path("kept"), *freed = db_path("freed");
	struct flowtable *ft;
	struct expect x;
	struct window_stats ws;
	struct store *st;
	size_t i, before;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		st = open_ok(k ? freed : kept, 0);
		store_free_as_written(st, k);
		/* a window already there, then one added to it */
		write_window(st, "s", T0, 700, NULL);
		ft = make_window(T0 + 60, 60, 3000, &x);
		ws = stats_of(&x, 0);
		before = flowtable_memory(ft);
		assert_int_equal(store_write_window(st, "s", STORE_TIER_RAW,
		    T0 + 60, 60, &ws, ft), 0);
		assert_int_equal(flowtable_released(ft), k);
		if (k)
			assert_true(flowtable_memory(ft) <= before -
			    (3000 / FLOWTABLE_BLOCK - 1) * FLOWTABLE_BLOCK *
			    sizeof(struct flow_entry));
		flowtable_free(ft);
		ft = make_window(T0 + 60, 60, 1000, &x);
		assert_int_equal(store_write_window(st, "s", STORE_TIER_RAW,
		    T0 + 60, 60, &ws, ft), 0);
		flowtable_free(ft);
		store_close(st);
	}
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		assert_int_equal(tables_differ(kept, freed, tables[i]), 0);
	assert_int_equal(sql_int(freed, "SELECT count(*) FROM edges"),
	    700 + 3000);
}

/* --- names by address --------------------------------------------------- */

#define NAMES_ADDRS	6
#define NAMES_SOURCES	3

struct names_last {
	char		 name[NAMES_ADDRS][NAMES_SOURCES][16];
	int64_t		 ts[NAMES_ADDRS][NAMES_SOURCES];
	unsigned	 calls;
};

static const char *const names_sources[NAMES_SOURCES] = {
	"dns", "sni", "http"
};

static void
names_addr(int i, struct name_key *k)
{
	memset(k, 0, sizeof(*k));
	k->ver = i < 4 ? 4 : 6;
	k->addr[0] = 10;
	k->addr[k->ver == 4 ? 3 : 15] = (uint8_t)(i + 1);
}

/* Where a name row's address and source are in names_last, or -1. */
static int
names_slot(const struct name_seen *ns, int *src)
{
	struct name_key k;
	int i;

	for (*src = 0; *src < NAMES_SOURCES &&
	    strcmp(ns->source, names_sources[*src]) != 0; (*src)++)
		;
	for (i = 0; i < NAMES_ADDRS && *src < NAMES_SOURCES; i++) {
		names_addr(i, &k);
		if (k.ver == ns->ver && memcmp(k.addr, ns->addr, 16) == 0)
			return i;
	}
	return -1;
}

/* Each row in time order: the last one of an address and source stays. */
static int
names_keep(const struct name_seen *ns, void *arg)
{
	struct names_last *l = arg;
	int i, src;

	if ((i = names_slot(ns, &src)) < 0)
		return 0;
	snprintf(l->name[i][src], sizeof(l->name[i][src]), "%s", ns->name);
	l->ts[i][src] = ns->ts_us;
	l->calls++;
	return 0;
}

/*
 * store_names_of gives, for each address and source, the name a walk of
 * every row up to the span's end ends with: the newest at or before the
 * end, the later row of two at the same time, of the sensor asked for.
 */
static void
test_names_of(void **state)
{
	const char *path = db_path("namesof");
	static const char *const spans[][5] = {
		{ NULL },
		{ "to", "2009-01-16T00:30:00Z", NULL },
		{ "sensor", "a", NULL },
		{ "sensor", "b", "to", "2009-01-16T00:10:00Z", NULL },
		{ "to", "2009-01-01T00:00:00Z", NULL },
	};
	struct name_row nr[50];
	struct name_key keys[NAMES_ADDRS + 1];
	struct names_last want, got;
	struct store *st;
	struct filter *f;
	char err[256], names[50][16];
	unsigned seed = 7;
	size_t s, r;
	int i, j, k, named = 0;

	(void)state;
	st = open_ok(path, 0);
	/* 8 batches of 50 rows, two sensors; many rows share a time */
	for (k = 0; k < 8; k++) {
		memset(nr, 0, sizeof(nr));
		for (j = 0; j < 50; j++) {
			struct name_key a;

			seed = seed * 1103515245u + 12345u;
			/* the last address is never named */
			names_addr((int)(seed >> 8) % (NAMES_ADDRS - 1), &a);
			nr[j].ver = a.ver;
			memcpy(nr[j].addr, a.addr, 16);
			nr[j].cver = 4;
			nr[j].client[0] = (uint8_t)(seed >> 20);
			nr[j].ts_us = (T0 + 300 * (int64_t)((seed >> 12) % 16)) *
			    US;
			nr[j].source = names_sources[(seed >> 16) % 3];
			snprintf(names[j], sizeof(names[j]), "n%d-%d", k, j);
			nr[j].name = names[j];
		}
		assert_int_equal(store_write_names(st, k % 3 ? "a" : "b", nr,
		    50), 0);
	}
	assert_true(store_names_rows(st) == 400);
	for (i = 0; i < NAMES_ADDRS; i++)
		names_addr(i, &keys[i]);
	keys[NAMES_ADDRS].ver = 0;	/* passed over */
	for (s = 0; s < sizeof(spans) / sizeof(spans[0]); s++) {
		f = filter_of(spans[s]);
		memset(&want, 0, sizeof(want));
		memset(&got, 0, sizeof(got));
		if (store_names(st, f, 0, names_keep, &want, err,
		    sizeof(err)) != 0)
			fail_msg("store_names: %s", err);
		if (store_names_of(st, f, keys, NAMES_ADDRS + 1,
		    names_sources, NAMES_SOURCES, names_keep, &got, err,
		    sizeof(err)) != 0)
			fail_msg("store_names_of: %s", err);
		for (i = 0; i < NAMES_ADDRS; i++)
			for (r = 0; r < NAMES_SOURCES; r++) {
				assert_string_equal(got.name[i][r],
				    want.name[i][r]);
				assert_true(got.ts[i][r] == want.ts[i][r]);
				named += want.name[i][r][0] != '\0';
			}
		/* one row at most per address and source */
		assert_true(got.calls <= (NAMES_ADDRS - 1) * NAMES_SOURCES);
		filter_free(f);
	}
	/* the spans above name some, and not all, of what there is */
	assert_true(named > 20 && named < 5 * 15);
	store_close(st);
}

/* --- the pull feed ----------------------------------------------------- */

struct feed_seen {
	int64_t		seq[64];	/* of each row read */
	int64_t		start[64];
	size_t		n;
	size_t		stop_at;	/* stop after this many (0: no) */
};

static int
feed_row(int64_t seq, const struct store_row *r, void *arg)
{
	struct feed_seen *f = arg;

	if (f->stop_at != 0 && f->n == f->stop_at)
		return 1;
	assert_true(f->n < NELEM(f->seq));
	f->seq[f->n] = seq;
	f->start[f->n] = r->window_start;
	f->n++;
	return 0;
}

/* Read tier raw from (from, skip) into f; the state into fs. */
static int
feed_read(struct store *st, int64_t from, uint64_t skip,
    struct store_feed *fs, struct feed_seen *f, size_t stop_at)
{
	char err[512];
	int rc;

	memset(f, 0, sizeof(*f));
	f->stop_at = stop_at;
	rc = store_feed(st, STORE_TIER_RAW, NULL, from, skip, fs, feed_row, f, err,
	    sizeof(err));
	if (rc < 0)
		fail_msg("store_feed: %s", err);
	return rc;
}

static void
test_feed(void **state)
{
	const char *path = db_path("feed");
	struct store *st, *ro;
	struct store_feed fs;
	struct feed_seen f;
	char name[24];
	size_t i;

	(void)state;
	st = open_ok(path, 0);
	ro = open_ok(path, 1);
	/* an empty database: a name, nothing written, nothing deleted */
	assert_int_equal(feed_read(ro, 1, 0, &fs, &f, 0), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(fs.last, 0);
	assert_int_equal(fs.gone, 0);
	assert_int_equal(strlen(fs.store), 16);
	snprintf(name, sizeof(name), "%s", fs.store);

	write_window(st, "s", T0, 4, NULL);		/* write 1 */
	write_window(st, "s", T0 + 60, 8, NULL);	/* write 2 */
	assert_int_equal(feed_read(ro, 1, 0, &fs, &f, 0), 0);
	assert_int_equal(f.n, 12);
	assert_int_equal(fs.last, 2);
	assert_string_equal(fs.store, name);
	for (i = 0; i < 12; i++) {
		assert_int_equal(f.seq[i], i < 4 ? 1 : 2);
		assert_int_equal(f.start[i], i < 4 ? T0 : T0 + 60);
	}
	/* a page that stops inside write 2, and the rest after 5 of it */
	assert_int_equal(feed_read(ro, 2, 0, &fs, &f, 5), 1);
	assert_int_equal(f.n, 5);
	assert_int_equal(feed_read(ro, 2, 5, &fs, &f, 0), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.seq[0], 2);

	/* a window written again gets a new number; the other keeps its */
	write_window(st, "s", T0, 4, NULL);		/* write 3 */
	assert_int_equal(feed_read(ro, 3, 0, &fs, &f, 0), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.seq[0], 3);
	assert_int_equal(f.start[0], T0);
	assert_int_equal(feed_read(ro, 1, 0, &fs, &f, 0), 0);
	assert_int_equal(f.n, 12);
	assert_int_equal(f.seq[0], 2);
	/* roll-ups are numbered too, in their own tier */
	assert_int_equal(store_rollup(st, T0 + 3600), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 1 AND seq > 3"), 1);
	assert_int_equal(feed_read(ro, 4, 0, &fs, &f, 0), 0);
	assert_int_equal(f.n, 0);

	/* retention: the highest number deleted, per tier */
	assert_int_equal(store_expire(st, STORE_TIER_RAW, T0 + 60), 1);
	assert_int_equal(feed_read(ro, 1, 0, &fs, &f, 0), 0);
	assert_int_equal(fs.gone, 3);
	assert_int_equal(fs.gone_windows, 1);
	assert_int_equal(f.n, 8);
	/* the counter never goes back, even with every window gone */
	assert_int_equal(store_expire(st, STORE_TIER_RAW, T0 + 86400), 1);
	write_window(st, "s", T0 + 600, 4, NULL);
	assert_int_equal(feed_read(ro, 1, 0, &fs, &f, 0), 0);
	assert_int_equal(f.n, 4);
	assert_true(f.seq[0] > 4);
	assert_int_equal(fs.gone, 3);	/* the highest, not the last */
	assert_int_equal(fs.gone_windows, 2);
	store_close(ro);
	store_close(st);
	integrity_ok(path);
}

/* --- events ------------------------------------------------------------ */

#define NEV	20

static struct packet
event_of(int i)
{
	struct packet e;

	memset(&e, 0, sizeof(e));
	/* sensor a has the even ones; times not in writing order */
	e.ts_us = T0 * US + (int64_t)((i * 7) % NEV) * 1000;
	e.ipver = i % 3 == 0 ? 6 : 4;
	e.proto = i % 2 ? 17 : 6;
	e.tcp_flags = (uint8_t)(i % 2 ? 0 : 0x12);
	e.sport = (uint16_t)(40000 + i);
	e.dport = 443;
	if (e.ipver == 4) {
		e.src[0] = 10;
		e.src[3] = (uint8_t)i;
		e.dst[0] = 10;
		e.dst[3] = 200;
	} else {
		e.src[0] = 0x20;
		e.src[1] = 0x01;
		e.src[15] = (uint8_t)i;
		e.dst[0] = 0x20;
		e.dst[1] = 0x01;
		e.dst[15] = 0xff;
	}
	e.wirelen = (uint32_t)(60 + i);
	e.ip_len = (uint32_t)(46 + i);
	e.l4_len = (uint32_t)(6 + i);
	e.tcp_seq = 0xfffffff0u + (uint32_t)i;	/* the top bit survives */
	e.tcp_ack = (uint32_t)i * 1000;
	e.ip_id = (uint32_t)(i * 3);
	return e;
}

struct evlist {
	int		n;
	int64_t		last_ts;
	int		unordered;
	int		a, b;
	int		stop_at;
};

static int
ev_check(const struct packet *r, void *arg)
{
	struct evlist *l = arg;
	struct packet want;
	int i;

	if (r->ts_us < l->last_ts)
		l->unordered = 1;
	l->last_ts = r->ts_us;
	/* find which event this is by its source port */
	i = r->sport - 40000;
	if (i < 0 || i >= NEV)
		fail_msg("unexpected event, sport %u", r->sport);
	want = event_of(i);
	assert_int_equal(r->ts_us, want.ts_us);
	assert_int_equal(r->ipver, want.ipver);
	assert_int_equal(r->proto, want.proto);
	assert_int_equal(r->tcp_flags, want.tcp_flags);
	assert_int_equal(r->dport, want.dport);
	assert_memory_equal(r->src, want.src, 16);
	assert_memory_equal(r->dst, want.dst, 16);
	assert_int_equal(r->wirelen, want.wirelen);
	assert_int_equal(r->ip_len, want.ip_len);
	assert_int_equal(r->l4_len, want.l4_len);
	assert_int_equal(r->notes, 0);	/* lengths known */
	assert_int_equal(r->tcp_seq, want.tcp_seq);
	assert_int_equal(r->tcp_ack, want.tcp_ack);
	assert_int_equal(r->ip_id, want.ip_id);
	assert_string_equal(r->sensor, i % 2 ? "b" : "a");
	if (i % 2)
		l->b++;
	else
		l->a++;
	l->n++;
	return l->n == l->stop_at ? 9 : 0;
}

/* Rows from before schema 5: no lengths, and the record says so. */
static int
ev_old(const struct packet *r, void *arg)
{
	int *n = arg;

	if (r->sport >= 40003) {
		assert_int_equal(r->notes, 0);
		return 0;
	}
	assert_int_equal(r->notes, PACKET_NO_L4LEN);
	assert_int_equal(r->ip_len, r->wirelen);
	assert_int_equal(r->l4_len, 0);
	(*n)++;
	return 0;
}

static struct evlist
events(struct store *st, int64_t from, int64_t to, const char *sensor,
    unsigned limit, int stop_at, int want_rc)
{
	struct evlist l;

	memset(&l, 0, sizeof(l));
	l.last_ts = INT64_MIN;
	l.stop_at = stop_at;
	assert_int_equal(store_events(st, from, to, sensor, limit, ev_check,
	    &l), want_rc);
	assert_false(l.unordered);
	return l;
}

static void
test_events(void **state)
{
	const char *path = db_path("events");
	struct packet a[NEV / 2], b[NEV / 2];
	struct store *st;
	struct evlist l;
	const int64_t lo = T0 * US, hi = T0 * US + (NEV - 1) * 1000;
	int i;

	(void)state;
	for (i = 0; i < NEV; i++) {
		if (i % 2)
			b[i / 2] = event_of(i);
		else
			a[i / 2] = event_of(i);
	}
	st = open_ok(path, 0);
	assert_int_equal(store_write_events(st, "a", a, NEV / 2), 0);
	assert_int_equal(store_write_events(st, "b", b, NEV / 2), 0);
	assert_int_equal(store_write_events(st, "b", b, 0), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events"), NEV);

	l = events(st, lo, hi, NULL, 1000, 0, 0);
	assert_int_equal(l.n, NEV);
	assert_int_equal(l.a, NEV / 2);
	l = events(st, lo, hi, "a", 1000, 0, 0);
	assert_int_equal(l.n, NEV / 2);
	assert_int_equal(l.b, 0);
	l = events(st, lo, hi, "nobody", 1000, 0, 0);
	assert_int_equal(l.n, 0);
	/* the limit keeps the earliest */
	l = events(st, lo, hi, NULL, 5, 0, 0);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.last_ts, lo + 4000);
	/* both bounds inclusive */
	l = events(st, lo + 3000, lo + 5000, NULL, 1000, 0, 0);
	assert_int_equal(l.n, 3);
	/* the callback's value stops it and is returned */
	l = events(st, lo, hi, NULL, 1000, 4, 9);
	assert_int_equal(l.n, 4);

	/* retention: strictly before */
	assert_int_equal(store_expire_events(st, lo + 5000), 5);
	assert_int_equal(store_expire_events(st, lo + 5000), 0);
	l = events(st, lo, hi, NULL, 1000, 0, 0);
	assert_int_equal(l.n, NEV - 5);
	assert_int_equal(store_expire_events(st, hi + 1), NEV - 5);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events"), 0);

	/* rows from before schema 5 (no lengths) read back marked, the
	   frame length standing in for the IP length */
	assert_int_equal(store_write_events(st, "a", a, NEV / 2), 0);
	sql_exec(path, "UPDATE events SET ip_len = NULL, payload = NULL"
	    " WHERE sport < 40003");
	i = 0;
	assert_int_equal(store_events(st, lo, hi, NULL, 1000, ev_old, &i), 0);
	assert_int_equal(i, 2);		/* 40000 and 40002: sensor a's */
	store_close(st);
}

/* Read back in order: each event's source port, appended to ports. */
struct portlist {
	uint16_t	ports[2048];
	int		n;
};

static int
ev_port(const struct packet *r, void *arg)
{
	struct portlist *l = arg;

	if (l->n < (int)(sizeof(l->ports) / sizeof(l->ports[0])))
		l->ports[l->n] = r->sport;
	l->n++;
	return 0;
}

/*
 * Events keyed by time (schema 11): events of one microsecond keep the
 * order they were written in, within a write and across writes; times
 * before 1970 are kept; past 1,024 in one microsecond the rest are
 * counted, not stored.
 */
static void
test_events_same_time(void **state)
{
	const char *path = db_path("events-same-time");
	const int64_t t = T0 * US;
	struct packet ev[1030];
	struct portlist l;
	struct store *st;
	int i;

	(void)state;
	for (i = 0; i < 1030; i++) {
		ev[i] = event_of(i % NEV);
		ev[i].sport = (uint16_t)(1000 + i);
	}
	st = open_ok(path, 0);
	/* t, t+1, t, t+1, t, t: interleaved microseconds in one write */
	for (i = 0; i < 6; i++)
		ev[i].ts_us = t + (i == 1 || i == 3);
	assert_int_equal(store_write_events(st, "a", ev, 6), 0);
	/* a later write comes back to t */
	ev[6].ts_us = t;
	ev[7].ts_us = t - 1;
	assert_int_equal(store_write_events(st, "a", ev + 6, 2), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_events(st, t - 1, t + 1, NULL, 100, ev_port,
	    &l), 0);
	assert_int_equal(l.n, 8);
	{
		const uint16_t want[8] = { 1007, 1000, 1002, 1004, 1005,
		    1006, 1001, 1003 };

		assert_memory_equal(l.ports, want, sizeof(want));
	}
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_events(st, t + 1, t + 1, NULL, 100, ev_port,
	    &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ports[0], 1001);

	/* a time before 1970 is kept, and read back */
	ev[8].ts_us = -5;
	assert_int_equal(store_write_events(st, "a", ev + 8, 1), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_events(st, -10, 0, NULL, 100, ev_port, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ports[0], 1008);

	/* a clock that stands still: 1,024 are kept, the rest counted */
	for (i = 0; i < 1030; i++)
		ev[i].ts_us = t + 7;
	assert_int_equal(store_write_events(st, "a", ev, 1030), 6);
	{
		char q[96];

		snprintf(q, sizeof(q), "SELECT count(*) FROM events"
		    " WHERE ts_us = %lld", (long long)(t + 7));
		assert_int_equal(sql_int(path, q), 1024);
	}
	assert_int_equal(store_write_events(st, "a", ev, 2), 2);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_events(st, t + 7, t + 7, NULL, 2000, ev_port,
	    &l), 0);
	assert_int_equal(l.n, 1024);
	assert_int_equal(l.ports[0], 1000);
	assert_int_equal(l.ports[1023], 1000 + 1023);
	/* expired by time: before 1970, t - 1 and t's five */
	assert_int_equal(store_expire_events(st, t + 1), 1 + 1 + 5);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM events"),
	    2 + 1024);
	/* a span to the end of time */
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_events(st, INT64_MIN, INT64_MAX, NULL, 2000,
	    ev_port, &l), 0);
	assert_int_equal(l.n, 2 + 1024);
	store_close(st);
}

/*
 * The upgrade to schema 11 copies the events of schema 10 (a table with
 * its own time index) in their time order, equal times in their order
 * of writing, and drops the index.
 */
static void
test_events_upgrade(void **state)
{
	const char *path = db_path("events-upgrade");
	struct portlist l;
	struct store *st;

	(void)state;
	st = open_ok(path, 0);
	store_close(st);
	/* the file as schema 10 left it, with four events */
	sql_exec(path, "DROP TABLE events;"
	    "CREATE TABLE events (id INTEGER PRIMARY KEY,"
	    " sensor_id INTEGER NOT NULL, ts_us INTEGER NOT NULL,"
	    " proto INTEGER NOT NULL, src BLOB NOT NULL, dst BLOB NOT NULL,"
	    " sport INTEGER NOT NULL, dport INTEGER NOT NULL,"
	    " length INTEGER NOT NULL, tcp_flags INTEGER NOT NULL,"
	    " tcp_seq INTEGER NOT NULL, tcp_ack INTEGER NOT NULL,"
	    " ip_id INTEGER NOT NULL, ip_len INTEGER, payload INTEGER);"
	    "CREATE INDEX events_by_time ON events (ts_us);"
	    "INSERT INTO sensors (name) VALUES ('old');"
	    "INSERT INTO events VALUES"
	    " (1, 1, 2000, 6, x'0a000001', x'0a000002', 2, 80, 60, 2, 1, 0,"
	    "  7, 46, 0),"
	    " (2, 1, 1000, 6, x'0a000001', x'0a000002', 1, 80, 60, 2, 1, 0,"
	    "  7, 46, 0),"
	    " (3, 1, 2000, 6, x'0a000001', x'0a000002', 3, 80, 60, 2, 1, 0,"
	    "  7, NULL, NULL),"
	    " (4, 1, -3, 6, x'0a000001', x'0a000002', 4, 80, 60, 2, 1, 0,"
	    "  7, 46, 0);"
	    "DELETE FROM schema_version WHERE version = 11;");
	assert_int_equal(sql_int(path, "SELECT max(version) FROM"
	    " schema_version"), 10);
	st = open_ok(path, 0);
	assert_int_equal(sql_int(path, "SELECT max(version) FROM"
	    " schema_version"), 11);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('events_by_time', 'events_keyed')"), 0);
	assert_int_equal(sql_int(path, "SELECT id FROM events"
	    " WHERE sport = 3"), 2000 * 1024 + 1);
	assert_int_equal(sql_int(path, "SELECT id FROM events"
	    " WHERE sport = 4"), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(store_events(st, -10, 3000, NULL, 100, ev_port, &l),
	    0);
	assert_int_equal(l.n, 4);
	{
		const uint16_t want[4] = { 4, 1, 2, 3 };

		assert_memory_equal(l.ports, want, sizeof(want));
	}
	/* and new events go on after them */
	{
		struct packet e = event_of(0);

		e.ts_us = 2000;
		e.sport = 5;
		assert_int_equal(store_write_events(st, "old", &e, 1), 0);
	}
	assert_int_equal(sql_int(path, "SELECT id FROM events"
	    " WHERE sport = 5"), 2000 * 1024 + 2);
	store_close(st);
}

/* --- imports ----------------------------------------------------------- */

static void
test_import(void **state)
{
	const char *path = db_path("import");
	struct import_record prev;
	struct store *st;

	(void)state;
	st = open_ok(path, 0);
	memset(&prev, 0, sizeof(prev));
	assert_int_equal(store_import_begin(st, "d1", "/x/one.pcap", 0,
	    &prev), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM imports WHERE"
	    " digest = 'd1' AND status = 'running' AND finished IS NULL"), 1);
	assert_int_equal(store_import_end(st, "d1", "complete", 1234), 0);
	assert_int_equal(sql_int(path, "SELECT frames FROM imports WHERE"
	    " digest = 'd1' AND status = 'complete' AND finished IS NOT NULL"),
	    1234);

	/* known: refused without force, the earlier record given back */
	assert_int_equal(store_import_begin(st, "d1", "/y/again.pcap", 0,
	    &prev), 1);
	assert_string_equal(prev.status, "complete");
	assert_string_equal(prev.path, "/x/one.pcap");
	assert_true(strlen(prev.when) >= 19);
	assert_int_equal(strncmp(prev.when, "20", 2), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM imports WHERE"
	    " path = '/x/one.pcap' AND status = 'complete'"), 1);

	/* another digest is another import */
	assert_int_equal(store_import_begin(st, "d2", "/x/two.pcap", 0,
	    &prev), 0);
	assert_int_equal(store_import_end(st, "d2", "partial", 7), 0);

	/* forced: accepted, running again under the new name */
	assert_int_equal(store_import_begin(st, "d1", "/y/again.pcap", 1,
	    &prev), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM imports"), 2);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM imports WHERE"
	    " digest = 'd1' AND path = '/y/again.pcap' AND"
	    " status = 'running'"), 1);
	assert_int_equal(store_import_end(st, "d1", "failed", 99), 0);
	assert_int_equal(sql_int(path, "SELECT frames FROM imports WHERE"
	    " digest = 'd1' AND status = 'failed'"), 99);
	assert_int_equal(sql_int(path, "SELECT frames FROM imports WHERE"
	    " digest = 'd2' AND status = 'partial'"), 7);
	assert_int_equal(store_import_begin(st, "d1", "/z", 0, &prev), 1);
	assert_string_equal(prev.status, "failed");
	assert_string_equal(prev.path, "/y/again.pcap");
	store_close(st);
}

/* --- the read budget --------------------------------------------------- */

static void
test_budget(void **state)
{
	const char *path = db_path("budget");
	struct filter *f = filter_of(NULL);
	struct store *st;
	struct tally t;
	struct expect x;
	uint64_t rows;
	char err[512];

	(void)state;
	st = open_ok(path, 0);
	write_window(st, "s", T0, 20000, &x);

	store_set_budget(st, 20000);
	memset(&t, 0, sizeof(t));
	t.last_start = INT64_MIN;
	err[0] = '\0';
	assert_int_equal(store_read(st, f, STORE_READ_ROWS, tally_row, &t,
	    NULL, &rows, err, sizeof(err)), -1);
	assert_int_equal(store_budget_spent(st), 1);
	assert_true(rows < x.edges);
	if (strstr(err, path) == NULL)
		fail_msg("error does not name the file: %s", err);

	/* 0 lifts it */
	store_set_budget(st, 0);
	assert_int_equal(store_budget_spent(st), 0);
	t = read_kv(st, STORE_READ_ROWS, NULL, NULL);
	assert_int_equal(t.rows, x.edges);
	assert_int_equal(store_budget_spent(st), 0);

	/* a budget large enough is not spent */
	store_set_budget(st, 1000000000);
	t = read_kv(st, STORE_READ_GRAPH, NULL, NULL);
	assert_int_equal(t.rows, x.pairs);
	assert_int_equal(store_budget_spent(st), 0);
	store_set_budget(st, 0);
	filter_free(f);
	store_close(st);
}

/* --- the size budgets ------------------------------------------------- */

/* Every window's rows: its edge and pair rows, counted. */
#define ROWS_EXACT "SELECT count(*) FROM windows w WHERE rows !=" \
	" (SELECT count(*) FROM edges WHERE window_id = w.id) +" \
	" (SELECT count(*) FROM pairs WHERE window_id = w.id)"

static void
test_size_budget(void **state)
{
	const char *path = db_path("sizebudget");
	struct store *st;
	struct store_budget r;
	uint64_t tier_max[3] = { 0, 0, 0 };
	int64_t hours, raw, oldest, newest, rows_raw, rows_all;
	int i;

	(void)state;
	st = open_ok(path, 0);
	/* 3 hours of minute windows, 300 edges each; then the same first
	   window again (an import adding to it) */
	for (i = 0; i < 180; i++)
		write_window(st, "s", T0 + 60 * i, 300, NULL);
	write_window(st, "s", T0, 500, NULL);
	assert_int_equal(store_rollup(st, T0 + 4 * 3600), 0);
	hours = sql_int(path, "SELECT count(*) FROM windows WHERE tier = 1");
	assert_true(hours >= 3);
	/* rows are exact: new windows, the added-to one, the roll-ups */
	assert_int_equal(sql_int(path, ROWS_EXACT), 0);
	assert_true(sql_int(path, "SELECT rows FROM windows WHERE tier = 0"
	    " AND start = " "1232064000") > sql_int(path, "SELECT rows FROM"
	    " windows WHERE tier = 0 AND start = 1232064060"));

	/* no budget: nothing goes */
	assert_int_equal(store_budget(st, 0, tier_max, &r), 0);
	assert_int_equal(r.tier_windows[0] + r.windows[0], 0);

	/* the raw tier to a third of its share: its oldest windows go,
	   the hours stay, the newest raw window stays */
	rows_raw = sql_int(path, "SELECT sum(rows) FROM windows WHERE"
	    " tier = 0");
	rows_all = sql_int(path, "SELECT sum(rows) FROM windows");
	assert_int_equal(store_budget(st, 0, tier_max, &r), 0);
	tier_max[0] = r.bytes_after / 3 * (uint64_t)rows_raw /
	    (uint64_t)rows_all;
	raw = sql_int(path, "SELECT count(*) FROM windows WHERE tier = 0");
	assert_int_equal(store_budget(st, 0, tier_max, &r), 0);
	assert_true(r.tier_windows[0] > 0);
	assert_int_equal(r.tier_windows[1] + r.tier_windows[2], 0);
	assert_false(r.tier_over[0]);
	assert_true(r.tier_bytes[0] <= tier_max[0]);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 0"), raw - r.tier_windows[0]);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 1"), hours);
	oldest = sql_int(path, "SELECT min(start) FROM windows WHERE"
	    " tier = 0");
	newest = sql_int(path, "SELECT max(start) FROM windows WHERE"
	    " tier = 0");
	assert_int_equal(oldest, T0 + 60 * r.tier_windows[0]);
	assert_int_equal(newest, T0 + 60 * 179);
	/* what went went whole: no edge or pair without its window */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges WHERE"
	    " window_id NOT IN (SELECT id FROM windows)"), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM pairs WHERE"
	    " window_id NOT IN (SELECT id FROM windows)"), 0);

	/* a budget no window fits: all but the newest raw window go,
	   and it says so */
	tier_max[0] = 1;
	assert_int_equal(store_budget(st, 0, tier_max, &r), 0);
	assert_true(r.tier_over[0]);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 0"), 1);
	assert_int_equal(sql_int(path, "SELECT max(start) FROM windows"
	    " WHERE tier = 0"), newest);
	/* the hour tier's own: roll-ups of finished hours go, oldest first */
	tier_max[0] = 0;
	tier_max[1] = 1;
	assert_int_equal(store_budget(st, 0, tier_max, &r), 0);
	assert_true(r.tier_windows[1] > 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 0"), 1);
	integrity_ok(path);
	store_close(st);
}

/* --- faults ------------------------------------------------------------ */

/*
 * What a database holds, to say it did not change: windows, edges, pairs,
 * packets, roll-up marks, sensors.
 */
struct snapshot {
	int64_t	windows, edges, pairs, packets, pending, sensors, events;
};

static struct snapshot
snapshot(const char *path)
{
	struct snapshot s;

	s.windows = sql_int(path, "SELECT count(*) FROM windows");
	s.edges = sql_int(path, "SELECT count(*) FROM edges");
	s.pairs = sql_int(path, "SELECT count(*) FROM pairs");
	s.packets = sql_int(path, "SELECT coalesce(sum(packets), 0) FROM"
	    " edges");
	s.pending = sql_int(path, "SELECT count(*) FROM rollup_pending");
	s.sensors = sql_int(path, "SELECT count(*) FROM sensors");
	s.events = sql_int(path, "SELECT count(*) FROM events");
	return s;
}

static void
same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	assert_int_equal(a->windows, b->windows);
	assert_int_equal(a->edges, b->edges);
	assert_int_equal(a->pairs, b->pairs);
	assert_int_equal(a->packets, b->packets);
	assert_int_equal(a->pending, b->pending);
	assert_int_equal(a->sensors, b->sensors);
	assert_int_equal(a->events, b->events);
}

/* Run fn(arg) in a child; its exit status (0: as expected). */
static int
in_child(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	if ((pid = fork()) < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		fail_msg("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		fail_msg("child killed by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

#define FULL_LIMIT	(256 * 1024)	/* bytes a file may grow to */
#define FULL_EDGES	20000		/* about 1.5 MB of pages */
#define FULL_START	(T0 + 600)

struct full_disk {
	const char		*path;
	struct flowtable	*ft;
	struct window_stats	 ws;
	int			 retry;	/* then lift the limit, write again */
};

/*
 * In a child: the files may not grow past FULL_LIMIT (write(2) fails with
 * EFBIG, as it fails with ENOSPC on a full disk), then the window is
 * written.  Exit status: 0 as expected, else the step that went wrong.
 */
static int
full_disk_child(void *arg)
{
	struct full_disk *fd = arg;
	struct store *st;
	struct rlimit rl;
	char err[512];

	signal(SIGXFSZ, SIG_IGN);
	if ((st = store_open(fd->path, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "full disk: %s\n", err);
		return 10;
	}
	if (getrlimit(RLIMIT_FSIZE, &rl) < 0)
		return 11;
	rl.rlim_cur = FULL_LIMIT;
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		return 12;
	if (store_write_window(st, "s", STORE_TIER_RAW, FULL_START, 60,
	    &fd->ws, fd->ft) != -1) {
		fprintf(stderr, "full disk: the write succeeded\n");
		return 13;
	}
	if (strstr(store_error(st), fd->path) == NULL) {
		fprintf(stderr, "full disk: error does not name the file: "
		    "%s\n", store_error(st));
		return 14;
	}
	if (fd->retry) {
		/* space again: the same connection writes the window whole */
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			return 15;
		if (store_write_window(st, "s", STORE_TIER_RAW, FULL_START,
		    60, &fd->ws, fd->ft) != 0) {
			fprintf(stderr, "full disk: retry: %s\n",
			    store_error(st));
			return 16;
		}
	}
	store_close(st);
	return 0;
}

static void
test_fault_full_disk(void **state)
{
	const char *path = db_path("full");
	struct full_disk fd;
	struct snapshot before, after;
	struct expect x, small;
	struct store *st;
	struct stat sb;
	char sql[160];

	(void)state;
	st = open_ok(path, 0);
	write_window(st, "s", T0, 8, &small);
	write_window(st, "s", T0 + 60, 12, NULL);
	store_close(st);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size < FULL_LIMIT / 2);
	before = snapshot(path);

	fd.path = path;
	fd.ft = make_window(FULL_START, 60, FULL_EDGES, &x);
	fd.ws = stats_of(&x, 0);
	fd.retry = 0;
	assert_int_equal(in_child(full_disk_child, &fd), 0);

	/* whole: nothing of the failed window, everything of the others */
	integrity_ok(path);
	after = snapshot(path);
	same_snapshot(&before, &after);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM windows WHERE"
	    " start = %lld", (long long)FULL_START);
	assert_int_equal(sql_int(path, sql), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges e JOIN"
	    " windows w ON w.id = e.window_id WHERE w.start = 1232064000"),
	    8);
	st = open_ok(path, 1);
	assert_int_equal(read_kv(st, STORE_READ_ROWS, NULL, NULL).rows,
	    8 + 12);
	store_close(st);

	/* the same again, then a retry once there is room: written whole */
	fd.retry = 1;
	assert_int_equal(in_child(full_disk_child, &fd), 0);
	integrity_ok(path);
	assert_int_equal(sql_int(path, sql), 1);
	after = snapshot(path);
	assert_int_equal(after.windows, before.windows + 1);
	assert_int_equal(after.edges, before.edges + FULL_EDGES);
	assert_int_equal(after.pairs, before.pairs + (int64_t)x.pairs);
	assert_int_equal(after.packets, before.packets + (int64_t)x.packets);
	flowtable_free(fd.ft);
}

/*
 * A statement fails halfway through a window (a trigger of the test's
 * raises an error on the first address pair, after every edge went in):
 * -1, the error names the file, nothing of the window stays (nor its new
 * sensor), and the next write works, on the same connection.
 */
static void
test_fault_statement(void **state)
{
	static const char *const sensor_new[] = { "sensor", "new", NULL };
	const char *path = db_path("statement");
	struct snapshot before, after;
	struct expect x;
	struct flowtable *ft;
	struct window_stats ws;
	struct store *st;
	struct tally t;

	(void)state;
	st = open_ok(path, 0);
	write_window(st, "s", T0, 8, NULL);
	before = snapshot(path);
	sql_exec(path, "CREATE TRIGGER fault BEFORE INSERT ON pairs BEGIN"
	    " SELECT RAISE(ABORT, 'injected fault'); END");

	ft = make_window(T0 + 60, 60, 40, &x);
	ws = stats_of(&x, 0);
	/* adding to a stored window */
	assert_int_equal(store_write_window(st, "s", STORE_TIER_RAW, T0, 60,
	    &ws, ft), -1);
	if (strstr(store_error(st), path) == NULL ||
	    strstr(store_error(st), "injected fault") == NULL)
		fail_msg("error: %s", store_error(st));
	/* a new window of a new sensor (retried below) */
	assert_int_equal(store_write_window(st, "new", STORE_TIER_RAW,
	    T0 + 60, 60, &ws, ft), -1);
	after = snapshot(path);
	same_snapshot(&before, &after);
	assert_int_equal(sql_int(path, "SELECT frames = (SELECT sum(packets)"
	    " FROM edges) FROM windows"), 1);

	sql_exec(path, "DROP TRIGGER fault");
	if (store_write_window(st, "new", STORE_TIER_RAW, T0 + 60, 60, &ws,
	    ft) != 0)
		fail_msg("after the fault: %s", store_error(st));
	flowtable_free(ft);
	after = snapshot(path);
	assert_int_equal(after.windows, before.windows + 1);
	assert_int_equal(after.sensors, before.sensors + 1);
	assert_int_equal(after.edges, before.edges + (int64_t)x.edges);
	assert_int_equal(after.pairs, before.pairs + (int64_t)x.pairs);
	/* every window has its sensor */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows w JOIN"
	    " sensors s ON s.id = w.sensor_id"), after.windows);
	t = read_kv(st, STORE_READ_ROWS, sensor_new, NULL);
	assert_int_equal(t.rows, x.edges);
	assert_int_equal(t.packets, x.packets);
	store_close(st);
	integrity_ok(path);
}

/*
 * A disk that is really full: a small tmpfs, mounted in a mount namespace
 * of a child's own (root only), filled up but for a little room.  The
 * database and its -wal are copied out after the failed write (the
 * parent cannot see the mount), and again after the filler is deleted
 * and the same connection writes the window again.
 */
#define TMPFS_SKIP	77
#define TMPFS_ROOM	(96 * 1024)	/* bytes left free */

struct tmpfs_full {
	const char		*src;		/* database to start from */
	const char		*mnt;		/* folder to mount on */
	const char		*out_fail;	/* copies, in the parent's view */
	const char		*out_retry;
	struct flowtable	*ft;
	struct window_stats	 ws;
};

/* Copy a file without cmocka (in a child); 1 when from does not exist. */
static int
copy_quiet(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char b[8192];
	size_t n;
	int rc = 0;

	if (in == NULL)
		return errno == ENOENT ? 1 : -1;
	if ((out = fopen(to, "wb")) == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(b, 1, sizeof(b), in)) > 0)
		if (fwrite(b, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	fclose(in);
	if (fclose(out) != 0)
		rc = -1;
	return rc;
}

/* Copy a database and its -wal, if any. */
static int
copy_db_quiet(const char *from, const char *to)
{
	char fw[300], tw[300];

	snprintf(fw, sizeof(fw), "%s-wal", from);
	snprintf(tw, sizeof(tw), "%s-wal", to);
	if (copy_quiet(from, to) != 0 || copy_quiet(fw, tw) < 0)
		return -1;
	return 0;
}

static int
tmpfs_child(void *arg)
{
	struct tmpfs_full *t = arg;
	static char chunk[65536];
	struct store *st;
	char db[256], filler[256], err[512];
	off_t size = 0;
	ssize_t w;
	int fd;

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", t->mnt, "tmpfs", 0, "size=8m") < 0) {
		fprintf(stderr, "tmpfs: %s\n", strerror(errno));
		return TMPFS_SKIP;
	}
	snprintf(db, sizeof(db), "%s/full.db", t->mnt);
	snprintf(filler, sizeof(filler), "%s/filler", t->mnt);
	if (copy_quiet(t->src, db) != 0)
		return 31;
	if ((fd = open(filler, O_WRONLY | O_CREAT, 0600)) < 0)
		return 32;
	while ((w = write(fd, chunk, sizeof(chunk))) > 0)
		size += w;
	if (errno != ENOSPC || size < TMPFS_ROOM ||
	    ftruncate(fd, size - TMPFS_ROOM) < 0) {
		fprintf(stderr, "tmpfs: filling: %s\n", strerror(errno));
		return 33;
	}
	close(fd);
	if ((st = store_open(db, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tmpfs: %s\n", err);
		return 34;
	}
	if (store_write_window(st, "s", STORE_TIER_RAW, FULL_START, 60,
	    &t->ws, t->ft) != -1) {
		fprintf(stderr, "tmpfs: the write succeeded\n");
		return 35;
	}
	if (strstr(store_error(st), db) == NULL ||
	    strstr(store_error(st), "full") == NULL) {
		fprintf(stderr, "tmpfs: %s\n", store_error(st));
		return 36;
	}
	if (copy_db_quiet(db, t->out_fail) < 0)
		return 37;
	/* room again: the same connection writes the window whole */
	if (unlink(filler) < 0)
		return 38;
	if (store_write_window(st, "s", STORE_TIER_RAW, FULL_START, 60,
	    &t->ws, t->ft) != 0) {
		fprintf(stderr, "tmpfs: retry: %s\n", store_error(st));
		return 39;
	}
	store_close(st);
	if (copy_db_quiet(db, t->out_retry) < 0)
		return 40;
	return 0;
}

static void
test_fault_tmpfs_full(void **state)
{
	const char *path = db_path("tmpfs");
	const char *out_fail = db_path("tmpfs-fail");
	const char *out_retry = db_path("tmpfs-retry");
	char mnt[128], sql[160];
	struct tmpfs_full t;
	struct snapshot before, after;
	struct expect x;
	struct store *st;
	int rc;

	(void)state;
	if (getuid() != 0) {
		print_message("not root: no tmpfs to fill (the RLIMIT_FSIZE"
		    " case stands in)\n");
		skip();
	}
	st = open_ok(path, 0);
	write_window(st, "s", T0, 8, NULL);
	write_window(st, "s", T0 + 60, 12, NULL);
	store_close(st);
	before = snapshot(path);
	snprintf(mnt, sizeof(mnt), "%s/mnt", tmpdir);
	assert_int_equal(mkdir(mnt, 0700), 0);

	t.src = path;
	t.mnt = mnt;
	t.out_fail = out_fail;
	t.out_retry = out_retry;
	t.ft = make_window(FULL_START, 60, FULL_EDGES, &x);
	t.ws = stats_of(&x, 0);
	rc = in_child(tmpfs_child, &t);
	flowtable_free(t.ft);
	if (rc == TMPFS_SKIP) {
		print_message("cannot mount a tmpfs here (the RLIMIT_FSIZE"
		    " case stands in)\n");
		skip();
	}
	assert_int_equal(rc, 0);

	integrity_ok(out_fail);
	after = snapshot(out_fail);
	same_snapshot(&before, &after);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM windows WHERE"
	    " start = %lld", (long long)FULL_START);
	assert_int_equal(sql_int(out_fail, sql), 0);

	integrity_ok(out_retry);
	assert_int_equal(sql_int(out_retry, sql), 1);
	after = snapshot(out_retry);
	assert_int_equal(after.windows, before.windows + 1);
	assert_int_equal(after.edges, before.edges + FULL_EDGES);
	assert_int_equal(after.pairs, before.pairs + (int64_t)x.pairs);
	assert_int_equal(after.packets, before.packets + (int64_t)x.packets);
}

/* Commit (or roll back) a connection's transaction after a delay. */
struct release {
	sqlite3		*db;
	unsigned	 ms;
	pthread_t	 thread;
};

static void *
release_later(void *arg)
{
	struct release *r = arg;

	usleep(r->ms * 1000);
	sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	return NULL;
}

static sqlite3 *
hold_write_lock(const char *path)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* the holder writes something of its own, to be seen committed */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT OR IGNORE INTO sensors"
	    " (name) VALUES ('holder')", NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("holder: %s", msg);
	return db;
}

/*
 * Another connection holds the write lock.  The store waits up to its
 * busy timeout (5 s, store_open), then fails whole; released within the
 * timeout, the write waits for it and succeeds.  A reader never blocks it.
 */
static void
test_fault_busy(void **state)
{
	const char *path = db_path("busy");
	struct snapshot before, after;
	struct expect x;
	struct flowtable *ft;
	struct window_stats ws;
	struct store *st;
	struct release rel;
	sqlite3 *holder, *reader;
	sqlite3_stmt *s;
	int64_t t0, ms;
	const char *e;

	(void)state;
	st = open_ok(path, 0);
	write_window(st, "s", T0, 8, NULL);
	before = snapshot(path);
	ft = make_window(T0 + 60, 60, 400, &x);
	ws = stats_of(&x, 0);

	/* held past the timeout: -1, nothing written, the error says so */
	holder = hold_write_lock(path);
	t0 = now_ms();
	assert_int_equal(store_write_window(st, "s", STORE_TIER_RAW, T0 + 60,
	    60, &ws, ft), -1);
	ms = now_ms() - t0;
	if (ms < 4000)
		fail_msg("gave up after %lld ms, before the busy timeout",
		    (long long)ms);
	e = store_error(st);
	if (strstr(e, path) == NULL || strstr(e, "locked") == NULL)
		fail_msg("error: %s", e);
	/* a roll-up fails the same way and keeps its marks */
	assert_int_equal(store_rollup(st, T0 + 3600), -1);
	assert_int_equal(sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	after = snapshot(path);
	assert_int_equal(after.sensors, before.sensors + 1);	/* holder's */
	after.sensors--;
	same_snapshot(&before, &after);
	before = snapshot(path);

	/* released within the timeout: the write waits and succeeds */
	sqlite3_close(holder);
	holder = hold_write_lock(path);
	rel.db = holder;
	rel.ms = 300;
	assert_int_equal(pthread_create(&rel.thread, NULL, release_later,
	    &rel), 0);
	t0 = now_ms();
	if (store_write_window(st, "s", STORE_TIER_RAW, T0 + 60, 60, &ws,
	    ft) != 0)
		fail_msg("after release: %s", store_error(st));
	ms = now_ms() - t0;
	pthread_join(rel.thread, NULL);
	sqlite3_close(holder);
	assert_true(ms >= 250);
	after = snapshot(path);
	assert_int_equal(after.windows, before.windows + 1);
	assert_int_equal(after.edges, before.edges + (int64_t)x.edges);
	assert_int_equal(after.pairs, before.pairs + (int64_t)x.pairs);
	assert_int_equal(store_rollup(st, T0 + 3600), 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM windows WHERE"
	    " tier = 1"), 1);
	before = snapshot(path);

	/* a reader in a transaction: the write does not wait, the reader
	 * keeps its snapshot */
	assert_int_equal(sqlite3_open(path, &reader), SQLITE_OK);
	assert_int_equal(sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(reader, "SELECT count(*) FROM"
	    " edges", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(s, 0), before.edges);
	sqlite3_reset(s);
	t0 = now_ms();
	write_window(st, "s", T0 + 120, 4, NULL);
	assert_true(now_ms() - t0 < 4000);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(s, 0), before.edges);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(reader);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"),
	    before.edges + 4);

	flowtable_free(ft);
	store_close(st);
	integrity_ok(path);
}

/*
 * Every write of a store that cannot write fails with -1, names the file
 * and changes nothing; reads still work.  0, or the step that went wrong
 * (so it can run in a child too).
 */
static int
writes_fail(struct store *st, const char *path)
{
	struct expect x;
	struct flowtable *ft = make_window(T0 + 300, 60, 16, &x);
	struct window_stats ws = stats_of(&x, 0);
	struct packet ev = event_of(0);
	struct import_record prev;
	int rc = 0;

	if (store_write_window(st, "s", STORE_TIER_RAW, T0 + 300, 60, &ws,
	    ft) != -1)
		rc = 1;
	else if (strstr(store_error(st), path) == NULL)
		rc = 2;
	else if (store_write_events(st, "s", &ev, 1) != -1)
		rc = 3;
	else if (store_expire(st, STORE_TIER_RAW, T0 + 86400) != -1)
		rc = 4;
	else if (store_expire_events(st, INT64_MAX) != -1)
		rc = 5;
	else if (store_rollup(st, T0 + 86400) != -1)	/* a mark is there */
		rc = 6;
	else if (store_import_begin(st, "new", "/x", 0, &prev) != -1)
		rc = 7;
	else if (store_import_end(st, "old", "failed", 1) != -1)
		rc = 8;
	flowtable_free(ft);
	if (rc != 0)
		fprintf(stderr, "read-only: step %d: %s\n", rc,
		    store_error(st));
	return rc;
}

struct as_nobody {
	const char	*path;
	uid_t		 uid;
	gid_t		 gid;
};

/*
 * In a child, as a user who may not write the file: opened for writing,
 * the store refuses to open, naming the file, rather than open it read
 * only and fail at the first window (ipgraphd opens the database before
 * it detaches so that such a database is reported at startup).  Opened
 * read-only, it reads and fails every write.
 */
static int
nobody_child(void *arg)
{
	struct as_nobody *nb = arg;
	struct store *st;
	char err[512] = "";
	struct filter *f = NULL;
	struct tally t;
	int rc;

	if (getuid() == 0 && (setgroups(0, NULL) < 0 ||
	    setgid(nb->gid) < 0 || setuid(nb->uid) < 0)) {
		fprintf(stderr, "read-only: dropping to uid %u: %s\n",
		    (unsigned)nb->uid, strerror(errno));
		return 20;
	}
	if (access(nb->path, W_OK) == 0) {
		fprintf(stderr, "read-only: %s is writable\n", nb->path);
		return 21;
	}
	if ((st = store_open(nb->path, 0, err, sizeof(err))) != NULL) {
		fprintf(stderr, "read-only: %s opened for writing\n",
		    nb->path);
		rc = writes_fail(st, nb->path);
		store_close(st);
		return rc != 0 ? rc : 22;
	}
	if (strstr(err, nb->path) == NULL || strstr(err, "read-only") ==
	    NULL) {
		fprintf(stderr, "read-only: %s\n", err);
		return 23;
	}
	if ((st = store_open(nb->path, 1, err, sizeof(err))) == NULL) {
		fprintf(stderr, "read-only: %s\n", err);
		return 24;
	}
	memset(&t, 0, sizeof(t));
	t.last_start = INT64_MIN;
	if ((f = filter_new()) == NULL || store_read(st, f, STORE_READ_ROWS,
	    tally_row, &t, NULL, NULL, err, sizeof(err)) != 0 ||
	    t.rows != 8) {
		fprintf(stderr, "read-only: read %llu rows: %s\n",
		    (unsigned long long)t.rows, err);
		rc = 25;
	} else
		rc = writes_fail(st, nb->path);
	filter_free(f);
	store_close(st);
	return rc;
}

static void
test_fault_readonly(void **state)
{
	const char *path = db_path("ro");
	struct snapshot before, after;
	struct as_nobody nb;
	struct store *st;
	struct passwd *pw;
	struct tally t;
	struct import_record prev;
	struct packet ev = event_of(1);
	char dir[128];

	(void)state;
	st = open_ok(path, 0);
	write_window(st, "s", T0, 8, NULL);
	assert_int_equal(store_import_begin(st, "old", "/x", 0, &prev), 0);
	assert_int_equal(store_write_events(st, "s", &ev, 1), 0);
	store_close(st);
	before = snapshot(path);
	assert_int_equal(before.pending, 1);

	/* opened read-only: every write fails, reads work */
	st = open_ok(path, 1);
	assert_int_equal(writes_fail(st, path), 0);
	t = read_kv(st, STORE_READ_ROWS, NULL, NULL);
	assert_int_equal(t.rows, 8);
	store_close(st);
	after = snapshot(path);
	same_snapshot(&before, &after);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM imports WHERE"
	    " status = 'running'"), 1);

	/*
	 * A file the process may not write (0444), opened for writing.  Root
	 * ignores file modes, so as root the child becomes nobody; the
	 * folder must let nobody in, and create the -wal and -shm files.
	 */
	snprintf(dir, sizeof(dir), "%s/ro", tmpdir);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	nb.path = db_path("ro/ro");
	copy_file(path, nb.path);
	assert_int_equal(chmod(nb.path, 0444), 0);
	nb.uid = getuid();
	nb.gid = getgid();
	if (getuid() == 0) {
		if ((pw = getpwnam("nobody")) == NULL) {
			print_message("no user nobody: read-only file as root"
			    " not tested\n");
			return;
		}
		nb.uid = pw->pw_uid;
		nb.gid = pw->pw_gid;
		assert_int_equal(chmod(tmpdir, 0711), 0);
	}
	before = snapshot(nb.path);
	assert_int_equal(in_child(nobody_child, &nb), 0);
	after = snapshot(nb.path);
	same_snapshot(&before, &after);
	integrity_ok(nb.path);
	assert_int_equal(chmod(tmpdir, 0700), 0);
}

/* --- first-seen keys ---------------------------------------------------- */

/* An edge proto src -> dst:dport from sport; v6 when v6. */
static void
fs_key(struct flow_key *k, int v6, uint8_t proto, uint8_t src, uint8_t dst,
    uint16_t sport, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->ipver = v6 ? 6 : 4;
	k->proto = proto;
	if (v6) {
		k->src[0] = k->dst[0] = 0x20;
		k->src[1] = k->dst[1] = 0x01;
		k->src[15] = src;
		k->dst[15] = dst;
	} else {
		k->src[0] = k->dst[0] = 10;
		k->src[3] = src;
		k->dst[3] = dst;
	}
	k->sport = sport;
	k->dport = dport;
}

/* One packet on that edge at second at. */
static void
fs_add(struct flowtable *ft, int v6, uint8_t proto, uint8_t src, uint8_t dst,
    uint16_t sport, uint16_t dport, int64_t at)
{
	struct flow_key k;

	fs_key(&k, v6, proto, src, dst, sport, dport);
	assert_int_equal(flowtable_add(ft, &k, 0, 60, at * US), 0);
}

/* The stored first time of 10.0.0.src -> 10.0.0.dst:dport over TCP. */
static int64_t
fs_first(const char *path, uint8_t src, uint8_t dst, uint16_t dport)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT first_us FROM first_seen WHERE"
	    " proto = 6 AND src = x'0a0000%02x' AND dst = x'0a0000%02x'"
	    " AND dport = %u", src, dst, dport);
	return sql_int(path, sql);
}

/* Write ft as the raw window at start_s; the table is freed. */
static void
fs_write(struct store *st, int64_t start_s, struct flowtable *ft)
{
	struct window_stats ws;

	memset(&ws, 0, sizeof(ws));
	assert_int_equal(store_write_window(st, "s", STORE_TIER_RAW, start_s,
	    60, &ws, ft), 0);
	flowtable_free(ft);
}

/*
 * A key is (sensor, protocol, addresses, destination port): a window's
 * edges that differ only in the source port make one row with their
 * earliest time, counted and listed once, in key order; the overflow edge
 * makes none; a later window adds only new keys and never raises a time;
 * a late window lowers the times it has earlier (the key-by-key path)
 * and adds its new keys.
 */
static void
test_first_seen(void **state)
{
	const char *path = db_path("firstseen");
	const struct first_seen_row *l;
	struct flowtable *ft;
	struct flow_key zero;
	struct store *st;
	size_t n;

	(void)state;
	st = open_ok(path, 0);
	store_keep_first_seen_list(st, 1);

	ft = flowtable_new(0, 0);
	fs_add(ft, 0, 6, 1, 2, 1000, 80, T0 + 5);
	fs_add(ft, 0, 6, 1, 2, 1001, 80, T0 + 1);
	fs_add(ft, 0, 6, 1, 2, 1002, 80, T0 + 3);
	fs_add(ft, 0, 6, 1, 2, 1003, 443, T0 + 2);
	fs_add(ft, 0, 6, 2, 1, 80, 1000, T0 + 6);
	fs_add(ft, 1, 17, 1, 2, 5353, 53, T0 + 4);
	memset(&zero, 0, sizeof(zero));
	zero.ipver = 4;
	assert_int_equal(flowtable_add_force(ft, &zero, 0, 60, T0 * US), 0);
	fs_write(st, T0, ft);
	assert_int_equal(store_first_seen_new(st), 4);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM first_seen"), 4);
	assert_int_equal(fs_first(path, 1, 2, 80), (T0 + 1) * US);
	assert_int_equal(fs_first(path, 1, 2, 443), (T0 + 2) * US);
	assert_int_equal(fs_first(path, 2, 1, 1000), (T0 + 6) * US);
	assert_int_equal(sql_int(path, "SELECT first_us FROM first_seen WHERE"
	    " proto = 17 AND length(src) = 16 AND dport = 53"), (T0 + 4) * US);
	l = store_first_seen_list(st, &n);
	assert_int_equal(n, 4);
	assert_non_null(l);
	/* key order: TCP 10.0.0.1 -> 10.0.0.2 :80, :443, then the reverse */
	assert_int_equal(l[0].proto, 6);
	assert_int_equal(l[0].dport, 80);
	assert_int_equal(l[0].first_us, (T0 + 1) * US);
	assert_int_equal(l[0].ipver, 4);
	assert_int_equal(l[0].src[3], 1);
	assert_int_equal(l[1].dport, 443);
	assert_int_equal(l[2].dport, 1000);
	assert_int_equal(l[2].src[3], 2);
	assert_int_equal(l[3].proto, 17);
	assert_int_equal(l[3].ipver, 6);
	assert_int_equal(l[3].dst[15], 2);
	assert_null(l[3].sensor);

	/* a later window: one new key, no time raised */
	ft = flowtable_new(0, 0);
	fs_add(ft, 0, 6, 1, 2, 2000, 80, T0 + 61);
	fs_add(ft, 0, 6, 1, 2, 2001, 22, T0 + 62);
	fs_write(st, T0 + 60, ft);
	assert_int_equal(store_first_seen_new(st), 1);
	assert_int_equal(fs_first(path, 1, 2, 80), (T0 + 1) * US);
	assert_int_equal(fs_first(path, 1, 2, 22), (T0 + 62) * US);
	l = store_first_seen_list(st, &n);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].dport, 22);

	/* a late window, the list not kept: times lowered, one key new */
	store_keep_first_seen_list(st, 0);
	ft = flowtable_new(0, 0);
	fs_add(ft, 0, 6, 1, 2, 3000, 80, T0 - 59);
	fs_add(ft, 0, 6, 1, 2, 3001, 22, T0 - 50);
	fs_add(ft, 0, 6, 1, 2, 3002, 8080, T0 - 30);
	fs_add(ft, 0, 6, 2, 1, 80, 1000, T0 - 20);
	fs_write(st, T0 - 60, ft);
	assert_int_equal(store_first_seen_new(st), 1);
	assert_null(store_first_seen_list(st, &n));
	assert_int_equal(n, 0);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM first_seen"), 6);
	assert_int_equal(fs_first(path, 1, 2, 80), (T0 - 59) * US);
	assert_int_equal(fs_first(path, 1, 2, 22), (T0 - 50) * US);
	assert_int_equal(fs_first(path, 1, 2, 8080), (T0 - 30) * US);
	assert_int_equal(fs_first(path, 2, 1, 1000), (T0 - 20) * US);
	assert_int_equal(fs_first(path, 1, 2, 443), (T0 + 2) * US);

	/* the edges themselves: every one, the overflow edge too */
	assert_int_equal(sql_int(path, "SELECT count(*) FROM edges"), 13);
	store_close(st);
	integrity_ok(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_new),
		cmocka_unit_test(test_open_reopen),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_open_newer),
		cmocka_unit_test(test_open_v1),
		cmocka_unit_test(test_write_window),
		cmocka_unit_test(test_first_seen),
		cmocka_unit_test(test_rollup),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_feed),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_events_same_time),
		cmocka_unit_test(test_events_upgrade),
		cmocka_unit_test(test_size_budget),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_names_of),
		cmocka_unit_test(test_free_as_written),
		cmocka_unit_test(test_fault_statement),
		cmocka_unit_test(test_fault_full_disk),
		cmocka_unit_test(test_fault_tmpfs_full),
		cmocka_unit_test(test_fault_busy),
		cmocka_unit_test(test_fault_readonly),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
