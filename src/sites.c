/* sites.c - a site file: address blocks named as sites and zones. */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "sites.h"

#define SITES_MAX_LINE	4096
#define SITES_MAX	100000

/* One block of the file, pointing at its site. */
struct site_block {
	struct cidr	 c;
	unsigned	 site;		/* index into sites.site */
	unsigned	 line;
};

struct sites {
	struct site_block *b;		/* sorted by prefix, longest first */
	size_t		   nb;
	struct site	  *site;	/* one per distinct name */
	size_t		   nsite;
	struct site	  *zone;	/* one per distinct zone */
	size_t		   nzone;
	char		 **strings;	/* everything owned */
	size_t		   nstrings;
};

void
sites_free(struct sites *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nstrings; i++)
		free(s->strings[i]);
	free(s->strings);
	free(s->b);
	free(s->site);
	free(s->zone);
	free(s);
}

/* Keep a copy of str in s; NULL when out of memory. */
static const char *
sites_keep(struct sites *s, const char *str, size_t len)
{
	char **v, *p;

	if ((p = strndup(str, len)) == NULL)
		return NULL;
	if ((v = reallocarray(s->strings, s->nstrings + 1,
	    sizeof(*v))) == NULL) {
		free(p);
		return NULL;
	}
	s->strings = v;
	s->strings[s->nstrings++] = p;
	return p;
}

/* Trim blanks at both ends in place; returns the start. */
static char *
sites_trim(char *p)
{
	char *e;

	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return p;
}

/* The index of name in v[0..n) (adding it); -1 when out of memory. */
static long
sites_intern(struct sites *s, struct site **v, size_t *n, const char *name,
    size_t len)
{
	struct site *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen((*v)[i].name) == len &&
		    memcmp((*v)[i].name, name, len) == 0)
			return (long)i;
	if ((nv = reallocarray(*v, *n + 1, sizeof(*nv))) == NULL)
		return -1;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	if ((nv[*n].name = sites_keep(s, name, len)) == NULL)
		return -1;
	nv[*n].index = (unsigned)*n;
	return (long)(*n)++;
}

static int
sites_colour_ok(const char *c)
{
	size_t i;

	if (c[0] != '#' || strlen(c) != 7)
		return 0;
	for (i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)c[i]))
			return 0;
	return 1;
}

/* Longest prefix first, then IPv4 before IPv6, then by address. */
static int
sites_cmp(const void *pa, const void *pb)
{
	const struct site_block *a = pa, *b = pb;

	if (a->c.prefix != b->c.prefix)
		return a->c.prefix > b->c.prefix ? -1 : 1;
	if (a->c.ver != b->c.ver)
		return a->c.ver < b->c.ver ? -1 : 1;
	return memcmp(a->c.b, b->c.b, 16);
}

