/* pcapng.c - a bounds-checked, streaming reader for pcapng capture files. */

#define _DEFAULT_SOURCE		/* fread_unlocked, where glibc has it */

/*
 * Format: "PCAP Now Generic (pcapng) Capture File Format",
 * draft-ietf-opsawg-pcapng; section names below are that draft's.
 *
 * The file is read with fread only (never fseek/ftell) so that pipes and
 * fopencookie streams work.  Each block is read whole into one growable
 * buffer that is reused for the next block, so the steady state allocates
 * nothing; packet data handed out points into that buffer.  Byte offsets in
 * error messages count from where the stream stood at pcapng_open.
 *
 * Fields are only ever read through the rd.h getters, dispatched on the
 * section's byte order; no packet memory is cast to a struct.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"
#include "rd.h"

/*
 * The reader owns fp, so the lock that stdio takes on every call protects
 * nothing; on glibc skipping it makes small-packet files read about 20%
 * faster (two reads per block).  Elsewhere plain fread.
 */
#ifdef __GLIBC__
#define PCAPNG_FREAD	fread_unlocked
#else
#define PCAPNG_FREAD	fread
#endif

/* Block types: "General Block Structure", "Block Types" registry. */
#define PCAPNG_BT_OPB		0x00000002	/* Packet Block (obsolete) */
#define PCAPNG_BT_IDB		0x00000001
#define PCAPNG_BT_SPB		0x00000003
#define PCAPNG_BT_EPB		0x00000006
#define PCAPNG_BT_SHB		0x0A0D0D0A

#define PCAPNG_BYTE_ORDER_MAGIC	0x1A2B3C4D
#define PCAPNG_MAGIC_SWAPPED	0x4D3C2B1A

/* Smallest legal size of each block, trailing length included. */
#define PCAPNG_MIN_BLOCK	12	/* type, length, trailing length */
#define PCAPNG_MIN_SHB		28	/* + magic, versions, section length */
#define PCAPNG_MIN_IDB		20	/* + link type, reserved, snaplen */
#define PCAPNG_MIN_EPB		32	/* + if id, ts high/low, caplen, len */
#define PCAPNG_MIN_SPB		16	/* + original length */
#define PCAPNG_MIN_OPB		32	/* + if id, drops, ts, caplen, len */

/*
 * Largest block we accept.  The format allows up to 4 GiB, but no capture
 * tool writes packets anywhere near this, and a damaged length field must
 * not make us allocate gigabytes.
 */
#define PCAPNG_MAX_BLOCK	(256U * 1024 * 1024)

/* A section with more interfaces than this is taken to be damaged. */
#define PCAPNG_MAX_IFACES	(1U << 20)

#define PCAPNG_INITIAL_BUF	(64U * 1024)

/* IDB options: "Interface Description Block". */
#define PCAPNG_OPT_ENDOFOPT	0
#define PCAPNG_OPT_IF_TSRESOL	9
#define PCAPNG_OPT_IF_TSOFFSET	14

/* Reader states after the last call; calloc makes the first OK. */
#define PCAPNG_ST_OK		0
#define PCAPNG_ST_EOF		1
#define PCAPNG_ST_ERR		2

/* One interface of the current section, from its IDB. */
struct pcapng_iface {
	int		 linktype;
	uint32_t	 snaplen;
	int		 tsbinary;	/* 1: units are 2^-tsexp s */
	unsigned int	 tsexp;		/* resolution exponent */
	uint64_t	 tsdiv;		/* decimal, finer than us: divisor */
	uint64_t	 tsmul;		/* decimal, coarser than us: factor */
	int64_t		 tsoffset;	/* if_tsoffset, seconds */
};

struct pcapng {
	FILE			*fp;
	uint8_t			*buf;		/* the current block, whole */
	size_t			 bufsize;
	uint64_t		 pos;		/* bytes consumed so far */
	uint64_t		 blockoff;	/* start of the current block */
	uint32_t		 blocklen;	/* its total length */
	int			 bigendian;	/* current section's order */
	int			 insection;	/* an SHB has been read */
	struct pcapng_iface	*ifaces;
	size_t			 nifaces;
	size_t			 ifacecap;
	int			 firstlinktype;
	int			 state;
	int			 ahead;		/* pkt holds an unread packet */
	struct pcapng_packet	 aheadpkt;
	char			 err[256];
};

