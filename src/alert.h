/* alert.h - new edges delivered to a webhook or a command, off the
 * capture path: a thread of its own, rate-limited, retried with back-off. */
#ifndef IPGRAPH_ALERT_H
#define IPGRAPH_ALERT_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct first_seen_row;
struct alerter;

struct alert_stats {
	uint64_t	edges_sent;	/* delivered */
	uint64_t	deliveries;	/* successful POSTs or commands */
	uint64_t	failures;	/* failed attempts (retried) */
	uint64_t	dropped;	/* past max_pending: never delivered */
	uint64_t	pending;
};

/*
 * Start delivering new edges of sensor as the config's [alerts] says
 * (webhook, command, hosts, zones, interval, max_pending).  NULL with nothing in
 * err when neither webhook nor command is set; NULL with a message in err
 * on failure.
 */
struct alerter	*alert_start(const struct config *, const char *sensor,
		    char *err, size_t errlen);

/*
 * Check [alerts] zones against the site file of [http] sites (for
 * --check-config).  0, or -1 with the reason in err.
 */
int		 alert_check_config(const struct config *, char *err,
		    size_t errlen);

/*
 * Queue n new edges (those with an end in [alerts] hosts, when set).
 * Never blocks on delivery: a short lock; past max_pending the newest are
 * dropped and counted.  Safe from any thread.
 */
void	alert_submit(struct alerter *, const struct first_seen_row *rows,
	    size_t n);

void	alert_get_stats(struct alerter *, struct alert_stats *);

/* Stop the thread (one last attempt at what is pending), free.  NULL ok. */
void	alert_stop(struct alerter *);

#endif /* IPGRAPH_ALERT_H */
