/* test_seq.c - unit tests for merging capture points and the seq exports. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_seq.h"
#include "seq.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define SEC		1000000LL
#define T0		(1700000000LL * SEC)	/* 2023-11-14 22:13:20 UTC */

/* Addresses from RFC 5737's documentation ranges. */
static void
v4(uint8_t b[16], const char *s)
{
	memset(b, 0, 16);
	if (inet_pton(AF_INET, s, b) != 1)
		fail_msg("test error: %s", s);
}

/* A TCP packet from a to b, seen at time t. */
static struct packet
tcp(const char *a, const char *b, uint16_t sp, uint16_t dp, uint8_t flags,
    uint32_t sq, uint32_t ack, uint32_t id, uint32_t len, int64_t t)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.ts_us = t;
	p.ipver = 4;
	p.proto = 6;
	p.tcp_flags = flags;
	p.sport = sp;
	p.dport = dp;
	v4(p.src, a);
	v4(p.dst, b);
	p.tcp_seq = sq;
	p.tcp_ack = ack;
	p.ip_id = id;
	p.l4_len = len;
	p.ip_len = 40 + len;
	p.wirelen = 54 + len;
	return p;
}

#define CLI	"192.0.2.1"
#define SRV	"198.51.100.7"

/*
 * A handshake and a request between CLI and SRV, seen at a point near the
 * client (a) and at one near the server (b) whose clock is off by skew;
 * the link between them takes 'delay' each way.
 */
struct ex {
	const char	*from;
	uint8_t		 flags;
	uint32_t	 seq, ack, id, len;
	int64_t		 t;		/* when it passed the sender's point */
};

static const struct ex exchange[] = {
	{ CLI, 0x02, 1000, 0, 1, 0, 0 },
	{ SRV, 0x12, 5000, 1001, 0, 0, 2000 },
	{ CLI, 0x10, 1001, 5001, 2, 0, 4000 },
	{ CLI, 0x18, 1001, 5001, 3, 100, 4100 },
	{ SRV, 0x10, 5001, 1101, 7, 0, 6000 },
	{ SRV, 0x18, 5001, 1101, 8, 300, 6100 },
	{ CLI, 0x11, 1101, 5301, 4, 0, 9000 },
	{ SRV, 0x11, 5301, 1102, 9, 0, 11000 },
	{ CLI, 0x10, 1102, 5302, 5, 0, 13000 },
};

static struct seq *
two_points(int64_t skew, int64_t delay, int no_skew, char *err,
    size_t errlen, int *rc)
{
	struct seq_opts o = { no_skew };
	struct seq *s = seq_new();
	struct packet p;
	const struct ex *e;
	int a, b, cli;
	size_t i;

	assert_non_null(s);
	a = seq_add_point(s, "near-client");
	b = seq_add_point(s, "near-server");
	for (i = 0; i < NELEM(exchange); i++) {
		e = &exchange[i];
		cli = strcmp(e->from, CLI) == 0;
		p = tcp(e->from, cli ? SRV : CLI, cli ? 40000 : 80,
		    cli ? 80 : 40000, e->flags, e->seq, e->ack, e->id, e->len,
		    0);
		/* seen at the sender's side first, then at the other */
		p.ts_us = T0 + e->t + (cli ? 0 : delay);
		assert_int_equal(seq_add_packet(s, a, &p), 0);
		p.ts_us = T0 + e->t + (cli ? delay : 0) + skew;
		assert_int_equal(seq_add_packet(s, b, &p), 0);
	}
	*rc = seq_merge(s, &o, NULL, NULL, err, errlen);
	return s;
}

#define NONE	0xffffffffu	/* no IP ID of the exchange */

/*
 * The exchange at two points, 300 us apart, without the packet of IP ID
 * drop_a at the first point and drop_b at the second, and with a resend
 * of the client's data (IP ID 10) at 8 ms when resend is set.
 */
