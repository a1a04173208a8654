/* zread.c - compressed capture files (gzip, xz, zstd) read as a stream. */

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "zread.h"

/*
 * The decompressed bytes are served through fopencookie, so libpcap and
 * the pcapng reader read a compressed file with the fread calls they use
 * for a plain one, and a pipe works as well as a file (nothing seeks).
 * The libraries do the parsing of the compressed bytes; this file only
 * feeds them and tells a clean end from a cut-short one: the input ending
 * while a gzip member, an xz stream or a zstd frame is still open is an
 * error, never a quiet end of file, so a truncated .gz is reported (and
 * its import marked partial) as a truncated capture is.
 */

/* Compressed bytes read from the source at a time. */
#define ZREAD_IN	(1u << 17)

struct zread {
	int		 kind;
	FILE		*src;
	FILE		*stream;
	char		*name;
	uint8_t		*in;
	size_t		 in_cap;
	size_t		 in_len;
	size_t		 in_pos;
	int		 in_eof;	/* src has no more bytes */
	int		 ended;		/* the last member/frame is closed */
	z_stream	 gz;
	lzma_stream	 xz;
	ZSTD_DStream	*zs;
	size_t		 zs_left;	/* 0 when the last frame is whole */
	char		 err[256];
};

int
zread_detect(const uint8_t *p, size_t n)
{
	static const uint8_t xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return ZREAD_GZIP;
	if (n >= 6 && memcmp(p, xz, 6) == 0)
		return ZREAD_XZ;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f &&
	    p[3] == 0xfd)
		return ZREAD_ZSTD;
	return ZREAD_NONE;
}

const char *
zread_name(int kind)
{
	switch (kind) {
	case ZREAD_GZIP: return "gzip";
	case ZREAD_XZ: return "xz";
	case ZREAD_ZSTD: return "zstd";
	default: return "plain";
	}
}

static void
zread_fail(struct zread *z, const char *what)
{
	if (z->err[0] == '\0')
		snprintf(z->err, sizeof(z->err), "%s", what);
}

/*
 * More compressed input when what there is has been used: 0, or -1 on a
 * read error of src (message set).  At the end of src, in_eof is set.
 */
static int
zread_refill(struct zread *z)
{
	if (z->in_pos < z->in_len || z->in_eof)
		return 0;
	z->in_pos = 0;
	z->in_len = fread(z->in, 1, z->in_cap, z->src);
	if (z->in_len == 0) {
		if (ferror(z->src)) {
			snprintf(z->err, sizeof(z->err), "read error: %s",
			    strerror(errno));
			return -1;
		}
		z->in_eof = 1;
	}
	return 0;
}

/* A cut-short input: the message says which format and what to think. */
static void
zread_cut(struct zread *z)
{
	snprintf(z->err, sizeof(z->err), "%s data cut short (the compressed "
	    "file is truncated)", zread_name(z->kind));
}

/*
 * One step of gzip: decompress into out[0..size) and return how much came
 * (0 with z->ended at the clean end).  Damage sets z->err; what came
 * before it in this step is still returned.  A new member may follow the
 * end of one (gzip -c a b >c; pigz): the data ends only where the input
 * does.
 */
static size_t
zread_gzip(struct zread *z, uint8_t *out, size_t size)
{
	uInt room = size > UINT32_MAX ? UINT32_MAX : (uInt)size;
	size_t made;
	int rc;

	z->gz.next_in = z->in + z->in_pos;
	z->gz.avail_in = (uInt)(z->in_len - z->in_pos);
	z->gz.next_out = out;
	z->gz.avail_out = room;
	rc = inflate(&z->gz, Z_NO_FLUSH);
	z->in_pos = z->in_len - z->gz.avail_in;
	made = room - z->gz.avail_out;
	switch (rc) {
	case Z_OK:
		break;
	case Z_STREAM_END:
		if (zread_refill(z) < 0)
			break;
		if (z->in_pos == z->in_len)	/* nothing after it */
			z->ended = 1;
		else if (inflateReset(&z->gz) != Z_OK)
			zread_fail(z, "gzip: cannot restart the decoder");
		break;
	case Z_BUF_ERROR:		/* no progress: input needed */
		if (z->in_eof)
			zread_cut(z);
		break;
	case Z_MEM_ERROR:
		zread_fail(z, "gzip: out of memory");
		break;
	default:
		snprintf(z->err, sizeof(z->err), "damaged gzip data (%s)",
		    z->gz.msg != NULL ? z->gz.msg : "invalid");
		break;
	}
	return made;
}

