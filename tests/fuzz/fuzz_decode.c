/* fuzz_decode.c - libFuzzer harness over decode_packet() alone. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"

/*
 * Input layout: one selector byte, then the frame.  The selector indexes
 * this table (modulo its size, so every byte value reaches a decoder);
 * the seed corpus relies on this order, so append, never reorder.
 */
static const int linktypes[] = {
	0,	/*  0 DLT_NULL */
	1,	/*  1 DLT_EN10MB */
	9,	/*  2 DLT_PPP */
	12,	/*  3 DLT_RAW */
	14,	/*  4 DLT_RAW (OpenBSD) */
	50,	/*  5 DLT_PPP_SERIAL */
	51,	/*  6 DLT_PPP_ETHER */
	101,	/*  7 LINKTYPE_RAW */
	104,	/*  8 DLT_C_HDLC */
	105,	/*  9 DLT_IEEE802_11 */
	108,	/* 10 DLT_LOOP */
	113,	/* 11 DLT_LINUX_SLL */
	127,	/* 12 DLT_IEEE802_11_RADIO */
	192,	/* 13 DLT_PPI */
	228,	/* 14 DLT_IPV4 */
	229,	/* 15 DLT_IPV6 */
	239,	/* 16 DLT_NFLOG */
	276,	/* 17 DLT_LINUX_SLL2 */
	7,	/* 18 DLT_ARCNET */
	129,	/* 19 DLT_ARCNET_LINUX */
	258,	/* 20 DLT_PKTAP */
	195,	/* 21 DLT_IEEE802_15_4_WITHFCS */
	230,	/* 22 DLT_IEEE802_15_4_NOFCS */
	226,	/* 23 DLT_IPNET */
	178,	/* 24 DLT_JUNIPER_ETHER */
	167,	/* 25 DLT_JUNIPER_PPPOE */
	179,	/* 26 DLT_JUNIPER_PPP */
	181,	/* 27 DLT_JUNIPER_CHDLC */
	180,	/* 28 DLT_JUNIPER_FRELAY */
	137,	/* 29 DLT_JUNIPER_ATM1 */
	135,	/* 30 DLT_JUNIPER_ATM2 */
	107,	/* 31 DLT_FRELAY */
};

#define NLINKTYPES	(sizeof(linktypes) / sizeof(linktypes[0]))

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[12];
	struct packet r;
	const char *name;
	int lt, st;

	if (size < 1)
		return 0;
	lt = linktypes[data[0] % NLINKTYPES];
	if (!decode_linktype_supported(lt))
		__builtin_trap();

	/*
	 * data + 1 .. data + size is the end of libFuzzer's own exact-size
	 * copy, so ASan reports any read past caplen.
	 */
	st = decode_packet(lt, data + 1, size - 1, &r);

	if (st < 0 || st >= DECODE_NSTATUS)
		__builtin_trap();
	name = decode_status_name(st);
	if (name == NULL || name[0] == '\0' || strcmp(name, "unknown") == 0)
		__builtin_trap();
	if (st == DECODE_OK) {
		if (r.ipver != 4 && r.ipver != 6)
			__builtin_trap();
		/* An IPv4 result had its whole fixed header captured. */
		if (r.ipver == 4 && size - 1 < 20)
			__builtin_trap();
		/* 6LoWPAN (RFC 6282) compresses the IPv6 header to 2 bytes
		 * at least; everywhere else it is whole */
		if (r.ipver == 6 && size - 1 < (lt == 195 || lt == 230 ?
		    2 : 40))
			__builtin_trap();
		/* IPv4 addresses leave the last 12 bytes zero (decode.h). */
		if (r.ipver == 4 && (memcmp(r.src + 4, zero, 12) != 0 ||
		    memcmp(r.dst + 4, zero, 12) != 0))
			__builtin_trap();
		if ((r.notes & DECODE_NOTE_LATER_FRAG) &&
		    (r.sport != 0 || r.dport != 0 ||
		    !(r.notes & DECODE_NOTE_FRAGMENT)))
			__builtin_trap();
	} else if (r.ipver != 0)
		__builtin_trap();
	return 0;
}
