/* test_addr.c - table-driven unit tests for address and CIDR handling. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

/*
 * IPv6 rows are written as eight 16-bit groups, the way RFC 5952 talks
 * about them; W() splits a group into its two network-order bytes.
 * Addresses are from the documentation ranges (RFC 5737, RFC 3849) where
 * the case allows.
 */
#define W(x)	(uint8_t)((x) >> 8), (uint8_t)((x) & 0xff)
#define V6(a, b, c, d, e, f, g, h) \
	{ W(a), W(b), W(c), W(d), W(e), W(f), W(g), W(h) }
#define V4(a, b, c, d)	{ a, b, c, d }

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Printable bytes for failure messages: "c0 00 02 01 ...". */
static const char *
hex(const uint8_t *b, size_t n)
{
	static char s[3 * 16 + 1];
	size_t i;

	s[0] = '\0';
	for (i = 0; i < n && i < 16; i++)
		snprintf(s + 3 * i, sizeof(s) - 3 * i, "%02x%s", b[i],
		    i + 1 < n ? " " : "");
	return s;
}

/* Expected bytes from text, through libc directly rather than addr.c. */
static void
pton(const char *s, int ver, uint8_t b[16])
{
	memset(b, 0, 16);
	if (inet_pton(ver == 6 ? AF_INET6 : AF_INET, s, b) != 1)
		fail_msg("test table error: '%s' is not an IPv%d address",
		    s, ver);
}

/* --- addr_format ------------------------------------------------------- */

struct format_case {
	int		 ver;
	uint8_t		 b[16];
	const char	*want;
};

static const struct format_case format_cases[] = {
	/* IPv4: plain dotted quad, no leading zeros */
	{ 4, V4(192, 0, 2, 1),		"192.0.2.1" },
	{ 4, V4(0, 0, 0, 0),		"0.0.0.0" },
	{ 4, V4(255, 255, 255, 255),	"255.255.255.255" },
	{ 4, V4(10, 0, 0, 9),		"10.0.0.9" },
	{ 4, V4(198, 51, 100, 20),	"198.51.100.20" },

	/* RFC 5952 4.3: lower case hex */
	{ 6, V6(0x2001, 0xdb8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee,
	    0xffff),		"2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff" },
	{ 6, V6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xabcd),
	    "2001:db8::abcd" },
	/* 4.1: leading zeros of a group dropped */
	{ 6, V6(0x2001, 0x0db8, 0x0001, 0x0020, 0x0300, 0x4000, 0x000a,
	    0x00b0),		"2001:db8:1:20:300:4000:a:b0" },
	/* no zero group at all */
	{ 6, V6(1, 2, 3, 4, 5, 6, 7, 8),	"1:2:3:4:5:6:7:8" },
	/* 4.2.3: the longest run is compressed, not the first */
	{ 6, V6(0x2001, 0, 0, 1, 0, 0, 0, 1),	"2001:0:0:1::1" },
	/* 4.2.3: of two equal runs, the first */
	{ 6, V6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1),
	    "2001:db8::1:0:0:1" },
	{ 6, V6(1, 0, 0, 2, 0, 0, 3, 4),	"1::2:0:0:3:4" },
	/* 4.2.2: a single zero group is never "::" (start, middle, end) */
	{ 6, V6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1),
	    "2001:db8:0:1:1:1:1:1" },
	{ 6, V6(1, 0, 1, 1, 1, 1, 1, 1),	"1:0:1:1:1:1:1:1" },
	{ 6, V6(0, 2, 3, 4, 5, 6, 7, 8),	"0:2:3:4:5:6:7:8" },
	{ 6, V6(1, 2, 3, 4, 5, 6, 7, 0),	"1:2:3:4:5:6:7:0" },
	/* a single zero next to a longer run: only the run goes */
	{ 6, V6(1, 0, 2, 0, 0, 0, 3, 4),	"1:0:2::3:4" },
	/* leading and trailing runs */
	{ 6, V6(0, 0, 0, 5, 6, 7, 8, 9),	"::5:6:7:8:9" },
	{ 6, V6(1, 2, 3, 4, 5, 0, 0, 0),	"1:2:3:4:5::" },
	{ 6, V6(1, 0, 0, 0, 0, 0, 0, 0),	"1::" },
	{ 6, V6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),	"2001:db8::" },
	{ 6, V6(0xfe80, 0, 0, 0, 0, 0, 0, 1),	"fe80::1" },
	/* a longer trailing run beats a leading one */
	{ 6, V6(0, 0, 1, 0, 0, 0, 0, 0),	"0:0:1::" },
	/* a longer leading run beats a trailing one */
	{ 6, V6(0, 0, 0, 1, 2, 0, 0, 3),	"::1:2:0:0:3" },
	/* all zero, loopback */
	{ 6, V6(0, 0, 0, 0, 0, 0, 0, 0),	"::" },
	{ 6, V6(0, 0, 0, 0, 0, 0, 0, 1),	"::1" },
	/* section 5: IPv4-mapped with a dotted quad */
	{ 6, V6(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201),
	    "::ffff:192.0.2.1" },
	{ 6, V6(0, 0, 0, 0, 0, 0xffff, 0, 0),	"::ffff:0.0.0.0" },
	{ 6, V6(0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff),
	    "::ffff:255.255.255.255" },
	/* the longest text there is: 39 characters */
	{ 6, V6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	    0xffff),		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
};

