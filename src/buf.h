/* buf.h - a growable byte buffer that exporters write into. */
#ifndef IPGRAPH_BUF_H
#define IPGRAPH_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Bytes appended at the end, always NUL-terminated past len so text can be
 * used as a string.  A failed allocation sets failed and later appends do
 * nothing: writers append freely and check buf_failed once at the end,
 * which keeps every exporter free of per-call error paths.
 * Zero-initialised (BUF_INIT) is an empty buffer; free with buf_free.
 *
 * With a sink (buf_set_sink) the buffer streams: once it holds more than
 * BUF_SINK_AT bytes it hands them to the sink and starts again, so a large
 * export needs no more memory than that; buf_flush hands over the rest.
 * A sink returns 0, or -1 to mark the buffer failed (a write error).
 * Without a sink the whole output stays in data (an HTTP response body).
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	int	 failed;
	int	(*sink)(void *, const char *, size_t);
	void	*sink_arg;
};

#define BUF_INIT	{ NULL, 0, 0, 0, NULL, NULL }
#define BUF_SINK_AT	(256 * 1024)

void	buf_add(struct buf *, const void *, size_t);
void	buf_puts(struct buf *, const char *);
void	buf_putc(struct buf *, int);
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

void	buf_set_sink(struct buf *, int (*)(void *, const char *, size_t),
	    void *);

/* Hand what is held to the sink (nothing without one); 0 or -1. */
int	buf_flush(struct buf *);

/* Forget the contents, keep the memory. */
void	buf_reset(struct buf *);

/* Whether an append has failed (out of memory). */
int	buf_failed(const struct buf *);

/*
 * gzip (RFC 1952) of data[0..len) at zlib's level (1 fastest, 9 smallest)
 * appended to out.  0 or -1.
 */
int	buf_gzip(const char *data, size_t len, int level, struct buf *out);

/* Release the memory; the buffer is empty and usable again.  NULL is ok. */
void	buf_free(struct buf *);

#endif /* IPGRAPH_BUF_H */
