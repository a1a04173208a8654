/* asn.c - an address's autonomous system and country, from libloc. */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_LIBLOC
#include <dlfcn.h>
#include <netinet/in.h>
#include <libloc/libloc.h>
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/network.h>
#endif

#include "asn.h"
#include "log.h"

/*
 * One database for the process, opened on first use and kept: libloc
 * maps the file, so an open costs little memory of ours, and the HTTP
 * threads share it.  libloc's objects are reference counted without
 * locks, so every call into it holds asn_mtx.
 */
static pthread_once_t	 asn_once = PTHREAD_ONCE_INIT;
static char		 asn_why[512];	/* why there is none; "" when open */
#ifdef HAVE_LIBLOC
static pthread_mutex_t	 asn_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t	 asn_told = PTHREAD_ONCE_INIT;

/* The one notice of a missing database, the first time a lookup misses. */
static void
asn_tell(void)
{
	if (strcmp(asn_why, "IPGRAPH_LOCATION_DB=none") != 0)
		log_info("AS and country: %s; nodes carry none", asn_why);
}

static struct loc_ctx		*asn_ctx;
static struct loc_database	*asn_db;

/*
 * libloc is loaded here, on the first lookup, not linked: it brings
 * libcrypto, and binding the two cost every run of ipgraph ~7 million
 * instructions, a third of its start-up, while most runs (an import, an
 * export without --group asn|country) never look an address up.  The
 * pointers take their types from libloc's own declarations.
 */
static struct {
	__typeof__(&loc_new)			 new;
	__typeof__(&loc_set_log_priority)	 set_log_priority;
	__typeof__(&loc_unref)			 unref;
	__typeof__(&loc_database_new)		 database_new;
	__typeof__(&loc_database_lookup)	 database_lookup;
	__typeof__(&loc_database_get_as)	 database_get_as;
	__typeof__(&loc_as_get_name)		 as_get_name;
	__typeof__(&loc_as_unref)		 as_unref;
	__typeof__(&loc_network_get_asn)	 network_get_asn;
	__typeof__(&loc_network_get_country_code) network_get_country_code;
	__typeof__(&loc_network_unref)		 network_unref;
} L;

