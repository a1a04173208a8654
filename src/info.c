/* info.c - what a database holds: the info document, the known sensors,
 * and why a query found nothing, one place for the CLI and the HTTP API. */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "info.h"
#include "query.h"
#include "store.h"
#include "timefmt.h"

/* Sensors named in one message, at most; the rest are counted. */
#define INFO_MAX_NAMED	8

/*
 * A time in whole seconds, ISO 8601 UTC: 2009-01-16T00:03:00Z.  Window
 * bounds are whole seconds; a relative --from is shown to the second.
 */
static char *
info_iso(int64_t s, char *out)
{
	char *dot;

	timefmt_iso(s * 1000000, out);
	if ((dot = strchr(out, '.')) != NULL)
		strcpy(dot, "Z");
	return out;
}

/* Microseconds to whole seconds, rounding down. */
static int64_t
info_floor_s(int64_t us)
{
	return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

/* --- the info document ---------------------------------------------------- */

int
info_json(struct store *st, struct buf *out, char *err, size_t errlen)
{
	struct store_info in;
	const struct store_span *sp;
	char a[TIMEFMT_ISO_LEN], b[TIMEFMT_ISO_LEN];
	int64_t first = 0, last = 0;
	size_t i, j;

	if (store_info(st, STORE_INFO_COUNTS, &in, err, errlen) < 0) {
		store_info_free(&in);
		return -1;
	}
	for (i = 0; i < in.nspans; i++) {
		sp = &in.spans[i];
		if (i == 0 || sp->first_s < first)
			first = sp->first_s;
		if (i == 0 || sp->last_s > last)
			last = sp->last_s;
	}
	buf_printf(out, "{\"schema_version\": %d, \"size_bytes\": %" PRIu64
	    ", \"file_bytes\": %" PRIu64 ", \"wal_bytes\": %" PRIu64 ",\n"
	    "\"hosts\": %" PRIu64 ", \"windows\": %" PRIu64 ", \"edges\": %"
	    PRIu64 ",\n", in.schema_version, in.file_bytes + in.wal_bytes,
	    in.file_bytes, in.wal_bytes, in.hosts, in.windows, in.edges);
	if (in.nspans > 0)
		buf_printf(out, "\"first\": \"%s\", \"last\": \"%s\", ",
		    info_iso(first, a), info_iso(last, b));
	else
		buf_puts(out, "\"first\": null, \"last\": null, ");
	if (in.has_capture)
		buf_printf(out, "\"last_capture\": \"%s\",\n",
		    info_iso(in.last_capture_s, a));
	else
		buf_puts(out, "\"last_capture\": null,\n");
	buf_puts(out, "\"sensors\": [");
	for (i = 0; i < in.nsensors; i++) {
		buf_puts(out, i ? ", " : "");
		export_json_string(out, in.sensors[i]);
	}
	buf_printf(out, "],\n\"imports\": %" PRIu64 ", \"last_import\": ",
	    in.imports);
	if (in.has_import) {
		buf_puts(out, "{\"started\": ");
		export_json_string(out, in.last_import.started);
		buf_puts(out, ", \"finished\": ");
		if (in.last_import.finished[0] != '\0')
			export_json_string(out, in.last_import.finished);
		else
			buf_puts(out, "null");
		buf_puts(out, ", \"path\": ");
		export_json_string(out, in.last_import.path);
		buf_puts(out, ", \"status\": ");
		export_json_string(out, in.last_import.status);
		buf_printf(out, ", \"frames\": %" PRIu64 "}",
		    in.last_import.frames);
	} else
		buf_puts(out, "null");
	buf_puts(out, ",\n\"spans\": [");
	for (i = 0; i < in.nspans; i++) {
		sp = &in.spans[i];
		buf_printf(out, "%s\n{\"sensor\": ", i ? "," : "");
		export_json_string(out, sp->sensor);
		buf_printf(out, ", \"tier\": \"%s\", \"first\": \"%s\", "
		    "\"first_s\": %" PRId64 ", \"last\": \"%s\", \"last_s\": %"
		    PRId64 ", \"seconds\": [", query_tier_name(sp->tier),
		    info_iso(sp->first_s, a), sp->first_s,
		    info_iso(sp->last_s, b), sp->last_s);
		for (j = 0; j < sp->nseconds; j++)
			buf_printf(out, "%s%u", j ? ", " : "", sp->seconds[j]);
		buf_printf(out, "], \"windows\": %" PRIu64 ", \"edges\": %"
		    PRIu64 "}", sp->windows, sp->edges);
	}
	buf_puts(out, "\n]}\n");
	store_info_free(&in);
	if (buf_failed(out)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
info_text(struct store *st, struct buf *out, char *err, size_t errlen)
{
	struct store_info in;
	const struct store_span *sp;
	char a[TIMEFMT_ISO_LEN], b[TIMEFMT_ISO_LEN], len[64];
	size_t i, j, w = 6, n;

	if (store_info(st, STORE_INFO_COUNTS, &in, err, errlen) < 0) {
		store_info_free(&in);
		return -1;
	}
	buf_printf(out, "database      %s\n", store_path(st));
	buf_printf(out, "schema        version %d\n", in.schema_version);
	buf_printf(out, "size          %" PRIu64 " bytes (file %" PRIu64
	    ", WAL %" PRIu64 ")\n", in.file_bytes + in.wal_bytes,
	    in.file_bytes, in.wal_bytes);
	buf_printf(out, "hosts         %" PRIu64 " distinct addresses\n",
	    in.hosts);
	buf_printf(out, "windows       %" PRIu64 ", with %" PRIu64 " edges\n",
	    in.windows, in.edges);
	buf_puts(out, "sensors       ");
	for (i = 0; i < in.nsensors; i++)
		buf_printf(out, "%s%s", i ? ", " : "", in.sensors[i]);
	buf_puts(out, in.nsensors == 0 ? "none\n" : "\n");
	if (in.has_capture)
		buf_printf(out, "last capture  %s (the end of the latest raw "
		    "window)\n", info_iso(in.last_capture_s, a));
	else
		buf_puts(out, "last capture  none (no raw window)\n");
	if (in.has_import)
		buf_printf(out, "last import   %s, %s, %s (%" PRIu64 " frames; "
		    "%" PRIu64 " imports in all)\n", in.last_import.started,
		    in.last_import.status, in.last_import.path,
		    in.last_import.frames, in.imports);
	else
		buf_puts(out, "last import   none\n");
	for (i = 0; i < in.nspans; i++)
		if (strlen(in.spans[i].sensor) > w)
			w = strlen(in.spans[i].sensor);
	if (in.nspans > 0)
		buf_printf(out, "\n%-*s  %-4s  %-20s  %-20s  %8s  %10s  %12s\n",
		    (int)w, "sensor", "tier", "first", "last", "window",
		    "windows", "edges");
	for (i = 0; i < in.nspans; i++) {
		sp = &in.spans[i];
		len[0] = '\0';
		for (j = 0, n = 0; j < sp->nseconds && n < sizeof(len); j++)
			n += (size_t)snprintf(len + n, sizeof(len) - n, "%s%us",
			    j ? "," : "", sp->seconds[j]);
		buf_printf(out, "%-*s  %-4s  %-20s  %-20s  %8s  %10" PRIu64
		    "  %12" PRIu64 "\n", (int)w, sp->sensor,
		    query_tier_name(sp->tier), info_iso(sp->first_s, a),
		    info_iso(sp->last_s, b), len, sp->windows, sp->edges);
	}
	if (in.nspans == 0)
		buf_puts(out, "\nno windows yet (ipgraph import adds some)\n");
	store_info_free(&in);
	if (buf_failed(out)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* --- sensors -------------------------------------------------------------- */

/* "a, b, c" (at most INFO_MAX_NAMED, then "and N more") into b. */
static void
info_names(struct buf *b, char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < INFO_MAX_NAMED; i++)
		buf_printf(b, "%s%s", i ? ", " : "", names[i]);
	if (n > INFO_MAX_NAMED)
		buf_printf(b, " and %zu more", n - INFO_MAX_NAMED);
}

int
info_sensor_check(struct store *st, const char *sensor, char *err,
    size_t errlen)
{
	struct store_info in;
	struct buf b = BUF_INIT;
	size_t i;
	int rc = 1;

	if (sensor == NULL)
		return 0;
	if (store_info(st, STORE_INFO_SENSORS, &in, err, errlen) < 0) {
		store_info_free(&in);
		return -1;
	}
	for (i = 0; i < in.nsensors; i++)
		if (strcmp(in.sensors[i], sensor) == 0)
			rc = 0;
	if (rc == 1) {
		info_names(&b, in.sensors, in.nsensors);
		snprintf(err, errlen, "sensor: '%s' is not a sensor of this "
		    "database (%s%s)", sensor, in.nsensors > 0 ? "known: " :
		    "it has none yet", in.nsensors > 0 && !buf_failed(&b) ?
		    b.data : "");
	}
	buf_free(&b);
	store_info_free(&in);
	return rc;
}

/* --- why a result is empty ------------------------------------------------ */

/*
 * The span the spans of sensor (NULL: any) and tier (< 0: any) cover,
 * and the sensors that have them.  0 when there are none.
 */
static size_t
info_cover(const struct store_info *in, const char *sensor, int tier,
    int64_t *first, int64_t *last, char **names)
{
	const struct store_span *sp;
	size_t i, n = 0;

	for (i = 0; i < in->nspans; i++) {
		sp = &in->spans[i];
		if ((sensor != NULL && strcmp(sp->sensor, sensor) != 0) ||
		    (tier >= 0 && sp->tier != tier))
			continue;
		if (n == 0 || sp->first_s < *first)
			*first = sp->first_s;
		if (n == 0 || sp->last_s > *last)
			*last = sp->last_s;
		/* spans come by sensor: a new name is a new sensor */
		if (n == 0 || strcmp(names[n - 1], sp->sensor) != 0)
			names[n++] = sp->sensor;
	}
	return n;
}

/* The filter's span as words: " between A and B", " since A", "". */
static void
info_span_words(struct buf *b, const struct filter *f)
{
	char a[TIMEFMT_ISO_LEN], c[TIMEFMT_ISO_LEN];
	int from = filter_has(f, FILTER_FROM), to = filter_has(f, FILTER_TO);

	if (from && to)
		buf_printf(b, " between %s and %s",
		    info_iso(info_floor_s(f->from_us), a),
		    info_iso(info_floor_s(f->to_us), c));
	else if (from)
		buf_printf(b, " since %s", info_iso(info_floor_s(f->from_us),
		    a));
	else if (to)
		buf_printf(b, " up to %s", info_iso(info_floor_s(f->to_us), a));
}

/* No window in the span: say what the database does cover. */
static int
info_no_windows(struct buf *b, const struct filter *f,
    const struct store_info *in)
{
	char a[TIMEFMT_ISO_LEN], c[TIMEFMT_ISO_LEN];
	const char *cs = f->sensor;	/* the sensor the cover is of */
	char **names;
	int64_t first = 0, last = 0, rfirst = 0, rlast = 0;
	int tier = f->tier >= 0 ? f->tier : -1;
	size_t n;

	if ((names = calloc(in->nspans + 1, sizeof(*names))) == NULL)
		return -1;
	buf_puts(b, "no ");
	if (tier >= 0)
		buf_printf(b, "%s ", query_tier_name(tier));
	buf_puts(b, "windows");
	if (f->sensor != NULL)
		buf_printf(b, " of sensor %s", f->sensor);
	info_span_words(b, f);
	if ((n = info_cover(in, cs, tier, &first, &last, names)) == 0 &&
	    cs != NULL && (n = info_cover(in, cs = NULL, tier, &first, &last,
	    names)) > 0)
		buf_printf(b, "; sensor %s has none%s", f->sensor,
		    tier >= 0 ? " of that tier" : "");
	if (n == 0) {
		if (tier >= 0)
			buf_printf(b, "; this database has no %s windows",
			    query_tier_name(tier));
		else
			buf_puts(b, "; this database has no windows yet "
			    "(ipgraph import adds some)");
	} else {
		buf_printf(b, "; this database %s %s to %s for sensor%s ",
		    tier >= 0 ? "has windows of that tier from" : "covers",
		    info_iso(first, a), info_iso(last, c), n > 1 ? "s" : "");
		info_names(b, names, n);
		/* roll-ups reach wider than the traffic: give the raw span */
		if (tier < 0 && info_cover(in, cs, STORE_TIER_RAW, &rfirst,
		    &rlast, names) > 0 &&
		    (rfirst != first || rlast != last))
			buf_printf(b, " (raw windows from %s to %s)",
			    info_iso(rfirst, a), info_iso(rlast, c));
	}
	free(names);
	return 0;
}

int
info_why_empty(struct store *st, const struct filter *f, char *msg,
    size_t len)
{
	static const struct {
		enum filter_param	 p;
		const char		*name;
	} rowf[] = {
		{ FILTER_SRC, "src" }, { FILTER_DST, "dst" },
		{ FILTER_HOST, "host" }, { FILTER_PAIR, "pair" },
		{ FILTER_PORT, "port" }, { FILTER_PROTO, "proto" },
	};
	char a[TIMEFMT_ISO_LEN], c[TIMEFMT_ISO_LEN];
	struct store_info in;
	struct buf b = BUF_INIT;
	int64_t first, last;
	uint64_t n;
	size_t i, k = 0;
	int tier, rc = 1;

	if (store_windows_in(st, f, &n, &tier, &first, &last, msg, len) < 0)
		return -1;
	if (n == 0) {
		if (store_info(st, STORE_INFO_SPANS, &in, msg, len) < 0) {
			store_info_free(&in);
			return -1;
		}
		if (info_no_windows(&b, f, &in) < 0)
			rc = -1;
		store_info_free(&in);
	} else {
		buf_puts(&b, "no edge");
		for (i = 0; i < sizeof(rowf) / sizeof(rowf[0]); i++)
			if (filter_has(f, rowf[i].p))
				buf_printf(&b, "%s%s", k++ ? ", " : " passes "
				    "the filters (", rowf[i].name);
		buf_printf(&b, "%s in the %" PRIu64 " %s window%s from %s to "
		    "%s", k ? ")" : "", n, query_tier_name(tier),
		    n > 1 ? "s" : "", info_iso(first, a), info_iso(last, c));
		if (f->sensor != NULL)
			buf_printf(&b, " of sensor %s", f->sensor);
		if (k == 0)
			buf_puts(&b, " (they hold frames that were not IP)");
	}
	if (rc < 0 || buf_failed(&b)) {
		snprintf(msg, len, "out of memory");
		rc = -1;
	} else
		snprintf(msg, len, "%s", b.data);
	buf_free(&b);
	return rc;
}
