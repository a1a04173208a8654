/* fuzz_pcapng.c - libFuzzer harness over the pcapng reader (pcapng.c). */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "pcapng.h"

/*
 * The input is a whole file, read through fmemopen: pcapng_open takes a
 * stream, and a memory stream keeps every execution off the disk.  Every
 * input goes to pcapng_open, not only those pcapng_is_pcapng accepts, so
 * the reader's own check of the Section Header Block is fuzzed too.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapng *png;
	struct pcapng_packet pkt;
	char err[256];
	const char *e;
	volatile uint8_t sink = 0;
	FILE *fp;
	unsigned long n;
	uint32_t i;
	int rc;

	(void)pcapng_is_pcapng(data, size);
	if (size == 0)
		return 0;	/* fmemopen refuses an empty buffer */
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "rb")) == NULL)
		return 0;
	err[0] = '\0';
	if ((png = pcapng_open(fp, err, sizeof(err))) == NULL) {
		/* a refusal says why */
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		fclose(fp);
		return 0;
	}
	/* every block is at least 12 bytes: more packets would be a loop */
	for (n = 0; (rc = pcapng_next(png, &pkt)) == 1; n++) {
		if (n > size / 12)
			__builtin_trap();
		/* the packet's bytes are readable (ASan checks each one) */
		for (i = 0; i < pkt.caplen; i++)
			sink ^= pkt.data[i];
		if (pkt.caplen > size)
			__builtin_trap();
	}
	if (rc != 0 && rc != -1)
		__builtin_trap();
	if (rc < 0 && ((e = pcapng_error(png)) == NULL || *e == '\0'))
		__builtin_trap();
	(void)pcapng_first_linktype(png);
	(void)sink;
	pcapng_close(png);
	return 0;
}