/* dlopen libloc and find its functions; 0, or -1 with asn_why set. */
static int
asn_load(void)
{
#define SYM(f)	{ "loc_" #f, (void *)&L.f }
	static const struct {
		const char	*name;
		void		*slot;
	} syms[] = {
		SYM(new), SYM(set_log_priority), SYM(unref), SYM(database_new),
		SYM(database_lookup), SYM(database_get_as), SYM(as_get_name),
		SYM(as_unref), SYM(network_get_asn),
		SYM(network_get_country_code), SYM(network_unref),
	};
#undef SYM
	void *h, *f;
	size_t i;

	if ((h = dlopen(LOC_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(asn_why, sizeof(asn_why), "cannot load libloc (%s): "
		    "install libloc1", dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((f = dlsym(h, syms[i].name)) == NULL) {
			snprintf(asn_why, sizeof(asn_why), "%s has no %s: "
			    "not the libloc ipgraph was built with", LOC_SONAME,
			    syms[i].name);
			dlclose(h);
			return -1;
		}
		/* POSIX: a dlsym result converts to a function pointer */
		memcpy(syms[i].slot, &f, sizeof(f));
	}
	return 0;	/* kept loaded for the life of the process */
}

static void
asn_open(void)
{
	const char *paths[3], *path = NULL;
	FILE *f = NULL;
	size_t i;

	paths[0] = getenv("IPGRAPH_LOCATION_DB");
	if (paths[0] != NULL && strcmp(paths[0], "none") == 0) {
		snprintf(asn_why, sizeof(asn_why), "IPGRAPH_LOCATION_DB=none");
		return;	/* asked for none: no notice */
	}
	paths[1] = ASN_DB_UPDATED;
	paths[2] = ASN_DB_PACKAGED;
	for (i = 0; i < 3 && f == NULL; i++) {
		if (paths[i] == NULL || paths[i][0] == '\0')
			continue;
		path = paths[i];
		if ((f = fopen(path, "r")) == NULL && i == 0) {
			snprintf(asn_why, sizeof(asn_why), "IPGRAPH_LOCATION_DB"
			    " %s: %s", path, strerror(errno));
			goto fail;
		}
	}
	if (f == NULL) {
		snprintf(asn_why, sizeof(asn_why), "no location database (%s "
		    "or %s: install libloc-database, or run 'location update')",
		    ASN_DB_UPDATED, ASN_DB_PACKAGED);
		goto fail;
	}
	if (asn_load() < 0) {
		fclose(f);
		goto fail;
	}
	if (L.new(&asn_ctx) != 0) {
		snprintf(asn_why, sizeof(asn_why), "libloc: out of memory");
		fclose(f);
		goto fail;
	}
	/* our message says what is wrong: libloc's own lines would repeat it */
	L.set_log_priority(asn_ctx, 0);
	if (L.database_new(asn_ctx, &asn_db, f) != 0) {
		snprintf(asn_why, sizeof(asn_why), "%s: not a location "
		    "database libloc can read", path);
		fclose(f);
		goto fail;
	}
	fclose(f);	/* libloc has mapped it */
	return;
fail:
	if (asn_ctx != NULL)
		L.unref(asn_ctx);
	asn_ctx = NULL;
	asn_db = NULL;
}
#else
static void
asn_open(void)
{
	snprintf(asn_why, sizeof(asn_why), "this ipgraph was built without "
	    "libloc (install libloc-dev, run configure again)");
}
#endif

int
asn_built(void)
{
#ifdef HAVE_LIBLOC
	return 1;
#else
	return 0;
#endif
}

int
asn_ready(char *err, size_t errlen)
{
	pthread_once(&asn_once, asn_open);
	if (asn_why[0] == '\0')
		return 0;
	snprintf(err, errlen, "%s", asn_why);
	return -1;
}

#ifdef HAVE_LIBLOC
static void
asn_name_locked(uint32_t asn, char *out, size_t outlen)
{
	struct loc_as *as = NULL;
	const char *name;

	out[0] = '\0';
	if (asn == 0 || L.database_get_as(asn_db, &as, asn) != 0 ||
	    as == NULL)
		return;
	if ((name = L.as_get_name(as)) != NULL)
		snprintf(out, outlen, "%s", name);
	L.as_unref(as);
}
#endif

int
asn_lookup(int ver, const uint8_t *addr, struct asn_info *out)
{
#ifdef HAVE_LIBLOC
	struct loc_network *net = NULL;
	struct in6_addr a;
	const char *cc;

	memset(out, 0, sizeof(*out));
	pthread_once(&asn_once, asn_open);
	if (asn_db == NULL) {
		pthread_once(&asn_told, asn_tell);
		return -1;
	}
	/* libloc keeps IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d) */
	memset(&a, 0, sizeof(a));
	if (ver == 4) {
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		memcpy(&a.s6_addr[12], addr, 4);
	} else
		memcpy(a.s6_addr, addr, 16);
	pthread_mutex_lock(&asn_mtx);
	if (L.database_lookup(asn_db, &a, &net) == 0 && net != NULL) {
		out->asn = L.network_get_asn(net);
		cc = L.network_get_country_code(net);
		if (cc != NULL && strlen(cc) == 2)
			memcpy(out->country, cc, 3);
		L.network_unref(net);
		asn_name_locked(out->asn, out->as_name, sizeof(out->as_name));
	}
	pthread_mutex_unlock(&asn_mtx);
	return 0;
#else
	(void)ver;
	(void)addr;
	memset(out, 0, sizeof(*out));
	return -1;
#endif
}

void
asn_name(uint32_t asn, char *out, size_t outlen)
{
	out[0] = '\0';
#ifdef HAVE_LIBLOC
	pthread_once(&asn_once, asn_open);
	if (asn_db == NULL)
		return;
	pthread_mutex_lock(&asn_mtx);
	asn_name_locked(asn, out, outlen);
	pthread_mutex_unlock(&asn_mtx);
#else
	(void)asn;
	(void)outlen;
#endif
}
