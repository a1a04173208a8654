/* export_seq.c - a merged exchange as seqdiag, Mermaid, text, JSON, SVG or PNG. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "export_seq.h"
#include "seq.h"
#include "seq_draw.h"
#include "timefmt.h"

static const struct {
	const char	*name;
	enum seq_format	 fmt;
} export_seq_names[] = {
	{ "seqdiag", SEQ_FMT_SEQDIAG }, { "diag", SEQ_FMT_SEQDIAG },
	{ "mermaid", SEQ_FMT_MERMAID }, { "mmd", SEQ_FMT_MERMAID },
	{ "text", SEQ_FMT_TEXT }, { "txt", SEQ_FMT_TEXT },
	{ "svg", SEQ_FMT_SVG }, { "png", SEQ_FMT_PNG },
	{ "json", SEQ_FMT_JSON },
};

int
export_seq_format(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(export_seq_names) /
	    sizeof(export_seq_names[0]); i++)
		if (strcmp(name, export_seq_names[i].name) == 0)
			return (int)export_seq_names[i].fmt;
	return -1;
}

/*
 * A control character in a name or an Info column would end a line or a
 * statement in every format we write; it becomes a space everywhere.
 */
static int
export_seq_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* --- seqdiag ------------------------------------------------------------- */

/*
 * blockdiag's string tokens take backslash escapes (\" \\ \n), which we
 * checked against seqdiag3: every name is a quoted node ID, so spaces,
 * quotes and punctuation in names are safe, and the packetseq bug of raw
 * quotes in labels cannot happen.
 */
static void
export_seq_diag_raw(FILE *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', out);
		fputc(export_seq_ctl(*p) ? ' ' : *p, out);
	}
}

static void
export_seq_diag_str(FILE *out, const char *s)
{
	fputc('"', out);
	export_seq_diag_raw(out, s);
	fputc('"', out);
}

/*
 * A separator's text runs to the closing "===" unquoted: control
 * characters, '=' and the characters blockdiag's tokenizer treats
 * specially become spaces or look-alikes.
 */
static void
export_seq_sep(FILE *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (export_seq_ctl(*p) || *p == '=' || *p == '"' || *p == '\\' ||
		    *p == '#' || *p == '{' || *p == '}' || *p == ';')
			fputc(' ', out);
		else
			fputc(*p, out);
}

static void
export_seq_diag(const struct seq *s, const struct export_seq_opts *o,
    FILE *out)
{
	char tm[40], info[SEQ_INFO_MAX + 128], seen[512], lab[1200];
	const struct seq_event *e;
	size_t i;
	int p;

	/* packetseq's header, kept so its users get the picture they know */
	fputs("seqdiag {\n edge_length = 600;\n span_height = 10;\n"
	    " default_fontsize = 20;\n activation = none;\n", out);
	/* declared first: lifelines in order of first appearance */
	for (p = 0; p < seq_nparticipants(s); p++) {
		fputc(' ', out);
		export_seq_diag_str(out, seq_participant(s, p));
		fputs(" [label = ", out);
		export_seq_diag_str(out, seq_participant(s, p));
		fputs("];\n", out);
	}
	for (i = 0; i < seq_nevents(s); i++) {
		e = seq_event(s, i);
		seq_time_text(e->ts_us, 1, tm, sizeof(tm));
		seq_describe(e, o->level, info, sizeof(info));
		seq_seen_text(s, e, seen, sizeof(seen));
		fputs("  ", out);
		export_seq_diag_str(out, seq_participant(s, e->src));
		fputs(" -> ", out);
		export_seq_diag_str(out, seq_participant(s, e->dst));
		fputs(" [diagonal, label = ", out);
		/* the newline goes in as \n after escaping the parts */
		fputc('"', out);
		snprintf(lab, sizeof(lab), "%s @%s", tm, seen);
		export_seq_diag_raw(out, lab);
		fputs("\\n", out);
		export_seq_diag_raw(out, info);
		fputc('"', out);
		fprintf(out, ", color = %s", seq_color(e, NULL));
		seq_journey_text(s, e, lab, sizeof(lab));
		if (e->lost_from >= 0)
			fputs(", failed", out);
		if (lab[0] != '\0') {
			fputs(", note = ", out);
			export_seq_diag_str(out, lab);
		}
		fputs("];\n", out);
	}
	/* hop times and notes: separators under the last arrow */
	for (i = 0; i < seq_nhops(s); i++) {
		seq_hop_text(s, seq_hop(s, i), lab, sizeof(lab));
		fputs(" === hop ", out);
		export_seq_sep(out, lab);
		fputs(" ===\n", out);
	}
	for (i = 0; i < seq_nnotes(s); i++) {
		fputs(" === note: ", out);
		export_seq_sep(out, seq_note(s, i));
		fputs(" ===\n", out);
	}
	fputs("}\n", out);
}

