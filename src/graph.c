/* graph.c - stored rows folded into the graph every export draws: nodes
 * (hosts or blocks), edges, and the finer flows and per-window events. */

#include "config.h"

#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "asn.h"
#include "buf.h"
#include "graph.h"
#include "names.h"
#include "rdns.h"
#include "query.h"
#include "sites.h"
#include "store.h"
#include "timefmt.h"

/*
 * Open-addressed hash tables of indices into a growable array of items
 * whose first keylen bytes are the key.  One generic table serves nodes,
 * edges, flows and events; rows arrive by the million, so lookups must be
 * cheap, and items stay in one array that sorting can later reorder.
 *
 * A slot keeps the low 32 bits of its item's hash beside the index: a
 * probe that meets another key is told apart by the slot alone, without
 * a cache miss on the item, and growing the table walks the old slots
 * instead of hashing every item again.  On a day of 1.15 million flows
 * the table is far larger than the cache, so the time goes to memory
 * latency, not to the hash: htab_prefetch_slot lets a caller with a
 * batch of keys start every slot's load before it needs the first.
 */
struct htab {
	uint64_t	*slot;		/* hash << 32 | index + 1; 0 empty */
	size_t		 nslot;		/* power of two */
	size_t		 n;
	char		*items;
	size_t		 cap;
	size_t		 itemsize;
	size_t		 keylen;
};

/* Items at most: an index + 1 and the slots (2 per item) stay in range. */
#define HTAB_MAX	((size_t)1 << 30)

static uint64_t
htab_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

/* Arrays from this size up are advised into huge pages. */
#define GRAPH_HUGE	((size_t)2 << 20)

/*
 * Ask for huge pages under the len bytes at p, where the system gives
 * them on request (transparent_hugepage=madvise, Debian's default): a
 * day's flows fill arrays of tens of megabytes, read at random (the
 * slots) or written in many streams (the items, the graph's flows); in
 * 4 KB pages the port ring of the day benchmark's hour tier took 53,600
 * page faults, 24,500 with this advice, and their random reads cross a
 * page almost every time.  Only a hint, for memory not touched yet:
 * without huge pages nothing changes.  The whole 2 MB ranges inside get
 * them.
 */
