/* mkcap.c - the regression guard's capture: the same bytes on every machine. */

/*
 * bench/check.sh counts the instructions `ipgraph import` spends a packet
 * and compares them with bench/baseline.txt.  A count says something only
 * on the same input, and the benchmark captures are made from live
 * traffic (../shared/bench/make-inputs.sh), different each time and
 * absent from a fresh clone.  This program writes a capture that is the
 * same, byte for byte, wherever it runs: a fixed pseudo-random sequence
 * drives the traffic, and the packets are written with libpcap's dumper.
 *
 * The traffic is shaped after make-inputs.sh's: clients (IPv4 and IPv6)
 * fetching objects of 1 KiB to 1 MiB over HTTP, some over TLS with a
 * server name in the ClientHello, connections refused with a reset,
 * DNS queries answered with addresses, pings, and a UDP stream.  Up to
 * SESSIONS_OPEN conversations run at once and their packets interleave;
 * every frame is Ethernet, with correct IP, TCP, UDP and ICMP checksums.
 * It checks nothing; only the counts of the program reading it matter.
 *
 * usage: mkcap [-n PACKETS] FILE
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <pcap/pcap.h>

#define SESSIONS_OPEN	48
#define CLIENTS4	48
#define CLIENTS6	16
#define SERVERS		4
#define MSS		1448
#define START_SEC	1700000000	/* 2023-11-14 22:13:20 UTC */

enum kind { HTTP, TLS, REFUSED, DNS, PING, STREAM };

struct session {
	enum kind	kind;
	int		v6;
	uint8_t		cli[16], srv[16];
	uint16_t	cport, sport;
	uint32_t	cseq, sseq;
	unsigned	step;
	unsigned	left;		/* bytes (TCP), packets (UDP, ICMP) */
	unsigned	name;
};

static uint64_t prng = 0x2545f4914f6cdd1dULL;
static uint8_t frame[1600];
static pcap_dumper_t *dumper;
static uint64_t now_us = (uint64_t)START_SEC * 1000000;
static unsigned long written, limit = 100000;

/* xorshift64*: the same sequence on every machine */
static uint32_t
rnd(uint32_t n)
{
	prng ^= prng >> 12;
	prng ^= prng << 25;
	prng ^= prng >> 27;
	return (uint32_t)((prng * 0x2545f4914f6cdd1dULL) >> 32) % n;
}

/* network byte order, through the socket API's own conversions */
static void
put16(uint8_t *p, unsigned v)
{
	uint16_t n = htons((uint16_t)v);

	memcpy(p, &n, sizeof(n));
}

static void
put32(uint8_t *p, uint32_t v)
{
	uint32_t n = htonl(v);

	memcpy(p, &n, sizeof(n));
}

