/* fuzz_dns.c - libFuzzer harness over dns_parse(), sni_parse(), namebook. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "namebook.h"
#include "sni.h"

/*
 * Input layout: one selector byte, then a DNS message.  Bit 0 of the
 * selector: read it as TCP (a two-byte length first).  Every answer goes
 * into a namebook of four entries, so eviction runs too.  Bit 1: read
 * the bytes as a first client segment instead (sni_parse).
 */

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_answer(void *arg, const struct dns_answer *a)
{
	static const uint8_t client[16] = { 10, 0, 0, 1 };
	const char *c;

	/* a name is text of letters, digits, '-', '_', '.' and \DDD */
	for (c = a->name; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_' || *c == '.' || *c == '\\'))
			abort();
	if (c - a->name >= DNS_NAME_TEXT || (a->ver != 4 && a->ver != 6))
		abort();
	namebook_add(arg, 1000000, 4, client, a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct namebook *nb;
	struct namebook_stats st;
	struct name_row *rows;
	size_t n;
	int got;

	if (size < 1)
		return 0;
	if (data[0] & 2) {
		char name[256];
		const char *c;

		if (sni_parse(data + 1, size - 1, name, sizeof(name)) !=
		    SNI_NONE) {
			for (c = name; *c != '\0'; c++)
				if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' &&
				    *c <= '9') || *c == '-' || *c == '_' ||
				    *c == '.' || *c == '\\'))
					abort();
			if (c - name >= (long)sizeof(name))
				abort();
		}
		return 0;
	}
	if ((nb = namebook_new(4, 60)) == NULL)
		abort();
	got = dns_parse(data + 1, size - 1, data[0] & 1, check_answer, nb);
	namebook_get_stats(nb, &st);
	if (st.entries > 4 || (got <= 0 && st.answers != 0) ||
	    (got > 0 && st.answers != (uint64_t)got))
		abort();
	n = namebook_take(nb, &rows);
	if (n > 4)
		abort();
	namebook_rows_free(rows, n);
	namebook_free(nb);
	return 0;
}
