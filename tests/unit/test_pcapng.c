/* test_pcapng.c - unit tests for pcapng.c over images built in memory. */

#define _GNU_SOURCE		/* fmemopen, fopencookie */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "pcapng.h"

/*
 * Images follow draft-ietf-opsawg-pcapng: every block is type, total
 * length, body padded to 32 bits, total length again, in the byte order
 * of the section's SHB.
 */
#define BT_IDB		0x00000001
#define BT_OPB		0x00000002
#define BT_SPB		0x00000003
#define BT_NRB		0x00000004
#define BT_ISB		0x00000005
#define BT_EPB		0x00000006
#define BT_DSB		0x0000000A
#define BT_CB		0x00000BAD
#define BT_SHB		0x0A0D0D0A

#define NO_TSRESOL	-1

/* A growable pcapng image and the byte order of its current section. */
struct img {
	uint8_t		*b;
	size_t		 len;
	size_t		 cap;
	int		 be;
	size_t		 blk;		/* offset of the open block */
};

static void
img_init(struct img *im, int be)
{
	memset(im, 0, sizeof(*im));
	im->be = be;
}

static void
img_free(struct img *im)
{
	free(im->b);
	im->b = NULL;
}

static void
img_u8(struct img *im, uint8_t v)
{
	if (im->len == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 1024;
		im->b = realloc(im->b, im->cap);
		assert_non_null(im->b);
	}
	im->b[im->len++] = v;
}

static void
img_u16(struct img *im, uint16_t v)
{
	if (im->be) {
		img_u8(im, (uint8_t)(v >> 8));
		img_u8(im, (uint8_t)v);
	} else {
		img_u8(im, (uint8_t)v);
		img_u8(im, (uint8_t)(v >> 8));
	}
}

static void
img_u32(struct img *im, uint32_t v)
{
	if (im->be) {
		img_u16(im, (uint16_t)(v >> 16));
		img_u16(im, (uint16_t)v);
	} else {
		img_u16(im, (uint16_t)v);
		img_u16(im, (uint16_t)(v >> 16));
	}
}

static void
img_u64(struct img *im, uint64_t v)
{
	if (im->be) {
		img_u32(im, (uint32_t)(v >> 32));
		img_u32(im, (uint32_t)v);
	} else {
		img_u32(im, (uint32_t)v);
		img_u32(im, (uint32_t)(v >> 32));
	}
}

/* Overwrite 32 bits at off in the current byte order. */
static void
img_put32(struct img *im, size_t off, uint32_t v)
{
	size_t	save = im->len;

	assert_true(off + 4 <= im->len);
	im->len = off;
	img_u32(im, v);
	im->len = save;
}

/* n bytes of payload whose value is (seed + i) & 0xff. */
static void
img_data(struct img *im, size_t n, uint8_t seed)
{
	size_t	i;

	for (i = 0; i < n; i++)
		img_u8(im, (uint8_t)(seed + i));
}

static void
img_pad(struct img *im)
{
	while (im->len % 4 != 0)
		img_u8(im, 0);
}

static void
img_begin(struct img *im, uint32_t type)
{
	im->blk = im->len;
	img_u32(im, type);
	img_u32(im, 0);			/* total length, set by img_end */
}

/* Close the open block; returns its total length. */
static uint32_t
img_end(struct img *im)
{
	uint32_t	total;

	img_pad(im);
	total = (uint32_t)(im->len - im->blk + 4);
	img_u32(im, total);
	img_put32(im, im->blk + 4, total);
	return total;
}

/* Section Header Block, switching the image to byte order be. */
static void
img_shb(struct img *im, int be, uint16_t major)
{
	im->be = be;
	img_begin(im, BT_SHB);
	img_u32(im, 0x1A2B3C4D);
	img_u16(im, major);
	img_u16(im, 0);
	img_u64(im, UINT64_MAX);	/* section length: -1, unknown */
	img_end(im);
}

/* Interface Description Block; tsresol NO_TSRESOL leaves it out. */
static void
img_idb(struct img *im, uint16_t lt, uint32_t snaplen, int tsresol,
    int hasoff, int64_t tsoffset)
{
	img_begin(im, BT_IDB);
	img_u16(im, lt);
	img_u16(im, 0);
	img_u32(im, snaplen);
	/* An option the reader does not use, to be skipped: if_name. */
	img_u16(im, 2);
	img_u16(im, 3);
	img_data(im, 3, 'a');
	img_pad(im);
	if (tsresol != NO_TSRESOL) {
		img_u16(im, 9);
		img_u16(im, 1);
		img_u8(im, (uint8_t)tsresol);
		img_pad(im);
	}
	if (hasoff) {
		img_u16(im, 14);
		img_u16(im, 8);
		img_u64(im, (uint64_t)tsoffset);
	}
	img_u16(im, 0);			/* opt_endofopt */
	img_u16(im, 0);
	img_end(im);
}

