/* test_pcapfile.c - pcapfile.c and capture.c's block reader against libpcap. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "pcapfile.h"

/*
 * The oracle is libpcap itself: every image is read once through
 * capfile (pcapfile.c, handing odd records over to libpcap) and once
 * through pcap_next_ex alone, and the two must give the same packets,
 * the same end and the same error message.
 */

struct img {
	uint8_t	*b;
	size_t	 len;
	size_t	 cap;
	int	 be;
};

static void
put(struct img *im, const void *p, size_t n)
{
	if (im->len + n > im->cap) {
		im->cap = (im->len + n) * 2;
		im->b = realloc(im->b, im->cap);
		assert_non_null(im->b);
	}
	memcpy(im->b + im->len, p, n);
	im->len += n;
}

static void
put32(struct img *im, uint32_t v)
{
	uint8_t b[4];

	if (im->be) {
		b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
	} else {
		b[3] = v >> 24; b[2] = v >> 16; b[1] = v >> 8; b[0] = v;
	}
	put(im, b, 4);
}

static void
put16(struct img *im, uint16_t v)
{
	uint8_t b[2];

	if (im->be) {
		b[0] = v >> 8; b[1] = (uint8_t)v;
	} else {
		b[1] = v >> 8; b[0] = (uint8_t)v;
	}
	put(im, b, 2);
}

static void
file_header(struct img *im, int be, uint32_t magic, uint16_t minor,
    uint32_t snaplen, uint32_t linktype)
{
	memset(im, 0, sizeof(*im));
	im->be = be;
	put32(im, magic);
	put16(im, 2);
	put16(im, minor);
	put32(im, 0);
	put32(im, 0);
	put32(im, snaplen);
	put32(im, linktype);
}

static void
record(struct img *im, uint32_t sec, uint32_t frac, uint32_t caplen,
    uint32_t wirelen, size_t have)
{
	uint8_t d[4096];
	size_t i, n;

	put32(im, sec);
	put32(im, frac);
	put32(im, caplen);
	put32(im, wirelen);
	for (; have > 0; have -= n) {
		n = have < sizeof(d) ? have : sizeof(d);
		for (i = 0; i < n; i++)
			d[i] = (uint8_t)(rand() & 0xff);
		put(im, d, n);
	}
}

static char *
write_tmp(const struct img *im)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_pcapfile.XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, im->b, im->len), (ssize_t)im->len);
	close(fd);
	return path;
}

/*
 * Read path both ways and compare.  Returns the packets read, sets
 * *ended to capfile_next's last return.
 */
static unsigned
compare_with_libpcap(const char *path, int *ended)
{
	char err[1024], perr[PCAP_ERRBUF_SIZE];
	struct capfile *cf;
	struct cap_packet cp;
	struct pcap_pkthdr *h;
	const u_char *d;
	const char *msg;
	pcap_t *p;
	unsigned n = 0;
	int rc, prc;

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	cf = capfile_open(path, err, sizeof(err));
	if (p == NULL) {
		/* libpcap refuses the header: so must capfile */
		assert_null(cf);
		*ended = -1;
		return 0;
	}
	assert_non_null(cf);
	for (;;) {
		rc = capfile_next(cf, &cp);
		prc = pcap_next_ex(p, &h, &d);
		if (prc != 1)
			break;
		assert_int_equal(rc, 1);
		assert_int_equal(cp.ts_us, (int64_t)h->ts.tv_sec * 1000000 +
		    h->ts.tv_usec);
		assert_int_equal(cp.caplen, h->caplen);
		assert_int_equal(cp.wirelen, h->len);
		assert_int_equal(cp.linktype, pcap_datalink(p));
		assert_memory_equal(cp.data, d, h->caplen);
		n++;
	}
	if (prc == PCAP_ERROR_BREAK)
		assert_int_equal(rc, 0);
	else {
		assert_int_equal(rc, -1);
		/* "FILE: packet N: " then libpcap's own words */
		msg = strstr(capfile_error(cf), ": packet ");
		assert_non_null(msg);
		msg = strchr(msg + 9, ':');
		assert_non_null(msg);
		assert_string_equal(msg + 2, pcap_geterr(p));
	}
	*ended = rc;
	capfile_close(cf);
	pcap_close(p);
	return n;
}

