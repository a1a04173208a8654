/* test_rdns.c - unit tests for reverse DNS: escaping, answers, the cache. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "rdns.h"

static void
test_rdns_escape(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "host.Example.COM", "host.example.com" },
		{ "a_b-c.0", "a_b-c.0" },
		{ "q\"t", "q\\034t" },
		{ "a\001b\nc", "a\\001b\\010c" },
		{ "sp ace\\", "sp\\032ace\\092" },
		{ "\xff", "\\255" },
		{ "", "" },
	};
	char out[64], small[6];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(rdns_escape(t[i].in, out, sizeof(out)),
		    t[i].want);
	/* cut at a whole character, never inside \DDD */
	assert_string_equal(rdns_escape("ab\"cd", small, sizeof(small)), "ab");
	assert_string_equal(rdns_escape("abcdefg", small, sizeof(small)),
	    "abcde");
}

static void
test_rdns_server_check(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(rdns_server_check("127.0.0.1"), 0);
	assert_int_equal(rdns_server_check("127.0.0.1:5353"), 0);
	assert_int_equal(rdns_server_check("[::1]:53"), 0);
	assert_int_equal(rdns_server_check("::1"), 0);
	assert_int_equal(rdns_server_check("nowhere"), -1);
	assert_int_equal(rdns_server_check("1.2.3.4:99999"), -1);
	assert_null(rdns_new(&(struct rdns_conf){ 100, 8, "nowhere" }, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "reverse_dns_server: 'nowhere'"));
}

/*
 * A name server on a loopback port: 192.0.2.1 has a PTR name with a
 * quote, a control byte and capitals, 192.0.2.2 none (NXDOMAIN); every
 * other question goes unanswered.  It counts the questions.
 */
struct server {
	int		 fd;
	unsigned	 port;
	int		 questions;
	pthread_t	 thread;
};

static void *
server_main(void *arg)
{
	/* a\001b.Q"x.example */
	static const uint8_t name[] = "\003a\001b\003Q\"x\007example";
	struct server *s = arg;
	struct sockaddr_in from;
	socklen_t fl;
	uint8_t q[512], r[600];
	ssize_t n;
	size_t len;

	for (;;) {
		fl = sizeof(from);
		if ((n = recvfrom(s->fd, q, sizeof(q), 0,
		    (struct sockaddr *)&from, &fl)) <= 12)
			return NULL;
		__atomic_add_fetch(&s->questions, 1, __ATOMIC_SEQ_CST);
		/* the question: 1.2.0.192.in-addr.arpa (any case) */
		if (q[12] != 1 || (q[13] != '1' && q[13] != '2'))
			continue;
		memcpy(r, q, (size_t)n);
		r[2] = 0x81;			/* response, RD */
		r[3] = 0x80;			/* RA, rcode 0 */
		if (q[13] == '2') {
			r[3] |= 3;		/* NXDOMAIN */
			sendto(s->fd, r, (size_t)n, 0,
			    (struct sockaddr *)&from, fl);
			continue;
		}
		r[7] = 1;			/* one answer */
		len = (size_t)n;
		memcpy(r + len, "\xc0\x0c\x00\x0c\x00\x01\x00\x00\x01\x2c",
		    10);
		len += 10;
		r[len++] = 0;
		r[len++] = sizeof(name);	/* with the root's 0 */
		memcpy(r + len, name, sizeof(name));
		len += sizeof(name);
		sendto(s->fd, r, len, 0, (struct sockaddr *)&from, fl);
	}
}

static void
server_start(struct server *s)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(s, 0, sizeof(*s));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((s->fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sin, &sl), 0);
	s->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void
server_stop(struct server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_cancel(s->thread);
	pthread_join(s->thread, NULL);
}

static int64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
query(struct rdns_query *q, const char *a)
{
	memset(q, 0, sizeof(*q));
	q->ver = 4;
	assert_int_equal(inet_pton(AF_INET, a, q->addr), 1);
}

static void
test_rdns_answers(void **state)
{
	struct server s;
	struct rdns_conf c = { 300, 2, NULL };
	struct rdns_stats st;
	struct rdns_query q[3];
	struct rdns *r;
	char srv[32], err[256];
	int64_t t0, ms;
	size_t i;

	(void)state;
	server_start(&s);
	snprintf(srv, sizeof(srv), "127.0.0.1:%u", s.port);
	c.server = srv;
	assert_non_null(r = rdns_new(&c, err, sizeof(err)));
	query(&q[0], "192.0.2.1");
	query(&q[1], "192.0.2.3");		/* never answered */
	t0 = ms_now();
	assert_int_equal(rdns_names(r, q, 2), 0);
	ms = ms_now() - t0;
	/* waited for the silent one, no longer than the limit (and slack) */
	assert_true(ms >= 290 && ms < 2000);
	assert_non_null(q[0].name);
	assert_string_equal(q[0].name, "a\\001b.q\\034x.example");
	assert_null(q[1].name);
	rdns_get_stats(r, &st);
	assert_int_equal(st.misses, 2);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.names, 1);
	assert_int_equal(st.entries, 2);
	assert_true(st.bytes > 0 && st.bytes <= st.max_bytes);
	for (i = 0; i < 2; i++)
		free(q[i].name);
	/* a lookup waited out once is not waited for again */
	query(&q[0], "192.0.2.3");
	t0 = ms_now();
	assert_int_equal(rdns_names(r, q, 1), 0);
	assert_true(ms_now() - t0 < 100);
	assert_null(q[0].name);
	rdns_get_stats(r, &st);
	assert_int_equal(st.timeouts, 2);
	assert_int_equal(st.misses, 2);

	/* a cap of 2: the answer goes, the lookup still out stays */
	query(&q[0], "192.0.2.2");
	assert_int_equal(rdns_names(r, q, 1), 0);
	assert_null(q[0].name);
	rdns_get_stats(r, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.entries, 2);
	/* NXDOMAIN is cached; 192.0.2.1 is asked again */
	query(&q[0], "192.0.2.2");
	query(&q[1], "192.0.2.1");
	assert_int_equal(rdns_names(r, q, 2), 0);
	assert_null(q[0].name);
	assert_non_null(q[1].name);
	free(q[1].name);
	rdns_get_stats(r, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 4);
	assert_true(s.questions >= 4);
	rdns_free(r);
	server_stop(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rdns_escape),
		cmocka_unit_test(test_rdns_server_check),
		cmocka_unit_test(test_rdns_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
