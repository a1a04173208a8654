/* log.h - logging to stderr or syslog, and fatal exits. */
#ifndef IPGRAPH_LOG_H
#define IPGRAPH_LOG_H

#include <stdarg.h>

/*
 * name prefixes every line on stderr; to_syslog sends lines to syslog
 * instead (the daemon, when not in the foreground); verbose enables
 * log_debug.  May be called again to change any of them.
 */
void	log_init(const char *name, int to_syslog, int verbose);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* IPGRAPH_LOG_H */