static void
img_epb(struct img *im, uint32_t ifid, uint64_t ts, uint32_t caplen,
    uint32_t wirelen, size_t datalen)
{
	img_begin(im, BT_EPB);
	img_u32(im, ifid);
	img_u32(im, (uint32_t)(ts >> 32));
	img_u32(im, (uint32_t)ts);
	img_u32(im, caplen);
	img_u32(im, wirelen);
	img_data(im, datalen, (uint8_t)ifid);
	img_end(im);
}

/* An EPB whose data is caplen bytes and wirelen = caplen. */
static void
img_pkt(struct img *im, uint32_t ifid, uint64_t ts, uint32_t caplen)
{
	img_epb(im, ifid, ts, caplen, caplen, caplen);
}

static void
img_spb(struct img *im, uint32_t wirelen, size_t datalen)
{
	img_begin(im, BT_SPB);
	img_u32(im, wirelen);
	img_data(im, datalen, 0);
	img_end(im);
}

static void
img_opb(struct img *im, uint16_t ifid, uint16_t drops, uint64_t ts,
    uint32_t caplen, uint32_t wirelen)
{
	img_begin(im, BT_OPB);
	img_u16(im, ifid);
	img_u16(im, drops);
	img_u32(im, (uint32_t)(ts >> 32));
	img_u32(im, (uint32_t)ts);
	img_u32(im, caplen);
	img_u32(im, wirelen);
	img_data(im, caplen, (uint8_t)ifid);
	img_end(im);
}

/* Any other block, with a body of n bytes. */
static void
img_other(struct img *im, uint32_t type, size_t n)
{
	img_begin(im, type);
	img_data(im, n, 0x55);
	img_end(im);
}

/* The usual start: a section and one Ethernet interface, in order be. */
static void
img_start(struct img *im, int be)
{
	img_init(im, be);
	img_shb(im, be, 1);
	img_idb(im, 1, 65535, NO_TSRESOL, 0, 0);
}

static struct pcapng *
open_img(const struct img *im, char *err, size_t errlen)
{
	FILE		*fp;
	struct pcapng	*png;

	fp = fmemopen(im->b, im->len, "r");
	assert_non_null(fp);
	png = pcapng_open(fp, err, errlen);
	if (png == NULL)
		fclose(fp);
	return png;
}

static struct pcapng *
must_open(const struct img *im)
{
	char		 err[256] = "";
	struct pcapng	*png;

	png = open_img(im, err, sizeof(err));
	if (png == NULL)
		fail_msg("pcapng_open: %s", err);
	return png;
}

static void
expect_pkt(struct pcapng *png, int64_t ts_us, uint32_t caplen,
    uint32_t wirelen, int linktype, uint32_t ifindex)
{
	struct pcapng_packet	pkt;
	int			rv;

	memset(&pkt, 0, sizeof(pkt));
	rv = pcapng_next(png, &pkt);
	if (rv != 1)
		fail_msg("pcapng_next: %d (%s)", rv, pcapng_error(png));
	assert_int_equal(pkt.ts_us, ts_us);
	assert_int_equal(pkt.caplen, caplen);
	assert_int_equal(pkt.wirelen, wirelen);
	assert_int_equal(pkt.linktype, linktype);
	assert_int_equal(pkt.ifindex, ifindex);
	if (caplen > 0) {
		assert_non_null(pkt.data);
		assert_int_equal(pkt.data[0], (uint8_t)ifindex);
		assert_int_equal(pkt.data[caplen - 1],
		    (uint8_t)(ifindex + caplen - 1));
	}
}

static void
expect_end(struct pcapng *png)
{
	struct pcapng_packet	pkt;

	assert_int_equal(pcapng_next(png, &pkt), 0);
	assert_int_equal(pcapng_next(png, &pkt), 0);	/* stays at end */
}

/* The next call fails, naming the substring want; and stays failed. */
static void
expect_error(struct pcapng *png, const char *want)
{
	struct pcapng_packet	pkt;

	assert_int_equal(pcapng_next(png, &pkt), -1);
	if (strstr(pcapng_error(png), want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", pcapng_error(png), want);
	assert_int_equal(pcapng_next(png, &pkt), -1);
}

static const int	little = 0, big = 1;

static void
test_basic(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	int		 be = *(const int *)*state;

	img_start(&im, be);
	img_pkt(&im, 0, UINT64_C(1700000000123456), 60);
	img_epb(&im, 0, UINT64_C(1700000001000000), 61, 1514, 61);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), 1);
	expect_pkt(png, INT64_C(1700000000123456), 60, 60, 1, 0);
	expect_pkt(png, INT64_C(1700000001000000), 61, 1514, 1, 0);
	expect_end(png);
	assert_string_equal(pcapng_error(png), "");
	pcapng_close(png);
	img_free(&im);
}

