/* asn.h - an address's autonomous system and country, from libloc. */
#ifndef IPGRAPH_ASN_H
#define IPGRAPH_ASN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Where the database is looked for, first found: $IPGRAPH_LOCATION_DB,
 * then the one `location update` keeps, then Debian's libloc-database.
 * IPGRAPH_LOCATION_DB=none: no database, and no notice saying so.
 */
#define ASN_DB_UPDATED		"/var/lib/location/database.db"
#define ASN_DB_PACKAGED		"/usr/share/libloc-location/location.db"

struct asn_info {
	uint32_t	 asn;		/* 0: none */
	char		 country[3];	/* ISO 3166 code, "" when none */
	char		 as_name[96];	/* "" when none */
};

/* Whether this ipgraph was built with libloc. */
int	asn_built(void);

/*
 * Open the database on first call (later calls say the same).  0 when it
 * is there; -1 with why in err when not: built without libloc, or no
 * database (the reason is logged once, as a notice, the first time).
 * Safe from any thread.
 */
int	asn_ready(char *err, size_t errlen);

/*
 * The AS and country of one address (ver 4 or 6).  0 with *out filled
 * (fields empty where the database says nothing), -1 when there is no
 * database.  Safe from any thread.
 */
int	asn_lookup(int ver, const uint8_t *addr, struct asn_info *out);

/* The name of AS number asn into out ("" when unknown). */
void	asn_name(uint32_t asn, char *out, size_t outlen);

#endif /* IPGRAPH_ASN_H */
