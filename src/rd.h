/* rd.h - a bounds-checked big/little-endian byte reader over packet memory. */
#ifndef IPGRAPH_RD_H
#define IPGRAPH_RD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A window [p, end) into captured bytes.  Every getter checks the window
 * first and returns -1 without touching memory when it would overrun; the
 * caller never dereferences packet memory directly.
 */
struct rd {
	const uint8_t	*p;
	const uint8_t	*end;
};

static inline void
rd_init(struct rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->end = p + len;
}

static inline size_t
rd_left(const struct rd *r)
{
	return (size_t)(r->end - r->p);
}

static inline int
rd_has(const struct rd *r, size_t n)
{
	return rd_left(r) >= n;
}

static inline int
rd_skip(struct rd *r, size_t n)
{
	if (!rd_has(r, n))
		return -1;
	r->p += n;
	return 0;
}

/* Peek at offset off without moving; -1 when not captured. */
static inline int
rd_peek_u8(const struct rd *r, size_t off, uint8_t *v)
{
	if (!rd_has(r, off + 1))
		return -1;
	*v = r->p[off];
	return 0;
}

static inline int
rd_peek_be16(const struct rd *r, size_t off, uint16_t *v)
{
	if (!rd_has(r, off + 2))
		return -1;
	*v = (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
	return 0;
}

static inline int
rd_peek_be32(const struct rd *r, size_t off, uint32_t *v)
{
	if (!rd_has(r, off + 4))
		return -1;
	*v = (uint32_t)r->p[off] << 24 | (uint32_t)r->p[off + 1] << 16 |
	    (uint32_t)r->p[off + 2] << 8 | r->p[off + 3];
	return 0;
}

static inline int
rd_peek_le16(const struct rd *r, size_t off, uint16_t *v)
{
	if (!rd_has(r, off + 2))
		return -1;
	*v = (uint16_t)(r->p[off + 1] << 8 | r->p[off]);
	return 0;
}

static inline int
rd_peek_le32(const struct rd *r, size_t off, uint32_t *v)
{
	if (!rd_has(r, off + 4))
		return -1;
	*v = (uint32_t)r->p[off + 3] << 24 | (uint32_t)r->p[off + 2] << 16 |
	    (uint32_t)r->p[off + 1] << 8 | r->p[off];
	return 0;
}

static inline int
rd_copy(const struct rd *r, size_t off, void *dst, size_t n)
{
	if (!rd_has(r, off + n))
		return -1;
	memcpy(dst, r->p + off, n);
	return 0;
}

#endif /* IPGRAPH_RD_H */