/* --- Mermaid --------------------------------------------------------------- */

/*
 * Mermaid message and alias text runs to the end of the line; ';' and '#'
 * end a statement or start an entity, and '<' '>' would reach the HTML
 * renderer, so those go out as Mermaid's entity codes (#59; and the
 * like).  Participants get plain IDs (P0, P1...) and the names as
 * aliases, so no name can collide with the syntax.
 */
static void
export_seq_mmd_str(FILE *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		switch (*p) {
		case ';': fputs("#59;", out); break;
		case '#': fputs("#35;", out); break;
		case '<': fputs("#lt;", out); break;
		case '>': fputs("#gt;", out); break;
		case '"': fputs("#quot;", out); break;
		case '&': fputs("#amp;", out); break;
		default:
			fputc(export_seq_ctl(*p) ? ' ' : *p, out);
		}
}

/* "Note over P1,P2: " (one lane: "Note over P1: "). */
static void
export_seq_mmd_over(FILE *out, int a, int b)
{
	if (a == b)
		fprintf(out, "    Note over P%d: ", a);
	else
		fprintf(out, "    Note over P%d,P%d: ", a, b);
}

static void
export_seq_mermaid(const struct seq *s, const struct export_seq_opts *o,
    FILE *out)
{
	char tm[40], info[SEQ_INFO_MAX + 128], seen[512], jt[1200];
	const struct seq_event *e;
	size_t i;
	int p, last;

	fputs("sequenceDiagram\n", out);
	for (p = 0; p < seq_nparticipants(s); p++) {
		fprintf(out, "    participant P%d as ", p);
		export_seq_mmd_str(out, seq_participant(s, p));
		fputc('\n', out);
	}
	for (i = 0; i < seq_nevents(s); i++) {
		e = seq_event(s, i);
		seq_time_text(e->ts_us, 0, tm, sizeof(tm));
		seq_describe(e, o->level, info, sizeof(info));
		seq_seen_text(s, e, seen, sizeof(seen));
		/* -x: Mermaid's arrow with a cross, for a lost packet */
		fprintf(out, "    P%d%sP%d: %s ", e->src, e->lost_from >= 0 ?
		    "-x" : "->>", e->dst, tm);
		export_seq_mmd_str(out, info);
		fputs("<br/>@", out);
		export_seq_mmd_str(out, seen);
		fputc('\n', out);
		seq_journey_text(s, e, jt, sizeof(jt));
		if (jt[0] != '\0') {
			export_seq_mmd_over(out, e->src, e->dst);
			export_seq_mmd_str(out, jt);
			fputc('\n', out);
		}
	}
	last = seq_nparticipants(s) - 1;
	for (i = 0; i < seq_nhops(s) && last >= 0; i++) {
		export_seq_mmd_over(out, 0, last);
		fputs("hop ", out);
		export_seq_mmd_str(out, seq_hop_text(s, seq_hop(s, i), jt,
		    sizeof(jt)));
		fputc('\n', out);
	}
	for (i = 0; i < seq_nnotes(s) && last >= 0; i++) {
		export_seq_mmd_over(out, 0, last);
		fputs("note: ", out);
		export_seq_mmd_str(out, seq_note(s, i));
		fputc('\n', out);
	}
}

