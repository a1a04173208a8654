/* addr.c - parsing and printing IPv4/IPv6 addresses and CIDR blocks. */

#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

/*
 * glibc's inet_ntop already follows RFC 5952 section 4 (lower case, the
 * longest run of zero groups compressed, a lone zero group left alone,
 * IPv4-mapped addresses with a dotted quad), so we rely on it.
 */
char *
addr_format(int ver, const uint8_t *b, char *out)
{
	if (inet_ntop(ver == 6 ? AF_INET6 : AF_INET, b, out,
	    ADDR_STRLEN) == NULL)
		strcpy(out, "?");
	return out;
}

char *
addr_format_cidr(const struct cidr *c, char *out)
{
	addr_format(c->ver, c->b, out);
	if (c->prefix != (c->ver == 6 ? 128 : 32))
		snprintf(out + strlen(out), 5, "/%u", c->prefix);
	return out;
}

int
addr_parse(const char *s, int *ver, uint8_t b[16])
{
	memset(b, 0, 16);
	if (inet_pton(AF_INET, s, b) == 1) {
		*ver = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		*ver = 6;
		return 0;
	}
	return -1;
}

void
addr_mask(uint8_t *b, int ver, unsigned prefix)
{
	unsigned nbytes = ver == 6 ? 16 : 4, i;

	for (i = 0; i < nbytes; i++) {
		if (prefix >= 8 * (i + 1))
			continue;
		if (prefix > 8 * i)
			b[i] &= (uint8_t)(0xff << (8 - (prefix - 8 * i)));
		else
			b[i] = 0;
	}
}

int
addr_parse_cidr(const char *s, struct cidr *c)
{
	char buf[ADDR_STRLEN + 8], *slash, *end;
	int ver;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (addr_parse(buf, &ver, c->b) < 0)
		return -1;
	c->ver = (uint8_t)ver;
	if (slash == NULL) {
		c->prefix = ver == 6 ? 128 : 32;
		return 0;
	}
	if (*slash < '0' || *slash > '9')
		return -1;
	len = strtol(slash, &end, 10);
	if (*end != '\0' || len < 0 || len > (ver == 6 ? 128 : 32))
		return -1;
	c->prefix = (uint8_t)len;
	addr_mask(c->b, ver, (unsigned)len);
	return 0;
}

int
addr_in_cidr(const struct cidr *c, int ver, const uint8_t *b)
{
	uint8_t tmp[16];

	if (ver != c->ver)
		return 0;
	memcpy(tmp, b, ver == 6 ? 16 : 4);
	addr_mask(tmp, ver, c->prefix);
	return memcmp(tmp, c->b, ver == 6 ? 16 : 4) == 0;
}