static void
graph_advise_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = (uintptr_t)p, end = a + len;

	if (len < GRAPH_HUGE)
		return;
	/*
	 * From the page p is in: a large block has a page of its own (its
	 * header is in it), and advice that split its mapping would make
	 * a later realloc copy it instead of moving its pages (mremap).
	 */
	a &= ~(uintptr_t)4095;
	(void)madvise((void *)a, end - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/* nslot zeroed slots; NULL when out of memory.  Free with free(3). */
static uint64_t *
htab_slots(size_t nslot)
{
	uint64_t *slot;

	if ((slot = calloc(nslot, sizeof(*slot))) != NULL)
		graph_advise_huge(slot, nslot * sizeof(*slot));
	return slot;
}

static void
htab_init(struct htab *h, size_t itemsize, size_t keylen)
{
	memset(h, 0, sizeof(*h));
	h->itemsize = itemsize;
	h->keylen = keylen;
}

static void
htab_free(struct htab *h)
{
	free(h->slot);
	free(h->items);
	memset(h, 0, sizeof(*h));
}

/*
 * Free the slots of a table that is only read by index from now on
 * (htab_item); it takes no more htab_get.
 */
static void
htab_drop_slots(struct htab *h)
{
	free(h->slot);
	h->slot = NULL;
	h->nslot = 0;
}

static void *
htab_item(const struct htab *h, size_t i)
{
	return h->items + i * h->itemsize;
}

static int
htab_rehash(struct htab *h, size_t nslot)
{
	uint64_t *slot, s;
	size_t i, j;

	if ((slot = htab_slots(nslot)) == NULL)
		return -1;
	for (i = 0; i < h->nslot; i++) {
		if ((s = h->slot[i]) == 0)
			continue;
		j = (s >> 32) & (nslot - 1);
		while (slot[j] != 0)
			j = (j + 1) & (nslot - 1);
		slot[j] = s;
	}
	free(h->slot);
	h->slot = slot;
	h->nslot = nslot;
	return 0;
}

/*
 * Key equality.  The edge, flow, event and node keys (8, 12, 16 and 18
 * bytes) are compared inline, as words: memcmp is a libc call, once per
 * probe.
 */
static inline int
htab_same(const void *a, const void *b, size_t keylen)
{
	const char *p = a, *q = b;
	uint64_t x, y;
	uint32_t u, v;
	uint16_t c, d;

	switch (keylen) {
	case 8:
	case 12:
	case 16:
	case 18:
		memcpy(&x, p, 8);
		memcpy(&y, q, 8);
		if (x != y)
			return 0;
		if (keylen == 12) {
			memcpy(&u, p + 8, 4);
			memcpy(&v, q + 8, 4);
			return u == v;
		}
		if (keylen >= 16) {
			memcpy(&x, p + 8, 8);
			memcpy(&y, q + 8, 8);
			if (x != y)
				return 0;
		}
		if (keylen == 18) {
			memcpy(&c, p + 16, 2);
			memcpy(&d, q + 16, 2);
			return c == d;
		}
		return 1;
	default:
		return memcmp(a, b, keylen) == 0;
	}
}

/*
 * Start loading the first slot of a key of hash (htab_hash of its key)
 * that will be looked up soon.  Changes nothing.
 */
static inline void
htab_prefetch_slot(const struct htab *h, uint64_t hash)
{
	if (h->nslot != 0)
		__builtin_prefetch(&h->slot[hash & (h->nslot - 1)]);
}

/*
 * Find the item with key's first keylen bytes, or append item (the whole
 * itemsize bytes) as a new one; hash is htab_hash of its key.  Returns
 * its index and sets *isnew, or -1 when out of memory.
 */
static long
htab_get_hashed(struct htab *h, const void *item, uint64_t hash, int *isnew)
{
	uint32_t tag = (uint32_t)hash;
	size_t j, cap;
	uint64_t s;
	char *items;

	*isnew = 0;
	if (h->nslot != 0) {
		j = hash & (h->nslot - 1);
		while ((s = h->slot[j]) != 0) {
			if ((uint32_t)(s >> 32) == tag &&
			    htab_same(htab_item(h, (uint32_t)s - 1), item,
			    h->keylen))
				return (long)((uint32_t)s - 1);
			j = (j + 1) & (h->nslot - 1);
		}
	}
	if (h->n >= HTAB_MAX)
		return -1;
	if ((h->n + 1) * 2 > h->nslot &&
	    htab_rehash(h, h->nslot == 0 ? 1024 : h->nslot * 2) < 0)
		return -1;
	if (h->n == h->cap) {
		cap = h->cap == 0 ? 256 : h->cap * 2;
		if ((items = reallocarray(h->items, cap, h->itemsize)) ==
		    NULL)
			return -1;
		h->items = items;
		h->cap = cap;
		graph_advise_huge(items, cap * h->itemsize);
	}
	memcpy(htab_item(h, h->n), item, h->itemsize);
	j = hash & (h->nslot - 1);
	while (h->slot[j] != 0)
		j = (j + 1) & (h->nslot - 1);
	h->slot[j] = (uint64_t)tag << 32 | (uint32_t)(h->n + 1);
	*isnew = 1;
	return (long)h->n++;
}

static long
htab_get(struct htab *h, const void *item, int *isnew)
{
	return htab_get_hashed(h, item, htab_hash(item, h->keylen), isnew);
}

/* Keys are plain bytes with no padding, so memcmp and hashing are exact. */
struct nkey {
	uint8_t		ver;
	uint8_t		prefix;
	uint8_t		addr[16];
};

struct nitem {
	struct nkey	k;
	uint32_t	members;	/* hosts folded in (groups) */
};

/* A host folded into a group node, to count each host once. */
struct mkey {
	uint32_t	node;
	uint8_t		ver;
	uint8_t		addr[16];
	uint8_t		pad[3];
};

struct mitem {
	struct mkey	k;
};

struct ekey {
	uint32_t	src;
	uint32_t	dst;
};

struct eitem {
	struct ekey	k;
	uint64_t	packets;
	uint64_t	bytes;
	int64_t		first_us;
	int64_t		last_us;
	long		to;		/* folding: the new edge, or -1 */
};

struct fkey {
	uint32_t	edge;
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	proto;
};

struct fitem {
	struct fkey	k;
	uint64_t	packets;
	uint64_t	bytes;
};

struct vkey {
	int64_t		window_us;
	uint32_t	edge;
	uint32_t	pad;
};

struct vitem {
	struct vkey	k;
	int64_t		first_us;
	uint64_t	packets;
	uint64_t	bytes;
};

/*
 * Rows are folded in batches of this many (agg_rows): enough to cover
 * a load from memory with the others' work, few enough that their slots
 * are still in cache when they are used (16 and 64: the same within the
 * noise on the day benchmark).
 */
#define AGG_BATCH	32

/* Aggregation state of one graph_build run. */
struct agg {
	const struct filter	*q;
	struct nkey		 last;		/* the last host looked up */
	long			 last_idx;	/* its node's index, or -1 */
	struct htab		 nodes;
	struct htab		 members;	/* (group node, host) seen */
	struct htab		 edges;
	struct htab		 flows;
	struct htab		 events;
	struct names		*seen[3];	/* names from the traffic */
	struct htab		 named;		/* seen_name's last names */
	struct store		*st;		/* for the names (agg_seen) */
	struct store_row	 batch[AGG_BATCH];	/* not folded yet */
	size_t			 nbatch;
};

/* Where a name from the traffic came from, best first. */
static const char *const seen_source[3] = { "dns", "sni", "http" };

/* A node of one address: not a block, an AS, a country, a site or a zone. */
static int
node_is_host(const struct graph_node *nd)
{
	return (nd->ver == 4 && nd->prefix == 32) ||
	    (nd->ver == 6 && nd->prefix == 128);
}

/*
 * A host's or block's name from the names file, else (hosts only) from
 * the traffic: DNS, then TLS SNI, then HTTP Host.  NULL when none; the
 * source into *source.
 */
static const char *
agg_host_name(const struct agg *a, const struct graph_node *nd,
    const char **source)
{
	const char *name;
	int k;

	name = names_lookup(a->q->names, nd->ver, nd->addr, nd->prefix);
	*source = name != NULL ? "config" : NULL;
	for (k = 0; k < 3 && name == NULL && a->seen[k] != NULL &&
	    node_is_host(nd); k++)
		if ((name = names_lookup(a->seen[k], nd->ver, nd->addr,
		    nd->prefix)) != NULL)
			*source = seen_source[k];
	return name;
}

/*
 * With a resolver (filter_set_rdns): ask it for every host of g that
 * nothing else names, waiting at most its timeout.  *rq gets the
 * queries (names filled in where answered; free with rdns_queries_free),
 * *rqi for each node its query's index or SIZE_MAX.  Both NULL without
 * a resolver or such hosts.  0, or -1 when out of memory.
 */
static int
agg_rdns(const struct agg *a, const struct graph *g, struct rdns_query **rq,
    size_t **rqi, size_t *nrq)
{
	const struct graph_node *nd;
	const char *source;
	size_t i, n = 0;

	*rq = NULL;
	*rqi = NULL;
	*nrq = 0;
	if (a->q->rdns == NULL || g->nnodes == 0)
		return 0;
	if ((*rqi = malloc(g->nnodes * sizeof(**rqi))) == NULL ||
	    (*rq = calloc(g->nnodes, sizeof(**rq))) == NULL)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		nd = &g->nodes[i];
		(*rqi)[i] = SIZE_MAX;
		if (!node_is_host(nd) || agg_host_name(a, nd, &source) != NULL)
			continue;
		(*rq)[n].ver = nd->ver;
		memcpy((*rq)[n].addr, nd->addr, 16);
		(*rqi)[i] = n++;
	}
	*nrq = n;
	return rdns_names(a->q->rdns, *rq, n);
}

static void
rdns_queries_free(struct rdns_query *rq, size_t n)
{
	size_t i;

	for (i = 0; rq != NULL && i < n; i++)
		free(rq[i].name);
	free(rq);
}

/*
 * The name an address has in a source's map now (seen_name), keyed by
 * source, version and address (18 bytes, the rest zero).
 */
struct seen_item {
	uint8_t		 source;
	uint8_t		 ver;
	uint8_t		 addr[16];
	char		*name;		/* owned */
};

/*
 * One stored name into its source's map: a later one replaces an earlier.
 * Every window stores again the names seen in it, so most rows name an
 * address as it is already named: those are found by their bytes and
 * skipped, without formatting the address for the map and parsing it
 * back (a day of real traffic: 1.77 million rows for 4 addresses).
 */
static int
seen_name(const struct name_seen *ns, void *arg)
{
	struct agg *a = arg;
	struct seen_item item, *it;
	char text[ADDR_STRLEN], err[128];
	long k;
	int i, isnew;

	if (ns->ver != 4 && ns->ver != 6)
		return 0;
	for (i = 0; i < 3 && strcmp(ns->source, seen_source[i]) != 0; i++)
		;
	if (i == 3)
		return 0;
	memset(&item, 0, sizeof(item));
	item.source = (uint8_t)i;
	item.ver = ns->ver;
	memcpy(item.addr, ns->addr, ns->ver == 4 ? 4 : 16);
	if ((k = htab_get(&a->named, &item, &isnew)) >= 0) {
		it = htab_item(&a->named, (size_t)k);
		if (!isnew && it->name != NULL &&
		    strcmp(it->name, ns->name) == 0)
			return 0;
		if (!isnew)
			free(it->name);
		/* NULL when out of memory: the next row is added again */
		it->name = strdup(ns->name);
	}
	addr_format(ns->ver, ns->addr, text);
	/* only out of memory fails here: the node keeps its address */
	names_add(a->seen[i], text, ns->name, err, sizeof(err));
	return 0;
}