static void
test_two_interfaces(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	int		 be = *(const int *)*state;

	img_init(&im, be);
	img_shb(&im, be, 1);
	img_idb(&im, 1, 262144, NO_TSRESOL, 0, 0);
	img_idb(&im, 113, 128, 9, 0, 0);	/* SLL, ns, snaplen 128 */
	img_pkt(&im, 0, 1000000, 100);
	img_epb(&im, 1, UINT64_C(2000000000), 128, 1500, 128);
	img_pkt(&im, 0, 3000000, 42);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), 1);
	expect_pkt(png, 1000000, 100, 100, 1, 0);
	expect_pkt(png, 2000000, 128, 1500, 113, 1);
	expect_pkt(png, 3000000, 42, 42, 1, 0);
	expect_end(png);
	assert_int_equal(pcapng_first_linktype(png), 1);
	pcapng_close(png);
	img_free(&im);
}

struct tscase {
	int		 tsresol;
	int		 hasoff;
	int64_t		 tsoffset;
	uint64_t	 ts;
	int64_t		 want;
};

static void
test_timestamps(void **state)
{
	static const struct tscase cases[] = {
		/* default 10^-6 */
		{ NO_TSRESOL, 0, 0, UINT64_C(1439753725701607),
		    INT64_C(1439753725701607) },
		/* 10^-9: floor division, exact */
		{ 9, 0, 0, UINT64_C(1700000000123456789),
		    INT64_C(1700000000123456) },
		{ 9, 0, 0, UINT64_C(1700000000123456999),
		    INT64_C(1700000000123456) },
		{ 9, 0, 0, UINT64_C(18446744073709551615),
		    INT64_C(18446744073709551) },
		/* 10^-3, 10^0 */
		{ 3, 0, 0, UINT64_C(1700000000123), INT64_C(1700000000123000) },
		{ 0, 0, 0, UINT64_C(1700000000), INT64_C(1700000000000000) },
		/* 10^-12 */
		{ 12, 0, 0, UINT64_C(1700000000123456), INT64_C(1700000000) },
		/* 2^-10: 1/1024 s = 976.5625 us */
		{ 0x80 | 10, 0, 0, (UINT64_C(1700000000) << 10) + 1,
		    INT64_C(1700000000000976) },
		{ 0x80 | 10, 0, 0, (UINT64_C(1700000000) << 10) + 512,
		    INT64_C(1700000000500000) },
		/* 2^-32: a 32.32 fixed point */
		{ 0x80 | 32, 0, 0, (UINT64_C(1700000000) << 32) + 0x80000000,
		    INT64_C(1700000000500000) },
		{ 0x80 | 32, 0, 0, (UINT64_C(1) << 32) - 1, INT64_C(999999) },
		/* 2^0 */
		{ 0x80, 0, 0, 1700000000, INT64_C(1700000000000000) },
		/* if_tsoffset, seconds, either sign */
		{ NO_TSRESOL, 1, 1000, 5, INT64_C(1000000005) },
		{ 9, 1, -10, UINT64_C(20000000001), INT64_C(10000000) },
		{ NO_TSRESOL, 1, INT64_C(1700000000), 250000,
		    INT64_C(1700000000250000) },
	};
	struct img	 im;
	struct pcapng	*png;
	size_t		 i;
	int		 be = *(const int *)*state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		img_init(&im, be);
		img_shb(&im, be, 1);
		img_idb(&im, 1, 0, cases[i].tsresol, cases[i].hasoff,
		    cases[i].tsoffset);
		img_pkt(&im, 0, cases[i].ts, 20);
		png = must_open(&im);
		expect_pkt(png, cases[i].want, 20, 20, 1, 0);
		expect_end(png);
		pcapng_close(png);
		img_free(&im);
	}
}

/* Every binary resolution against 128-bit arithmetic. */
static void
test_binary_resolutions(void **state)
{
#ifdef __SIZEOF_INT128__
	static const uint64_t tss[] = {
		0, 1, UINT64_C(0x123456789abcdef0),
		UINT64_C(0x00ffffffffffffff),
		UINT64_C(0x0000012345678901), UINT64_MAX / 1000000,
	};
	struct img		 im;
	struct pcapng		*png;
	unsigned __int128	 num;
	int64_t			 want;
	unsigned int		 n, j;

	(void)state;
	for (n = 0; n < 128; n++) {
		for (j = 0; j < sizeof(tss) / sizeof(tss[0]); j++) {
			num = (unsigned __int128)tss[j] * 1000000;
			num >>= n;
			if (num > INT64_MAX)
				continue;	/* held at the limit */
			want = (int64_t)num;
			img_init(&im, little);
			img_shb(&im, little, 1);
			img_idb(&im, 1, 0, (int)(0x80 | n), 0, 0);
			img_pkt(&im, 0, tss[j], 4);
			png = must_open(&im);
			expect_pkt(png, want, 4, 4, 1, 0);
			pcapng_close(png);
			img_free(&im);
		}
	}
#else
	(void)state;
	skip();
#endif
}