static struct seq *
two_points_drop(uint32_t drop_a, uint32_t drop_b, int resend)
{
	struct seq_opts o = { 0 };
	struct seq *s = seq_new();
	struct packet p;
	char err[256];
	const struct ex *e;
	int a, b, cli;
	size_t i;

	assert_non_null(s);
	a = seq_add_point(s, "near-client");
	b = seq_add_point(s, "near-server");
	for (i = 0; i < NELEM(exchange); i++) {
		e = &exchange[i];
		cli = strcmp(e->from, CLI) == 0;
		p = tcp(e->from, cli ? SRV : CLI, cli ? 40000 : 80,
		    cli ? 80 : 40000, e->flags, e->seq, e->ack, e->id, e->len,
		    0);
		p.ts_us = T0 + e->t + (cli ? 0 : 300);
		if (e->id != drop_a)
			assert_int_equal(seq_add_packet(s, a, &p), 0);
		p.ts_us = T0 + e->t + (cli ? 300 : 0);
		if (e->id != drop_b)
			assert_int_equal(seq_add_packet(s, b, &p), 0);
	}
	if (resend) {
		p = tcp(CLI, SRV, 40000, 80, 0x18, 1001, 5001, 10, 100,
		    T0 + 8000);
		assert_int_equal(seq_add_packet(s, a, &p), 0);
		p.ts_us += 300;
		assert_int_equal(seq_add_packet(s, b, &p), 0);
	}
	assert_int_equal(seq_merge(s, &o, NULL, NULL, err, sizeof(err)), 0);
	return s;
}

static const struct seq_event *
event_of(const struct seq *s, uint32_t id)
{
	size_t i;

	for (i = 0; i < seq_nevents(s); i++)
		if (seq_event(s, i)->pkt.ip_id == id)
			return seq_event(s, i);
	fail_msg("no event with IP ID %u", (unsigned)id);
	return NULL;
}

static void
test_journey(void **state)
{
	const struct seq_event *e;
	const struct seq_hop *h;
	char buf[512], *js;
	struct seq *s;
	size_t i, len;

	(void)state;
	/* nothing lost: both hops measured exactly */
	s = two_points_drop(NONE, NONE, 0);
	assert_int_equal(seq_nhops(s), 2);
	h = seq_hop_find(s, 0, 1);
	assert_non_null(h);
	assert_int_equal(h->count, 5);
	assert_int_equal(h->median_us, 300);
	assert_int_equal(h->p95_us, 300);
	assert_int_equal(h->max_us, 300);
	h = seq_hop_find(s, 1, 0);
	assert_non_null(h);
	assert_int_equal(h->count, 4);
	assert_int_equal(seq_nlost(s), 0);
	assert_int_equal(seq_nnotes(s), 0);
	for (i = 0; i < seq_nevents(s); i++)
		assert_int_equal(seq_event(s, i)->nseen, 2);
	assert_string_equal(seq_hop_text(s, h, buf, sizeof(buf)),
	    "near-server to near-client: 4 packets, median 0.300 ms, "
	    "p95 0.300 ms, max 0.300 ms");
	seq_free(s);

	/* the client's data missing near the server: lost on that hop,
	 * and its resend linked; the server's data missing near the
	 * server (seen near the client: it arrived) is not lost */
	s = two_points_drop(NONE, 3, 1);
	assert_int_equal(seq_nlost(s), 1);
	e = event_of(s, 3);
	assert_int_equal(e->lost_from, 0);
	assert_int_equal(e->lost_to, 1);
	assert_int_equal(e->nseen, 1);
	e = event_of(s, 10);
	assert_int_equal(e->lost_from, -1);
	assert_true(e->retrans_of >= 0);
	assert_int_equal(seq_event(s, (size_t)e->retrans_of)->pkt.ip_id, 3);
	assert_string_equal(seq_journey_text(s, event_of(s, 3), buf,
	    sizeof(buf)), "lost between near-client and near-server");
	js = export_seq_buf(s, SEQ_FMT_JSON, NULL, &len, buf, sizeof(buf));
	assert_non_null(js);
	assert_non_null(strstr(js, "\"lost_between\": [\"near-client\", "
	    "\"near-server\"]"));
	assert_non_null(strstr(js, "\"median_ms\": 0.300"));
	assert_non_null(strstr(js, "\"time\": \"2023-11-14T22:13:20.000000Z\""));
	free(js);
	seq_free(s);

	s = two_points_drop(NONE, 8, 0);
	assert_int_equal(seq_nlost(s), 0);
	assert_int_equal(event_of(s, 8)->lost_from, -1);
	seq_free(s);
	s = two_points_drop(8, NONE, 0);
	assert_int_equal(seq_nlost(s), 1);
	assert_int_equal(event_of(s, 8)->lost_from, 1);
	assert_int_equal(event_of(s, 8)->lost_to, 0);
	seq_free(s);
}

