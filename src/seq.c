/* seq.c - packets seen at several capture points merged into one exchange. */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "decode.h"
#include "seq.h"

/* A packet as added, and what merging makes of it. */
struct seq_in {
	struct packet	 p;		/* info, proto_name owned */
	int		 point;
	size_t		 order;		/* insertion order: ties keep it */
	int64_t		 cts;		/* time on the reference clock */
	size_t		 group;		/* its event before ordering */
	int		 sp, dp;	/* participants, by this point's names */
	size_t		 rank;		/* its k-th sighting at this point */
};

struct seq_part {
	char	*name;
};

/* An address seen at a point, and its participant once named. */
struct seq_where {
	int	 point;
	uint8_t	 ver;
	uint8_t	 b[16];
	int	 part;
};

struct seq {
	char			*pname[SEQ_MAX_POINTS];
	int			 np;
	size_t			 npkts[SEQ_MAX_POINTS];
	int64_t			 first[SEQ_MAX_POINTS];
	int64_t			 last[SEQ_MAX_POINTS];
	struct seq_in		*in;
	size_t			 nin, capin;
	struct seq_addr		*addrs;
	size_t			 naddrs;
	struct seq_event	*ev;
	size_t			 nev;
	size_t			 nmerged;
	struct seq_part		*part;
	int			 npart;
	int			 nfolded;	/* participants in the last */
	struct seq_skew		 skew[SEQ_MAX_POINTS];
	struct seq_sight	*sight;		/* events' sightings */
	struct seq_hop		*hops;
	size_t			 nhops;
	size_t			 nlost;
	char			**notes;
	size_t			 nnotes;
};

/* TCP flag bits (RFC 9293 section 3.1, RFC 3168 for ECE/CWR). */
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

/* One way only: a delta below this passes for the delay, not skew. */
#define SEQ_ONEWAY_TOL_US	1000000

struct seq *
seq_new(void)
{
	return calloc(1, sizeof(struct seq));
}

static void
seq_clear_merge(struct seq *s)
{
	int i;

	free(s->ev);
	s->ev = NULL;
	s->nev = 0;
	s->nmerged = 0;
	for (i = 0; i < s->npart; i++)
		free(s->part[i].name);
	free(s->part);
	s->part = NULL;
	s->npart = 0;
	s->nfolded = 0;
	free(s->sight);
	s->sight = NULL;
	free(s->hops);
	s->hops = NULL;
	s->nhops = 0;
	s->nlost = 0;
	for (i = 0; i < (int)s->nnotes; i++)
		free(s->notes[i]);
	free(s->notes);
	s->notes = NULL;
	s->nnotes = 0;
}

void
seq_free(struct seq *s)
{
	size_t i;
	int p;

	if (s == NULL)
		return;
	seq_clear_merge(s);
	for (i = 0; i < s->nin; i++) {
		free((char *)s->in[i].p.info);
		free((char *)s->in[i].p.proto_name);
	}
	free(s->in);
	free(s->addrs);
	for (p = 0; p < s->np; p++)
		free(s->pname[p]);
	free(s);
}

int
seq_add_point(struct seq *s, const char *name)
{
	if (s->np == SEQ_MAX_POINTS)
		return -1;
	if ((s->pname[s->np] = strdup(name)) == NULL)
		return -1;
	s->skew[s->np].how = SEQ_SKEW_NONE;
	s->skew[s->np].from = s->np;
	return s->np++;
}

const char *
seq_point_name(const struct seq *s, int point)
{
	return point >= 0 && point < s->np ? s->pname[point] : "?";
}

int
seq_npoints(const struct seq *s)
{
	return s->np;
}

static char *
seq_strndup(const char *str, size_t max)
{
	size_t n;
	char *d;

	if (str == NULL)
		return NULL;
	n = strnlen(str, max);
	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(d, str, n);
	d[n] = '\0';
	return d;
}

int
seq_add_packet(struct seq *s, int point, const struct packet *p)
{
	struct seq_in *in;
	size_t ncap;

	if (point < 0 || point >= s->np)
		return -1;
	if (s->nin == s->capin) {
		ncap = s->capin ? s->capin * 2 : 256;
		if (ncap > SIZE_MAX / sizeof(*in) ||
		    (in = realloc(s->in, ncap * sizeof(*in))) == NULL)
			return -1;
		s->in = in;
		s->capin = ncap;
	}
	in = &s->in[s->nin];
	memset(in, 0, sizeof(*in));
	in->p = *p;
	in->p.payload = NULL;	/* the frame is gone when this is read */
	in->p.payload_len = 0;
	in->p.sensor = NULL;
	in->p.info = NULL;
	in->p.proto_name = NULL;
	if ((p->info != NULL && (in->p.info = seq_strndup(p->info,
	    SEQ_INFO_MAX)) == NULL) || (p->proto_name != NULL &&
	    (in->p.proto_name = seq_strndup(p->proto_name, 32)) == NULL)) {
		free((char *)in->p.info);
		return -1;
	}
	in->point = point;
	in->order = s->nin;
	if (s->npkts[point] == 0 || p->ts_us < s->first[point])
		s->first[point] = p->ts_us;
	if (s->npkts[point] == 0 || p->ts_us > s->last[point])
		s->last[point] = p->ts_us;
	s->npkts[point]++;
	s->nin++;
	free(s->addrs);
	s->addrs = NULL;
	return 0;
}

size_t
seq_point_packets(const struct seq *s, int point)
{
	return point >= 0 && point < s->np ? s->npkts[point] : 0;
}

int
seq_point_span(const struct seq *s, int point, int64_t *first,
    int64_t *last)
{
	if (point < 0 || point >= s->np || s->npkts[point] == 0)
		return -1;
	*first = s->first[point];
	*last = s->last[point];
	return 0;
}

static int
seq_cmp_time(const void *a, const void *b)
{
	const struct seq_in *x = *(const struct seq_in *const *)a;
	const struct seq_in *y = *(const struct seq_in *const *)b;

	if (x->p.ts_us != y->p.ts_us)
		return x->p.ts_us < y->p.ts_us ? -1 : 1;
	if (x->point != y->point)
		return x->point < y->point ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
seq_addr_eq(const struct seq_addr *a, int ver, const uint8_t *b)
{
	return a->ver == ver && memcmp(a->b, b, 16) == 0;
}

const struct seq_addr *
seq_addresses(struct seq *s, size_t *n)
{
	struct seq_in **ix = NULL;
	const uint8_t *ab[2];
	size_t i, j, k;
	int side;

	*n = 0;
	if (s->addrs != NULL) {
		*n = s->naddrs;
		return s->addrs;
	}
	if (s->nin == 0)
		return NULL;
	/* At most two addresses per packet; a linear check is fine for
	 * the few hosts of one exchange, and this runs once. */
	if ((ix = calloc(s->nin, sizeof(*ix))) == NULL ||
	    (s->addrs = calloc(2 * s->nin, sizeof(*s->addrs))) == NULL) {
		free(ix);
		return NULL;
	}
	for (i = 0; i < s->nin; i++)
		ix[i] = &s->in[i];
	qsort(ix, s->nin, sizeof(*ix), seq_cmp_time);
	s->naddrs = 0;
	for (i = 0; i < s->nin; i++) {
		ab[0] = ix[i]->p.src;
		ab[1] = ix[i]->p.dst;
		for (side = 0; side < 2; side++) {
			for (j = 0, k = s->naddrs; j < s->naddrs; j++)
				if (seq_addr_eq(&s->addrs[j], ix[i]->p.ipver,
				    ab[side])) {
					k = j;
					break;
				}
			if (k < s->naddrs)
				continue;
			s->addrs[k].ver = ix[i]->p.ipver;
			memcpy(s->addrs[k].b, ab[side], 16);
			s->addrs[k].point = ix[i]->point;
			s->naddrs++;
		}
	}
	free(ix);
	*n = s->naddrs;
	return s->addrs;
}

/* --- matching the same packet across points ----------------------------- */

/*
 * What identifies one packet wherever it was captured: addresses, ports,
 * protocol, flags, IP ID, TCP seq/ack and the IP length.  TTL and
 * checksums change on the way and are left out.  Packets from a text
 * export have no IP ID or seq; their Info text, protocol column and frame
 * length stand in (hashed).  Padding is zeroed so keys compare as bytes.
 */
struct seq_mkey {
	uint8_t		text;
	uint8_t		ver;
	uint8_t		proto;
	uint8_t		flags;
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		src[16];
	uint8_t		dst[16];
	uint32_t	a, b, c, d;
	uint64_t	h;
};

static uint64_t
seq_fnv(uint64_t h, const char *str)
{
	if (str == NULL)
		return h;
	for (; *str != '\0'; str++) {
		h ^= (unsigned char)*str;
		h *= 0x100000001b3ULL;
	}
	return h ^ 0xff;
}

/*
 * The Info column as both points would show it: Wireshark adds the frame
 * number of the matching request or reply ("(request in 13)"), which
 * differs from capture to capture, and ICMP's ttl, which routers lower.
 */
static uint64_t
seq_fnv_info(uint64_t h, const char *str)
{
	static const char *const skip[] = { "(request in ", "(reply in ",
	    "(response in ", "ttl=" };
	size_t i, n;

	while (*str != '\0') {
		for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
			n = strlen(skip[i]);
			if (strncmp(str, skip[i], n) == 0 &&
			    str[n] >= '0' && str[n] <= '9') {
				for (str += n; *str >= '0' && *str <= '9';
				    str++)
					;
				if (*str == ')')
					str++;
				break;
			}
		}
		if (*str == '\0')
			break;
		h ^= (unsigned char)*str++;
		h *= 0x100000001b3ULL;
	}
	return h ^ 0xff;
}