/*
 * IDB options: unknown ones skipped by their padded length, if_tsresol of
 * the wrong length ignored, nothing read after opt_endofopt, and a list
 * that runs to the block's end without opt_endofopt.
 */
static void
test_idb_options(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	int		 be = *(const int *)*state;

	img_init(&im, be);
	img_shb(&im, be, 1);
	img_begin(&im, BT_IDB);
	img_u16(&im, 1);
	img_u16(&im, 0);
	img_u32(&im, 0);
	img_u16(&im, 0x8001);		/* local use, 5 bytes + 3 padding */
	img_u16(&im, 5);
	img_data(&im, 5, 9);
	img_pad(&im);
	img_u16(&im, 9);		/* if_tsresol, length 2: ignored */
	img_u16(&im, 2);
	img_u16(&im, 0x0909);
	img_pad(&im);
	img_u16(&im, 0);		/* opt_endofopt */
	img_u16(&im, 0);
	img_u16(&im, 9);		/* past the end: ignored */
	img_u16(&im, 1);
	img_u8(&im, 3);
	img_end(&im);
	img_begin(&im, BT_IDB);
	img_u16(&im, 1);
	img_u16(&im, 0);
	img_u32(&im, 0);
	img_u16(&im, 9);		/* if_tsresol 10^-3, no opt_endofopt */
	img_u16(&im, 1);
	img_u8(&im, 3);
	img_end(&im);
	img_pkt(&im, 0, 1234567, 4);
	img_pkt(&im, 1, 1234567, 4);
	png = must_open(&im);
	expect_pkt(png, 1234567, 4, 4, 1, 0);
	expect_pkt(png, INT64_C(1234567000), 4, 4, 1, 1);
	expect_end(png);
	pcapng_close(png);
	img_free(&im);
}

static void
test_sections(void **state)
{
	struct img	 im;
	struct pcapng	*png;

	(void)state;
	img_init(&im, little);
	img_shb(&im, little, 1);
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	img_idb(&im, 0, 0, NO_TSRESOL, 0, 0);
	img_pkt(&im, 1, 10, 30);
	/* A big-endian section with other interfaces and resolution. */
	img_shb(&im, big, 1);
	img_idb(&im, 228, 0, 9, 0, 0);
	img_pkt(&im, 0, 5000, 31);
	/* Back to little endian. */
	img_shb(&im, little, 1);
	img_idb(&im, 101, 0, NO_TSRESOL, 0, 0);
	img_pkt(&im, 0, 7, 32);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), 1);
	expect_pkt(png, 10, 30, 30, 0, 1);
	expect_pkt(png, 5, 31, 31, 228, 0);
	expect_pkt(png, 7, 32, 32, 101, 0);
	expect_end(png);
	assert_int_equal(pcapng_first_linktype(png), 1);
	pcapng_close(png);
	img_free(&im);
}

/* A new section forgets the interfaces of the one before. */
static void
test_section_resets_interfaces(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	char		 want[64];
	size_t		 off;

	(void)state;
	img_init(&im, little);
	img_shb(&im, little, 1);
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	img_pkt(&im, 1, 1, 10);
	img_shb(&im, big, 1);
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	off = im.len;
	img_pkt(&im, 1, 2, 10);
	png = must_open(&im);
	expect_pkt(png, 1, 10, 10, 1, 1);
	snprintf(want, sizeof(want), "offset %zu names interface 1", off);
	expect_error(png, want);
	pcapng_close(png);
	img_free(&im);
}

static void
test_spb(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	int		 be = *(const int *)*state;

	img_init(&im, be);
	img_shb(&im, be, 1);
	img_idb(&im, 1, 100, NO_TSRESOL, 0, 0);
	img_spb(&im, 200, 120);		/* snaplen limits */
	img_spb(&im, 50, 50);		/* padded: original length limits */
	img_spb(&im, 0, 0);
	img_pkt(&im, 0, 99, 10);
	img_spb(&im, 60, 60);		/* no timestamp, not the previous */
	img_shb(&im, be, 1);
	img_idb(&im, 12, 0, NO_TSRESOL, 0, 0);
	img_spb(&im, 1500, 40);		/* snaplen 0: block room limits */
	png = must_open(&im);
	expect_pkt(png, 0, 100, 200, 1, 0);
	expect_pkt(png, 0, 50, 50, 1, 0);
	expect_pkt(png, 0, 0, 0, 1, 0);
	expect_pkt(png, 99, 10, 10, 1, 0);
	expect_pkt(png, 0, 60, 60, 1, 0);
	expect_pkt(png, 0, 40, 1500, 12, 0);
	expect_end(png);
	pcapng_close(png);
	img_free(&im);
}