static void
test_format(void **state)
{
	char *out;
	uint8_t b[16];
	size_t i;
	int ver;

	(void)state;
	/* exactly ADDR_STRLEN on the heap, so ASan sees any overrun */
	out = malloc(ADDR_STRLEN);
	assert_non_null(out);
	for (i = 0; i < NELEM(format_cases); i++) {
		const struct format_case *t = &format_cases[i];

		memset(out, 'X', ADDR_STRLEN);
		if (addr_format(t->ver, t->b, out) != out)
			fail_msg("row %zu: addr_format did not return out", i);
		if (strcmp(out, t->want) != 0)
			fail_msg("row %zu: IPv%d %s printed as '%s', want '%s'",
			    i, t->ver, hex(t->b, t->ver == 6 ? 16 : 4), out,
			    t->want);

		/* and the text parses back to the same bytes */
		if (addr_parse(t->want, &ver, b) != 0)
			fail_msg("row %zu: '%s' does not parse back", i,
			    t->want);
		if (ver != t->ver ||
		    memcmp(b, t->b, t->ver == 6 ? 16 : 4) != 0)
			fail_msg("row %zu: '%s' parsed back as IPv%d %s", i,
			    t->want, ver, hex(b, ver == 6 ? 16 : 4));
	}
	free(out);
}

/* --- addr_parse -------------------------------------------------------- */

struct parse_case {
	const char	*in;
	int		 rc;
	int		 ver;
	uint8_t		 b[16];		/* IPv4: b[0..3], the rest zero */
};

static const struct parse_case parse_cases[] = {
	{ "192.0.2.1",		0, 4, V4(192, 0, 2, 1) },
	{ "0.0.0.0",		0, 4, V4(0, 0, 0, 0) },
	{ "255.255.255.255",	0, 4, V4(255, 255, 255, 255) },
	{ "::",			0, 6, V6(0, 0, 0, 0, 0, 0, 0, 0) },
	{ "::1",		0, 6, V6(0, 0, 0, 0, 0, 0, 0, 1) },
	{ "2001:db8::1",	0, 6, V6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1) },
	/* input may be upper case and uncompressed */
	{ "2001:DB8:0:0:0:0:0:ABCD", 0, 6,
	    V6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xabcd) },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", 0, 6,
	    V6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1) },
	{ "::ffff:192.0.2.1",	0, 6,
	    V6(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201) },
	{ "fe80::1",		0, 6, V6(0xfe80, 0, 0, 0, 0, 0, 0, 1) },

	{ "",			-1, 0, { 0 } },
	{ "garbage",		-1, 0, { 0 } },
	{ "localhost",		-1, 0, { 0 } },
	{ "1.2.3",		-1, 0, { 0 } },
	{ "1.2.3.256",		-1, 0, { 0 } },
	{ "1.2.3.4.5",		-1, 0, { 0 } },
	{ "1.2.3.",		-1, 0, { 0 } },
	{ "1..2.3",		-1, 0, { 0 } },
	{ "-1.2.3.4",		-1, 0, { 0 } },
	/* no octal or hex forms, unlike inet_aton */
	{ "0x1.2.3.4",		-1, 0, { 0 } },
	{ "01.2.3.4",		-1, 0, { 0 } },
	/* no white space around the address */
	{ " 192.0.2.1",		-1, 0, { 0 } },
	{ "192.0.2.1 ",		-1, 0, { 0 } },
	{ "::1 ",		-1, 0, { 0 } },
	/* zone identifiers (RFC 6874) are not addresses */
	{ "fe80::1%eth0",	-1, 0, { 0 } },
	{ "fe80::1%1",		-1, 0, { 0 } },
	{ "1:2:3:4:5:6:7:8:9",	-1, 0, { 0 } },
	{ "1:2:3:4:5:6:7",	-1, 0, { 0 } },
	{ "2001:db8:::1",	-1, 0, { 0 } },
	{ "2001::db8::1",	-1, 0, { 0 } },
	{ "12345::",		-1, 0, { 0 } },
	{ "g::1",		-1, 0, { 0 } },
	{ ":",			-1, 0, { 0 } },
	{ "::ffff:192.0.2.256",	-1, 0, { 0 } },
	{ "[::1]",		-1, 0, { 0 } },
	/* a block is not an address */
	{ "192.0.2.0/24",	-1, 0, { 0 } },
	{ "2001:db8::/32",	-1, 0, { 0 } },
};

