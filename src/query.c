/* query.c - (name, value) parameters to one struct filter, and the value
 * parsers every caller shares. */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "asn.h"
#include "buf.h"
#include "decode.h"
#include "query.h"
#include "timefmt.h"

#define QUERY_TOP_MAX		1000000

static const char *const filter_params[FILTER_NPARAMS] = {
	"from", "to", "src", "dst", "host", "pair", "port", "proto",
	"sensor", "top", "other", "metric", "group", "tier", "max_nodes",
	"min_weight", "baseline_from", "baseline_to", "baseline",
	"change_ratio"
};

/* The shaping parameters, which row readers (csv, seq) do not take. */
#define FILTER_SHAPING \
	((1u << FILTER_TOP) | (1u << FILTER_OTHER) | (1u << FILTER_METRIC) | \
	(1u << FILTER_GROUP) | (1u << FILTER_MAX_NODES) | \
	(1u << FILTER_MIN_WEIGHT) | FILTER_BASELINES | \
	(1u << FILTER_CHANGE_RATIO))

#define FILTER_BASELINES \
	((1u << FILTER_BASELINE_FROM) | (1u << FILTER_BASELINE_TO) | \
	(1u << FILTER_BASELINE))

struct filter *
filter_new(void)
{
	struct filter *q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->group4 = 32;
	q->group6 = 128;
	q->tier = QUERY_TIER_AUTO;
	q->metric = QUERY_METRIC_PACKETS;
	q->change_ratio = QUERY_CHANGE_RATIO;
	return q;
}

void
filter_free(struct filter *q)
{
	if (q == NULL)
		return;
	free(q->sensor);
	free(q->from_text);
	free(q->to_text);
	free(q->baseline_from_text);
	free(q->baseline_to_text);
	free(q->baseline_text);
	free(q);
}

static int
filter_param(const char *name)
{
	int i;

	for (i = 0; i < FILTER_NPARAMS; i++)
		if (strcmp(name, filter_params[i]) == 0)
			return i;
	return -1;
}

int
filter_known(const char *name)
{
	return filter_param(name) >= 0;
}

const char *
filter_name(int i)
{
	return i >= 0 && i < FILTER_NPARAMS ? filter_params[i] : NULL;
}

int
filter_shaping(const char *name)
{
	int p = filter_param(name);

	return p >= 0 && (FILTER_SHAPING & (1u << p)) != 0;
}

int
filter_has(const struct filter *q, enum filter_param p)
{
	return (q->given & (1u << p)) != 0;
}

void
filter_set_sites(struct filter *q, const struct sites *s)
{
	q->sites = s;
}

void
filter_set_names(struct filter *q, const struct names *nm)
{
	q->names = nm;
}

void
filter_set_rdns(struct filter *q, struct rdns *r)
{
	q->rdns = r;
}