/*
 * A seek costs about as much as reading this many name rows in order:
 * agg_seen looks up a graph's hosts one by one while that is cheaper
 * than reading the table up to the span's end.
 */
#define SEEN_SEEK_ROWS	4

/*
 * The names from the traffic for g's hosts, into a->seen: the newest of
 * each source at the span's end.  Few hosts against a large names table
 * (it holds a row per address and client in every window, and grows
 * with the file's age): one seek per host and source; else every name
 * up to the end, in time order.  0, or -1 with err.
 */
static int
agg_seen(struct agg *a, const struct graph *g, char *err, size_t errlen)
{
	struct name_key *keys;
	size_t i, n = 0;
	long rows;
	int k, rc;

	for (k = 0; k < 3; k++)
		if ((a->seen[k] = names_new()) == NULL)
			goto oom;
	if ((keys = calloc(g->nnodes + 1, sizeof(*keys))) == NULL)
		goto oom;
	for (i = 0; i < g->nnodes; i++) {
		const struct graph_node *nd = &g->nodes[i];

		if (!node_is_host(nd))
			continue;
		keys[n].ver = nd->ver;
		memcpy(keys[n].addr, nd->addr, 16);
		n++;
	}
	if (n == 0)
		rc = 0;
	else if ((rows = store_names_rows(a->st)) >= 0 &&
	    (uint64_t)n * 3 * SEEN_SEEK_ROWS < (uint64_t)rows)
		rc = store_names_of(a->st, a->q, keys, n, seen_source, 3,
		    seen_name, a, err, errlen);
	else
		rc = store_names(a->st, a->q, 0, seen_name, a, err, errlen);
	free(keys);
	return rc < 0 ? -1 : 0;
oom:
	snprintf(err, errlen, "out of memory building the graph");
	return -1;
}

static void
seen_free(struct htab *named)
{
	size_t i;

	for (i = 0; i < named->n; i++)
		free(((struct seen_item *)htab_item(named, i))->name);
	htab_free(named);
}

static long
agg_node(struct agg *a, int ver, const uint8_t *addr)
{
	struct nitem n, *np;
	struct mitem m;
	struct nkey host;
	struct asn_info info;
	const struct site *s;
	unsigned idx;
	long i;
	int isnew;

	memset(&host, 0, sizeof(host));
	host.ver = (uint8_t)ver;
	host.prefix = (uint8_t)(ver == 4 ? 32 : 128);
	memcpy(host.addr, addr, ver == 4 ? 4 : 16);
	/* rows come in key order: the same source many times in a row */
	if (a->last_idx >= 0 && memcmp(&a->last, &host, sizeof(host)) == 0)
		return a->last_idx;
	memset(&n, 0, sizeof(n));
	n.k = host;
	if ((a->q->group_by == FILTER_GROUP_ASN ||
	    a->q->group_by == FILTER_GROUP_COUNTRY) &&
	    asn_lookup(ver, addr, &info) == 0 &&
	    (a->q->group_by == FILTER_GROUP_ASN ? info.asn != 0 :
	    info.country[0] != '\0')) {
		/* an AS (its number) or a country (its code) node */
		memset(n.k.addr, 0, sizeof(n.k.addr));
		n.k.prefix = 0;
		if (a->q->group_by == FILTER_GROUP_ASN) {
			n.k.ver = GRAPH_ASN;
			memcpy(n.k.addr, &info.asn, sizeof(info.asn));
		} else {
			n.k.ver = GRAPH_COUNTRY;
			memcpy(n.k.addr, info.country, 2);
		}
	} else if ((a->q->group_by == FILTER_GROUP_SITE ||
	    a->q->group_by == FILTER_GROUP_ZONE) &&
	    (s = sites_lookup(a->q->sites, ver, addr)) != NULL) {
		/* a site (or zone) node: its number where the address was */
		idx = a->q->group_by == FILTER_GROUP_SITE ? s->index :
		    s->zone_index;
		memset(n.k.addr, 0, sizeof(n.k.addr));
		n.k.ver = a->q->group_by == FILTER_GROUP_SITE ? GRAPH_SITE :
		    GRAPH_ZONE;
		n.k.prefix = 0;
		memcpy(n.k.addr, &idx, sizeof(idx));
	} else {
		n.k.prefix = (uint8_t)(ver == 4 ? a->q->group4 :
		    a->q->group6);
		if (n.k.prefix != (ver == 4 ? 32 : 128))
			addr_mask(n.k.addr, ver, n.k.prefix);
	}
	a->last = host;
	if ((i = a->last_idx = htab_get(&a->nodes, &n, &isnew)) < 0)
		return -1;
	if (memcmp(&n.k, &host, sizeof(host)) != 0) {
		/* a group: count each host folded into it once */
		memset(&m, 0, sizeof(m));
		m.k.node = (uint32_t)i;
		m.k.ver = (uint8_t)ver;
		memcpy(m.k.addr, addr, ver == 4 ? 4 : 16);
		if (htab_get(&a->members, &m, &isnew) < 0)
			return -1;
		if (isnew) {
			np = htab_item(&a->nodes, (size_t)i);
			np->members++;
		}
	}
	return i;
}

/*
 * Add e's counts to the edge of its key, added if new; hash is its
 * key's htab_hash.  Returns the edge's index or -1.
 */
static long
agg_edge_add(struct htab *edges, const struct eitem *e, uint64_t hash)
{
	struct eitem *p;
	long i;
	int isnew;

	if ((i = htab_get_hashed(edges, e, hash, &isnew)) < 0 || isnew)
		return i;
	p = htab_item(edges, (size_t)i);
	p->packets += e->packets;
	p->bytes += e->bytes;
	if (e->first_us < p->first_us)
		p->first_us = e->first_us;
	if (e->last_us > p->last_us)
		p->last_us = e->last_us;
	return i;
}

static void
agg_edge_item(struct eitem *e, uint32_t src, uint32_t dst, uint64_t packets,
    uint64_t bytes, int64_t first_us, int64_t last_us)
{
	memset(e, 0, sizeof(*e));
	e->k.src = src;
	e->k.dst = dst;
	e->packets = packets;
	e->bytes = bytes;
	e->first_us = first_us;
	e->last_us = last_us;
	e->to = -1;
}

/* Add counts to the edge (src, dst); returns its index or -1. */
static long
agg_edge(struct htab *edges, uint32_t src, uint32_t dst, uint64_t packets,
    uint64_t bytes, int64_t first_us, int64_t last_us)
{
	struct eitem e;

	agg_edge_item(&e, src, dst, packets, bytes, first_us, last_us);
	return agg_edge_add(edges, &e, htab_hash(&e.k, sizeof(e.k)));
}

/* The same for a flow: 0 or -1. */
static int
agg_flow_add(struct htab *flows, const struct fitem *f, uint64_t hash)
{
	struct fitem *p;
	long i;
	int isnew;

	if ((i = htab_get_hashed(flows, f, hash, &isnew)) < 0)
		return -1;
	if (!isnew) {
		p = htab_item(flows, (size_t)i);
		p->packets += f->packets;
		p->bytes += f->bytes;
	}
	return 0;
}