static void
test_spb_without_idb(void **state)
{
	struct img	 im;
	struct pcapng	*png;

	(void)state;
	img_init(&im, little);
	img_shb(&im, little, 1);
	img_spb(&im, 10, 10);
	png = must_open(&im);
	expect_error(png, "simple packet block at offset 28 comes before any "
	    "interface");
	pcapng_close(png);
	img_free(&im);
}

static void
test_opb(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	int		 be = *(const int *)*state;

	img_start(&im, be);
	img_idb(&im, 0, 0, 9, 0, 0);
	img_opb(&im, 1, 7, UINT64_C(1700000000999999999), 40, 1000);
	img_opb(&im, 0, 0, 12, 13, 13);
	png = must_open(&im);
	expect_pkt(png, INT64_C(1700000000999999), 40, 1000, 0, 1);
	expect_pkt(png, 12, 13, 13, 1, 0);
	expect_end(png);
	pcapng_close(png);
	img_free(&im);
}

static void
test_other_blocks_skipped(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	int		 be = *(const int *)*state;

	img_init(&im, be);
	img_shb(&im, be, 1);
	img_other(&im, BT_NRB, 16);		/* before the first IDB */
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	img_pkt(&im, 0, 1, 10);
	img_other(&im, BT_ISB, 20);
	img_other(&im, BT_DSB, 33);
	img_other(&im, BT_CB, 8);
	img_other(&im, 0x40000BAD, 0);
	img_other(&im, 0x12345678, 4);
	img_other(&im, 0x80000001, 64);
	img_pkt(&im, 0, 2, 11);
	img_other(&im, BT_ISB, 20);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), 1);
	expect_pkt(png, 1, 10, 10, 1, 0);
	expect_pkt(png, 2, 11, 11, 1, 0);
	expect_end(png);
	pcapng_close(png);
	img_free(&im);
}

/* A packet bigger than the reader's first buffer makes it grow. */
static void
test_large_packet(void **state)
{
	struct img	 im;
	struct pcapng	*png;

	(void)state;
	img_start(&im, big);
	img_pkt(&im, 0, 1, 10);
	img_pkt(&im, 0, 2, 300001);
	img_pkt(&im, 0, 3, 10);
	png = must_open(&im);
	expect_pkt(png, 1, 10, 10, 1, 0);
	expect_pkt(png, 2, 300001, 300001, 1, 0);
	expect_pkt(png, 3, 10, 10, 1, 0);
	expect_end(png);
	pcapng_close(png);
	img_free(&im);
}

static void
test_no_idb(void **state)
{
	struct img	 im;
	struct pcapng	*png;

	(void)state;
	img_init(&im, little);
	img_shb(&im, little, 1);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), -1);
	expect_end(png);
	pcapng_close(png);

	/* Only blocks other than interfaces and packets. */
	img_other(&im, BT_NRB, 8);
	img_shb(&im, big, 1);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), -1);
	expect_end(png);
	pcapng_close(png);
	img_free(&im);
}

/* The first interface may sit in a later section. */
static void
test_first_linktype_later_section(void **state)
{
	struct img	 im;
	struct pcapng	*png;

	(void)state;
	img_init(&im, little);
	img_shb(&im, little, 1);
	img_shb(&im, big, 1);
	img_idb(&im, 276, 0, NO_TSRESOL, 0, 0);
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	img_pkt(&im, 1, 5, 5);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), 276);
	expect_pkt(png, 5, 5, 5, 1, 1);
	expect_end(png);
	pcapng_close(png);
	img_free(&im);
}

