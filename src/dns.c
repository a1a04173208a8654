/* dns.c - passive DNS: names and addresses from DNS responses on the wire. */

#include "config.h"

#include <string.h>

#include "dns.h"
#include "rd.h"

#define DNS_TYPE_A	1
#define DNS_TYPE_CNAME	5
#define DNS_TYPE_AAAA	28
#define DNS_CLASS_IN	1

/* Compression pointers followed in one name, at most. */
#define DNS_MAX_JUMPS	64

/* A name in wire form (length-prefixed labels, lower case, no root). */
struct dname {
	uint8_t		len;
	uint8_t		b[255];
};

/* One resource record, located in the message. */
struct rr {
	size_t		owner;		/* offset of the owner name */
	uint16_t	type;
	uint16_t	cls;
	uint32_t	ttl;
	size_t		rdata;		/* offset and length of the data */
	uint16_t	rdlen;
};

/*
 * RFC 1035 4.1.4: read the name at *off of the message (m, len) into n,
 * following compression pointers, each of which must point before the
 * label it replaces (so a walk can never loop).  *off is left after the
 * name as it appears at that place.  0, or -1 when malformed or cut short.
 */
static int
read_name(const uint8_t *m, size_t len, size_t *off, struct dname *n)
{
	size_t at = *off, after = 0;
	unsigned jumps = 0;
	int jumped = 0;
	uint8_t c, i;

	n->len = 0;
	for (;;) {
		if (at >= len)
			return -1;
		c = m[at];
		if ((c & 0xc0) == 0xc0) {
			size_t to;

			if (at + 1 >= len || ++jumps > DNS_MAX_JUMPS)
				return -1;
			to = (size_t)(c & 0x3f) << 8 | m[at + 1];
			if (to >= at)		/* forwards or onto itself */
				return -1;
			if (!jumped)
				after = at + 2;
			jumped = 1;
			at = to;
			continue;
		}
		if ((c & 0xc0) != 0)		/* RFC 6891 extended labels */
			return -1;
		if (c == 0) {
			at++;
			break;
		}
		if (at + 1 + c > len || (size_t)n->len + 1 + c > 254)
			return -1;
		n->b[n->len++] = c;
		for (i = 0; i < c; i++) {
			uint8_t ch = m[at + 1 + i];

			if (ch >= 'A' && ch <= 'Z')
				ch = (uint8_t)(ch - 'A' + 'a');
			n->b[n->len++] = ch;
		}
		at += 1 + (size_t)c;
	}
	*off = jumped ? after : at;
	return 0;
}