/* --- text ------------------------------------------------------------------ */

/* Columns a UTF-8 string takes, counting one per character. */
static size_t
export_seq_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
export_seq_pad(FILE *out, int c, size_t n)
{
	while (n-- > 0)
		fputc(c, out);
}

/*
 * s left-aligned in w columns, control characters as spaces; with w > 0
 * cut to w - 1 characters so a long name cannot push the columns.
 */
static void
export_seq_text_cell(FILE *out, const char *s, size_t w)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p & 0xc0) != 0x80 && w > 0 && ++n > w - 1)
			break;
		fputc(export_seq_ctl(*p) ? ' ' : *p, out);
	}
	if (n < w)
		export_seq_pad(out, ' ', w - n);
}

/*
 * One lifeline per column, '|' at each column's left edge; an arrow runs
 * from its source's '|' to its destination's.  The summary and where the
 * packet was seen follow the last column, so rows stay aligned whatever
 * the text.
 */
static int
export_seq_text(const struct seq *s, const struct export_seq_opts *o,
    FILE *out)
{
	char tm[40], day[40], info[SEQ_INFO_MAX + 128], seen[512], jt[1200];
	int np = seq_nparticipants(s), p, lo, hi;
	const struct seq_event *e;
	size_t i, w = 12, len;
	char *line;

	for (p = 0; p < np; p++)
		if (export_seq_width(seq_participant(s, p)) + 2 > w)
			w = export_seq_width(seq_participant(s, p)) + 2;
	if (w > 40)
		w = 40;
	len = (size_t)np * w;
	if ((line = malloc(len + 1)) == NULL)
		return -1;
	if (seq_nevents(s) > 0) {
		seq_time_text(seq_event(s, 0)->ts_us, 1, day, sizeof(day));
		day[10] = '\0';
		fprintf(out, "# %zu packets, %zu seen at more than one "
		    "capture point; times are UTC on %s\n", seq_nevents(s),
		    seq_nmerged(s), day);
	}
	fprintf(out, "%-17s", "time");
	for (p = 0; p < np; p++)
		export_seq_text_cell(out, seq_participant(s, p), w);
	fputs("  summary @ seen at\n", out);
	for (i = 0; i < seq_nevents(s); i++) {
		e = seq_event(s, i);
		seq_time_text(e->ts_us, 0, tm, sizeof(tm));
		seq_describe(e, o->level, info, sizeof(info));
		seq_seen_text(s, e, seen, sizeof(seen));
		fprintf(out, "%-17s", tm);
		memset(line, ' ', len);
		for (p = 0; p < np; p++)
			line[(size_t)p * w] = '|';
		lo = e->src < e->dst ? e->src : e->dst;
		hi = e->src < e->dst ? e->dst : e->src;
		if (lo == hi)		/* a host talking to itself */
			memcpy(line + (size_t)lo * w + 1, "<-'", 3);
		else {
			memset(line + (size_t)lo * w + 1, '-',
			    (size_t)(hi - lo) * w - 1);
			if (e->dst == hi)
				line[(size_t)hi * w - 1] = '>';
			else
				line[(size_t)lo * w + 1] = '<';
		}
		fwrite(line, 1, len, out);
		fputs("  ", out);
		export_seq_text_cell(out, info, 0);
		fputs(" @", out);
		export_seq_text_cell(out, seen, 0);
		seq_journey_text(s, e, jt, sizeof(jt));
		if (jt[0] != '\0') {
			fputs(e->lost_from >= 0 ? " !! " : " ! ", out);
			export_seq_text_cell(out, jt, 0);
		}
		fputc('\n', out);
	}
	/* under the rows, as the caption under a picture */
	for (i = 0; i < seq_nhops(s); i++) {
		fputs("# hop ", out);
		export_seq_text_cell(out, seq_hop_text(s, seq_hop(s, i), jt,
		    sizeof(jt)), 0);
		fputc('\n', out);
	}
	if (seq_nlost(s) > 0)
		fprintf(out, "# lost: %zu packet%s (marked !!)\n", seq_nlost(s),
		    seq_nlost(s) == 1 ? "" : "s");
	for (i = 0; i < seq_nnotes(s); i++) {
		fputs("# note: ", out);
		export_seq_text_cell(out, seq_note(s, i), 0);
		fputc('\n', out);
	}
	free(line);
	return 0;
}

