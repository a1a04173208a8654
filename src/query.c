/* query.c - export filters to SQL, and the graph model every export reads. */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "addr.h"
#include "buf.h"
#include "decode.h"
#include "names.h"
#include "query.h"
#include "store.h"
#include "timefmt.h"

/* The roll-up tiers (store.c numbers them; raw is STORE_TIER_RAW). */
#ifndef STORE_TIER_HOUR
#define STORE_TIER_HOUR		1
#endif
#ifndef STORE_TIER_DAY
#define STORE_TIER_DAY		2
#endif
/* Spans at least this long read rolled-up hours where they exist. */
#define QUERY_MIXED_SPAN_US	(6LL * 3600 * 1000000)
#define QUERY_TOP_MAX		1000000

/* Which parameters were given, for query_has. */
enum {
	P_FROM, P_TO, P_SRC, P_DST, P_HOST, P_PAIR, P_PORT, P_PROTO,
	P_SENSOR, P_TOP, P_OTHER, P_METRIC, P_GROUP, P_TIER, P_N
};

static const char *const query_params[P_N] = {
	"from", "to", "src", "dst", "host", "pair", "port", "proto",
	"sensor", "top", "other", "metric", "group", "tier"
};

struct query {
	unsigned		 given;		/* 1 << P_* */
	int64_t			 from_us;
	int64_t			 to_us;
	struct cidr		 src, dst, host, pair_a, pair_b;
	unsigned		 port;
	unsigned		 proto;
	char			*sensor;
	unsigned		 top;
	int			 other;
	int			 metric;
	unsigned		 group4;	/* 32: no folding */
	unsigned		 group6;	/* 128 */
	int			 tier;		/* QUERY_TIER_AUTO or >= 0 */
	int			 detail;
	const struct names	*names;
};

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
 * per row, and a long span reads hundreds of thousands of rows).
 */
static const char query_sql_graph[] = QUERY_COLUMNS QUERY_FROM;
static const char query_sql_graph_all[] = QUERY_COLUMNS QUERY_JOIN("edges")
	QUERY_WHERE_WINDOWS QUERY_WHERE_PORTS;
/*
 * The graph from the pairs table (edges folded per address pair, one row
 * per pair and window), when neither ports nor protocols are asked for:
 * the same columns, with zeros for what a pair does not have.
 */
#define QUERY_PAIR_COLUMNS \
	"SELECT w.start, w.seconds, s.name, 0, e.src, e.dst, 0, 0," \
	" e.packets, e.bytes, e.first_us, e.last_us, 0"
static const char query_sql_pairs[] = QUERY_PAIR_COLUMNS
	QUERY_JOIN("pairs") QUERY_WHERE_WINDOWS QUERY_WHERE_ADDRS;
static const char query_sql_pairs_all[] = QUERY_PAIR_COLUMNS
	QUERY_JOIN("pairs") QUERY_WHERE_WINDOWS;

#define QUERY_ADDR_PARAMS \
	((1u << P_SRC) | (1u << P_DST) | (1u << P_HOST) | (1u << P_PAIR))

/* The statement a graph is read with: pairs unless ports matter. */
static const char *
query_graph_sql(const struct query *q)
{
	int addrs = (q->given & QUERY_ADDR_PARAMS) != 0;

	if ((q->detail & QUERY_DETAIL_PORTS) ||
	    (q->given & ((1u << P_PROTO) | (1u << P_PORT))))
		return addrs ? query_sql_graph : query_sql_graph_all;
	return addrs ? query_sql_pairs : query_sql_pairs_all;
}

static const char query_sql_rows[] = QUERY_COLUMNS QUERY_FROM
	" ORDER BY w.start, s.name, w.seconds, e.proto, e.src, e.dst,"
	" e.sport, e.dport";

struct query *
query_new(void)
{
	struct query *q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->group4 = 32;
	q->group6 = 128;
	q->tier = QUERY_TIER_AUTO;
	q->metric = QUERY_METRIC_PACKETS;
	return q;
}

void
query_free(struct query *q)
{
	if (q == NULL)
		return;
	free(q->sensor);
	free(q);
}

static int
query_param(const char *name)
{
	int i;

	for (i = 0; i < P_N; i++)
		if (strcmp(name, query_params[i]) == 0)
			return i;
	return -1;
}

int
query_known(const char *name)
{
	return query_param(name) >= 0;
}

int
query_has(const struct query *q, const char *name)
{
	int p = query_param(name);

	return p >= 0 && (q->given & (1u << p)) != 0;
}

int
query_metric(const struct query *q)
{
	return q->metric;
}

void
query_set_names(struct query *q, const struct names *nm)
{
	q->names = nm;
}

void
query_set_detail(struct query *q, int detail)
{
	q->detail = detail;
}

