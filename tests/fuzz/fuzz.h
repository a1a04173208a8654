/* fuzz.h - what the libFuzzer harnesses share (fuzz_util.c). */
#ifndef IPGRAPH_FUZZ_H
#define IPGRAPH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points (declared here for -Wmissing-prototypes). */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * For parsers that only read a path (config_load, names_load, the CSV
 * reader, capfile_open): write data to this process's scratch file and
 * return its name (/proc/self/fd/N: the file is unlinked as soon as it
 * is made, in $FUZZ_TMPDIR, else /dev/shm, else $TMPDIR or /tmp), the
 * same file rewritten for every input.  Aborts when it cannot be
 * written: that is the harness failing, not the parser.
 */
const char *fuzz_file(const uint8_t *data, size_t size);

#endif /* IPGRAPH_FUZZ_H */