static void
test_parse(void **state)
{
	uint8_t b[16];
	size_t i;
	int ver, rc;

	(void)state;
	for (i = 0; i < NELEM(parse_cases); i++) {
		const struct parse_case *t = &parse_cases[i];

		ver = -7;
		memset(b, 0xee, sizeof(b));
		rc = addr_parse(t->in, &ver, b);
		if (rc != t->rc)
			fail_msg("'%s': addr_parse returned %d, want %d",
			    t->in, rc, t->rc);
		if (rc != 0)
			continue;
		if (ver != t->ver)
			fail_msg("'%s': version %d, want %d", t->in, ver,
			    t->ver);
		/* all 16 bytes: IPv4 leaves the rest zero */
		if (memcmp(b, t->b, 16) != 0)
			fail_msg("'%s': bytes %s", t->in, hex(b, 16));
	}
}

/* --- addr_parse_cidr --------------------------------------------------- */

struct cidr_case {
	const char	*in;
	int		 rc;
	int		 ver;
	int		 prefix;
	const char	*net;		/* expected b[], as text */
};

static const struct cidr_case cidr_cases[] = {
	/* a bare address is a host block */
	{ "192.0.2.1",			0, 4, 32, "192.0.2.1" },
	{ "2001:db8::1",		0, 6, 128, "2001:db8::1" },
	{ "::",				0, 6, 128, "::" },
	/* host bits cleared */
	{ "192.0.2.77/24",		0, 4, 24, "192.0.2.0" },
	{ "192.0.2.255/25",		0, 4, 25, "192.0.2.128" },
	{ "192.0.2.127/25",		0, 4, 25, "192.0.2.0" },
	{ "10.255.255.255/9",		0, 4, 9, "10.128.0.0" },
	{ "203.0.113.7/31",		0, 4, 31, "203.0.113.6" },
	{ "203.0.113.7/32",		0, 4, 32, "203.0.113.7" },
	{ "255.255.255.255/1",		0, 4, 1, "128.0.0.0" },
	{ "255.255.255.255/0",		0, 4, 0, "0.0.0.0" },
	{ "0.0.0.0/0",			0, 4, 0, "0.0.0.0" },
	{ "2001:db8:1:2:3:4:5:6/64",	0, 6, 64, "2001:db8:1:2::" },
	{ "2001:db8:ffff:ffff::/33",	0, 6, 33, "2001:db8:8000::" },
	{ "2001:db8::ffff/127",		0, 6, 127, "2001:db8::fffe" },
	{ "2001:db8::1/128",		0, 6, 128, "2001:db8::1" },
	{ "::ffff:192.0.2.1/104",	0, 6, 104, "::ffff:192.0.0.0" },
	{ "ffff::1/0",			0, 6, 0, "::" },
	{ "::/0",			0, 6, 0, "::" },
	/*
	 * The length is read with strtol after a digit check, so a leading
	 * zero is plain decimal ("08" is 8, not a bad octal number).
	 */
	{ "192.0.2.1/08",		0, 4, 8, "192.0.0.0" },
	{ "192.0.2.1/008",		0, 4, 8, "192.0.0.0" },
	{ "192.0.2.1/00",		0, 4, 0, "0.0.0.0" },
	{ "2001:db8::1/064",		0, 6, 64, "2001:db8::" },

	/* out of range */
	{ "192.0.2.1/33",		-1, 0, 0, NULL },
	{ "192.0.2.1/128",		-1, 0, 0, NULL },
	{ "2001:db8::/129",		-1, 0, 0, NULL },
	{ "192.0.2.1/99999999999999999999", -1, 0, 0, NULL },
	/* signs and white space are not digits */
	{ "192.0.2.1/-1",		-1, 0, 0, NULL },
	{ "192.0.2.1/-0",		-1, 0, 0, NULL },
	{ "192.0.2.1/+8",		-1, 0, 0, NULL },
	{ "192.0.2.1/ 8",		-1, 0, 0, NULL },
	{ "192.0.2.1/8 ",		-1, 0, 0, NULL },
	/* missing or malformed parts */
	{ "",				-1, 0, 0, NULL },
	{ "/",				-1, 0, 0, NULL },
	{ "/24",			-1, 0, 0, NULL },
	{ "192.0.2.1/",			-1, 0, 0, NULL },
	{ "192.0.2.1/x",		-1, 0, 0, NULL },
	{ "192.0.2.1/8x",		-1, 0, 0, NULL },
	{ "192.0.2.1/0x8",		-1, 0, 0, NULL },
	{ "192.0.2.1/8/8",		-1, 0, 0, NULL },
	{ "192.0.2.1//8",		-1, 0, 0, NULL },
	{ "192.0.2/24",			-1, 0, 0, NULL },
	{ "192.0.2.256/24",		-1, 0, 0, NULL },
	{ "garbage/8",			-1, 0, 0, NULL },
	{ "fe80::1%eth0/64",		-1, 0, 0, NULL },
	{ "fe80::1/64%eth0",		-1, 0, 0, NULL },
	/* longer than any address plus length: refused, not overrun */
	{ "192.0.2.1/00000000000000000000000000000000000000000000000008",
	    -1, 0, 0, NULL },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001/000000000000000064",
	    -1, 0, 0, NULL },
};