/*
 * 24 packets each way take 300 us, one of them 5 ms: that one is marked
 * slow (more than twice its hop's p95, which with nearest rank needs 20
 * packets or more to leave one out), no other.
 */
static void
test_journey_slow(void **state)
{
	struct seq_opts o = { 0 };
	struct seq *s = seq_new();
	const struct seq_event *e;
	struct packet p;
	char err[256], buf[512];
	uint32_t i;
	int nslow = 0;

	(void)state;
	assert_int_equal(seq_add_point(s, "a"), 0);
	assert_int_equal(seq_add_point(s, "b"), 1);
	for (i = 0; i < 48; i++) {
		p = tcp(i % 2 ? SRV : CLI, i % 2 ? CLI : SRV, i % 2 ? 80 : 9,
		    i % 2 ? 9 : 80, 0x10, 100 + i, 200 + i, 1 + i, 0,
		    T0 + (int64_t)i * 10000);
		assert_int_equal(seq_add_packet(s, i % 2 ? 1 : 0, &p), 0);
		p.ts_us += i == 6 ? 5000 : 300;
		assert_int_equal(seq_add_packet(s, i % 2 ? 0 : 1, &p), 0);
	}
	assert_int_equal(seq_merge(s, &o, NULL, NULL, err, sizeof(err)), 0);
	for (i = 0; i < seq_nevents(s); i++) {
		e = seq_event(s, i);
		if (e->slow_from < 0)
			continue;
		nslow++;
		assert_int_equal(e->pkt.ip_id, 7);
		assert_string_equal(seq_journey_text(s, e, buf, sizeof(buf)),
		    "slow: a to b took 5.000 ms (p95 0.300 ms)");
	}
	assert_int_equal(nslow, 1);
	assert_int_equal(seq_hop_find(s, 0, 1)->median_us, 300);
	assert_int_equal(seq_hop_find(s, 0, 1)->max_us, 5000);
	seq_free(s);
}

