/*
 * test_pngout.c - the PNGs ipgraph writes hold exactly the pixels of the
 * ones libgvc and cairo would have written: a graph drawn through the
 * png device render.c adds to libgvc against libgvc's own png, and cairo
 * drawings (antialiased, translucent, opaque) against cairo's writer,
 * both read back with libpng; and each kind of picture is written with
 * its own row filter.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <gvc.h>
#include <png.h>
#include <zlib.h>

#include "buf.h"
#include "pngout.h"
#include "render.h"

/* A PNG read back as 8-bit RGBA. */
struct pixels {
	png_uint_32	 w, h;
	unsigned char	*px;
	int		 color_type;	/* from the file's header */
};

static void
decode(const void *data, size_t len, struct pixels *p)
{
	png_image img;
	const unsigned char *b = data;

	assert_true(len > 33);
	assert_memory_equal(b, "\211PNG\r\n\032\n", 8);
	p->color_type = b[25];		/* IHDR: 8 + 8 + 4 + 4 + 1 */
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		fail_msg("libpng cannot read the PNG: %s", img.message);
	img.format = PNG_FORMAT_RGBA;
	p->w = img.width;
	p->h = img.height;
	p->px = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(p->px);
	if (!png_image_finish_read(&img, NULL, p->px, 0, NULL))
		fail_msg("libpng cannot read the PNG: %s", img.message);
}

/* The same size and every pixel the same, or where the first differs. */
static void
same_pixels(const char *what, const struct buf *ours, const void *theirs,
    size_t theirs_len)
{
	struct pixels a, b;
	size_t i, n;

	decode(ours->data, ours->len, &a);
	decode(theirs, theirs_len, &b);
	if (a.w != b.w || a.h != b.h)
		fail_msg("%s: %ux%u, the reference %ux%u", what, a.w, a.h,
		    b.w, b.h);
	n = (size_t)a.w * a.h * 4;
	for (i = 0; i < n && a.px[i] == b.px[i]; i++)
		;
	if (i < n)
		fail_msg("%s: pixel (%zu, %zu) channel %zu is %u, the "
		    "reference has %u", what, (i / 4) % a.w, (i / 4) / a.w,
		    i % 4, a.px[i], b.px[i]);
	print_message("%s: %ux%u, %zu bytes (the reference %zu)\n", what,
	    a.w, a.h, ours->len, theirs_len);
	free(a.px);
	free(b.px);
}

/*
 * A graph with what a traffic graph has: filled and outlined nodes,
 * labels, an HTML-like legend, arrows of several widths and colours, a
 * translucent fill, and a transparent background beyond the pad.
 */
static const char graph_dot[] =
    "digraph g {\n"
    " graph [bgcolor=\"#ffffff00\", pad=0.3, fontname=Helvetica];\n"
    " node [shape=box, style=\"rounded,filled\", fillcolor=\"#cfe2f3\","
    " fontname=Helvetica];\n"
    " a [label=\"10.0.0.1\\nweb\"]; b [label=\"192.0.2.7\"];"
    " c [label=\"2001:db8::1\", fillcolor=\"#f4cccc80\"];\n"
    " legend [shape=plaintext, style=\"\", label=<<table border=\"0\">"
    "<tr><td><font color=\"#3d85c6\">&#9632;</font> hosts</td></tr>"
    "</table>>];\n"
    " a -> b [penwidth=4, color=\"#3d85c6\"]; b -> c [penwidth=1];"
    " c -> a [penwidth=2.5, color=\"#cc000080\", label=\"443\"];\n"
    "}\n";

/*
 * The reference context lives as long as the process, as render.c's
 * does: libgvc 2.42's pango plugin remembers the last font name it was
 * given, which freeing a context would leave pointing at freed memory.
 */
static GVC_t	*ref_gvc;

