/* daemon.h - process lifecycle helpers: privileges and systemd. */
#ifndef IPGRAPH_DAEMON_H
#define IPGRAPH_DAEMON_H

#include <stddef.h>
#include <stdint.h>

/*
 * When running as root, become user (setgroups, setresgid, setresuid),
 * keeping only CAP_NET_RAW and CAP_NET_ADMIN (in the bounding set too),
 * set no_new_privs, and check root cannot be regained.  Does nothing when not root.  0, or -1 with a message in err.
 */
int	daemon_privdrop(const char *user, char *err, size_t errlen);

/* sd_notify with a printf format; a no-op outside systemd. */
void	daemon_notify(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* The systemd watchdog interval in microseconds, or 0 when disabled. */
uint64_t daemon_watchdog_usec(void);

#endif /* IPGRAPH_DAEMON_H */
