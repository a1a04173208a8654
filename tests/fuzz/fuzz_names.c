/* fuzz_names.c - libFuzzer harness over the names file parser. */

#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "names.h"

/*
 * The input is a whole names file ("ADDRESS = NAME" lines), loaded into
 * a map that already holds one name, as ipgraphd does with its [names]
 * section before a --names file.  A refusal leaves the map as it was and
 * says where; then a few lookups walk the sorted array.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t v4[16] = { 10, 0, 0, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct names *nm;
	const char *path, *n;
	char err[1024];
	unsigned pfx;

	if ((nm = names_new()) == NULL ||
	    names_add(nm, "192.0.2.1", "fixed", err, sizeof(err)) < 0)
		__builtin_trap();
	path = fuzz_file(data, size);
	err[0] = '\0';
	if (names_load(nm, path, err, sizeof(err)) < 0) {
		if (names_count(nm) != 1 ||
		    strncmp(err, path, strlen(path)) != 0)
			__builtin_trap();
	} else if (names_count(nm) < 1)
		__builtin_trap();
	for (pfx = 0; pfx <= 32; pfx += 8)
		if ((n = names_lookup(nm, 4, v4, pfx)) != NULL && *n == '\0')
			__builtin_trap();
	for (pfx = 0; pfx <= 128; pfx += 32)
		(void)names_lookup(nm, 6, v6, pfx);
	names_free(nm);
	return 0;
}