static void
test_graph_like_libgvc(void **state)
{
	struct buf ours = BUF_INIT;
	char err[256], *data = NULL;
	unsigned int len = 0;
	const char *engines[] = { "dot", "neato" };
	size_t i;

	(void)state;
	if (ref_gvc == NULL)
		ref_gvc = gvContext();
	assert_non_null(ref_gvc);
	for (i = 0; i < 2; i++) {
		GVC_t *gvc = ref_gvc;
		Agraph_t *g = agmemread(graph_dot);

		assert_non_null(g);
		if (render_dot(graph_dot, engines[i], 0, "png", NULL, &ours, err,
		    sizeof(err)) < 0)
			fail_msg("render_dot: %s", err);
		assert_int_equal(gvLayout(gvc, g, engines[i]), 0);
		assert_int_equal(gvRenderData(gvc, g, "png", &data, &len), 0);
		same_pixels(engines[i], &ours, data, len);
		gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
		agclose(g);
		buf_free(&ours);
	}
}

static cairo_status_t
collect(void *arg, const unsigned char *data, unsigned int len)
{
	buf_add(arg, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/*
 * The row filter (0 none, 1 sub, 2 up, 3 average, 4 paeth) in front of
 * every row of the PNG in b, or -1 when they differ: the IDAT chunks
 * inflated with zlib, width x height rows of bpp bytes a pixel.
 */
static int
row_filter(const struct buf *b, unsigned w, unsigned h, unsigned bpp)
{
	size_t rowlen = 1 + (size_t)w * bpp, n = rowlen * h, off = 8;
	unsigned char *raw = malloc(n);
	z_stream z;
	unsigned y;
	int f = -1;

	assert_non_null(raw);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_out = raw;
	z.avail_out = (uInt)n;
	while (off + 12 <= b->len) {
		const unsigned char *c = (const unsigned char *)b->data + off;
		size_t len = (size_t)c[0] << 24 | (size_t)c[1] << 16 |
		    (size_t)c[2] << 8 | c[3];

		assert_true(off + 12 + len <= b->len);
		if (memcmp(c + 4, "IDAT", 4) == 0) {
			z.next_in = (unsigned char *)(uintptr_t)(c + 8);
			z.avail_in = (uInt)len;
			assert_true(inflate(&z, Z_NO_FLUSH) >= 0);
		}
		off += 12 + len;
	}
	assert_int_equal(z.total_out, n);
	inflateEnd(&z);
	for (y = 0; y < h; y++) {
		if (y == 0)
			f = raw[0];
		else if (raw[y * rowlen] != f)
			f = -1;
	}
	free(raw);
	return f;
}

/*
 * cairo's writer and ours (as kind) on one surface, the same pixels;
 * returns our PNG's color type, and its rows' filter in *filter.
 */
static int
like_cairo(const char *what, cairo_surface_t *sf, enum pngout_kind kind,
    int *filter)
{
	struct buf ours = BUF_INIT, theirs = BUF_INIT;
	char err[256];
	int ct;
	struct pixels p;

	assert_int_equal(cairo_surface_write_to_png_stream(sf, collect,
	    &theirs), CAIRO_STATUS_SUCCESS);
	if (render_png_surface(sf, kind, &ours, err, sizeof(err)) < 0)
		fail_msg("%s: %s", what, err);
	same_pixels(what, &ours, theirs.data, theirs.len);
	decode(ours.data, ours.len, &p);
	ct = p.color_type;
	*filter = row_filter(&ours, p.w, p.h, ct == 2 ? 3 : 4);
	free(p.px);
	buf_free(&ours);
	buf_free(&theirs);
	return ct;
}

/* Translucent antialiased strokes, text and a gradient; opaque or not. */
static void
draw(cairo_t *cr, int opaque)
{
	cairo_pattern_t *pat;
	int i;

	if (opaque) {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
	}
	pat = cairo_pattern_create_linear(0, 0, 301, 0);
	cairo_pattern_add_color_stop_rgba(pat, 0, 0.1, 0.4, 0.8, 0.05);
	cairo_pattern_add_color_stop_rgba(pat, 1, 0.9, 0.2, 0.1, 0.95);
	cairo_rectangle(cr, 10, 10, 281, 60);
	cairo_set_source(cr, pat);
	cairo_fill(cr);
	cairo_pattern_destroy(pat);
	for (i = 0; i < 40; i++) {
		cairo_set_source_rgba(cr, (i % 7) / 7.0, (i % 3) / 3.0,
		    (i % 5) / 5.0, (i + 1) / 41.0);
		cairo_set_line_width(cr, 0.5 + (i % 4));
		cairo_arc(cr, 150 + i * 1.3, 130, 10 + i * 1.7, 0, 5.5);
		cairo_stroke(cr);
	}
	cairo_set_source_rgba(cr, 0, 0, 0, 0.6);
	cairo_move_to(cr, 20, 190);
	cairo_set_font_size(cr, 17);
	cairo_show_text(cr, "10.0.0.1 -> 192.0.2.7");
}

/*
 * Each kind of picture, opaque and not: the pixels are cairo's, and the
 * rows carry the kind's filter (pngout.c's table): up for charts, none
 * for the rest.
 */
static void
test_cairo(void **state)
{
	static const struct {
		const char		*name;
		enum pngout_kind	 kind;
		int			 filter;
	} kinds[] = {
		{ "graph", PNGOUT_GRAPH, 0 },
		{ "chart", PNGOUT_CHART, 2 },
		{ "text", PNGOUT_TEXT, 0 },
	};
	cairo_surface_t *sf;
	cairo_t *cr;
	char what[64];
	size_t k;
	int filter, opaque;

	(void)state;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (opaque = 0; opaque < 2; opaque++) {
			/* an odd width: rows are padded to their stride */
			sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
			    301, 203);
			cr = cairo_create(sf);
			draw(cr, opaque);
			assert_int_equal(cairo_status(cr),
			    CAIRO_STATUS_SUCCESS);
			cairo_destroy(cr);
			snprintf(what, sizeof(what), "cairo, %s, %s",
			    kinds[k].name, opaque ? "opaque" : "translucent");
			/* RGB (2) when every pixel is opaque, else RGBA (6) */
			assert_int_equal(like_cairo(what, sf, kinds[k].kind,
			    &filter), opaque ? 2 : 6);
			if (filter != kinds[k].filter)
				fail_msg("%s: rows filtered with %d, not %d",
				    what, filter, kinds[k].filter);
			cairo_surface_destroy(sf);
		}
}

static void
test_no_image(void **state)
{
	struct buf out = BUF_INIT;
	unsigned char px[16] = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(pngout_argb32(NULL, 4, 4, 16, PNGOUT_GRAPH, &out,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no image"));
	assert_int_equal(pngout_argb32(px, 0, 1, 16, PNGOUT_GRAPH, &out, err,
	    sizeof(err)), -1);
	assert_int_equal(pngout_argb32(px, 4, 1, 8, PNGOUT_GRAPH, &out, err,
	    sizeof(err)), -1);
	assert_int_equal(pngout_argb32(px, 4, 1, 16, (enum pngout_kind)7,
	    &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "kind"));
	assert_int_equal(out.len, 0);
	/* one transparent pixel row is a valid picture, of every kind */
	assert_int_equal(pngout_argb32(px, 4, 1, 16, PNGOUT_GRAPH, &out, err,
	    sizeof(err)), 0);
	assert_int_equal(pngout_argb32(px, 4, 1, 16, PNGOUT_CHART, &out, err,
	    sizeof(err)), 0);
	assert_true(out.len > 33);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_like_libgvc),
		cmocka_unit_test(test_cairo),
		cmocka_unit_test(test_no_image),
	};

	return cmocka_run_group_tests_name("pngout", tests, NULL, NULL) != 0;
}
