/* test_filter.c - unit tests for the filter: every parameter, and the one
 * bool, tier, time and number parser that the CLI and HTTP share. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "store.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NOW		(1232064000LL * 1000000)	/* 2009-01-16T00:00Z */

/* Every yes/no word, and what it means; -1: refused. */
static const struct {
	const char	*word;
	int		 value;
} bools[] = {
	{ "", 1 }, { "1", 1 }, { "yes", 1 }, { "true", 1 }, { "on", 1 },
	{ "0", 0 }, { "no", 0 }, { "false", 0 }, { "off", 0 },
	{ "maybe", -1 }, { "YES", -1 }, { "2", -1 }, { " yes", -1 },
	{ "y", -1 },
};

static void
test_bool(void **state)
{
	struct filter *f;
	char err[256];
	size_t i;
	int v, rc;

	(void)state;
	for (i = 0; i < NELEM(bools); i++) {
		v = 7;
		rc = query_bool("diagonal", bools[i].word, &v, err,
		    sizeof(err));
		if (bools[i].value < 0) {
			assert_int_equal(rc, -1);
			assert_int_equal(v, 7);
			assert_non_null(strstr(err, "diagonal: '"));
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(v, bools[i].value);
		}
		/* the filter's own yes/no parameter takes the same words */
		assert_non_null(f = filter_new());
		rc = filter_set(f, "other", bools[i].word, NOW, err,
		    sizeof(err));
		assert_int_equal(rc, bools[i].value < 0 ? -1 : 0);
		if (rc == 0)
			assert_int_equal(f->other, bools[i].value);
		else
			assert_non_null(strstr(err, "other: '"));
		filter_free(f);
	}
}

/* Tier words, with and without auto; -3: refused. */
static const struct {
	const char	*word;
	int		 with_auto;
	int		 without;
} tiers[] = {
	{ "raw", STORE_TIER_RAW, STORE_TIER_RAW },
	{ "hour", STORE_TIER_HOUR, STORE_TIER_HOUR },
	{ "day", STORE_TIER_DAY, STORE_TIER_DAY },
	{ "auto", QUERY_TIER_AUTO, -3 },
	{ "3", -3, -3 },
	{ "0", -3, -3 },
	{ "minute", -3, -3 },
	{ "", -3, -3 },
	{ "Hour", -3, -3 },
};

static void
test_tier(void **state)
{
	struct filter *f;
	char err[256];
	size_t i;
	int t, rc;

	(void)state;
	for (i = 0; i < NELEM(tiers); i++) {
		rc = query_tier("tier", tiers[i].word, 1, &t, err, sizeof(err));
		assert_int_equal(rc, tiers[i].with_auto == -3 ? -1 : 0);
		if (rc == 0)
			assert_int_equal(t, tiers[i].with_auto);
		else
			assert_non_null(strstr(err, "or auto"));
		rc = query_tier("tier", tiers[i].word, 0, &t, err, sizeof(err));
		assert_int_equal(rc, tiers[i].without == -3 ? -1 : 0);
		if (rc == 0)
			assert_int_equal(t, tiers[i].without);
		else
			assert_non_null(strstr(err, "is not raw, hour or "
			    "day"));
		/* the filter parameter is the variant with auto */
		assert_non_null(f = filter_new());
		rc = filter_set(f, "tier", tiers[i].word, NOW, err,
		    sizeof(err));
		assert_int_equal(rc, tiers[i].with_auto == -3 ? -1 : 0);
		if (rc == 0)
			assert_int_equal(f->tier, tiers[i].with_auto);
		filter_free(f);
	}
}

/* Times: the forms of the README, and refusals naming the parameter. */
static const struct {
	const char	*word;
	int64_t		 us;		/* -1: refused */
} times[] = {
	{ "2009-01-16T00:03:00Z", NOW + 180 * 1000000LL },
	{ "2009-01-16 00:03:00+01:00", NOW - 3420 * 1000000LL },
	{ "2009-01-16", NOW },
	{ "1232064180", NOW + 180 * 1000000LL },
	{ "1232064180.5", NOW + 180500000LL },
	{ "-15m", NOW - 900 * 1000000LL },
	{ "-2h", NOW - 7200 * 1000000LL },
	{ "now", NOW },
	{ "2009-1-16-00-03-00", NOW + 180 * 1000000LL },
	{ "yesterday", -1 },
	{ "2009-13-01", -1 },
	{ "", -1 },
};

