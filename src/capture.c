/* capture.c - reading capture files (pcap through libpcap, pcapng). */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "pcapfile.h"
#include "pcapng.h"
#include "worker.h"
#include "zread.h"

/*
 * The first CAPFILE_DIGEST_PREFIX bytes are read up front, to digest them
 * and to tell pcap from pcapng.  A file is then rewound and read by the
 * capture reader directly; a pipe cannot be rewound, so the prefix is
 * served again ahead of the rest through an fopencookie stream (one more
 * copy of every byte).  A compressed file (zread.h) is read through its
 * decoder's stream, which cannot be rewound either: the prefix is then
 * the decompressed one, and it is served again the same way.
 */
/*
 * The stdio buffer (glibc ignores a size without a buffer): 256 KiB reads
 * instead of 4 KiB ones, 64 times fewer read(2) calls.
 */
#define CAPFILE_BUFFER	(1 << 18)
/*
 * Classic pcap files are read by pcapfile.c in blocks of this size (more
 * than the largest record it takes, 16 + 262144 bytes); a packet is a
 * pointer into the block.  A record it does not take (longer than the
 * snapshot length, or cut short at the end) and everything after it go
 * to libpcap through a stream that serves the file header and the rest
 * of the block again before the rest of the file, so damaged files get
 * libpcap's own handling and messages.
 */
#define CAPFILE_BLOCK	(1 << 20)

/*
 * A plain file larger than this is read ahead by a thread of its own
 * into CAPFILE_RING blocks, so that copying the file out of the page
 * cache (the kernel's work, as much as cat's) runs on one core while the
 * packets are decoded, counted and stored on the other.  A record cut by
 * a block's end is copied in front of the next block, into CAPFILE_CARRY
 * bytes kept free for it there (a record taken is at most its header and
 * PCAPFILE_SNAP_MAX bytes, so a piece of one is shorter).
 */
#define CAPFILE_RING	3
#define CAPFILE_AHEAD	(1 << 19)
#define CAPFILE_CARRY	(PCAPFILE_RECHDRLEN + PCAPFILE_SNAP_MAX)
#define CAPFILE_AHEAD_MIN	((off_t)2 * CAPFILE_BLOCK)

struct ring_block {
	uint8_t		*mem;		/* CAPFILE_CARRY, then the data */
	size_t		 len;		/* bytes read into it */
	off_t		 end;		/* file offset after them */
	int		 full;		/* read, not yet given back */
	int		 last;		/* the file ended or failed here */
	int		 err;		/* errno of a failed read, or 0 */
};

struct ring {
	struct worker	 w;		/* the reader */
	int		 fd;
	off_t		 off;		/* the reader's next offset */
	int		 held;		/* the consumer holds b[cur] */
	unsigned	 cur;		/* the consumer's block */
	unsigned	 take;		/* the consumer's next block */
	struct ring_block b[CAPFILE_RING];
};

struct capfile {
	char		*name;
	FILE		*raw;		/* the file or stdin */
	FILE		*stream;	/* prefix + rest of raw */
	char		*iobuf;		/* stdio buffer of the stream */
	uint8_t		*prefix;
	size_t		 prefix_len;
	int		 raw_is_stdin;
	FILE		*packed;	/* compressed: the file or stdin */
	struct zread	*z;		/* its decoder; raw is its stream */
	FILE		*posfp;		/* the file whose offset is progress */
	off_t		 size;		/* of a regular file, else -1 */
	pcap_t		*pcap;
	struct pcapng	*png;
	struct pcapfile	 pf;
	uint8_t		*blk;		/* pcapfile.c's block, or NULL */
	struct ring	*ring;		/* read ahead: blk points into it */
	size_t		 blk_len;	/* bytes in blk */
	size_t		 blk_pos;	/* next record at */
	int		 blk_eof;	/* stream at its end */
	int		 blk_errno;	/* a read failed there */
	int		 blk_fd;	/* a plain file: read(2) here, or -1 */
	off_t		 blk_off;	/* its offset after the block */
	uint8_t		 fhdr[PCAPFILE_HDRLEN];
	int		 linktype;
	uint64_t	 count;		/* packets returned so far */
	char		 digest[40];
	char		 err[PCAP_ERRBUF_SIZE + 512];
};

