/* names.c - the address-to-name map used by every export. */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "names.h"

/*
 * A sorted array searched with bsearch: maps hold tens to thousands of
 * names, are loaded once and read by every export, so a hash table would
 * buy nothing.  Adding inserts in place (a memmove), which keeps lookups
 * free of any lazy sorting and so safe from several threads at once.
 */
struct name_entry {
	struct cidr	 key;
	char		*name;
};

struct names {
	struct name_entry	*v;
	size_t			 n;
	size_t			 cap;
};

#define NAMES_MAX_LINE	4096

struct names *
names_new(void)
{
	return calloc(1, sizeof(struct names));
}

void
names_free(struct names *nm)
{
	size_t i;

	if (nm == NULL)
		return;
	for (i = 0; i < nm->n; i++)
		free(nm->v[i].name);
	free(nm->v);
	free(nm);
}

struct names *
names_copy(const struct names *from)
{
	struct names *nm;
	size_t i;

	if ((nm = names_new()) == NULL)
		return NULL;
	if (from == NULL || from->n == 0)
		return nm;
	if ((nm->v = calloc(from->n, sizeof(*nm->v))) == NULL) {
		free(nm);
		return NULL;
	}
	nm->cap = from->n;
	for (i = 0; i < from->n; i++) {
		nm->v[i].key = from->v[i].key;
		if ((nm->v[i].name = strdup(from->v[i].name)) == NULL) {
			names_free(nm);
			return NULL;
		}
		nm->n++;
	}
	return nm;
}

size_t
names_count(const struct names *nm)
{
	return nm == NULL ? 0 : nm->n;
}

static int
names_cmp(const void *pa, const void *pb)
{
	const struct cidr *a = pa, *b = pb;

	if (a->ver != b->ver)
		return a->ver < b->ver ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return memcmp(a->b, b->b, sizeof(a->b));
}

/* Index of key, or of where it would go; *found says which. */
static size_t
names_find(const struct names *nm, const struct cidr *key, int *found)
{
	size_t lo = 0, hi = nm->n, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = names_cmp(key, &nm->v[mid].key);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int
names_add(struct names *nm, const char *addr, const char *name, char *err,
    size_t errlen)
{
	struct name_entry *v;
	struct cidr key;
	size_t cap, at;
	char *copy;
	int found;

	if (addr_parse_cidr(addr, &key) < 0) {
		snprintf(err, errlen, "'%s' is not an address or CIDR block",
		    addr);
		return -1;
	}
	if (*name == '\0') {
		snprintf(err, errlen, "no name given for %s", addr);
		return -1;
	}
	if ((copy = strdup(name)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	at = names_find(nm, &key, &found);
	if (found) {
		free(nm->v[at].name);
		nm->v[at].name = copy;
		return 0;
	}
	if (nm->n == nm->cap) {
		cap = nm->cap == 0 ? 64 : nm->cap * 2;
		if ((v = reallocarray(nm->v, cap, sizeof(*v))) == NULL) {
			free(copy);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		nm->v = v;
		nm->cap = cap;
	}
	memmove(&nm->v[at + 1], &nm->v[at], (nm->n - at) * sizeof(nm->v[0]));
	nm->v[at].key = key;
	nm->v[at].name = copy;
	nm->n++;
	return 0;
}

const char *
names_lookup(const struct names *nm, int ver, const uint8_t *b,
    unsigned prefix)
{
	struct cidr key;
	size_t at;
	int found;

	if (nm == NULL || nm->n == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.ver = (uint8_t)ver;
	key.prefix = (uint8_t)prefix;
	memcpy(key.b, b, ver == 4 ? 4 : 16);
	at = names_find(nm, &key, &found);
	return found ? nm->v[at].name : NULL;
}

/* Trim spaces at both ends in place; returns the new start. */
static char *
names_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
names_load(struct names *nm, const char *path, char *err, size_t errlen)
{
	struct names *tmp = NULL;
	char line[NAMES_MAX_LINE + 2], why[256], *p, *eq, *addr, *name;
	unsigned long lineno = 0;
	size_t i, len;
	FILE *fp;
	int rc = -1;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Parse into a scratch map so a bad line changes nothing. */
	if ((tmp = names_new()) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > NAMES_MAX_LINE && line[len - 1] != '\n') {
			snprintf(err, errlen, "%s:%lu: line longer than %d "
			    "bytes", path, lineno, NAMES_MAX_LINE);
			goto done;
		}
		p = names_trim(line);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen, "%s:%lu: expected 'ADDRESS = "
			    "NAME'", path, lineno);
			goto done;
		}
		*eq = '\0';
		addr = names_trim(p);
		name = names_trim(eq + 1);
		if (names_add(tmp, addr, name, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%lu: %s", path, lineno, why);
			goto done;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	for (i = 0; i < tmp->n; i++) {
		char a[ADDR_STRLEN + 8];

		addr_format(tmp->v[i].key.ver, tmp->v[i].key.b, a);
		len = strlen(a);
		snprintf(a + len, sizeof(a) - len, "/%u",
		    tmp->v[i].key.prefix);
		if (names_add(nm, a, tmp->v[i].name, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto done;
		}
	}
	rc = 0;
done:
	names_free(tmp);
	fclose(fp);
	return rc;
}
