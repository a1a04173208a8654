/* test_conf.c - the daemon's configuration file: defaults, keys, errors. */

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "addr.h"
#include "conf.h"
#include "names.h"

/* Write text to a temporary file; returns its path (static buffer). */
static const char *
conf_file(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	strcpy(path, "/tmp/test_conf.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static struct config *
load(const char *text, char *err, size_t errlen)
{
	const char *path = conf_file(text);
	struct config *c = config_load(path, err, errlen);

	unlink(path);
	return c;
}

static void
test_table_sorted(void **state)
{
	(void)state;
	assert_true(config_keywords_sorted());
}

static void
test_defaults(void **state)
{
	struct config *c = config_new();

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->window, 60);
	assert_int_equal(c->grace, 5);
	assert_int_equal(c->snaplen, 128);
	assert_int_equal(c->retention_raw, 7 * 86400);
	assert_int_equal(c->retention_hour, 90 * 86400);
	assert_int_equal(c->retention_day, 5 * 365 * 86400);
	assert_int_equal(c->nlisten, 1);
	assert_string_equal(c->listen[0], "127.0.0.1:8080");
	assert_string_equal(c->user, "ipgraph");
	assert_int_equal(c->nifaces, 0);
	config_free(c);
}

static void
test_every_kind(void **state)
{
	char err[512] = "";
	struct config *c;
	uint8_t a[16];
	int ver;

	(void)state;
	c = load("# comment\n; comment\n[daemon]\nsensor = edge-1\n"
	    "log_level = debug\n[capture]\ninterfaces = eth0, eth1 eth2\n"
	    "filter = not port 22\npromisc = no\nbuffer_size = 16M\n"
	    "[window]\nseconds = 5m\nmax_edges = 5000\n"
	    "[store]\nretention_raw = 2d\npath = /tmp/x.db\n"
	    "[http]\nlisten = 127.0.0.1:9000, [::1]:9000\n"
	    "[names]\n192.0.2.1 = gateway\n2001:db8::53 = resolver one\n",
	    err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(c->sensor, "edge-1");
	assert_int_equal(c->verbose, 1);
	assert_int_equal(c->nifaces, 3);
	assert_string_equal(c->ifaces[2], "eth2");
	assert_string_equal(c->filter, "not port 22");
	assert_int_equal(c->promisc, 0);
	assert_int_equal(c->buffer_size, 16u << 20);
	assert_int_equal(c->window, 300);
	assert_int_equal(c->max_edges, 5000);
	assert_int_equal(c->retention_raw, 2 * 86400);
	assert_string_equal(c->db, "/tmp/x.db");
	assert_int_equal(c->nlisten, 2);
	assert_string_equal(c->listen[1], "[::1]:9000");
	assert_int_equal(addr_parse("2001:db8::53", &ver, a), 0);
	assert_string_equal(names_lookup(c->names, ver, a, 128),
	    "resolver one");
	assert_int_equal(addr_parse("192.0.2.1", &ver, a), 0);
	assert_string_equal(names_lookup(c->names, ver, a, 32), "gateway");
	config_free(c);
}

/* Each bad file: the error names file:line and what was wrong. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*line;
		const char	*want;
	} cases[] = {
		{ "[nosuch]\nx = 1\n", ":1:", "unknown section [nosuch]" },
		{ "[window]\nsecond = 5\n", ":2:", "[window] unknown key 'second'" },
		{ "[window]\nseconds = 0\n", ":2:", "out of range (1 to 86400)" },
		{ "[window]\nseconds = 5x\n", ":2:", "is not a duration" },
		{ "[window]\nmax_edges = 1k\n", ":2:", "is not a whole number" },
		{ "[capture]\nbuffer_size = lots\n", ":2:", "is not a size" },
		{ "[capture]\npromisc = maybe\n", ":2:", "is not yes or no" },
		{ "[daemon]\nlog_level = loud\n", ":2:", "is not info or debug" },
		{ "\n\n[names]\nnot-an-address = x\n", ":4:", "[names]" },
		{ "[names]\n10.0.0.1 =\n", ":2:", "[names]" },
		{ "[window]\njust words\n", ":2:", "syntax error" },
		{ "[store]\nretention_raw = 10\n", ":2:", "out of range" },
		{ "[daemon]\n[bogus]\n", ":2:", "unknown section [bogus]" },
		{ "sensor = x\n", ":1:", "outside any [section]" },
		{ "[http\nlisten = 80\n", ":1:", "without ']'" },
		{ "[http] listen = 80\n", ":1:", "text after [http]" },
		{ "[http]\n = 80\n", ":2:", "syntax error" },
	};
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_null(load(cases[i].text, err, sizeof(err)));
		if (strstr(err, "/tmp/test_conf.") == NULL ||
		    strstr(err, cases[i].line) == NULL ||
		    strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: '%s'", i, err);
	}
}

/*
 * Long lines: libinih cut them at 200 bytes, so the tail of a long comment
 * became a setting of its own and a long filter was refused.
 */
static void
test_long_lines(void **state)
{
	char err[512] = "", text[8192], filter[2048], *big;
	struct config *c;
	size_t n, i;

	(void)state;
	/* a comment of 198 'x' and what looks like a setting after them */
	n = (size_t)snprintf(text, sizeof(text), "[http]\n#");
	memset(text + n, 'x', 198);
	snprintf(text + n + 198, sizeof(text) - n - 198,
	    "listen = 0.0.0.0:18899\n");
	c = load(text, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(c->nlisten, 1);
	assert_string_equal(c->listen[0], "127.0.0.1:8080");
	config_free(c);

	/* a filter of about 1000 characters */
	n = (size_t)snprintf(filter, sizeof(filter), "not port 22");
	for (i = 0; n + 40 < sizeof(filter) / 2; i++)
		n += (size_t)snprintf(filter + n, sizeof(filter) - n,
		    " and not host 192.0.2.%zu", i);
	assert_true(strlen(filter) > 900);
	snprintf(text, sizeof(text), "[capture]\nfilter = %s\n[seq]\n"
	    "filter = %s\n", filter, filter);
	c = load(text, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(c->filter, filter);
	assert_string_equal(c->seq_filter, filter);
	assert_int_equal(config_line(c, "capture", "filter"), 2);
	assert_int_equal(config_line(c, "seq", "filter"), 4);
	assert_int_equal(config_line(c, "window", "seconds"), 0);
	config_free(c);

	/* past CONFIG_MAX_LINE: refused, naming the line */
	big = malloc(CONFIG_MAX_LINE + 64);
	assert_non_null(big);
	n = (size_t)snprintf(big, 64, "[daemon]\n# ");
	memset(big + n, 'y', CONFIG_MAX_LINE);
	strcpy(big + n + CONFIG_MAX_LINE, "\n");
	assert_null(load(big, err, sizeof(err)));
	assert_non_null(strstr(err, ":2: line longer than"));
	free(big);
}

/* Comments after values, a byte order mark, a directory as the file. */
static void
test_syntax(void **state)
{
	char err[512] = "";
	struct config *c;

	(void)state;
	c = load("\xef\xbb\xbf[daemon] ; the daemon\nsensor = a ; b\n"
	    "[capture]\nfilter = port 53;x\n[names]\n2001:db8::1 = v6 host\n",
	    err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(c->sensor, "a");
	assert_string_equal(c->filter, "port 53;x");
	config_free(c);
	assert_null(config_load("/tmp", err, sizeof(err)));
	assert_non_null(strstr(err, "/tmp: not a regular file"));
}

static void
test_missing_file(void **state)
{
	char err[256];

	(void)state;
	assert_null(config_load("/nonexistent/ipgraphd.conf", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/ipgraphd.conf: No such file"));
}

static void
test_parsers(void **state)
{
	unsigned v;

	(void)state;
	assert_int_equal(config_parse_duration("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(config_parse_duration("2w", &v), 0);
	assert_int_equal(v, 14 * 86400);
	assert_int_equal(config_parse_duration("1y", &v), 0);
	assert_int_equal(v, 365 * 86400);
	assert_int_equal(config_parse_duration("200y", &v), -1);
	assert_int_equal(config_parse_duration("-1", &v), -1);
	assert_int_equal(config_parse_duration("", &v), -1);
	assert_int_equal(config_parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(config_parse_size("5G", &v), -1);
	assert_int_equal(config_parse_size("1Gb", &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_sorted),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
