/* fuzz_util.c - the harnesses' scratch file, and a silent log.c. */

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"

static char	fuzz_path[64];
static int	fuzz_fd = -1;

const char *
fuzz_file(const uint8_t *data, size_t size)
{
	char tmp[4096];
	const char *dir;
	size_t off;
	ssize_t w;

	if (fuzz_fd < 0) {
		/*
		 * tmpfs when there is one: a disk's journal would make every
		 * execution wait for it.  The file is unlinked at once and
		 * named through /proc/self/fd, so nothing is left behind,
		 * whatever way the process ends (a crash included).
		 */
		if ((dir = getenv("FUZZ_TMPDIR")) == NULL || *dir == '\0')
			dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
			    (dir = getenv("TMPDIR")) != NULL && *dir != '\0' ?
			    dir : "/tmp";
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/ipgraph-fuzz.XXXXXX",
		    dir) >= sizeof(tmp))
			abort();
		if ((fuzz_fd = mkstemp(tmp)) < 0) {
			perror(tmp);
			abort();
		}
		unlink(tmp);
		snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d",
		    fuzz_fd);
	}
	if (ftruncate(fuzz_fd, 0) != 0)
		abort();
	for (off = 0; off < size; off += (size_t)w)
		if ((w = pwrite(fuzz_fd, data + off, size - off,
		    (off_t)off)) <= 0)
			abort();
	return fuzz_path;
}

/*
 * log.c's functions, silenced: a parser that warns for every bad input
 * would bury libFuzzer's own output, and a message is not a finding.
 * Defining every function of log.h here keeps log.o out of the link (a
 * static archive member is only pulled for a symbol still undefined), so
 * a new function in log.c needs its silent twin here too.  fatal() and
 * fatalx() still print and then abort, so libFuzzer reports them: on a
 * parser's path they mean a memory failure or an impossible state.
 */
void
log_init(const char *name, int to_syslog, int verbose)
{
	(void)name;
	(void)to_syslog;
	(void)verbose;
}

void
log_warn(const char *fmt, ...)
{
	(void)fmt;
}

void
log_warnx(const char *fmt, ...)
{
	(void)fmt;
}

void
log_info(const char *fmt, ...)
{
	(void)fmt;
}

void
log_debug(const char *fmt, ...)
{
	(void)fmt;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fatalx: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}