static void
seq_key(const struct packet *p, struct seq_mkey *k)
{
	memset(k, 0, sizeof(*k));
	k->ver = p->ipver;
	k->proto = p->proto;
	k->flags = p->tcp_flags;
	k->sport = p->sport;
	k->dport = p->dport;
	memcpy(k->src, p->src, 16);
	memcpy(k->dst, p->dst, 16);
	if (p->info != NULL) {
		/* not the frame length: link headers differ between points */
		k->text = 1;
		k->h = seq_fnv(seq_fnv_info(0xcbf29ce484222325ULL, p->info),
		    p->proto_name);
	} else {
		k->a = p->ip_id;
		k->b = p->tcp_seq;
		k->c = p->tcp_ack;
		k->d = p->ip_len;
	}
}

struct seq_keyed {
	struct seq_mkey	 k;
	struct seq_in	*in;
};

static int
seq_cmp_keyed(const void *a, const void *b)
{
	const struct seq_keyed *x = a, *y = b;
	int c;

	if ((c = memcmp(&x->k, &y->k, sizeof(x->k))) != 0)
		return c;
	if (x->in->point != y->in->point)
		return x->in->point < y->in->point ? -1 : 1;
	return seq_cmp_time(&x->in, &y->in);
}

/*
 * Give every packet a group: packets with the same key are the same packet
 * when seen at different points, the k-th sighting at one point going
 * with the k-th at each other (the same packet seen twice at one point,
 * say on two interfaces of a router, stays two).  Returns the number of
 * groups, or 0 when out of memory.
 */
static size_t
seq_group(struct seq *s)
{
	struct seq_keyed *kd;
	size_t i, j, ngroups = 0, rank, width;
	size_t cnt[SEQ_MAX_POINTS];

	if ((kd = calloc(s->nin, sizeof(*kd))) == NULL)
		return 0;
	for (i = 0; i < s->nin; i++) {
		seq_key(&s->in[i].p, &kd[i].k);
		kd[i].in = &s->in[i];
	}
	qsort(kd, s->nin, sizeof(*kd), seq_cmp_keyed);
	for (i = 0; i < s->nin; i = j) {
		memset(cnt, 0, sizeof(cnt));
		width = 0;
		for (j = i; j < s->nin && memcmp(&kd[j].k, &kd[i].k,
		    sizeof(kd[i].k)) == 0; j++) {
			rank = cnt[kd[j].in->point]++;
			kd[j].in->group = ngroups + rank;
			kd[j].in->rank = rank;
			if (rank + 1 > width)
				width = rank + 1;
		}
		ngroups += width;
	}
	free(kd);
	return ngroups;
}

/* --- clock skew ----------------------------------------------------------- */

/*
 * For packets seen at points i and j, d = t_j - t_i is the one-way delay
 * plus the offset of j's clock when the packet went from i's side to j's,
 * and the offset minus the delay when it went the other way.  All packets
 * from one source address to one destination take the same way, so we
 * keep, per point pair and such direction, the smallest and largest d;
 * the offset lies between the directions (as NTP's does between its
 * request and its reply).
 */
struct seq_delta {
	int		 i, j;
	const struct seq_in *pk;	/* gives the direction */
	int64_t		 d;
};

static int
seq_cmp_delta(const void *a, const void *b)
{
	const struct seq_delta *x = a, *y = b;
	int c;

	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	if (x->j != y->j)
		return x->j < y->j ? -1 : 1;
	if (x->pk->p.ipver != y->pk->p.ipver)
		return x->pk->p.ipver < y->pk->p.ipver ? -1 : 1;
	if ((c = memcmp(x->pk->p.src, y->pk->p.src, 16)) != 0)
		return c;
	return memcmp(x->pk->p.dst, y->pk->p.dst, 16);
}

struct seq_dir {
	int64_t	 min, max;
};

static int
seq_cmp_dir(const void *a, const void *b)
{
	const struct seq_dir *x = a, *y = b;

	if (x->min != y->min)
		return x->min < y->min ? -1 : 1;
	return x->max < y->max ? -1 : x->max > y->max;
}

/*
 * The offset of j's clock against i's from the directions seen between
 * them (sorted here).  Directions below the offset went j to i, those
 * above went i to j; we take the split with the widest gap and the middle
 * of that gap.  When the directions overlap (jitter larger than the
 * delay) the middle of all the deltas is the best we have.  With one
 * direction only the delay and the offset cannot be told apart: if the
 * deltas are small and of one sign the order is already causal and we
 * leave the clock alone, otherwise we make the fastest packet
 * instantaneous.  Returns how.
 */
static enum seq_skew_how
seq_estimate(struct seq_dir *dir, size_t n, int64_t *off)
{
	int64_t lo = dir[0].min, hi = dir[0].max, revmax, gap, best = -1;
	size_t k, m;

	qsort(dir, n, sizeof(*dir), seq_cmp_dir);
	for (k = 0; k < n; k++) {
		if (dir[k].min < lo)
			lo = dir[k].min;
		if (dir[k].max > hi)
			hi = dir[k].max;
	}
	if (n == 1) {
		if (lo < 0 && hi > 0)
			*off = 0;	/* jitter around zero: nothing to fix */
		else if (lo >= 0)
			*off = lo < SEQ_ONEWAY_TOL_US ? 0 : lo;
		else
			*off = -hi < SEQ_ONEWAY_TOL_US ? 0 : hi;
		return SEQ_SKEW_ONE_WAY;
	}
	*off = lo + (hi - lo) / 2;
	for (k = 1; k < n; k++) {
		revmax = dir[0].max;
		for (m = 1; m < k; m++)
			if (dir[m].max > revmax)
				revmax = dir[m].max;
		if (revmax > dir[k].min)
			continue;
		gap = dir[k].min - revmax;
		if (gap > best) {
			best = gap;
			*off = revmax + gap / 2;
		}
	}
	return SEQ_SKEW_BOTH_WAYS;
}

struct seq_pair {
	int			 ok;
	int64_t			 off;	/* of j against i */
	unsigned		 n;
	enum seq_skew_how	 how;
};

/*
 * Estimate every point's offset against the reference (the lowest point
 * of its connected set), walking the pairs with the most shared packets
 * first.  in_by_group lists packets sorted by group.
 */
