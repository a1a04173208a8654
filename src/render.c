/* render.c - pictures in process: DOT through libgvc, drawings through cairo. */

#include "config.h"

#include <sys/queue.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <gvc.h>
#include <gvplugin.h>
#include <gvplugin_device.h>

#include "buf.h"
#include "picnote.h"
#include "pngout.h"
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
static unsigned		 render_queue = RENDER_QUEUE;	/* at most */
static GVC_t		*render_gvc;

/*
 * Pictures already drawn, keyed by everything that decides their bytes
 * (the DOT text, engine, format, adapt, caption), so an answer never
 * depends on when it was drawn: a picture of closed windows is drawn
 * once however often it is asked for, and a graph that changed has
 * other DOT text.  Least recently used first out; bounded in bytes
 * (keys, pictures and entries counted); its own lock, so a hit never
 * waits behind a layout.
 */
struct render_pic {
	TAILQ_ENTRY(render_pic)	 lru;		/* most recently used first */
	uint64_t		 hash;
	size_t			 keylen, len;
	char			*key;
	unsigned char		*data;
};
static pthread_mutex_t	 cache_lock = PTHREAD_MUTEX_INITIALIZER;
static TAILQ_HEAD(render_pics, render_pic) cache =
    TAILQ_HEAD_INITIALIZER(cache);
static pthread_cond_t	 cache_cv = PTHREAD_COND_INITIALIZER;
static size_t		 cache_max;	/* 0: no cache */
/* keys being drawn: a request for one of them waits for its picture */
#define CACHE_SLOTS	64
static uint64_t		 cache_drawing[CACHE_SLOTS];
static unsigned char	 cache_busy[CACHE_SLOTS];
static struct render_cache_stats cache_st;

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

/*
 * PNG graphs: libgvc's cairo renderer draws the page, and this device
 * writes it (pngout.c) instead of cairo's own PNG writer, which took most
 * of a large graph's drawing time (bench/README.md).  A device that has an engine
 * gets the page as cairo image data in job->imagedata when the page
 * ends (format; at finalize it is freed), which is how the graphviz image
 * plugins other than png are made.  The features are
 * those of libgvc's png:cairo device, so the page is the same, pixel
 * for pixel.  Used under render_lock: the output goes to render_png_out.
 */
#define RENDER_PNG_FORMAT	"png:cairo:ipgraph"
static struct buf	*render_png_out;
static char		 render_png_err[160];	/* "" unless pngout failed */

static void
render_png_format(GVJ_t *job)
{
	int w = (int)job->width, h = (int)job->height;

	(void)pngout_argb32((const unsigned char *)job->imagedata, w, h,
	    cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w),
	    PNGOUT_GRAPH, render_png_out, render_png_err,
	    sizeof(render_png_err));
}

static gvdevice_engine_t render_png_engine = {
	NULL, render_png_format, NULL
};
static gvdevice_features_t render_png_features = {
	GVDEVICE_BINARY_FORMAT | GVDEVICE_DOES_TRUECOLOR,
	{ 0., 0. }, { 0., 0. }, { 96., 96. }
};
static gvplugin_installed_t render_png_types[] = {
	{ 0, "png:cairo", 1, &render_png_engine, &render_png_features },
	{ 0, NULL, 0, NULL, NULL }
};
static gvplugin_api_t render_png_apis[] = {
	{ API_device, render_png_types },
	{ (api_t)0, NULL }
};
static gvplugin_library_t render_png_library = {
	"ipgraph", render_png_apis
};

