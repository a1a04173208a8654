/* fuzz_capfile.c - libFuzzer harness over opening and reading a capture. */

#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "decode.h"
#include "fuzz.h"

/*
 * The importer's front door: capfile_open tells pcap from pcapng by the
 * first bytes, digests them, and hands the stream to libpcap (classic
 * pcap, whose header and records libpcap parses, not we) or to pcapng.c;
 * each packet then goes to the decoder with the link type the file gave,
 * as import_file does.  capfile_open takes a path, so the input is
 * written to a scratch file first.
 *
 * Classic pcap is read by pcapfile.c in blocks, handing odd records to
 * libpcap; libpcap alone reads the same file beside it (pcap), and every
 * packet, the end and the error message must be the same.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capfile *cf;
	struct cap_packet pkt;
	struct packet r;
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pcap = NULL;
	char err[1024], lbuf[32], perr[PCAP_ERRBUF_SIZE];
	const char *fmt, *path = fuzz_file(data, size), *msg;
	unsigned long n;
	int rc, st, prc = 1;

	err[0] = '\0';
	if ((cf = capfile_open(path, err,
	    sizeof(err))) == NULL) {
		if (err[0] == '\0')
			__builtin_trap();
		return 0;
	}
	fmt = capfile_format(cf);
	if (strcmp(fmt, "pcap") != 0 && strcmp(fmt, "pcapng") != 0)
		__builtin_trap();
	if (strlen(capfile_digest(cf)) == 0)
		__builtin_trap();
	if (strcmp(fmt, "pcap") == 0 && size >= 4 && data[0] != 0x1f &&
	    data[0] != 0xfd && data[0] != 0x28)	/* not compressed */
		pcap = pcap_open_offline_with_tstamp_precision(path,
		    PCAP_TSTAMP_PRECISION_MICRO, perr);
	for (n = 0; (rc = capfile_next(cf, &pkt)) == 1; n++) {
		if (pcap != NULL && ((prc = pcap_next_ex(pcap, &h, &d)) != 1 ||
		    pkt.ts_us != (int64_t)h->ts.tv_sec * 1000000 +
		    h->ts.tv_usec || pkt.caplen != h->caplen ||
		    pkt.wirelen != h->len ||
		    pkt.linktype != pcap_datalink(pcap) ||
		    memcmp(pkt.data, d, h->caplen) != 0))
			__builtin_trap();	/* not what libpcap read */
		/* a pcap record header is 16 bytes, a pcapng block 12 */
		if (n > size / 12)
			__builtin_trap();
		(void)capfile_linktype_name(pkt.linktype, lbuf, sizeof(lbuf));
		if (!decode_linktype_supported(pkt.linktype))
			continue;
		st = decode_packet(pkt.linktype, pkt.data, pkt.caplen, &r);
		if (st < 0 || st >= DECODE_NSTATUS)
			__builtin_trap();
	}
	if (rc < 0 && *capfile_error(cf) == '\0')
		__builtin_trap();
	if (pcap != NULL) {
		prc = pcap_next_ex(pcap, &h, &d);
		if ((prc == PCAP_ERROR_BREAK) != (rc == 0))
			__builtin_trap();	/* one ended, one did not */
		/* "FILE: packet N: " then libpcap's words */
		if (rc < 0 && ((msg = strstr(capfile_error(cf),
		    ": packet ")) == NULL || (msg = strchr(msg + 9, ':')) ==
		    NULL || strcmp(msg + 2, pcap_geterr(pcap)) != 0))
			__builtin_trap();
		pcap_close(pcap);
	}
	capfile_close(cf);
	return 0;
}
