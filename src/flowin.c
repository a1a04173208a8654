/* flowin.c - NetFlow v5, v9 and IPFIX messages in, flow records out. */

/*
 * NetFlow v5: Cisco's fixed 24-byte header and 48-byte records.
 * NetFlow v9: RFC 3954 (templates in flowset 0, options templates in 1).
 * IPFIX: RFC 7011 (sets 2 and 3; enterprise fields; variable-length
 * fields, section 7; template withdrawal, section 8.1).
 * Every length is checked against what the datagram holds through rd.h;
 * nothing is cast onto packet memory.  Templates live per exporter
 * address and observation domain, bounded (FLOWIN_MAX_*): what does not
 * fit is counted, never grown into.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "flowin.h"
#include "rd.h"

struct tfield {
	uint16_t	id;		/* 0 for an enterprise field */
	uint16_t	len;		/* 65535: variable (IPFIX) */
};

struct tmpl {
	uint16_t	id;		/* 0: free slot */
	uint16_t	nfields;
	int		options;	/* an options template: skipped */
	struct tfield	f[FLOWIN_MAX_FIELDS];
};

struct source {
	struct flowin_src pub;
	int		 ipver;
	uint8_t		 addr[16];
	uint32_t	 domain;
	int		 version;	/* templates of v9 and v10 differ */
	int64_t		 init_ms;	/* IPFIX systemInitTimeMilliseconds */
	int64_t		 rate_sec;	/* token count of this second */
	uint32_t	 rate_n;
	struct tmpl	*t[FLOWIN_MAX_TEMPLATES];
};

struct flowin {
	struct source	*src[FLOWIN_MAX_SOURCES];
	size_t		 nsrc;
	void		(*free_user)(void *);
	unsigned	 max_rate;	/* datagrams a second per source */
	struct flowin_stats st;
};

/* Consuming big-endian getters over rd.h's peeks. */
static int
get8(struct rd *r, uint8_t *v)
{
	return rd_peek_u8(r, 0, v) < 0 ? -1 : rd_skip(r, 1);
}

static int
get16(struct rd *r, uint16_t *v)
{
	return rd_peek_be16(r, 0, v) < 0 ? -1 : rd_skip(r, 2);
}

static int
get32(struct rd *r, uint32_t *v)
{
	return rd_peek_be32(r, 0, v) < 0 ? -1 : rd_skip(r, 4);
}