static void
test_parse_cidr(void **state)
{
	struct cidr c;
	uint8_t want[16];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < NELEM(cidr_cases); i++) {
		const struct cidr_case *t = &cidr_cases[i];

		memset(&c, 0xee, sizeof(c));
		rc = addr_parse_cidr(t->in, &c);
		if (rc != t->rc)
			fail_msg("'%s': addr_parse_cidr returned %d, want %d",
			    t->in, rc, t->rc);
		if (rc != 0)
			continue;
		pton(t->net, t->ver, want);
		if (c.ver != t->ver || c.prefix != t->prefix)
			fail_msg("'%s': IPv%d /%d, want IPv%d /%d", t->in,
			    c.ver, c.prefix, t->ver, t->prefix);
		if (memcmp(c.b, want, 16) != 0)
			fail_msg("'%s': network %s, want %s", t->in,
			    hex(c.b, 16), t->net);
	}
}

/* A very long argument must be refused without touching past its end. */
static void
test_parse_cidr_long(void **state)
{
	struct cidr c;
	char *s;
	size_t n = 4096;

	(void)state;
	s = malloc(n + 1);
	assert_non_null(s);
	memset(s, '1', n);
	s[n] = '\0';
	assert_int_equal(addr_parse_cidr(s, &c), -1);
	memcpy(s, "192.0.2.1/", 10);
	assert_int_equal(addr_parse_cidr(s, &c), -1);
	free(s);
}

/* --- addr_in_cidr ------------------------------------------------------ */

struct in_case {
	const char	*cidr;
	const char	*addr;
	int		 in;
};