static void
test_time(void **state)
{
	struct filter *f;
	char err[512];
	int64_t us;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < NELEM(times); i++) {
		rc = query_time("from", times[i].word, NOW, &us, err,
		    sizeof(err));
		if (times[i].us == -1) {
			assert_int_equal(rc, -1);
			assert_memory_equal(err, "from: ", 6);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(us, times[i].us);
		assert_non_null(f = filter_new());
		assert_int_equal(filter_set(f, "to", times[i].word, NOW, err,
		    sizeof(err)), 0);
		assert_int_equal(f->to_us, times[i].us);
		assert_true(filter_has(f, FILTER_TO));
		assert_false(filter_has(f, FILTER_FROM));
		filter_free(f);
	}
}

static void
test_uint(void **state)
{
	unsigned long n;
	char err[256];

	(void)state;
	assert_int_equal(query_uint("port", "443", 0, 65535, "a port", &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 443);
	assert_int_equal(query_uint("port", "65536", 0, 65535, "a port", &n,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "port: '65536' is not a port");
	assert_int_equal(query_uint("port", "-1", 0, 65535, "a port", &n,
	    err, sizeof(err)), -1);
	assert_int_equal(query_uint("port", "12x", 0, 65535, "a port", &n,
	    err, sizeof(err)), -1);
	assert_int_equal(query_uint("port", "", 0, 65535, "a port", &n,
	    err, sizeof(err)), -1);
}

/* Which parameters shape a graph, and which are known at all. */
static void
test_names(void **state)
{
	static const char *const shaping[] = { "top", "other", "group",
	    "metric" };
	static const char *const rows[] = { "from", "to", "src", "dst",
	    "host", "pair", "port", "proto", "sensor", "tier" };
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(shaping); i++) {
		assert_true(filter_known(shaping[i]));
		assert_true(filter_shaping(shaping[i]));
	}
	for (i = 0; i < NELEM(rows); i++) {
		assert_true(filter_known(rows[i]));
		assert_false(filter_shaping(rows[i]));
	}
	assert_false(filter_known("names"));
	assert_false(filter_known("layout"));
	assert_false(filter_shaping("colour"));
}

/* A packet against the row filters (the seq route's event reading). */
static void
test_packet(void **state)
{
	struct filter *f;
	uint8_t a[16] = { 10, 0, 0, 1 }, b[16] = { 10, 0, 1, 2 };
	char err[256];

	(void)state;
	assert_non_null(f = filter_new());
	assert_true(filter_packet_ok(f));
	assert_true(filter_packet(f, NOW, "s", 4, a, b, 1234, 80, 6));
	assert_int_equal(filter_set(f, "host", "10.0.1.0/24", NOW, err,
	    sizeof(err)), 0);
	assert_int_equal(filter_set(f, "port", "80", NOW, err, sizeof(err)),
	    0);
	assert_int_equal(filter_set(f, "from", "-1h", NOW, err, sizeof(err)),
	    0);
	assert_int_equal(filter_set(f, "sensor", "s", NOW, err, sizeof(err)),
	    0);
	assert_true(filter_packet(f, NOW, "s", 4, a, b, 1234, 80, 6));
	assert_true(filter_packet(f, NOW, "s", 4, b, a, 80, 1234, 17));
	assert_false(filter_packet(f, NOW, "t", 4, a, b, 1234, 80, 6));
	assert_false(filter_packet(f, NOW, "s", 4, a, a, 1234, 80, 6));
	assert_false(filter_packet(f, NOW, "s", 4, a, b, 1234, 81, 6));
	assert_false(filter_packet(f, NOW - 3601000000LL, "s", 4, a, b,
	    1234, 80, 6));
	assert_int_equal(filter_set(f, "proto", "udp", NOW, err, sizeof(err)),
	    0);
	assert_false(filter_packet(f, NOW, "s", 4, a, b, 1234, 80, 6));
	assert_true(filter_packet(f, NOW, "s", 4, a, b, 1234, 80, 17));
	/* pair and tier have no meaning for one packet */
	assert_int_equal(filter_set(f, "pair", "10.0.0.1:10.0.1.2", NOW, err,
	    sizeof(err)), 0);
	assert_false(filter_packet_ok(f));
	filter_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_tier),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_packet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