static void
agg_flow_item(struct fitem *f, uint32_t edge, unsigned proto, unsigned sport,
    unsigned dport, uint64_t packets, uint64_t bytes)
{
	memset(f, 0, sizeof(*f));
	f->k.edge = edge;
	f->k.proto = proto;
	f->k.sport = (uint16_t)sport;
	f->k.dport = (uint16_t)dport;
	f->packets = packets;
	f->bytes = bytes;
}

static int
agg_flow(struct htab *flows, uint32_t edge, unsigned proto, unsigned sport,
    unsigned dport, uint64_t packets, uint64_t bytes)
{
	struct fitem f;

	agg_flow_item(&f, edge, proto, sport, dport, packets, bytes);
	return agg_flow_add(flows, &f, htab_hash(&f.k, sizeof(f.k)));
}

static int
agg_event(struct htab *events, uint32_t edge, int64_t window_us,
    int64_t first_us, uint64_t packets, uint64_t bytes)
{
	struct vitem v, *p;
	long i;
	int isnew;

	memset(&v, 0, sizeof(v));
	v.k.window_us = window_us;
	v.k.edge = edge;
	v.first_us = first_us;
	v.packets = packets;
	v.bytes = bytes;
	if ((i = htab_get(events, &v, &isnew)) < 0)
		return -1;
	if (!isnew) {
		p = htab_item(events, (size_t)i);
		p->packets += packets;
		p->bytes += bytes;
		if (first_us < p->first_us)
			p->first_us = first_us;
	}
	return 0;
}

/*
 * Fold the batched rows into the tables, and empty the batch: 0, or -1
 * when out of memory.
 *
 * Each table is worked in stages over the whole batch, in row order:
 * keys and hashes with a prefetch of every first slot, then the
 * lookups.  Row by row, each lookup of a day's edges and flows waited
 * for its slot to come from memory; in stages the batch's loads are
 * under way together.  (A third stage prefetching the items the slots
 * name bought nothing measurable: an hour tier's flows are all new, and
 * an edge's item is warm from its previous row.)  The flows' keys hold
 * their edge's index, so they wait for the edges' stage; the nodes are
 * few and stay in cache.  Every table still sees its keys in row order,
 * so the indices, and all that is drawn from them, are those of folding
 * row by row.
 */
static int
agg_rows(struct agg *a)
{
	struct eitem e[AGG_BATCH];
	struct fitem f[AGG_BATCH];
	uint64_t eh[AGG_BATCH], fh[AGG_BATCH];
	long ei[AGG_BATCH], s, d;
	size_t i, n = a->nbatch;
	const struct store_row *r;
	int ports = (a->q->detail & QUERY_DETAIL_PORTS) != 0;

	a->nbatch = 0;
	for (i = 0; i < n; i++) {
		r = &a->batch[i];
		if ((s = agg_node(a, r->ipver, r->src)) < 0 ||
		    (d = agg_node(a, r->ipver, r->dst)) < 0)
			return -1;
		agg_edge_item(&e[i], (uint32_t)s, (uint32_t)d, r->packets,
		    r->bytes, r->first_us, r->last_us);
		eh[i] = htab_hash(&e[i].k, sizeof(e[i].k));
		htab_prefetch_slot(&a->edges, eh[i]);
	}
	for (i = 0; i < n; i++) {
		r = &a->batch[i];
		if ((ei[i] = agg_edge_add(&a->edges, &e[i], eh[i])) < 0)
			return -1;
		if (!ports)
			continue;
		agg_flow_item(&f[i], (uint32_t)ei[i], r->proto, r->sport,
		    r->dport, r->packets, r->bytes);
		fh[i] = htab_hash(&f[i].k, sizeof(f[i].k));
		htab_prefetch_slot(&a->flows, fh[i]);
	}
	if (ports) {
		for (i = 0; i < n; i++)
			if (agg_flow_add(&a->flows, &f[i], fh[i]) < 0)
				return -1;
	}
	if (a->q->detail & QUERY_DETAIL_TIMES)
		for (i = 0; i < n; i++) {
			r = &a->batch[i];
			if (agg_event(&a->events, (uint32_t)ei[i],
			    r->window_start * 1000000, r->first_us,
			    r->packets, r->bytes) < 0)
				return -1;
		}
	return 0;
}

/*
 * One row into the batch, folded when the batch is full; 0, or -1 when
 * out of memory.  The row's sensor is not kept: it dies with the
 * statement's step, and the graph does not need it.
 */
static int
agg_row(struct agg *a, const struct store_row *r)
{
	if (r->ipver == 0)
		return 0;	/* a damaged row: no address to draw */
	a->batch[a->nbatch] = *r;
	a->batch[a->nbatch].sensor = NULL;
	if (++a->nbatch == AGG_BATCH)
		return agg_rows(a);
	return 0;
}

uint64_t
graph_weight(const struct graph *g, uint64_t packets, uint64_t bytes)
{
	return g->metric == QUERY_METRIC_BYTES ? bytes : packets;
}

int
graph_cmp_weight(int metric, uint64_t packets_a, uint64_t bytes_a,
    uint64_t packets_b, uint64_t bytes_b)
{
	int by_bytes = metric == QUERY_METRIC_BYTES;
	uint64_t wa = by_bytes ? bytes_a : packets_a;
	uint64_t wb = by_bytes ? bytes_b : packets_b;
	uint64_t xa = by_bytes ? packets_a : bytes_a;
	uint64_t xb = by_bytes ? packets_b : bytes_b;

	if (wa != wb)
		return wa > wb ? -1 : 1;
	if (xa != xb)
		return xa > xb ? -1 : 1;
	return 0;
}

/* What agg_cmp_weight compares by: the metric, and the nodes' keys. */
struct agg_order {
	int			 metric;
	const struct htab	*nodes;
};

/*
 * Heaviest first, then by the ends' node keys (source, then
 * destination): not by their indices, which follow the order the rows
 * came in, so that equal weights are cut alike whether a span was read
 * from minute windows or from hours.
 */
static int
agg_cmp_weight(const void *pa, const void *pb, void *arg)
{
	const struct eitem *a = *(const struct eitem *const *)pa;
	const struct eitem *b = *(const struct eitem *const *)pb;
	const struct agg_order *o = arg;
	const struct nitem *x, *y;
	int c;

	if ((c = graph_cmp_weight(o->metric, a->packets, a->bytes,
	    b->packets, b->bytes)) != 0)
		return c;
	if (a->k.src != b->k.src) {
		x = htab_item(o->nodes, a->k.src);
		y = htab_item(o->nodes, b->k.src);
	} else if (a->k.dst != b->k.dst) {
		x = htab_item(o->nodes, a->k.dst);
		y = htab_item(o->nodes, b->k.dst);
	} else
		return 0;
	return memcmp(&x->k, &y->k, sizeof(x->k));
}

/*
 * Put the k heaviest of the n edges of v first, heaviest first, and the
 * rest after them in no order (k <= n): a quickselect (median of three,
 * so ordered or equal weights stay linear), then a sort of the k alone.
 * agg_cmp_weight is a total order (the ends' keys break ties), so the k and
 * their order are those of a sort of the whole: a reduction that stops
 * choosing after k edges need not sort a day's 192,000 (its longest step
 * after the query).
 */