/*
 * A stream of head's len bytes, then whatever rest still holds (rest may
 * be NULL: nothing more).  rest is never closed by it; own, when set, is
 * freed with the cookie.  capfile_open serves a pipe's prefix again this
 * way, capfile_handover the file header and the unread block.
 */
struct splice {
	const uint8_t	*head;
	size_t		 len;
	size_t		 pos;
	FILE		*rest;
	uint8_t		*own;
};

static ssize_t
splice_read(void *cookie, char *buf, size_t size)
{
	struct splice *sp = cookie;
	size_t n, got;

	if (sp->pos < sp->len) {
		n = sp->len - sp->pos;
		if (n > size)
			n = size;
		memcpy(buf, sp->head + sp->pos, n);
		sp->pos += n;
		return (ssize_t)n;
	}
	if (sp->rest == NULL)
		return 0;
	got = fread(buf, 1, size, sp->rest);
	if (got == 0 && ferror(sp->rest))
		return -1;
	return (ssize_t)got;
}

static int
splice_close(void *cookie)
{
	struct splice *sp = cookie;

	free(sp->own);
	free(sp);
	return 0;
}

/* A splice stream; NULL with errno set when out of memory. */
static FILE *
splice_open(const uint8_t *head, size_t len, uint8_t *own, FILE *rest)
{
	cookie_io_functions_t io = { splice_read, NULL, NULL, splice_close };
	struct splice *sp;
	FILE *fp;

	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return NULL;
	sp->head = head;
	sp->len = len;
	sp->rest = rest;
	sp->own = own;
	if ((fp = fopencookie(sp, "rb", io)) == NULL)
		free(sp);	/* own stays the caller's */
	return fp;
}

/* The read-ahead thread: fill each block given back, in turn. */
static void *
ring_reader(void *arg)
{
	struct ring *r = arg;
	struct ring_block *rb;
	unsigned i;
	size_t got;
	ssize_t n;
	int stop;

	for (i = 0;; i = (i + 1) % CAPFILE_RING) {
		rb = &r->b[i];
		pthread_mutex_lock(&r->w.mu);
		while (rb->full && !r->w.stop)
			pthread_cond_wait(&r->w.cv, &r->w.mu);
		stop = r->w.stop;
		pthread_mutex_unlock(&r->w.mu);
		if (stop)
			break;
		n = 0;
		for (got = 0; got < CAPFILE_AHEAD; got += (size_t)n) {
			n = pread(r->fd, rb->mem + CAPFILE_CARRY + got,
			    CAPFILE_AHEAD - got, r->off + (off_t)got);
			if (n == 0 || (n < 0 && errno != EINTR))
				break;
			if (n < 0)
				n = 0;
		}
		rb->len = got;
		r->off += (off_t)got;
		rb->end = r->off;
		rb->err = n < 0 ? errno : 0;
		rb->last = got < CAPFILE_AHEAD;
		pthread_mutex_lock(&r->w.mu);
		rb->full = 1;
		pthread_cond_broadcast(&r->w.cv);
		pthread_mutex_unlock(&r->w.mu);
		if (rb->last)
			break;
	}
	return NULL;
}

/* Stop the reader and free the ring; NULL is fine. */
static void
ring_free(struct ring *r)
{
	unsigned i;

	if (r == NULL)
		return;
	worker_stop(&r->w);
	for (i = 0; i < CAPFILE_RING; i++)
		free(r->b[i].mem);
	free(r);
}

/*
 * A ring reading fd from off on, its thread started; NULL when memory or
 * a thread cannot be had (the caller then reads in its own thread).
 */
static struct ring *
ring_new(int fd, off_t off)
{
	struct ring *r;
	unsigned i;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	for (i = 0; i < CAPFILE_RING; i++)
		if ((r->b[i].mem = malloc(CAPFILE_CARRY +
		    CAPFILE_AHEAD)) == NULL)
			goto fail;
	r->fd = fd;
	r->off = off;
	if (worker_start(&r->w, ring_reader, r) < 0)
		goto fail;
	return r;
fail:
	ring_free(r);		/* no thread to stop: only the blocks */
	return NULL;
}

