/* names.h - the address-to-name map used by every export. */
#ifndef IPGRAPH_NAMES_H
#define IPGRAPH_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct names;

/* An empty map; NULL when out of memory.  Free with names_free. */
struct names	*names_new(void);
void		 names_free(struct names *);

/* A copy of a map (an empty one for NULL); NULL when out of memory. */
struct names	*names_copy(const struct names *);

/*
 * Add "ADDRESS = NAME" pairs from a file: one per line, '#' or ';' starts
 * a comment line, blank lines are skipped, spaces around either side are
 * trimmed.  ADDRESS is an address or a CIDR block (a block names the node
 * that --group folds its hosts into).  On error returns -1 with
 * "FILE:LINE: what" in err, and the map is left as it was.
 */
int	names_load(struct names *, const char *path, char *err,
	    size_t errlen);

/*
 * Add one pair (the daemon's [names] section calls this per key).  A later
 * name for the same address replaces the earlier one.  0, or -1 with a
 * message in err.
 */
int	names_add(struct names *, const char *addr, const char *name,
	    char *err, size_t errlen);

/*
 * The name of the block (ver, b, prefix): prefix 32 or 128 is one host.
 * NULL when unnamed.  The string lives as long as the map.
 */
const char *names_lookup(const struct names *, int ver, const uint8_t *b,
	    unsigned prefix);

/* How many names the map holds. */
size_t	names_count(const struct names *);

#endif /* IPGRAPH_NAMES_H */
