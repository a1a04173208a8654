/* pngout.h - PNG files from cairo's image data, written quickly. */
#ifndef IPGRAPH_PNGOUT_H
#define IPGRAPH_PNGOUT_H

#include <stddef.h>

struct buf;

/*
 * What the picture is, which chooses the row filter and zlib's level
 * (pngout.c's table has the measurements behind each choice).
 */
enum pngout_kind {
	PNGOUT_GRAPH,		/* libgvc's graphs, the port ring: large */
	PNGOUT_CHART,		/* the histogram: bars, small */
	PNGOUT_TEXT		/* sequence diagrams: rows of text */
};

/*
 * Append a PNG of the image to out: data is width x height pixels of
 * cairo's CAIRO_FORMAT_ARGB32 (native-endian 32-bit words, alpha in the
 * top byte, colours premultiplied by it), rows stride bytes apart.  The
 * pixels are exactly those cairo's own writer would store: colours
 * divided back by alpha, rounded to nearest; RGB without an alpha
 * channel when every pixel is opaque.  kind picks how they are
 * compressed, never which pixels are stored.  0, or -1 with err set.
 */
int	pngout_argb32(const unsigned char *data, int width, int height,
	    int stride, enum pngout_kind kind, struct buf *out, char *err,
	    size_t errlen);

/*
 * The same with the compression given: filter a mask of libpng's
 * PNG_FILTER_* (or PNG_ALL_FILTERS), level zlib's 0-9, strategy zlib's
 * Z_* (bench/pngfilt.c measures them; the program uses pngout_argb32).
 */
int	pngout_encode(const unsigned char *data, int width, int height,
	    int stride, int filter, int level, int strategy, struct buf *out,
	    char *err, size_t errlen);

#endif /* IPGRAPH_PNGOUT_H */
