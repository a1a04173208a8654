/* render.c - pictures in process: DOT through libgvc, drawings through cairo. */

#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <gvc.h>

#include "buf.h"
#include "picnote.h"
#include "render.h"

static const char *const render_layouts[] = {
	"dot", "neato", "fdp", "sfdp", "circo", "twopi", NULL
};

/*
 * One context for the process: gvContext loads the plugin configuration,
 * which costs more than drawing a small graph.  cgraph's error state and
 * the context are global, hence the lock.
 */
static pthread_mutex_t	 render_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned		 render_queued;	/* drawing or waiting to */
static GVC_t		*render_gvc;

int
render_layout_known(const char *engine)
{
	size_t i;

	for (i = 0; render_layouts[i] != NULL; i++)
		if (strcmp(render_layouts[i], engine) == 0)
			return 1;
	return 0;
}

/* The last cgraph error, trimmed, or a fallback. */
static void
render_error(char *err, size_t errlen, const char *what)
{
	const char *m = aglasterr();
	size_t n;

	if (m == NULL || *m == '\0') {
		snprintf(err, errlen, "libgvc: %s failed", what);
		return;
	}
	snprintf(err, errlen, "libgvc: %s: %s", what, m);
	n = strlen(err);
	while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
}

static void
render_atexit(void)
{
	if (render_gvc != NULL)
		gvFreeContext(render_gvc);
	render_gvc = NULL;
}

/* How much wider than high (or the reverse) a laid-out graph is. */
static double
render_aspect(Agraph_t *g)
{
	boxf bb = GD_bb(g);
	double w = bb.UR.x - bb.LL.x, h = bb.UR.y - bb.LL.y;

	if (w <= 0 || h <= 0)
		return 1.0;
	return w > h ? w / h : h / w;
}

int
render_dot(const char *dot, const char *engine, int adapt,
    const char *format, const char *caption, struct buf *out, char *err,
    size_t errlen)
{
	Agraph_t *g = NULL;
	char *data = NULL, ratio[32];
	unsigned int len = 0;
	int rc = -1, laid = 0;
	boxf bb;
	struct buf pic = BUF_INIT;

	/*
	 * A bounded queue: one picture drawn at a time, a few waiting; more
	 * are turned away at once, so a burst of pictures cannot tie up
	 * every worker of a server (and /healthz behind them).
	 */
	if (__atomic_add_fetch(&render_queued, 1, __ATOMIC_ACQ_REL) >
	    RENDER_QUEUE) {
		__atomic_sub_fetch(&render_queued, 1, __ATOMIC_ACQ_REL);
		snprintf(err, errlen, RENDER_BUSY ": %d pictures are being "
		    "drawn or waiting", RENDER_QUEUE);
		return -1;
	}
	pthread_mutex_lock(&render_lock);
	if (render_gvc == NULL) {
		if ((render_gvc = gvContext()) == NULL) {
			snprintf(err, errlen, "libgvc: no context (is the "
			    "graphviz package installed?)");
			goto done;
		}
		atexit(render_atexit);
	}
	/* Keep libgvc quiet on stderr: its message goes into err. */
	agseterr(AGMAX);
	agreseterrors();
	if ((g = agmemread(dot)) == NULL) {
		render_error(err, errlen, "reading the graph");
		goto done;
	}
	if (gvLayout(render_gvc, g, engine) != 0) {
		render_error(err, errlen, "layout");
		goto done;
	}
	laid = 1;
	if (adapt && render_aspect(g) > RENDER_MAX_ASPECT) {
		/* a strip: the parts packed in a grid instead */
		gvFreeLayout(render_gvc, g);
		laid = 0;
		agsafeset(g, "pack", "true", "");
		agsafeset(g, "packmode", "graph", "");
		agsafeset(g, "overlap", "prism", "");
		agsafeset(g, "rankdir", "TB", "");
		if (gvLayout(render_gvc, g, agnnodes(g) > 150 ? "sfdp" :
		    "neato") != 0) {
			render_error(err, errlen, "layout");
			goto done;
		}
		laid = 1;
	}
	if (adapt && render_aspect(g) > RENDER_MAX_ASPECT) {
		/* still: stretch the short side (ratio is height / width) */
		bb = GD_bb(g);
		snprintf(ratio, sizeof(ratio), "%.3f", bb.UR.x - bb.LL.x >
		    bb.UR.y - bb.LL.y ? 1.0 / (RENDER_MAX_ASPECT - 0.1) :
		    RENDER_MAX_ASPECT - 0.1);
		gvFreeLayout(render_gvc, g);
		laid = 0;
		agsafeset(g, "ratio", ratio, "");
		if (gvLayout(render_gvc, g, agget(g, "layout") != NULL &&
		    *agget(g, "layout") != '\0' ? agget(g, "layout") :
		    engine) != 0) {
			render_error(err, errlen, "layout");
			goto done;
		}
		laid = 1;
	}
	if (gvRenderData(render_gvc, g, format, &data, &len) != 0) {
		render_error(err, errlen, "rendering");
		goto done;
	}
	if (caption != NULL && (strcmp(format, "png") == 0 ||
	    strcmp(format, "svg") == 0)) {
		buf_add(&pic, data, len);
		buf_putc(&pic, '\0');
		pic.len--;
		picnote_add(strcmp(format, "svg") == 0, NULL, caption, &pic,
		    out);
	} else
		buf_add(out, data, len);
	rc = 0;
done:
	buf_free(&pic);
	if (data != NULL)
		gvFreeRenderData(data);
	if (laid)
		gvFreeLayout(render_gvc, g);
	if (g != NULL)
		agclose(g);
	pthread_mutex_unlock(&render_lock);
	__atomic_sub_fetch(&render_queued, 1, __ATOMIC_ACQ_REL);
	return rc;
}