/* One step of xz; the same contract as zread_gzip. */
static size_t
zread_xz(struct zread *z, uint8_t *out, size_t size)
{
	lzma_ret rc;

	z->xz.next_in = z->in + z->in_pos;
	z->xz.avail_in = z->in_len - z->in_pos;
	z->xz.next_out = out;
	z->xz.avail_out = size;
	/* LZMA_CONCATENATED needs LZMA_FINISH to tell the end is there */
	rc = lzma_code(&z->xz, z->in_eof ? LZMA_FINISH : LZMA_RUN);
	z->in_pos = z->in_len - z->xz.avail_in;
	switch (rc) {
	case LZMA_OK:
		break;
	case LZMA_STREAM_END:
		z->ended = 1;
		break;
	case LZMA_BUF_ERROR:
		zread_cut(z);
		break;
	case LZMA_MEM_ERROR:
	case LZMA_MEMLIMIT_ERROR:
		zread_fail(z, "xz: out of memory");
		break;
	case LZMA_FORMAT_ERROR:
		zread_fail(z, "damaged xz data (not an xz stream)");
		break;
	case LZMA_OPTIONS_ERROR:
		zread_fail(z, "xz data with options this liblzma cannot "
		    "read");
		break;
	default:
		zread_fail(z, "damaged xz data (corrupt, or a failed "
		    "integrity check)");
		break;
	}
	return size - z->xz.avail_out;
}

/* One step of zstd; the same contract as zread_gzip. */
static size_t
zread_zstd(struct zread *z, uint8_t *out, size_t size)
{
	ZSTD_inBuffer in = { z->in, z->in_len, z->in_pos };
	ZSTD_outBuffer ob = { out, size, 0 };
	size_t rc;

	rc = ZSTD_decompressStream(z->zs, &ob, &in);
	if (!ZSTD_isError(rc) && (ob.pos > 0 || in.pos > z->in_pos))
		z->zs_left = rc;	/* a call without progress says nothing */
	z->in_pos = in.pos;
	if (ZSTD_isError(rc)) {
		snprintf(z->err, sizeof(z->err), "damaged zstd data (%s)",
		    ZSTD_getErrorName(rc));
		return ob.pos;
	}
	/*
	 * 0: a frame is whole and flushed.  Another may follow; the data
	 * ends cleanly only where the input ends on such a boundary.
	 */
	if (ob.pos == 0 && in.pos == in.size && z->in_eof) {
		if (z->zs_left != 0)
			zread_cut(z);
		else
			z->ended = 1;
	}
	return ob.pos;
}

static ssize_t
zread_read(void *cookie, char *buf, size_t size)
{
	struct zread *z = cookie;
	size_t n = 0;

	if (size > SSIZE_MAX)
		size = SSIZE_MAX;
	while (n == 0 && z->err[0] == '\0' && !z->ended && size > 0) {
		if (zread_refill(z) < 0)
			break;
		switch (z->kind) {
		case ZREAD_GZIP:
			n = zread_gzip(z, (uint8_t *)buf, size);
			break;
		case ZREAD_XZ:
			n = zread_xz(z, (uint8_t *)buf, size);
			break;
		default:
			n = zread_zstd(z, (uint8_t *)buf, size);
			break;
		}
	}
	/* what came before the damage is served first, the error next */
	if (n > 0)
		return (ssize_t)n;
	if (z->err[0] != '\0') {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int
zread_close(void *cookie)
{
	struct zread *z = cookie;

	if (z == NULL)
		return 0;
	if (z->kind == ZREAD_GZIP)
		inflateEnd(&z->gz);
	else if (z->kind == ZREAD_XZ)
		lzma_end(&z->xz);
	ZSTD_freeDStream(z->zs);
	free(z->in);
	free(z->name);
	free(z);
	return 0;
}

struct zread *
zread_open(int kind, const uint8_t *head, size_t len, FILE *src,
    const char *name, char *err, size_t errlen)
{
	static const lzma_stream xz_init = LZMA_STREAM_INIT;
	cookie_io_functions_t io = { zread_read, NULL, NULL, zread_close };
	struct zread *z;
	int ok;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		goto nomem;
	z->kind = kind;
	z->src = src;
	z->xz = xz_init;
	z->zs_left = 1;
	z->in_cap = len > ZREAD_IN ? len : ZREAD_IN;
	if ((z->name = strdup(name)) == NULL ||
	    (z->in = malloc(z->in_cap)) == NULL)
		goto nomem;
	memcpy(z->in, head, len);
	z->in_len = len;
	switch (kind) {
	case ZREAD_GZIP:
		/* 15 + 16: a gzip header and trailer, nothing else */
		ok = inflateInit2(&z->gz, 15 + 16) == Z_OK;
		break;
	case ZREAD_XZ:
		ok = lzma_stream_decoder(&z->xz, UINT64_MAX,
		    LZMA_CONCATENATED) == LZMA_OK;
		break;
	case ZREAD_ZSTD:
		ok = (z->zs = ZSTD_createDStream()) != NULL &&
		    !ZSTD_isError(ZSTD_initDStream(z->zs));
		break;
	default:
		snprintf(err, errlen, "%s: not compressed", name);
		zread_close(z);
		return NULL;
	}
	if (!ok) {
		/* the decoder owns nothing yet: free the rest by hand */
		z->kind = ZREAD_NONE;
		goto nomem;
	}
	if ((z->stream = fopencookie(z, "rb", io)) == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		zread_close(z);
		return NULL;
	}
	return z;
nomem:
	snprintf(err, errlen, "%s: out of memory for the %s decoder", name,
	    zread_name(kind));
	zread_close(z);
	return NULL;
}

FILE *
zread_stream(struct zread *z)
{
	return z->stream;
}

const char *
zread_error(const struct zread *z)
{
	return z->err[0] != '\0' ? z->err : NULL;
}