static int
seq_skew_estimate(struct seq *s, struct seq_in **byg, size_t nin,
    const struct seq_opts *o)
{
	struct seq_pair pair[SEQ_MAX_POINTS][SEQ_MAX_POINTS];
	struct seq_delta *dl = NULL;
	struct seq_dir *dir = NULL;
	size_t i, j, k, ndl = 0, cap = 0, nd;
	int a, b, done[SEQ_MAX_POINTS], bi, bj, ref, added;
	unsigned bn;
	void *t;

	memset(pair, 0, sizeof(pair));
	memset(done, 0, sizeof(done));
	for (a = 0; a < s->np; a++) {
		s->skew[a].offset_us = 0;
		s->skew[a].from = a;
		s->skew[a].matched = 0;
		s->skew[a].how = o->no_skew ? SEQ_SKEW_OFF : SEQ_SKEW_NONE;
	}
	/* deltas for every pair of sightings of one group */
	for (i = 0; i < nin; i = j) {
		for (j = i + 1; j < nin && byg[j]->group == byg[i]->group; j++)
			;
		for (a = (int)i; a < (int)j; a++)
			for (b = a + 1; b < (int)j; b++) {
				if (ndl == cap) {
					cap = cap ? cap * 2 : 256;
					if ((t = realloc(dl, cap *
					    sizeof(*dl))) == NULL) {
						free(dl);
						return -1;
					}
					dl = t;
				}
				k = byg[a]->point < byg[b]->point ? 0 : 1;
				dl[ndl].i = k ? byg[b]->point : byg[a]->point;
				dl[ndl].j = k ? byg[a]->point : byg[b]->point;
				dl[ndl].pk = byg[a];
				dl[ndl].d = k ?
				    byg[a]->p.ts_us - byg[b]->p.ts_us :
				    byg[b]->p.ts_us - byg[a]->p.ts_us;
				ndl++;
			}
	}
	if (ndl > 0) {
		qsort(dl, ndl, sizeof(*dl), seq_cmp_delta);
		if ((dir = calloc(ndl, sizeof(*dir))) == NULL) {
			free(dl);
			return -1;
		}
	}
	for (i = 0; i < ndl; i = j) {
		nd = 0;
		for (j = i; j < ndl && dl[j].i == dl[i].i &&
		    dl[j].j == dl[i].j; j++) {
			if (j == i || seq_cmp_delta(&dl[j], &dl[j - 1]) != 0) {
				dir[nd].min = dir[nd].max = dl[j].d;
				nd++;
			}
			if (dl[j].d < dir[nd - 1].min)
				dir[nd - 1].min = dl[j].d;
			if (dl[j].d > dir[nd - 1].max)
				dir[nd - 1].max = dl[j].d;
		}
		a = dl[i].i;
		b = dl[i].j;
		pair[a][b].ok = 1;
		pair[a][b].n = (unsigned)(j - i);
		pair[a][b].how = seq_estimate(dir, nd, &pair[a][b].off);
		pair[b][a] = pair[a][b];
		pair[b][a].off = -pair[a][b].off;
		s->skew[a].matched += pair[a][b].n;
		s->skew[b].matched += pair[a][b].n;
	}
	free(dl);
	free(dir);
	if (o->no_skew)
		return 0;
	/* Prim's walk over the pairs, one connected set at a time */
	for (ref = 0; ref < s->np; ref++) {
		if (done[ref])
			continue;
		done[ref] = 1;
		added = 0;
		s->skew[ref].how = SEQ_SKEW_REFERENCE;
		for (;;) {
			bn = 0;
			bi = bj = -1;
			for (a = 0; a < s->np; a++)
				for (b = 0; b < s->np; b++)
					if (done[a] && !done[b] &&
					    pair[a][b].ok && pair[a][b].n > bn) {
						bn = pair[a][b].n;
						bi = a;
						bj = b;
					}
			if (bi < 0)
				break;
			done[bj] = 1;
			added++;
			s->skew[bj].offset_us = s->skew[bi].offset_us +
			    pair[bi][bj].off;
			s->skew[bj].from = bi;
			s->skew[bj].how = pair[bi][bj].how;
		}
		/* a point alone in its set has nothing to go by */
		if (added == 0 && ref != 0)
			s->skew[ref].how = SEQ_SKEW_NONE;
	}
	return 0;
}

/* --- events ------------------------------------------------------------- */

static int
seq_cmp_group(const void *a, const void *b)
{
	const struct seq_in *x = *(const struct seq_in *const *)a;
	const struct seq_in *y = *(const struct seq_in *const *)b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->cts != y->cts)
		return x->cts < y->cts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int	seq_cmp_cts(const void *, const void *);
static void	seq_dur_text(int64_t, char *, size_t);

/* By packet, then by the names its point gives it, then in time. */
static int
seq_cmp_named(const void *a, const void *b)
{
	const struct seq_in *x = *(const struct seq_in *const *)a;
	const struct seq_in *y = *(const struct seq_in *const *)b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->sp != y->sp)
		return x->sp < y->sp ? -1 : 1;
	if (x->dp != y->dp)
		return x->dp < y->dp ? -1 : 1;
	return seq_cmp_cts(a, b);
}

/* Events in time order; the first point, then the input order, break ties. */
struct seq_evsort {
	struct seq_event ev;
	size_t		 order;
};

