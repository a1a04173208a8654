/* sites.h - a site file: address blocks named as sites and zones. */
#ifndef IPGRAPH_SITES_H
#define IPGRAPH_SITES_H

#include <stddef.h>
#include <stdint.h>

struct sites;

/* One named block: the site it belongs to, its zone and colour. */
struct site {
	const char	*name;
	const char	*zone;		/* the site's name when none given */
	const char	*colour;	/* "#rrggbb", or NULL */
	unsigned	 index;		/* of its site name, from 0 */
	unsigned	 zone_index;	/* of its zone, from 0 */
};

/*
 * Read a site file: one block a line,
 *
 *   CIDR = NAME [, zone=ZONE] [, colour=#RRGGBB]
 *
 * '#' or ';' starts a comment line, blank lines are skipped.  Blocks may
 * nest (the longest prefix wins: 10.1.0.0/16 inside 10.0.0.0/8); the
 * same block twice, a malformed line, a bad colour or an unknown key is
 * an error "FILE:LINE: ..." in err.  Lines may name the same site twice
 * (several blocks, one site).  NULL on error.
 */
struct sites	*sites_load(const char *path, char *err, size_t errlen);
void		 sites_free(struct sites *);

/* The site of an address (longest prefix), or NULL. */
const struct site *sites_lookup(const struct sites *, int ver,
		    const uint8_t *addr);

/* How many distinct site names and zones the file holds. */
unsigned	 sites_count(const struct sites *);
unsigned	 sites_zones(const struct sites *);

/* The name and colour of site (or zone) number i. */
const struct site *sites_site(const struct sites *, unsigned i);
const struct site *sites_zone(const struct sites *, unsigned i);

#endif /* IPGRAPH_SITES_H */