/* Every link type: pcapfile's DLT_ value is pcap_datalink's. */
static void
test_linktypes(void **state)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcapfile pf;
	struct img im;
	unsigned lt, taken = 0;
	FILE *fp;
	pcap_t *p;

	(void)state;
	for (lt = 0; lt < 320; lt++) {
		file_header(&im, 0, 0xa1b2c3d4, 4, 65535, lt);
		if (pcapfile_header(im.b, im.len, &pf) != 1) {
			free(im.b);
			continue;
		}
		taken++;
		assert_non_null(fp = fmemopen(im.b, im.len, "rb"));
		p = pcap_fopen_offline(fp, perr);
		if (p != NULL) {
			assert_int_equal(pf.linktype, pcap_datalink(p));
			pcap_close(p);
		} else
			fclose(fp);
		free(im.b);
	}
	assert_true(taken > 300);
}

/* Headers the reader leaves to libpcap, and ones it takes. */
static void
test_headers(void **state)
{
	static const struct {
		int		 be;
		uint32_t	 magic;
		uint16_t	 minor;
		uint32_t	 snaplen;
		uint32_t	 lt;
		int		 want;
	} t[] = {
		{ 0, 0xa1b2c3d4, 4, 65535, 1, 1 },
		{ 1, 0xa1b2c3d4, 4, 65535, 1, 1 },
		{ 0, 0xa1b23c4d, 4, 262144, 101, 1 },
		{ 1, 0xa1b23c4d, 4, 1, 113, 1 },
		{ 0, 0xa1b2c3d4, 3, 65535, 1, 0 },	/* lengths maybe swapped */
		{ 0, 0xa1b2cd34, 4, 65535, 1, 0 },	/* Kuznetzov */
		{ 0, 0xa1b2c3d4, 4, 0, 1, 0 },		/* snaplen 0 */
		{ 0, 0xa1b2c3d4, 4, 262145, 1, 0 },
		{ 0, 0xa1b2c3d4, 4, 65535, 0x04000001, 0 },	/* FCS bits */
		{ 1, 0xa1b2c3d4, 4, 65535, 239, 0 },	/* NFLOG */
		{ 0, 0xa1b2c3d4, 4, 65535, 220, 0 },	/* USB mmapped */
		{ 0, 0x0a0d0d0a, 4, 65535, 1, 0 },	/* pcapng */
	};
	struct pcapfile pf;
	struct img im;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		file_header(&im, t[i].be, t[i].magic, t[i].minor,
		    t[i].snaplen, t[i].lt);
		assert_int_equal(pcapfile_header(im.b, im.len, &pf),
		    t[i].want);
		assert_int_equal(pcapfile_header(im.b, im.len - 1, &pf), 0);
		free(im.b);
	}
}

/* pcapfile_record alone: short header, short data, too long. */
static void
test_records(void **state)
{
	struct pcapfile pf;
	struct cap_packet cp;
	struct img im;
	size_t used, n;

	(void)state;
	/* in this host's byte order: libpcap's signed fields */
	file_header(&im, *(const uint8_t *)&(uint16_t){ 1 } == 0,
	    0xa1b23c4d, 4, 100, 1);
	assert_int_equal(pcapfile_header(im.b, im.len, &pf), 1);
	record(&im, 0xffffffff, 999999999, 60, 1514, 60);
	record(&im, 1, 0, 101, 101, 101);
	for (n = 0; n < 16 + 60; n++)
		assert_int_equal(pcapfile_record(&pf, im.b + 24, n, &cp,
		    &used), 0);
	assert_int_equal(pcapfile_record(&pf, im.b + 24, 16 + 60, &cp,
	    &used), 1);
	assert_int_equal(used, 76);
	assert_int_equal(cp.ts_us, -1000000 + 999999);	/* as libpcap */
	assert_int_equal(cp.caplen, 60);
	assert_int_equal(cp.wirelen, 1514);
	assert_ptr_equal(cp.data, im.b + 24 + 16);
	assert_int_equal(pcapfile_record(&pf, im.b + 100, im.len - 100, &cp,
	    &used), -1);
	free(im.b);
}

