/* fuzz_seqcsv.c - libFuzzer harness over the Wireshark-CSV reader of seq. */

/*
 * The reader (seq_cmd_read_csv and its helpers) is static in cmd_seq.c,
 * part of the ipgraph program rather than the library, so the file is
 * compiled into this harness whole: no change to the source for the sake
 * of a test, and the harness follows any change to the reader.  It comes
 * first, as cmd_seq.c starts with config.h.  main.c's helpers, which
 * cmd_seq() refers to but the reader never calls, are stubbed below.
 */
#include "cmd_seq.c"

#include "fuzz.h"
#include "help.h"

void
usage(FILE *fp)
{
	(void)fp;
	abort();
}

unsigned long
number_arg(const char *name, const char *s, unsigned long lo,
    unsigned long hi)
{
	(void)name;
	(void)s;
	(void)hi;
	return lo;
}

/* cmd_seq.c's option handling, never reached from the reader. */
int
help_command(const char *cmd, FILE *fp)
{
	(void)cmd;
	(void)fp;
	abort();
}

void
help_refuse_tty(const char *cmd, const char *format, const char *out)
{
	(void)cmd;
	(void)format;
	(void)out;
}

/* Above this, merging and writing would slow the search for no gain. */
#define FUZZ_SEQ_EXPORT_MAX	256

/*
 * The input is a whole CSV file.  What the reader accepts then goes the
 * way `ipgraph seq` sends it: seq_merge, and the text formats, whose
 * writers escape the Info and Protocol text that came from the file.
 * (SVG and PNG go through cairo: slow, and not a parser.)
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum seq_format fmts[] = {
		SEQ_FMT_SEQDIAG, SEQ_FMT_MERMAID, SEQ_FMT_TEXT
	};
	struct export_seq_opts eo = { SEQ_LEVEL_DEFAULT, 0, NULL };
	struct seq_opts so = { 0 };
	struct seq_cmd c;
	char err[1024], *out;
	size_t i, len;
	int point, rc;

	memset(&c, 0, sizeof(c));
	if ((c.global = names_new()) == NULL || (c.s = seq_new()) == NULL ||
	    (point = seq_add_point(c.s, "fuzz.csv")) < 0)
		abort();
	rc = seq_cmd_read_csv(&c, point, fuzz_file(data, size));
	if (rc != 0 && rc != -1)
		__builtin_trap();
	if (rc == 0 && seq_point_packets(c.s, point) > 0 &&
	    seq_point_packets(c.s, point) <= FUZZ_SEQ_EXPORT_MAX &&
	    seq_merge(c.s, &so, seq_cmd_name, &c, err, sizeof(err)) == 0) {
		if (seq_nevents(c.s) > seq_point_packets(c.s, point))
			__builtin_trap();
		eo.level = (enum seq_level)(size % 3);
		for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
			out = export_seq_buf(c.s, fmts[i], &eo, &len, err,
			    sizeof(err));
			if (out == NULL || strlen(out) != len)
				__builtin_trap();
			free(out);
		}
	}
	names_free(c.global);
	seq_free(c.s);
	return 0;
}
