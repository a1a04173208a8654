/* pngout.h - PNG files from cairo's image data, written quickly. */
#ifndef IPGRAPH_PNGOUT_H
#define IPGRAPH_PNGOUT_H

#include <stddef.h>

struct buf;

/*
 * zlib's level for every PNG ipgraph writes: 3 with no row filter.  On a
 * day's default graph (2,538 x 2,592) this writes in 0.06 s a file 5%
 * smaller than cairo's own writer gives in 0.23 s (zlib's default level
 * 6, every filter tried on every row).  Pictures of flat colours and thin
 * lines gain nothing from the filters; level 6 takes twice the time for
 * 6% less.  bench/README.md has the table.
 */
#define PNGOUT_LEVEL	3

/*
 * Append a PNG of the image to out: data is width x height pixels of
 * cairo's CAIRO_FORMAT_ARGB32 (native-endian 32-bit words, alpha in the
 * top byte, colours premultiplied by it), rows stride bytes apart.  The
 * pixels are exactly those cairo's own writer would store: colours
 * divided back by alpha, rounded to nearest; RGB without an alpha
 * channel when every pixel is opaque.  0, or -1 with err set.
 */
int	pngout_argb32(const unsigned char *data, int width, int height,
	    int stride, struct buf *out, char *err, size_t errlen);

#endif /* IPGRAPH_PNGOUT_H */
