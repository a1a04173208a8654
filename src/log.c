/* log.c - logging to stderr or syslog, and fatal exits. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_name = "ipgraph";
static int		 log_syslog;
static int		 log_verbose;

void
log_init(const char *name, int to_syslog, int verbose)
{
	log_name = name;
	log_verbose = verbose;
	if (to_syslog && !log_syslog)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = to_syslog;
}

/* One line; with_errno appends ": strerror(errno)" as err(3) does. */
static void logv(int, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
logv(int pri, int with_errno, const char *fmt, va_list ap)
{
	char msg[2048];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_syslog) {
		if (with_errno)
			syslog(pri, "%s: %s", msg, strerror(saved));
		else
			syslog(pri, "%s", msg);
	} else {
		if (with_errno)
			fprintf(stderr, "%s: %s: %s\n", log_name, msg,
			    strerror(saved));
		else
			fprintf(stderr, "%s: %s\n", log_name, msg);
		fflush(stderr);
	}
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logv(LOG_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logv(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logv(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	logv(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logv(LOG_CRIT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logv(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
