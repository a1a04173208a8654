/* udpsend.c - an IPFIX file to a UDP collector, at a given rate. */

/*
 * usage: udpsend FILE HOST PORT ROUNDS RATE
 *
 * Sends every message of FILE (IPFIX messages one after the other, as
 * `ipgraph export ipfix -o` writes them) as one datagram, ROUNDS times,
 * RATE datagrams a second (0: as fast as the socket takes them), in
 * batches of sendmmsg.  Prints one line:
 *
 *   datagrams flow_records seconds datagrams_per_s records_per_s
 *
 * flow_records counts the data records of templates (set 2), not of
 * options templates (set 3), read from the file's own template sets
 * (fixed-length fields only).  Loopback or a namespace only: the
 * collectors of bench/collector-bench.sh.
 */

#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH	32

static unsigned reclen[65536];		/* of each template, 0: options */

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The flow records of one message; templates learnt on the way. */
static unsigned long
records(const unsigned char *m, size_t len)
{
	unsigned long n = 0;
	size_t off = 16;

	while (off + 4 <= len) {
		unsigned id = be16(m + off), sl = be16(m + off + 2);
		size_t p = off + 4, end = off + sl;

		if (sl < 4 || end > len)
			break;
		if (id == 2 || id == 3) {
			while (p + 4 <= end) {
				unsigned tid = be16(m + p), fc = be16(m + p + 2);
				unsigned i, sum = 0;

				p += id == 3 ? 6 : 4;
				for (i = 0; i < fc && p + 4 <= end; i++) {
					unsigned fid = be16(m + p);
					unsigned fl = be16(m + p + 2);

					sum += fl == 65535 ? 0 : fl;
					p += fid & 0x8000 ? 8 : 4;
				}
				reclen[tid] = id == 2 ? sum : 0;
			}
		} else if (id >= 256 && reclen[id] > 0)
			n += (sl - 4) / reclen[id];
		off = end;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct mmsghdr mh[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in sin;
	unsigned char *f;
	size_t *at, *ln, nm = 0, cap = 1024, off = 0, i;
	unsigned long rounds, rate, r, sent = 0, recs = 0, per = 0, refused = 0;
	double t0, t;
	struct stat sb;
	FILE *fp;
	int fd;

	if (argc != 6) {
		fprintf(stderr, "usage: udpsend FILE HOST PORT ROUNDS RATE\n");
		return 2;
	}
	if ((fp = fopen(argv[1], "rb")) == NULL || fstat(fileno(fp), &sb) != 0) {
		fprintf(stderr, "udpsend: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if ((f = malloc(sb.st_size + 1)) == NULL ||
	    fread(f, 1, sb.st_size, fp) != (size_t)sb.st_size) {
		fprintf(stderr, "udpsend: %s: short read\n", argv[1]);
		return 1;
	}
	fclose(fp);
	at = malloc(cap * sizeof(*at));
	ln = malloc(cap * sizeof(*ln));
	while (off + 16 <= (size_t)sb.st_size) {
		size_t l = be16(f + off + 2);

		if (be16(f + off) != 10 || l < 16 || off + l > (size_t)sb.st_size) {
			fprintf(stderr, "udpsend: %s: not an IPFIX message at "
			    "byte %zu\n", argv[1], off);
			return 1;
		}
		if (nm == cap) {
			cap *= 2;
			at = realloc(at, cap * sizeof(*at));
			ln = realloc(ln, cap * sizeof(*ln));
		}
		if (at == NULL || ln == NULL)
			return 1;
		at[nm] = off;
		ln[nm++] = l;
		per += records(f + off, l);
		off += l;
	}
	rounds = strtoul(argv[4], NULL, 10);
	rate = strtoul(argv[5], NULL, 10);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
		fprintf(stderr, "udpsend: %s: not an IPv4 address\n", argv[2]);
		return 1;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		fprintf(stderr, "udpsend: %s:%s: %s\n", argv[2], argv[3],
		    strerror(errno));
		return 1;
	}
	t0 = now();
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nm; ) {
			size_t k, b = nm - i < BATCH ? nm - i : BATCH;
			int n;

			for (k = 0; k < b; k++) {
				iov[k].iov_base = f + at[i + k];
				iov[k].iov_len = ln[i + k];
				memset(&mh[k], 0, sizeof(mh[k]));
				mh[k].msg_hdr.msg_iov = &iov[k];
				mh[k].msg_hdr.msg_iovlen = 1;
			}
			if ((n = sendmmsg(fd, mh, (unsigned)b, 0)) < 0) {
				/* a full queue, or no collector yet: again,
				 * but not for ever */
				if ((errno == ENOBUFS || errno == EAGAIN ||
				    errno == ECONNREFUSED) && ++refused < 100000)
					continue;
				fprintf(stderr, "udpsend: sendmmsg: %s\n",
				    strerror(errno));
				return 1;
			}
			i += (size_t)n;
			sent += (unsigned long)n;
			/* paced: never ahead of RATE since the start */
			while (rate > 0 && (t = now() - t0) < (double)sent / rate) {
				struct timespec ts = { 0, (long)(((double)sent /
				    rate - t) * 1e9) };

				nanosleep(&ts, NULL);
			}
		}
		recs += per;
	}
	t = now() - t0;
	printf("%lu %lu %.3f %.0f %.0f\n", sent, recs, t, sent / t, recs / t);
	return 0;
}