/* Captures that share no packet: no hop, no loss, and a note. */
static void
test_journey_no_common(void **state)
{
	struct seq_opts o = { 0 };
	struct seq *s = seq_new();
	struct packet p;
	char err[256];

	(void)state;
	assert_int_equal(seq_add_point(s, "a"), 0);
	assert_int_equal(seq_add_point(s, "b"), 1);
	p = tcp(CLI, SRV, 1, 2, 0x02, 1, 0, 1, 0, T0);
	assert_int_equal(seq_add_packet(s, 0, &p), 0);
	p = tcp(CLI, SRV, 3, 4, 0x02, 1, 0, 2, 0, T0 + 1000);
	assert_int_equal(seq_add_packet(s, 1, &p), 0);
	assert_int_equal(seq_merge(s, &o, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(seq_nhops(s), 0);
	assert_int_equal(seq_nlost(s), 0);
	assert_int_equal(seq_nnotes(s), 1);
	assert_non_null(strstr(seq_note(s, 0), "no packet was seen at two "
	    "capture points"));
	seq_free(s);
}

static void
test_merge_dedupe(void **state)
{
	char err[256], buf[256];
	struct seq *s;
	size_t i;
	int rc;

	(void)state;
	s = two_points(0, 300, 0, err, sizeof(err), &rc);
	assert_int_equal(rc, 0);
	/* each packet once, as one arrow seen at both points */
	assert_int_equal(seq_nevents(s), NELEM(exchange));
	assert_int_equal(seq_nmerged(s), NELEM(exchange));
	for (i = 0; i < seq_nevents(s); i++) {
		assert_int_equal(seq_event(s, i)->points, 3);
		assert_int_equal(seq_event(s, i)->hop_us, 300);
		assert_int_equal(seq_event(s, i)->pkt.ip_id, exchange[i].id);
	}
	assert_int_equal(seq_nparticipants(s), 2);
	assert_string_equal(seq_participant(s, 0), CLI);
	assert_string_equal(seq_participant(s, 1), SRV);
	assert_string_equal(seq_seen_text(s, seq_event(s, 0), buf,
	    sizeof(buf)), "near-client, near-server +0.300 ms");
	assert_string_equal(seq_seen_text(s, seq_event(s, 1), buf,
	    sizeof(buf)), "near-server, near-client +0.300 ms");
	seq_free(s);
}

static void
test_skew(void **state)
{
	static const int64_t skews[] = { 0, 1234567, -3600 * SEC, 250,
	    -77, 86400 * SEC };
	const struct seq_skew *sk;
	char err[256];
	struct seq *s;
	size_t i, j;
	int rc;

	(void)state;
	for (i = 0; i < NELEM(skews); i++) {
		s = two_points(skews[i], 300, 0, err, sizeof(err), &rc);
		assert_int_equal(rc, 0);
		sk = seq_point_skew(s, 1);
		assert_int_equal(sk->how, SEQ_SKEW_BOTH_WAYS);
		assert_int_equal(sk->from, 0);
		assert_int_equal(sk->matched, NELEM(exchange));
		/* symmetric delay: the offset comes out exact */
		if (sk->offset_us != skews[i])
			fail_msg("skew %lld estimated as %lld",
			    (long long)skews[i], (long long)sk->offset_us);
		assert_int_equal(seq_point_skew(s, 0)->how,
		    SEQ_SKEW_REFERENCE);
		/* and the order is the true one */
		for (j = 0; j < seq_nevents(s); j++)
			assert_int_equal(seq_event(s, j)->pkt.ip_id,
			    exchange[j].id);
		seq_free(s);
	}
	/* --no-skew: clocks taken as they are, nothing estimated */
	s = two_points(3600 * SEC, 300, 1, err, sizeof(err), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(seq_point_skew(s, 1)->how, SEQ_SKEW_OFF);
	assert_int_equal(seq_point_skew(s, 1)->offset_us, 0);
	assert_int_equal(seq_event(s, 0)->hop_us, 3600 * SEC + 300);
	seq_free(s);
}

/* Only one direction seen at both points: latency and skew mix. */
static void
test_skew_one_way(void **state)
{
	struct seq_opts o = { 0 };
	struct packet p;
	char err[256];
	struct seq *s;
	int i;

	(void)state;
	s = seq_new();
	seq_add_point(s, "a");
	seq_add_point(s, "b");
	for (i = 0; i < 4; i++) {
		p = tcp(CLI, SRV, 40000, 80, 0x10, 100 + i, 1, 10 + i, 0,
		    T0 + i * 1000);
		seq_add_packet(s, 0, &p);
		p.ts_us += 500 + 3 * SEC;
		seq_add_packet(s, 1, &p);
	}
	assert_int_equal(seq_merge(s, &o, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(seq_point_skew(s, 1)->how, SEQ_SKEW_ONE_WAY);
	/* the fastest packet is taken as instantaneous */
	assert_int_equal(seq_point_skew(s, 1)->offset_us, 3 * SEC + 500);
	assert_int_equal(seq_nevents(s), 4);
	seq_free(s);
}

static void
test_no_overlap(void **state)
{
	struct seq_opts o = { 0 };
	struct packet p;
	char err[512];
	struct seq *s;

	(void)state;
	s = seq_new();
	seq_add_point(s, "morning");
	seq_add_point(s, "evening");
	p = tcp(CLI, SRV, 40000, 80, 0x02, 1, 0, 1, 0, T0);
	seq_add_packet(s, 0, &p);
	p = tcp(CLI, SRV, 40001, 80, 0x02, 7, 0, 2, 0, T0 + 3600 * SEC);
	seq_add_packet(s, 1, &p);
	assert_int_equal(seq_merge(s, &o, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "morning: its packets"));
	assert_non_null(strstr(err, "overlap no other capture"));
	seq_free(s);
}

/* The k-th sighting at one point goes with the k-th at the other. */
static void
test_same_packet_twice_at_one_point(void **state)
{
	struct seq_opts o = { 0 };
	struct packet p;
	char err[256];
	struct seq *s;

	(void)state;
	s = seq_new();
	seq_add_point(s, "router");
	seq_add_point(s, "host");
	p = tcp(CLI, SRV, 1, 2, 0x10, 5, 6, 7, 0, T0);
	seq_add_packet(s, 0, &p);	/* in on one interface */
	p.ts_us += 10;
	seq_add_packet(s, 0, &p);	/* out on the other */
	p.ts_us += 10;
	seq_add_packet(s, 1, &p);
	assert_int_equal(seq_merge(s, &o, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(seq_nevents(s), 2);
	assert_int_equal(seq_nmerged(s), 1);
	/* the second copy at the router went nowhere else: not a loss */
	assert_int_equal(seq_nlost(s), 0);
	seq_free(s);
}

static const char *
names_fn(void *arg, int point, int ver, const uint8_t *b)
{
	(void)arg;
	(void)ver;
	/* NAT: at point 1 the server's address is the gateway's */
	if (b[0] == 192)
		return "client \"one\"; #1";
	if (b[0] == 198)
		return point == 1 ? "gw <nat>" : "server";
	return NULL;
}

static void
test_names_and_escaping(void **state)
{
	struct export_seq_opts eo = { SEQ_LEVEL_DEFAULT, 0, NULL };
	struct seq_opts o = { 0 };
	struct packet p;
	char err[256], *buf;
	struct seq *s;
	size_t len;

	(void)state;
	s = seq_new();
	seq_add_point(s, "a");
	seq_add_point(s, "b");
	p = tcp(CLI, SRV, 40000, 80, 0x02, 1, 0, 1, 0, T0);
	seq_add_packet(s, 0, &p);
	p = tcp(CLI, SRV, 40001, 80, 0x02, 7, 0, 2, 0, T0 + 10);
	seq_add_packet(s, 1, &p);
	assert_int_equal(seq_merge(s, &o, names_fn, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(seq_nparticipants(s), 3);
	assert_string_equal(seq_participant(s, 0), "client \"one\"; #1");
	assert_string_equal(seq_participant(s, 1), "server");
	assert_string_equal(seq_participant(s, 2), "gw <nat>");

	buf = export_seq_buf(s, SEQ_FMT_SEQDIAG, &eo, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_non_null(strstr(buf, "  \"client \\\"one\\\"; #1\" -> "
	    "\"server\" [diagonal, label = \"2023-11-14 22:13:20.000000 @a\\n"
	    "[SYN] Seq=0 Len=0\", color = blue];\n"));
	assert_non_null(strstr(buf, " edge_length = 600;\n"));
	free(buf);

	buf = export_seq_buf(s, SEQ_FMT_MERMAID, &eo, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_non_null(strstr(buf, "    participant P0 as client #quot;one"
	    "#quot;#59; #35;1\n"));
	assert_non_null(strstr(buf, "    participant P2 as gw #lt;nat#gt;\n"));
	assert_non_null(strstr(buf, "    P0->>P2: 22:13:20.000010 [SYN] Seq=0 "
	    "Len=0<br/>@b\n"));
	free(buf);

	buf = export_seq_buf(s, SEQ_FMT_TEXT, &eo, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_non_null(strstr(buf, "22:13:20.000000  |-----------"));
	free(buf);
	seq_free(s);
}

static void
test_describe(void **state)
{
	struct seq_opts o = { 0 };
	struct packet p;
	char err[256], buf[256];
	struct seq *s;

	(void)state;
	s = seq_new();
	seq_add_point(s, "a");
	p = tcp(CLI, SRV, 40000, 80, 0x02, 4000000000u, 0, 0x1234, 0, T0);
	seq_add_packet(s, 0, &p);
	p = tcp(SRV, CLI, 80, 40000, 0x12, 77, 4000000001u, 0, 0, T0 + 5);
	seq_add_packet(s, 0, &p);
	p = tcp(CLI, SRV, 40000, 80, 0x18, 4000000001u, 78, 0x1235, 10,
	    T0 + 9);
	seq_add_packet(s, 0, &p);
	memset(&p, 0, sizeof(p));
	p.ts_us = T0 + 20;
	p.ipver = 4;
	p.proto = 1;
	p.sport = 8;
	v4(p.src, CLI);
	v4(p.dst, SRV);
	seq_add_packet(s, 0, &p);
	assert_int_equal(seq_merge(s, &o, NULL, NULL, err, sizeof(err)), 0);
	assert_string_equal(seq_describe(seq_event(s, 0), SEQ_LEVEL_SUMMARY,
	    buf, sizeof(buf)), "[SYN]");
	assert_string_equal(seq_describe(seq_event(s, 1), SEQ_LEVEL_DEFAULT,
	    buf, sizeof(buf)), "[SYN, ACK] Seq=0 Ack=1 Len=0");
	assert_string_equal(seq_describe(seq_event(s, 2), SEQ_LEVEL_DEFAULT,
	    buf, sizeof(buf)), "[PSH, ACK] Seq=1 Ack=1 Len=10");
	assert_string_equal(seq_describe(seq_event(s, 2), SEQ_LEVEL_FULL,
	    buf, sizeof(buf)), "40000 > 80 [PSH, ACK] Seq=1 Ack=1 Len=10 "
	    "(seq 4000000001, ack 78, IP ID 0x1235, 64 bytes)");
	assert_string_equal(seq_describe(seq_event(s, 3), SEQ_LEVEL_DEFAULT,
	    buf, sizeof(buf)), "ICMP echo request");
	assert_string_equal(seq_color(seq_event(s, 0), NULL), "blue");
	assert_string_equal(seq_color(seq_event(s, 1), NULL), "red");
	assert_string_equal(seq_color(seq_event(s, 2), NULL), "gray");
	assert_string_equal(seq_color(seq_event(s, 3), NULL), "gray");
	seq_free(s);
}

/* Text exports: packetseq's three Info levels. */
static void
test_describe_text(void **state)
{
	static const struct {
		const char	*info;
		enum seq_level	 lv;
		const char	*want;
	} cases[] = {
		{ "53833 > 3128 [SYN] Seq=0 Win=8192", SEQ_LEVEL_FULL,
		    "53833 > 3128 [SYN] Seq=0 Win=8192" },
		{ "53833 > 3128 [SYN] Seq=0 Win=8192", SEQ_LEVEL_DEFAULT,
		    "[SYN] Seq=0 Win=8192" },
		{ "53833 > 3128 [SYN] Seq=0 Win=8192", SEQ_LEVEL_SUMMARY,
		    "[SYN]" },
		{ "HTTP/1.1 404 Not Found", SEQ_LEVEL_SUMMARY,
		    "HTTP/1.1 404 Not Found" },
		{ "Server Hello, Change Cipher Spec", SEQ_LEVEL_DEFAULT,
		    "Server Hello, Change Cipher Spec" },
	};
	struct seq_opts o = { 0 };
	struct packet p;
	char err[256], buf[256];
	struct seq *s;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		s = seq_new();
		seq_add_point(s, "a");
		memset(&p, 0, sizeof(p));
		p.ipver = 4;
		v4(p.src, CLI);
		v4(p.dst, SRV);
		p.info = cases[i].info;
		p.proto_name = "TCP";
		seq_add_packet(s, 0, &p);
		assert_int_equal(seq_merge(s, &o, NULL, NULL, err,
		    sizeof(err)), 0);
		assert_string_equal(seq_describe(seq_event(s, 0), cases[i].lv,
		    buf, sizeof(buf)), cases[i].want);
		seq_free(s);
	}
}

static void
test_flags_and_colors(void **state)
{
	static const struct {
		const char	*text;
		uint8_t		 flags;
		const char	*color;
	} cases[] = {
		{ "SYN", 0x02, "blue" }, { "SYN, ACK", 0x12, "red" },
		{ "ACK", 0x10, "green" }, { "FIN", 0x01, "navy" },
		{ "FIN, ACK", 0x11, "maroon" }, { "RST", 0x04, "purple" },
		{ "RST, ACK", 0x14, "fuchsia" }, { "URG", 0x20, "olive" },
		{ "PSH", 0x08, "orange" }, { "PSH, ACK", 0x18, "gray" },
		{ "SYN, ECE, CWR", 0xc2, "blue" },
		{ "FIN, PSH, ACK", 0x19, "gray" },
	};
	struct seq_event e;
	char buf[64], br[64];
	uint8_t f;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		snprintf(br, sizeof(br), "[%s]", cases[i].text);
		assert_string_equal(seq_flags_text(cases[i].flags, buf,
		    sizeof(buf)), br);
		assert_int_equal(seq_flags_parse(cases[i].text,
		    strlen(cases[i].text), &f), 0);
		assert_int_equal(f, cases[i].flags);
		memset(&e, 0, sizeof(e));
		e.pkt.proto = 6;
		e.pkt.tcp_flags = cases[i].flags;
		assert_string_equal(seq_color(&e, NULL), cases[i].color);
	}
	/* packetseq's comma-less form, and things that are not flags */
	assert_int_equal(seq_flags_parse("SYN ACK", 7, &f), 0);
	assert_int_equal(f, 0x12);
	assert_int_equal(seq_flags_parse("TCP segment of a reassembled PDU",
	    32, &f), -1);
	assert_int_equal(seq_flags_parse("", 0, &f), -1);
	assert_string_equal(seq_flags_text(0, buf, sizeof(buf)), "[<None>]");
}

static void
test_formats(void **state)
{
	(void)state;
	assert_int_equal(export_seq_format("seqdiag"), SEQ_FMT_SEQDIAG);
	assert_int_equal(export_seq_format("diag"), SEQ_FMT_SEQDIAG);
	assert_int_equal(export_seq_format("mmd"), SEQ_FMT_MERMAID);
	assert_int_equal(export_seq_format("png"), SEQ_FMT_PNG);
	assert_int_equal(export_seq_format("dot"), -1);
}

static void
test_draw(void **state)
{
	struct export_seq_opts eo = { SEQ_LEVEL_DEFAULT, 3, NULL };
	char err[256], *buf;
	struct seq *s;
	size_t len;
	int rc;

	(void)state;
	s = two_points(0, 300, 0, err, sizeof(err), &rc);
	assert_int_equal(rc, 0);
	buf = export_seq_buf(s, SEQ_FMT_SVG, &eo, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_non_null(strstr(buf, "<svg"));
	assert_non_null(strstr(buf, "</svg>"));
	free(buf);
	buf = export_seq_buf(s, SEQ_FMT_PNG, &eo, &len, err, sizeof(err));
	assert_non_null(buf);
	assert_true(len > 8);
	assert_memory_equal(buf, "\x89PNG\r\n\x1a\n", 8);
	free(buf);
	seq_free(s);
}

/*
 * Twenty hosts, each sending host i to host i + 1 with (i + 1) * 10
 * payload bytes: folding to 12 keeps the 12 busiest in their order of
 * first appearance, one lane "others" last, and every event between two
 * folded hosts on it.  A model already small enough is left alone.
 */
static void
test_fold(void **state)
{
	struct export_seq_opts eo = { SEQ_LEVEL_DEFAULT, 0, "a title" };
	struct seq *s = seq_new();
	const struct seq_event *e;
	char a[32], b[32], err[256], *buf;
	struct packet p;
	size_t i, len, self = 0;
	int pt;

	(void)state;
	assert_non_null(s);
	pt = seq_add_point(s, "here");
	for (i = 0; i < 19; i++) {
		snprintf(a, sizeof(a), "192.0.2.%zu", i + 1);
		snprintf(b, sizeof(b), "192.0.2.%zu", i + 2);
		p = tcp(a, b, 1000, 80, 0x18, 1, 1, (uint32_t)i,
		    (uint32_t)(i + 1) * 10, T0 + (int64_t)i * SEC);
		assert_int_equal(seq_add_packet(s, pt, &p), 0);
	}
	assert_int_equal(seq_merge(s, NULL, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(seq_nparticipants(s), 20);
	assert_int_equal(seq_fold_participants(s, 19, "x"), 0);
	assert_int_equal(seq_fold_participants(s, 12, "others"), 8);
	assert_int_equal(seq_nfolded(s), 8);
	assert_int_equal(seq_nparticipants(s), 13);
	/* frames: host k in 2..19 has 98 + 20k bytes, .1 64 and .20 244:
	 * the busiest are .8 to .19, and .20 is folded with .1 to .7 */
	for (i = 0; i < 12; i++) {
		snprintf(a, sizeof(a), "192.0.2.%zu", i + 8);
		assert_string_equal(seq_participant(s, (int)i), a);
	}
	assert_string_equal(seq_participant(s, 12), "others");
	for (i = 0; i < seq_nevents(s); i++) {
		e = seq_event(s, i);
		assert_true(e->src >= 0 && e->src < 13);
		assert_true(e->dst >= 0 && e->dst < 13);
		self += e->src == 12 && e->dst == 12;
	}
	assert_int_equal(self, 6);	/* .1 -> .2 ... .6 -> .7 */
	buf = export_seq_buf(s, SEQ_FMT_SVG, &eo, &len, err, sizeof(err));
	assert_non_null(buf);
	free(buf);
	seq_free(s);
}

/*
 * LeakSanitizer asks the program for suppressions: fontconfig (under
 * cairo's text) keeps its caches for the life of the process; those are
 * not our leaks.  Unused in builds without the sanitizers.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_dedupe),
		cmocka_unit_test(test_journey),
		cmocka_unit_test(test_journey_no_common),
		cmocka_unit_test(test_journey_slow),
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_skew_one_way),
		cmocka_unit_test(test_no_overlap),
		cmocka_unit_test(test_same_packet_twice_at_one_point),
		cmocka_unit_test(test_names_and_escaping),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_text),
		cmocka_unit_test(test_flags_and_colors),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_draw),
		cmocka_unit_test(test_fold),
	};

	return cmocka_run_group_tests_name("seq", tests, NULL, NULL) != 0;
}