/* A whole number in [lo, hi]; 0 or -1. */
static int
query_number(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "A:B", "A,B" or "[A]:[B]"; 0 or -1 with err. */
static int
query_parse_pair(struct query *q, const char *v, char *err, size_t errlen)
{
	char tmp[2 * (ADDR_STRLEN + 8) + 8], *sep, *a, *b;
	struct cidr ca, cb, fa, fb;
	size_t len = strlen(v), i;
	int found = 0;

	if (len >= sizeof(tmp))
		goto bad;
	memcpy(tmp, v, len + 1);
	if (tmp[0] == '[' && (sep = strstr(tmp, "]:[")) != NULL &&
	    tmp[len - 1] == ']') {
		*sep = '\0';
		tmp[len - 1] = '\0';
		a = tmp + 1;
		b = sep + 3;
		if (addr_parse_cidr(a, &fa) < 0 || addr_parse_cidr(b, &fb) < 0)
			goto bad;
		found = 1;
	} else if ((sep = strchr(tmp, ',')) != NULL) {
		*sep = '\0';
		if (addr_parse_cidr(tmp, &fa) < 0 ||
		    addr_parse_cidr(sep + 1, &fb) < 0)
			goto bad;
		found = 1;
	} else {
		/* IPv6 has colons of its own: try every split. */
		for (i = 0; i < len; i++) {
			if (v[i] != ':')
				continue;
			memcpy(tmp, v, len + 1);
			tmp[i] = '\0';
			if (addr_parse_cidr(tmp, &ca) < 0 ||
			    addr_parse_cidr(tmp + i + 1, &cb) < 0)
				continue;
			if (found++) {
				snprintf(err, errlen, "pair: '%s' can be split "
				    "more than one way; write [A]:[B] or A,B",
				    v);
				return -1;
			}
			fa = ca;
			fb = cb;
		}
	}
	if (!found)
		goto bad;
	q->pair_a = fa;
	q->pair_b = fb;
	return 0;
bad:
	snprintf(err, errlen, "pair: '%s' is not A:B with A and B addresses "
	    "or CIDR blocks (IPv6: [A]:[B] or A,B)", v);
	return -1;
}

/* "/24", "24", "/24,/64"; 0 or -1 with err. */
static int
query_parse_group(struct query *q, const char *v, char *err, size_t errlen)
{
	char tmp[32], *comma, *a, *b;
	unsigned long n4, n6;

	if (strlen(v) >= sizeof(tmp))
		goto bad;
	strcpy(tmp, v);
	a = tmp;
	if ((comma = strchr(tmp, ',')) != NULL) {
		*comma = '\0';
		b = comma + 1;
		if (*a == '/')
			a++;
		if (*b == '/')
			b++;
		if (query_number(a, 0, 32, &n4) < 0 ||
		    query_number(b, 0, 128, &n6) < 0)
			goto bad;
		q->group4 = (unsigned)n4;
		q->group6 = (unsigned)n6;
		return 0;
	}
	if (*a == '/')
		a++;
	if (query_number(a, 0, 128, &n4) < 0)
		goto bad;
	if (n4 <= 32) {
		q->group4 = (unsigned)n4;
		q->group6 = 128;
	} else {
		q->group4 = 32;
		q->group6 = (unsigned)n4;
	}
	return 0;
bad:
	snprintf(err, errlen, "group: '%s' is not a prefix length such as /24 "
	    "(IPv4, up to 32), /64 (IPv6, up to 128) or /24,/64", v);
	return -1;
}

int
query_set(struct query *q, const char *name, const char *v, int64_t now_us,
    char *err, size_t errlen)
{
	char why[256];
	unsigned long n;
	int p, proto;

	if ((p = query_param(name)) < 0) {
		snprintf(err, errlen, "%s: unknown parameter", name);
		return -1;
	}
	switch (p) {
	case P_FROM:
	case P_TO:
		if (timefmt_parse(v, now_us, p == P_FROM ? &q->from_us :
		    &q->to_us, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: %s", name, why);
			return -1;
		}
		break;
	case P_SRC:
	case P_DST:
	case P_HOST:
		if (addr_parse_cidr(v, p == P_SRC ? &q->src : p == P_DST ?
		    &q->dst : &q->host) < 0) {
			snprintf(err, errlen, "%s: '%s' is not an IPv4 or IPv6 "
			    "address or CIDR block", name, v);
			return -1;
		}
		break;
	case P_PAIR:
		if (query_parse_pair(q, v, err, errlen) < 0)
			return -1;
		break;
	case P_PORT:
		if (query_number(v, 0, 65535, &n) < 0) {
			snprintf(err, errlen, "port: '%s' is not a port number "
			    "(0-65535)", v);
			return -1;
		}
		q->port = (unsigned)n;
		break;
	case P_PROTO:
		proto = decode_proto_number(v);
		if (proto < 0 || proto > 255) {
			snprintf(err, errlen, "proto: '%s' is not tcp, udp, "
			    "icmp, icmpv6, sctp or a number 0-255", v);
			return -1;
		}
		q->proto = (unsigned)proto;
		break;
	case P_SENSOR:
		if (*v == '\0') {
			snprintf(err, errlen, "sensor: empty name");
			return -1;
		}
		free(q->sensor);
		if ((q->sensor = strdup(v)) == NULL) {
			snprintf(err, errlen, "sensor: out of memory");
			return -1;
		}
		break;
	case P_TOP:
		if (query_number(v, 0, QUERY_TOP_MAX, &n) < 0) {
			snprintf(err, errlen, "top: '%s' is not a number of "
			    "edges (1-%d)", v, QUERY_TOP_MAX);
			return -1;
		}
		if (n == 0) {
			snprintf(err, errlen, "top: must be at least 1");
			return -1;
		}
		q->top = (unsigned)n;
		break;
	case P_OTHER:
		if (*v == '\0' || strcmp(v, "1") == 0 ||
		    strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
		    strcmp(v, "on") == 0)
			q->other = 1;
		else if (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 ||
		    strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
			q->other = 0;
		else {
			snprintf(err, errlen, "other: '%s' is neither yes nor "
			    "no", v);
			return -1;
		}
		break;
	case P_METRIC:
		if (strcmp(v, "packets") == 0)
			q->metric = QUERY_METRIC_PACKETS;
		else if (strcmp(v, "bytes") == 0)
			q->metric = QUERY_METRIC_BYTES;
		else {
			snprintf(err, errlen, "metric: '%s' is neither packets "
			    "nor bytes", v);
			return -1;
		}
		break;
	case P_GROUP:
		if (query_parse_group(q, v, err, errlen) < 0)
			return -1;
		break;
	case P_TIER:
		if (strcmp(v, "auto") == 0)
			q->tier = QUERY_TIER_AUTO;
		else if (strcmp(v, "raw") == 0)
			q->tier = STORE_TIER_RAW;
		else if (strcmp(v, "hour") == 0)
			q->tier = STORE_TIER_HOUR;
		else if (strcmp(v, "day") == 0)
			q->tier = STORE_TIER_DAY;
		else if (query_number(v, 0, 100, &n) == 0)
			q->tier = (int)n;
		else {
			snprintf(err, errlen, "tier: '%s' is not raw, hour, "
			    "day, auto or a tier number", v);
			return -1;
		}
		break;
	}
	q->given |= 1u << p;
	return 0;
}

int
query_check(const struct query *q, char *err, size_t errlen)
{
	if ((q->given & (1u << P_FROM)) && (q->given & (1u << P_TO)) &&
	    q->from_us > q->to_us) {
		snprintf(err, errlen, "from: is after to, so nothing can "
		    "match");
		return -1;
	}
	return 0;
}

/* A block as a blob range: first and last address, and the blob length. */
static void
query_bind_block(sqlite3_stmt *s, int at, const struct cidr *c)
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
query_floor_s(int64_t us)
{
	return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

/*
 * The hours [h0, h1) a mixed query reads from the hour tier: whole hours
 * of [from, to], ending by cut.  h1 <= h0 means none.
 */
static void
query_mixed_hours(const struct query *q, int64_t cut, int64_t *h0,
    int64_t *h1)
{
	int64_t from = query_floor_s(q->from_us) + (q->from_us % 1000000 != 0);
	int64_t to = (q->given & (1u << P_TO)) ?
	    query_floor_s(q->to_us) + 1 : timefmt_now() / 1000000;

	*h0 = (from + 3599) / 3600 * 3600;
	*h1 = to / 3600 * 3600;
	if (*h1 > cut)
		*h1 = cut;
}

/*
 * Bind every parameter.  tier QUERY_TIER_MIXED reads the hour windows of
 * the hours wholly inside the span and before cut (complete roll-ups),
 * and raw windows for the rest: the partial hours at both ends and
 * everything from cut on.  Raw windows are split by their start, as the
 * roll-up groups them, so nothing is read twice.
 */
static void
query_bind(const struct query *q, sqlite3_stmt *s, int tier, int64_t cut)
{
	int64_t from = (q->given & (1u << P_FROM)) ? q->from_us :
	    INT64_MIN / 2;
	int64_t to = (q->given & (1u << P_TO)) ? q->to_us : INT64_MAX / 2;

	sqlite3_bind_int(s, 1, tier);
	if (tier == QUERY_TIER_MIXED && sqlite3_bind_parameter_count(s) >= 25) {
		int64_t h0, h1;

		query_mixed_hours(q, cut, &h0, &h1);
		sqlite3_bind_int64(s, 24, h0);
		sqlite3_bind_int64(s, 25, h1);
	}
	sqlite3_bind_int64(s, 2, query_floor_s(from) - 86400);
	sqlite3_bind_int64(s, 3, query_floor_s(to));
	sqlite3_bind_int64(s, 4, from);
	sqlite3_bind_int64(s, 5, to);
	if (q->sensor != NULL)
		sqlite3_bind_text(s, 6, q->sensor, -1, SQLITE_STATIC);
	if (q->given & (1u << P_PROTO))
		sqlite3_bind_int(s, 7, (int)q->proto);
	if (q->given & (1u << P_PORT))
		sqlite3_bind_int(s, 8, (int)q->port);
	if (q->given & (1u << P_SRC))
		query_bind_block(s, 9, &q->src);
	if (q->given & (1u << P_DST))
		query_bind_block(s, 12, &q->dst);
	if (q->given & (1u << P_HOST))
		query_bind_block(s, 15, &q->host);
	if (q->given & (1u << P_PAIR)) {
		query_bind_block(s, 18, &q->pair_a);
		query_bind_block(s, 21, &q->pair_b);
	}
}

/* Whether tier has a window in the span; 1, 0, or -1 on error. */
static int
query_tier_has(const struct query *q, sqlite3 *db, int tier)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM windows w"
	    " WHERE w.tier = ?1 AND w.start BETWEEN ?2 AND ?3"
	    " AND (w.start + w.seconds) * 1000000 > ?4"
	    " AND w.start * 1000000 <= ?5 LIMIT 1", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	query_bind(q, s, tier, 0);
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
query_hour_cut(sqlite3 *db, int64_t *cut)
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
 * The tier to read.  Auto prefers raw windows (exact bounds), except for
 * long spans (6 hours or more): there the rolled-up hours are read where
 * they are complete and raw windows after them (QUERY_TIER_MIXED, with
 * *cut the boundary), so a day's query reads 24 hour windows plus the
 * current hour instead of 1440 minute windows.  When the span has no raw
 * windows at all (retention expired them) the finest coarser tier that
 * has windows there is read instead.
 */
static int
query_tier(const struct query *q, sqlite3 *db, int *tier, int64_t *cut)
{
	sqlite3_stmt *s = NULL;
	int64_t from, to;
	int rc, t;

	*cut = 0;
	if (q->tier != QUERY_TIER_AUTO) {
		*tier = q->tier;
		return 0;
	}
	from = (q->given & (1u << P_FROM)) ? q->from_us : INT64_MIN / 2;
	to = (q->given & (1u << P_TO)) ? q->to_us : timefmt_now();
	if ((q->given & (1u << P_FROM)) && to - from >= QUERY_MIXED_SPAN_US) {
		int64_t h0, h1;

		if (query_hour_cut(db, cut) < 0)
			return -1;
		query_mixed_hours(q, *cut, &h0, &h1);
		if (h1 > h0) {
			*tier = QUERY_TIER_MIXED;
			return 0;
		}
	}
	*tier = STORE_TIER_RAW;
	if ((rc = query_tier_has(q, db, STORE_TIER_RAW)) != 0)
		return rc < 0 ? -1 : 0;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT tier FROM windows"
	    " WHERE tier > ?1 ORDER BY tier", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(s, 1, STORE_TIER_RAW);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t = sqlite3_column_int(s, 0);
		if (query_tier_has(q, db, t) == 1) {
			*tier = t;
			break;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static void
query_sqlerr(sqlite3 *db, struct store *st, const char *what, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", store_path(st), what,
	    sqlite3_errmsg(db));
}

static void
query_read_row(sqlite3_stmt *s, struct query_row *r)
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
query_prepare(struct query *q, struct store *st, const char *sql, int *tier,
    char *err, size_t errlen)
{
	sqlite3 *db = store_sqlite(st);
	sqlite3_stmt *s = NULL;
	int64_t cut;

	if (query_check(q, err, errlen) < 0)
		return NULL;
	if (query_tier(q, db, tier, &cut) < 0) {
		query_sqlerr(db, st, "choosing a tier", err, errlen);
		return NULL;
	}
	/* rows are one per stored window: never mix window lengths there */
	if (*tier == QUERY_TIER_MIXED && sql == query_sql_rows)
		*tier = STORE_TIER_RAW;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		query_sqlerr(db, st, "preparing the query", err, errlen);
		return NULL;
	}
	query_bind(q, s, *tier, cut);
	return s;
}

int
query_rows(struct query *q, struct store *st,
    int (*cb)(const struct query_row *, void *), void *arg, char *err,
    size_t errlen)
{
	struct query_row r;
	sqlite3_stmt *s;
	int rc, tier, stop = 0;

	if ((s = query_prepare(q, st, query_sql_rows, &tier, err, errlen)) ==
	    NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		query_read_row(s, &r);
		if ((stop = cb(&r, arg)) != 0)
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		query_sqlerr(store_sqlite(st), st, "reading edges", err,
		    errlen);
		stop = -1;
	}
	sqlite3_finalize(s);
	return stop < 0 ? -1 : 0;
}

int
query_plan(struct query *q, struct store *st, struct buf *out, char *err,
    size_t errlen)
{
	sqlite3 *db = store_sqlite(st);
	sqlite3_stmt *s = NULL;
	struct buf sql = BUF_INIT;
	int rc, tier;
	int64_t cut;

	if (query_check(q, err, errlen) < 0)
		return -1;
	if (query_tier(q, db, &tier, &cut) < 0) {
		query_sqlerr(db, st, "choosing a tier", err, errlen);
		return -1;
	}
	buf_puts(&sql, "EXPLAIN QUERY PLAN ");
	buf_puts(&sql, query_graph_sql(q));
	if (buf_failed(&sql) || sqlite3_prepare_v2(db, sql.data, -1, &s,
	    NULL) != SQLITE_OK) {
		query_sqlerr(db, st, "explaining the query", err, errlen);
		buf_free(&sql);
		return -1;
	}
	buf_free(&sql);
	query_bind(q, s, tier, cut);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		buf_printf(out, "%s\n", (const char *)sqlite3_column_text(s,
		    3));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		query_sqlerr(db, st, "explaining the query", err, errlen);
		return -1;
	}
	return 0;
}

/*
 * Open-addressed hash tables of indices into a growable array of items
 * whose first keylen bytes are the key.  One generic table serves nodes,
 * edges, flows and events; rows arrive by the million, so lookups must be
 * cheap, and items stay in one array that sorting can later reorder.
 */
struct htab {
	uint32_t	*slot;		/* index + 1; 0 is empty */
	size_t		 nslot;		/* power of two */
	size_t		 n;
	char		*items;
	size_t		 cap;
	size_t		 itemsize;
	size_t		 keylen;
};

static uint64_t
htab_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

static void
htab_init(struct htab *h, size_t itemsize, size_t keylen)
{
	memset(h, 0, sizeof(*h));
	h->itemsize = itemsize;
	h->keylen = keylen;
}

static void
htab_free(struct htab *h)
{
	free(h->slot);
	free(h->items);
	memset(h, 0, sizeof(*h));
}

static void *
htab_item(const struct htab *h, size_t i)
{
	return h->items + i * h->itemsize;
}

static int
htab_rehash(struct htab *h, size_t nslot)
{
	uint32_t *slot;
	size_t i, j;

	if ((slot = calloc(nslot, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < h->n; i++) {
		j = htab_hash(htab_item(h, i), h->keylen) & (nslot - 1);
		while (slot[j] != 0)
			j = (j + 1) & (nslot - 1);
		slot[j] = (uint32_t)(i + 1);
	}
	free(h->slot);
	h->slot = slot;
	h->nslot = nslot;
	return 0;
}

/*
 * Key equality.  The edge, flow and event keys (8, 12 and 16 bytes) are
 * compared inline, as words: memcmp is a libc call, once per probe.
 */
static inline int
htab_same(const void *a, const void *b, size_t keylen)
{
	const char *p = a, *q = b;
	uint64_t x, y;
	uint32_t u, v;

	switch (keylen) {
	case 8:
	case 12:
	case 16:
		memcpy(&x, p, 8);
		memcpy(&y, q, 8);
		if (x != y)
			return 0;
		if (keylen == 12) {
			memcpy(&u, p + 8, 4);
			memcpy(&v, q + 8, 4);
			return u == v;
		}
		if (keylen == 16) {
			memcpy(&x, p + 8, 8);
			memcpy(&y, q + 8, 8);
			return x == y;
		}
		return 1;
	default:
		return memcmp(a, b, keylen) == 0;
	}
}

/*
 * Find the item with key's first keylen bytes, or append item (the whole
 * itemsize bytes) as a new one.  Returns its index and sets *isnew, or
 * -1 when out of memory.
 */
static long
htab_get(struct htab *h, const void *item, int *isnew)
{
	size_t j, cap;
	uint32_t s;
	char *items;

	*isnew = 0;
	if (h->nslot != 0) {
		j = htab_hash(item, h->keylen) & (h->nslot - 1);
		while ((s = h->slot[j]) != 0) {
			if (htab_same(htab_item(h, s - 1), item, h->keylen))
				return (long)(s - 1);
			j = (j + 1) & (h->nslot - 1);
		}
	}
	if (h->n >= UINT32_MAX - 1)
		return -1;
	if ((h->n + 1) * 2 > h->nslot &&
	    htab_rehash(h, h->nslot == 0 ? 1024 : h->nslot * 2) < 0)
		return -1;
	if (h->n == h->cap) {
		cap = h->cap == 0 ? 256 : h->cap * 2;
		if ((items = reallocarray(h->items, cap, h->itemsize)) ==
		    NULL)
			return -1;
		h->items = items;
		h->cap = cap;
	}
	memcpy(htab_item(h, h->n), item, h->itemsize);
	j = htab_hash(item, h->keylen) & (h->nslot - 1);
	while (h->slot[j] != 0)
		j = (j + 1) & (h->nslot - 1);
	h->slot[j] = (uint32_t)(h->n + 1);
	*isnew = 1;
	return (long)h->n++;
}

/* Keys are plain bytes with no padding, so memcmp and hashing are exact. */
struct nkey {
	uint8_t		ver;
	uint8_t		prefix;
	uint8_t		addr[16];
};

struct nitem {
	struct nkey	k;
};

struct ekey {
	uint32_t	src;
	uint32_t	dst;
};

struct eitem {
	struct ekey	k;
	uint64_t	packets;
	uint64_t	bytes;
	int64_t		first_us;
	int64_t		last_us;
	long		to;		/* folding: the new edge, or -1 */
};

struct fkey {
	uint32_t	edge;
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	proto;
};

struct fitem {
	struct fkey	k;
	uint64_t	packets;
	uint64_t	bytes;
};

struct vkey {
	int64_t		window_us;
	uint32_t	edge;
	uint32_t	pad;
};

struct vitem {
	struct vkey	k;
	int64_t		first_us;
	uint64_t	packets;
	uint64_t	bytes;
};

/* Aggregation state of one query_graph run. */
struct agg {
	const struct query	*q;
	struct nkey		 last;		/* the last node looked up */
	long			 last_idx;	/* its index, or -1 */
	struct htab		 nodes;
	struct htab		 edges;
	struct htab		 flows;
	struct htab		 events;
};

static long
agg_node(struct agg *a, int ver, const uint8_t *addr)
{
	struct nitem n;
	int isnew;

	memset(&n, 0, sizeof(n));
	n.k.ver = (uint8_t)ver;
	n.k.prefix = (uint8_t)(ver == 4 ? a->q->group4 : a->q->group6);
	memcpy(n.k.addr, addr, ver == 4 ? 4 : 16);
	if (n.k.prefix != (ver == 4 ? 32 : 128))
		addr_mask(n.k.addr, ver, n.k.prefix);
	/* rows come in key order: the same source many times in a row */
	if (a->last_idx >= 0 && memcmp(&a->last, &n.k, sizeof(n.k)) == 0)
		return a->last_idx;
	a->last = n.k;
	return a->last_idx = htab_get(&a->nodes, &n, &isnew);
}

/* Add counts to the edge (src, dst); returns its index or -1. */
static long
agg_edge(struct htab *edges, uint32_t src, uint32_t dst, uint64_t packets,
    uint64_t bytes, int64_t first_us, int64_t last_us)
{
	struct eitem e, *p;
	long i;
	int isnew;

	memset(&e, 0, sizeof(e));
	e.k.src = src;
	e.k.dst = dst;
	e.packets = packets;
	e.bytes = bytes;
	e.first_us = first_us;
	e.last_us = last_us;
	e.to = -1;
	if ((i = htab_get(edges, &e, &isnew)) < 0 || isnew)
		return i;
	p = htab_item(edges, (size_t)i);
	p->packets += packets;
	p->bytes += bytes;
	if (first_us < p->first_us)
		p->first_us = first_us;
	if (last_us > p->last_us)
		p->last_us = last_us;
	return i;
}

static int
agg_flow(struct htab *flows, uint32_t edge, unsigned proto, unsigned sport,
    unsigned dport, uint64_t packets, uint64_t bytes)
{
	struct fitem f, *p;
	long i;
	int isnew;

	memset(&f, 0, sizeof(f));
	f.k.edge = edge;
	f.k.proto = proto;
	f.k.sport = (uint16_t)sport;
	f.k.dport = (uint16_t)dport;
	f.packets = packets;
	f.bytes = bytes;
	if ((i = htab_get(flows, &f, &isnew)) < 0)
		return -1;
	if (!isnew) {
		p = htab_item(flows, (size_t)i);
		p->packets += packets;
		p->bytes += bytes;
	}
	return 0;
}

static int
agg_event(struct htab *events, uint32_t edge, int64_t window_us,
    int64_t first_us, uint64_t packets, uint64_t bytes)
{
	struct vitem v, *p;
	long i;
	int isnew;

	memset(&v, 0, sizeof(v));
	v.k.window_us = window_us;
	v.k.edge = edge;
	v.first_us = first_us;
	v.packets = packets;
	v.bytes = bytes;
	if ((i = htab_get(events, &v, &isnew)) < 0)
		return -1;
	if (!isnew) {
		p = htab_item(events, (size_t)i);
		p->packets += packets;
		p->bytes += bytes;
		if (first_us < p->first_us)
			p->first_us = first_us;
	}
	return 0;
}

static int
agg_row(struct agg *a, const struct query_row *r)
{
	long s, d, e;

	if (r->ipver == 0)
		return 0;	/* a damaged row: no address to draw */
	if ((s = agg_node(a, r->ipver, r->src)) < 0 ||
	    (d = agg_node(a, r->ipver, r->dst)) < 0)
		return -1;
	if ((e = agg_edge(&a->edges, (uint32_t)s, (uint32_t)d, r->packets,
	    r->bytes, r->first_us, r->last_us)) < 0)
		return -1;
	if ((a->q->detail & QUERY_DETAIL_PORTS) && agg_flow(&a->flows,
	    (uint32_t)e, r->proto, r->sport, r->dport, r->packets,
	    r->bytes) < 0)
		return -1;
	if ((a->q->detail & QUERY_DETAIL_TIMES) && agg_event(&a->events,
	    (uint32_t)e, r->window_start * 1000000, r->first_us, r->packets,
	    r->bytes) < 0)
		return -1;
	return 0;
}

uint64_t
graph_weight(const struct graph *g, uint64_t packets, uint64_t bytes)
{
	return g->metric == QUERY_METRIC_BYTES ? bytes : packets;
}

/* Heaviest first under the metric, then by the other count, then key. */
static int
agg_cmp_weight(const void *pa, const void *pb, void *arg)
{
	int by_bytes = *(const int *)arg;
	const struct eitem *a = *(const struct eitem *const *)pa;
	const struct eitem *b = *(const struct eitem *const *)pb;
	uint64_t wa = by_bytes ? a->bytes : a->packets;
	uint64_t wb = by_bytes ? b->bytes : b->packets;
	uint64_t xa = by_bytes ? a->packets : a->bytes;
	uint64_t xb = by_bytes ? b->packets : b->bytes;

	if (wa != wb)
		return wa > wb ? -1 : 1;
	if (xa != xb)
		return xa > xb ? -1 : 1;
	return memcmp(&a->k, &b->k, sizeof(a->k));
}

/*
 * --top: keep the N heaviest edges and the hosts they join.  With --other
 * every other edge keeps its ends that are kept hosts and has the rest
 * replaced by the node "other" (an edge between two kept hosts stays as
 * it is), so the totals of the graph are those of the query; without it
 * they are dropped.  Rewrites a->edges, flows and events in place.
 */
static int
agg_top(struct agg *a)
{
	struct eitem **order = NULL, *e;
	struct htab edges, flows, events;
	uint8_t *kept = NULL;
	struct nitem other;
	size_t i, n = a->edges.n;
	long o = -1, s, d, ne;
	int isnew, rc = -1;

	if (a->q->top == 0 || n <= a->q->top)
		return 0;
	htab_init(&edges, sizeof(struct eitem), sizeof(struct ekey));
	htab_init(&flows, sizeof(struct fitem), sizeof(struct fkey));
	htab_init(&events, sizeof(struct vitem), sizeof(struct vkey));
	if ((order = calloc(n, sizeof(*order))) == NULL ||
	    (kept = calloc(a->nodes.n + 1, 1)) == NULL)
		goto done;
	for (i = 0; i < n; i++)
		order[i] = htab_item(&a->edges, i);
	qsort_r(order, n, sizeof(*order), agg_cmp_weight,
	    (void *)&a->q->metric);
	for (i = 0; i < a->q->top; i++)
		kept[order[i]->k.src] = kept[order[i]->k.dst] = 1;
	if (a->q->other) {
		memset(&other, 0, sizeof(other));
		if ((o = htab_get(&a->nodes, &other, &isnew)) < 0)
			goto done;
	}
	for (i = 0; i < n; i++) {
		e = order[i];
		s = e->k.src;
		d = e->k.dst;
		if (i >= a->q->top) {
			if (!a->q->other)
				continue;
			if (!kept[s])
				s = o;
			if (!kept[d])
				d = o;
		}
		if ((ne = agg_edge(&edges, (uint32_t)s, (uint32_t)d,
		    e->packets, e->bytes, e->first_us, e->last_us)) < 0)
			goto done;
		e->to = ne;
	}
	for (i = 0; i < a->flows.n; i++) {
		struct fitem *f = htab_item(&a->flows, i);

		e = htab_item(&a->edges, f->k.edge);
		if (e->to >= 0 && agg_flow(&flows, (uint32_t)e->to,
		    f->k.proto, f->k.sport, f->k.dport, f->packets,
		    f->bytes) < 0)
			goto done;
	}
	for (i = 0; i < a->events.n; i++) {
		struct vitem *v = htab_item(&a->events, i);

		e = htab_item(&a->edges, v->k.edge);
		if (e->to >= 0 && agg_event(&events, (uint32_t)e->to,
		    v->k.window_us, v->first_us, v->packets, v->bytes) < 0)
			goto done;
	}
	htab_free(&a->edges);
	htab_free(&a->flows);
	htab_free(&a->events);
	a->edges = edges;
	a->flows = flows;
	a->events = events;
	memset(&edges, 0, sizeof(edges));
	memset(&flows, 0, sizeof(flows));
	memset(&events, 0, sizeof(events));
	rc = 0;
done:
	htab_free(&edges);
	htab_free(&flows);
	htab_free(&events);
	free(order);
	free(kept);
	return rc;
}

/* Stable node order: IPv4, IPv6, then "other"; by address, then length. */
static int
graph_cmp_node(const void *pa, const void *pb)
{
	const struct graph_node *a = pa, *b = pb;
	int va = a->ver == 0 ? 99 : a->ver, vb = b->ver == 0 ? 99 : b->ver;
	int c;

	if (va != vb)
		return va < vb ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, 16)) != 0)
		return c;
	return a->prefix < b->prefix ? -1 : a->prefix > b->prefix;
}

static int
graph_cmp_edge(const void *pa, const void *pb)
{
	const struct graph_edge *a = pa, *b = pb;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

static int
graph_cmp_flow(const void *pa, const void *pb)
{
	const struct graph_flow *a = pa, *b = pb;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->dst != b->dst)
		return a->dst < b->dst ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	return a->dport < b->dport ? -1 : a->dport > b->dport;
}

static int
graph_cmp_event(const void *pa, const void *pb)
{
	const struct graph_event *a = pa, *b = pb;

	if (a->window_us != b->window_us)
		return a->window_us < b->window_us ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

void
graph_free(struct graph *g)
{
	if (g == NULL)
		return;
	free(g->nodes);
	free(g->edges);
	free(g->flows);
	free(g->events);
	free(g->strings);
	free(g);
}

/* Turn the aggregation into the sorted, self-contained graph. */
static struct graph *
agg_finish(struct agg *a, int tier, uint64_t rows)
{
	struct graph *g;
	struct buf strings = BUF_INIT;
	size_t *used = NULL, *newidx = NULL, *off = NULL, *at = NULL, i, n;
	struct graph_node *nd;
	char text[ADDR_STRLEN + 8];

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->metric = a->q->metric;
	g->tier = tier;
	g->rows = rows;
	/* Only nodes some edge still touches (--top drops the others). */
	if ((used = calloc(a->nodes.n + 1, sizeof(*used))) == NULL ||
	    (newidx = calloc(a->nodes.n + 1, sizeof(*newidx))) == NULL)
		goto fail;
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);

		used[e->k.src] = used[e->k.dst] = 1;
	}
	for (i = 0, n = 0; i < a->nodes.n; i++)
		n += used[i];
	if (n > 0 && (g->nodes = calloc(n, sizeof(*g->nodes))) == NULL)
		goto fail;
	for (i = 0; i < a->nodes.n; i++) {
		struct nitem *it = htab_item(&a->nodes, i);

		if (!used[i])
			continue;
		nd = &g->nodes[g->nnodes];
		nd->ver = it->k.ver;
		nd->prefix = it->k.prefix;
		memcpy(nd->addr, it->k.addr, 16);
		/* Remember the aggregation index in out_packets for now. */
		nd->out_packets = i;
		g->nnodes++;
	}
	if (g->nnodes > 0)
		qsort(g->nodes, g->nnodes, sizeof(*g->nodes), graph_cmp_node);
	for (i = 0; i < g->nnodes; i++) {
		newidx[g->nodes[i].out_packets] = i;
		g->nodes[i].out_packets = 0;
	}
	/* Labels, in one block of strings owned by the graph. */
	if (g->nnodes > 0 &&
	    (off = calloc(g->nnodes * 2, sizeof(*off))) == NULL)
		goto fail;
	for (i = 0; i < g->nnodes; i++) {
		const char *name = NULL;

		nd = &g->nodes[i];
		if (nd->ver == 0)
			strcpy(text, "other");
		else {
			addr_format(nd->ver, nd->addr, text);
			if (nd->prefix != (nd->ver == 4 ? 32 : 128))
				snprintf(text + strlen(text), sizeof(text) -
				    strlen(text), "/%u", nd->prefix);
			name = names_lookup(a->q->names, nd->ver, nd->addr,
			    nd->prefix);
		}
		off[2 * i] = strings.len;
		buf_add(&strings, text, strlen(text) + 1);
		off[2 * i + 1] = SIZE_MAX;
		if (name != NULL) {
			off[2 * i + 1] = strings.len;
			buf_add(&strings, name, strlen(name) + 1);
		}
	}
	if (buf_failed(&strings))
		goto fail;
	for (i = 0; i < g->nnodes; i++) {
		nd = &g->nodes[i];
		nd->addr_text = strings.data + off[2 * i];
		nd->name = off[2 * i + 1] == SIZE_MAX ? NULL :
		    strings.data + off[2 * i + 1];
		nd->label = nd->name != NULL ? nd->name : nd->addr_text;
	}
	g->strings = strings.data;
	strings.data = NULL;
	/*
	 * Edges, with the node totals and the graph's span, placed in
	 * source order by counting (there are far fewer nodes than edges);
	 * each source's few edges are then sorted by destination.  at[k]
	 * ends as the end of source k's run.
	 */
	if (a->edges.n > 0 && ((g->edges = calloc(a->edges.n,
	    sizeof(*g->edges))) == NULL ||
	    (at = calloc(g->nnodes + 1, sizeof(*at))) == NULL))
		goto fail;
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);

		at[newidx[e->k.src] + 1]++;
	}
	for (i = 1; i <= g->nnodes && a->edges.n > 0; i++)
		at[i] += at[i - 1];
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);
		struct graph_edge *ge = &g->edges[at[newidx[e->k.src]]++];

		ge->src = newidx[e->k.src];
		ge->dst = newidx[e->k.dst];
		ge->packets = e->packets;
		ge->bytes = e->bytes;
		ge->first_us = e->first_us;
		ge->last_us = e->last_us;
		g->nodes[ge->src].out_packets += e->packets;
		g->nodes[ge->src].out_bytes += e->bytes;
		g->nodes[ge->dst].in_packets += e->packets;
		g->nodes[ge->dst].in_bytes += e->bytes;
		g->packets += e->packets;
		g->bytes += e->bytes;
		if (i == 0 || e->first_us < g->first_us)
			g->first_us = e->first_us;
		if (i == 0 || e->last_us > g->last_us)
			g->last_us = e->last_us;
	}
	g->nedges = a->edges.n;
	for (i = 0; i < g->nnodes && g->nedges > 0; i++) {
		size_t start = i == 0 ? 0 : at[i - 1];

		if (at[i] - start > 1)
			qsort(g->edges + start, at[i] - start,
			    sizeof(*g->edges), graph_cmp_edge);
	}
	/* Flows and events take their ends from their aggregation edge. */
	if (a->flows.n > 0 && (g->flows = calloc(a->flows.n,
	    sizeof(*g->flows))) == NULL)
		goto fail;
	for (i = 0; i < a->flows.n; i++) {
		struct fitem *f = htab_item(&a->flows, i);
		struct eitem *e = htab_item(&a->edges, f->k.edge);

		g->flows[i].src = newidx[e->k.src];
		g->flows[i].dst = newidx[e->k.dst];
		g->flows[i].proto = f->k.proto;
		g->flows[i].sport = f->k.sport;
		g->flows[i].dport = f->k.dport;
		g->flows[i].packets = f->packets;
		g->flows[i].bytes = f->bytes;
	}
	g->nflows = a->flows.n;
	if (a->events.n > 0 && (g->events = calloc(a->events.n,
	    sizeof(*g->events))) == NULL)
		goto fail;
	for (i = 0; i < a->events.n; i++) {
		struct vitem *v = htab_item(&a->events, i);
		struct eitem *e = htab_item(&a->edges, v->k.edge);

		g->events[i].window_us = v->k.window_us;
		g->events[i].first_us = v->first_us;
		g->events[i].src = newidx[e->k.src];
		g->events[i].dst = newidx[e->k.dst];
		g->events[i].packets = v->packets;
		g->events[i].bytes = v->bytes;
	}
	g->nevents = a->events.n;
	if (g->nflows > 0)
		qsort(g->flows, g->nflows, sizeof(*g->flows), graph_cmp_flow);
	if (g->nevents > 0)
		qsort(g->events, g->nevents, sizeof(*g->events),
		    graph_cmp_event);
	free(used);
	free(newidx);
	free(off);
	free(at);
	return g;
