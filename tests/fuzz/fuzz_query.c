/* fuzz_query.c - libFuzzer harness over the query-parameter parser: the
 * filter and the shared value parsers. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "graph.h"
#include "query.h"
#include "store.h"

/* A fixed "now" (2023-11-14T22:13:20Z): relative times stay repeatable. */
#define FUZZ_NOW_US	1700000000000000LL

static struct store *fuzz_st;

static int
fuzz_row(const struct store_row *row, void *arg)
{
	(void)row;
	(void)arg;
	return 0;
}

/*
 * The input is a query string as the HTTP server has it once decoded:
 * name=value pairs split on '&' (or a newline, or a NUL, which no C
 * string can hold), the value after the first '=', none meaning empty
 * ("?other").  Every pair goes to filter_set, the bad ones too, as the
 * command line and the server would send them one by one; then
 * filter_check, and for a query that passes, the SQL it builds runs on an
 * empty database (binding every value the parser kept).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter *q;
	unsigned long n;
	int64_t t;
	int b;
	struct graph *g;
	char *s, *p, *name, *val, *eq, err[1024];
	size_t i;
	int rc;

	if (fuzz_st == NULL &&
	    (fuzz_st = store_open(":memory:", 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_query: %s\n", err);
		abort();
	}
	if ((s = malloc(size + 1)) == NULL || (q = filter_new()) == NULL)
		abort();
	for (i = 0; i < size; i++)
		s[i] = data[i] == '&' || data[i] == '\n' ? '\0' : (char)data[i];
	s[size] = '\0';
	for (p = s; p < s + size + 1; p += strlen(p) + 1) {
		name = p;
		if ((eq = strchr(p, '=')) != NULL) {
			*eq = '\0';
			val = eq + 1;
		} else
			val = p + strlen(p);	/* "" */
		(void)filter_known(name);
		(void)filter_shaping(name);
		/* the shared value parsers: a refusal always says why */
		err[0] = '\0';
		if ((query_bool(name, val, &b, err, sizeof(err)) < 0 ||
		    query_tier(name, val, 1, &b, err, sizeof(err)) < 0 ||
		    query_time(name, val, FUZZ_NOW_US, &t, err,
		    sizeof(err)) < 0 || query_uint(name, val, 0, 65535,
		    "a number", &n, err, sizeof(err)) < 0) && err[0] == '\0')
			__builtin_trap();
		err[0] = '\0';
		rc = filter_set(q, name, val, FUZZ_NOW_US, err, sizeof(err));
		if (rc != 0 && rc != -1)
			__builtin_trap();
		/* a refusal names the parameter first (query.h) */
		if (rc < 0 && strncmp(err, name, strlen(name)) != 0)
			__builtin_trap();
		if (eq != NULL)
			*eq = '=';	/* for the next strlen */
	}
	(void)filter_packet_ok(q);
	err[0] = '\0';
	if (filter_check(q, err, sizeof(err)) == 0) {
		if (store_read(fuzz_st, q, STORE_READ_ROWS, fuzz_row, NULL, NULL,
		    NULL, err, sizeof(err)) < 0)
			__builtin_trap();
		q->detail = QUERY_DETAIL_PORTS | QUERY_DETAIL_TIMES;
		if ((g = graph_build(q, fuzz_st, err, sizeof(err))) == NULL)
			__builtin_trap();
		graph_free(g);
	} else if (err[0] == '\0')
		__builtin_trap();
	filter_free(q);
	free(s);
	return 0;
}