static const struct in_case in_cases[] = {
	/* both ends of a /24 and just outside */
	{ "192.0.2.0/24",	"192.0.2.0",		1 },
	{ "192.0.2.0/24",	"192.0.2.1",		1 },
	{ "192.0.2.0/24",	"192.0.2.255",		1 },
	{ "192.0.2.0/24",	"192.0.1.255",		0 },
	{ "192.0.2.0/24",	"192.0.3.0",		0 },
	{ "192.0.2.0/24",	"193.0.2.1",		0 },
	/* written with host bits: same block */
	{ "192.0.2.99/24",	"192.0.2.200",		1 },
	/* a split byte */
	{ "192.0.2.128/25",	"192.0.2.127",		0 },
	{ "192.0.2.128/25",	"192.0.2.128",		1 },
	{ "192.0.2.128/25",	"192.0.2.255",		1 },
	{ "10.128.0.0/9",	"10.127.255.255",	0 },
	{ "10.128.0.0/9",	"10.128.0.0",		1 },
	{ "10.128.0.0/9",	"10.255.255.255",	1 },
	{ "10.128.0.0/9",	"11.0.0.0",		0 },
	/* host blocks */
	{ "192.0.2.1/32",	"192.0.2.1",		1 },
	{ "192.0.2.1/32",	"192.0.2.0",		0 },
	{ "192.0.2.1/32",	"192.0.2.2",		0 },
	{ "192.0.2.1",		"192.0.2.1",		1 },
	{ "2001:db8::1",	"2001:db8::1",		1 },
	{ "2001:db8::1/128",	"2001:db8::",		0 },
	{ "2001:db8::1/128",	"2001:db8::2",		0 },
	/* both ends of a /64 and just outside */
	{ "2001:db8:1:2::/64",	"2001:db8:1:2::",	1 },
	{ "2001:db8:1:2::/64",	"2001:db8:1:2::1",	1 },
	{ "2001:db8:1:2::/64",
	    "2001:db8:1:2:ffff:ffff:ffff:ffff",		1 },
	{ "2001:db8:1:2::/64",
	    "2001:db8:1:1:ffff:ffff:ffff:ffff",		0 },
	{ "2001:db8:1:2::/64",	"2001:db8:1:3::",	0 },
	{ "2001:db8:1:2::/64",	"2001:db9:1:2::",	0 },
	/* a prefix that splits a group */
	{ "2001:db8:8000::/33",
	    "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff",	0 },
	{ "2001:db8:8000::/33",	"2001:db8:8000::",	1 },
	{ "2001:db8:8000::/33",
	    "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",	1 },
	{ "2001:db8:8000::/33",	"2001:db9::",		0 },
	/* /0 matches everything of its own version, nothing of the other */
	{ "0.0.0.0/0",		"0.0.0.0",		1 },
	{ "0.0.0.0/0",		"192.0.2.1",		1 },
	{ "0.0.0.0/0",		"255.255.255.255",	1 },
	{ "0.0.0.0/0",		"::",			0 },
	{ "0.0.0.0/0",		"::ffff:192.0.2.1",	0 },
	{ "::/0",		"::",			1 },
	{ "::/0",		"2001:db8::1",		1 },
	{ "::/0",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",	1 },
	{ "::/0",		"0.0.0.0",		0 },
	{ "::/0",		"192.0.2.1",		0 },
	/* an IPv4 address is never in an IPv6 block and the reverse */
	{ "192.0.2.0/24",	"::ffff:192.0.2.1",	0 },
	{ "192.0.2.0/24",	"::c000:201",		0 },
	{ "::ffff:192.0.2.0/120", "192.0.2.1",		0 },
	{ "::ffff:192.0.2.0/120", "::ffff:192.0.2.1",	1 },
	/* IPv4 bytes at the front of an IPv6 block are not IPv4 */
	{ "c000:200::/24",	"192.0.2.1",		0 },
};

static void
test_in_cidr(void **state)
{
	struct cidr c;
	uint8_t b[16], copy[16];
	size_t i;
	int ver, in;

	(void)state;
	for (i = 0; i < NELEM(in_cases); i++) {
		const struct in_case *t = &in_cases[i];

		if (addr_parse_cidr(t->cidr, &c) != 0)
			fail_msg("'%s' does not parse as a block", t->cidr);
		if (addr_parse(t->addr, &ver, b) != 0)
			fail_msg("'%s' does not parse as an address", t->addr);
		memcpy(copy, b, sizeof(b));
		in = addr_in_cidr(&c, ver, b);
		if ((in != 0) != t->in)
			fail_msg("%s in %s: got %d, want %d", t->addr, t->cidr,
			    in, t->in);
		if (memcmp(copy, b, sizeof(b)) != 0)
			fail_msg("%s in %s: the address was changed", t->addr,
			    t->cidr);
	}
}

/* An IPv4 lookup reads 4 bytes only: ASan checks an exact-size array. */
static void
test_in_cidr_v4_reads_four_bytes(void **state)
{
	struct cidr c;
	uint8_t *b;

	(void)state;
	assert_int_equal(addr_parse_cidr("192.0.2.0/24", &c), 0);
	b = malloc(4);
	assert_non_null(b);
	b[0] = 192, b[1] = 0, b[2] = 2, b[3] = 9;
	assert_true(addr_in_cidr(&c, 4, b));
	b[2] = 3;
	assert_false(addr_in_cidr(&c, 4, b));
	free(b);
}

/* --- addr_mask --------------------------------------------------------- */

struct mask_case {
	int		 ver;
	uint8_t		 in[16];
	unsigned	 prefix;
	uint8_t		 want[16];
};

static const struct mask_case mask_cases[] = {
	{ 4, V4(192, 0, 2, 255), 24, V4(192, 0, 2, 0) },
	{ 4, V4(192, 0, 2, 255), 25, V4(192, 0, 2, 128) },
	{ 4, V4(192, 0, 2, 255), 31, V4(192, 0, 2, 254) },
	{ 4, V4(192, 0, 2, 255), 32, V4(192, 0, 2, 255) },
	{ 4, V4(192, 0, 2, 255), 0, V4(0, 0, 0, 0) },
	{ 4, V4(203, 0, 113, 7), 1, V4(128, 0, 0, 0) },
	{ 4, V4(203, 0, 113, 7), 7, V4(202, 0, 0, 0) },
	{ 4, V4(203, 0, 113, 7), 8, V4(203, 0, 0, 0) },
	{ 4, V4(203, 0, 113, 7), 20, V4(203, 0, 112, 0) },
	{ 6, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1111),
	    64, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0, 0, 0, 0) },
	{ 6, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1111),
	    36, V6(0x2001, 0xdb8, 0xa000, 0, 0, 0, 0, 0) },
	{ 6, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1111),
	    44, V6(0x2001, 0xdb8, 0xabc0, 0, 0, 0, 0, 0) },
	{ 6, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1111),
	    127, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0,
	    0x1110) },
	{ 6, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1111),
	    128, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0,
	    0x1111) },
	{ 6, V6(0x2001, 0xdb8, 0xabcd, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1111),
	    0, V6(0, 0, 0, 0, 0, 0, 0, 0) },
	{ 6, V6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	    0xffff), 3, V6(0xe000, 0, 0, 0, 0, 0, 0, 0) },
};

