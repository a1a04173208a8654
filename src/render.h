/* render.h - pictures in process: DOT through libgvc, drawings through cairo. */
#ifndef IPGRAPH_RENDER_H
#define IPGRAPH_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "pngout.h"	/* enum pngout_kind */

struct buf;
struct _cairo;		/* cairo_t */
struct _cairo_surface;	/* cairo_surface_t */

/* Whether engine is a layout we offer (dot, neato, fdp, sfdp, circo, twopi). */
int	render_layout_known(const char *engine);

/*
 * Lay out the DOT graph in dot (NUL-terminated) with engine and append it
 * drawn in format ("png", "svg") to out.  With adapt, a drawing more than
 * RENDER_MAX_ASPECT times wider than high (or the reverse) is laid out
 * again with its parts packed in a grid (neato, or sfdp when large), and
 * then stretched to that ratio if it still is.  caption (or NULL) goes
 * into a PNG as its iTXt "Description" and into an SVG as its <desc>.
 * 0, or -1 with libgvc's message in err.  libgvc keeps global state, so
 * calls are serialised by a lock; safe from any thread.
 */
#define RENDER_MAX_ASPECT	3.0
/*
 * Pictures drawn or waiting at once; one more fails at once with an
 * error that starts with RENDER_BUSY (a server answers 503, Retry-After).
 * RENDER_QUEUE, or with more threads asking (render_queue_size) one
 * less than their number: a picture waiting holds its thread, and one is
 * kept for the routes that draw nothing.
 */
#define RENDER_QUEUE		3
#define RENDER_BUSY		"busy"
void	render_queue_size(unsigned threads);
int	render_dot(const char *dot, const char *engine, int adapt,
	    const char *format, const char *caption, struct buf *out,
	    char *err, size_t errlen);

/*
 * The cache of drawn pictures (render_dot's): at most bytes in all
 * (0, the default, keeps none; a server sets it).  A picture is kept
 * only when it fits a quarter of it.  Safe from any thread.
 */
struct render_cache_stats {
	uint64_t	max;		/* bytes allowed */
	uint64_t	bytes;		/* held: keys, pictures, entries */
	uint64_t	entries;
	uint64_t	hits;		/* answered from the cache */
	uint64_t	misses;		/* drawn */
	uint64_t	evictions;	/* pushed out by newer pictures */
};
void	render_cache_size(size_t bytes);
void	render_cache_stats(struct render_cache_stats *);

/*
 * Whole answers kept in the same cache, under keys of the caller's
 * (which must start with RENDER_MEMO, so they never meet a picture's):
 * a server's picture of a query it has answered before, without reading
 * the database again.  render_memo_get appends the kept bytes to out and
 * returns 1 (counted as a hit), or 0; render_memo_put keeps a copy, when
 * the cache is on and the bytes fit a quarter of it.
 */
#define RENDER_MEMO		"\001memo"
int	render_memo_get(const struct buf *key, struct buf *out);
void	render_memo_put(const struct buf *key, const void *data, size_t len);

/*
 * Draw a width x height picture with draw(cr, arg) onto a cairo surface
 * and append it as format ("png" or "svg") to out; a PNG is compressed
 * as kind says (pngout.h).  0, or -1 with cairo's message in err.  Safe
 * from any thread (one surface per call).
 */
int	render_cairo(int width, int height, const char *format,
	    enum pngout_kind kind, void (*draw)(struct _cairo *, void *),
	    void *arg, struct buf *out, char *err, size_t errlen);

/*
 * A cairo image surface (CAIRO_FORMAT_ARGB32) as a PNG (pngout.c) of
 * that kind, appended to out; 0, or -1 with err.
 */
int	render_png_surface(struct _cairo_surface *, enum pngout_kind kind,
	    struct buf *out, char *err, size_t errlen);

/*
 * Append the SVG in to out with cairo's surface ids ("surface463", a
 * count over the whole process) renumbered from 1 in order of
 * appearance, so a drawing's bytes do not depend on what the process
 * drew before.  render_cairo does it; for other cairo SVG writers.
 */
void	render_svg_ids(const struct buf *in, struct buf *out);

#endif /* IPGRAPH_RENDER_H */