/* An unsigned number of 1 to 8 bytes (reduced-size encoding, 6.2). */
static uint64_t
uval(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	if (n > 8) {
		p += n - 8;
		n = 8;
	}
	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

struct flowin *
flowin_new(void (*free_user)(void *))
{
	struct flowin *fi;

	if ((fi = calloc(1, sizeof(*fi))) == NULL)
		return NULL;
	fi->free_user = free_user;
	fi->max_rate = FLOWIN_MAX_RATE;
	return fi;
}

void
flowin_set_rate(struct flowin *fi, unsigned per_second)
{
	fi->max_rate = per_second > 0 ? per_second : 1;
}

void
flowin_free(struct flowin *fi)
{
	size_t i, j;

	if (fi == NULL)
		return;
	for (i = 0; i < fi->nsrc; i++) {
		for (j = 0; j < FLOWIN_MAX_TEMPLATES; j++)
			free(fi->src[i]->t[j]);
		if (fi->free_user != NULL && fi->src[i]->pub.user != NULL)
			fi->free_user(fi->src[i]->pub.user);
		free(fi->src[i]);
	}
	free(fi);
}

size_t
flowin_nsources(const struct flowin *fi)
{
	return fi->nsrc;
}

struct flowin_src *
flowin_source(struct flowin *fi, size_t i)
{
	return &fi->src[i]->pub;
}

void
flowin_get_stats(const struct flowin *fi, struct flowin_stats *out)
{
	*out = fi->st;
	out->sources = fi->nsrc;
}

/* The source for (address, domain), made when new; NULL past the cap. */
static struct source *
source_of(struct flowin *fi, int ipver, const uint8_t *addr,
    uint32_t domain, int version)
{
	struct source *s;
	char a[ADDR_STRLEN];
	size_t i, al = ipver == 6 ? 16 : 4;

	for (i = 0; i < fi->nsrc; i++) {
		s = fi->src[i];
		if (s->ipver == ipver && s->domain == domain &&
		    memcmp(s->addr, addr, al) == 0)
			goto found;
	}
	if (fi->nsrc == FLOWIN_MAX_SOURCES ||
	    (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->ipver = ipver;
	memcpy(s->addr, addr, al);
	s->domain = domain;
	s->version = version;
	snprintf(s->pub.name, sizeof(s->pub.name), "%s/%lu",
	    addr_format(ipver, addr, a), (unsigned long)domain);
	fi->src[fi->nsrc++] = s;
found:
	if (s->version != version) {
		/* v9 and IPFIX templates do not mix: start again */
		for (i = 0; i < FLOWIN_MAX_TEMPLATES; i++) {
			free(s->t[i]);
			s->t[i] = NULL;
		}
		s->version = version;
	}
	return s;
}

static struct tmpl *
tmpl_find(struct source *s, unsigned id)
{
	size_t i;

	for (i = 0; i < FLOWIN_MAX_TEMPLATES; i++)
		if (s->t[i] != NULL && s->t[i]->id == id)
			return s->t[i];
	return NULL;
}

/* Keep t (copied) under its ID, replacing one of the same ID.  0 or -1. */
static int
tmpl_put(struct flowin *fi, struct source *s, const struct tmpl *t)
{
	struct tmpl *slot = tmpl_find(s, t->id);
	size_t i;

	for (i = 0; slot == NULL && i < FLOWIN_MAX_TEMPLATES; i++)
		if (s->t[i] == NULL) {
			if ((s->t[i] = malloc(sizeof(*t))) == NULL)
				return -1;
			slot = s->t[i];
		}
	if (slot == NULL) {
		fi->st.refused++;
		return -1;
	}
	*slot = *t;
	fi->st.templates++;
	return 0;
}

static void
tmpl_withdraw(struct flowin *fi, struct source *s, unsigned id, int all)
{
	size_t i;

	for (i = 0; i < FLOWIN_MAX_TEMPLATES; i++)
		if (s->t[i] != NULL && (all || s->t[i]->id == id)) {
			free(s->t[i]);
			s->t[i] = NULL;
		}
	fi->st.withdrawn++;
}

/*
 * Template records of one set (v9 flowset 0/1, IPFIX set 2/3) in r.
 * 0, or -1 when malformed (what came before is kept).
 */
static int
templates(struct flowin *fi, struct source *s, struct rd *r, int ipfix,
    int options)
{
	struct tmpl t;
	uint16_t id, n, scope, flen, fid;
	uint32_t pen;
	size_t i, nf;

	/* the rest may be padding, shorter than a template header */
	while (rd_left(r) >= 4) {
		memset(&t, 0, sizeof(t));
		if (get16(r, &id) < 0 || get16(r, &n) < 0)
			return -1;
		if (!ipfix && options) {
			/* v9: scope and option lengths in bytes */
			if (get16(r, &scope) < 0 || (n % 4) != 0 ||
			    (scope % 4) != 0)
				return -1;
			nf = (size_t)n / 4 + (size_t)scope / 4;
		} else {
			nf = n;
			if (ipfix && n == 0) {
				/* withdrawal: 2 or 3 withdraws all (8.1) */
				tmpl_withdraw(fi, s, id, id == 2 || id == 3);
				continue;
			}
			if (ipfix && options && (get16(r, &scope) < 0 ||
			    scope == 0 || scope > n))
				return -1;
		}
		if (id < 256 || nf == 0 || nf > FLOWIN_MAX_FIELDS)
			return -1;
		t.id = id;
		t.nfields = (uint16_t)nf;
		t.options = options;
		for (i = 0; i < nf; i++) {
			if (get16(r, &fid) < 0 || get16(r, &flen) < 0)
				return -1;
			if (ipfix && (fid & 0x8000)) {
				if (get32(r, &pen) < 0)
					return -1;
				fid = 0;	/* not one we read */
			}
			if (!ipfix && flen == 65535)
				return -1;
			t.f[i].id = fid;
			t.f[i].len = flen;
		}
		tmpl_put(fi, s, &t);
	}
	return 0;
}

/* The fields of one record we read, before they make a flowin_rec. */
struct fields {
	struct flowin_rec r;
	int		 have_v4, have_v6, have_icmp;
	uint16_t	 icmp;
	int64_t		 start_ms, end_ms;	/* absolute, -1: none */
	int64_t		 up_start, up_end;	/* sysUpTime, -1: none */
	uint64_t	 tot_bytes, tot_packets;
};

/*
 * A time of v units of mult milliseconds, or -1 past year 9999: later
 * sums and the conversion to microseconds then cannot overflow.
 */
#define MAX_MS		INT64_C(253402300800000)
static int64_t
ms(uint64_t v, uint64_t mult)
{
	return v > (uint64_t)MAX_MS / mult ? -1 : (int64_t)(v * mult);
}

static void
field(struct fields *f, unsigned id, const uint8_t *p, size_t n,
    struct source *s)
{
	switch (id) {
	case 1: f->r.bytes = uval(p, n); break;
	case 2: f->r.packets = uval(p, n); break;
	case 85: f->tot_bytes = uval(p, n); break;
	case 86: f->tot_packets = uval(p, n); break;
	case 4: f->r.proto = (uint8_t)uval(p, n); break;
	case 6: f->r.tcp_flags = (uint8_t)uval(p, n); break;
	case 7: f->r.sport = (uint16_t)uval(p, n); break;
	case 11: f->r.dport = (uint16_t)uval(p, n); break;
	case 8:
		if (n == 4) {
			memcpy(f->r.src, p, 4);
			f->have_v4 |= 1;
		}
		break;
	case 12:
		if (n == 4) {
			memcpy(f->r.dst, p, 4);
			f->have_v4 |= 2;
		}
		break;
	case 27:
		if (n == 16) {
			memcpy(f->r.src, p, 16);
			f->have_v6 |= 1;
		}
		break;
	case 28:
		if (n == 16) {
			memcpy(f->r.dst, p, 16);
			f->have_v6 |= 2;
		}
		break;
	case 32: case 139:
		f->icmp = (uint16_t)uval(p, n);
		f->have_icmp = 1;
		break;
	case 150: f->start_ms = ms(uval(p, n), 1000); break;
	case 151: f->end_ms = ms(uval(p, n), 1000); break;
	case 152: f->start_ms = ms(uval(p, n), 1); break;
	case 153: f->end_ms = ms(uval(p, n), 1); break;
	case 22: f->up_start = ms(uval(p, n), 1); break;
	case 21: f->up_end = ms(uval(p, n), 1); break;
	case 160:
		if (s != NULL && (s->init_ms = ms(uval(p, n), 1)) < 0)
			s->init_ms = 0;
		break;
	default: break;
	}
}

/*
 * A record's fields made into a flow and handed to fn.  base_ms and
 * up_ms: the export time and the exporter's uptime then (v9; for IPFIX
 * the uptime is since systemInitTimeMilliseconds, when sent).
 */
static void
emit(struct flowin *fi, struct source *s, struct fields *f, int64_t base_ms,
    int64_t up_ms, flowin_fn fn, void *arg)
{
	struct flowin_rec *r = &f->r;

	if (f->have_v4 == 3)
		r->ipver = 4;
	else if (f->have_v6 == 3)
		r->ipver = 6;
	else
		return;			/* not an IP flow: nothing to draw */
	if (r->packets == 0)
		r->packets = f->tot_packets;
	if (r->bytes == 0)
		r->bytes = f->tot_bytes;
	if (r->packets == 0)
		return;
	if (r->proto == 1 || r->proto == 58) {
		uint16_t tc = f->have_icmp ? f->icmp : r->dport;

		r->sport = tc >> 8;
		r->dport = tc & 0xff;
	}
	if (f->start_ms < 0 && f->up_start >= 0) {
		if (up_ms >= 0)
			f->start_ms = base_ms - (up_ms - f->up_start);
		else if (s->init_ms > 0)
			f->start_ms = s->init_ms + f->up_start;
	}
	if (f->end_ms < 0 && f->up_end >= 0) {
		if (up_ms >= 0)
			f->end_ms = base_ms - (up_ms - f->up_end);
		else if (s->init_ms > 0)
			f->end_ms = s->init_ms + f->up_end;
	}
	if (f->start_ms < 0)
		f->start_ms = f->end_ms >= 0 ? f->end_ms : base_ms;
	if (f->start_ms < 0)		/* uptimes that make no sense */
		f->start_ms = 0;
	if (f->end_ms < f->start_ms || f->end_ms > 2 * MAX_MS)
		f->end_ms = f->start_ms;
	r->first_us = f->start_ms * 1000;
	r->last_us = f->end_ms * 1000;
	fi->st.records++;
	fn(arg, &s->pub, r);
}

/*
 * A data set of template t in r: every whole record.  0, or -1 when a
 * variable-length field runs past the set.
 */
static int
data_set(struct flowin *fi, struct source *s, const struct tmpl *t,
    struct rd *r, int64_t base_ms, int64_t up_ms, flowin_fn fn, void *arg)
{
	struct fields f;
	size_t i, n, fixed = 0;
	uint16_t l16;
	uint8_t l8;
	int var = 0;

	for (i = 0; i < t->nfields; i++) {
		if (t->f[i].len == 65535)
			var = 1;
		else
			fixed += t->f[i].len;
	}
	/* a record of no bytes would never end (a template of 0-length
	   fields): refused */
	if (fixed == 0 && !var)
		return -1;
	/* what is left shorter than a record is padding */
	while (rd_left(r) > 0 && (var || rd_has(r, fixed))) {
		memset(&f, 0, sizeof(f));
		f.start_ms = f.end_ms = f.up_start = f.up_end = -1;
		for (i = 0; i < t->nfields; i++) {
			n = t->f[i].len;
			if (n == 65535) {
				if (get8(r, &l8) < 0)
					return -1;
				n = l8;
				if (l8 == 255) {
					if (get16(r, &l16) < 0)
						return -1;
					n = l16;
				}
			}
			if (!rd_has(r, n))
				return var ? -1 : 0;
			if (t->f[i].id != 0)
				field(&f, t->f[i].id, r->p, n, s);
			rd_skip(r, n);
		}
		if (!t->options)
			emit(fi, s, &f, base_ms, up_ms, fn, arg);
		if (var && rd_left(r) < 4)
			break;		/* padding after variable records */
	}
	return 0;
}

static int rate_ok(struct flowin *, struct source *, int64_t);

/* NetFlow v5: header 24 bytes, count records of 48.  1: rate-limited. */
static int
v5(struct flowin *fi, struct rd *r, int ipver, const uint8_t *addr,
    int64_t now_us, flowin_fn fn, void *arg)
{
	struct source *s;
	struct fields f;
	uint16_t count;
	uint32_t up, secs, nsecs, first, last;
	uint8_t et, ei, rec[48];
	int64_t base_ms;
	size_t i;

	if (rd_peek_be16(r, 2, &count) < 0 || rd_peek_be32(r, 4, &up) < 0 ||
	    rd_peek_be32(r, 8, &secs) < 0 || rd_peek_be32(r, 12, &nsecs) < 0 ||
	    rd_peek_u8(r, 20, &et) < 0 || rd_peek_u8(r, 21, &ei) < 0)
		return -1;
	if (count == 0 || count > 30 || rd_left(r) < 24 + (size_t)count * 48)
		return -1;
	if ((s = source_of(fi, ipver, addr, (uint32_t)et << 8 | ei, 5)) ==
	    NULL) {
		fi->st.refused++;
		return -1;
	}
	if (!rate_ok(fi, s, now_us))
		return 1;
	base_ms = (int64_t)secs * 1000 + nsecs / 1000000;
	rd_skip(r, 24);
	for (i = 0; i < count; i++) {
		rd_copy(r, 0, rec, sizeof(rec));
		rd_skip(r, sizeof(rec));
		memset(&f, 0, sizeof(f));
		f.start_ms = f.end_ms = -1;
		memcpy(f.r.src, rec, 4);
		memcpy(f.r.dst, rec + 4, 4);
		f.have_v4 = 3;
		f.r.packets = uval(rec + 16, 4);
		f.r.bytes = uval(rec + 20, 4);
		first = (uint32_t)uval(rec + 24, 4);
		last = (uint32_t)uval(rec + 28, 4);
		f.up_start = first;
		f.up_end = last;
		f.r.sport = (uint16_t)uval(rec + 32, 2);
		f.r.dport = (uint16_t)uval(rec + 34, 2);
		f.r.tcp_flags = rec[37];
		f.r.proto = rec[38];
		emit(fi, s, &f, base_ms, up, fn, arg);
	}
	return 0;
}

/* The rate of one source: at most max_rate datagrams a second. */
static int
rate_ok(struct flowin *fi, struct source *s, int64_t now_us)
{
	int64_t sec = now_us / 1000000;

	if (sec != s->rate_sec) {
		s->rate_sec = sec;
		s->rate_n = 0;
	}
	if (++s->rate_n > fi->max_rate) {
		fi->st.rate_limited++;
		s->pub.rate_limited++;
		return 0;
	}
	return 1;
}

int
flowin_packet(struct flowin *fi, int ipver, const uint8_t *addr,
    const uint8_t *data, size_t len, int64_t now_us, flowin_fn fn, void *arg)
{
	struct rd r, set;
	struct source *s;
	const struct tmpl *t;
	uint16_t version, mlen, sid, slen;
	uint32_t up, secs, domain;
	size_t hdr;
	int ipfix, rc = 0;
	int64_t base_ms, up_ms;

	fi->st.packets++;
	rd_init(&r, data, len);
	if (rd_peek_be16(&r, 0, &version) < 0) {
		fi->st.malformed++;
		return -1;
	}
	if (version == 5) {
		if ((rc = v5(fi, &r, ipver, addr, now_us, fn, arg)) < 0)
			fi->st.malformed++;
		return rc == 0 ? 0 : -1;
	}
	if (version != 9 && version != 10) {
		fi->st.bad_version++;
		return -1;
	}
	ipfix = version == 10;
	hdr = ipfix ? 16 : 20;
	if (ipfix) {
		/* length, export time, sequence, domain */
		if (rd_peek_be16(&r, 2, &mlen) < 0 ||
		    rd_peek_be32(&r, 4, &secs) < 0 ||
		    rd_peek_be32(&r, 12, &domain) < 0 || mlen < hdr ||
		    mlen > len) {
			fi->st.malformed++;
			return -1;
		}
		rd_init(&r, data, mlen);	/* trailing bytes ignored */
		up = 0;
		up_ms = -1;
	} else {
		if (rd_peek_be32(&r, 4, &up) < 0 ||
		    rd_peek_be32(&r, 8, &secs) < 0 ||
		    rd_peek_be32(&r, 16, &domain) < 0) {
			fi->st.malformed++;
			return -1;
		}
		up_ms = up;
	}
	base_ms = (int64_t)secs * 1000;
	if ((s = source_of(fi, ipver, addr, domain, version)) == NULL) {
		fi->st.refused++;
		return -1;
	}
	if (!rate_ok(fi, s, now_us))
		return -1;
	rd_skip(&r, hdr);
	while (rd_left(&r) > 0) {
		if (get16(&r, &sid) < 0 || get16(&r, &slen) < 0 ||
		    slen < 4 || !rd_has(&r, (size_t)slen - 4)) {
			fi->st.malformed++;
			return -1;
		}
		rd_init(&set, r.p, (size_t)slen - 4);
		rd_skip(&r, (size_t)slen - 4);
		if ((!ipfix && sid <= 1) || (ipfix && (sid == 2 || sid == 3))) {
			if (templates(fi, s, &set, ipfix, ipfix ? sid == 3 :
			    sid == 1) < 0) {
				fi->st.malformed++;
				rc = -1;
			}
		} else if (sid < 256)
			continue;	/* reserved: skipped */
		else if ((t = tmpl_find(s, sid)) == NULL)
			fi->st.unknown_template++;
		else if (data_set(fi, s, t, &set, base_ms, up_ms, fn, arg) <
		    0) {
			fi->st.malformed++;
			rc = -1;
		}
	}
	return rc;
}