/* A whole number in [lo, hi]; 0 or -1. */
static int
query_number(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
query_uint(const char *name, const char *v, unsigned long lo,
    unsigned long hi, const char *what, unsigned long *out, char *err,
    size_t errlen)
{
	if (query_number(v, lo, hi, out) < 0) {
		snprintf(err, errlen, "%s: '%s' is not %s", name, v, what);
		return -1;
	}
	return 0;
}

int
query_bool(const char *name, const char *v, int *out, char *err,
    size_t errlen)
{
	static const char *const yes[] = { "", "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	snprintf(err, errlen, "%s: '%s' is neither yes nor no (yes, true, "
	    "on, 1 / no, false, off, 0)", name, v);
	return -1;
}

const char *
query_tier_name(int tier)
{
	switch (tier) {
	case QUERY_TIER_RAW:	return "raw";
	case QUERY_TIER_HOUR:	return "hour";
	case QUERY_TIER_DAY:	return "day";
	case QUERY_TIER_AUTO:	return "auto";
	case QUERY_TIER_MIXED:	return "mixed";
	default:		return "other";
	}
}

int
query_tier(const char *name, const char *v, int auto_ok, int *out,
    char *err, size_t errlen)
{
	if (auto_ok && strcmp(v, "auto") == 0)
		*out = QUERY_TIER_AUTO;
	else if (strcmp(v, "raw") == 0)
		*out = QUERY_TIER_RAW;
	else if (strcmp(v, "hour") == 0)
		*out = QUERY_TIER_HOUR;
	else if (strcmp(v, "day") == 0)
		*out = QUERY_TIER_DAY;
	else {
		snprintf(err, errlen, "%s: '%s' is not raw, hour%s", name, v,
		    auto_ok ? ", day or auto" : " or day");
		return -1;
	}
	return 0;
}

int
query_time(const char *name, const char *v, int64_t now_us, int64_t *out,
    char *err, size_t errlen)
{
	char why[256];

	if (timefmt_parse(v, now_us, out, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", name, why);
		return -1;
	}
	return 0;
}

/* "A:B", "A,B" or "[A]:[B]"; 0 or -1 with err. */
static int
filter_parse_pair(struct filter *q, const char *v, char *err, size_t errlen)
{
	char tmp[2 * (ADDR_STRLEN + 8) + 8], *sep, *a, *b;
	struct cidr ca, cb, fa, fb;
	size_t len = strlen(v), i;
	int found = 0;

	if (len >= sizeof(tmp))
		goto bad;
	memcpy(tmp, v, len + 1);
	if (tmp[0] == '[' && (sep = strstr(tmp, "]:[")) != NULL &&
	    tmp[len - 1] == ']') {
		*sep = '\0';
		tmp[len - 1] = '\0';
		a = tmp + 1;
		b = sep + 3;
		if (addr_parse_cidr(a, &fa) < 0 || addr_parse_cidr(b, &fb) < 0)
			goto bad;
		found = 1;
	} else if ((sep = strchr(tmp, ',')) != NULL) {
		*sep = '\0';
		if (addr_parse_cidr(tmp, &fa) < 0 ||
		    addr_parse_cidr(sep + 1, &fb) < 0)
			goto bad;
		found = 1;
	} else {
		/* IPv6 has colons of its own: try every split. */
		for (i = 0; i < len; i++) {
			if (v[i] != ':')
				continue;
			memcpy(tmp, v, len + 1);
			tmp[i] = '\0';
			if (addr_parse_cidr(tmp, &ca) < 0 ||
			    addr_parse_cidr(tmp + i + 1, &cb) < 0)
				continue;
			if (found++) {
				snprintf(err, errlen, "pair: '%s' can be split "
				    "more than one way; write [A]:[B] or A,B",
				    v);
				return -1;
			}
			fa = ca;
			fb = cb;
		}
	}
	if (!found)
		goto bad;
	q->pair_a = fa;
	q->pair_b = fb;
	return 0;
bad:
	snprintf(err, errlen, "pair: '%s' is not A:B with A and B addresses "
	    "or CIDR blocks (IPv6: [A]:[B] or A,B)", v);
	return -1;
}

/* "/24", "24", "/24,/64"; 0 or -1 with err. */
static int
filter_parse_group(struct filter *q, const char *v, char *err, size_t errlen)
{
	char tmp[32], *comma, *a, *b;
	unsigned long n4, n6;

	if (strcmp(v, "site") == 0 || strcmp(v, "zone") == 0) {
		q->group_by = v[0] == 's' ? FILTER_GROUP_SITE :
		    FILTER_GROUP_ZONE;
		q->group4 = 32;
		q->group6 = 128;
		return 0;
	}
	if (strcmp(v, "asn") == 0 || strcmp(v, "country") == 0) {
		q->group_by = v[0] == 'a' ? FILTER_GROUP_ASN :
		    FILTER_GROUP_COUNTRY;
		q->group4 = 32;
		q->group6 = 128;
		return 0;
	}
	q->group_by = FILTER_GROUP_PREFIX;
	if (strlen(v) >= sizeof(tmp))
		goto bad;
	strcpy(tmp, v);
	a = tmp;
	if ((comma = strchr(tmp, ',')) != NULL) {
		*comma = '\0';
		b = comma + 1;
		if (*a == '/')
			a++;
		if (*b == '/')
			b++;
		if (query_number(a, 0, 32, &n4) < 0 ||
		    query_number(b, 0, 128, &n6) < 0)
			goto bad;
		q->group4 = (unsigned)n4;
		q->group6 = (unsigned)n6;
		return 0;
	}
	if (*a == '/')
		a++;
	if (query_number(a, 0, 128, &n4) < 0)
		goto bad;
	if (n4 <= 32) {
		q->group4 = (unsigned)n4;
		q->group6 = 128;
	} else {
		q->group4 = 32;
		q->group6 = (unsigned)n4;
	}
	return 0;
bad:
	snprintf(err, errlen, "group: '%s' is not a prefix length such as /24 "
	    "(IPv4, up to 32), /64 (IPv6, up to 128) or /24,/64, nor site, "
	    "zone, asn or country", v);
	return -1;
}

/* A copy of v into *tp (freeing the old one); 0 or -1 with err. */
static int
filter_text(char **tp, const char *name, const char *v, char *err,
    size_t errlen)
{
	free(*tp);
	if ((*tp = strdup(v)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	return 0;
}

/* "-1d": a duration back, as a relative time; 0 or -1 with err. */
static int
filter_parse_shift(struct filter *q, const char *v, char *err,
    size_t errlen)
{
	char why[256];
	int64_t us;

	if (v[0] != '-' || timefmt_parse(v, 0, &us, why, sizeof(why)) < 0 ||
	    us >= 0) {
		snprintf(err, errlen, "baseline: '%s' is not a duration back "
		    "such as -1d, -1w, -2h or -30m (the span shifted back by "
		    "it; or give baseline_from and baseline_to)", v);
		return -1;
	}
	q->baseline_shift_us = us;
	return 0;
}

/* A ratio above 1 such as 2 or 1.5; 0 or -1 with err. */
static int
filter_parse_ratio(struct filter *q, const char *v, char *err,
    size_t errlen)
{
	char *end;
	double r;

	errno = 0;
	r = strtod(v, &end);
	if (!isdigit((unsigned char)*v) || *end != '\0' || errno != 0 ||
	    !(r > 1.0) || r > 1e9) {
		snprintf(err, errlen, "change_ratio: '%s' is not a number "
		    "above 1 (such as 2 or 1.5)", v);
		return -1;
	}
	q->change_ratio = r;
	return 0;
}

int
filter_set(struct filter *q, const char *name, const char *v, int64_t now_us,
    char *err, size_t errlen)
{
	unsigned long n;
	char **tp;
	int p, proto;

	if ((p = filter_param(name)) < 0) {
		snprintf(err, errlen, "%s: unknown parameter", name);
		return -1;
	}
	switch (p) {
	case FILTER_FROM:
	case FILTER_TO:
		if (query_time(name, v, now_us, p == FILTER_FROM ?
		    &q->from_us : &q->to_us, err, errlen) < 0)
			return -1;
		tp = p == FILTER_FROM ? &q->from_text : &q->to_text;
		free(*tp);
		if ((*tp = strdup(v)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", name);
			return -1;
		}
		break;
	case FILTER_SRC:
	case FILTER_DST:
	case FILTER_HOST:
		if (addr_parse_cidr(v, p == FILTER_SRC ? &q->src :
		    p == FILTER_DST ? &q->dst : &q->host) < 0) {
			snprintf(err, errlen, "%s: '%s' is not an IPv4 or IPv6 "
			    "address or CIDR block", name, v);
			return -1;
		}
		break;
	case FILTER_PAIR:
		if (filter_parse_pair(q, v, err, errlen) < 0)
			return -1;
		break;
	case FILTER_PORT:
		if (query_uint(name, v, 0, 65535, "a port number (0-65535)",
		    &n, err, errlen) < 0)
			return -1;
		q->port = (unsigned)n;
		break;
	case FILTER_PROTO:
		proto = decode_proto_number(v);
		if (proto < 0 || proto > 255) {
			snprintf(err, errlen, "proto: '%s' is not tcp, udp, "
			    "icmp, icmpv6, sctp or a number 0-255", v);
			return -1;
		}
		q->proto = (unsigned)proto;
		break;
	case FILTER_SENSOR:
		if (*v == '\0') {
			snprintf(err, errlen, "sensor: empty name");
			return -1;
		}
		free(q->sensor);
		if ((q->sensor = strdup(v)) == NULL) {
			snprintf(err, errlen, "sensor: out of memory");
			return -1;
		}
		break;
	case FILTER_TOP:
		if (query_uint(name, v, 0, QUERY_TOP_MAX,
		    "a number of edges (1-1000000)", &n, err, errlen) < 0)
			return -1;
		if (n == 0) {
			snprintf(err, errlen, "top: must be at least 1");
			return -1;
		}
		q->top = (unsigned)n;
		break;
	case FILTER_OTHER:
		if (query_bool(name, v, &q->other, err, errlen) < 0)
			return -1;
		break;
	case FILTER_METRIC:
		if (strcmp(v, "packets") == 0)
			q->metric = QUERY_METRIC_PACKETS;
		else if (strcmp(v, "bytes") == 0)
			q->metric = QUERY_METRIC_BYTES;
		else {
			snprintf(err, errlen, "metric: '%s' is neither packets "
			    "nor bytes", v);
			return -1;
		}
		break;
	case FILTER_GROUP:
		if (filter_parse_group(q, v, err, errlen) < 0)
			return -1;
		break;
	case FILTER_TIER:
		if (query_tier(name, v, 1, &q->tier, err, errlen) < 0)
			return -1;
		break;
	case FILTER_MAX_NODES:
		if (query_uint(name, v, 0, QUERY_TOP_MAX,
		    "a number of nodes (1-1000000)", &n, err, errlen) < 0)
			return -1;
		if (n == 0) {
			snprintf(err, errlen, "max_nodes: must be at least 1");
			return -1;
		}
		q->max_nodes = (unsigned)n;
		break;
	case FILTER_MIN_WEIGHT:
		if (query_uint(name, v, 0, ULONG_MAX,
		    "a weight (a whole number, 0 or more)", &n, err,
		    errlen) < 0)
			return -1;
		q->min_weight = n;
		break;
	case FILTER_BASELINE_FROM:
	case FILTER_BASELINE_TO:
		if (query_time(name, v, now_us, p == FILTER_BASELINE_FROM ?
		    &q->baseline_from_us : &q->baseline_to_us, err,
		    errlen) < 0 ||
		    filter_text(p == FILTER_BASELINE_FROM ?
		    &q->baseline_from_text : &q->baseline_to_text, name, v,
		    err, errlen) < 0)
			return -1;
		break;
	case FILTER_BASELINE:
		if (filter_parse_shift(q, v, err, errlen) < 0 ||
		    filter_text(&q->baseline_text, name, v, err, errlen) < 0)
			return -1;
		break;
	case FILTER_CHANGE_RATIO:
		if (filter_parse_ratio(q, v, err, errlen) < 0)
			return -1;
		break;
	}
	q->now_us = now_us;
	q->given |= 1u << p;
	return 0;
}

int
filter_baseline(const struct filter *q, int64_t *from, int64_t *to)
{
	if (filter_has(q, FILTER_BASELINE)) {
		*from = q->from_us + q->baseline_shift_us;
		*to = (filter_has(q, FILTER_TO) ? q->to_us : q->now_us) +
		    q->baseline_shift_us;
		return 1;
	}
	if (filter_has(q, FILTER_BASELINE_FROM) &&
	    filter_has(q, FILTER_BASELINE_TO)) {
		*from = q->baseline_from_us;
		*to = q->baseline_to_us;
		return 1;
	}
	return 0;
}

/* The baseline's own checks; 0 or -1 with err. */
static int
filter_check_baseline(const struct filter *q, char *err, size_t errlen)
{
	char a[TIMEFMT_ISO_LEN], b[TIMEFMT_ISO_LEN];
	char c[TIMEFMT_ISO_LEN], d[TIMEFMT_ISO_LEN];
	int64_t bf, bt, to;
	const char *who;

	if ((q->given & FILTER_BASELINES) == 0) {
		if (filter_has(q, FILTER_CHANGE_RATIO)) {
			snprintf(err, errlen, "change_ratio: applies only "
			    "with a baseline (baseline, or baseline_from and "
			    "baseline_to)");
			return -1;
		}
		return 0;
	}
	if (filter_has(q, FILTER_BASELINE) &&
	    (filter_has(q, FILTER_BASELINE_FROM) ||
	    filter_has(q, FILTER_BASELINE_TO))) {
		snprintf(err, errlen, "baseline: give either baseline (the "
		    "span shifted back) or baseline_from and baseline_to, "
		    "not both");
		return -1;
	}
	if (filter_has(q, FILTER_BASELINE) && !filter_has(q, FILTER_FROM)) {
		snprintf(err, errlen, "baseline: needs from (the span to "
		    "shift back; to defaults to now)");
		return -1;
	}
	if (!filter_has(q, FILTER_BASELINE)) {
		if (!filter_has(q, FILTER_BASELINE_TO)) {
			snprintf(err, errlen, "baseline_to: missing (a "
			    "baseline needs baseline_from and baseline_to)");
			return -1;
		}
		if (!filter_has(q, FILTER_BASELINE_FROM)) {
			snprintf(err, errlen, "baseline_from: missing (a "
			    "baseline needs baseline_from and baseline_to)");
			return -1;
		}
		if (q->baseline_from_us > q->baseline_to_us) {
			snprintf(err, errlen, "baseline_from: is after "
			    "baseline_to, so the baseline is empty");
			return -1;
		}
	}
	who = filter_has(q, FILTER_BASELINE) ? "baseline" : "baseline_from";
	(void)filter_baseline(q, &bf, &bt);
	to = filter_has(q, FILTER_TO) ? q->to_us : q->now_us;
	/* spans that only touch do not overlap */
	if (bf < to && bt > (filter_has(q, FILTER_FROM) ? q->from_us :
	    INT64_MIN)) {
		if (!filter_has(q, FILTER_FROM))
			snprintf(err, errlen, "%s: the baseline (%s to %s) "
			    "overlaps the span, which has no from: give from "
			    "and to so the two spans are apart", who,
			    timefmt_iso(bf, a), timefmt_iso(bt, b));
		else
			snprintf(err, errlen, "%s: the baseline (%s to %s) "
			    "overlaps the span (%s to %s): the two spans must "
			    "be apart", who, timefmt_iso(bf, a),
			    timefmt_iso(bt, b), timefmt_iso(q->from_us, c),
			    timefmt_iso(to, d));
		return -1;
	}
	return 0;
}

int
filter_check(const struct filter *q, char *err, size_t errlen)
{
	char why[512];

	if (filter_has(q, FILTER_FROM) && filter_has(q, FILTER_TO) &&
	    q->from_us > q->to_us) {
		snprintf(err, errlen, "from: is after to, so nothing can "
		    "match");
		return -1;
	}
	if ((q->group_by == FILTER_GROUP_ASN ||
	    q->group_by == FILTER_GROUP_COUNTRY) &&
	    asn_ready(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "group: %s needs the location database: "
		    "%s", q->group_by == FILTER_GROUP_ASN ? "asn" : "country",
		    why);
		return -1;
	}
	if ((q->group_by == FILTER_GROUP_SITE ||
	    q->group_by == FILTER_GROUP_ZONE) && q->sites == NULL) {
		snprintf(err, errlen, "group: %s needs a site file (ipgraph "
		    "--sites FILE, or [http] sites in ipgraphd.conf)",
		    q->group_by == FILTER_GROUP_SITE ? "site" : "zone");
		return -1;
	}
	return filter_check_baseline(q, err, errlen);
}


int
filter_packet_ok(const struct filter *q)
{
	return !filter_has(q, FILTER_PAIR) && !filter_has(q, FILTER_TIER);
}

int
filter_packet(const struct filter *q, int64_t ts_us, const char *sensor,
    int ver, const uint8_t *src, const uint8_t *dst, unsigned sport,
    unsigned dport, unsigned proto)
{
	if ((filter_has(q, FILTER_FROM) && ts_us < q->from_us) ||
	    (filter_has(q, FILTER_TO) && ts_us > q->to_us))
		return 0;
	if (q->sensor != NULL && (sensor == NULL ||
	    strcmp(q->sensor, sensor) != 0))
		return 0;
	if (filter_has(q, FILTER_SRC) && !addr_in_cidr(&q->src, ver, src))
		return 0;
	if (filter_has(q, FILTER_DST) && !addr_in_cidr(&q->dst, ver, dst))
		return 0;
	if (filter_has(q, FILTER_HOST) && !addr_in_cidr(&q->host, ver, src) &&
	    !addr_in_cidr(&q->host, ver, dst))
		return 0;
	if (filter_has(q, FILTER_PORT) && sport != q->port && dport != q->port)
		return 0;
	if (filter_has(q, FILTER_PROTO) && proto != q->proto)
		return 0;
	return 1;
}

void
filter_describe(const struct filter *q, struct buf *out)
{
	char a[ADDR_STRLEN + 8], b[ADDR_STRLEN + 8];
	const struct cidr *c;
	int p, first = 1;

	for (p = 0; p < FILTER_NPARAMS; p++) {
		if (!filter_has(q, (enum filter_param)p) ||
		    (p == FILTER_OTHER && !q->other))
			continue;
		buf_printf(out, "%s%s=", first ? "" : " ", filter_params[p]);
		first = 0;
		switch (p) {
		case FILTER_FROM:
			buf_puts(out, q->from_text);
			break;
		case FILTER_TO:
			buf_puts(out, q->to_text);
			break;
		case FILTER_SRC:
		case FILTER_DST:
		case FILTER_HOST:
			c = p == FILTER_SRC ? &q->src : p == FILTER_DST ?
			    &q->dst : &q->host;
			addr_format_cidr(c, a);
			buf_puts(out, a);
			break;
		case FILTER_PAIR:
			addr_format_cidr(&q->pair_a, a);
			addr_format_cidr(&q->pair_b, b);
			buf_printf(out, "%s,%s", a, b);
			break;
		case FILTER_PORT: buf_printf(out, "%u", q->port); break;
		case FILTER_PROTO:
			/* a number with no name (proto=0) stays a number */
			if (decode_proto_name(q->proto) != NULL)
				buf_puts(out, decode_proto_name(q->proto));
			else
				buf_printf(out, "%u", q->proto);
			break;
		case FILTER_SENSOR: buf_puts(out, q->sensor); break;
		case FILTER_TOP: buf_printf(out, "%u", q->top); break;
		case FILTER_OTHER:
			buf_puts(out, "yes");
			break;
		case FILTER_METRIC:
			buf_puts(out, q->metric == QUERY_METRIC_BYTES ? "bytes" :
			    "packets");
			break;
		case FILTER_GROUP:
			if (q->group_by != FILTER_GROUP_PREFIX)
				buf_puts(out, q->group_by == FILTER_GROUP_SITE ?
				    "site" : q->group_by == FILTER_GROUP_ZONE ?
				    "zone" : q->group_by == FILTER_GROUP_ASN ?
				    "asn" : "country");
			else
				buf_printf(out, "/%u,/%u", q->group4,
				    q->group6);
			break;
		case FILTER_TIER:
			buf_puts(out, query_tier_name(q->tier));
			break;
		case FILTER_MAX_NODES:
			buf_printf(out, "%u", q->max_nodes);
			break;
		case FILTER_MIN_WEIGHT:
			buf_printf(out, "%llu",
			    (unsigned long long)q->min_weight);
			break;
		case FILTER_BASELINE_FROM:
			buf_puts(out, q->baseline_from_text);
			break;
		case FILTER_BASELINE_TO:
			buf_puts(out, q->baseline_to_text);
			break;
		case FILTER_BASELINE:
			buf_puts(out, q->baseline_text);
			break;
		case FILTER_CHANGE_RATIO:
			buf_printf(out, "%g", q->change_ratio);
			break;
		}
	}
}
