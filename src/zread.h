/* zread.h - compressed capture files (gzip, xz, zstd) read as a stream. */
#ifndef IPGRAPH_ZREAD_H
#define IPGRAPH_ZREAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum zread_kind {
	ZREAD_NONE = 0,
	ZREAD_GZIP,	/* RFC 1952, several members in a row allowed */
	ZREAD_XZ,	/* .xz container, concatenated streams allowed */
	ZREAD_ZSTD	/* RFC 8878 frames, several in a row allowed */
};

/*
 * The compression that the first n bytes of p announce by their magic
 * number (gzip 1f 8b, xz fd 37 7a 58 5a 00, zstd 28 b5 2f fd), or
 * ZREAD_NONE.  The name of the file plays no part.
 */
int	zread_detect(const uint8_t *p, size_t n);

/* "gzip", "xz", "zstd" (or "plain"). */
const char *zread_name(int kind);

struct zread;

/*
 * A stream of the decompressed bytes of a kind compressed input made of
 * the len bytes at head (copied: the caller may reuse its buffer), then
 * whatever src still holds.  src stays the caller's: it is read, never
 * closed.  name is used in messages.  Returns NULL with a message in err
 * when out of memory.
 *
 * Damaged or cut-short compressed data makes a read of the stream fail
 * (ferror) at the point where the good data ends, and every later read
 * too; zread_error then says what happened.  The stream (zread_stream)
 * is owned by z: fclose of that stream frees z; do not use z after it.
 */
struct zread *zread_open(int kind, const uint8_t *head, size_t len,
	    FILE *src, const char *name, char *err, size_t errlen);
FILE	*zread_stream(struct zread *z);

/* What went wrong ("gzip data cut short ..."), or NULL while all is well. */
const char *zread_error(const struct zread *z);

#endif /* IPGRAPH_ZREAD_H */