/* Failures of pcapng_open itself: fp stays the caller's. */
static void
test_open_failures(void **state)
{
	static const uint8_t	 classic[] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 1, 0, 0, 0,
	};
	struct img		 im;
	char			 err[256];
	FILE			*fp;

	(void)state;
	/* major version 2 */
	img_init(&im, little);
	img_shb(&im, little, 2);
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	assert_null(open_img(&im, err, sizeof(err)));
	assert_string_equal(err,
	    "unsupported pcapng major version 2 at offset 0");
	img_free(&im);

	/* bad byte-order magic */
	img_init(&im, big);
	img_shb(&im, big, 1);
	img_put32(&im, 8, 0x1A2B3C4E);
	assert_null(open_img(&im, err, sizeof(err)));
	assert_non_null(strstr(err, "byte-order magic"));
	assert_non_null(strstr(err, "offset 0"));
	img_free(&im);

	/* a classic pcap header */
	fp = fmemopen((void *)(uintptr_t)classic, sizeof(classic), "r");
	assert_non_null(fp);
	assert_null(pcapng_open(fp, err, sizeof(err)));
	assert_non_null(strstr(err, "not a pcapng file"));
	assert_int_equal(fclose(fp), 0);	/* still open: ours */

	/* an SHB cut short, an SHB with length 12 */
	img_init(&im, little);
	img_shb(&im, little, 1);
	im.len = 10;
	assert_null(open_img(&im, err, sizeof(err)));
	assert_string_equal(err, "truncated section header at offset 0 "
	    "(file ends after 10 of 12 bytes)");
	im.len = 0;
	img_begin(&im, BT_SHB);
	img_u32(&im, 0x1A2B3C4D);
	img_put32(&im, 4, 12);
	assert_null(open_img(&im, err, sizeof(err)));
	assert_non_null(strstr(err, "less than 28"));
	img_free(&im);

	/* nothing at all */
	fp = fmemopen((void *)(uintptr_t)classic, 1, "r");
	assert_non_null(fp);
	assert_int_equal(fgetc(fp), 0xd4);
	assert_null(pcapng_open(fp, err, sizeof(err)));
	assert_non_null(strstr(err, "empty file"));
	assert_int_equal(fclose(fp), 0);

	/* NULL err is allowed */
	img_init(&im, little);
	img_shb(&im, little, 3);
	assert_null(open_img(&im, NULL, 0));
	img_free(&im);
}

/*
 * The guards, each in both byte orders: a damaged block after one good
 * packet.  The builder returns the offset of the bad block, which the
 * message must name.
 */
struct guard {
	const char	*name;
	size_t		(*build)(struct img *);
	const char	*want;
};

static size_t
g_len_lt_12(struct img *im)
{
	size_t	off = im->len;

	img_u32(im, BT_EPB);
	img_u32(im, 8);
	img_u32(im, 8);
	return off;
}

static size_t
g_len_not_4(struct img *im)
{
	size_t	off = im->len;

	img_other(im, BT_ISB, 8);
	img_put32(im, off + 4, 22);
	return off;
}

static size_t
g_len_huge(struct img *im)
{
	size_t	off = im->len;

	img_other(im, BT_EPB, 40);
	img_put32(im, off + 4, 0x7ffffff0);
	return off;
}

static size_t
g_trailer(struct img *im)
{
	size_t	off = im->len;

	img_pkt(im, 0, 1, 20);
	img_put32(im, im->len - 4, 60);
	return off;
}

static size_t
g_caplen(struct img *im)
{
	size_t	off = im->len;

	img_epb(im, 0, 1, 41, 41, 40);
	return off;
}

static size_t
g_ifid(struct img *im)
{
	size_t	off = im->len;

	img_pkt(im, 2, 1, 20);
	return off;
}

static size_t
g_opb_ifid(struct img *im)
{
	size_t	off = im->len;

	img_opb(im, 1, 0, 1, 20, 20);
	return off;
}

static size_t
g_epb_short(struct img *im)
{
	size_t	off = im->len;

	img_other(im, BT_EPB, 16);
	return off;
}

static size_t
g_idb_short(struct img *im)
{
	size_t	off = im->len;

	img_other(im, BT_IDB, 4);
	return off;
}

static size_t
g_idb_option(struct img *im)
{
	size_t	off = im->len;

	img_begin(im, BT_IDB);
	img_u16(im, 1);
	img_u16(im, 0);
	img_u32(im, 0);
	img_u16(im, 9);
	img_u16(im, 9);			/* 9 bytes of value: only 4 there */
	img_u32(im, 0);
	img_end(im);
	return off;
}

static size_t
g_major2(struct img *im)
{
	size_t	off = im->len;

	img_shb(im, !im->be, 2);
	return off;
}

static size_t
g_magic(struct img *im)
{
	size_t	off = im->len;

	img_shb(im, im->be, 1);
	img_put32(im, off + 8, 0x01020304);
	return off;
}

static size_t
g_truncated(struct img *im)
{
	size_t	off = im->len;

	img_pkt(im, 0, 1, 64);		/* 96 bytes; keep 86 */
	im->len -= 10;
	return off;
}

static size_t
g_truncated_header(struct img *im)
{
	size_t	off = im->len;

	img_pkt(im, 0, 1, 64);
	im->len = off + 5;
	return off;
}

static size_t
g_truncated_shb(struct img *im)
{
	size_t	off = im->len;

	img_shb(im, im->be, 1);
	im->len = off + 20;
	return off;
}