/* The picture of the laid-out g in format, appended to img; 0 or -1. */
static int
render_graph(Agraph_t *g, const char *format, struct buf *img, char *err,
    size_t errlen)
{
	char *data = NULL;
	unsigned int len = 0;
	int rc;

	if (strcmp(format, "png") == 0) {
		render_png_out = img;
		render_png_err[0] = '\0';
		rc = gvRenderData(render_gvc, g, RENDER_PNG_FORMAT, &data,
		    &len);
		render_png_out = NULL;
		if (rc != 0) {
			render_error(err, errlen, "rendering");
			return -1;
		}
		gvFreeRenderData(data);
		if (render_png_err[0] != '\0' || img->len == 0) {
			snprintf(err, errlen, "%s", render_png_err[0] != '\0' ?
			    render_png_err : "libgvc: rendering gave no image");
			return -1;
		}
		return 0;
	}
	if (gvRenderData(render_gvc, g, format, &data, &len) != 0) {
		render_error(err, errlen, "rendering");
		return -1;
	}
	buf_add(img, data, len);
	gvFreeRenderData(data);
	return 0;
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

static size_t
cache_cost(const struct render_pic *p)
{
	return sizeof(*p) + p->keylen + p->len;
}

static void
cache_drop(struct render_pic *p)
{
	TAILQ_REMOVE(&cache, p, lru);
	cache_st.bytes -= cache_cost(p);
	cache_st.entries--;
	free(p->key);
	free(p->data);
	free(p);
}

/* Out with the least recently used until the cache holds max bytes. */
static void
cache_trim(size_t max)
{
	while (!TAILQ_EMPTY(&cache) && cache_st.bytes > max) {
		cache_drop(TAILQ_LAST(&cache, render_pics));
		cache_st.evictions++;
	}
}

void
render_cache_size(size_t bytes)
{
	pthread_mutex_lock(&cache_lock);
	cache_max = bytes;
	cache_st.max = bytes;
	cache_trim(bytes);
	pthread_mutex_unlock(&cache_lock);
}

void
render_cache_stats(struct render_cache_stats *st)
{
	pthread_mutex_lock(&cache_lock);
	*st = cache_st;
	pthread_mutex_unlock(&cache_lock);
}

/* FNV-1a, 64 bits: a first look before the key is compared whole. */
static uint64_t
cache_hash(const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A place in the picture queue (render_queued): 1, or 0 when it is full. */
static int
render_enqueue(void)
{
	if (__atomic_add_fetch(&render_queued, 1, __ATOMIC_ACQ_REL) >
	    __atomic_load_n(&render_queue, __ATOMIC_RELAXED)) {
		__atomic_sub_fetch(&render_queued, 1, __ATOMIC_ACQ_REL);
		return 0;
	}
	return 1;
}

/* The error of a full queue (a server answers 503): -1. */
static int
render_busy(char *err, size_t errlen)
{
	snprintf(err, errlen, RENDER_BUSY ": %u pictures are being drawn or "
	    "waiting", __atomic_load_n(&render_queue, __ATOMIC_RELAXED));
	return -1;
}

void
render_queue_size(unsigned threads)
{
	unsigned n = threads > RENDER_QUEUE + 1 ? threads - 1 : RENDER_QUEUE;

	__atomic_store_n(&render_queue, n, __ATOMIC_RELAXED);
}

/*
 * The kept bytes of key appended to out, the entry made the most recently
 * used and counted a hit: 1; 0 when not kept.  Under cache_lock.
 */
static int
cache_find(const struct buf *key, uint64_t hash, struct buf *out)
{
	struct render_pic *p;

	TAILQ_FOREACH(p, &cache, lru)
		if (p->hash == hash && p->keylen == key->len &&
		    memcmp(p->key, key->data, key->len) == 0)
			break;
	if (p == NULL)
		return 0;
	buf_add(out, p->data, p->len);
	TAILQ_REMOVE(&cache, p, lru);
	TAILQ_INSERT_HEAD(&cache, p, lru);
	cache_st.hits++;
	return 1;
}

/* The slot of a picture being drawn with this hash, or -1. */
static int
cache_inflight(uint64_t hash)
{
	int i;

	for (i = 0; i < CACHE_SLOTS; i++)
		if (cache_busy[i] && cache_drawing[i] == hash)
			return i;
	return -1;
}

/*
 * A drawn picture of key appended to out: 1.  -1 when the key is being
 * drawn and the queue is full.  Or 0 when there is none:
 * then the caller draws it, and *claimed says whether it holds the key's
 * slot (the others asking for the same key wait for it here rather than
 * draw it too) to give back with cache_release.  A key being drawn is
 * waited for before looking.
 */
static int
cache_get(const struct buf *key, uint64_t hash, struct buf *out,
    int *claimed)
{
	int i;

	*claimed = 0;
	pthread_mutex_lock(&cache_lock);
	if (cache_inflight(hash) >= 0) {
		/* a waiter holds a worker too: it takes a place in the queue */
		if (!render_enqueue()) {
			pthread_mutex_unlock(&cache_lock);
			return -1;
		}
		while (cache_inflight(hash) >= 0)
			pthread_cond_wait(&cache_cv, &cache_lock);
		__atomic_sub_fetch(&render_queued, 1, __ATOMIC_ACQ_REL);
	}
	if (cache_find(key, hash, out)) {
		pthread_mutex_unlock(&cache_lock);
		return 1;
	}
	cache_st.misses++;
	for (i = 0; i < CACHE_SLOTS; i++)
		if (!cache_busy[i]) {
			cache_busy[i] = 1;
			cache_drawing[i] = hash;
			*claimed = 1;
			break;
		}
	pthread_mutex_unlock(&cache_lock);
	return 0;
}

/* The key's picture is drawn (or failed): its waiters look again. */
static void
cache_release(uint64_t hash)
{
	int i;

	pthread_mutex_lock(&cache_lock);
	if ((i = cache_inflight(hash)) >= 0)
		cache_busy[i] = 0;
	pthread_cond_broadcast(&cache_cv);
	pthread_mutex_unlock(&cache_lock);
}

/* Keep a copy of a picture just drawn; one too large is not kept. */
static void
cache_put(const struct buf *key, uint64_t hash, const unsigned char *data,
    size_t len)
{
	struct render_pic *p;

	pthread_mutex_lock(&cache_lock);
	if (cache_max == 0 || sizeof(*p) + key->len + len > cache_max / 4)
		goto done;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->key = malloc(key->len)) == NULL ||
	    (p->data = malloc(len > 0 ? len : 1)) == NULL) {
		if (p != NULL)
			free(p->key);
		free(p);
		goto done;
	}
	memcpy(p->key, key->data, key->len);
	memcpy(p->data, data, len);
	p->keylen = key->len;
	p->len = len;
	p->hash = hash;
	TAILQ_INSERT_HEAD(&cache, p, lru);
	cache_st.bytes += cache_cost(p);
	cache_st.entries++;
	cache_trim(cache_max);
done:
	pthread_mutex_unlock(&cache_lock);
}

