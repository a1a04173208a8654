/* buf.c - a growable byte buffer that exporters write into. */

#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "buf.h"

/* Make room for n more bytes and the terminating NUL; 0 or -1. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return -1;
	if (n > SIZE_MAX - b->len - 1)
		goto fail;
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap < 256 ? 256 : b->cap;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if ((p = realloc(b->data, cap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

void
buf_set_sink(struct buf *b, int (*sink)(void *, const char *, size_t),
    void *arg)
{
	b->sink = sink;
	b->sink_arg = arg;
}

int
buf_flush(struct buf *b)
{
	if (b->failed)
		return -1;
	if (b->sink == NULL || b->len == 0)
		return 0;
	if (b->sink(b->sink_arg, b->data, b->len) < 0) {
		b->failed = 1;
		return -1;
	}
	buf_reset(b);
	return 0;
}

/* Stream out when a sink is set and enough is held. */
static void
buf_spill(struct buf *b)
{
	if (b->sink != NULL && b->len >= BUF_SINK_AT)
		buf_flush(b);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) < 0)
		return;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	buf_spill(b);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (buf_grow(b, 64) < 0)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (buf_grow(b, (size_t)n) < 0)
			return;
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
	buf_spill(b);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int
buf_failed(const struct buf *b)
{
	return b->failed;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	b->sink = NULL;
	b->sink_arg = NULL;
}

int
buf_gzip(const char *data, size_t len, int level, struct buf *out)
{
	z_stream zs;
	uLong bound;
	char *tmp;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&zs, (uLong)len) + 32;
	if ((tmp = malloc(bound)) == NULL) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)tmp;
	zs.avail_out = (uInt)bound;
	rc = deflate(&zs, Z_FINISH);
	if (rc == Z_STREAM_END)
		buf_add(out, tmp, bound - zs.avail_out);
	free(tmp);
	deflateEnd(&zs);
	return rc == Z_STREAM_END && !buf_failed(out) ? 0 : -1;
}