fail:
	buf_free(&strings);
	free(used);
	free(newidx);
	free(off);
	free(at);
	graph_free(g);
	return NULL;
}

struct graph *
query_graph(struct query *q, struct store *st, char *err, size_t errlen)
{
	struct agg a;
	struct graph *g = NULL;
	struct query_row r;
	sqlite3_stmt *s;
	uint64_t rows = 0;
	int rc, tier;

	memset(&a, 0, sizeof(a));
	a.q = q;
	a.last_idx = -1;
	htab_init(&a.nodes, sizeof(struct nitem), sizeof(struct nkey));
	htab_init(&a.edges, sizeof(struct eitem), sizeof(struct ekey));
	htab_init(&a.flows, sizeof(struct fitem), sizeof(struct fkey));
	htab_init(&a.events, sizeof(struct vitem), sizeof(struct vkey));
	if ((s = query_prepare(q, st, query_graph_sql(q), &tier, err,
	    errlen)) == NULL)
		return NULL;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		query_read_row(s, &r);
		rows++;
		if (agg_row(&a, &r) < 0) {
			snprintf(err, errlen, "out of memory building the "
			    "graph");
			goto done;
		}
	}
	if (rc != SQLITE_DONE) {
		query_sqlerr(store_sqlite(st), st, "reading edges", err,
		    errlen);
		goto done;
	}
	if (agg_top(&a) < 0 || (g = agg_finish(&a, tier, rows)) == NULL)
		snprintf(err, errlen, "out of memory building the graph");
done:
	sqlite3_finalize(s);
	htab_free(&a.nodes);
	htab_free(&a.edges);
	htab_free(&a.flows);
	htab_free(&a.events);
	return g;
}