static int
same_name(const struct dname *a, const struct dname *b)
{
	return a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

/* The name as text into out (DNS_NAME_TEXT bytes). */
static void
name_text(const struct dname *n, char *out)
{
	size_t i = 0, o = 0;
	uint8_t l, k;

	if (n->len == 0) {
		strcpy(out, ".");
		return;
	}
	while (i < n->len) {
		l = n->b[i++];
		if (o > 0)
			out[o++] = '.';
		for (k = 0; k < l && i < n->len; k++, i++) {
			uint8_t ch = n->b[i];

			if ((ch >= 'a' && ch <= 'z') || (ch >= '0' &&
			    ch <= '9') || ch == '-' || ch == '_')
				out[o++] = (char)ch;
			else {
				out[o++] = '\\';
				out[o++] = (char)('0' + ch / 100);
				out[o++] = (char)('0' + ch / 10 % 10);
				out[o++] = (char)('0' + ch % 10);
			}
		}
	}
	out[o] = '\0';
}

/* Whether n is one of the names of the chain. */
static int
in_chain(const struct dname *chain, unsigned nchain, const struct dname *n)
{
	unsigned i;

	for (i = 0; i < nchain; i++)
		if (same_name(&chain[i], n))
			return 1;
	return 0;
}

int
dns_parse(const uint8_t *p, size_t len, int tcp, dns_answer_fn fn,
    void *arg)
{
	struct rr rrs[DNS_MAX_RECORDS];
	struct dname chain[DNS_MAX_CHAIN + 1], owner;
	char text[DNS_NAME_TEXT];
	struct dns_answer a;
	struct rd r;
	uint16_t flags, qd, an, v16;
	uint32_t v32;
	size_t off, nrr = 0, i;
	unsigned nchain = 0;
	int grew, given = 0;

	if (tcp) {
		rd_init(&r, p, len);
		if (rd_peek_be16(&r, 0, &v16) < 0)
			return -1;
		p += 2;
		len -= 2;
		if (v16 < len)
			len = v16;
	}
	rd_init(&r, p, len);
	if (rd_peek_be16(&r, 2, &flags) < 0 || rd_peek_be16(&r, 4, &qd) < 0 ||
	    rd_peek_be16(&r, 6, &an) < 0 || !rd_has(&r, 12))
		return -1;
	/* a response (QR), standard query (opcode 0), no error (rcode 0) */
	if ((flags & 0x8000) == 0 || (flags & 0x7800) != 0 ||
	    (flags & 0x000f) != 0 || qd > 1 || an == 0)
		return -1;
	off = 12;
	if (qd == 1) {
		if (read_name(p, len, &off, &chain[0]) < 0 || off + 4 > len)
			return -1;
		off += 4;
		nchain = 1;
	}
	/* Locate the answers; the ones after a damaged record are lost. */
	while (nrr < an && nrr < DNS_MAX_RECORDS) {
		struct rr *x = &rrs[nrr];

		x->owner = off;
		if (read_name(p, len, &off, &owner) < 0)
			break;
		rd_init(&r, p + off, len - off);
		if (rd_peek_be16(&r, 0, &x->type) < 0 ||
		    rd_peek_be16(&r, 2, &x->cls) < 0 ||
		    rd_peek_be32(&r, 4, &v32) < 0 ||
		    rd_peek_be16(&r, 8, &x->rdlen) < 0 ||
		    !rd_has(&r, 10 + (size_t)x->rdlen))
			break;
		x->ttl = v32 & 0x7fffffff;	/* RFC 2181 8: top bit 0 */
		x->rdata = off + 10;
		off += 10 + (size_t)x->rdlen;
		nrr++;
	}
	if (nrr == 0)
		return -1;
	/* RFC 1034 3.6.2: the names a CNAME chain from the question reaches */
	do {
		grew = 0;
		for (i = 0; i < nrr && nchain > 0 &&
		    nchain <= DNS_MAX_CHAIN; i++) {
			struct dname target;
			size_t o = rrs[i].owner, t = rrs[i].rdata;

			if (rrs[i].type != DNS_TYPE_CNAME ||
			    (rrs[i].cls & 0x7fff) != DNS_CLASS_IN ||
			    read_name(p, len, &o, &owner) < 0 ||
			    !in_chain(chain, nchain, &owner) ||
			    read_name(p, rrs[i].rdata + rrs[i].rdlen, &t,
			    &target) < 0 || in_chain(chain, nchain, &target))
				continue;
			chain[nchain++] = target;
			grew = 1;
		}
	} while (grew && nchain <= DNS_MAX_CHAIN);
	if (nchain > 0)
		name_text(&chain[0], text);
	for (i = 0; i < nrr; i++) {
		size_t o = rrs[i].owner;

		if ((rrs[i].cls & 0x7fff) != DNS_CLASS_IN ||
		    !((rrs[i].type == DNS_TYPE_A && rrs[i].rdlen == 4) ||
		    (rrs[i].type == DNS_TYPE_AAAA && rrs[i].rdlen == 16)))
			continue;
		if (read_name(p, len, &o, &owner) < 0)
			continue;
		if (nchain > 0 && !in_chain(chain, nchain, &owner))
			continue;
		if (nchain == 0)
			name_text(&owner, text);
		if (strcmp(text, ".") == 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.name = text;
		a.ver = rrs[i].rdlen == 4 ? 4 : 6;
		memcpy(a.addr, p + rrs[i].rdata, rrs[i].rdlen);
		a.ttl = rrs[i].ttl;
		fn(arg, &a);
		given++;
	}
	return given;
}
