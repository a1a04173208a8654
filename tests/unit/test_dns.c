/* test_dns.c - unit tests for the DNS answer reader and the namebook. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "dns.h"
#include "namebook.h"
#include "sni.h"

struct got {
	char	text[8][DNS_NAME_TEXT + 32];
	int	n;
};

static void
collect(void *arg, const struct dns_answer *a)
{
	struct got *g = arg;
	char addr[64];

	if (a->ver == 4)
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", a->addr[0],
		    a->addr[1], a->addr[2], a->addr[3]);
	else
		snprintf(addr, sizeof(addr), "v6:%02x%02x", a->addr[0],
		    a->addr[15]);
	if (g->n < 8)
		snprintf(g->text[g->n++], sizeof(g->text[0]), "%s %s %u",
		    a->name, addr, a->ttl);
}

/* Header of a response: id 1, flags, qd, an, ns 0, ar 0. */
#define HDR(flags, qd, an) 0, 1, (flags) >> 8, (flags) & 0xff, 0, qd, 0, \
	an, 0, 0, 0, 0
#define Q_WWW	3, 'W', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', \
	3, 'c', 'o', 'm', 0, 0, 1, 0, 1		/* at 12, 21 bytes */
#define A_REC(ptr, a, b, c, d) 0xc0, ptr, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, \
	4, a, b, c, d				/* TTL 300 */

static const struct {
	const char	*what;
	uint8_t		 msg[128];
	size_t		 len;
	int		 tcp;
	int		 want;		/* dns_parse's result */
	const char	*first;		/* the first answer, or NULL */
} cases[] = {
	{ "one A", { HDR(0x8180, 1, 1), Q_WWW, A_REC(12, 192, 0, 2, 1) },
	  12 + 21 + 16, 0, 1, "www.example.com 192.0.2.1 300" },
	{ "a query, not a response", { HDR(0x0100, 1, 1), Q_WWW,
	  A_REC(12, 192, 0, 2, 1) }, 12 + 21 + 16, 0, -1, NULL },
	{ "NXDOMAIN", { HDR(0x8183, 1, 1), Q_WWW, A_REC(12, 192, 0, 2, 1) },
	  12 + 21 + 16, 0, -1, NULL },
	{ "CNAME chain", { HDR(0x8180, 1, 2), Q_WWW,
	  0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'c', 'd', 'n', 0xc0, 16,
	  A_REC(45, 198, 51, 100, 7) }, 12 + 21 + 18 + 16, 0, 1,
	  "www.example.com 198.51.100.7 300" },
	{ "A of a name outside the chain", { HDR(0x8180, 1, 1), Q_WWW,
	  A_REC(16, 192, 0, 2, 9) }, 12 + 21 + 16, 0, 0, NULL },
	{ "pointer to itself", { HDR(0x8180, 1, 1), Q_WWW,
	  A_REC(33, 192, 0, 2, 1) }, 12 + 21 + 16, 0, -1, NULL },
	{ "pointer past the end", { HDR(0x8180, 1, 1), Q_WWW,
	  A_REC(200, 192, 0, 2, 1) }, 12 + 21 + 16, 0, -1, NULL },
	{ "record cut short", { HDR(0x8180, 1, 1), Q_WWW,
	  A_REC(12, 192, 0, 2, 1) }, 12 + 21 + 14, 0, -1, NULL },
	{ "header only", { HDR(0x8180, 1, 1) }, 12, 0, -1, NULL },
	{ "TCP length first", { 0, 49, HDR(0x8180, 1, 1), Q_WWW,
	  A_REC(12, 192, 0, 2, 1) }, 2 + 12 + 21 + 16, 1, 1,
	  "www.example.com 192.0.2.1 300" },
	{ "mDNS, no question", { HDR(0x8400, 0, 1), 3, 'p', '"', 0x01, 5,
	  'l', 'o', 'c', 'a', 'l', 0, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10,
	  0, 0, 9 }, 12 + 11 + 14, 0, 1, "p\\034\\001.local 10.0.0.9 120" },
};

static void
test_dns_cases(void **state)
{
	struct got g;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&g, 0, sizeof(g));
		rc = dns_parse(cases[i].msg, cases[i].len, cases[i].tcp,
		    collect, &g);
		if (rc != cases[i].want)
			fail_msg("%s: %d answers, want %d", cases[i].what, rc,
			    cases[i].want);
		if (cases[i].first != NULL)
			assert_string_equal(g.text[0], cases[i].first);
		else
			assert_int_equal(g.n, 0);
	}
}