static void
agg_heaviest(struct eitem **v, size_t n, size_t k, struct agg_order *o)
{
	struct eitem *t, *p;
	size_t lo = 0, hi = n, i, j, mid;

#define AGG_LT(a, b)	(agg_cmp_weight(&(a), &(b), o) < 0)
#define AGG_SWAP(a, b)	do { t = (a); (a) = (b); (b) = t; } while (0)
	if (k == 0)
		return;
	while (k < n && hi - lo > 2) {
		mid = lo + (hi - lo) / 2;
		if (AGG_LT(v[mid], v[lo]))
			AGG_SWAP(v[mid], v[lo]);
		if (AGG_LT(v[hi - 1], v[lo]))
			AGG_SWAP(v[hi - 1], v[lo]);
		if (AGG_LT(v[mid], v[hi - 1]))
			AGG_SWAP(v[mid], v[hi - 1]);
		/* v[lo] <= v[hi - 1] <= v[mid]: the pivot is v[hi - 1] */
		p = v[hi - 1];
		for (i = j = lo; i < hi - 1; i++)
			if (AGG_LT(v[i], p)) {
				AGG_SWAP(v[i], v[j]);
				j++;
			}
		AGG_SWAP(v[j], v[hi - 1]);
		/* [lo, j) before the pivot, (j, hi) after it */
		if (j == k)
			break;
		if (j < k)
			lo = j + 1;
		else
			hi = j;
	}
	if (k < n && hi - lo == 2 && AGG_LT(v[lo + 1], v[lo]))
		AGG_SWAP(v[lo], v[lo + 1]);
#undef AGG_LT
#undef AGG_SWAP
	qsort_r(v, k, sizeof(*v), agg_cmp_weight, o);
}

static int
graph_cmp_edge_weight(const void *pa, const void *pb, void *arg)
{
	const struct graph_edge *a = pa, *b = pb;
	int c;

	if ((c = graph_cmp_weight(*(const int *)arg, a->packets, a->bytes,
	    b->packets, b->bytes)) != 0)
		return c;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

void
graph_sort_by_weight(struct graph *g)
{
	if (g->nedges > 1)
		qsort_r(g->edges, g->nedges, sizeof(*g->edges),
		    graph_cmp_edge_weight, &g->metric);
}

/* Edges sorted first per node of the cap (agg_reduce); the rest if needed. */
#define AGG_PREFIX_PER_NODE	4

/*
 * Reduction, in one pass over the edges heaviest first.  An edge is kept
 * when it weighs at least min_weight, is among the top N (with --top),
 * and its ends fit under max_nodes (ends already kept cost nothing, so
 * lighter edges between kept hosts still come in).  With --other every
 * other edge keeps its ends that are kept hosts and has the rest replaced
 * by the node "other" (an edge between two kept hosts stays as it is), so
 * the totals of the graph are those of the query; without it they are
 * dropped.  Rewrites a->edges, flows and events in place.
 */
static int
agg_reduce(struct agg *a)
{
	const struct filter *q = a->q;
	struct eitem **order = NULL, *e;
	struct htab edges, flows, events;
	uint8_t *kept = NULL, *keep = NULL;
	struct nitem other;
	struct agg_order ord;
	size_t i, n = a->edges.n, nkept = 0, fresh, sorted;
	long o = -1, s, d, ne;
	int isnew, rc = -1;
	uint64_t w;

	ord.metric = q->metric;
	ord.nodes = &a->nodes;

	if (q->top == 0 && q->max_nodes == 0 && q->min_weight == 0)
		return 0;
	if (n == 0)
		return 0;
	htab_init(&edges, sizeof(struct eitem), sizeof(struct ekey));
	htab_init(&flows, sizeof(struct fitem), sizeof(struct fkey));
	htab_init(&events, sizeof(struct vitem), sizeof(struct vkey));
	if ((order = calloc(n, sizeof(*order))) == NULL ||
	    (kept = calloc(a->nodes.n + 1, 1)) == NULL ||
	    (keep = calloc(n, 1)) == NULL)
		goto done;
	for (i = 0; i < n; i++)
		order[i] = htab_item(&a->edges, i);
	/*
	 * Order matters while a choice depends on it: within top, and while
	 * the cap of nodes is not full (after that an edge is kept when both
	 * its ends are, whatever its place).  Sort a prefix, and the rest
	 * only if the choices reach it still open.
	 */
	sorted = q->top > 0 ? q->top : q->max_nodes > 0 ?
	    AGG_PREFIX_PER_NODE * (size_t)q->max_nodes : 0;
	if (sorted > n)
		sorted = n;
	agg_heaviest(order, n, sorted, &ord);
	for (i = 0; i < n; i++) {
		if (i == sorted && (q->top > 0 ? i < q->top :
		    q->max_nodes > 0 && nkept < q->max_nodes)) {
			qsort_r(order + i, n - i, sizeof(*order),
			    agg_cmp_weight, &ord);
			sorted = n;
		}
		e = order[i];
		w = q->metric == QUERY_METRIC_BYTES ? e->bytes : e->packets;
		if (w < q->min_weight || (q->top > 0 && i >= q->top))
			continue;
		fresh = !kept[e->k.src] + (e->k.dst != e->k.src &&
		    !kept[e->k.dst]);
		if (q->max_nodes > 0 && nkept + fresh > q->max_nodes)
			continue;
		kept[e->k.src] = kept[e->k.dst] = 1;
		nkept += fresh;
		keep[i] = 1;
	}
	if (q->other) {
		memset(&other, 0, sizeof(other));
		if ((o = htab_get(&a->nodes, &other, &isnew)) < 0)
			goto done;
	}
	for (i = 0; i < n; i++) {
		e = order[i];
		s = e->k.src;
		d = e->k.dst;
		e->to = -1;
		if (!keep[i]) {
			if (!q->other)
				continue;
			if (!kept[s])
				s = o;
			if (!kept[d])
				d = o;
		}
		if ((ne = agg_edge(&edges, (uint32_t)s, (uint32_t)d,
		    e->packets, e->bytes, e->first_us, e->last_us)) < 0)
			goto done;
		e->to = ne;
	}
	for (i = 0; i < a->flows.n; i++) {
		struct fitem *f = htab_item(&a->flows, i);

		e = htab_item(&a->edges, f->k.edge);
		if (e->to >= 0 && agg_flow(&flows, (uint32_t)e->to,
		    f->k.proto, f->k.sport, f->k.dport, f->packets,
		    f->bytes) < 0)
			goto done;
	}
	for (i = 0; i < a->events.n; i++) {
		struct vitem *v = htab_item(&a->events, i);

		e = htab_item(&a->edges, v->k.edge);
		if (e->to >= 0 && agg_event(&events, (uint32_t)e->to,
		    v->k.window_us, v->first_us, v->packets, v->bytes) < 0)
			goto done;
	}
	htab_free(&a->edges);
	htab_free(&a->flows);
	htab_free(&a->events);
	a->edges = edges;
	a->flows = flows;
	a->events = events;
	memset(&edges, 0, sizeof(edges));
	memset(&flows, 0, sizeof(flows));
	memset(&events, 0, sizeof(events));
	rc = 0;
done:
	htab_free(&edges);
	htab_free(&flows);
	htab_free(&events);
	free(order);
	free(kept);
	free(keep);
	return rc;
}

/*
 * What the query found before any reduction: hosts (or blocks) that some
 * edge touches, edges, and their counts, for the caption's "showing N of
 * M".
 */
static void
agg_totals(struct agg *a, struct graph_totals *t)
{
	uint8_t *used;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->edges = a->edges.n;
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);

		t->packets += e->packets;
		t->bytes += e->bytes;
	}
	if ((used = calloc(a->nodes.n + 1, 1)) == NULL) {
		t->nodes = a->nodes.n;
		return;
	}
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);

		used[e->k.src] = used[e->k.dst] = 1;
	}
	for (i = 0; i < a->nodes.n; i++)
		t->nodes += used[i];
	free(used);
}