static void pcapng_seterr(struct pcapng *, const char *, ...)
    __attribute__((__format__(__printf__, 2, 3)));

/* Record an error message; the reader stays in the error state. */
static void
pcapng_seterr(struct pcapng *png, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(png->err, sizeof(png->err), fmt, ap);
	va_end(ap);
	png->state = PCAPNG_ST_ERR;
}

/* 16 bits at off in the section's byte order; -1 when outside the block. */
static int
pcapng_u16(const struct pcapng *png, const struct rd *r, size_t off,
    uint16_t *v)
{
	if (png->bigendian)
		return rd_peek_be16(r, off, v);
	return rd_peek_le16(r, off, v);
}

/* 32 bits at off in the section's byte order; -1 when outside the block. */
static int
pcapng_u32(const struct pcapng *png, const struct rd *r, size_t off,
    uint32_t *v)
{
	if (png->bigendian)
		return rd_peek_be32(r, off, v);
	return rd_peek_le32(r, off, v);
}

/*
 * 64 bits at off in the section's byte order ("Section Header Block":
 * every multi-byte field of a section is in the order its magic shows).
 */
static int
pcapng_u64(const struct pcapng *png, const struct rd *r, size_t off,
    uint64_t *v)
{
	uint32_t	a, b;

	if (pcapng_u32(png, r, off, &a) == -1 ||
	    pcapng_u32(png, r, off + 4, &b) == -1)
		return -1;
	if (png->bigendian)
		*v = (uint64_t)a << 32 | b;
	else
		*v = (uint64_t)b << 32 | a;
	return 0;
}

int
pcapng_is_pcapng(const uint8_t *buf, size_t len)
{
	struct rd	r;
	uint32_t	type, magic;

	if (buf == NULL)
		return 0;
	rd_init(&r, buf, len);
	/* The SHB type is a palindrome: no byte order needed. */
	if (rd_peek_be32(&r, 0, &type) == -1 || type != PCAPNG_BT_SHB)
		return 0;
	/* When the byte-order magic is there too, it must be right. */
	if (rd_peek_be32(&r, 8, &magic) == 0 &&
	    magic != PCAPNG_BYTE_ORDER_MAGIC && magic != PCAPNG_MAGIC_SWAPPED)
		return 0;
	return 1;
}

/* Make the block buffer hold at least n bytes; 0 or -1 (error set). */
static int
pcapng_reserve(struct pcapng *png, size_t n)
{
	uint8_t	*nbuf;
	size_t	 nsize;

	if (n <= png->bufsize)
		return 0;
	/* n <= PCAPNG_MAX_BLOCK, so doubling cannot overflow size_t. */
	nsize = png->bufsize ? png->bufsize : PCAPNG_INITIAL_BUF;
	while (nsize < n)
		nsize *= 2;
	if ((nbuf = realloc(png->buf, nsize)) == NULL) {
		pcapng_seterr(png, "out of memory for a %zu-byte block at "
		    "offset %" PRIu64, n, png->blockoff);
		return -1;
	}
	png->buf = nbuf;
	png->bufsize = nsize;
	return 0;
}

/*
 * fread exactly n bytes to dst.  Returns 1 when all came, 0 at end of file
 * with *got set to what did come, -1 on a read error (error set).
 */
