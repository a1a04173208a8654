/* stats.h - what the daemon tells the HTTP server about itself. */
#ifndef IPGRAPH_STATS_H
#define IPGRAPH_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "namebook.h"
#include "flowin.h"

#define STATS_MAX_IFACES	32

struct iface_stats {
	char		name[64];
	int		up;		/* capturing now */
	uint64_t	packets;	/* seen by ipgraphd */
	uint64_t	bytes;
	uint64_t	kernel_drop;	/* pcap_stats ps_drop, summed */
	uint64_t	if_drop;	/* pcap_stats ps_ifdrop, summed */
};

/*
 * A consistent copy of the daemon's counters, filled by the capture
 * thread once a second and read by HTTP workers under the hooks' lock.
 */
struct daemon_stats {
	int64_t		 now_us;		/* when this was taken */
	int64_t		 started_us;
	char		 sensor[128];
	size_t		 nifaces;
	struct iface_stats ifaces[STATS_MAX_IFACES];
	uint64_t	 packets;
	uint64_t	 bytes;
	uint64_t	 undecoded;
	double		 pps;			/* over the last second */
	double		 bps;			/* bits per second */
	int64_t		 open_window;		/* start of the newest, s */
	unsigned	 window_seconds;
	size_t		 open_edges;
	uint64_t	 windows_written;
	uint64_t	 new_edges;		/* first seen, in all */
	uint64_t	 first_seen_dropped;	/* past first_seen_max */
	struct namebook_stats	 names;		/* zero without names_max */
	struct alert_stats	 alerts;	/* zero without [alerts] */
	uint64_t	 budget_windows_deleted;	/* by every size budget */
	uint64_t	 budget_tier_windows_deleted[3];	/* max_size_TIER */
	uint64_t	 db_bytes;		/* with max_size: the file */
	uint64_t	 edges_written;
	uint64_t	 windows_dropped;	/* writer queue full */
	uint64_t	 frames_dropped;	/* in windows not stored */
	uint64_t	 write_errors;
	uint64_t	 queue_depth;
	uint64_t	 queue_max;
	uint64_t	 queue_bytes;		/* memory the queue holds */
	uint64_t	 queue_bytes_max;
	uint64_t	 db_reopened;		/* file deleted or replaced */
	uint64_t	 events_written;	/* packet events */
	uint64_t	 events_dropped;	/* caps and queue, counted */
	uint64_t	 filter_swaps;		/* capture filter set by reload */
	int64_t		 last_loss_us;		/* 0: nothing lost so far */
	char		 last_loss[256];	/* what was lost last */
	uint64_t	 write_latency_us;	/* last window */
	uint64_t	 write_latency_max_us;
	uint64_t	 ipfix_messages;	/* [ipfix] export */
	uint64_t	 ipfix_records;
	uint64_t	 ipfix_failed;		/* sends refused */
	int		 collecting;		/* [ipfix] listen */
	struct flowin_stats coll;
	int		 writer_failing;
	char		 writer_error[256];
	int		 capture_alive;		/* >= 1 interface up */
	int		 writer_alive;		/* not failing */
};

/*
 * The live view: once a second the daemon publishes a JSON document
 * describing the open window (see README, "live"); seq increases with
 * each one.  The HTTP server copies it out under the lock.
 */
struct daemon_hooks {
	/* fill *out; safe from any thread */
	void	(*get_stats)(void *arg, struct daemon_stats *out);
	/*
	 * copy the latest live document (NUL-terminated) into a malloc'd
	 * string *json, its sequence number into *seq; 0, or -1 when none
	 * yet.  Safe from any thread.
	 */
	int	(*get_live)(void *arg, char **json, uint64_t *seq);
	void	*arg;
};

#endif /* IPGRAPH_STATS_H */
