/* pngout.c - PNG files from cairo's image data, written quickly. */

#include "config.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include "buf.h"
#include "pngout.h"

/*
 * Row filter and zlib level per kind of picture, measured with
 * bench/pngfilt.c on the pictures of four captures and of the synthetic
 * day (bench/README.md, "PNG files written by pngout.c"):
 *
 * GRAPH: no filter, level 3.  Flat colours and thin lines: every filter
 * makes graphs and the port ring larger (up, sub, paeth, libpng's choice
 * per row: 6-25%).  Level 6 is 3-13% smaller for 1.7-2.5 times the
 * time (the synthetic day's port ring 862,180 -> 788,111 bytes, 47 ->
 * 118 ms), and these are the pictures served cold within 300 ms.
 *
 * CHART: the up filter, level 6.  Bars repeat row after row, and up
 * turns them into zeros: the synthetic day's histogram is 30% smaller
 * than with no filter at level 3 (30,850 -> 21,638 bytes, as small as
 * cairo's writer made it), in 5 ms instead of 3.  libpng's choice per
 * row is 5% smaller again in twice the time.
 *
 * TEXT: no filter, level 6.  Rows of antialiased text: a filter adds
 * 10-27%, except on the widest diagrams (4,000 pixels of lifelines, up
 * saves 15% there); level 6 is 4-15% smaller than 3 in twice the time
 * (a 765 x 764 diagram: 10 -> 23 ms), and these are files that `ipgraph
 * seq` writes once.
 */
static const struct {
	int	filter;		/* PNG_FILTER_* */
	int	level;		/* zlib's, 0-9 */
} pngout_kinds[] = {
	[PNGOUT_GRAPH] = { PNG_FILTER_NONE, 3 },
	[PNGOUT_CHART] = { PNG_FILTER_UP, 6 },
	[PNGOUT_TEXT] = { PNG_FILTER_NONE, 6 },
};

struct pngout {
	struct buf	*out;
	char		 msg[128];
};

static void
pngout_write(png_structp p, png_bytep data, size_t len)
{
	struct pngout *po = png_get_io_ptr(p);

	buf_add(po->out, data, len);
	if (po->out->failed)
		png_error(p, "out of memory");
}

static void
pngout_flush(png_structp p)
{
	(void)p;
}

static void
pngout_error(png_structp p, png_const_charp msg)
{
	struct pngout *po = png_get_error_ptr(p);

	snprintf(po->msg, sizeof(po->msg), "%s", msg);
	png_longjmp(p, 1);
}

static void
pngout_warning(png_structp p, png_const_charp msg)
{
	(void)p;
	(void)msg;
}

/* Whether every pixel's alpha is 255. */
static int
pngout_opaque(const unsigned char *data, int width, int height, int stride)
{
	int x, y;

	for (y = 0; y < height; y++) {
		const uint32_t *px = (const uint32_t *)(const void *)
		    (data + (size_t)y * (size_t)stride);

		for (x = 0; x < width; x++)
			if (px[x] < 0xff000000u)
				return 0;
	}
	return 1;
}

/* One row of ARGB32 as RGB (opaque) or straight RGBA into row. */
static void
pngout_row(const uint32_t *px, int width, int opaque, unsigned char *row)
{
	unsigned char *o = row;
	int x;

	for (x = 0; x < width; x++) {
		uint32_t v = px[x];
		unsigned a = v >> 24, r = (v >> 16) & 0xff, g = (v >> 8) & 0xff,
		    b = v & 0xff;

		if (!opaque) {
			if (a == 0)
				r = g = b = 0;
			else if (a != 0xff) {
				r = (r * 0xff + a / 2) / a;
				g = (g * 0xff + a / 2) / a;
				b = (b * 0xff + a / 2) / a;
			}
		}
		*o++ = (unsigned char)r;
		*o++ = (unsigned char)g;
		*o++ = (unsigned char)b;
		if (!opaque)
			*o++ = (unsigned char)a;
	}
}

int
pngout_argb32(const unsigned char *data, int width, int height, int stride,
    enum pngout_kind kind, struct buf *out, char *err, size_t errlen)
{
	if ((unsigned)kind >= sizeof(pngout_kinds) / sizeof(pngout_kinds[0])) {
		snprintf(err, errlen, "png: unknown kind of picture %d",
		    (int)kind);
		return -1;
	}
	/*
	 * zlib's default strategy: libpng would pick Z_FILTERED once a
	 * filter is set, which made the histograms 7% larger; Z_RLE beat
	 * none of the choices above.
	 */
	return pngout_encode(data, width, height, stride,
	    pngout_kinds[kind].filter, pngout_kinds[kind].level,
	    Z_DEFAULT_STRATEGY, out, err, errlen);
}

int
pngout_encode(const unsigned char *data, int width, int height, int stride,
    int filter, int level, int strategy, struct buf *out, char *err,
    size_t errlen)
{
	struct pngout po;
	png_structp p;
	png_infop info = NULL;
	unsigned char *row;
	int opaque, y;

	if (data == NULL || width <= 0 || height <= 0 ||
	    stride < width * 4) {
		snprintf(err, errlen, "png: no image to write (%d x %d)",
		    width, height);
		return -1;
	}
	opaque = pngout_opaque(data, width, height, stride);
	memset(&po, 0, sizeof(po));
	po.out = out;
	if ((row = malloc((size_t)width * 4)) == NULL) {
		snprintf(err, errlen, "png: out of memory for a row of %d "
		    "pixels", width);
		return -1;
	}
	p = png_create_write_struct(PNG_LIBPNG_VER_STRING, &po, pngout_error,
	    pngout_warning);
	if (p == NULL || (info = png_create_info_struct(p)) == NULL) {
		png_destroy_write_struct(&p, NULL);
		free(row);
		snprintf(err, errlen, "png: out of memory");
		return -1;
	}
	/* libpng reports its errors here (pngout_error jumps back) */
	if (setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		free(row);
		snprintf(err, errlen, "png: %s", po.msg[0] != '\0' ? po.msg :
		    "writing the image failed");
		return -1;
	}
	png_set_write_fn(p, &po, pngout_write, pngout_flush);
	png_set_compression_level(p, level);
	png_set_compression_strategy(p, strategy);
	png_set_filter(p, PNG_FILTER_TYPE_BASE, filter);
	png_set_IHDR(p, info, (png_uint_32)width, (png_uint_32)height, 8,
	    opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE,
	    PNG_FILTER_TYPE_BASE);
	png_write_info(p, info);
	for (y = 0; y < height; y++) {
		pngout_row((const uint32_t *)(const void *)(data +
		    (size_t)y * (size_t)stride), width, opaque, row);
		png_write_row(p, row);
	}
	png_write_end(p, info);
	png_destroy_write_struct(&p, &info);
	free(row);
	return 0;
}