int
graph_node_cmp(const struct graph_node *a, const struct graph_node *b)
{
	int va = a->ver == 0 ? 99 : a->ver, vb = b->ver == 0 ? 99 : b->ver;
	int c;

	if (va != vb)
		return va < vb ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, 16)) != 0)
		return c;
	return a->prefix < b->prefix ? -1 : a->prefix > b->prefix;
}

static int
graph_cmp_node(const void *pa, const void *pb)
{
	return graph_node_cmp(pa, pb);
}

static int
graph_cmp_edge(const void *pa, const void *pb)
{
	const struct graph_edge *a = pa, *b = pb;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

static int
graph_cmp_flow(const void *pa, const void *pb)
{
	const struct graph_flow *a = pa, *b = pb;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->dst != b->dst)
		return a->dst < b->dst ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	return a->dport < b->dport ? -1 : a->dport > b->dport;
}

/*
 * Insertion sort of one edge's flows (same src and dst) by protocol,
 * then ports: most edges have a handful, where qsort's calls cost more
 * than the moves.
 */
static void
graph_sort_edge_flows(struct graph_flow *f, size_t n)
{
	struct graph_flow t;
	size_t i, j;

	if (n > 16) {
		qsort(f, n, sizeof(*f), graph_cmp_flow);
		return;
	}
	for (i = 1; i < n; i++) {
		t = f[i];
		for (j = i; j > 0 && graph_cmp_flow(&f[j - 1], &t) > 0; j--)
			f[j] = f[j - 1];
		f[j] = t;
	}
}

static int
graph_cmp_event(const void *pa, const void *pb)
{
	const struct graph_event *a = pa, *b = pb;

	if (a->window_us != b->window_us)
		return a->window_us < b->window_us ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->dst < b->dst ? -1 : a->dst > b->dst;
}

void
graph_free(struct graph *g)
{
	if (g == NULL)
		return;
	free(g->filters);
	free(g->nodes);
	free(g->edges);
	free(g->flows);
	free(g->events);
	free(g->strings);
	free(g);
}

/*
 * The flows of g, in (src, dst, proto, sport, dport) order, from a's
 * flows and g's edges (sorted, each with its aggregation index in
 * base_packets, which this resets to 0).  Each flow is placed by
 * counting into the run of its edge (the edges are in (src, dst) order
 * already), and only each edge's few flows are sorted: a qsort of a
 * day's million flows cost a tenth of the port ring's time.  newidx maps
 * aggregation nodes to g's.  0, or -1 when out of memory.
 */
static int
agg_finish_flows(struct agg *a, struct graph *g, const size_t *newidx)
{
	size_t *pos, *at, i, k;

	if (a->flows.n == 0) {
		for (k = 0; k < g->nedges; k++)
			g->edges[k].base_packets = 0;
		return 0;
	}
	if ((pos = calloc(g->nedges, sizeof(*pos))) == NULL)
		return -1;
	if ((at = calloc(g->nedges + 1, sizeof(*at))) == NULL ||
	    (g->flows = calloc(a->flows.n, sizeof(*g->flows))) == NULL) {
		free(pos);
		free(at);
		return -1;
	}
	graph_advise_huge(g->flows, a->flows.n * sizeof(*g->flows));
	/* pos: an aggregation edge's place in g->edges */
	for (k = 0; k < g->nedges; k++) {
		pos[g->edges[k].base_packets] = k;
		g->edges[k].base_packets = 0;
	}
	for (i = 0; i < a->flows.n; i++) {
		struct fitem *f = htab_item(&a->flows, i);

		at[pos[f->k.edge] + 1]++;
	}
	for (k = 1; k <= g->nedges; k++)
		at[k] += at[k - 1];
	/* at[k] ends as the end of edge k's run */
	for (i = 0; i < a->flows.n; i++) {
		struct fitem *f = htab_item(&a->flows, i);
		struct eitem *e = htab_item(&a->edges, f->k.edge);
		struct graph_flow *gf = &g->flows[at[pos[f->k.edge]]++];

		gf->src = (uint32_t)newidx[e->k.src];
		gf->dst = (uint32_t)newidx[e->k.dst];
		gf->proto = f->k.proto;
		gf->sport = f->k.sport;
		gf->dport = f->k.dport;
		gf->packets = f->packets;
		gf->bytes = f->bytes;
	}
	g->nflows = a->flows.n;
	for (k = 0; k < g->nedges; k++) {
		size_t start = k == 0 ? 0 : at[k - 1];

		if (at[k] - start > 1)
			graph_sort_edge_flows(g->flows + start, at[k] - start);
	}
	free(pos);
	free(at);
	return 0;
}

/*
 * Turn the aggregation into the sorted, self-contained graph; NULL with
 * err when out of memory or the names could not be read.
 */
