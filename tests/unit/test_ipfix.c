/* test_ipfix.c - the IPFIX encoder against the collector's parser. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "flowin.h"
#include "ipfix.h"

#define NFLOWS		1000
#define MAXMSG		2000

/* What the encoder sent, datagram by datagram. */
static uint8_t	sent[MAXMSG][IPFIX_MSG_MAX];
static size_t	sent_len[MAXMSG];
static size_t	nsent;

static int
keep(void *arg, const uint8_t *data, size_t len)
{
	(void)arg;
	assert_true(len <= IPFIX_MSG_MAX);
	assert_true(nsent < MAXMSG);
	memcpy(sent[nsent], data, len);
	sent_len[nsent++] = len;
	return 0;
}

static struct flowin_rec got[NFLOWS];
static size_t ngot;

static void
take(void *arg, struct flowin_src *src, const struct flowin_rec *r)
{
	(void)arg;
	(void)src;
	assert_true(ngot < NFLOWS);
	got[ngot++] = *r;
}

static void
flow_of(size_t i, struct ipfix_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->start_ms = INT64_C(1700000000000);
	f->end_ms = f->start_ms + 60000;
	f->ipver = i % 3 == 0 ? 6 : 4;
	f->proto = i % 5 == 0 ? 1 : 6;
	f->tcp_flags = (uint8_t)i;
	f->sport = (uint16_t)(i % 5 == 0 ? 0 : 1000 + i);
	f->dport = (uint16_t)(i % 5 == 0 ? 8 << 8 : 80);
	f->src[0] = 10;
	f->src[2] = (uint8_t)(i >> 8);
	f->src[3] = (uint8_t)i;
	f->dst[0] = 192;
	f->dst[15] = 7;
	f->packets = i + 1;
	f->bytes = (i + 1) * 100;
}

/* Every record encoded comes back from the parser as it went in. */
static void
test_round_trip(void **state)
{
	struct ipfix_exp *x = ipfix_exp_new(42, keep, NULL);
	struct flowin *fi = flowin_new(NULL);
	struct flowin_stats st;
	struct ipfix_flow f;
	struct ipfix_loss l;
	uint8_t a[4] = { 127, 0, 0, 1 };
	uint32_t seq = 0, want_seq = 0, n;
	size_t i, al;

	(void)state;
	nsent = ngot = 0;
	ipfix_exp_time(x, 1700000100, 60);
	memset(&l, 0, sizeof(l));
	l.frames = 5;
	assert_int_equal(ipfix_exp_loss(x, &l), 0);
	for (i = 0; i < NFLOWS; i++) {
		flow_of(i, &f);
		assert_int_equal(ipfix_exp_flow(x, &f), 0);
	}
	assert_int_equal(ipfix_exp_flush(x), 0);
	assert_true(nsent > NFLOWS * 52 / IPFIX_MSG_MAX);
	for (i = 0; i < nsent; i++) {
		/* header: version, length, sequence = records before */
		assert_int_equal(sent[i][0] << 8 | sent[i][1], 10);
		assert_int_equal(sent[i][2] << 8 | sent[i][3], sent_len[i]);
		seq = (uint32_t)sent[i][8] << 24 | (uint32_t)sent[i][9] << 16 |
		    (uint32_t)sent[i][10] << 8 | sent[i][11];
		assert_int_equal(seq, want_seq);
		n = (uint32_t)ngot;
		assert_int_equal(flowin_packet(fi, 4, a, sent[i], sent_len[i],
		    0, take, NULL), 0);
		/* the loss record is data too, but no flow */
		want_seq += (uint32_t)(ngot - n) + (i == 0);
	}
	assert_int_equal(ngot, NFLOWS);
	for (i = 0; i < NFLOWS; i++) {
		flow_of(i, &f);
		al = f.ipver == 6 ? 16 : 4;
		assert_int_equal(got[i].ipver, f.ipver);
		assert_memory_equal(got[i].src, f.src, al);
		assert_memory_equal(got[i].dst, f.dst, al);
		assert_int_equal(got[i].proto, f.proto);
		assert_int_equal(got[i].packets, f.packets);
		assert_int_equal(got[i].bytes, f.bytes);
		assert_int_equal(got[i].tcp_flags, f.tcp_flags);
		assert_int_equal(got[i].first_us, f.start_ms * 1000);
		assert_int_equal(got[i].last_us, f.end_ms * 1000);
		if (f.proto == 1) {	/* type 8, code 0 back in the ports */
			assert_int_equal(got[i].sport, 8);
			assert_int_equal(got[i].dport, 0);
		} else {
			assert_int_equal(got[i].sport, f.sport);
			assert_int_equal(got[i].dport, f.dport);
		}
	}
	flowin_get_stats(fi, &st);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.unknown_template, 0);
	assert_int_equal(st.templates, 3);
	assert_int_equal(st.sources, 1);
	flowin_free(fi);
	ipfix_exp_free(x);
}

/* Templates once, then again only when the refresh time has passed. */
static void
test_refresh(void **state)
{
	struct ipfix_exp *x = ipfix_exp_new(1, keep, NULL);
	struct ipfix_loss l;
	size_t i;
	static const int64_t at[] = { 1000, 1030, 1059, 1060, 1100 };
	static const int want[] = { 1, 0, 0, 1, 0 };

	(void)state;
	memset(&l, 0, sizeof(l));
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		nsent = 0;
		ipfix_exp_time(x, at[i], 60);
		ipfix_exp_loss(x, &l);
		ipfix_exp_flush(x);
		assert_int_equal(nsent, 1);
		/* the first set is a template set (2) or the data (258) */
		assert_int_equal((sent[0][16] << 8 | sent[0][17]) == 2,
		    want[i]);
	}
	ipfix_exp_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refresh),
	};

	return cmocka_run_group_tests_name("ipfix", tests, NULL, NULL) != 0;
}