static void
test_namebook(void **state)
{
	static const uint8_t client[16] = { 10, 0, 0, 1 };
	struct dns_answer a;
	struct namebook *nb;
	struct namebook_stats st;
	struct name_row *rows;
	size_t n;
	int i;

	(void)state;
	assert_null(namebook_new(0, 60));
	assert_non_null(nb = namebook_new(4, 60));
	memset(&a, 0, sizeof(a));
	a.ver = 4;
	a.ttl = 30;
	a.name = "one.example";
	a.addr[0] = 192;
	namebook_add(nb, 1000000, 4, client, &a);
	namebook_add(nb, 2000000, 4, client, &a);	/* same window */
	namebook_add(nb, 61000000, 4, client, &a);	/* the next */
	a.name = "two.example";
	namebook_add(nb, 62000000, 4, client, &a);	/* renamed */
	n = namebook_take(nb, &rows);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].name, "one.example");
	assert_int_equal(rows[1].ts_us, 61000000);
	assert_string_equal(rows[2].name, "two.example");
	assert_int_equal(rows[2].cver, 4);
	namebook_rows_free(rows, n);
	namebook_free(nb);
	/* past the cap the least recently used goes */
	assert_non_null(nb = namebook_new(2, 60));
	a.addr[3] = 0;
	namebook_add(nb, 62000000, 4, client, &a);
	n = namebook_take(nb, &rows);
	namebook_rows_free(rows, n);
	for (i = 1; i <= 5; i++) {
		a.addr[3] = (uint8_t)i;
		namebook_add(nb, 63000000, 4, client, &a);
	}
	namebook_get_stats(nb, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.overflow, 4);
	assert_int_equal(st.answers, 6);
	n = namebook_take(nb, &rows);
	assert_int_equal(n, 2);			/* the rows wait, bounded too */
	namebook_get_stats(nb, &st);
	assert_int_equal(st.rows_dropped, 3);
	namebook_rows_free(rows, n);
	namebook_free(nb);
	namebook_free(NULL);
}

static void
test_sni(void **state)
{
	/* a ClientHello: record, handshake, version, random, no session,
	 * one suite, one compression, a server_name extension */
	static const uint8_t hello[] = { 22, 3, 1, 0, 60, 1, 0, 0, 56, 3, 3,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 2, 0x13, 1, 1, 0, 0, 13, 0, 0, 0, 9, 0, 7, 0, 0, 4,
	    'W', '"', 'x', '.' };
	static const char get[] = "GET / HTTP/1.1\r\nUser-Agent: x\r\n"
	    "host: Web.Example:8080\r\n\r\n";
	static const char lit[] = "GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n";
	char out[256];

	(void)state;
	assert_int_equal(sni_parse(hello, sizeof(hello), out, sizeof(out)),
	    SNI_TLS);
	assert_string_equal(out, "w\\034x");
	assert_int_equal(sni_parse(hello, sizeof(hello) - 1, out,
	    sizeof(out)), SNI_NONE);		/* the name cut short */
	assert_int_equal(sni_parse((const uint8_t *)get, strlen(get), out,
	    sizeof(out)), SNI_HTTP);
	assert_string_equal(out, "web.example");
	assert_int_equal(sni_parse((const uint8_t *)lit, strlen(lit), out,
	    sizeof(out)), SNI_NONE);		/* an address is no name */
	assert_int_equal(sni_parse((const uint8_t *)get, 20, out,
	    sizeof(out)), SNI_NONE);		/* no Host in what is there */
}

/* Every request method sni.c knows, and near misses of them. */
static void
test_sni_methods(void **state)
{
	static const struct {
		const char	*start;
		int		 want;
	} t[] = {
		{ "GET ", SNI_HTTP }, { "POST ", SNI_HTTP },
		{ "HEAD ", SNI_HTTP }, { "PUT ", SNI_HTTP },
		{ "DELETE ", SNI_HTTP }, { "OPTIONS ", SNI_HTTP },
		{ "PATCH ", SNI_HTTP }, { "GETS ", SNI_NONE },
		{ "Get ", SNI_NONE }, { "PATCHY ", SNI_NONE },
		{ "OPTION ", SNI_NONE }, { "P", SNI_NONE }, { "", SNI_NONE },
	};
	char req[256], out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(req, sizeof(req), "%s/ HTTP/1.1\r\nHost: m.example"
		    "\r\n\r\n", t[i].start);
		assert_int_equal(sni_parse((const uint8_t *)req, strlen(req),
		    out, sizeof(out)), t[i].want);
		if (t[i].want == SNI_HTTP)
			assert_string_equal(out, "m.example");
		/* only the method: no more bytes than it */
		assert_int_equal(sni_parse((const uint8_t *)t[i].start,
		    strlen(t[i].start), out, sizeof(out)), SNI_NONE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns_cases),
		cmocka_unit_test(test_sni),
		cmocka_unit_test(test_sni_methods),
		cmocka_unit_test(test_namebook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