/* --- JSON ------------------------------------------------------------------ */

/* A JSON string (export_json_string's escaping), or null for NULL. */
static void
export_seq_jstr(FILE *out, const char *str)
{
	struct buf b = BUF_INIT;

	if (str == NULL) {
		fputs("null", out);
		return;
	}
	export_json_string(&b, str);
	if (!b.failed && b.data != NULL)
		fwrite(b.data, 1, b.len, out);
	else
		fputs("null", out);
	buf_free(&b);
}

static void
export_seq_jtime(FILE *out, int64_t us)
{
	char t[TIMEFMT_ISO_LEN];

	fprintf(out, "\"%s\"", timefmt_iso(us, t));
}

/* Microseconds as milliseconds with three decimals, exactly. */
static void
export_seq_jms(FILE *out, int64_t us)
{
	int64_t a = us < 0 ? -us : us;

	fprintf(out, "%s%lld.%03lld", us < 0 ? "-" : "",
	    (long long)(a / 1000), (long long)(a % 1000));
}

static const char *
export_seq_how(enum seq_skew_how how)
{
	switch (how) {
	case SEQ_SKEW_REFERENCE: return "reference";
	case SEQ_SKEW_BOTH_WAYS: return "both ways";
	case SEQ_SKEW_ONE_WAY: return "one way";
	case SEQ_SKEW_OFF: return "not corrected";
	default: return "no packet in common";
	}
}

/*
 * One document: the points, each clock's correction, every message with
 * where and when (corrected) it was seen and where it was lost, the
 * hops' transit times, and the notes.  Times are ISO 8601 UTC with
 * microseconds; durations are milliseconds with three decimals.
 */
