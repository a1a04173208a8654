/* readfloor.c - the read floor: a plain libpcap pcap_next_ex loop. */

/*
 * What any pcap reader must pay: open the file, hand every packet to the
 * caller.  The loop touches each packet's first byte and sums the lengths
 * so that nothing is optimised away; it decodes nothing.  Built by
 * bench/run.sh with cc -O2 ... -lpcap.
 *
 * usage: readfloor FILE
 */

#include <stdint.h>
#include <stdio.h>

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
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: readfloor FILE\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
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
