/* sni.c - a server's name from a connection's first client segment. */

#include "config.h"

#include <string.h>

#include "rd.h"
#include "sni.h"

/* The name (n bytes at s) as text into out; 0, or -1 when it is none. */
static int
sni_text(const uint8_t *s, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;
	int alpha = 0;

	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return -1;
	for (i = 0; i < n; i++) {
		uint8_t ch = s[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_')
			alpha = 1;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.') {
			if (o + 2 > outlen)
				break;
			out[o++] = (char)ch;
		} else {
			if (o + 5 > outlen)
				break;
			out[o++] = '\\';
			out[o++] = (char)('0' + ch / 100);
			out[o++] = (char)('0' + ch / 10 % 10);
			out[o++] = (char)('0' + ch % 10);
			alpha = 1;
		}
	}
	out[o] = '\0';
	/* digits and dots only: an IPv4 literal, not a name */
	return alpha ? 0 : -1;
}

/* RFC 8446 4.1.2, RFC 6066 3: the host_name of a ClientHello. */
static int
sni_tls(const uint8_t *p, size_t len, char *out, size_t outlen)
{
	struct rd r;
	uint16_t v16, elen, etype, rlen;
	uint32_t v32;
	uint8_t v8;
	size_t off, end;

	rd_init(&r, p, len);
	/* record: handshake (22), version 3.x, length */
	if (rd_peek_u8(&r, 0, &v8) < 0 || v8 != 22 ||
	    rd_peek_u8(&r, 1, &v8) < 0 || v8 != 3 ||
	    rd_peek_be16(&r, 3, &rlen) < 0)
		return -1;
	/* handshake: client_hello (1), 24-bit length */
	if (rd_peek_be32(&r, 5, &v32) < 0 || (v32 >> 24) != 1)
		return -1;
	end = 5 + (size_t)rlen;
	if (end > len)
		end = len;		/* the rest was not captured */
	if (9 + (size_t)(v32 & 0xffffff) < end)
		end = 9 + (size_t)(v32 & 0xffffff);
	rd_init(&r, p, end);
	off = 9 + 2 + 32;		/* client_version, random */
	if (rd_peek_u8(&r, off, &v8) < 0)	/* session_id */
		return -1;
	off += 1 + v8;
	if (rd_peek_be16(&r, off, &v16) < 0)	/* cipher_suites */
		return -1;
	off += 2 + (size_t)v16;
	if (rd_peek_u8(&r, off, &v8) < 0)	/* compression_methods */
		return -1;
	off += 1 + v8;
	if (rd_peek_be16(&r, off, &v16) < 0)	/* extensions */
		return -1;
	off += 2;
	if (off + v16 < end)
		end = off + v16;
	while (off + 4 <= end) {
		if (rd_peek_be16(&r, off, &etype) < 0 ||
		    rd_peek_be16(&r, off + 2, &elen) < 0)
			return -1;
		off += 4;
		if (etype == 0) {
			uint16_t list, nlen;
			size_t at = off + 2, lend;

			if (rd_peek_be16(&r, off, &list) < 0)
				return -1;
			lend = off + 2 + list;
			while (at + 3 <= lend) {
				if (rd_peek_u8(&r, at, &v8) < 0 ||
				    rd_peek_be16(&r, at + 1, &nlen) < 0 ||
				    !rd_has(&r, at + 3 + nlen))
					return -1;
				if (v8 == 0)	/* host_name */
					return sni_text(p + at + 3, nlen, out,
					    outlen);
				at += 3 + (size_t)nlen;
			}
			return -1;
		}
		off += elen;
	}
	return -1;
}

/* RFC 9112: the Host header of a request that starts the payload. */
static int
sni_http(const uint8_t *p, size_t len, char *out, size_t outlen)
{
	/*
	 * Lengths written out and the first byte tested first: every TCP
	 * segment starting with a capital letter (a tenth of bulk HTTP
	 * bodies) comes here, and a strlen and memcmp per method cost 30
	 * instructions a packet of the whole import.
	 */
	static const struct {
		const char	*s;
		size_t		 len;
	} methods[] = { { "GET ", 4 }, { "POST ", 5 }, { "HEAD ", 5 },
	    { "PUT ", 4 }, { "DELETE ", 7 }, { "OPTIONS ", 8 },
	    { "PATCH ", 6 } };
	size_t i, k, n, v;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (len >= methods[i].len && p[0] == (uint8_t)methods[i].s[0] &&
		    memcmp(p, methods[i].s, methods[i].len) == 0)
			break;
	if (i == sizeof(methods) / sizeof(methods[0]))
		return -1;
	if (len > SNI_HTTP_MAX)
		len = SNI_HTTP_MAX;
	for (i = 0; i + 7 <= len; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < len && (p[i + 1] == '\r' || p[i + 1] == '\n'))
			return -1;		/* end of the headers */
		for (k = 0; k < 5; k++)
			if ((p[i + 1 + k] | 0x20) != (uint8_t)"host:"[k] &&
			    !(k == 4 && p[i + 1 + k] == ':'))
				break;
		if (k < 5)
			continue;
		v = i + 6;
		while (v < len && (p[v] == ' ' || p[v] == '\t'))
			v++;
		if (v < len && p[v] == '[')
			return -1;		/* an IPv6 literal */
		for (n = 0; v + n < len && p[v + n] != '\r' &&
		    p[v + n] != '\n' && p[v + n] != ':' && p[v + n] != ' ';
		    n++)
			;
		if (v + n >= len)
			return -1;		/* cut short */
		return sni_text(p + v, n, out, outlen);
	}
	return -1;
}

int
sni_parse(const uint8_t *p, size_t len, char *out, size_t outlen)
{
	if (p == NULL || len < 6 || outlen < 16)
		return SNI_NONE;
	if (p[0] == 22)
		return sni_tls(p, len, out, outlen) == 0 ? SNI_TLS : SNI_NONE;
	return sni_http(p, len, out, outlen) == 0 ? SNI_HTTP : SNI_NONE;
}