static int
seq_cmp_ev(const void *a, const void *b)
{
	const struct seq_evsort *x = a, *y = b;

	if (x->ev.ts_us != y->ev.ts_us)
		return x->ev.ts_us < y->ev.ts_us ? -1 : 1;
	if (x->ev.first_point != y->ev.first_point)
		return x->ev.first_point < y->ev.first_point ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A TCP flow (one direction) and the first sequence number seen in it. */
struct seq_flow {
	uint8_t		 ver;
	uint16_t	 sport, dport;
	uint8_t		 src[16], dst[16];
	uint32_t	 base;
	size_t		 first;		/* event index of its first packet */
};

static int
seq_cmp_flow(const void *a, const void *b)
{
	const struct seq_flow *x = a, *y = b;
	int c;

	if (x->ver != y->ver)
		return x->ver < y->ver ? -1 : 1;
	if ((c = memcmp(x->src, y->src, 16)) != 0)
		return c;
	if ((c = memcmp(x->dst, y->dst, 16)) != 0)
		return c;
	if (x->sport != y->sport)
		return x->sport < y->sport ? -1 : 1;
	if (x->dport != y->dport)
		return x->dport < y->dport ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void
seq_flow_of(const struct packet *p, int reverse, struct seq_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->ver = p->ipver;
	memcpy(f->src, reverse ? p->dst : p->src, 16);
	memcpy(f->dst, reverse ? p->src : p->dst, 16);
	f->sport = reverse ? p->dport : p->sport;
	f->dport = reverse ? p->sport : p->dport;
}

/* Wireshark-style relative sequence numbers, per direction of a flow. */
static int
seq_relative(struct seq *s)
{
	struct seq_flow *fl, key, *hit;
	size_t i, n = 0, u = 0;
	struct seq_event *e;

	if ((fl = calloc(s->nev + 1, sizeof(*fl))) == NULL)
		return -1;
	for (i = 0; i < s->nev; i++) {
		e = &s->ev[i];
		if (e->pkt.proto != IPG_PROTO_TCP || !PACKET_HAS_L4(&e->pkt) ||
		    e->pkt.info != NULL)
			continue;
		seq_flow_of(&e->pkt, 0, &fl[n]);
		fl[n].base = e->pkt.tcp_seq;
		fl[n].first = i;
		n++;
	}
	qsort(fl, n, sizeof(*fl), seq_cmp_flow);
	/* keep the earliest packet of each flow */
	for (i = 0; i < n; i++) {
		if (u > 0) {
			key = fl[i];
			key.first = fl[u - 1].first;
			if (seq_cmp_flow(&key, &fl[u - 1]) == 0)
				continue;
		}
		fl[u++] = fl[i];
	}
	for (i = 0; i < u; i++)
		fl[i].first = 0;
	for (i = 0; i < s->nev; i++) {
		e = &s->ev[i];
		if (e->pkt.proto != IPG_PROTO_TCP || !PACKET_HAS_L4(&e->pkt) ||
		    e->pkt.info != NULL)
			continue;
		seq_flow_of(&e->pkt, 0, &key);
		if ((hit = bsearch(&key, fl, u, sizeof(*fl),
		    seq_cmp_flow)) != NULL)
			e->rel_seq = e->pkt.tcp_seq - hit->base;
		seq_flow_of(&e->pkt, 1, &key);
		if ((hit = bsearch(&key, fl, u, sizeof(*fl),
		    seq_cmp_flow)) != NULL) {
			/* before the peer's SYN its base is unknown: +1 */
			e->rel_ack = e->pkt.tcp_ack - hit->base;
			e->has_rel_ack = 1;
		}
	}
	free(fl);
	return 0;
}

static int
seq_cmp_where(const void *a, const void *b)
{
	const struct seq_where *x = a, *y = b;

	if (x->point != y->point)
		return x->point < y->point ? -1 : 1;
	if (x->ver != y->ver)
		return x->ver < y->ver ? -1 : 1;
	return memcmp(x->b, y->b, 16);
}

/* The participant of an address seen at a point, made on first use. */
static int
seq_part_of(struct seq *s, struct seq_where *wh, size_t nwh, int point,
    const struct packet *p, int dst, seq_name_fn name, void *arg)
{
	struct seq_where key, *w;
	char abuf[ADDR_STRLEN];
	const char *nm = NULL;
	struct seq_part *np;
	int i;

	memset(&key, 0, sizeof(key));
	key.point = point;
	key.ver = p->ipver;
	memcpy(key.b, dst ? p->dst : p->src, 16);
	w = bsearch(&key, wh, nwh, sizeof(*wh), seq_cmp_where);
	if (w == NULL)
		return -1;
	if (w->part >= 0)
		return w->part;
	if (name != NULL)
		nm = name(arg, point, key.ver, key.b);
	if (nm == NULL || *nm == '\0')
		nm = addr_format(key.ver, key.b, abuf);
	for (i = 0; i < s->npart; i++)
		if (strcmp(s->part[i].name, nm) == 0)
			return w->part = i;
	if ((np = realloc(s->part, (s->npart + 1) * sizeof(*np))) == NULL)
		return -1;
	s->part = np;
	if ((np[s->npart].name = strdup(nm)) == NULL)
		return -1;
	return w->part = s->npart++;
}

/* Time on the reference clock, then point, then input order. */
static int
seq_cmp_cts(const void *a, const void *b)
{
	const struct seq_in *x = *(const struct seq_in *const *)a;
	const struct seq_in *y = *(const struct seq_in *const *)b;

	if (x->cts != y->cts)
		return x->cts < y->cts ? -1 : 1;
	if (x->point != y->point)
		return x->point < y->point ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Name every sighting by the names of the point that made it (a per-
 * capture name applies where it was given), participants in order of
 * first appearance on the corrected clocks.
 */
static int
seq_name_all(struct seq *s, seq_name_fn name, void *arg)
{
	struct seq_where *wh;
	struct seq_in **ix = NULL;
	size_t i, n = 0, u = 0;
	int rc = -1;

	if ((wh = calloc(2 * s->nin + 1, sizeof(*wh))) == NULL ||
	    (ix = calloc(s->nin + 1, sizeof(*ix))) == NULL)
		goto done;
	for (i = 0; i < s->nin; i++) {
		wh[n].point = s->in[i].point;
		wh[n].ver = s->in[i].p.ipver;
		memcpy(wh[n].b, s->in[i].p.src, 16);
		n++;
		wh[n].point = s->in[i].point;
		wh[n].ver = s->in[i].p.ipver;
		memcpy(wh[n].b, s->in[i].p.dst, 16);
		n++;
		ix[i] = &s->in[i];
	}
	qsort(wh, n, sizeof(*wh), seq_cmp_where);
	for (i = 0; i < n; i++)
		if (u == 0 || seq_cmp_where(&wh[i], &wh[u - 1]) != 0) {
			wh[u] = wh[i];
			wh[u++].part = -1;
		}
	qsort(ix, s->nin, sizeof(*ix), seq_cmp_cts);
	for (i = 0; i < s->nin; i++)
		if ((ix[i]->sp = seq_part_of(s, wh, u, ix[i]->point,
		    &ix[i]->p, 0, name, arg)) < 0 || (ix[i]->dp =
		    seq_part_of(s, wh, u, ix[i]->point, &ix[i]->p, 1, name,
		    arg)) < 0)
			goto done;
	rc = 0;
done:
	free(ix);
	free(wh);
	return rc;
}

/* One sentence for seq_note; 0, or -1 when out of memory. */
static int
seq_note_add(struct seq *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
seq_note_add(struct seq *s, const char *fmt, ...)
{
	char buf[1024], **nn;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((nn = realloc(s->notes, (s->nnotes + 1) * sizeof(*nn))) == NULL)
		return -1;
	s->notes = nn;
	if ((nn[s->nnotes] = strdup(buf)) == NULL)
		return -1;
	s->nnotes++;
	return 0;
}

static void
seq_span_text(int64_t a, int64_t b, char *buf, size_t len)
{
	char x[40], y[40];

	snprintf(buf, len, "%s to %s", seq_time_text(a, 1, x, sizeof(x)),
	    seq_time_text(b, 1, y, sizeof(y)));
}

/*
 * Two captures of different moments cannot make one exchange.  A point
 * that shares no packet with the others and whose span, on the corrected
 * clocks, comes within SEQ_OVERLAP_SLACK_US of none of theirs is refused.
 * The slack lets a capture started a little late, or one that saw a
 * single packet, still count.
 */
#define SEQ_OVERLAP_SLACK_US	(5 * 1000000LL)

static int
seq_check_overlap(struct seq *s, char *err, size_t errlen)
{
	int64_t fa, la, fb, lb;
	char span[96];
	int a, b, ok, with = -1;

	if (s->np < 2)
		return 0;
	for (a = 0; a < s->np; a++) {
		if (s->npkts[a] == 0 || s->skew[a].matched > 0)
			continue;
		fa = s->first[a] - s->skew[a].offset_us;
		la = s->last[a] - s->skew[a].offset_us;
		ok = 0;
		for (b = 0; b < s->np && !ok; b++) {
			if (b == a || s->npkts[b] == 0)
				continue;
			with = b;
			fb = s->first[b] - s->skew[b].offset_us;
			lb = s->last[b] - s->skew[b].offset_us;
			ok = fa <= lb + SEQ_OVERLAP_SLACK_US &&
			    fb <= la + SEQ_OVERLAP_SLACK_US;
		}
		if (!ok && with >= 0) {
			seq_span_text(s->first[a], s->last[a], span,
			    sizeof(span));
			snprintf(err, errlen, "%s: its packets (%s) overlap "
			    "no other capture in time and none of them was "
			    "seen at another point, so it is not the same "
			    "exchange as %s; give captures taken at the same "
			    "time, or draw it on its own",
			    s->pname[a], span, s->pname[with]);
			return -1;
		}
	}
	return 0;
}

/* --- journeys: hop times, losses ----------------------------------------- */

/* One transit between consecutive sightings of an event. */
struct seq_transit {
	int		 from, to;
	int64_t		 d;
	size_t		 ev;
};

static int
seq_cmp_transit(const void *a, const void *b)
{
	const struct seq_transit *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return x->ev < y->ev ? -1 : x->ev > y->ev;
}

/*
 * A point whose clock was set from packets going one way only and moved
 * to make the fastest of them instantaneous: its transit times are what
 * that guess made them, not measurements.
 */
static int
seq_guessed_clock(const struct seq *s, int p)
{
	return s->skew[p].how == SEQ_SKEW_ONE_WAY &&
	    s->skew[p].offset_us != s->skew[s->skew[p].from].offset_us;
}

/* An event's direction (version, source, destination), for sorting. */
struct seq_dirkey {
	uint8_t		 ver;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	size_t		 ev;
};

static int
seq_cmp_dirkey(const void *a, const void *b)
{
	const struct seq_dirkey *x = a, *y = b;
	int c;

	if (x->ver != y->ver)
		return x->ver < y->ver ? -1 : 1;
	if ((c = memcmp(x->src, y->src, 16)) != 0)
		return c;
	return memcmp(x->dst, y->dst, 16);
}

static int
seq_cmp_dirkey_ev(const void *a, const void *b)
{
	const struct seq_dirkey *x = a, *y = b;
	int c;

	if ((c = seq_cmp_dirkey(a, b)) != 0)
		return c;
	return x->ev < y->ev ? -1 : x->ev > y->ev;
}

static void
seq_path_text(const struct seq *s, const int *p, int n, char *buf,
    size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
		    s->pname[p[i]]);
}

/*
 * Losses along the way of the packets from one source to one destination
 * (events ix[0..n), in time order).  The path is learnt from the packets
 * seen at two points or more: the points that saw them, in the order
 * they mostly did.  A
 * packet whose last sighting is not at the path's last point is lost
 * between that point and the next, provided the next point was capturing
 * then (from its first packet to its last, less the hop's longest
 * transit).  When the packets disagree on the path, nothing is judged and
 * a note says why.
 */
static int
seq_path_learn(struct seq *s, const size_t *ix, size_t n, int *path,
    int *npath)
{
	int cur[SEQ_MAX_POINTS], np = 0, nc, k, at;
	unsigned before[SEQ_MAX_POINTS][SEQ_MAX_POINTS];
	uint32_t set, pset = 0;
	char a[40], pa[512], pb[512], sa[ADDR_STRLEN], sb[ADDR_STRLEN];
	const struct seq_event *e;
	struct seq_sight tmp;
	size_t i;
	int rank[SEQ_MAX_POINTS];

	*npath = 0;
	/*
	 * The path's points: those of the packets seen at two points or
	 * more, whose sets must nest (a packet lost halfway was seen at a
	 * part of the path); two sets that do not nest mean the path
	 * changed.  Their order: for each two points, which saw the packet
	 * first more often (two sightings a microsecond apart can come out
	 * either way once clocks are corrected).
	 */
	memset(before, 0, sizeof(before));
	for (i = 0; i < n; i++) {
		e = &s->ev[ix[i]];
		if (e->nseen < 2)
			continue;
		for (nc = 0, set = 0; nc < e->nseen; nc++) {
			cur[nc] = s->sight[e->seen_off + (size_t)nc].point;
			set |= 1u << cur[nc];
		}
		if (pset != 0 && (set & pset) != set && (set & pset) != pset) {
			for (k = 0, np = 0; k < s->np; k++)
				if (pset & (1u << k))
					path[np++] = k;
			seq_path_text(s, path, np, pa, sizeof(pa));
			seq_path_text(s, cur, nc, pb, sizeof(pb));
			e = &s->ev[ix[0]];
			return seq_note_add(s, "the path of packets from %s to "
			    "%s changed at %s (seen at %s before, at %s then): "
			    "no loss is judged on it",
			    addr_format(e->pkt.ipver, e->pkt.src, sa),
			    addr_format(e->pkt.ipver, e->pkt.dst, sb),
			    seq_time_text(s->ev[ix[i]].ts_us, 1, a, sizeof(a)),
			    pa, pb);
		}
		pset |= set;
		for (k = 0; k < nc; k++)
			for (at = k + 1; at < nc; at++)
				before[cur[k]][cur[at]]++;
	}
	for (k = 0, np = 0; k < s->np; k++)
		if (pset & (1u << k))
			path[np++] = k;
	/* insertion sort by the pairwise votes */
	for (k = 1; k < np; k++)
		for (at = k; at > 0 && before[path[at]][path[at - 1]] >
		    before[path[at - 1]][path[at]]; at--) {
			nc = path[at];
			path[at] = path[at - 1];
			path[at - 1] = nc;
		}
	if (np < 2)
		return 0;
	/* each packet's sightings in the path's order, for its hops */
	for (k = 0; k < SEQ_MAX_POINTS; k++)
		rank[k] = SEQ_MAX_POINTS;
	for (k = 0; k < np; k++)
		rank[path[k]] = k;
	for (i = 0; i < n; i++) {
		e = &s->ev[ix[i]];
		for (k = 1; k < e->nseen; k++)
			for (at = k; at > 0 && rank[s->sight[e->seen_off +
			    (size_t)at].point] < rank[s->sight[e->seen_off +
			    (size_t)at - 1].point]; at--) {
				tmp = s->sight[e->seen_off + (size_t)at];
				s->sight[e->seen_off + (size_t)at] =
				    s->sight[e->seen_off + (size_t)at - 1];
				s->sight[e->seen_off + (size_t)at - 1] = tmp;
			}
	}
	*npath = np;
	return 0;
}

/*
 * Mark the packets of one direction lost (see seq_path_learn for the
 * path), once the hops are measured.
 */
static void
seq_losses(struct seq *s, const size_t *ix, size_t n, const int *path,
    int np, const int64_t *first, const int64_t *last)
{
	int nc, k, at, lastidx, bad;
	const struct seq_event *e;
	const struct seq_hop *h;
	const struct seq_sight *g;
	int64_t t;
	size_t i;

	if (np < 2)
		return;
	for (i = 0; i < n; i++) {
		e = &s->ev[ix[i]];
		lastidx = -1;
		bad = 0;
		t = 0;
		for (nc = 0; nc < e->nseen; nc++) {
			g = &s->sight[e->seen_off + (size_t)nc];
			for (k = 0, at = -1; k < np; k++)
				if (path[k] == g->point)
					at = k;
			if (at < 0)
				bad = 1;
			else if (at > lastidx) {
				lastidx = at;
				t = g->ts_us;
			}
		}
		/* a second copy at a point (a router capturing on both its
		 * interfaces) is not a packet that went missing */
		if (bad || lastidx < 0 || lastidx == np - 1 || e->repeat)
			continue;
		if ((h = seq_hop_find(s, path[lastidx], path[lastidx + 1])) ==
		    NULL)
			continue;
		if (t < first[path[lastidx + 1]] ||
		    t + h->max_us > last[path[lastidx + 1]])
			continue;
		s->ev[ix[i]].lost_from = path[lastidx];
		s->ev[ix[i]].lost_to = path[lastidx + 1];
		s->nlost++;
	}
	}

/* The packets of one direction (ix[i0..i0+n)) and their path. */
struct seq_class {
	size_t		 i0, n;
	int		 np;
	int		 path[SEQ_MAX_POINTS];
};

/* TCP flag bits that a resent segment carries again. */
#define SEQ_RESEND_FLAGS	(TH_SYN | TH_FIN | TH_RST)
/* How many later events (and seconds, 120) are searched for a resend. */
#define SEQ_RESEND_SCAN		4096

/* Link each lost TCP segment to the first later one that resends it. */
static void
seq_resends(struct seq *s)
{
	const struct packet *p, *q;
	size_t i, j;

	for (i = 0; i < s->nev; i++) {
		if (s->ev[i].lost_from < 0)
			continue;
		p = &s->ev[i].pkt;
		if (p->proto != IPG_PROTO_TCP || !PACKET_HAS_L4(p) || p->info != NULL ||
		    (p->l4_len == 0 && !(p->tcp_flags & SEQ_RESEND_FLAGS)))
			continue;
		/* bounded: a capture point that stopped early makes every
		 * later packet lost, and each would scan the rest */
		for (j = i + 1; j < s->nev && j - i <= SEQ_RESEND_SCAN &&
		    s->ev[j].ts_us - s->ev[i].ts_us <= 120 * 1000000LL; j++) {
			q = &s->ev[j].pkt;
			if (q->proto == IPG_PROTO_TCP && q->ipver == p->ipver &&
			    q->sport == p->sport && q->dport == p->dport &&
			    q->tcp_seq == p->tcp_seq && (q->tcp_flags &
			    SEQ_RESEND_FLAGS) == (p->tcp_flags &
			    SEQ_RESEND_FLAGS) && memcmp(q->src, p->src, 16) == 0 &&
			    memcmp(q->dst, p->dst, 16) == 0 &&
			    s->ev[j].retrans_of < 0) {
				s->ev[j].retrans_of = (long)i;
				break;
			}
		}
	}
}

/*
 * After the events are made: transit times per hop, packets far slower
 * than their hop's 95th percentile, losses and what resends them, and
 * notes for what cannot be measured.  0, or -1 when out of memory.
 */
static int
seq_journeys(struct seq *s)
{
	struct seq_transit *tr = NULL;
	int64_t first[SEQ_MAX_POINTS], last[SEQ_MAX_POINTS], lo = 0, hi = 0;
	int64_t off, span;
	size_t i, j, k, nt = 0, *ix = NULL;
	struct seq_dirkey *dk = NULL;
	struct seq_class *cls = NULL;
	size_t ncls = 0, c;
	void *t;
	const struct seq_sight *a, *b;
	struct seq_event *e;
	struct seq_hop *h;
	char d1[32], d2[32];
	int p, havepts = 0, guessed = 0;

	for (p = 0; p < s->np; p++) {
		if (s->npkts[p] == 0)
			continue;
		first[p] = s->first[p] - s->skew[p].offset_us;
		last[p] = s->last[p] - s->skew[p].offset_us;
		if (havepts++ == 0 || first[p] < lo)
			lo = first[p];
		if (havepts == 1 || last[p] > hi)
			hi = last[p];
	}
	if (havepts < 2)
		return 0;
	for (p = 0, k = 0; p < s->np; p++)
		k += s->skew[p].matched;
	if (k == 0)
		return seq_note_add(s, "no packet was seen at two capture "
		    "points: no hop time can be measured and no loss judged; "
		    "drawn without latency");
	/* clocks set from more than the exchange lasts */
	span = hi - lo;
	for (p = 0; p < s->np; p++) {
		off = s->skew[p].offset_us;
		if (off < 0)
			off = -off;
		if (s->npkts[p] == 0 || off <= span || off == 0)
			continue;
		seq_dur_text(off, d1, sizeof(d1));
		seq_dur_text(span, d2, sizeof(d2));
		if (seq_note_add(s, "the clock of %s was %s off, more than the "
		    "exchange lasts (%s): corrected from the packets seen "
		    "both there and at %s%s", s->pname[p], d1, d2,
		    s->pname[s->skew[p].from],
		    seq_guessed_clock(s, p) ? ", one way only, so its hop "
		    "times are not measured" : "") < 0)
			return -1;
	}
	for (p = 0; p < s->np; p++)
		if (s->skew[p].how == SEQ_SKEW_OFF && s->npkts[p] > 0) {
			if (seq_note_add(s, "clocks taken as they are "
			    "(--no-skew): hop times include whatever the "
			    "clocks were off by") < 0)
				return -1;
			break;
		}
	for (p = 0; p < s->np; p++)
		if (seq_guessed_clock(s, p) && guessed++ == 0 &&
		    seq_note_add(s, "the clock of %s was set from packets "
		    "going one way only, where delay and clock offset cannot "
		    "be told apart: no hop time to or from it is given",
		    s->pname[p]) < 0)
			return -1;
	/* directions, and the path of each */
	if ((dk = calloc(s->nev + 1, sizeof(*dk))) == NULL ||
	    (ix = calloc(s->nev + 1, sizeof(*ix))) == NULL)
		goto nomem;
	for (i = 0; i < s->nev; i++) {
		dk[i].ver = s->ev[i].pkt.ipver;
		memcpy(dk[i].src, s->ev[i].pkt.src, 16);
		memcpy(dk[i].dst, s->ev[i].pkt.dst, 16);
		dk[i].ev = i;
	}
	qsort(dk, s->nev, sizeof(*dk), seq_cmp_dirkey_ev);
	for (i = 0; i < s->nev; i++)
		ix[i] = dk[i].ev;
	for (i = 0; i < s->nev; i = j) {
		for (j = i + 1; j < s->nev &&
		    seq_cmp_dirkey(&dk[i], &dk[j]) == 0; j++)
			;
		if ((t = realloc(cls, (ncls + 1) * sizeof(*cls))) == NULL)
			goto nomem;
		cls = t;
		cls[ncls].i0 = i;
		cls[ncls].n = j - i;
		if (seq_path_learn(s, ix + i, j - i, cls[ncls].path,
		    &cls[ncls].np) < 0)
			goto nomem;
		ncls++;
	}
	free(dk);
	dk = NULL;
	if ((tr = calloc(s->nin + 1, sizeof(*tr))) == NULL)
		goto nomem;
	for (i = 0; i < s->nev; i++) {
		e = &s->ev[i];
		for (k = 1; k < (size_t)e->nseen; k++) {
			a = &s->sight[e->seen_off + k - 1];
			b = &s->sight[e->seen_off + k];
			if (seq_guessed_clock(s, a->point) ||
			    seq_guessed_clock(s, b->point))
				continue;
			tr[nt].from = a->point;
			tr[nt].to = b->point;
			tr[nt].d = b->ts_us - a->ts_us;
			tr[nt].ev = i;
			nt++;
		}
	}
	qsort(tr, nt, sizeof(*tr), seq_cmp_transit);
	for (i = 0; i < nt; i = j) {
		for (j = i; j < nt && tr[j].from == tr[i].from &&
		    tr[j].to == tr[i].to; j++)
			;
		if ((h = realloc(s->hops, (s->nhops + 1) * sizeof(*h))) ==
		    NULL)
			goto nomem;
		s->hops = h;
		h = &s->hops[s->nhops++];
		h->from_point = tr[i].from;
		h->to_point = tr[i].to;
		h->count = (unsigned)(j - i);
		/* nearest rank: the smallest value with p% at or below it */
		h->median_us = tr[i + (j - i + 1) / 2 - 1].d;
		h->p95_us = tr[i + ((j - i) * 95 + 99) / 100 - 1].d;
		h->max_us = tr[j - 1].d;
		/* far above the 95th percentile: twice it, 1 ms at least */
		for (k = i; k < j && h->count >= 10; k++)
			if (tr[k].d > 2 * h->p95_us &&
			    tr[k].d - h->p95_us >= 1000 &&
			    tr[k].d > s->ev[tr[k].ev].slow_us) {
				s->ev[tr[k].ev].slow_from = h->from_point;
				s->ev[tr[k].ev].slow_to = h->to_point;
				s->ev[tr[k].ev].slow_us = tr[k].d;
			}
	}
	free(tr);
	tr = NULL;
	for (c = 0; c < ncls; c++)
		seq_losses(s, ix + cls[c].i0, cls[c].n, cls[c].path,
		    cls[c].np, first, last);
	free(ix);
	free(cls);
	seq_resends(s);
	return 0;
nomem:
	free(tr);
	free(dk);
	free(ix);
	free(cls);
	return -1;
}

int
seq_merge(struct seq *s, const struct seq_opts *o, seq_name_fn name,
    void *arg, char *err, size_t errlen)
{
	struct seq_opts defopts = { 0 };
	struct seq_in **byg = NULL;
	struct seq_evsort *es = NULL;
	size_t i, j, k, ngroups, nsplit = 0, split = 0;
	struct seq_event *e;

	if (o == NULL)
		o = &defopts;
	seq_clear_merge(s);
	if (s->nin == 0)
		return 0;
	if ((ngroups = seq_group(s)) == 0 ||
	    (byg = calloc(s->nin, sizeof(*byg))) == NULL)
		goto nomem;
	for (i = 0; i < s->nin; i++) {
		byg[i] = &s->in[i];
		byg[i]->cts = byg[i]->p.ts_us;
	}
	qsort(byg, s->nin, sizeof(*byg), seq_cmp_group);
	if (seq_skew_estimate(s, byg, s->nin, o) < 0)
		goto nomem;
	if (seq_check_overlap(s, err, errlen) < 0) {
		free(byg);
		return -1;
	}
	for (i = 0; i < s->nin; i++)
		s->in[i].cts = s->in[i].p.ts_us -
		    s->skew[s->in[i].point].offset_us;
	if (seq_name_all(s, name, arg) < 0)
		goto nomem;
	qsort(byg, s->nin, sizeof(*byg), seq_cmp_named);
	/* one event per packet and naming: at most one per sighting */
	if ((es = calloc(s->nin, sizeof(*es))) == NULL ||
	    (s->sight = calloc(s->nin, sizeof(*s->sight))) == NULL)
		goto nomem;
	for (i = 0, k = 0; i < s->nin; i = j, k++) {
		e = &es[k].ev;
		e->ts_us = byg[i]->cts;
		e->first_point = byg[i]->point;
		e->pkt = byg[i]->p;
		e->src = byg[i]->sp;
		e->dst = byg[i]->dp;
		e->seen_off = i;
		e->repeat = byg[i]->rank > 0;
		e->lost_from = e->lost_to = -1;
		e->retrans_of = -1;
		e->slow_from = e->slow_to = -1;
		es[k].order = byg[i]->order;
		for (j = i; j < s->nin && byg[j]->group == byg[i]->group &&
		    byg[j]->sp == byg[i]->sp && byg[j]->dp == byg[i]->dp;
		    j++) {
			e->points |= 1u << byg[j]->point;
			e->hop_us = byg[j]->cts - e->ts_us;
			s->sight[j].point = byg[j]->point;
			s->sight[j].ts_us = byg[j]->cts;
		}
		e->nseen = (int)(j - i);
		if (j - i > 1)
			s->nmerged++;
		/* the same packet, named otherwise at another point */
		if (i > 0 && byg[i - 1]->group == byg[i]->group) {
			if (nsplit++ == 0)
				split = i;
		}
	}
	if (nsplit > 0 && seq_note_add(s, "%zu packet%s seen at several "
	    "points %s drawn once per point's names, because the names "
	    "differ (%s to %s at %s, %s to %s at %s)", nsplit,
	    nsplit == 1 ? "" : "s", nsplit == 1 ? "is" : "are",
	    s->part[byg[split - 1]->sp].name, s->part[byg[split - 1]->dp].name,
	    s->pname[byg[split - 1]->point], s->part[byg[split]->sp].name,
	    s->part[byg[split]->dp].name, s->pname[byg[split]->point]) < 0)
		goto nomem;
	qsort(es, k, sizeof(*es), seq_cmp_ev);
	if ((s->ev = calloc(k, sizeof(*s->ev))) == NULL)
		goto nomem;
	for (i = 0; i < k; i++)
		s->ev[i] = es[i].ev;
	s->nev = k;
	free(es);
	es = NULL;
	free(byg);
	byg = NULL;
	if (seq_relative(s) < 0 || seq_journeys(s) < 0)
		goto nomem;
	return 0;
nomem:
	free(es);
	free(byg);
	seq_clear_merge(s);
	snprintf(err, errlen, "out of memory merging %zu packets", s->nin);
	return -1;
}

struct seq_rank {
	int		 part;
	uint64_t	 bytes;
};

/* Most bytes first, then in order of first appearance. */
static int
seq_cmp_rank(const void *a, const void *b)
{
	const struct seq_rank *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->part - y->part;
}

int
seq_fold_participants(struct seq *s, int keep, const char *name)
{
	struct seq_rank *r = NULL;
	struct seq_part *np = NULL;
	int *map = NULL, i, n = 0, folded;
	size_t k;

	if (keep < 1 || s->npart <= keep + 1)
		return 0;
	if ((r = calloc(s->npart, sizeof(*r))) == NULL ||
	    (map = calloc(s->npart, sizeof(*map))) == NULL ||
	    (np = calloc(keep + 1, sizeof(*np))) == NULL ||
	    (np[keep].name = strdup(name)) == NULL) {
		if (np != NULL)
			free(np[keep].name);
		free(r);
		free(map);
		free(np);
		return -1;
	}
	for (i = 0; i < s->npart; i++)
		r[i].part = i;
	for (k = 0; k < s->nev; k++) {
		r[s->ev[k].src].bytes += s->ev[k].pkt.wirelen;
		if (s->ev[k].dst != s->ev[k].src)
			r[s->ev[k].dst].bytes += s->ev[k].pkt.wirelen;
	}
	qsort(r, s->npart, sizeof(*r), seq_cmp_rank);
	for (i = 0; i < keep; i++)
		map[r[i].part] = 1;
	/* The kept ones in their order, then the lane of the rest. */
	for (i = 0; i < s->npart; i++)
		if (map[i]) {
			np[n].name = s->part[i].name;
			s->part[i].name = NULL;
			map[i] = n++;
		} else
			map[i] = keep;
	for (k = 0; k < s->nev; k++) {
		s->ev[k].src = map[s->ev[k].src];
		s->ev[k].dst = map[s->ev[k].dst];
	}
	folded = s->npart - keep;
	for (i = 0; i < s->npart; i++)
		free(s->part[i].name);
	free(s->part);
	s->part = np;
	s->npart = keep + 1;
	s->nfolded = folded;
	free(r);
	free(map);
	return folded;
}

int
seq_nfolded(const struct seq *s)
{
	return s->nfolded;
}

size_t
seq_nevents(const struct seq *s)
{
	return s->nev;
}

const struct seq_event *
seq_event(const struct seq *s, size_t i)
{
	return i < s->nev ? &s->ev[i] : NULL;
}

int
seq_nparticipants(const struct seq *s)
{
	return s->npart;
}

const char *
seq_participant(const struct seq *s, int i)
{
	return i >= 0 && i < s->npart ? s->part[i].name : "?";
}

const struct seq_skew *
seq_point_skew(const struct seq *s, int point)
{
	return point >= 0 && point < s->np ? &s->skew[point] : NULL;
}

size_t
seq_nmerged(const struct seq *s)
{
	return s->nmerged;
}

const struct seq_sight *
seq_sighting(const struct seq *s, const struct seq_event *e, int k)
{
	return k >= 0 && k < e->nseen ? &s->sight[e->seen_off + (size_t)k] :
	    NULL;
}

size_t
seq_nhops(const struct seq *s)
{
	return s->nhops;
}

const struct seq_hop *
seq_hop(const struct seq *s, size_t i)
{
	return i < s->nhops ? &s->hops[i] : NULL;
}

const struct seq_hop *
seq_hop_find(const struct seq *s, int from, int to)
{
	size_t i;

	for (i = 0; i < s->nhops; i++)
		if (s->hops[i].from_point == from && s->hops[i].to_point == to)
			return &s->hops[i];
	return NULL;
}

size_t
seq_nlost(const struct seq *s)
{
	return s->nlost;
}

size_t
seq_nnotes(const struct seq *s)
{
	return s->nnotes;
}

const char *
seq_note(const struct seq *s, size_t i)
{
	return i < s->nnotes ? s->notes[i] : NULL;
}

char *
seq_hop_text(const struct seq *s, const struct seq_hop *h, char *buf,
    size_t len)
{
	char m[32], p[32], x[32];

	seq_dur_text(h->median_us, m, sizeof(m));
	seq_dur_text(h->p95_us, p, sizeof(p));
	seq_dur_text(h->max_us, x, sizeof(x));
	snprintf(buf, len, "%s to %s: %u packet%s, median %s, p95 %s, max %s",
	    seq_point_name(s, h->from_point), seq_point_name(s, h->to_point),
	    h->count, h->count == 1 ? "" : "s", m, p, x);
	return buf;
}

char *
seq_journey_text(const struct seq *s, const struct seq_event *e, char *buf,
    size_t len)
{
	const struct seq_hop *h;
	char t[40], d[32], q[32];
	size_t o = 0;

	buf[0] = '\0';
	if (e->lost_from >= 0)
		o += (size_t)snprintf(buf + o, len - o, "lost between %s and %s",
		    seq_point_name(s, e->lost_from),
		    seq_point_name(s, e->lost_to));
	if (e->retrans_of >= 0 && (size_t)e->retrans_of < s->nev && o < len)
		o += (size_t)snprintf(buf + o, len - o, "%sresends the packet "
		    "lost at %s", o ? "; " : "", seq_time_text(
		    s->ev[e->retrans_of].ts_us, 0, t, sizeof(t)));
	if (e->slow_from >= 0 && o < len &&
	    (h = seq_hop_find(s, e->slow_from, e->slow_to)) != NULL) {
		seq_dur_text(e->slow_us, d, sizeof(d));
		seq_dur_text(h->p95_us, q, sizeof(q));
		snprintf(buf + o, len - o, "%sslow: %s to %s took %s (p95 %s)",
		    o ? "; " : "", seq_point_name(s, e->slow_from),
		    seq_point_name(s, e->slow_to), d, q);
	}
	return buf;
}

/* --- text for arrows ------------------------------------------------------ */

static const struct {
	uint8_t		 bit;
	const char	*name;
} seq_flag_names[] = {
	/* Wireshark's order: lowest bit first */
	{ TH_FIN, "FIN" }, { TH_SYN, "SYN" }, { TH_RST, "RST" },
	{ TH_PSH, "PSH" }, { TH_ACK, "ACK" }, { TH_URG, "URG" },
	{ TH_ECE, "ECE" }, { TH_CWR, "CWR" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

char *
seq_flags_text(uint8_t flags, char *buf, size_t len)
{
	size_t i, o;
	int first = 1;

	o = (size_t)snprintf(buf, len, "[");
	for (i = 0; i < NELEM(seq_flag_names) && o < len; i++)
		if (flags & seq_flag_names[i].bit) {
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			    first ? "" : ", ", seq_flag_names[i].name);
			first = 0;
		}
	if (o < len)
		snprintf(buf + o, len - o, "%s]", first ? "<None>" : "");
	return buf;
}

int
seq_flags_parse(const char *str, size_t n, uint8_t *flags)
{
	size_t i, w;
	uint8_t f = 0;
	int found;

	while (n > 0) {
		while (n > 0 && (*str == ' ' || *str == ',')) {
			str++;
			n--;
		}
		if (n == 0)
			break;
		for (w = 0; w < n && str[w] != ' ' && str[w] != ','; w++)
			;
		found = 0;
		for (i = 0; i < NELEM(seq_flag_names); i++)
			if (strlen(seq_flag_names[i].name) == w &&
			    memcmp(seq_flag_names[i].name, str, w) == 0) {
				f |= seq_flag_names[i].bit;
				found = 1;
			}
		/* Wireshark names ECE "ECN" in its Info column */
		if (!found && w == 3 && memcmp(str, "ECN", 3) == 0) {
			f |= TH_ECE;
			found = 1;
		}
		if (!found)
			return -1;
		str += w;
		n -= w;
	}
	if (f == 0)
		return -1;
	*flags = f;
	return 0;
}

char *
seq_time_text(int64_t us, int with_date, char *buf, size_t len)
{
	time_t t;
	struct tm tm;
	int64_t sec = us / 1000000, frac = us % 1000000;

	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (with_date)
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%06d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)frac);
	else
		snprintf(buf, len, "%02d:%02d:%02d.%06d", tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)frac);
	return buf;
}

static void
seq_dur_text(int64_t us, char *buf, size_t len)
{
	if (us < 1000000)
		snprintf(buf, len, "%.3f ms", (double)us / 1000.0);
	else
		snprintf(buf, len, "%.3f s", (double)us / 1000000.0);
}

char *
seq_seen_text(const struct seq *s, const struct seq_event *e, char *buf,
    size_t len)
{
	char d[32];
	size_t o;
	int p;

	o = (size_t)snprintf(buf, len, "%s", seq_point_name(s,
	    e->first_point));
	for (p = 0; p < s->np && o < len; p++)
		if (p != e->first_point && (e->points & (1u << p)))
			o += (size_t)snprintf(buf + o, len - o, ", %s",
			    s->pname[p]);
	if (e->points != (1u << e->first_point) && o < len) {
		seq_dur_text(e->hop_us, d, sizeof(d));
		snprintf(buf + o, len - o, " +%s", d);
	}
	return buf;
}

static const char *
seq_icmp_name(int v6, unsigned type)
{
	if (!v6)
		switch (type) {
		case 0: return "echo reply";
		case 3: return "destination unreachable";
		case 5: return "redirect";
		case 8: return "echo request";
		case 11: return "time exceeded";
		case 12: return "parameter problem";
		}
	else
		switch (type) {
		case 1: return "destination unreachable";
		case 2: return "packet too big";
		case 3: return "time exceeded";
		case 4: return "parameter problem";
		case 128: return "echo request";
		case 129: return "echo reply";
		case 133: return "router solicitation";
		case 134: return "router advertisement";
		case 135: return "neighbor solicitation";
		case 136: return "neighbor advertisement";
		case 137: return "redirect";
		}
	return NULL;
}

/* packetseq's reductions of a text export's Info column. */
static char *
seq_describe_text(const char *info, enum seq_level lv, char *buf,
    size_t len)
{
	const char *b, *c;
	size_t n;

	if (lv == SEQ_LEVEL_FULL || (b = strrchr(info, '[')) == NULL) {
		snprintf(buf, len, "%s", info);
		return buf;
	}
	n = strlen(b);
	if (lv == SEQ_LEVEL_SUMMARY && (c = strchr(b, ']')) != NULL)
		n = (size_t)(c - b) + 1;
	snprintf(buf, len, "%.*s", (int)n, b);
	return buf;
}

char *
seq_describe(const struct seq_event *e, enum seq_level lv, char *buf,
    size_t len)
{
	const struct packet *p = &e->pkt;
	char fl[64], tail[96], ack[32], plen[16];
	const char *pn, *in;

	if (p->info != NULL)
		return seq_describe_text(p->info, lv, buf, len);
	tail[0] = '\0';
	if (lv == SEQ_LEVEL_FULL)
		snprintf(tail, sizeof(tail), " (IP ID 0x%04x, %u bytes)",
		    (unsigned)p->ip_id, (unsigned)p->wirelen);
	pn = decode_proto_name(p->proto);
	if ((p->proto == IPG_PROTO_TCP || p->proto == IPG_PROTO_UDP) &&
	    !PACKET_HAS_L4(p)) {
		snprintf(buf, len, "%s, no transport header, %u bytes%s",
		    p->proto == IPG_PROTO_TCP ? "TCP" : "UDP",
		    (unsigned)p->ip_len, tail);
		return buf;
	}
	switch (p->proto) {
	case IPG_PROTO_TCP:
		seq_flags_text(p->tcp_flags, fl, sizeof(fl));
		if (lv == SEQ_LEVEL_SUMMARY) {
			snprintf(buf, len, "%s", fl);
			break;
		}
		ack[0] = '\0';
		if (p->tcp_flags & TH_ACK)
			snprintf(ack, sizeof(ack), " Ack=%u",
			    (unsigned)(e->has_rel_ack ? e->rel_ack :
			    p->tcp_ack));
		if (p->notes & PACKET_NO_L4LEN)
			snprintf(plen, sizeof(plen), "?");
		else
			snprintf(plen, sizeof(plen), "%u",
			    (unsigned)p->l4_len);
		if (lv == SEQ_LEVEL_DEFAULT)
			snprintf(buf, len, "%s Seq=%u%s Len=%s", fl,
			    (unsigned)e->rel_seq, ack, plen);
		else
			snprintf(buf, len, "%u > %u %s Seq=%u%s Len=%s "
			    "(seq %u, ack %u, IP ID 0x%04x, %u bytes)",
			    p->sport, p->dport, fl, (unsigned)e->rel_seq, ack,
			    plen, (unsigned)p->tcp_seq,
			    (unsigned)p->tcp_ack, (unsigned)p->ip_id,
			    (unsigned)p->wirelen);
		break;
	case IPG_PROTO_UDP:
		if (lv == SEQ_LEVEL_SUMMARY)
			snprintf(buf, len, "UDP");
		else
			snprintf(buf, len, "UDP %u > %u Len=%u%s", p->sport,
			    p->dport, (unsigned)p->l4_len, tail);
		break;
	case IPG_PROTO_ICMP:
	case IPG_PROTO_ICMPV6:
		in = seq_icmp_name(p->proto == IPG_PROTO_ICMPV6, p->sport);
		if (in != NULL && lv != SEQ_LEVEL_FULL)
			snprintf(buf, len, "%s %s", p->proto == IPG_PROTO_ICMP ?
			    "ICMP" : "ICMPv6", in);
		else if (in != NULL)
			snprintf(buf, len, "%s %s (type %u, code %u)%s",
			    p->proto == IPG_PROTO_ICMP ? "ICMP" : "ICMPv6",
			    in, p->sport, p->dport, tail);
		else
			snprintf(buf, len, "%s type %u code %u%s",
			    p->proto == IPG_PROTO_ICMP ? "ICMP" : "ICMPv6",
			    p->sport, p->dport, tail);
		break;
	default:
		if (pn != NULL)
			snprintf(buf, len, "%s %u bytes%s", pn,
			    (unsigned)p->ip_len, tail);
		else
			snprintf(buf, len, "IP protocol %u, %u bytes%s",
			    p->proto, (unsigned)p->ip_len, tail);
		break;
	}
	return buf;
}

static const struct {
	uint8_t		 flags;
	const char	*name;
	uint32_t	 rgb;
} seq_colors[] = {
	{ TH_SYN, "blue", 0x0000ff },
	{ TH_SYN | TH_ACK, "red", 0xff0000 },
	{ TH_ACK, "green", 0x008000 },
	{ TH_FIN, "navy", 0x000080 },
	{ TH_FIN | TH_ACK, "maroon", 0x800000 },
	{ TH_RST, "purple", 0x800080 },
	{ TH_RST | TH_ACK, "fuchsia", 0xff00ff },
	{ TH_URG, "olive", 0x808000 },
	{ TH_PSH, "orange", 0xffa500 },
};

const char *
seq_color(const struct seq_event *e, uint32_t *rgb)
{
	uint8_t f;
	size_t i;

	/* ECE and CWR only negotiate ECN: a SYN with them is still a SYN */
	f = e->pkt.tcp_flags & (TH_FIN | TH_SYN | TH_RST | TH_PSH | TH_ACK |
	    TH_URG);
	if (e->pkt.proto == IPG_PROTO_TCP)
		for (i = 0; i < NELEM(seq_colors); i++)
			if (seq_colors[i].flags == f) {
				if (rgb != NULL)
					*rgb = seq_colors[i].rgb;
				return seq_colors[i].name;
			}
	if (rgb != NULL)
		*rgb = 0x808080;
	return "gray";
}