/*
 * FNV-1a, 64 bits: a fingerprint, not a defence against forgery.  Eight
 * bytes a turn (the same value, byte by byte): over the 1 MiB prefix the
 * loop's own counting was half the cost, ~30 instructions a packet of
 * a 100,000-packet import.
 */
#define FNV_PRIME	0x100000001b3ULL
static uint64_t
fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; n >= 8; n -= 8, p += 8) {
		h = (h ^ p[0]) * FNV_PRIME;
		h = (h ^ p[1]) * FNV_PRIME;
		h = (h ^ p[2]) * FNV_PRIME;
		h = (h ^ p[3]) * FNV_PRIME;
		h = (h ^ p[4]) * FNV_PRIME;
		h = (h ^ p[5]) * FNV_PRIME;
		h = (h ^ p[6]) * FNV_PRIME;
		h = (h ^ p[7]) * FNV_PRIME;
	}
	while (n--)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

/*
 * When the prefix read is compressed (told by its magic, see zread.h),
 * put a decoder between the file and the readers and read the prefix
 * again, decompressed: the digest and the pcap/pcapng test see the
 * capture itself, so a file and its .gz are the same capture.  Damage
 * inside the prefix keeps what came before it; the next read fails again
 * and capfile_next reports it.  0, or -1 with err set.
 */
static int
capfile_unpack(struct capfile *cf, char *err, size_t errlen)
{
	int kind = zread_detect(cf->prefix, cf->prefix_len);

	if (kind == ZREAD_NONE)
		return 0;
	cf->z = zread_open(kind, cf->prefix, cf->prefix_len, cf->raw,
	    cf->name, err, errlen);
	if (cf->z == NULL)
		return -1;
	cf->packed = cf->raw;
	cf->raw = zread_stream(cf->z);
	cf->prefix_len = fread(cf->prefix, 1, CAPFILE_DIGEST_PREFIX, cf->raw);
	if (cf->prefix_len == 0) {
		snprintf(err, errlen, "%s: %s", cf->name, zread_error(cf->z) !=
		    NULL ? zread_error(cf->z) : "empty once decompressed, "
		    "not a capture");
		return -1;
	}
	clearerr(cf->raw);
	return 0;
}

