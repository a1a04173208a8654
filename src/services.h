/* services.h - port numbers to service names: /etc/services, a larger file. */
#ifndef IPGRAPH_SERVICES_H
#define IPGRAPH_SERVICES_H

#include <stddef.h>

/* The system's list, read on first use. */
#define SERVICES_SYSTEM		"/etc/services"

/* Room for "65535/" and the longest name kept, with its NUL. */
#define SERVICES_LABEL_LEN	48

/*
 * Also read path, a file in the /etc/services form ("NAME PORT/PROTO
 * [ALIASES] [# comment]"), after the system's list: it names the ports
 * that list leaves unnamed, it renames none (IANA's full registry, say).
 * Call before any lookup, once, from the main thread.  0, or -1 with
 * "PATH: what" in err.
 */
int		 services_add_file(const char *path, char *err, size_t errlen);

/*
 * The name of port under IP protocol proto (6 tcp, 17 udp, 33 dccp, 132
 * sctp; others have no services), or NULL.  The first name a file gives
 * a port is its name, as getservbyport(3) has it.  The system's list is
 * read on the first call (a missing or unreadable one names nothing).
 * Safe from any thread.  The string lives as long as the process.
 */
const char	*services_name(unsigned proto, unsigned port);

/* "443/https", or "443" for a port no list names, into out; returns out. */
char		*services_label(unsigned proto, unsigned port, char *out,
		    size_t outlen);

/* How many (port, protocol) names are known (reads the lists). */
size_t		 services_count(void);

#endif /* IPGRAPH_SERVICES_H */
