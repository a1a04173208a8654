/* namebook.c - the names clients resolved: (client, address) -> name. */

#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "dns.h"
#include "namebook.h"
#include "sni.h"

struct nb_entry {
	struct nb_entry	*hnext;		/* bucket chain */
	TAILQ_ENTRY(nb_entry) lru;	/* most recently used first */
	uint8_t		 ver;		/* of addr */
	uint8_t		 cver;		/* of client */
	uint8_t		 client[16];
	uint8_t		 addr[16];
	const char	*source;	/* "dns", "sni", "http" (static) */
	int64_t		 window;	/* last window a row was made for */
	int64_t		 expires_us;
	uint32_t	 ttl;
	char		*name;
};

struct namebook {
	struct nb_entry	**buckets;
	size_t		 nbuckets;	/* a power of two */
	TAILQ_HEAD(nb_lru, nb_entry) lru;
	size_t		 max;
	unsigned	 window_s;
	struct name_row	*rows;
	size_t		 nrows;
	size_t		 rows_cap;
	struct namebook_stats st;
};

struct namebook *
namebook_new(size_t max_entries, unsigned window_s)
{
	struct namebook *nb;
	size_t n = 16;

	if (max_entries == 0 || max_entries > SIZE_MAX / 4 || window_s == 0)
		return NULL;
	while (n < max_entries && n < (1u << 24))
		n *= 2;
	if ((nb = calloc(1, sizeof(*nb))) == NULL)
		return NULL;
	if ((nb->buckets = calloc(n, sizeof(*nb->buckets))) == NULL) {
		free(nb);
		return NULL;
	}
	TAILQ_INIT(&nb->lru);
	nb->nbuckets = n;
	nb->max = max_entries;
	nb->window_s = window_s;
	nb->st.max_entries = max_entries;
	nb->st.memory = sizeof(*nb) + n * sizeof(*nb->buckets);
	return nb;
}

void
namebook_free(struct namebook *nb)
{
	struct nb_entry *e, *next;

	if (nb == NULL)
		return;
	for (e = TAILQ_FIRST(&nb->lru); e != NULL; e = next) {
		next = TAILQ_NEXT(e, lru);
		free(e->name);
		free(e);
	}
	namebook_rows_free(nb->rows, nb->nrows);
	free(nb->buckets);
	free(nb);
}

/* FNV-1a over the key. */
static size_t
nb_hash(const uint8_t *client, const uint8_t *addr)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < 16; i++)
		h = (h ^ client[i]) * 16777619u;
	for (i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h;
}

