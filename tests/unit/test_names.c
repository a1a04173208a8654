/* test_names.c - unit tests for the name map: files, copies, lookups. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"

static void
test_names_file(void **state)
{
	char path[] = "/tmp/test_names.XXXXXX", err[512], want[600];
	struct names *nm = names_new();
	FILE *fp;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	fp = fdopen(fd, "w");
	fputs("# hosts\n10.0.0.1 = one\n\n; more\n2001:db8::1=six\n", fp);
	fclose(fp);
	assert_int_equal(names_load(nm, path, err, sizeof(err)), 0);
	assert_int_equal(names_count(nm), 2);
	fp = fopen(path, "a");
	fputs("10.0.0.300 = bad\n", fp);
	fclose(fp);
	assert_int_equal(names_load(nm, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:6: ", path);
	assert_memory_equal(err, want, strlen(want));
	fp = fopen(path, "w");
	fputs("10.0.0.1 one\n", fp);
	fclose(fp);
	assert_int_equal(names_load(nm, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: ", path);
	assert_memory_equal(err, want, strlen(want));
	assert_int_equal(names_count(nm), 2);	/* unchanged */
	unlink(path);
	names_free(nm);
}

/* A copy answers as the original does, and outlives it. */
static void
test_names_copy(void **state)
{
	static const uint8_t a[16] = { 10, 0, 0, 1 }, net[16] = { 10 };
	struct names *nm = names_new(), *cp;
	char err[256];

	(void)state;
	assert_int_equal(names_add(nm, "10.0.0.1", "one", err, sizeof(err)),
	    0);
	assert_int_equal(names_add(nm, "10.0.0.0/8", "ten", err, sizeof(err)),
	    0);
	assert_non_null(cp = names_copy(nm));
	names_free(nm);
	assert_int_equal(names_count(cp), 2);
	assert_string_equal(names_lookup(cp, 4, a, 32), "one");
	assert_string_equal(names_lookup(cp, 4, net, 8), "ten");
	assert_null(names_lookup(cp, 4, a, 24));
	names_free(cp);
	assert_non_null(cp = names_copy(NULL));
	assert_int_equal(names_count(cp), 0);
	names_free(cp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_file),
		cmocka_unit_test(test_names_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