static int
pcapng_fill(struct pcapng *png, uint8_t *dst, size_t n, size_t *got)
{
	size_t	k;

	k = PCAPNG_FREAD(dst, 1, n, png->fp);
	png->pos += k;
	*got = k;
	if (k == n)
		return 1;
	if (ferror(png->fp)) {
		pcapng_seterr(png, "read error in block at offset %" PRIu64
		    ": %s", png->blockoff, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Read the next whole block into buf ("General Block Structure": type,
 * total length, body, total length again) and check its lengths.  An
 * SHB's byte-order magic is looked at before its length, since it decides
 * how the length reads ("Section Header Block").  Returns 1 with
 * png->blocklen set, 0 at a clean end of file (exactly at a block
 * boundary), -1 on error (message set).
 */
static int
pcapng_read_block(struct pcapng *png)
{
	struct rd	r;
	uint32_t	type, len, trail, magic;
	size_t		got, head;
	int		rv;

	png->blockoff = png->pos;
	if (pcapng_reserve(png, PCAPNG_MIN_BLOCK) == -1)
		return -1;
	if ((rv = pcapng_fill(png, png->buf, 8, &got)) == -1)
		return -1;
	if (rv == 0) {
		if (got == 0)
			return 0;
		pcapng_seterr(png, "truncated block header at offset %" PRIu64
		    " (file ends after %zu of 8 bytes)", png->blockoff, got);
		return -1;
	}
	rd_init(&r, png->buf, 8);
	if (rd_peek_be32(&r, 0, &type) == -1)
		return -1;
	head = 8;
	if (type == PCAPNG_BT_SHB) {
		if ((rv = pcapng_fill(png, png->buf + 8, 4, &got)) == -1)
			return -1;
		if (rv == 0) {
			pcapng_seterr(png, "truncated section header at offset "
			    "%" PRIu64 " (file ends after %zu of 12 bytes)",
			    png->blockoff, 8 + got);
			return -1;
		}
		head = 12;
		rd_init(&r, png->buf, head);
		if (rd_peek_be32(&r, 8, &magic) == -1)
			return -1;
		if (magic == PCAPNG_BYTE_ORDER_MAGIC)
			png->bigendian = 1;
		else if (magic == PCAPNG_MAGIC_SWAPPED)
			png->bigendian = 0;
		else {
			pcapng_seterr(png, "bad byte-order magic 0x%08" PRIx32
			    " in section header at offset %" PRIu64, magic,
			    png->blockoff);
			return -1;
		}
		png->insection = 1;
	} else if (!png->insection) {
		pcapng_seterr(png, "not a pcapng file: block type 0x%08" PRIx32
		    " at offset %" PRIu64 " where a section header belongs",
		    type, png->blockoff);
		return -1;
	}
	if (pcapng_u32(png, &r, 4, &len) == -1)
		return -1;
	if (len < PCAPNG_MIN_BLOCK) {
		pcapng_seterr(png, "block at offset %" PRIu64 " has length %"
		    PRIu32 ", less than 12", png->blockoff, len);
		return -1;
	}
	if (len % 4 != 0) {
		pcapng_seterr(png, "block at offset %" PRIu64 " has length %"
		    PRIu32 ", not a multiple of 4", png->blockoff, len);
		return -1;
	}
	if (len > PCAPNG_MAX_BLOCK) {
		pcapng_seterr(png, "block at offset %" PRIu64 " has length %"
		    PRIu32 ", more than the %u we accept", png->blockoff, len,
		    PCAPNG_MAX_BLOCK);
		return -1;
	}
	if (type == PCAPNG_BT_SHB && len < PCAPNG_MIN_SHB) {
		pcapng_seterr(png, "section header at offset %" PRIu64
		    " has length %" PRIu32 ", less than 28", png->blockoff,
		    len);
		return -1;
	}
	if (pcapng_reserve(png, len) == -1)
		return -1;
	if ((rv = pcapng_fill(png, png->buf + head, len - head, &got)) == -1)
		return -1;
	if (rv == 0) {
		pcapng_seterr(png, "truncated block at offset %" PRIu64
		    " (file ends after %zu of %" PRIu32 " bytes)",
		    png->blockoff, head + got, len);
		return -1;
	}
	rd_init(&r, png->buf, len);
	if (pcapng_u32(png, &r, len - 4, &trail) == -1)
		return -1;
	if (trail != len) {
		pcapng_seterr(png, "block at offset %" PRIu64 " has length %"
		    PRIu32 " but trailing length %" PRIu32, png->blockoff,
		    len, trail);
		return -1;
	}
	png->blocklen = len;
	return 1;
}

/*
 * "Section Header Block": byte-order magic (already checked by
 * pcapng_read_block), major version 16, minor version 16, section length
 * 64 (may be -1, and is not needed when reading sequentially).  A new
 * section forgets the interfaces of the previous one.
 */
static int
pcapng_shb(struct pcapng *png)
{
	struct rd	r;
	uint16_t	major;

	/* pcapng_read_block made sure of the 28 bytes. */
	rd_init(&r, png->buf, png->blocklen);
	if (pcapng_u16(png, &r, 12, &major) == -1)
		return -1;
	if (major != 1) {
		pcapng_seterr(png, "unsupported pcapng major version %u at "
		    "offset %" PRIu64, major, png->blockoff);
		return -1;
	}
	/* Minor versions (1.0, 1.2) differ in nothing we read. */
	png->nifaces = 0;
	return 0;
}

/*
 * Fill the timestamp unit of ifc from if_tsresol ("Interface Description
 * Block" options): high bit clear, 10^-n seconds; set, 2^-n seconds.
 */
static void
pcapng_set_tsresol(struct pcapng_iface *ifc, uint8_t v)
{
	unsigned int	i;

	ifc->tsbinary = (v & 0x80) != 0;
	ifc->tsexp = v & 0x7f;
	ifc->tsmul = 1;
	ifc->tsdiv = 1;
	if (ifc->tsbinary)
		return;
	if (ifc->tsexp < 6) {
		for (i = ifc->tsexp; i < 6; i++)
			ifc->tsmul *= 10;
	} else {
		/* 10^19 is the largest power of ten in 64 bits. */
		for (i = 6; i < ifc->tsexp && i < 6 + 19; i++)
			ifc->tsdiv *= 10;
		if (ifc->tsexp > 6 + 19)
			ifc->tsdiv = 0;		/* every count is under 1 us */
	}
}

/*
 * "Interface Description Block": link type 16, reserved 16, snaplen 32,
 * then options ("Options": code 16, length 16, value padded to 32 bits,
 * ended by opt_endofopt or the block's end).  Only if_tsresol and
 * if_tsoffset matter here; a known option with a length other than the
 * spec's is ignored, as if absent, but an option running past the block
 * is an error.
 */
static int
pcapng_idb(struct pcapng *png)
{
	struct pcapng_iface	 ifc, *nif;
	struct rd		 r, opts;
	uint16_t		 lt, code, olen;
	uint32_t		 snaplen;
	uint64_t		 u64;
	uint8_t			 u8;
	size_t			 ncap, at;

	if (png->blocklen < PCAPNG_MIN_IDB) {
		pcapng_seterr(png, "interface description block at offset %"
		    PRIu64 " has length %" PRIu32 ", less than 20",
		    png->blockoff, png->blocklen);
		return -1;
	}
	rd_init(&r, png->buf, png->blocklen);
	if (pcapng_u16(png, &r, 8, &lt) == -1 ||
	    pcapng_u32(png, &r, 12, &snaplen) == -1)
		return -1;
	memset(&ifc, 0, sizeof(ifc));
	ifc.linktype = lt;
	ifc.snaplen = snaplen;
	pcapng_set_tsresol(&ifc, 6);	/* default: microseconds */

	rd_init(&opts, png->buf + 16, png->blocklen - 20);
	while (rd_left(&opts) >= 4) {
		at = 16 + (size_t)(opts.p - (png->buf + 16));
		if (pcapng_u16(png, &opts, 0, &code) == -1 ||
		    pcapng_u16(png, &opts, 2, &olen) == -1)
			return -1;
		if (code == PCAPNG_OPT_ENDOFOPT)
			break;
		if (rd_skip(&opts, 4) == -1 ||
		    !rd_has(&opts, ((size_t)olen + 3) & ~(size_t)3)) {
			pcapng_seterr(png, "interface description block at "
			    "offset %" PRIu64 ": option %u at byte %zu has "
			    "length %u, past the block's end", png->blockoff,
			    code, at, olen);
			return -1;
		}
		if (code == PCAPNG_OPT_IF_TSRESOL && olen == 1) {
			if (rd_peek_u8(&opts, 0, &u8) == -1)
				return -1;
			pcapng_set_tsresol(&ifc, u8);
		} else if (code == PCAPNG_OPT_IF_TSOFFSET && olen == 8) {
			if (pcapng_u64(png, &opts, 0, &u64) == -1)
				return -1;
			/* Two's complement, as the spec's int64. */
			ifc.tsoffset = u64 > INT64_MAX ?
			    -(int64_t)(~u64) - 1 : (int64_t)u64;
		}
		if (rd_skip(&opts, ((size_t)olen + 3) & ~(size_t)3) == -1)
			return -1;
	}

	if (png->nifaces >= PCAPNG_MAX_IFACES) {
		pcapng_seterr(png, "interface description block at offset %"
		    PRIu64 ": more than %u interfaces in one section",
		    png->blockoff, PCAPNG_MAX_IFACES);
		return -1;
	}
	if (png->nifaces == png->ifacecap) {
		ncap = png->ifacecap ? png->ifacecap * 2 : 8;
		/* ncap <= 2 * PCAPNG_MAX_IFACES: the product fits. */
		nif = realloc(png->ifaces, ncap * sizeof(*nif));
		if (nif == NULL) {
			pcapng_seterr(png, "out of memory for interface %zu at "
			    "offset %" PRIu64, png->nifaces, png->blockoff);
			return -1;
		}
		png->ifaces = nif;
		png->ifacecap = ncap;
	}
	png->ifaces[png->nifaces++] = ifc;
	if (png->firstlinktype == -1)
		png->firstlinktype = ifc.linktype;
	return 0;
}

/* a + b, held at the int64 limits instead of overflowing. */
static int64_t
pcapng_sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/*
 * Convert a count of the interface's time units ("Enhanced Packet Block":
 * unsigned 64 bits since 1970, split high/low) to microseconds, rounding
 * down, plus if_tsoffset.  Exact for every resolution: binary fractions go
 * through a 64x20-bit product split in two 32-bit halves rather than a
 * 128-bit type, which not every compiler has.  Values beyond int64
 * microseconds (some 292,000 years; seen when a writer stores a negative
 * time) are held at the limit rather than wrapped.
 */
static int64_t
pcapng_ts_us(const struct pcapng_iface *ifc, uint64_t t)
{
	uint64_t	us, sec, frac, lo, hi;
	unsigned int	n;
	int64_t		v, off;

	if (!ifc->tsbinary) {
		if (ifc->tsdiv == 0)
			us = 0;
		else if (ifc->tsmul != 1)
			us = t > UINT64_MAX / ifc->tsmul ? UINT64_MAX :
			    t * ifc->tsmul;
		else
			us = t / ifc->tsdiv;
	} else {
		n = ifc->tsexp;
		if (n < 64) {
			sec = t >> n;
			frac = n == 0 ? 0 : t & ((UINT64_C(1) << n) - 1);
			us = sec > UINT64_MAX / 1000000 ? UINT64_MAX :
			    sec * 1000000;
		} else {
			frac = t;
			us = 0;
		}
		/* floor(frac * 10^6 / 2^n), frac < 2^n */
		if (n < 32)
			us += (frac * 1000000) >> n;
		else {
			lo = (frac & 0xffffffff) * 1000000;
			hi = (frac >> 32) * 1000000;
			hi += lo >> 32;
			if (n - 32 < 64)
				us += hi >> (n - 32);
		}
	}
	v = us > INT64_MAX ? INT64_MAX : (int64_t)us;
	if (ifc->tsoffset == 0)
		return v;
	if (ifc->tsoffset > INT64_MAX / 1000000)
		off = INT64_MAX;
	else if (ifc->tsoffset < INT64_MIN / 1000000)
		off = INT64_MIN;
	else
		off = ifc->tsoffset * 1000000;
	return pcapng_sat_add(v, off);
}

/* Look up interface id of the packet block being read; NULL (error set). */
static const struct pcapng_iface *
pcapng_iface(struct pcapng *png, uint32_t id, const char *what)
{
	if (png->nifaces == 0) {
		pcapng_seterr(png, "%s at offset %" PRIu64 " comes before any "
		    "interface description block", what, png->blockoff);
		return NULL;
	}
	if (id >= png->nifaces) {
		pcapng_seterr(png, "%s at offset %" PRIu64 " names interface %"
		    PRIu32 ", but the section has %zu", what, png->blockoff,
		    id, png->nifaces);
		return NULL;
	}
	return &png->ifaces[id];
}

/*
 * "Enhanced Packet Block": interface id 32, timestamp high 32, low 32,
 * captured length 32, original length 32, data padded to 32 bits,
 * options.  The obsolete "Packet Block" (an appendix of the draft) has the
 * same layout with a 16-bit interface id and a 16-bit drops count.
 */
static int
pcapng_epb(struct pcapng *png, int obsolete, struct pcapng_packet *pkt)
{
	const struct pcapng_iface	*ifc;
	const char			*what;
	struct rd			 r;
	uint32_t			 id, th, tl, caplen, wirelen, room;
	uint16_t			 id16;

	what = obsolete ? "packet block" : "enhanced packet block";
	if (png->blocklen < PCAPNG_MIN_EPB) {
		pcapng_seterr(png, "%s at offset %" PRIu64 " has length %"
		    PRIu32 ", less than 32", what, png->blockoff,
		    png->blocklen);
		return -1;
	}
	rd_init(&r, png->buf, png->blocklen);
	if (obsolete) {
		if (pcapng_u16(png, &r, 8, &id16) == -1)
			return -1;
		id = id16;
	} else if (pcapng_u32(png, &r, 8, &id) == -1)
		return -1;
	if (pcapng_u32(png, &r, 12, &th) == -1 ||
	    pcapng_u32(png, &r, 16, &tl) == -1 ||
	    pcapng_u32(png, &r, 20, &caplen) == -1 ||
	    pcapng_u32(png, &r, 24, &wirelen) == -1)
		return -1;
	room = png->blocklen - PCAPNG_MIN_EPB;
	if (caplen > room) {
		pcapng_seterr(png, "%s at offset %" PRIu64 " has captured "
		    "length %" PRIu32 " but room for %" PRIu32, what,
		    png->blockoff, caplen, room);
		return -1;
	}
	if ((ifc = pcapng_iface(png, id, what)) == NULL)
		return -1;
	if (rd_skip(&r, 28) == -1 || !rd_has(&r, caplen))
		return -1;
	pkt->ts_us = pcapng_ts_us(ifc, (uint64_t)th << 32 | tl);
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->linktype = ifc->linktype;
	pkt->ifindex = id;
	pkt->data = r.p;
	return 1;
}

/*
 * "Simple Packet Block": original length 32, data padded to 32 bits;
 * always interface 0.  Captured length is the least of the original
 * length, the room in the block and the interface's snaplen (when not 0).
 * There is no timestamp: ts_us is 0, as libpcap and Wireshark also
 * report, so that callers can tell "unknown" from a guess; borrowing the
 * previous packet's time was rejected because it invents a value and
 * depends on block order across sections.
 */
static int
pcapng_spb(struct pcapng *png, struct pcapng_packet *pkt)
{
	const struct pcapng_iface	*ifc;
	struct rd			 r;
	uint32_t			 wirelen, caplen, room;

	if (png->blocklen < PCAPNG_MIN_SPB) {
		pcapng_seterr(png, "simple packet block at offset %" PRIu64
		    " has length %" PRIu32 ", less than 16", png->blockoff,
		    png->blocklen);
		return -1;
	}
	if ((ifc = pcapng_iface(png, 0, "simple packet block")) == NULL)
		return -1;
	rd_init(&r, png->buf, png->blocklen);
	if (pcapng_u32(png, &r, 8, &wirelen) == -1)
		return -1;
	room = png->blocklen - PCAPNG_MIN_SPB;
	caplen = wirelen;
	if (caplen > room)
		caplen = room;
	if (ifc->snaplen != 0 && caplen > ifc->snaplen)
		caplen = ifc->snaplen;
	if (rd_skip(&r, 12) == -1 || !rd_has(&r, caplen))
		return -1;
	pkt->ts_us = 0;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->linktype = ifc->linktype;
	pkt->ifindex = 0;
	pkt->data = r.p;
	return 1;
}

/*
 * Act on the block in buf.  Returns 1 when it was a packet (pkt filled),
 * 0 for any other block (interfaces and sections are taken note of,
 * everything else, e.g. NRB, ISB, DSB, custom and unknown types, is
 * skipped), -1 on error (message set).
 */
static int
pcapng_block(struct pcapng *png, struct pcapng_packet *pkt)
{
	struct rd	r;
	uint32_t	type;

	rd_init(&r, png->buf, png->blocklen);
	if (pcapng_u32(png, &r, 0, &type) == -1)
		return -1;
	switch (type) {
	case PCAPNG_BT_EPB:
		return pcapng_epb(png, 0, pkt);
	case PCAPNG_BT_SPB:
		return pcapng_spb(png, pkt);
	case PCAPNG_BT_OPB:
		return pcapng_epb(png, 1, pkt);
	case PCAPNG_BT_IDB:
		return pcapng_idb(png) == -1 ? -1 : 0;
	case PCAPNG_BT_SHB:
		return pcapng_shb(png) == -1 ? -1 : 0;
	default:
		return 0;
	}
}

/*
 * Read blocks until one is a packet, or with stopidb set, until one is an
 * IDB.  Returns 1 (pkt filled), 2 (an IDB was read, stopidb only), 0 at a
 * clean end of file, -1 on error; the end and error states are kept so
 * that later calls answer the same.
 */
static int
pcapng_advance(struct pcapng *png, struct pcapng_packet *pkt, int stopidb)
{
	size_t	nif;
	int	rv;

	for (;;) {
		if ((rv = pcapng_read_block(png)) == 0) {
			png->state = PCAPNG_ST_EOF;
			return 0;
		}
		if (rv == -1)
			break;
		nif = png->nifaces;
		if ((rv = pcapng_block(png, pkt)) == 1)
			return 1;
		if (rv == -1)
			break;
		if (stopidb && png->nifaces > nif)
			return 2;
	}
	/* Every -1 path above has set the message; make sure of it. */
	if (png->err[0] == '\0')
		pcapng_seterr(png, "malformed block at offset %" PRIu64,
		    png->blockoff);
	png->state = PCAPNG_ST_ERR;
	return -1;
}

struct pcapng *
pcapng_open(FILE *fp, char *err, size_t errlen)
{
	struct pcapng	*png;
	int		 rv;

	if ((png = calloc(1, sizeof(*png))) == NULL) {
		if (err != NULL && errlen > 0)
			(void)snprintf(err, errlen, "out of memory");
		return NULL;
	}
	png->fp = fp;
	png->firstlinktype = -1;

	/* The first block must be a valid SHB; anything else fails here. */
	if ((rv = pcapng_read_block(png)) == 0)
		pcapng_seterr(png, "empty file: no pcapng section header");
	if (rv == 1 && pcapng_block(png, &png->aheadpkt) == -1)
		rv = -1;
	if (rv != 1)
		goto fail;

	/*
	 * Read ahead to the first IDB, and no further (on a live pipe the
	 * first packet may be long in coming), so that pcapng_first_linktype
	 * is known after open.  Whatever stops us short (end of file, damage,
	 * a packet) is kept for pcapng_next, which then reports it in the
	 * order the file has it.
	 */
	if (pcapng_advance(png, &png->aheadpkt, 1) == 1)
		png->ahead = 1;
	return png;

fail:
	if (png->err[0] == '\0')
		pcapng_seterr(png, "malformed section header at offset 0");
	if (err != NULL && errlen > 0)
		(void)snprintf(err, errlen, "%s", png->err);
	png->fp = NULL;			/* the caller keeps fp */
	pcapng_close(png);
	return NULL;
}

int
pcapng_next(struct pcapng *png, struct pcapng_packet *pkt)
{
	if (png->ahead) {
		png->ahead = 0;
		*pkt = png->aheadpkt;
		return 1;
	}
	if (png->state == PCAPNG_ST_ERR)
		return -1;
	if (png->state == PCAPNG_ST_EOF)
		return 0;
	return pcapng_advance(png, pkt, 0);
}

const char *
pcapng_error(const struct pcapng *png)
{
	return png->err;
}

int
pcapng_first_linktype(const struct pcapng *png)
{
	return png->firstlinktype;
}

void
pcapng_close(struct pcapng *png)
{
	if (png == NULL)
		return;
	if (png->fp != NULL)
		(void)fclose(png->fp);
	free(png->ifaces);
	free(png->buf);
	free(png);
}
