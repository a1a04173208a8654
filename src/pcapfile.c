/* pcapfile.c - classic pcap records parsed in place, without a copy. */

#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture.h"
#include "pcapfile.h"

/*
 * pcap-savefile(5): a 24-byte file header (magic, version major and minor
 * as 16-bit fields, time zone, sigfigs, snapshot length, link type), then
 * records of a 16-byte header (seconds, microseconds or nanoseconds,
 * captured length, length on the wire) and the captured bytes, all in the
 * byte order of the writer, which the magic tells.
 *
 * Why not libpcap: pcap_next_ex reads every record with two fread calls
 * into its own buffer, about 550 instructions a packet, more than the
 * decoder and the flow table together.  Here the caller reads the file in
 * large blocks and each packet is a pointer into the block.  The
 * rejected alternative, mmap of the whole file, dies with SIGBUS when the
 * file is cut short while being read and cannot serve a pipe or a
 * decompressed stream; large reads serve all three.  Nor was it faster:
 * walking the record headers of a 10 GB capture in the page cache took
 * 2.0-2.7 s mapped (populated ahead or not) against 2.6-2.8 s read in
 * 1 MiB blocks, the cache misses on the headers taking the copy's place.
 * capture.c reads large plain files ahead in a thread of its own.
 */

#define MAGIC_US	0xa1b2c3d4u
#define MAGIC_NS	0xa1b23c4du

static uint32_t
get32(const uint8_t *p, int be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static uint16_t
get16(const uint8_t *p, int be)
{
	return (uint16_t)(be ? p[0] << 8 | p[1] : p[1] << 8 | p[0]);
}

/* A record field: host order, or swapped (a load and a bswap). */
static inline uint32_t
rec32(const uint8_t *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

/*
 * LINKTYPE_ (the file) to DLT_ (what pcap_datalink returns on this
 * system): the values that differ below LINKTYPE_MATCHING_MIN (138).
 * Every other value is the same in both (test_pcapfile checks the whole
 * range against libpcap).
 */
static int
linktype_to_dlt(uint32_t lt)
{
	switch (lt) {
	case 100: return 11;	/* ATM_RFC1483 */
	case 101: return 12;	/* RAW */
	case 102: return 15;	/* SLIP_BSDOS */
	case 103: return 16;	/* PPP_BSDOS */
	case 106: return 19;	/* ATM_CLIP */
	default: return (int)lt;
	}
}

int
pcapfile_header(const uint8_t *p, size_t n, struct pcapfile *pf)
{
	uint32_t magic, lt;
	int be;

	if (n < PCAPFILE_HDRLEN)
		return 0;
	if (get32(p, 1) == MAGIC_US || get32(p, 1) == MAGIC_NS)
		be = 1;
	else if (get32(p, 0) == MAGIC_US || get32(p, 0) == MAGIC_NS)
		be = 0;
	else
		return 0;	/* pcapng, Kuznetzov, Navtel...: libpcap's */
	magic = get32(p, be);
	if (get16(p + 4, be) != 2 || get16(p + 6, be) != 4)
		return 0;	/* 2.3 and older swap the lengths */
	pf->snaplen = get32(p + 16, be);
	if (pf->snaplen == 0 || pf->snaplen > PCAPFILE_SNAP_MAX)
		return 0;	/* libpcap adjusts it to the link type */
	lt = get32(p + 20, be);
	if (lt > 0xffff)
		return 0;	/* FCS length bits */
	switch (lt) {
	case 189: case 220:	/* Linux USB: libpcap fixes lengths up */
	case 239:		/* NFLOG: host-order TLVs, swapped by libpcap */
	case 231: case 249: case 279:	/* other limits than 262144 */
		return 0;
	}
	pf->linktype = linktype_to_dlt(lt);
	pf->nsec = magic == MAGIC_NS;
	/* swapped means "not in this host's order", as libpcap has it */
	pf->swapped = be != (get32((const uint8_t *)&(uint32_t){ 1 }, 1) == 1);
	return 1;
}

int
pcapfile_record(const struct pcapfile *pf, const uint8_t *p, size_t n,
    struct cap_packet *pkt, size_t *used)
{
	int sw = pf->swapped;
	int64_t sec, frac;
	uint32_t caplen;

	if (n < PCAPFILE_RECHDRLEN)
		return 0;
	caplen = rec32(p + 8, sw);
	if (caplen > pf->snaplen)
		return -1;
	if (n - PCAPFILE_RECHDRLEN < caplen)
		return 0;
	/*
	 * As libpcap 1.10 has them: signed 32-bit fields in a file of this
	 * host's byte order, unsigned ones in a swapped file (its byte
	 * swap yields unsigned values).  Only damaged or post-2038 files
	 * tell the two apart; ipgraph places their packets as before.
	 */
	sec = rec32(p, sw);
	frac = rec32(p + 4, sw);
	if (!sw) {
		sec = (int32_t)(uint32_t)sec;
		frac = (int32_t)(uint32_t)frac;
	}
	if (pf->nsec)
		frac /= 1000;
	pkt->ts_us = (int64_t)sec * 1000000 + frac;
	pkt->caplen = caplen;
	pkt->wirelen = rec32(p + 12, sw);
	pkt->linktype = pf->linktype;
	pkt->data = p + PCAPFILE_RECHDRLEN;
	*used = PCAPFILE_RECHDRLEN + (size_t)caplen;
	return 1;
}