struct capfile *
capfile_open(const char *path, char *err, size_t errlen)
{
	struct capfile *cf;
	char perr[PCAP_ERRBUF_SIZE];
	struct stat sb;
	const char *shown = strcmp(path, "-") == 0 ? "(standard input)" : path;

	if ((cf = calloc(1, sizeof(*cf))) == NULL ||
	    (cf->name = strdup(shown)) == NULL ||
	    (cf->prefix = malloc(CAPFILE_DIGEST_PREFIX)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", shown);
		goto fail;
	}
	cf->blk_fd = -1;
	if (strcmp(path, "-") == 0) {
		cf->raw = stdin;
		cf->raw_is_stdin = 1;
	} else if ((cf->raw = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", shown, strerror(errno));
		goto fail;
	} else if ((cf->iobuf = malloc(CAPFILE_BUFFER)) != NULL)
		setvbuf(cf->raw, cf->iobuf, _IOFBF, CAPFILE_BUFFER);
	cf->posfp = cf->raw;
	cf->size = fstat(fileno(cf->raw), &sb) == 0 && S_ISREG(sb.st_mode) ?
	    sb.st_size : -1;
	cf->prefix_len = fread(cf->prefix, 1, CAPFILE_DIGEST_PREFIX, cf->raw);
	if (ferror(cf->raw)) {
		snprintf(err, errlen, "%s: %s", shown, strerror(errno));
		goto fail;
	}
	if (cf->prefix_len == 0) {
		snprintf(err, errlen, "%s: empty file, not a capture", shown);
		goto fail;
	}
	if (capfile_unpack(cf, err, errlen) < 0)
		goto fail;
	snprintf(cf->digest, sizeof(cf->digest), "%016llx-%zx",
	    (unsigned long long)fnv1a(cf->prefix, cf->prefix_len),
	    cf->prefix_len);
	if (!cf->raw_is_stdin && cf->z == NULL &&
	    fseeko(cf->raw, 0, SEEK_SET) == 0) {
		cf->stream = cf->raw;	/* a file: read it again from 0 */
		cf->raw = NULL;
	} else if ((cf->stream = splice_open(cf->prefix, cf->prefix_len, NULL,
	    cf->raw)) == NULL) {
		snprintf(err, errlen, "%s: %s", shown, strerror(errno));
		goto fail;
	} else if (cf->iobuf == NULL &&
	    (cf->iobuf = malloc(CAPFILE_BUFFER)) != NULL)
		setvbuf(cf->stream, cf->iobuf, _IOFBF, CAPFILE_BUFFER);
	if (pcapng_is_pcapng(cf->prefix, cf->prefix_len)) {
		if ((cf->png = pcapng_open(cf->stream, perr,
		    sizeof(perr))) == NULL) {
			snprintf(err, errlen, "%s: %s", shown, perr);
			goto fail;
		}
		cf->stream = NULL;	/* owned by the reader now */
		return cf;
	}
	if (pcapfile_header(cf->prefix, cf->prefix_len, &cf->pf) == 1 &&
	    (cf->blk = malloc(CAPFILE_BLOCK)) != NULL) {
		/* the same bytes again: a file rewound or the prefix served */
		if (fread(cf->fhdr, 1, PCAPFILE_HDRLEN, cf->stream) !=
		    PCAPFILE_HDRLEN) {
			snprintf(err, errlen, "%s: %s", shown, ferror(cf->stream) ?
			    strerror(errno) : "truncated pcap file header");
			goto fail;
		}
		cf->linktype = cf->pf.linktype;
		/*
		 * A plain file is read with read(2) into the block: stdio
		 * would copy part of each read through its own buffer.
		 */
		cf->blk_fd = cf->raw == NULL ? fileno(cf->stream) : -1;
		cf->blk_off = PCAPFILE_HDRLEN;
		if (cf->blk_fd >= 0 && cf->size > CAPFILE_AHEAD_MIN &&
		    (cf->ring = ring_new(cf->blk_fd, PCAPFILE_HDRLEN)) != NULL) {
			free(cf->blk);
			cf->blk = NULL;	/* set by capfile_fill */
		}
		return cf;
	}
	cf->pcap = pcap_fopen_offline_with_tstamp_precision(cf->stream,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (cf->pcap == NULL) {
		if (strstr(perr, "unknown file format") != NULL)
			snprintf(err, errlen, "%s: not a pcap or pcapng "
			    "capture file", shown);
		else
			snprintf(err, errlen, "%s: %s", shown, perr);
		goto fail;
	}
	cf->stream = NULL;		/* owned by libpcap now */
	cf->linktype = pcap_datalink(cf->pcap);
	return cf;
fail:
	capfile_close(cf);
	return NULL;
}

void
capfile_close(struct capfile *cf)
{
	if (cf == NULL)
		return;
	if (cf->pcap != NULL)
		pcap_close(cf->pcap);
	pcapng_close(cf->png);
	if (cf->stream != NULL)
		fclose(cf->stream);
	if (cf->raw != NULL && (cf->z != NULL || !cf->raw_is_stdin))
		fclose(cf->raw);	/* a decoder's stream: frees cf->z */
	if (cf->packed != NULL && !cf->raw_is_stdin)
		fclose(cf->packed);
	free(cf->iobuf);		/* after the stream using it */
	if (cf->ring != NULL)
		ring_free(cf->ring);	/* blk is in it */
	else
		free(cf->blk);
	free(cf->prefix);
	free(cf->name);
	free(cf);
}

/*
 * The next block from the read-ahead thread, with the left bytes of the
 * one before (the start of a record) copied in front of it; then give
 * the one before back to the reader.
 */
static void
ring_fill(struct capfile *cf, size_t left)
{
	struct ring *r = cf->ring;
	struct ring_block *rb = &r->b[r->take];

	pthread_mutex_lock(&r->w.mu);
	while (!rb->full)
		pthread_cond_wait(&r->w.cv, &r->w.mu);
	pthread_mutex_unlock(&r->w.mu);
	if (left > 0)
		memcpy(rb->mem + CAPFILE_CARRY - left, cf->blk + cf->blk_pos,
		    left);
	if (r->held) {
		pthread_mutex_lock(&r->w.mu);
		r->b[r->cur].full = 0;
		pthread_cond_broadcast(&r->w.cv);
		pthread_mutex_unlock(&r->w.mu);
	}
	r->held = 1;
	r->cur = r->take;
	r->take = (r->take + 1) % CAPFILE_RING;
	cf->blk = rb->mem + CAPFILE_CARRY - left;
	cf->blk_len = left + rb->len;
	cf->blk_pos = 0;
	cf->blk_off = rb->end;
	if (rb->err != 0)
		cf->blk_errno = rb->err;
	if (rb->last)
		cf->blk_eof = 1;
}

/*
 * Move what is left of the block to its start and read up to a block
 * from the stream after it.  A read error is kept (blk_errno) until the
 * records read before it have been returned, as libpcap would.
 */
static void
capfile_fill(struct capfile *cf)
{
	size_t left = cf->blk_len - cf->blk_pos, want, got;
	ssize_t n = 0;

	if (cf->ring != NULL) {
		ring_fill(cf, left);
		return;
	}
	memmove(cf->blk, cf->blk + cf->blk_pos, left);
	cf->blk_pos = 0;
	want = CAPFILE_BLOCK - left;
	if (cf->blk_fd < 0) {
		got = fread(cf->blk + left, 1, want, cf->stream);
		if (got < want && ferror(cf->stream))
			cf->blk_errno = errno != 0 ? errno : EIO;
	} else {
		for (got = 0; got < want; got += (size_t)n) {
			n = pread(cf->blk_fd, cf->blk + left + got, want - got,
			    cf->blk_off + (off_t)got);
			if (n == 0 || (n < 0 && errno != EINTR))
				break;
			if (n < 0)
				n = 0;
		}
		if (n < 0)
			cf->blk_errno = errno;
		cf->blk_off += (off_t)got;
	}
	cf->blk_len = left + got;
	if (got < want)
		cf->blk_eof = 1;
}

/*
 * Give the rest of the file to libpcap: the file header, what is left of
 * the block, then the rest of the stream (which stays cf's to close).
 * 0, or -1 with cf->err set.
 */
static int
capfile_handover(struct capfile *cf)
{
	char perr[PCAP_ERRBUF_SIZE];
	size_t left = cf->blk_len - cf->blk_pos;
	const char *why;
	uint8_t *head;
	FILE *fp;

	if ((head = malloc(PCAPFILE_HDRLEN + left)) == NULL) {
		why = "out of memory";
		goto fail;
	}
	memcpy(head, cf->fhdr, PCAPFILE_HDRLEN);
	memcpy(head + PCAPFILE_HDRLEN, cf->blk + cf->blk_pos, left);
	/* the stream goes on where the last block read stopped */
	if ((cf->blk_fd >= 0 && !cf->blk_eof &&
	    fseeko(cf->stream, cf->blk_off, SEEK_SET) != 0) ||
	    (fp = splice_open(head, PCAPFILE_HDRLEN + left, head,
	    cf->blk_eof ? NULL : cf->stream)) == NULL) {
		why = strerror(errno);
		free(head);
		goto fail;
	}
	cf->pcap = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (cf->pcap == NULL) {
		fclose(fp);
		why = perr;
		goto fail;
	}
	if (cf->ring != NULL)
		ring_free(cf->ring);
	else
		free(cf->blk);
	cf->ring = NULL;
	cf->blk = NULL;
	cf->blk_fd = -1;
	return 0;
fail:
	snprintf(cf->err, sizeof(cf->err), "%s: %s", cf->name, why);
	return -1;
}

/* capfile_next for a file pcapfile.c reads. */
static int
capfile_next_block(struct capfile *cf, struct cap_packet *pkt)
{
	size_t used;
	int rc;

	if (cf->blk == NULL)
		capfile_fill(cf);	/* the read-ahead ring's first block */
	for (;;) {
		rc = pcapfile_record(&cf->pf, cf->blk + cf->blk_pos,
		    cf->blk_len - cf->blk_pos, pkt, &used);
		if (rc == 1) {
			cf->blk_pos += used;
			cf->count++;
			return 1;
		}
		if (rc == 0 && !cf->blk_eof) {
			capfile_fill(cf);
			continue;
		}
		if (rc == 0 && cf->blk_errno != 0) {
			snprintf(cf->err, sizeof(cf->err), "%s: packet %llu: "
			    "%s", cf->name, (unsigned long long)cf->count + 1,
			    cf->z != NULL && zread_error(cf->z) != NULL ?
			    zread_error(cf->z) : "error reading dump file");
			if (cf->z == NULL || zread_error(cf->z) == NULL)
				snprintf(cf->err + strlen(cf->err),
				    sizeof(cf->err) - strlen(cf->err), ": %s",
				    strerror(cf->blk_errno));
			return -1;
		}
		if (rc == 0 && cf->blk_pos == cf->blk_len)
			return 0;
		/* too long for the snapshot, or cut short: libpcap's */
		return capfile_handover(cf) < 0 ? -1 : 2;
	}
}

int
capfile_next(struct capfile *cf, struct cap_packet *pkt)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	struct pcapng_packet np;
	int rc;

	if (cf->png != NULL) {
		rc = pcapng_next(cf->png, &np);
		if (rc == 1) {
			pkt->ts_us = np.ts_us;
			pkt->caplen = np.caplen;
			pkt->wirelen = np.wirelen;
			pkt->linktype = np.linktype;
			pkt->data = np.data;
			cf->count++;
		} else if (rc < 0)
			snprintf(cf->err, sizeof(cf->err), "%s: packet %llu: "
			    "%s", cf->name, (unsigned long long)cf->count + 1,
			    cf->z != NULL && zread_error(cf->z) != NULL ?
			    zread_error(cf->z) : pcapng_error(cf->png));
		return rc;
	}
	if ((cf->blk != NULL || cf->ring != NULL) &&
	    (rc = capfile_next_block(cf, pkt)) != 2)
		return rc;
	rc = pcap_next_ex(cf->pcap, &h, &d);
	if (rc == 1) {
		pkt->ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		pkt->caplen = h->caplen;
		pkt->wirelen = h->len;
		pkt->linktype = cf->linktype;
		pkt->data = d;
		cf->count++;
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	snprintf(cf->err, sizeof(cf->err), "%s: packet %llu: %s", cf->name,
	    (unsigned long long)cf->count + 1, cf->z != NULL &&
	    zread_error(cf->z) != NULL ? zread_error(cf->z) :
	    pcap_geterr(cf->pcap));
	return -1;
}

int
capfile_progress(const struct capfile *cf, uint64_t *done, uint64_t *total)
{
	off_t at;

	if (cf->size <= 0)
		return -1;
	if (cf->blk_fd >= 0)
		at = cf->blk_off;
	else if ((at = ftello(cf->posfp)) < 0)
		return -1;
	*done = (uint64_t)at;
	*total = (uint64_t)cf->size;
	return 0;
}

const char *
capfile_error(const struct capfile *cf)
{
	return cf->err;
}

const char *
capfile_digest(const struct capfile *cf)
{
	return cf->digest;
}

const char *
capfile_format(const struct capfile *cf)
{
	return cf->png != NULL ? "pcapng" : "pcap";
}

const char *
capfile_name(const struct capfile *cf)
{
	return cf->name;
}

const char *
capfile_linktype_name(int linktype, char *buf, size_t len)
{
	const char *n = pcap_datalink_val_to_name(linktype);

	if (n != NULL)
		snprintf(buf, len, "%s (%d)", n, linktype);
	else
		snprintf(buf, len, "link type %d", linktype);
	return buf;
}