static const struct guard guards[] = {
	{ "length < 12", g_len_lt_12, "has length 8, less than 12" },
	{ "length % 4", g_len_not_4, "has length 22, not a multiple of 4" },
	{ "length too big", g_len_huge, "has length 2147483632, more than" },
	{ "trailing length", g_trailer,
	    "has length 52 but trailing length 60" },
	{ "caplen", g_caplen, "captured length 41 but room for 40" },
	{ "interface id", g_ifid, "names interface 2, but the section has 1" },
	{ "opb interface id", g_opb_ifid, "names interface 1" },
	{ "short epb", g_epb_short, "length 28, less than 32" },
	{ "short idb", g_idb_short, "length 16, less than 20" },
	{ "idb option", g_idb_option, "option 9 at byte 16 has length 9" },
	{ "major 2", g_major2, "unsupported pcapng major version 2" },
	{ "magic", g_magic, "bad byte-order magic 0x" },
	{ "truncated", g_truncated, "(file ends after 86 of 96 bytes)" },
	{ "truncated header", g_truncated_header,
	    "(file ends after 5 of 8 bytes)" },
	{ "truncated shb", g_truncated_shb,
	    "(file ends after 20 of 28 bytes)" },
};

static void
test_guards(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	char		 want[64];
	size_t		 i, off;
	int		 be = *(const int *)*state;

	for (i = 0; i < sizeof(guards) / sizeof(guards[0]); i++) {
		img_start(&im, be);
		img_pkt(&im, 0, 77, 20);
		off = guards[i].build(&im);
		/* A good packet after, never reached; none after a cut. */
		if (strncmp(guards[i].name, "truncated", 9) != 0)
			img_pkt(&im, 0, 78, 20);
		png = must_open(&im);
		expect_pkt(png, 77, 20, 20, 1, 0);
		expect_error(png, guards[i].want);
		snprintf(want, sizeof(want), "offset %zu", off);
		if (strstr(pcapng_error(png), want) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", guards[i].name,
			    pcapng_error(png), want);
		pcapng_close(png);
		img_free(&im);
	}
}

static void
test_truncated_message(void **state)
{
	struct img	 im;
	struct pcapng	*png;

	(void)state;
	img_start(&im, little);		/* SHB 28, IDB 32 */
	img_pkt(&im, 0, 1, 8);		/* 40 */
	img_pkt(&im, 0, 2, 8);
	img_pkt(&im, 0, 3, 8);
	im.len -= 1;
	png = must_open(&im);
	expect_pkt(png, 1, 8, 8, 1, 0);
	expect_pkt(png, 2, 8, 8, 1, 0);
	expect_error(png, "truncated block at offset 140 "
	    "(file ends after 39 of 40 bytes)");
	pcapng_close(png);
	img_free(&im);
}

static void
test_epb_before_idb(void **state)
{
	struct img	 im;
	struct pcapng	*png;
	int		 be = *(const int *)*state;

	img_init(&im, be);
	img_shb(&im, be, 1);
	img_pkt(&im, 0, 1, 4);
	img_idb(&im, 1, 0, NO_TSRESOL, 0, 0);
	png = must_open(&im);
	assert_int_equal(pcapng_first_linktype(png), -1);
	expect_error(png, "enhanced packet block at offset 28 comes before "
	    "any interface description block");
	pcapng_close(png);
	img_free(&im);
}

/*
 * A stream that cannot seek and hands out at most 3 bytes a read, like a
 * slow pipe.  Being asked for bytes at or past limit is noted: a live
 * capture may not have written them yet.
 */
struct dribble {
	const uint8_t	*p;
	size_t		 left;
	size_t		 pos;
	size_t		 limit;
	int		 overread;
};

static ssize_t
dribble_read(void *cookie, char *buf, size_t n)
{
	struct dribble	*d = cookie;

	if (n > 3)
		n = 3;
	if (n > d->left)
		n = d->left;
	if (d->pos >= d->limit)
		d->overread = 1;
	memcpy(buf, d->p, n);
	d->p += n;
	d->left -= n;
	d->pos += n;
	return (ssize_t)n;
}

static int
dribble_close(void *cookie)
{
	(void)cookie;
	return 0;
}

static void
test_unseekable_stream(void **state)
{
	cookie_io_functions_t	 io = { dribble_read, NULL, NULL,
	    dribble_close };
	struct dribble		 d;
	struct img		 im;
	struct pcapng		*png;
	FILE			*fp;
	char			 err[256];

	(void)state;
	img_start(&im, big);
	img_idb(&im, 0, 0, 9, 1, 1);
	img_pkt(&im, 0, 1, 8);
	img_other(&im, BT_ISB, 12);
	img_pkt(&im, 1, 2000, 9);
	img_shb(&im, little, 1);
	img_idb(&im, 105, 0, NO_TSRESOL, 0, 0);
	img_spb(&im, 99, 99);
	d.p = im.b;
	d.left = im.len - 3;		/* and cut the last block short */
	d.pos = 0;
	d.limit = 28 + 32;		/* the first SHB and IDB */
	d.overread = 0;
	fp = fopencookie(&d, "r", io);
	assert_non_null(fp);
	png = pcapng_open(fp, err, sizeof(err));
	if (png == NULL)
		fail_msg("pcapng_open: %s", err);
	/* Open reads up to the first IDB and not a byte further. */
	assert_int_equal(pcapng_first_linktype(png), 1);
	assert_false(d.overread);
	d.limit = SIZE_MAX;
	expect_pkt(png, 1, 8, 8, 1, 0);
	expect_pkt(png, 1000002, 9, 9, 0, 1);
	expect_error(png, "(file ends after 113 of 116 bytes)");
	pcapng_close(png);
	img_free(&im);
}

