/* ipfix.c - IPFIX (RFC 7011) messages for our fixed templates: encoding. */

/*
 * A small encoder of our own rather than libfixbuf: the templates are
 * fixed (three of them, every field of fixed length), so a message is a
 * few big-endian stores into a 1400-byte array, with no allocation per
 * record and no library state to keep in step with ours.  libfixbuf's
 * session, template and buffer objects would cost more code to drive than
 * this file, and a second way to count sequence numbers.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ipfix.h"

struct ipfix_exp {
	uint32_t	 domain;
	ipfix_send_fn	 send;
	void		*arg;
	uint32_t	 seq;		/* data records sent before the message */
	int64_t		 now_s;
	int64_t		 tmpl_at;	/* when templates last went out */
	int		 tmpl_due;	/* the next message starts with them */
	uint8_t		 msg[IPFIX_MSG_MAX];
	size_t		 len;		/* 0: no message begun */
	size_t		 set_at;	/* offset of the open data set */
	unsigned	 set_id;	/* 0: none open */
	uint32_t	 nrec;		/* data records in the message */
	uint64_t	 messages;
	uint64_t	 records;
	uint64_t	 failed;
};

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* (element id, length) of each template, in record order. */
static const uint16_t tmpl_v4[][2] = {
	{ 152, 8 }, { 153, 8 }, { 8, 4 }, { 12, 4 }, { 7, 2 }, { 11, 2 },
	{ 4, 1 }, { 6, 2 }, { 136, 1 }, { 1, 8 }, { 2, 8 }, { 138, 4 }
};
static const uint16_t tmpl_v6[][2] = {
	{ 152, 8 }, { 153, 8 }, { 27, 16 }, { 28, 16 }, { 7, 2 }, { 11, 2 },
	{ 4, 1 }, { 6, 2 }, { 136, 1 }, { 1, 8 }, { 2, 8 }, { 138, 4 }
};
/* the first is the scope */
static const uint16_t tmpl_loss[][2] = {
	{ 149, 4 }, { 152, 8 }, { 153, 8 }, { 86, 8 }, { 85, 8 },
	{ 164, 8 }, { 135, 8 }, { 167, 8 }
};
#define NFIELDS(t)	(sizeof(t) / sizeof(t[0]))

/* Append a template record; returns its length. */
static size_t
put_template(uint8_t *p, unsigned tid, const uint16_t (*f)[2], size_t n,
    int scope)
{
	size_t i, off;

	put16(p, tid);
	put16(p + 2, (unsigned)n);
	off = 4;
	if (scope) {
		put16(p + 4, 1);
		off = 6;
	}
	for (i = 0; i < n; i++, off += 4) {
		put16(p + off, f[i][0]);
		put16(p + off + 2, f[i][1]);
	}
	return off;
}

static void
begin(struct ipfix_exp *x)
{
	size_t at;

	x->len = IPFIX_HDR_LEN;
	x->set_id = 0;
	x->nrec = 0;
	if (!x->tmpl_due)
		return;
	/* template set (2): IPv4 and IPv6 edges */
	at = x->len;
	x->len += 4;
	x->len += put_template(x->msg + x->len, IPFIX_TID_V4, tmpl_v4,
	    NFIELDS(tmpl_v4), 0);
	x->len += put_template(x->msg + x->len, IPFIX_TID_V6, tmpl_v6,
	    NFIELDS(tmpl_v6), 0);
	put16(x->msg + at, 2);
	put16(x->msg + at + 2, (unsigned)(x->len - at));
	/* options template set (3): the window's loss */
	at = x->len;
	x->len += 4;
	x->len += put_template(x->msg + x->len, IPFIX_TID_LOSS, tmpl_loss,
	    NFIELDS(tmpl_loss), 1);
	put16(x->msg + at, 3);
	put16(x->msg + at + 2, (unsigned)(x->len - at));
	x->tmpl_due = 0;
	x->tmpl_at = x->now_s;
}

static void
close_set(struct ipfix_exp *x)
{
	if (x->set_id != 0)
		put16(x->msg + x->set_at + 2, (unsigned)(x->len - x->set_at));
	x->set_id = 0;
}

