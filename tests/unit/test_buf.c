/* test_buf.c - unit tests for the growable buffer: formatting, the sink,
 * gzip. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"

static int	sink_calls;
static size_t	sink_bytes;

static int
sink(void *arg, const char *data, size_t len)
{
	(void)arg;
	(void)data;
	sink_calls++;
	sink_bytes += len;
	return 0;
}

static void
test_buf(void **state)
{
	struct buf b = BUF_INIT;
	char big[5000];
	int i;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "%s-%d", big, 42);
	assert_int_equal(b.len, sizeof(big) - 1 + 3);
	assert_string_equal(b.data + sizeof(big) - 1, "-42");
	buf_free(&b);
	buf_set_sink(&b, sink, NULL);
	for (i = 0; i < 200; i++)
		buf_puts(&b, big);
	assert_true(sink_calls > 0);
	assert_true(b.len < BUF_SINK_AT);
	assert_int_equal(buf_flush(&b), 0);
	assert_int_equal(sink_bytes, 200 * (sizeof(big) - 1));
	assert_false(buf_failed(&b));
	buf_free(&b);
}

/* buf_gzip: zlib's own reader gives the input back. */
static void
test_gzip(void **state)
{
	struct buf in = BUF_INIT, z = BUF_INIT;
	unsigned char back[70000];
	z_stream zs;
	int i;

	(void)state;
	for (i = 0; i < 5000; i++)
		buf_printf(&in, "%d,", i * 7919 % 10007);
	assert_int_equal(buf_gzip(in.data, in.len, 6, &z), 0);
	assert_true(z.len > 18 && z.len < in.len);
	assert_int_equal((unsigned char)z.data[0], 0x1f);
	assert_int_equal((unsigned char)z.data[1], 0x8b);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)z.data;
	zs.avail_in = (uInt)z.len;
	zs.next_out = back;
	zs.avail_out = sizeof(back);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(sizeof(back) - zs.avail_out, in.len);
	assert_memory_equal(back, in.data, in.len);
	inflateEnd(&zs);
	buf_free(&in);
	buf_free(&z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_gzip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
