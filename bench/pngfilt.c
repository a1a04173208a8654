/* pngfilt.c - PNG row filter, zlib level and strategy on real pictures. */

/*
 * Reads PNG files that ipgraph wrote, turns each back into cairo's
 * ARGB32 image data (colours premultiplied by alpha), and writes it again
 * with pngout.c's own encoder (pngout_encode: libpng, one row at a time,
 * RGB when every pixel is opaque) under each setting asked for: the
 * encode time (the fastest of -n runs, wall clock) and the file's size.
 * Built by hand against a build's library (BUILD: an -O2 build folder):
 *
 *	cc -O2 -Isrc -o pngfilt bench/pngfilt.c BUILD/src/libipgraph.a \
 *	    $(pkg-config --cflags --libs libpng cairo) -lz
 *
 * usage: pngfilt [-n RUNS] -s SETTING... FILE...
 *
 * SETTING is FILTER/LEVEL/STRATEGY: FILTER one of none, sub, up, avg,
 * paeth, all (libpng picks one per row); LEVEL 0-9; STRATEGY default,
 * filtered, rle, huff.  The setting "cairo" is cairo's own writer
 * (cairo_surface_write_to_png_stream), for comparison.  One line per
 * file and setting:
 *	file width height setting bytes seconds
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <png.h>
#include <zlib.h>

#include "buf.h"
#include "pngout.h"

struct img {
	int		 w, h;
	uint32_t	*px;		/* ARGB32, premultiplied, w x h */
};

struct setting {
	const char	*name;
	int		 filter, level, strategy;
};

static int
img_read(const char *path, struct img *im)
{
	png_image pi;
	unsigned char *rgba;
	size_t i, n;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&pi, path)) {
		fprintf(stderr, "%s: %s\n", path, pi.message);
		return -1;
	}
	pi.format = PNG_FORMAT_RGBA;
	n = (size_t)pi.width * pi.height;
	if ((rgba = malloc(n * 4)) == NULL ||
	    (im->px = malloc(n * 4)) == NULL ||
	    !png_image_finish_read(&pi, NULL, rgba, 0, NULL)) {
		fprintf(stderr, "%s: cannot read\n", path);
		return -1;
	}
	im->w = (int)pi.width;
	im->h = (int)pi.height;
	for (i = 0; i < n; i++) {
		unsigned r = rgba[4 * i], g = rgba[4 * i + 1],
		    b = rgba[4 * i + 2], a = rgba[4 * i + 3];

		r = (r * a + 127) / 255;
		g = (g * a + 127) / 255;
		b = (b * a + 127) / 255;
		im->px[i] = (uint32_t)a << 24 | r << 16 | g << 8 | b;
	}
	free(rgba);
	return 0;
}

static cairo_status_t
cairo_out(void *closure, const unsigned char *data, unsigned int len)
{
	size_t *n = closure;

	(void)data;
	*n += len;
	return CAIRO_STATUS_SUCCESS;
}

static size_t
encode_cairo(const struct img *im)
{
	cairo_surface_t *sf;
	size_t n = 0;

	sf = cairo_image_surface_create_for_data((unsigned char *)im->px,
	    CAIRO_FORMAT_ARGB32, im->w, im->h, im->w * 4);
	if (cairo_surface_write_to_png_stream(sf, cairo_out, &n) !=
	    CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "cairo failed\n");
		exit(1);
	}
	cairo_surface_destroy(sf);
	return n;
}

static size_t
encode(const struct img *im, const struct setting *s)
{
	struct buf b = BUF_INIT;
	char err[256];
	size_t n;

	if (s->level < 0)
		return encode_cairo(im);
	if (pngout_encode((const unsigned char *)im->px, im->w, im->h,
	    im->w * 4, s->filter, s->level, s->strategy, &b, err,
	    sizeof(err)) < 0 || buf_failed(&b)) {
		fprintf(stderr, "encode failed: %s\n", err);
		exit(1);
	}
	n = b.len;
	buf_free(&b);
	return n;
}

static int
parse_setting(const char *arg, struct setting *s)
{
	static const struct { const char *n; int v; } filters[] = {
		{ "none", PNG_FILTER_NONE }, { "sub", PNG_FILTER_SUB },
		{ "up", PNG_FILTER_UP }, { "avg", PNG_FILTER_AVG },
		{ "paeth", PNG_FILTER_PAETH }, { "all", PNG_ALL_FILTERS },
	}, strategies[] = {
		{ "default", Z_DEFAULT_STRATEGY }, { "filtered", Z_FILTERED },
		{ "rle", Z_RLE }, { "huff", Z_HUFFMAN_ONLY },
	};
	char f[16], st[16];
	size_t i;

	s->name = arg;
	if (strcmp(arg, "cairo") == 0) {
		s->level = -1;
		return 0;
	}
	if (sscanf(arg, "%15[a-z]/%d/%15[a-z]", f, &s->level, st) != 3 ||
	    s->level < 0 || s->level > 9)
		return -1;
	s->filter = s->strategy = -1;
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (strcmp(f, filters[i].n) == 0)
			s->filter = filters[i].v;
	for (i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++)
		if (strcmp(st, strategies[i].n) == 0)
			s->strategy = strategies[i].v;
	return s->filter < 0 || s->strategy < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct setting set[64];
	int nset = 0, runs = 3, i, j, k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc &&
		    nset < 64) {
			if (parse_setting(argv[++i], &set[nset]) < 0) {
				fprintf(stderr, "bad setting %s\n", argv[i]);
				return 2;
			}
			nset++;
		} else
			break;
	}
	if (nset == 0 || i == argc || runs < 1) {
		fprintf(stderr, "usage: pngfilt [-n RUNS] -s FILTER/LEVEL/"
		    "STRATEGY... FILE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		struct img im;

		if (img_read(argv[i], &im) < 0)
			return 1;
		for (j = 0; j < nset; j++) {
			double best = 1e9;
			size_t len = 0;

			for (k = 0; k < runs; k++) {
				struct timespec a, b;
				double t;

				clock_gettime(CLOCK_MONOTONIC, &a);
				len = encode(&im, &set[j]);
				clock_gettime(CLOCK_MONOTONIC, &b);
				t = (double)(b.tv_sec - a.tv_sec) +
				    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
				if (t < best)
					best = t;
			}
			printf("%s %d %d %s %zu %.4f\n", argv[i], im.w, im.h,
			    set[j].name, len, best);
			fflush(stdout);
		}
		free(im.px);
	}
	return 0;
}