int
render_memo_get(const struct buf *key, struct buf *out)
{
	int found;

	pthread_mutex_lock(&cache_lock);
	found = cache_find(key, cache_hash(key->data, key->len), out);
	pthread_mutex_unlock(&cache_lock);
	return found;
}

void
render_memo_put(const struct buf *key, const void *data, size_t len)
{
	cache_put(key, cache_hash(key->data, key->len), data, len);
}

int
render_dot(const char *dot, const char *engine, int adapt,
    const char *format, const char *caption, struct buf *out, char *err,
    size_t errlen)
{
	Agraph_t *g = NULL;
	char ratio[32];
	int rc = -1, laid = 0;
	boxf bb;
	struct buf pic = BUF_INIT, key = BUF_INIT;
	size_t outlen = out->len;
	uint64_t hash = 0;
	int cached, marked = 0, got;

	pthread_mutex_lock(&cache_lock);
	cached = cache_max > 0;
	pthread_mutex_unlock(&cache_lock);
	if (cached) {
		/* NUL-separated: no field can run into the next */
		buf_add(&key, engine, strlen(engine) + 1);
		buf_add(&key, format, strlen(format) + 1);
		buf_add(&key, adapt ? "a" : "", adapt ? 2 : 1);
		if (caption != NULL)
			buf_add(&key, caption, strlen(caption));
		buf_add(&key, "", 1);
		buf_puts(&key, dot);
		if (buf_failed(&key)) {
			buf_free(&key);
			cached = 0;
		} else {
			hash = cache_hash(key.data, key.len);
			if ((got = cache_get(&key, hash, out, &marked)) != 0) {
				buf_free(&key);
				return got > 0 ? 0 : render_busy(err, errlen);
			}
		}
	}

	/*
	 * A bounded queue: one picture drawn at a time, a few waiting; more
	 * are turned away at once, so a burst of pictures cannot tie up
	 * every worker of a server (and /healthz behind them).
	 */
	if (!render_enqueue()) {
		buf_free(&key);
		if (marked)
			cache_release(hash);
		return render_busy(err, errlen);
	}
	pthread_mutex_lock(&render_lock);
	if (render_gvc == NULL) {
		if ((render_gvc = gvContext()) == NULL) {
			snprintf(err, errlen, "libgvc: no context (is the "
			    "graphviz package installed?)");
			goto done;
		}
		gvAddLibrary(render_gvc, &render_png_library);
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
	if (render_graph(g, format, &pic, err, errlen) < 0)
		goto done;
	if (caption != NULL && (strcmp(format, "png") == 0 ||
	    strcmp(format, "svg") == 0)) {
		buf_putc(&pic, '\0');
		pic.len--;
		picnote_add(strcmp(format, "svg") == 0, NULL, caption, &pic,
		    out);
	} else
		buf_add(out, pic.data, pic.len);
	rc = 0;
	if (cached && !buf_failed(out))
		cache_put(&key, hash, (const unsigned char *)out->data +
		    outlen, out->len - outlen);
done:
	buf_free(&key);
	buf_free(&pic);
	if (laid)
		gvFreeLayout(render_gvc, g);
	if (g != NULL)
		agclose(g);
	pthread_mutex_unlock(&render_lock);
	if (marked)
		cache_release(hash);
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
render_png_surface(cairo_surface_t *sf, enum pngout_kind kind,
    struct buf *out, char *err, size_t errlen)
{
	cairo_surface_flush(sf);
	return pngout_argb32(cairo_image_surface_get_data(sf),
	    cairo_image_surface_get_width(sf),
	    cairo_image_surface_get_height(sf),
	    cairo_image_surface_get_stride(sf), kind, out, err, errlen);
}

int
render_cairo(int width, int height, const char *format,
    enum pngout_kind kind, void (*draw)(cairo_t *, void *), void *arg,
    struct buf *out, char *err, size_t errlen)
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
	if (st == CAIRO_STATUS_SUCCESS && !svg &&
	    render_png_surface(sf, kind, out, err, errlen) < 0) {
		cairo_surface_destroy(sf);
		return -1;
	}
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
