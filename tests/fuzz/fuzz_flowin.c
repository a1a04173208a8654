/* fuzz_flowin.c - libFuzzer harness over the NetFlow/IPFIX parser (flowin.c). */

#include <stdint.h>
#include <string.h>

#include "flowin.h"
#include "fuzz.h"

static uint64_t nrec;

static void
on_flow(void *arg, struct flowin_src *src, const struct flowin_rec *r)
{
	(void)arg;
	/* what comes out is an IP flow with packets, of a named source */
	if ((r->ipver != 4 && r->ipver != 6) || r->packets == 0 ||
	    src->name[0] == '\0' || r->last_us < r->first_us)
		__builtin_trap();
	nrec++;
}

/*
 * The input is a run of datagrams, each a 2-byte big-endian length and
 * its bytes (the last one cut where the input ends), from two exporters
 * in turn: templates of one datagram serve the next ones, as on a wire.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t a1[4] = { 192, 0, 2, 1 };
	static const uint8_t a2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct flowin *fi = flowin_new(NULL);
	struct flowin_stats st;
	size_t off = 0, n, i = 0;

	if (fi == NULL)
		return 0;
	nrec = 0;
	while (off + 2 <= size) {
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		flowin_packet(fi, i % 2 ? 6 : 4, i % 2 ? a2 : a1, data + off,
		    n, (int64_t)i * 1000, on_flow, NULL);
		off += n;
		i++;
	}
	flowin_get_stats(fi, &st);
	if (st.records != nrec || st.packets != i ||
	    st.sources > FLOWIN_MAX_SOURCES)
		__builtin_trap();
	flowin_free(fi);
	return 0;
}