/* Drop the least recently used entry. */
static void
evict(struct namebook *nb)
{
	struct nb_entry *e = TAILQ_LAST(&nb->lru, nb_lru), **pp;

	if (e == NULL)
		return;
	TAILQ_REMOVE(&nb->lru, e, lru);
	pp = &nb->buckets[nb_hash(e->client, e->addr) &
	    (nb->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	nb->st.memory -= sizeof(*e) + strlen(e->name) + 1;
	free(e->name);
	free(e);
	nb->st.entries--;
	nb->st.overflow++;
}

/* A row for e, seen at ts_us. */
static void
add_row(struct namebook *nb, const struct nb_entry *e, int64_t ts_us)
{
	struct name_row *r;

	if (nb->nrows >= nb->max) {
		nb->st.rows_dropped++;
		return;
	}
	if (nb->nrows == nb->rows_cap) {
		size_t cap = nb->rows_cap == 0 ? 64 : nb->rows_cap * 2;

		if (cap > nb->max)
			cap = nb->max;
		if ((r = realloc(nb->rows, cap * sizeof(*r))) == NULL) {
			nb->st.rows_dropped++;
			return;
		}
		nb->st.memory += (cap - nb->rows_cap) * sizeof(*r);
		nb->rows = r;
		nb->rows_cap = cap;
	}
	r = &nb->rows[nb->nrows];
	memset(r, 0, sizeof(*r));
	if ((r->name = strdup(e->name)) == NULL) {
		nb->st.rows_dropped++;
		return;
	}
	r->ts_us = ts_us;
	r->ver = e->ver;
	r->cver = e->cver;
	memcpy(r->client, e->client, 16);
	memcpy(r->addr, e->addr, 16);
	r->ttl = e->ttl;
	r->source = e->source;
	nb->st.memory += strlen(r->name) + 1;
	nb->nrows++;
}

/* Keep one name (source: a static string) of a (client, address). */
static void
nb_add(struct namebook *nb, int64_t ts_us, int cver, const uint8_t *client,
    const struct dns_answer *a, const char *source)
{
	struct nb_entry *e, **pp;
	int64_t win;
	size_t h;
	char *name;

	win = ts_us / 1000000;
	win -= ((win % nb->window_s) + nb->window_s) % nb->window_s;
	h = nb_hash(client, a->addr) & (nb->nbuckets - 1);
	for (e = nb->buckets[h]; e != NULL; e = e->hnext)
		if (e->ver == a->ver && e->cver == cver &&
		    e->source == source && memcmp(e->client, client, 16) == 0 &&
		    memcmp(e->addr, a->addr, 16) == 0)
			break;
	if (e != NULL) {
		int fresh = e->window != win || (e->ttl != 0 &&
		    ts_us >= e->expires_us) || strcmp(e->name, a->name) != 0;

		if (strcmp(e->name, a->name) != 0) {
			if ((name = strdup(a->name)) == NULL)
				return;
			nb->st.memory += strlen(name);
			nb->st.memory -= strlen(e->name);
			free(e->name);
			e->name = name;
		}
		e->ttl = a->ttl;
		e->expires_us = ts_us + (int64_t)a->ttl * 1000000;
		TAILQ_REMOVE(&nb->lru, e, lru);
		TAILQ_INSERT_HEAD(&nb->lru, e, lru);
		if (fresh) {
			e->window = win;
			add_row(nb, e, ts_us);
		}
		return;
	}
	if (nb->st.entries >= nb->max)
		evict(nb);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return;
	if ((e->name = strdup(a->name)) == NULL) {
		free(e);
		return;
	}
	e->ver = a->ver;
	e->cver = (uint8_t)cver;
	e->source = source;
	memcpy(e->client, client, 16);
	memcpy(e->addr, a->addr, 16);
	e->window = win;
	e->ttl = a->ttl;
	e->expires_us = ts_us + (int64_t)a->ttl * 1000000;
	pp = &nb->buckets[h];
	e->hnext = *pp;
	*pp = e;
	TAILQ_INSERT_HEAD(&nb->lru, e, lru);
	nb->st.entries++;
	nb->st.memory += sizeof(*e) + strlen(e->name) + 1;
	add_row(nb, e, ts_us);
}

void
namebook_add(struct namebook *nb, int64_t ts_us, int cver,
    const uint8_t *client, const struct dns_answer *a)
{
	nb->st.answers++;
	nb_add(nb, ts_us, cver, client, a, "dns");
}

struct nb_packet {
	struct namebook		*nb;
	int64_t			 ts_us;
	const struct packet *r;
};

static void
on_answer(void *arg, const struct dns_answer *a)
{
	struct nb_packet *pk = arg;

	namebook_add(pk->nb, pk->ts_us, pk->r->ipver, pk->r->dst, a);
}

int
namebook_packet(struct namebook *nb, int64_t ts_us,
    const struct packet *r)
{
	struct nb_packet pk = { nb, ts_us, r };
	int n;

	if (nb == NULL || r->payload == NULL ||
	    (r->proto != IPG_PROTO_UDP && r->proto != IPG_PROTO_TCP) ||
	    (r->notes & DECODE_NOTE_LATER_FRAG) != 0)
		return 0;
	if (r->proto == IPG_PROTO_TCP && r->sport != DNS_PORT &&
	    (r->payload[0] == 22 || (r->payload[0] >= 'A' &&
	    r->payload[0] <= 'Z'))) {
		/* a server's name from its client's first segment */
		char name[256];
		struct dns_answer a;
		int kind = sni_parse(r->payload, r->payload_len, name,
		    sizeof(name));

		if (kind == SNI_NONE)
			return 0;
		memset(&a, 0, sizeof(a));
		a.name = name;
		a.ver = r->ipver;
		memcpy(a.addr, r->dst, 16);
		nb->st.server_names++;
		nb_add(nb, ts_us, r->ipver, r->src, &a, kind == SNI_TLS ?
		    "sni" : "http");
		return 1;
	}
	if (r->sport != DNS_PORT && r->sport != DNS_MDNS_PORT)
		return 0;
	n = dns_parse(r->payload, r->payload_len, r->proto == IPG_PROTO_TCP,
	    on_answer, &pk);
	return n < 0 ? 0 : n;
}

size_t
namebook_take(struct namebook *nb, struct name_row **rows)
{
	size_t n = nb->nrows;

	*rows = nb->rows;
	nb->st.memory -= nb->rows_cap * sizeof(**rows);
	for (size_t i = 0; i < n; i++)
		nb->st.memory -= strlen(nb->rows[i].name) + 1;
	nb->rows = NULL;
	nb->nrows = nb->rows_cap = 0;
	return n;
}

void
namebook_rows_free(struct name_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
}

void
namebook_get_stats(const struct namebook *nb, struct namebook_stats *s)
{
	*s = nb->st;
}
