/* fuzz_sites.c - libFuzzer harness over the site file parser. */

#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "sites.h"

/*
 * The input is a whole site file ("CIDR = NAME, zone=Z, colour=#RRGGBB"
 * lines).  A refusal must say where (the file's name first); a file that
 * loads must answer lookups with a site whose zone and numbers are within
 * what it counts.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t v4[16] = { 10, 1, 2, 3 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	const struct site *s;
	struct sites *st;
	const char *path;
	char err[1024];
	unsigned i;

	path = fuzz_file(data, size);
	err[0] = '\0';
	if ((st = sites_load(path, err, sizeof(err))) == NULL) {
		if (strncmp(err, path, strlen(path)) != 0 &&
		    strcmp(err, "out of memory") != 0)
			__builtin_trap();
		return 0;
	}
	for (i = 0; i < 2; i++) {
		s = sites_lookup(st, i == 0 ? 4 : 6, i == 0 ? v4 : v6);
		if (s != NULL && (s->index >= sites_count(st) ||
		    s->zone_index >= sites_zones(st) || s->zone == NULL ||
		    *s->name == '\0'))
			__builtin_trap();
	}
	for (i = 0; i < sites_count(st); i++)
		if (sites_site(st, i) == NULL)
			__builtin_trap();
	sites_free(st);
	return 0;
}
