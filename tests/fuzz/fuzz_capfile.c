/* fuzz_capfile.c - libFuzzer harness over opening and reading a capture. */

#include <stdint.h>
#include <string.h>

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
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capfile *cf;
	struct cap_packet pkt;
	struct packet r;
	char err[1024], lbuf[32];
	const char *fmt;
	unsigned long n;
	int rc, st;

	err[0] = '\0';
	if ((cf = capfile_open(fuzz_file(data, size), err,
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
	for (n = 0; (rc = capfile_next(cf, &pkt)) == 1; n++) {
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
	capfile_close(cf);
	return 0;
}
