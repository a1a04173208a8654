/* readfloor.c - the read floor: a plain libpcap pcap_next_ex loop. */

/*
 * What any pcap reader must pay: open the file, hand every packet to the
 * caller.  The loop touches each packet's first byte and sums the lengths
 * so that nothing is optimised away; it decodes nothing.  Built by
 * bench/run.sh with cc -O2 ... -lpcap.
 *
 * usage: readfloor [-b] FILE
 *
 * -b opens the file with a 256 KiB stdio buffer, as ipgraph does, and
 * hands it to pcap_fopen_offline: libpcap's own pcap_open_offline leaves
 * stdio's default (4 KiB, one read(2) per 4 KiB).  The pair shows how
 * much of the floor is read(2) calls rather than libpcap.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	uint64_t n = 0, bytes = 0;
	unsigned x = 0;
	int rc, big = 0;
	FILE *fp;
	static char iobuf[1 << 18];

	if (argc == 3 && strcmp(argv[1], "-b") == 0) {
		big = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: readfloor [-b] FILE\n");
		return 2;
	}
	if (big) {
		if ((fp = fopen(argv[1], "rb")) == NULL) {
			perror(argv[1]);
			return 1;
		}
		setvbuf(fp, iobuf, _IOFBF, sizeof(iobuf));
		p = pcap_fopen_offline(fp, errbuf);
	} else
		p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "readfloor: %s\n", errbuf);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->len;
		if (h->caplen > 0)
			x ^= d[0];
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "readfloor: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("%llu packets, %llu bytes (%u)\n", (unsigned long long)n,
	    (unsigned long long)bytes, x);
	return 0;
}