static struct graph *
agg_finish(struct agg *a, int tier, uint64_t rows, char *err, size_t errlen)
{
	struct graph *g;
	struct buf strings = BUF_INIT;
	size_t *used = NULL, *newidx = NULL, *off = NULL, *at = NULL, i, n;
	struct rdns_query *rq = NULL;
	size_t *rqi = NULL, nrq = 0;
	struct graph_node *nd;
	char text[ADDR_STRLEN + 8];

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->metric = a->q->metric;
	g->tier = tier;
	g->rows = rows;
	/* Only nodes some edge still touches (--top drops the others). */
	if ((used = calloc(a->nodes.n + 1, sizeof(*used))) == NULL ||
	    (newidx = calloc(a->nodes.n + 1, sizeof(*newidx))) == NULL)
		goto fail;
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);

		used[e->k.src] = used[e->k.dst] = 1;
	}
	for (i = 0, n = 0; i < a->nodes.n; i++)
		n += used[i];
	if (n > 0 && (g->nodes = calloc(n, sizeof(*g->nodes))) == NULL)
		goto fail;
	for (i = 0; i < a->nodes.n; i++) {
		struct nitem *it = htab_item(&a->nodes, i);

		if (!used[i])
			continue;
		nd = &g->nodes[g->nnodes];
		nd->ver = it->k.ver;
		nd->prefix = it->k.prefix;
		nd->members = it->members;
		memcpy(nd->addr, it->k.addr, 16);
		/* Remember the aggregation index in out_packets for now. */
		nd->out_packets = i;
		g->nnodes++;
	}
	if (g->nnodes > 0)
		qsort(g->nodes, g->nnodes, sizeof(*g->nodes), graph_cmp_node);
	for (i = 0; i < g->nnodes; i++) {
		newidx[g->nodes[i].out_packets] = i;
		g->nodes[i].out_packets = 0;
	}
	/* Labels, in one block of strings owned by the graph. */
	if (g->nnodes > 0 &&
	    (off = calloc(g->nnodes * 3, sizeof(*off))) == NULL)
		goto fail;
	if (agg_seen(a, g, err, errlen) < 0)
		goto failed;
	if (agg_rdns(a, g, &rq, &rqi, &nrq) < 0)
		goto fail;
	for (i = 0; i < g->nnodes; i++) {
		const char *name = NULL, *source = NULL;
		struct asn_info info;

		nd = &g->nodes[i];
		memset(&info, 0, sizeof(info));
		if (nd->ver == 0)
			strcpy(text, "other");
		else if (nd->ver == GRAPH_ASN) {
			memcpy(&info.asn, nd->addr, sizeof(info.asn));
			asn_name(info.asn, info.as_name,
			    sizeof(info.as_name));
			snprintf(text, sizeof(text), "AS%u", info.asn);
			name = info.as_name[0] != '\0' ? info.as_name : NULL;
			source = name != NULL ? "asn" : NULL;
		} else if (nd->ver == GRAPH_COUNTRY) {
			memcpy(info.country, nd->addr, 2);
			snprintf(text, sizeof(text), "country:%s",
			    info.country);
			name = info.country;
			source = "country";
		}
		else if (nd->ver == GRAPH_SITE || nd->ver == GRAPH_ZONE) {
			const struct site *s;
			unsigned idx;

			memcpy(&idx, nd->addr, sizeof(idx));
			s = nd->ver == GRAPH_SITE ? sites_site(a->q->sites,
			    idx) : sites_zone(a->q->sites, idx);
			snprintf(text, sizeof(text), "%s:%s", nd->ver ==
			    GRAPH_SITE ? "site" : "zone", s != NULL ? s->name :
			    "?");
			name = s != NULL ? s->name : NULL;
			source = name != NULL ? "site" : NULL;
			nd->colour = s != NULL ? s->colour : NULL;
		} else {
			/* a host's AS and country, for json and gexf */
			if ((a->q->detail & QUERY_DETAIL_ASN) &&
			    node_is_host(nd))
				asn_lookup(nd->ver, nd->addr, &info);
			addr_format(nd->ver, nd->addr, text);
			if (!node_is_host(nd))
				snprintf(text + strlen(text), sizeof(text) -
				    strlen(text), "/%u", nd->prefix);
			name = agg_host_name(a, nd, &source);
			if (name == NULL && rq != NULL && rqi[i] != SIZE_MAX &&
			    (name = rq[rqi[i]].name) != NULL)
				source = "rdns";
		}
		nd->name_source = source;
		off[2 * i] = strings.len;
		buf_add(&strings, text, strlen(text) + 1);
		off[2 * i + 1] = SIZE_MAX;
		if (name != NULL) {
			off[2 * i + 1] = strings.len;
			buf_add(&strings, name, strlen(name) + 1);
		}
		nd->asn = info.asn;
		memcpy(nd->country, info.country, sizeof(nd->country));
		off[2 * g->nnodes + i] = SIZE_MAX;
		if (info.as_name[0] != '\0') {
			off[2 * g->nnodes + i] = strings.len;
			buf_add(&strings, info.as_name,
			    strlen(info.as_name) + 1);
		}
	}
	if (buf_failed(&strings))
		goto fail;
	for (i = 0; i < g->nnodes; i++) {
		nd = &g->nodes[i];
		nd->addr_text = strings.data + off[2 * i];
		nd->name = off[2 * i + 1] == SIZE_MAX ? NULL :
		    strings.data + off[2 * i + 1];
		nd->label = nd->name != NULL ? nd->name : nd->addr_text;
		nd->as_name = off[2 * g->nnodes + i] == SIZE_MAX ? NULL :
		    strings.data + off[2 * g->nnodes + i];
	}
	g->strings = strings.data;
	strings.data = NULL;
	/*
	 * Edges, with the node totals and the graph's span, placed in
	 * source order by counting (there are far fewer nodes than edges);
	 * each source's few edges are then sorted by destination.  at[k]
	 * ends as the end of source k's run.
	 */
	if (a->edges.n > 0 && ((g->edges = calloc(a->edges.n,
	    sizeof(*g->edges))) == NULL ||
	    (at = calloc(g->nnodes + 1, sizeof(*at))) == NULL))
		goto fail;
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);

		at[newidx[e->k.src] + 1]++;
	}
	for (i = 1; i <= g->nnodes && a->edges.n > 0; i++)
		at[i] += at[i - 1];
	for (i = 0; i < a->edges.n; i++) {
		struct eitem *e = htab_item(&a->edges, i);
		struct graph_edge *ge = &g->edges[at[newidx[e->k.src]]++];

		ge->src = newidx[e->k.src];
		ge->dst = newidx[e->k.dst];
		/* the aggregation index, for the flows, until sorted */
		ge->base_packets = i;
		ge->packets = e->packets;
		ge->bytes = e->bytes;
		ge->first_us = e->first_us;
		ge->last_us = e->last_us;
		g->nodes[ge->src].out_packets += e->packets;
		g->nodes[ge->src].out_bytes += e->bytes;
		g->nodes[ge->dst].in_packets += e->packets;
		g->nodes[ge->dst].in_bytes += e->bytes;
		g->packets += e->packets;
		g->bytes += e->bytes;
		if (i == 0 || e->first_us < g->first_us)
			g->first_us = e->first_us;
		if (i == 0 || e->last_us > g->last_us)
			g->last_us = e->last_us;
	}
	g->nedges = a->edges.n;
	for (i = 0; i < g->nnodes && g->nedges > 0; i++) {
		size_t start = i == 0 ? 0 : at[i - 1];

		if (at[i] - start > 1)
			qsort(g->edges + start, at[i] - start,
			    sizeof(*g->edges), graph_cmp_edge);
	}
	if (agg_finish_flows(a, g, newidx) < 0)
		goto fail;
	/* Events take their ends from their aggregation edge. */
	if (a->events.n > 0 && (g->events = calloc(a->events.n,
	    sizeof(*g->events))) == NULL)
		goto fail;
	for (i = 0; i < a->events.n; i++) {
		struct vitem *v = htab_item(&a->events, i);
		struct eitem *e = htab_item(&a->edges, v->k.edge);

		g->events[i].window_us = v->k.window_us;
		g->events[i].first_us = v->first_us;
		g->events[i].src = newidx[e->k.src];
		g->events[i].dst = newidx[e->k.dst];
		g->events[i].packets = v->packets;
		g->events[i].bytes = v->bytes;
	}
	g->nevents = a->events.n;
	if (g->nevents > 0)
		qsort(g->events, g->nevents, sizeof(*g->events),
		    graph_cmp_event);
	free(used);
	free(newidx);
	free(off);
	free(at);
	rdns_queries_free(rq, nrq);
	free(rqi);
	return g;
