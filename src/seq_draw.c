/* seq_draw.c - a merged exchange drawn as SVG or PNG with cairo. */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>

#include "buf.h"
#include "render.h"
#include "seq.h"
#include "seq_draw.h"

/*
 * Sizes in pixels (SVG user units).  Rows are kept short so that hundreds
 * of packets stay a picture one can scroll through: the seqdiag output
 * packetseq made took 700 px per packet, ours takes ROW.
 */
#define PAD		10
#define ROW		18
#define TITLE_H		22
#define HEAD_H		30
#define FOOT_H		22
#define LEGEND_H	22
#define CAPTION_H	15	/* one caption line: a hop, a note */
#define FONT		10.0
#define FONT_SMALL	9.0
#define FONT_HEAD	12.0
#define GAP_MIN		130.0
#define GAP_MAX		420.0
#define SEEN_MAX	360.0
#define IMG_MAX		32767	/* cairo's image surface limit */

struct draw {
	cairo_t		*cr;
	const struct seq *s;
	enum seq_level	 level;
	const char	*title;
	size_t		 rows;		/* events drawn */
	double		 tw;		/* time column */
	double		 gap;		/* between lifelines */
	double		 sw;		/* seen-at column */
	double		 w, h;
	double		 top;		/* y of the first row */
};

/*
 * cairo's toy text API wants valid UTF-8; names and Info columns come from
 * users and files, so anything else becomes '?', and so do control
 * characters.
 */