/*
 * Whole files through both readers: byte orders, resolutions, records
 * across the 1 MiB block boundary, then a damaged tail of each kind.
 */
static void
test_against_libpcap(void **state)
{
	enum { T_NONE, T_SHORT_HDR, T_SHORT_DATA, T_OVER_SNAP, T_OVER_MAX,
	    T_NKINDS };
	struct img im;
	char *path;
	unsigned i, n, got, seed;
	int be, ns, tail, ended;
	uint32_t snap, cl;

	(void)state;
	for (seed = 1; seed <= 24; seed++) {
		srand(seed);
		be = seed & 1;
		ns = (seed >> 1) & 1;
		tail = (int)(seed % T_NKINDS);
		snap = seed % 3 == 0 ? 262144 : 70000;
		file_header(&im, be, ns ? 0xa1b23c4d : 0xa1b2c3d4, 4, snap,
		    seed % 4 == 0 ? 101 : 1);
		n = 20 + (unsigned)(rand() % 40);
		for (i = 0; i < n; i++) {
			cl = (uint32_t)rand() % snap;
			if (i % 7 == 3)
				cl = snap;	/* the longest it takes */
			record(&im, (uint32_t)rand() * 2u, i % 5 == 1 ?
			    0xffffffffu - (uint32_t)rand() : (uint32_t)rand(),
			    cl, cl + (uint32_t)(rand() % 100), cl);
		}
		switch (tail) {
		case T_SHORT_HDR:
			put32(&im, 5);
			break;
		case T_SHORT_DATA:
			record(&im, 7, 7, 500, 500, 200);
			break;
		case T_OVER_SNAP:	/* libpcap keeps snap bytes of it */
			if (snap < 262144) {
				record(&im, 8, 8, snap + 10, snap + 10,
				    snap + 10);
				record(&im, 9, 9, 40, 40, 40);
			}
			break;
		case T_OVER_MAX:
			record(&im, 8, 8, 300000, 300000, 0);
			break;
		}
		path = write_tmp(&im);
		got = compare_with_libpcap(path, &ended);
		assert_true(got >= n);
		assert_int_equal(ended, tail == T_NONE ||
		    (tail == T_OVER_SNAP) ? 0 : -1);
		unlink(path);
		free(im.b);
	}
}

/*
 * Records libpcap must take over in the middle of a file large enough
 * to be read ahead by capture.c's thread (several blocks past the record
 * when it is met): an over-long record at about 2 MB, then 6 MB more;
 * every packet after it must still equal libpcap's.
 */
static void
test_handover_read_ahead(void **state)
{
	struct img im;
	char *path;
	unsigned i, got;
	int ended;
	uint32_t cl;

	(void)state;
	srand(99);
	file_header(&im, 0, 0xa1b2c3d4, 4, 70000, 1);
	for (i = 0; im.len < 8000000; i++) {
		cl = (uint32_t)rand() % 3000;
		if (i % 50 == 7)
			cl = 70000;
		record(&im, i, 0, cl, cl, cl);
		if (i == 700)	/* libpcap cuts it to the snapshot */
			record(&im, i, 1, 70010, 70010, 70010);
	}
	path = write_tmp(&im);
	got = compare_with_libpcap(path, &ended);
	assert_int_equal(got, i + 1);
	assert_int_equal(ended, 0);
	unlink(path);
	free(im.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linktypes),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_against_libpcap),
		cmocka_unit_test(test_handover_read_ahead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