fail:
	snprintf(err, errlen, "out of memory building the graph");
failed:
	buf_free(&strings);
	rdns_queries_free(rq, nrq);
	free(rqi);
	free(used);
	free(newidx);
	free(off);
	free(at);
	graph_free(g);
	return NULL;
}

/* Keep what the caption needs: the totals, the span, the filters. */
static int
graph_set_caption(struct graph *g, const struct filter *q,
    const struct graph_totals *total)
{
	struct buf b = BUF_INIT;

	g->total = *total;
	g->grouped = q->group_by != FILTER_GROUP_PREFIX || q->group4 != 32 ||
	    q->group6 != 128;
	/* the traffic's own span: what the picture shows, whatever "now"
	 * a relative --from was taken from */
	g->from_us = g->first_us;
	g->to_us = g->last_us;
	filter_describe(q, &b);
	buf_putc(&b, '\0');
	if (buf_failed(&b)) {
		buf_free(&b);
		return -1;
	}
	g->filters = b.data;
	return 0;
}

int
graph_hidden(const struct graph *g)
{
	uint64_t shown = graph_weight(g, g->packets, g->bytes);
	uint64_t all = graph_weight(g, g->total.packets, g->total.bytes);

	return shown < all || g->nedges < g->total.edges ||
	    g->nnodes < g->total.nodes;
}

void
graph_shown(const struct graph *g, struct buf *out)
{
	uint64_t shown = graph_weight(g, g->packets, g->bytes);
	uint64_t all = graph_weight(g, g->total.packets, g->total.bytes);
	const char *unit = g->metric == QUERY_METRIC_BYTES ? "bytes" :
	    "packets";
	size_t hosts = g->nnodes;
	size_t i;

	/* "other" is no host */
	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].ver == 0)
			hosts--;
	if (!graph_hidden(g)) {
		buf_printf(out, "all %zu %s, %zu edges, %llu %s", hosts,
		    g->grouped ? "nodes" : "hosts", g->nedges,
		    (unsigned long long)all, unit);
		return;
	}
	buf_printf(out, "showing %zu of %zu %s, %zu of %zu edges; %.1f%% "
	    "of %s", hosts, g->total.nodes, g->grouped ? "nodes" : "hosts",
	    g->nedges, g->total.edges, all > 0 ? 100.0 * (double)shown /
	    (double)all : 100.0, unit);
	if (hosts < g->nnodes)
		buf_printf(out, " (the rest folded into \"other\")");
}

/* "2009-01-16 00:03:00" of a time, to the second. */
static const char *
graph_time(int64_t us, char *out)
{
	timefmt_iso(us, out);
	out[10] = ' ';
	out[19] = '\0';
	return out;
}

void
graph_caption(const struct graph *g, struct buf *out)
{
	char a[TIMEFMT_ISO_LEN], b[TIMEFMT_ISO_LEN];

	if (g->from_us == 0 && g->to_us == 0)
		buf_printf(out, "no traffic");
	else
		buf_printf(out, "%s to %s UTC", graph_time(g->from_us, a),
		    graph_time(g->to_us, b));
	buf_printf(out, ", weight = %s\n", g->metric == QUERY_METRIC_BYTES ?
	    "bytes" : "packets");
	if (g->filters != NULL && g->filters[0] != '\0')
		buf_printf(out, "filters: %s\n", g->filters);
	if (g->diff)
		buf_printf(out, "baseline %s to %s UTC: edges %zu new, %zu "
		    "gone, %zu grown, %zu shrunk, %zu same (ratio %g)\n",
		    graph_time(g->base_from_us, a), graph_time(g->base_to_us,
		    b), g->changes[GRAPH_CHANGE_NEW],
		    g->changes[GRAPH_CHANGE_GONE],
		    g->changes[GRAPH_CHANGE_GROWN],
		    g->changes[GRAPH_CHANGE_SHRUNK],
		    g->changes[GRAPH_CHANGE_SAME], g->ratio);
	graph_shown(g, out);
}

/*
 * After the reduction the tables of edges, flows, events and members
 * are only read by index: their slots go before agg_finish allocates
 * the graph (a day's flows: 32 MB).
 */
static void
agg_drop_slots(struct agg *a)
{
	htab_drop_slots(&a->members);
	htab_drop_slots(&a->edges);
	htab_drop_slots(&a->flows);
	htab_drop_slots(&a->events);
}

static int
graph_row(const struct store_row *r, void *arg)
{
	return agg_row(arg, r) < 0 ? 1 : 0;	/* 1: stop, out of memory */
}

struct graph *
graph_build_span(const struct filter *q, struct store *st, char *err,
    size_t errlen)
{
	struct graph_totals total;
	struct agg a;
	struct graph *g = NULL;
	uint64_t rows = 0;
	int rc, tier = 0;

	memset(&a, 0, sizeof(a));
	a.q = q;
	a.st = st;
	a.last_idx = -1;
	htab_init(&a.nodes, sizeof(struct nitem), sizeof(struct nkey));
	htab_init(&a.members, sizeof(struct mitem), sizeof(struct mkey));
	htab_init(&a.edges, sizeof(struct eitem), sizeof(struct ekey));
	htab_init(&a.flows, sizeof(struct fitem), sizeof(struct fkey));
	htab_init(&a.events, sizeof(struct vitem), sizeof(struct vkey));
	htab_init(&a.named, sizeof(struct seen_item),
	    offsetof(struct seen_item, addr) + 16);
	rc = store_read(st, q, STORE_READ_GRAPH, graph_row, &a, &tier, &rows,
	    err, errlen);
	if (rc == 0 && agg_rows(&a) < 0)
		rc = 1;		/* the last rows */
	if (rc > 0)
		snprintf(err, errlen, "out of memory building the graph");
	else if (rc == 0) {
		agg_totals(&a, &total);
		if (agg_reduce(&a) < 0)
			snprintf(err, errlen, "out of memory building the "
			    "graph");
		else {
			agg_drop_slots(&a);
			/* agg_finish says why when it fails */
			if ((g = agg_finish(&a, tier, rows, err, errlen)) !=
			    NULL && graph_set_caption(g, q, &total) < 0) {
				graph_free(g);
				g = NULL;
				snprintf(err, errlen, "out of memory building "
				    "the graph");
			}
		}
	}
	htab_free(&a.nodes);
	htab_free(&a.members);
	htab_free(&a.edges);
	htab_free(&a.flows);
	htab_free(&a.events);
	names_free(a.seen[0]);
	names_free(a.seen[1]);
	names_free(a.seen[2]);
	seen_free(&a.named);
	return g;
}