/* One line (comment and blank lines already skipped); 0 or -1 with why. */
static int
sites_line(struct sites *s, char *line, unsigned lineno, char *why,
    size_t whylen)
{
	struct site_block *nb;
	char *eq, *name, *opt, *next, *k, *v, *zone = NULL, *colour = NULL;
	struct cidr c;
	long si, zi;

	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(why, whylen, "expected CIDR = NAME [, zone=ZONE] "
		    "[, colour=#RRGGBB]");
		return -1;
	}
	*eq = '\0';
	if (addr_parse_cidr(sites_trim(line), &c) < 0) {
		snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address or "
		    "CIDR block", sites_trim(line));
		return -1;
	}
	name = eq + 1;
	if ((opt = strchr(name, ',')) != NULL)
		*opt++ = '\0';
	name = sites_trim(name);
	if (*name == '\0') {
		snprintf(why, whylen, "no site name after '='");
		return -1;
	}
	for (; opt != NULL; opt = next) {
		if ((next = strchr(opt, ',')) != NULL)
			*next++ = '\0';
		if ((v = strchr(opt, '=')) == NULL) {
			snprintf(why, whylen, "'%s' is not zone=ZONE or "
			    "colour=#RRGGBB", sites_trim(opt));
			return -1;
		}
		*v++ = '\0';
		k = sites_trim(opt);
		v = sites_trim(v);
		if (strcmp(k, "zone") == 0 && *v != '\0')
			zone = v;
		else if (strcmp(k, "colour") == 0 || strcmp(k, "color") == 0) {
			if (!sites_colour_ok(v)) {
				snprintf(why, whylen, "colour '%s' is not "
				    "#RRGGBB", v);
				return -1;
			}
			colour = v;
		} else {
			snprintf(why, whylen, "unknown key '%s' (zone, colour)",
			    k);
			return -1;
		}
	}
	if (s->nb == SITES_MAX) {
		snprintf(why, whylen, "more than %d blocks", SITES_MAX);
		return -1;
	}
	if ((si = sites_intern(s, &s->site, &s->nsite, name,
	    strlen(name))) < 0 || (zi = sites_intern(s, &s->zone, &s->nzone,
	    zone != NULL ? zone : name, strlen(zone != NULL ? zone :
	    name))) < 0)
		goto oom;
	/* a site's zone and colour: the first line that gives them */
	if (s->site[si].zone == NULL || zone != NULL)
		s->site[si].zone = s->zone[zi].name;
	s->site[si].zone_index = (unsigned)zi;
	s->zone[zi].zone = s->zone[zi].name;
	s->zone[zi].zone_index = (unsigned)zi;
	if (colour != NULL) {
		if (s->site[si].colour == NULL && (s->site[si].colour =
		    sites_keep(s, colour, strlen(colour))) == NULL)
			goto oom;
		if (s->zone[zi].colour == NULL)
			s->zone[zi].colour = s->site[si].colour;
	}
	if ((nb = reallocarray(s->b, s->nb + 1, sizeof(*nb))) == NULL)
		goto oom;
	s->b = nb;
	s->b[s->nb].c = c;
	s->b[s->nb].site = (unsigned)si;
	s->b[s->nb].line = lineno;
	s->nb++;
	return 0;
oom:
	snprintf(why, whylen, "out of memory");
	return -1;
}

struct sites *
sites_load(const char *path, char *err, size_t errlen)
{
	struct sites *s;
	char line[SITES_MAX_LINE + 2], why[512], *p;
	unsigned lineno = 0;
	size_t i;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s:%u: line longer than %d "
			    "bytes", path, lineno, SITES_MAX_LINE);
			goto fail;
		}
		p = sites_trim(line);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (sites_line(s, p, lineno, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(fp);
	fp = NULL;
	if (s->nb > 1)
		qsort(s->b, s->nb, sizeof(*s->b), sites_cmp);
	for (i = 1; i < s->nb; i++)
		if (sites_cmp(&s->b[i - 1], &s->b[i]) == 0) {
			char a[ADDR_STRLEN + 8];

			addr_format_cidr(&s->b[i].c, a);
			snprintf(err, errlen, "%s:%u: %s is named on line %u "
			    "already", path, s->b[i].line > s->b[i - 1].line ?
			    s->b[i].line : s->b[i - 1].line, a,
			    s->b[i].line > s->b[i - 1].line ?
			    s->b[i - 1].line : s->b[i].line);
			goto fail;
		}
	return s;
fail:
	if (fp != NULL)
		fclose(fp);
	sites_free(s);
	return NULL;
}

const struct site *
sites_lookup(const struct sites *s, int ver, const uint8_t *addr)
{
	size_t i;

	/* longest prefix first: the first block that holds it */
	for (i = 0; s != NULL && i < s->nb; i++)
		if (addr_in_cidr(&s->b[i].c, ver, addr))
			return &s->site[s->b[i].site];
	return NULL;
}

unsigned
sites_count(const struct sites *s)
{
	return s == NULL ? 0 : (unsigned)s->nsite;
}

unsigned
sites_zones(const struct sites *s)
{
	return s == NULL ? 0 : (unsigned)s->nzone;
}

const struct site *
sites_site(const struct sites *s, unsigned i)
{
	return i < s->nsite ? &s->site[i] : NULL;
}

const struct site *
sites_zone(const struct sites *s, unsigned i)
{
	return i < s->nzone ? &s->zone[i] : NULL;
}
