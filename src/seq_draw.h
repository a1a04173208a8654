/* seq_draw.h - a merged exchange drawn as SVG or PNG with cairo. */
#ifndef IPGRAPH_SEQ_DRAW_H
#define IPGRAPH_SEQ_DRAW_H

#include <stddef.h>
#include <stdio.h>

#include "seq.h"

/* Rows drawn in SVG and PNG unless told otherwise; the rest are cut. */
#define SEQ_DRAW_LIMIT		1000
/* The most a PNG can take: cairo's image surfaces stop at 32767 px. */
#define SEQ_DRAW_PNG_MAX	1500

/* The widest picture drawn, and the least room between two lifelines. */
#define SEQ_DRAW_WIDTH		4000
#define SEQ_DRAW_GAP_MIN	60

/*
 * Draw the merged model s (after seq_merge) to out: PNG when png is set,
 * else SVG.  Times in a left column, one compact row per packet, where it
 * was seen in a right column.  At most limit rows are drawn (0: the
 * SEQ_DRAW_LIMIT); a note at the bottom says what was cut.  title, when
 * not NULL, is the line on top instead of the packet and point counts
 * (a caller whose arrows are not packets says what they are).  The
 * picture is at most SEQ_DRAW_WIDTH wide while lifelines can be
 * SEQ_DRAW_GAP_MIN apart; labels are cut to fit.
 * Returns 0, or -1 with a message in err.  Reads s only.
 */
int	seq_draw(const struct seq *s, int png, enum seq_level level,
	    size_t limit, const char *title, FILE *out, char *err,
	    size_t errlen);

#endif /* IPGRAPH_SEQ_DRAW_H */