static uint32_t
sum(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static unsigned
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static void
addr(uint8_t *a, int v6, int server, unsigned i)
{
	memset(a, 0, 16);
	if (v6) {
		a[0] = 0xfd;
		a[1] = server ? 0x20 : 0x21;
		put16(a + 14, i + 1);
		put16(a + 12, i * 7919 % 65521);
	} else {
		a[0] = 10;
		a[1] = server ? 200 : (uint8_t)(1 + i / 250);
		a[2] = (uint8_t)(i / 250 % 4);
		a[3] = (uint8_t)(1 + i % 250);
	}
}

/*
 * One packet from the client (toserver) or the server: L4 header and
 * payload of paylen bytes (the first len of them from pay, the rest a
 * pattern), wrapped in IP and Ethernet, checksummed, dumped.
 */
static void
emit(struct session *s, int toserver, unsigned proto, const uint8_t *l4,
    size_t l4len, const uint8_t *pay, size_t len, size_t paylen)
{
	struct pcap_pkthdr h;
	const uint8_t *src = toserver ? s->cli : s->srv;
	const uint8_t *dst = toserver ? s->srv : s->cli;
	size_t ip = s->v6 ? 40 : 20, off = 14 + ip, i, tot;
	uint32_t c;
	uint8_t *q;

	if (written >= limit)
		return;
	if (off + l4len + paylen > sizeof(frame))
		paylen = sizeof(frame) - off - l4len;
	memset(frame, 0, off);
	memcpy(frame, toserver ? "\x02\x00\x00\x00\x00\x01" :
	    "\x02\x00\x00\x00\x00\x02", 6);
	memcpy(frame + 6, toserver ? "\x02\x00\x00\x00\x00\x02" :
	    "\x02\x00\x00\x00\x00\x01", 6);
	put16(frame + 12, s->v6 ? 0x86dd : 0x0800);
	q = frame + off;
	memcpy(q, l4, l4len);
	if (len > 0)
		memcpy(q + l4len, pay, len);
	for (i = len; i < paylen; i++)
		q[l4len + i] = (uint8_t)(i * 31 + s->cport);
	tot = l4len + paylen;
	/* the pseudo-header's sum, then the transport checksum */
	c = proto == 58 || proto == 6 || proto == 17 ?
	    sum(src, s->v6 ? 16 : 4, 0) + sum(dst, s->v6 ? 16 : 4, 0) +
	    proto + (uint32_t)tot : 0;
	if (proto == 1)
		c = 0;
	put16(q + (proto == 6 ? 16 : proto == 17 ? 6 : 2),
	    fold(sum(q, tot, c)));
	if (s->v6) {
		frame[14] = 0x60;
		put16(frame + 18, (unsigned)tot);
		frame[20] = (uint8_t)proto;
		frame[21] = 64;
		memcpy(frame + 22, src, 16);
		memcpy(frame + 38, dst, 16);
	} else {
		frame[14] = 0x45;
		put16(frame + 16, (unsigned)(20 + tot));
		put16(frame + 18, (unsigned)(written & 0xffff));
		frame[20] = 0x40;	/* don't fragment */
		frame[22] = 64;
		frame[23] = (uint8_t)proto;
		memcpy(frame + 26, src + 0, 4);
		memcpy(frame + 30, dst + 0, 4);
		put16(frame + 24, fold(sum(frame + 14, 20, 0)));
	}
	now_us += 20 + rnd(90);
	h.ts.tv_sec = (time_t)(now_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(now_us % 1000000);
	h.caplen = h.len = (bpf_u_int32)(off + tot);
	pcap_dump((u_char *)dumper, &h, frame);
	written++;
}

static void
tcp(struct session *s, int toserver, unsigned flags, const uint8_t *pay,
    size_t len, size_t paylen)
{
	uint8_t t[20];

	memset(t, 0, sizeof(t));
	put16(t, toserver ? s->cport : s->sport);
	put16(t + 2, toserver ? s->sport : s->cport);
	put32(t + 4, toserver ? s->cseq : s->sseq);
	put32(t + 8, flags & 0x10 ? (toserver ? s->sseq : s->cseq) : 0);
	t[12] = 5 << 4;
	t[13] = (uint8_t)flags;
	put16(t + 14, 64240);
	emit(s, toserver, 6, t, sizeof(t), pay, len, paylen);
	if (toserver)
		s->cseq += (uint32_t)paylen + (flags & 0x03 ? 1 : 0);
	else
		s->sseq += (uint32_t)paylen + (flags & 0x03 ? 1 : 0);
}

static void
udp(struct session *s, int toserver, const uint8_t *pay, size_t len,
    size_t paylen)
{
	uint8_t u[8];

	put16(u, toserver ? s->cport : s->sport);
	put16(u + 2, toserver ? s->sport : s->cport);
	put16(u + 4, (unsigned)(8 + paylen));
	put16(u + 6, 0);
	emit(s, toserver, 17, u, sizeof(u), pay, len, paylen);
}

/* "fNNN.bench.example" as DNS labels; returns the length */
static size_t
qname(uint8_t *p, unsigned name)
{
	int n = snprintf((char *)p + 1, 16, "f%u", name);

	p[0] = (uint8_t)n;
	memcpy(p + 1 + n, "\005bench\007example", 15);
	return (size_t)n + 1 + 15;
}

static void
dns(struct session *s, int answer)
{
	uint8_t m[128];
	size_t n = 12;

	memset(m, 0, sizeof(m));
	put16(m, s->cport ^ 0x5a5a);
	put16(m + 2, answer ? 0x8180 : 0x0100);
	put16(m + 4, 1);
	put16(m + 6, answer ? 1 : 0);
	n += qname(m + n, s->name);
	put16(m + n, s->v6 ? 28 : 1);
	put16(m + n + 2, 1);
	n += 4;
	if (answer) {
		put16(m + n, 0xc00c);
		put16(m + n + 2, s->v6 ? 28 : 1);
		put16(m + n + 4, 1);
		put32(m + n + 6, 300);
		put16(m + n + 10, s->v6 ? 16 : 4);
		n += 12;
		/* an address among the servers': names for the graph */
		addr(m + n, s->v6, 1, s->name % SERVERS);
		n += s->v6 ? 16 : 4;
	}
	udp(s, !answer, m, n, n);
}

static void
hello(struct session *s)
{
	uint8_t m[160], *p = m;
	size_t name, n;

	memset(m, 0, sizeof(m));
	name = (size_t)snprintf((char *)m + 80, 32, "www%u.bench.example",
	    s->name);
	n = 4 + 2 + 32 + 1 + 4 + 2 + 2 + 4 + 2 + 3 + name;
	p[0] = 22;
	put16(p + 1, 0x0301);
	put16(p + 3, (unsigned)n);
	put32(p + 5, 0x01000000 | (uint32_t)(n - 4));
	p += 9;
	put16(p, 0x0303);
	p += 2 + 32;
	*p++ = 0;			/* session id */
	put16(p, 2);
	put16(p + 2, 0x1301);		/* one cipher suite */
	p += 4;
	*p++ = 1;
	*p++ = 0;			/* compression: null */
	put16(p, (unsigned)(4 + 2 + 3 + name));
	put16(p + 2, 0);		/* server_name */
	put16(p + 4, (unsigned)(2 + 3 + name));
	put16(p + 6, (unsigned)(3 + name));
	p[8] = 0;			/* host_name */
	put16(p + 9, (unsigned)name);
	memmove(p + 11, m + 80, name);
	p += 11 + name;
	tcp(s, 1, 0x18, m, (size_t)(p - m), (size_t)(p - m));
}

static void
start(struct session *s)
{
	static const unsigned size[] = { 1024, 4096, 16384, 65536, 262144,
	    1048576 };
	static const unsigned weight[] = { 40, 28, 17, 10, 4, 1 };
	unsigned r = rnd(100), i, w;

	memset(s, 0, sizeof(*s));
	s->kind = r < 40 ? HTTP : r < 52 ? TLS : r < 60 ? REFUSED :
	    r < 92 ? DNS : r < 97 ? PING : STREAM;
	s->v6 = rnd(100) < 18;
	addr(s->cli, s->v6, 0, rnd(s->v6 ? CLIENTS6 : CLIENTS4));
	addr(s->srv, s->v6, 1, rnd(SERVERS));
	s->cport = (uint16_t)(32768 + rnd(28232));
	s->cseq = rnd(0xffffffffU);
	s->sseq = rnd(0xffffffffU);
	s->name = rnd(400);
	switch (s->kind) {
	case HTTP:
	case TLS:
		s->sport = s->kind == TLS ? 443 : rnd(3) == 0 ? 8000 : 80;
		for (r = rnd(100), i = 0, w = 0; i < 6; i++)
			if (r < (w += weight[i]))
				break;
		s->left = size[i < 6 ? i : 0];
		break;
	case REFUSED:
		s->sport = (uint16_t)(1 + rnd(1023));
		break;
	case DNS:
		s->sport = 53;
		break;
	case PING:
		s->left = 4;
		break;
	case STREAM:
		s->sport = 5201;
		s->left = 100 + rnd(200);
		break;
	}
}

/* The session's next packet(s); 1 when it has ended. */
static int
step(struct session *s)
{
	uint8_t icmp[8];
	unsigned n;

	switch (s->kind) {
	case HTTP:
	case TLS:
		switch (s->step++) {
		case 0:
			tcp(s, 1, 0x02, NULL, 0, 0);
			return 0;
		case 1:
			tcp(s, 0, 0x12, NULL, 0, 0);
			return 0;
		case 2:
			tcp(s, 1, 0x10, NULL, 0, 0);
			return 0;
		case 3:
			if (s->kind == TLS)
				hello(s);
			else
				tcp(s, 1, 0x18, (const uint8_t *)"GET /f HTTP/1.1"
				    "\r\nHost: bench\r\n\r\n", 34, 34 + rnd(90));
			return 0;
		}
		if (s->left > 0) {
			/* two segments, one acknowledgement */
			n = s->left < MSS ? s->left : MSS;
			tcp(s, 0, 0x10, NULL, 0, n);
			s->left -= n;
			if (s->left > 0) {
				n = s->left < MSS ? s->left : MSS;
				tcp(s, 0, s->left == n ? 0x18 : 0x10, NULL, 0, n);
				s->left -= n;
			}
			tcp(s, 1, 0x10, NULL, 0, 0);
			return 0;
		}
		tcp(s, 1, 0x11, NULL, 0, 0);
		tcp(s, 0, 0x11, NULL, 0, 0);
		tcp(s, 1, 0x10, NULL, 0, 0);
		return 1;
	case REFUSED:
		tcp(s, 1, 0x02, NULL, 0, 0);
		s->sseq = 0;
		tcp(s, 0, 0x14, NULL, 0, 0);
		return 1;
	case DNS:
		dns(s, s->step++);
		return s->step == 2;
	case PING:
		memset(icmp, 0, sizeof(icmp));
		icmp[0] = s->v6 ? 128 : 8;
		put16(icmp + 4, s->cport);
		put16(icmp + 6, s->step);
		emit(s, 1, s->v6 ? 58 : 1, icmp, sizeof(icmp), NULL, 0, 56);
		icmp[0] = s->v6 ? 129 : 0;
		emit(s, 0, s->v6 ? 58 : 1, icmp, sizeof(icmp), NULL, 0, 56);
		s->step++;
		return --s->left == 0;
	case STREAM:
		udp(s, 1, NULL, 0, 1460);
		return --s->left == 0;
	}
	return 1;
}

int
main(int argc, char **argv)
{
	struct session open[SESSIONS_OPEN];
	pcap_t *dead;
	char *end;
	int i;

	if (argc == 4 && strcmp(argv[1], "-n") == 0) {
		errno = 0;
		limit = strtoul(argv[2], &end, 10);
		if (errno != 0 || *end != '\0' || limit == 0) {
			fprintf(stderr, "mkcap: -n %s: not a count of "
			    "packets\n", argv[2]);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: mkcap [-n PACKETS] FILE\n");
		return 2;
	}
	if ((dead = pcap_open_dead(DLT_EN10MB, 65535)) == NULL ||
	    (dumper = pcap_dump_open(dead, argv[1])) == NULL) {
		fprintf(stderr, "mkcap: %s: %s\n", argv[1],
		    dead != NULL ? pcap_geterr(dead) : "pcap_open_dead failed");
		return 1;
	}
	for (i = 0; i < SESSIONS_OPEN; i++)
		start(&open[i]);
	while (written < limit) {
		i = (int)rnd(SESSIONS_OPEN);
		if (step(&open[i]))
			start(&open[i]);
	}
	if (pcap_dump_flush(dumper) != 0) {
		fprintf(stderr, "mkcap: %s: cannot write\n", argv[1]);
		return 1;
	}
	pcap_dump_close(dumper);
	pcap_close(dead);
	return 0;
}
