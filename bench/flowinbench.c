/* flowinbench.c - collector ingest rate: IPFIX messages to windows, one core. */

/*
 * Reads an IPFIX file (ipgraph export ipfix -o FILE), then hands its
 * messages ROUNDS times to the collector's parser (flowin.c) and each
 * flow record to windows_flow (window.c, the flow table), as ipgraphd's
 * [ipfix] listen does, without the socket and without the store: closed
 * windows are dropped.  Prints one line:
 *
 *   messages records seconds records_per_s
 *
 * usage: flowinbench FILE [ROUNDS]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flowin.h"
#include "flowtable.h"
#include "window.h"

static int
drop(void *arg, int64_t start_s, unsigned seconds,
    const struct window_stats *st, struct flowtable **ftp)
{
	(void)arg;
	(void)start_s;
	(void)seconds;
	(void)st;
	(void)ftp;		/* kept, cleared and reused */
	return 0;
}

static void
on_flow(void *arg, struct flowin_src *src, const struct flowin_rec *r)
{
	struct windows *ws = arg;
	struct flow_key k;

	(void)src;
	memset(&k, 0, sizeof(k));
	k.ipver = (uint8_t)r->ipver;
	k.proto = r->proto;
	k.sport = r->sport;
	k.dport = r->dport;
	memcpy(k.src, r->src, 16);
	memcpy(k.dst, r->dst, 16);
	windows_flow(ws, &k, r->tcp_flags, r->packets, r->bytes, r->first_us,
	    r->last_us);
}

int
main(int argc, char **argv)
{
	static const uint8_t a[4] = { 127, 0, 0, 1 };
	struct flowin_stats st;
	struct flowin *fi;
	struct windows *ws;
	struct timespec t0, t1;
	uint8_t *buf;
	size_t len, off, ml, msgs = 0;
	long rounds = argc > 2 ? atol(argv[2]) : 20, r;
	double s;
	FILE *fp;

	if (argc < 2 || (fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: flowinbench FILE [ROUNDS]\n");
		return 2;
	}
	fseek(fp, 0, SEEK_END);
	len = (size_t)ftell(fp);
	rewind(fp);
	if ((buf = malloc(len + 1)) == NULL || fread(buf, 1, len, fp) != len)
		return 1;
	fclose(fp);
	fi = flowin_new(NULL);
	ws = windows_new(60, 366u * 86400, 16, 0, drop, NULL);
	if (fi == NULL || ws == NULL)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < rounds; r++)
		for (off = 0; off + 4 <= len; off += ml) {
			ml = (size_t)buf[off + 2] << 8 | buf[off + 3];
			if (ml < 16 || ml > len - off)
				break;
			flowin_packet(fi, 4, a, buf + off, ml, r * 1000000 +
			    (int64_t)off, on_flow, ws);
			msgs++;
		}
	windows_close_all(ws);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	flowin_get_stats(fi, &st);
	printf("messages=%zu records=%llu seconds=%.3f records_per_s=%.0f\n",
	    msgs, (unsigned long long)st.records, s, (double)st.records / s);
	windows_free(ws);
	flowin_free(fi);
	free(buf);
	return 0;
}