/* cairo's stream writer: everything goes into the buffer. */
static cairo_status_t
render_write(void *arg, const unsigned char *data, unsigned int len)
{
	struct buf *out = arg;

	buf_add(out, data, len);
	return buf_failed(out) ? CAIRO_STATUS_WRITE_ERROR :
	    CAIRO_STATUS_SUCCESS;
}

/*
 * cairo (1.16) names an SVG's surfaces after a counter global to the
 * process: the page is <g id="surface1"> in a fresh `ipgraph export` but
 * "surface463" in a server that has drawn for a while, so one picture
 * would come out differently from the two, and from two requests.  The
 * ids are renumbered in order of first appearance (an id is "surface"
 * and digits right after '"' or '#', as cairo writes them and refers to
 * them), so references stay matched.  Drawing text as glyphs, cairo puts
 * no other text in the file.  (That a higher id is not in the file, as
 * in "surface12" after "surface1", does not matter: ids are whole words
 * between the quotes.)
 */
#define RENDER_SVG_IDS	64

void
render_svg_ids(const struct buf *in, struct buf *out)
{
	static const char key[] = "surface";
	unsigned long long seen[RENDER_SVG_IDS], n;
	const char *p = in->data, *end = in->data + in->len, *q, *d, *e;
	size_t nseen = 0, i;

	while (p < end) {
		if ((q = memmem(p, (size_t)(end - p), key, sizeof(key) - 1)) ==
		    NULL) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		d = e = q + sizeof(key) - 1;
		for (n = 0; e < end && e - d < 18 && *e >= '0' && *e <= '9';
		    e++)
			n = n * 10 + (unsigned long long)(*e - '0');
		i = 0;
		if (e > d && q > in->data && (q[-1] == '"' || q[-1] == '#'))
			for (i = 0; i < nseen && seen[i] != n; i++)
				;
		if (e == d || q == in->data || (q[-1] != '"' && q[-1] != '#') ||
		    (i == nseen && nseen == RENDER_SVG_IDS)) {
			buf_add(out, p, (size_t)(d - p));
			p = d;
			continue;
		}
		if (i == nseen)
			seen[nseen++] = n;
		buf_add(out, p, (size_t)(d - p));
		buf_printf(out, "%zu", i + 1);
		p = e;
	}
}

int
render_cairo(int width, int height, const char *format,
    void (*draw)(cairo_t *, void *), void *arg, struct buf *out, char *err,
    size_t errlen)
{
	struct buf svgbuf = BUF_INIT;
	cairo_surface_t *sf;
	cairo_status_t st;
	cairo_t *cr;
	int svg = strcmp(format, "svg") == 0;

	if (svg)
		sf = cairo_svg_surface_create_for_stream(render_write, &svgbuf,
		    width, height);
	else
		sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width,
		    height);
	cr = cairo_create(sf);
	draw(cr, arg);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS && !svg)
		st = cairo_surface_write_to_png_stream(sf, render_write, out);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (st == CAIRO_STATUS_SUCCESS && svg)
		render_svg_ids(&svgbuf, out);
	buf_free(&svgbuf);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cairo: %s", cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
