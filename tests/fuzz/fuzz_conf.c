/* fuzz_conf.c - libFuzzer harness over the daemon's config file parser. */

#include <stdint.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

/*
 * The input is a whole ipgraphd.conf.  config_load reads a path (through
 * libinih, with our handler per key, the [names] section included), so
 * the input goes through the scratch file.  A refusal must say where;
 * an acceptance must name the file it came from.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;
	const char *path;
	char err[1024];
	unsigned v;

	path = fuzz_file(data, size);
	err[0] = '\0';
	if ((c = config_load(path, err, sizeof(err))) == NULL) {
		if (strncmp(err, path, strlen(path)) != 0)
			__builtin_trap();
	} else {
		if (c->path == NULL || strcmp(c->path, path) != 0)
			__builtin_trap();
		config_free(c);
	}
	/* the value parsers on their own, on the first line */
	if (size > 0 && size < 64 && memchr(data, '\0', size) == NULL) {
		char s[64];

		memcpy(s, data, size);
		s[size] = '\0';
		(void)config_parse_duration(s, &v);
		(void)config_parse_size(s, &v);
	}
	return 0;
}