static void
draw_clean(const char *in, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, n, k;

	while (*p != '\0' && o + 5 < len) {
		if (*p < 0x80) {
			out[o++] = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
			p++;
			continue;
		}
		n = (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 :
		    (*p & 0xf8) == 0xf0 && *p <= 0xf4 ? 4 : 0;
		for (k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				n = 0;
		if (n == 0) {
			out[o++] = '?';
			p++;
			continue;
		}
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
}

static void
draw_font(cairo_t *cr, int mono, int bold, double size)
{
	cairo_select_font_face(cr, mono ? "monospace" : "sans-serif",
	    CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD :
	    CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static double
draw_width(cairo_t *cr, const char *text)
{
	cairo_text_extents_t ext;

	cairo_text_extents(cr, text, &ext);
	return ext.x_advance;
}

/* Cut text (clean UTF-8) to fit max pixels, ending it with "...". */
static void
draw_fit(cairo_t *cr, char *text, double max)
{
	size_t n = strlen(text);

	if (draw_width(cr, text) <= max)
		return;
	while (n > 0) {
		do
			n--;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80);
		if (n + 4 > strlen(text))
			continue;
		memcpy(text + n, "...", 4);
		if (draw_width(cr, text) <= max)
			return;
	}
	text[0] = '\0';
}

static void
draw_rgb(cairo_t *cr, uint32_t rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0,
	    ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

static void
draw_text(cairo_t *cr, double x, double y, const char *text)
{
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, text);
}

static double
draw_lifeline_x(const struct draw *d, int p)
{
	return PAD + d->tw + d->gap / 2 + p * d->gap;
}

/* Lines of the caption under the rows: hops, losses, notes. */
static size_t
draw_ncaption(const struct seq *s)
{
	return seq_nhops(s) + (seq_nlost(s) > 0) + seq_nnotes(s);
}

/* "where seen", then what happened on the way. */
static char *
draw_seen(const struct seq *s, const struct seq_event *e, char *buf,
    size_t len)
{
	char jt[600];
	size_t o, n;

	seq_seen_text(s, e, buf, len);
	seq_journey_text(s, e, jt, sizeof(jt));
	o = strlen(buf);
	if (jt[0] == '\0' || o + 3 >= len)
		return buf;
	memcpy(buf + o, "; ", 2);
	o += 2;
	n = strlen(jt);
	if (n > len - o - 1)
		n = len - o - 1;
	memcpy(buf + o, jt, n);
	buf[o + n] = '\0';
	return buf;
}

/* Measure on a scratch surface: column widths, picture size. */
static void
draw_measure(struct draw *d)
{
	char info[SEQ_INFO_MAX + 128], seen[512], clean[1024];
	const struct seq_event *e;
	double wd, room;
	size_t i;
	int p, span, np = seq_nparticipants(d->s);

	draw_font(d->cr, 1, 0, FONT);
	d->tw = draw_width(d->cr, "00:00:00.000000") + 14;
	d->gap = GAP_MIN;
	d->sw = 0;
	draw_font(d->cr, 0, 1, FONT_HEAD);
	for (p = 0; p < np; p++) {
		draw_clean(seq_participant(d->s, p), clean, sizeof(clean));
		wd = draw_width(d->cr, clean) + 20;
		if (wd > d->gap)
			d->gap = wd;
	}
	for (i = 0; i < d->rows; i++) {
		e = seq_event(d->s, i);
		draw_font(d->cr, 0, 0, FONT);
		draw_clean(seq_describe(e, d->level, info, sizeof(info)),
		    clean, sizeof(clean));
		span = e->src > e->dst ? e->src - e->dst : e->dst - e->src;
		wd = draw_width(d->cr, clean) + 24;
		if (span > 0 && wd / span > d->gap)
			d->gap = wd / span;
		draw_font(d->cr, 0, 0, FONT_SMALL);
		draw_clean(draw_seen(d->s, e, seen, sizeof(seen)), clean,
		    sizeof(clean));
		wd = draw_width(d->cr, clean) + 2 * PAD;
		if (wd > d->sw)
			d->sw = wd;
	}
	if (d->gap > GAP_MAX)
		d->gap = GAP_MAX;
	if (d->sw > SEEN_MAX)
		d->sw = SEEN_MAX;
	/* Bounded width: lifelines move closer (labels are cut to fit). */
	room = SEQ_DRAW_WIDTH - (2 * PAD + d->tw + d->sw);
	if (np > 0 && np * d->gap > room)
		d->gap = room / np > SEQ_DRAW_GAP_MIN ? room / np :
		    SEQ_DRAW_GAP_MIN;
	d->w = PAD + d->tw + (np > 0 ? np : 1) * d->gap + d->sw + PAD;
	/* the legend needs about 620 px whatever the exchange */
	if (d->w < 640)
		d->w = 640;
	d->top = PAD + TITLE_H + HEAD_H;
	d->h = d->top + d->rows * ROW + FOOT_H + LEGEND_H + PAD +
	    (double)draw_ncaption(d->s) * CAPTION_H;
}

static void
draw_arrow(cairo_t *cr, double x1, double x2, double y, int merged)
{
	double dir = x2 > x1 ? 1 : -1;

	cairo_set_line_width(cr, merged ? 2.2 : 1.1);
	if (x1 == x2) {		/* to itself: a small loop to the right */
		cairo_move_to(cr, x1, y - 5);
		cairo_line_to(cr, x1 + 18, y - 5);
		cairo_line_to(cr, x1 + 18, y + 1);
		cairo_line_to(cr, x1 + 5, y + 1);
		cairo_stroke(cr);
		cairo_move_to(cr, x1, y + 1);
		cairo_line_to(cr, x1 + 6, y - 2);
		cairo_line_to(cr, x1 + 6, y + 4);
		cairo_close_path(cr);
		cairo_fill(cr);
		return;
	}
	cairo_move_to(cr, x1, y);
	cairo_line_to(cr, x2 - dir * 6, y);
	cairo_stroke(cr);
	cairo_move_to(cr, x2, y);
	cairo_line_to(cr, x2 - dir * 8, y - 3.5);
	cairo_line_to(cr, x2 - dir * 8, y + 3.5);
	cairo_close_path(cr);
	cairo_fill(cr);
}

/*
 * A packet lost on its way: a dashed line from its source to the middle,
 * where a cross marks the place it vanished (between two capture points
 * that the lanes of hosts do not show).
 */
static void
draw_lost(cairo_t *cr, double x1, double x2, double y)
{
	static const double dash[] = { 4.0, 3.0 };
	double xm = (x1 + x2) / 2;

	cairo_set_line_width(cr, 1.4);
	cairo_set_dash(cr, dash, 2, 0);
	cairo_move_to(cr, x1, y);
	cairo_line_to(cr, xm, y);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_source_rgb(cr, 0.85, 0, 0);
	cairo_set_line_width(cr, 2.2);
	cairo_move_to(cr, xm - 5, y - 5);
	cairo_line_to(cr, xm + 5, y + 5);
	cairo_move_to(cr, xm - 5, y + 5);
	cairo_line_to(cr, xm + 5, y - 5);
	cairo_stroke(cr);
}

static void
draw_legend(struct draw *d, double y)
{
	static const struct {
		const char	*label;
		uint32_t	 rgb;
	} leg[] = {
		{ "SYN", 0x0000ff }, { "SYN/ACK", 0xff0000 },
		{ "ACK", 0x008000 }, { "FIN", 0x000080 },
		{ "FIN/ACK", 0x800000 }, { "RST", 0x800080 },
		{ "RST/ACK", 0xff00ff }, { "URG", 0x808000 },
		{ "PSH", 0xffa500 }, { "other", 0x808080 },
	};
	double x = PAD;
	size_t i;

	draw_font(d->cr, 0, 0, FONT_SMALL);
	for (i = 0; i < sizeof(leg) / sizeof(leg[0]); i++) {
		draw_rgb(d->cr, leg[i].rgb);
		cairo_rectangle(d->cr, x, y - 8, 14, 8);
		cairo_fill(d->cr);
		cairo_set_source_rgb(d->cr, 0.2, 0.2, 0.2);
		draw_text(d->cr, x + 17, y, leg[i].label);
		x += 17 + draw_width(d->cr, leg[i].label) + 10;
	}
	cairo_set_source_rgb(d->cr, 0.2, 0.2, 0.2);
	draw_text(d->cr, x, y, "thick: seen at several points");
}

static void
draw_all(struct draw *d)
{
	char tm[40], day[40], info[SEQ_INFO_MAX + 128], seen[512];
	char clean[1024], line[512], t1[40], t2[40];
	int p, np = seq_nparticipants(d->s);
	const struct seq_event *e;
	double x1, x2, y, wd;
	size_t i, n = seq_nevents(d->s);
	uint32_t rgb;
	cairo_t *cr = d->cr;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);

	/* title */
	if (n > 0)
		seq_time_text(seq_event(d->s, 0)->ts_us, 1, day, sizeof(day));
	else
		snprintf(day, sizeof(day), "-");
	day[10] = '\0';
	if (d->title != NULL)
		draw_clean(d->title, line, sizeof(line));
	else
		snprintf(line, sizeof(line), "%zu packets at %d capture "
		    "point%s, %zu seen at more than one and drawn once; times "
		    "UTC, %s", n, seq_npoints(d->s), seq_npoints(d->s) == 1 ?
		    "" : "s", seq_nmerged(d->s), day);
	draw_font(cr, 0, 0, FONT);
	draw_fit(cr, line, d->w - 2 * PAD);
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	draw_text(cr, PAD, PAD + 12, line);

	/* names, lifelines */
	draw_font(cr, 0, 1, FONT_HEAD);
	for (p = 0; p < np; p++) {
		x1 = draw_lifeline_x(d, p);
		draw_clean(seq_participant(d->s, p), clean, sizeof(clean));
		draw_fit(cr, clean, d->gap - 12);
		wd = draw_width(cr, clean);
		cairo_set_source_rgb(cr, 0.93, 0.95, 1.0);
		cairo_rectangle(cr, x1 - wd / 2 - 6, PAD + TITLE_H, wd + 12,
		    HEAD_H - 8);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0.4, 0.45, 0.6);
		cairo_set_line_width(cr, 1);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		draw_text(cr, x1 - wd / 2, PAD + TITLE_H + 15, clean);
		cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
		cairo_move_to(cr, x1, PAD + TITLE_H + HEAD_H - 8);
		cairo_line_to(cr, x1, d->top + d->rows * ROW);
		cairo_stroke(cr);
	}
	cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
	draw_font(cr, 0, 1, FONT_SMALL);
	draw_text(cr, PAD, PAD + TITLE_H + 15, "time (UTC)");
	draw_text(cr, d->w - d->sw, PAD + TITLE_H + 15, "seen at");

	for (i = 0; i < d->rows; i++) {
		e = seq_event(d->s, i);
		y = d->top + i * ROW;
		if (i % 2 == 1) {	/* banding keeps long rows readable */
			cairo_set_source_rgb(cr, 0.965, 0.965, 0.965);
			cairo_rectangle(cr, 0, y, d->w, ROW);
			cairo_fill(cr);
			cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
			cairo_set_line_width(cr, 1);
			for (p = 0; p < np; p++) {
				cairo_move_to(cr, draw_lifeline_x(d, p), y);
				cairo_line_to(cr, draw_lifeline_x(d, p),
				    y + ROW);
			}
			cairo_stroke(cr);
		}
		draw_font(cr, 1, 0, FONT);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		draw_text(cr, PAD, y + 13, seq_time_text(e->ts_us, 0, tm,
		    sizeof(tm)));
		x1 = draw_lifeline_x(d, e->src);
		x2 = draw_lifeline_x(d, e->dst);
		seq_color(e, &rgb);
		draw_rgb(cr, rgb);
		if (e->lost_from >= 0 && x1 != x2) {
			draw_lost(cr, x1, x2, y + 14);
			draw_rgb(cr, rgb);
		} else
			draw_arrow(cr, x1, x2, y + 14,
			    e->points != (1u << e->first_point));
		draw_font(cr, 0, 0, FONT);
		draw_clean(seq_describe(e, d->level, info, sizeof(info)),
		    clean, sizeof(clean));
		wd = x1 == x2 ? d->gap - 30 : (x1 < x2 ? x2 - x1 : x1 - x2) - 8;
		draw_fit(cr, clean, wd);
		if (x1 == x2 && e->src == np - 1 && np > 1)
			/* the last lane has only half a gap on its right */
			draw_text(cr, x1 - 6 - draw_width(cr, clean), y + 11,
			    clean);
		else if (x1 == x2)
			draw_text(cr, x1 + 22, y + 11, clean);
		else
			draw_text(cr, (x1 + x2) / 2 - draw_width(cr, clean) / 2,
			    y + 10, clean);
		draw_font(cr, 0, 0, FONT_SMALL);
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		if (e->lost_from >= 0)
			cairo_set_source_rgb(cr, 0.8, 0, 0);
		draw_clean(draw_seen(d->s, e, seen, sizeof(seen)), clean,
		    sizeof(clean));
		draw_fit(cr, clean, d->sw - PAD);
		draw_text(cr, d->w - d->sw, y + 13, clean);
	}
	y = d->top + d->rows * ROW + 15;
	draw_font(cr, 0, 0, FONT);
	if (d->rows < n) {
		seq_time_text(seq_event(d->s, d->rows)->ts_us, 0, t1,
		    sizeof(t1));
		seq_time_text(seq_event(d->s, n - 1)->ts_us, 0, t2,
		    sizeof(t2));
		snprintf(line, sizeof(line), "... %zu more packets not drawn "
		    "(%s to %s): narrow with --flow or --filter, raise "
		    "--limit, or use --format text", n - d->rows, t1, t2);
		cairo_set_source_rgb(cr, 0.7, 0, 0);
		draw_text(cr, PAD, y, line);
	}
	/* the caption: hop times, losses, what could not be measured */
	for (i = 0; i < seq_nhops(d->s); i++) {
		y += CAPTION_H;
		snprintf(line, sizeof(line), "hop ");
		seq_hop_text(d->s, seq_hop(d->s, i), line + 4,
		    sizeof(line) - 4);
		draw_clean(line, clean, sizeof(clean));
		draw_fit(cr, clean, d->w - 2 * PAD);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		draw_text(cr, PAD, y, clean);
	}
	if (seq_nlost(d->s) > 0) {
		y += CAPTION_H;
		snprintf(line, sizeof(line), "%zu packet%s lost between "
		    "capture points: crossed where they vanished",
		    seq_nlost(d->s), seq_nlost(d->s) == 1 ? "" : "s");
		cairo_set_source_rgb(cr, 0.8, 0, 0);
		draw_text(cr, PAD, y, line);
	}
	for (i = 0; i < seq_nnotes(d->s); i++) {
		y += CAPTION_H;
		snprintf(line, sizeof(line), "note: %s", seq_note(d->s, i));
		draw_clean(line, clean, sizeof(clean));
		draw_fit(cr, clean, d->w - 2 * PAD);
		cairo_set_source_rgb(cr, 0.45, 0.3, 0);
		draw_text(cr, PAD, y, clean);
	}
	draw_legend(d, y + LEGEND_H);
}

/* The SVG, held until its surface ids are renumbered (render_svg_ids). */
static cairo_status_t
draw_hold(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;

	buf_add(b, data, len);
	return buf_failed(b) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

int
seq_draw(const struct seq *s, int png, enum seq_level level, size_t limit,
    const char *title, FILE *out, char *err, size_t errlen)
{
	struct buf held = BUF_INIT, fixed = BUF_INIT;
	cairo_surface_t *sf = NULL;
	cairo_status_t st;
	struct draw d;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	d.s = s;
	d.level = level;
	d.title = title;
	if (limit == 0)
		limit = SEQ_DRAW_LIMIT;
	if (png && limit > SEQ_DRAW_PNG_MAX)
		limit = SEQ_DRAW_PNG_MAX;
	d.rows = seq_nevents(s) < limit ? seq_nevents(s) : limit;

	sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
	d.cr = cairo_create(sf);
	draw_measure(&d);
	cairo_destroy(d.cr);
	cairo_surface_destroy(sf);
	d.cr = NULL;
	if (png && (d.w > IMG_MAX || d.h > IMG_MAX)) {
		snprintf(err, errlen, "a PNG of %.0f x %.0f pixels is too "
		    "large; draw fewer packets (--limit) or write SVG", d.w,
		    d.h);
		return -1;
	}
	if (png)
		sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
		    (int)d.w, (int)d.h);
	else
		sf = cairo_svg_surface_create_for_stream(draw_hold, &held,
		    d.w, d.h);
	d.cr = cairo_create(sf);
	draw_all(&d);
	if ((st = cairo_status(d.cr)) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "drawing: %s",
		    cairo_status_to_string(st));
		goto done;
	}
	cairo_destroy(d.cr);
	d.cr = NULL;
	if (png) {
		if (render_png_surface(sf, PNGOUT_TEXT, &fixed, err,
		    errlen) < 0)
			goto done;
		if (fwrite(fixed.data, 1, fixed.len, out) != fixed.len)
			st = CAIRO_STATUS_WRITE_ERROR;
	} else {
		cairo_surface_finish(sf);
		st = cairo_surface_status(sf);
		if (st == CAIRO_STATUS_SUCCESS) {
			render_svg_ids(&held, &fixed);
			if (buf_failed(&fixed))
				st = CAIRO_STATUS_NO_MEMORY;
			else if (fixed.len > 0 && fwrite(fixed.data, 1,
			    fixed.len, out) != fixed.len)
				st = CAIRO_STATUS_WRITE_ERROR;
		}
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "writing %s: %s", png ? "PNG" : "SVG",
		    cairo_status_to_string(st));
		goto done;
	}
	rc = 0;
done:
	if (d.cr != NULL)
		cairo_destroy(d.cr);
	cairo_surface_destroy(sf);
	buf_free(&held);
	buf_free(&fixed);
	return rc;
}