int
ipfix_exp_flush(struct ipfix_exp *x)
{
	int rc;

	if (x->len == 0)
		return 0;
	close_set(x);
	put16(x->msg, IPFIX_VERSION);
	put16(x->msg + 2, (unsigned)x->len);
	put32(x->msg + 4, (uint32_t)x->now_s);
	put32(x->msg + 8, x->seq);
	put32(x->msg + 12, x->domain);
	rc = x->send(x->arg, x->msg, x->len);
	x->messages++;
	x->records += x->nrec;
	if (rc < 0)
		x->failed++;
	/* RFC 7011 3.1: modulo 2^32, counting data records only */
	x->seq += x->nrec;
	x->len = 0;
	return rc < 0 ? -1 : 0;
}

/*
 * Room for a record of rl bytes of set tid: begin a message, or send the
 * full one and begin the next.  Returns where to write it; *rc is -1 when
 * sending the full message failed (the record is placed all the same:
 * see ipfix_send_fn).
 */
static uint8_t *
room(struct ipfix_exp *x, unsigned tid, size_t rl, int *rc)
{
	size_t need;

	*rc = 0;
	if (x->len == 0)
		begin(x);
	need = rl + (x->set_id == tid ? 0 : 4);
	if (x->len + need > IPFIX_MSG_MAX) {
		*rc = ipfix_exp_flush(x);
		begin(x);
	}
	if (x->set_id != tid) {
		close_set(x);
		x->set_id = tid;
		x->set_at = x->len;
		put16(x->msg + x->len, tid);
		x->len += 4;
	}
	x->len += rl;
	x->nrec++;
	return x->msg + x->len - rl;
}

int
ipfix_exp_flow(struct ipfix_exp *x, const struct ipfix_flow *f)
{
	int v6 = f->ipver == 6, rc;
	size_t al = v6 ? 16 : 4;
	uint8_t *p = room(x, v6 ? IPFIX_TID_V6 : IPFIX_TID_V4,
	    v6 ? IPFIX_REC_V6_LEN : IPFIX_REC_V4_LEN, &rc);

	put64(p, (uint64_t)f->start_ms);
	put64(p + 8, (uint64_t)f->end_ms);
	memcpy(p + 16, f->src, al);
	memcpy(p + 16 + al, f->dst, al);
	p += 16 + 2 * al;
	put16(p, f->sport);
	put16(p + 2, f->dport);
	p[4] = f->proto;
	put16(p + 5, f->tcp_flags);
	p[7] = IPFIX_END_ACTIVE;
	put64(p + 8, f->bytes);
	put64(p + 16, f->packets);
	put32(p + 24, f->obs_point);
	return rc;
}

int
ipfix_exp_loss(struct ipfix_exp *x, const struct ipfix_loss *l)
{
	int rc;
	uint8_t *p = room(x, IPFIX_TID_LOSS, IPFIX_REC_LOSS_LEN, &rc);

	put32(p, x->domain);
	put64(p + 4, (uint64_t)l->start_ms);
	put64(p + 12, (uint64_t)l->end_ms);
	put64(p + 20, l->frames);
	put64(p + 28, l->bytes);
	put64(p + 36, l->kernel_drop);
	put64(p + 44, l->if_drop);
	put64(p + 52, l->overflow);
	return rc;
}

struct ipfix_exp *
ipfix_exp_new(uint32_t domain, ipfix_send_fn send, void *arg)
{
	struct ipfix_exp *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->domain = domain;
	x->send = send;
	x->arg = arg;
	x->tmpl_due = 1;
	return x;
}

void
ipfix_exp_free(struct ipfix_exp *x)
{
	free(x);
}

void
ipfix_exp_time(struct ipfix_exp *x, int64_t now_s, unsigned refresh_s)
{
	x->now_s = now_s;
	if (refresh_s > 0 && now_s - x->tmpl_at >= (int64_t)refresh_s)
		x->tmpl_due = 1;
}

void
ipfix_exp_resend_templates(struct ipfix_exp *x)
{
	x->tmpl_due = 1;
}

void
ipfix_exp_counts(const struct ipfix_exp *x, uint64_t *messages,
    uint64_t *records, uint64_t *failed)
{
	*messages = x->messages;
	*records = x->records;
	*failed = x->failed;
}

uint32_t
ipfix_domain_of(const char *sensor)
{
	uint32_t h = 2166136261u;

	for (; *sensor != '\0'; sensor++) {
		h ^= (uint8_t)*sensor;
		h *= 16777619u;
	}
	return h;
}