static void
test_is_pcapng(void **state)
{
	static const uint8_t	le[] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0,
	    0x4d, 0x3c, 0x2b, 0x1a };
	static const uint8_t	be[] = { 0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28,
	    0x1a, 0x2b, 0x3c, 0x4d };
	static const uint8_t	bad[] = { 0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28,
	    0x1a, 0x2b, 0x3c, 0x4e };
	static const uint8_t	pcap[] = { 0xd4, 0xc3, 0xb2, 0xa1 };

	(void)state;
	assert_true(pcapng_is_pcapng(le, sizeof(le)));
	assert_true(pcapng_is_pcapng(be, sizeof(be)));
	assert_true(pcapng_is_pcapng(le, 4));
	assert_false(pcapng_is_pcapng(le, 3));
	assert_false(pcapng_is_pcapng(bad, sizeof(bad)));
	assert_false(pcapng_is_pcapng(pcap, sizeof(pcap)));
	assert_false(pcapng_is_pcapng(NULL, 0));
	pcapng_close(NULL);
}

/*
 * A real multi-interface capture (PcapPlusPlus many_interfaces-1.pcapng:
 * 11 interfaces, Ethernet and NULL) that libpcap 1.10 refuses.  The
 * expected values are what tshark 4.0.17 reports for it: 64 frames, 62 on
 * interface 0 (Ethernet), 2 on interface 10 (NULL), the first at
 * 1439753725.701607 with 178 bytes.  Skipped when the corpus is absent.
 */
static void
test_corpus_many_interfaces(void **state)
{
	static const char	 name[] =
	    "pcapplusplus-many_interfaces-1.pcapng";
	struct pcapng_packet	 pkt;
	struct pcapng		*png;
	const char		*top;
	char			 path[1024], err[256];
	FILE			*fp = NULL;
	int			 rv, n = 0, neth = 0, nnull = 0;

	(void)state;
	if ((top = getenv("top_srcdir")) != NULL) {
		snprintf(path, sizeof(path), "%s/../shared/pcaps/%s", top,
		    name);
		fp = fopen(path, "rb");
	}
	if (fp == NULL) {
		snprintf(path, sizeof(path), "/work/shared/pcaps/%s", name);
		fp = fopen(path, "rb");
	}
	if (fp == NULL)
		skip();
	png = pcapng_open(fp, err, sizeof(err));
	if (png == NULL)
		fail_msg("%s: %s", path, err);
	assert_int_equal(pcapng_first_linktype(png), 1);
	while ((rv = pcapng_next(png, &pkt)) == 1) {
		if (n == 0) {
			assert_int_equal(pkt.ts_us, INT64_C(1439753725701607));
			assert_int_equal(pkt.caplen, 178);
		}
		n++;
		if (pkt.ifindex == 0 && pkt.linktype == 1)
			neth++;
		else if (pkt.ifindex == 10 && pkt.linktype == 0)
			nnull++;
	}
	if (rv != 0)
		fail_msg("%s: %s", path, pcapng_error(png));
	assert_int_equal(n, 64);
	assert_int_equal(neth, 62);
	assert_int_equal(nnull, 2);
	pcapng_close(png);
}

#define BOTH(f)	\
	cmocka_unit_test_prestate(f, (void *)(uintptr_t)&little), \
	cmocka_unit_test_prestate(f, (void *)(uintptr_t)&big)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_basic),
		BOTH(test_two_interfaces),
		BOTH(test_timestamps),
		cmocka_unit_test(test_binary_resolutions),
		BOTH(test_idb_options),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_section_resets_interfaces),
		BOTH(test_spb),
		cmocka_unit_test(test_spb_without_idb),
		BOTH(test_opb),
		BOTH(test_other_blocks_skipped),
		cmocka_unit_test(test_large_packet),
		cmocka_unit_test(test_no_idb),
		cmocka_unit_test(test_first_linktype_later_section),
		cmocka_unit_test(test_open_failures),
		BOTH(test_guards),
		cmocka_unit_test(test_truncated_message),
		BOTH(test_epb_before_idb),
		cmocka_unit_test(test_unseekable_stream),
		cmocka_unit_test(test_is_pcapng),
		cmocka_unit_test(test_corpus_many_interfaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