static void
export_seq_json(const struct seq *s, const struct export_seq_opts *o,
    FILE *out)
{
	char info[SEQ_INFO_MAX + 128], jt[1200];
	const struct seq_event *e;
	const struct seq_skew *k;
	const struct seq_sight *g;
	const struct seq_hop *h;
	size_t i;
	int p;

	fputs("{\n  \"points\": [", out);
	for (p = 0; p < seq_npoints(s); p++) {
		fputs(p ? ", " : "", out);
		export_seq_jstr(out, seq_point_name(s, p));
	}
	fputs("],\n  \"skew\": [", out);
	for (p = 0; p < seq_npoints(s); p++) {
		k = seq_point_skew(s, p);
		fputs(p ? ",\n    {\"point\": " : "\n    {\"point\": ", out);
		export_seq_jstr(out, seq_point_name(s, p));
		fputs(", \"offset_ms\": ", out);
		export_seq_jms(out, k->offset_us);
		fputs(", \"how\": ", out);
		export_seq_jstr(out, export_seq_how(k->how));
		fputs(", \"against\": ", out);
		export_seq_jstr(out, k->from != p ? seq_point_name(s, k->from) :
		    NULL);
		fprintf(out, ", \"packets\": %u}", k->matched);
	}
	fputs("],\n  \"messages\": [", out);
	for (i = 0; i < seq_nevents(s); i++) {
		e = seq_event(s, i);
		fputs(i ? ",\n    {\"time\": " : "\n    {\"time\": ", out);
		export_seq_jtime(out, e->ts_us);
		fputs(", \"from\": ", out);
		export_seq_jstr(out, seq_participant(s, e->src));
		fputs(", \"to\": ", out);
		export_seq_jstr(out, seq_participant(s, e->dst));
		fputs(", \"summary\": ", out);
		export_seq_jstr(out, seq_describe(e, o->level, info,
		    sizeof(info)));
		fputs(", \"seen\": [", out);
		for (p = 0; p < e->nseen; p++) {
			g = seq_sighting(s, e, p);
			fputs(p ? ", {\"point\": " : "{\"point\": ", out);
			export_seq_jstr(out, seq_point_name(s, g->point));
			fputs(", \"time\": ", out);
			export_seq_jtime(out, g->ts_us);
			fputc('}', out);
		}
		fputs("], \"lost_between\": ", out);
		if (e->lost_from >= 0) {
			fputc('[', out);
			export_seq_jstr(out, seq_point_name(s, e->lost_from));
			fputs(", ", out);
			export_seq_jstr(out, seq_point_name(s, e->lost_to));
			fputc(']', out);
		} else
			fputs("null", out);
		fputs(", \"resends\": ", out);
		if (e->retrans_of >= 0)
			export_seq_jtime(out,
			    seq_event(s, (size_t)e->retrans_of)->ts_us);
		else
			fputs("null", out);
		seq_journey_text(s, e, jt, sizeof(jt));
		fputs(", \"note\": ", out);
		export_seq_jstr(out, jt[0] != '\0' ? jt : NULL);
		fputc('}', out);
	}
	fputs("],\n  \"hops\": [", out);
	for (i = 0; i < seq_nhops(s); i++) {
		h = seq_hop(s, i);
		fputs(i ? ",\n    {\"from_point\": " :
		    "\n    {\"from_point\": ", out);
		export_seq_jstr(out, seq_point_name(s, h->from_point));
		fputs(", \"to_point\": ", out);
		export_seq_jstr(out, seq_point_name(s, h->to_point));
		fprintf(out, ", \"count\": %u, \"median_ms\": ", h->count);
		export_seq_jms(out, h->median_us);
		fputs(", \"p95_ms\": ", out);
		export_seq_jms(out, h->p95_us);
		fputs(", \"max_ms\": ", out);
		export_seq_jms(out, h->max_us);
		fputc('}', out);
	}
	fprintf(out, "],\n  \"lost\": %zu,\n  \"notes\": [", seq_nlost(s));
	for (i = 0; i < seq_nnotes(s); i++) {
		fputs(i ? ", " : "", out);
		export_seq_jstr(out, seq_note(s, i));
	}
	fputs("]\n}\n", out);
}

/* --- dispatch ---------------------------------------------------------- */

int
export_seq(const struct seq *s, enum seq_format fmt,
    const struct export_seq_opts *o, FILE *out, char *err, size_t errlen)
{
	struct export_seq_opts def = { SEQ_LEVEL_DEFAULT, 0, NULL };

	if (o == NULL)
		o = &def;
	switch (fmt) {
	case SEQ_FMT_SEQDIAG:
		export_seq_diag(s, o, out);
		break;
	case SEQ_FMT_MERMAID:
		export_seq_mermaid(s, o, out);
		break;
	case SEQ_FMT_JSON:
		export_seq_json(s, o, out);
		break;
	case SEQ_FMT_TEXT:
		if (export_seq_text(s, o, out) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		break;
	case SEQ_FMT_SVG:
	case SEQ_FMT_PNG:
		if (seq_draw(s, fmt == SEQ_FMT_PNG, o->level, o->limit,
		    o->title, out, err, errlen) < 0)
			return -1;
		break;
	default:
		snprintf(err, errlen, "unknown sequence diagram format %d",
		    (int)fmt);
		return -1;
	}
	if (ferror(out)) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

char *
export_seq_buf(const struct seq *s, enum seq_format fmt,
    const struct export_seq_opts *o, size_t *len, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&buf, &n)) == NULL) {
		snprintf(err, errlen, "open_memstream: %s", strerror(errno));
		return NULL;
	}
	rc = export_seq(s, fmt, o, fp, err, errlen);
	if (fclose(fp) != 0 && rc == 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc < 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