static void
test_mask_table(void **state)
{
	uint8_t b[16];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(mask_cases); i++) {
		const struct mask_case *t = &mask_cases[i];

		memcpy(b, t->in, 16);
		addr_mask(b, t->ver, t->prefix);
		if (memcmp(b, t->want, 16) != 0)
			fail_msg("row %zu: IPv%d /%u gave %s", i, t->ver,
			    t->prefix, hex(b, t->ver == 6 ? 16 : 4));
	}
}

/*
 * Every prefix on all-ones: bit n (from the top) survives exactly when
 * n < prefix.  The buffer is exactly 4 or 16 bytes on the heap so ASan
 * catches a write past it.
 */
static void
test_mask_every_prefix(void **state)
{
	static const int vers[2] = { 4, 6 };
	unsigned nbytes, prefix, n;
	uint8_t *b;
	size_t v;
	int set;

	(void)state;
	for (v = 0; v < 2; v++) {
		nbytes = vers[v] == 6 ? 16 : 4;
		b = malloc(nbytes);
		assert_non_null(b);
		for (prefix = 0; prefix <= 8 * nbytes; prefix++) {
			memset(b, 0xff, nbytes);
			addr_mask(b, vers[v], prefix);
			for (n = 0; n < 8 * nbytes; n++) {
				set = (b[n / 8] >> (7 - n % 8)) & 1;
				if (set != (n < prefix))
					fail_msg("IPv%d /%u: bit %u is %d",
					    vers[v], prefix, n, set);
			}
		}
		free(b);
	}
}

/* IPv4 masking leaves bytes 4..15 of a 16-byte buffer alone. */
static void
test_mask_v4_leaves_rest(void **state)
{
	uint8_t b[16];
	size_t i;

	(void)state;
	memset(b, 0xab, sizeof(b));
	addr_mask(b, 4, 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(b[i], 0);
	for (i = 4; i < 16; i++)
		assert_int_equal(b[i], 0xab);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_cidr),
		cmocka_unit_test(test_parse_cidr_long),
		cmocka_unit_test(test_in_cidr),
		cmocka_unit_test(test_in_cidr_v4_reads_four_bytes),
		cmocka_unit_test(test_mask_table),
		cmocka_unit_test(test_mask_every_prefix),
		cmocka_unit_test(test_mask_v4_leaves_rest),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL) != 0;
}
