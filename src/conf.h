/* conf.h - the daemon's configuration file (INI) and its defaults. */
#ifndef IPGRAPH_CONF_H
#define IPGRAPH_CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PATH	SYSCONFDIR "/ipgraph/ipgraphd.conf"
#define CONFIG_MAX_IFACES	32
#define CONFIG_MAX_LISTEN	8
/* Keys in the keyword table at most, and the longest line read. */
#define CONFIG_NKEYS		64
#define CONFIG_MAX_LINE		65536

struct names;

/*
 * Every setting, with its default when the file does not set it.  Times
 * are in seconds, sizes in bytes.  One struct, passed around; a reload
 * builds a new one and swaps it in only when the whole file parsed.
 */
struct config {
	char		*path;		/* the file it came from, or NULL */

	/* [daemon] */
	char		*user;		/* drop to this user when root */
	char		*sensor;	/* name of this capture point */
	int		 verbose;	/* log_level = debug */

	/* [capture] */
	char		*ifaces[CONFIG_MAX_IFACES];
	size_t		 nifaces;
	char		*filter;	/* BPF, or NULL */
	unsigned	 snaplen;
	unsigned	 names_max;	/* (client, address) names kept */
	int		 promisc;
	unsigned	 buffer_size;	/* kernel buffer, bytes */
	unsigned	 batch;		/* packets per dispatch */

	/* [window] */
	unsigned	 window;
	unsigned	 grace;
	unsigned	 max_edges;
	unsigned	 queue;		/* closed windows waiting to be written */
	unsigned	 queue_bytes;	/* and the memory they may hold */

	/* [store] */
	char		*db;
	unsigned	 retention_raw;
	unsigned	 retention_hour;
	unsigned	 retention_day;
	unsigned	 first_seen_max;	/* rows of the first-seen table */
	uint64_t	 max_size;		/* database budget; 0: none */
	uint64_t	 max_size_raw;		/* each tier's budget, 0: none */
	uint64_t	 max_size_hour;
	uint64_t	 max_size_day;

	/* [http] */
	char		*listen[CONFIG_MAX_LISTEN];
	size_t		 nlisten;
	unsigned	 threads;
	char		*token_file;
	char		*tls_cert;
	char		*tls_key;
	char		*www_root;
	char		*cors_origin;
	char		*sites;		/* site file for group=site|zone */
	unsigned	 max_connections;
	unsigned	 per_ip_connections;
	unsigned	 timeout;	/* idle: reset by every byte */
	unsigned	 header_timeout; /* a request's headers, whole */
	unsigned	 max_rows;	/* stored rows one query may read */
	unsigned	 max_nodes;	/* graph.png/svg: more are cut */
	unsigned	 picture_cache;	/* bytes of drawn pictures kept */

	/* [names] */
	struct names	*names;		/* ADDRESS = NAME lines */
	char		*services;	/* services = FILE: more port names */
	int		 rdns;		/* reverse_dns: PTR names for graphs */
	unsigned	 rdns_cache;	/* reverse_dns_cache: entries */
	char		*rdns_server;	/* reverse_dns_server, or NULL */
	unsigned	 rdns_timeout;	/* reverse_dns_timeout: ms */

	/* [alerts] */
	char		*alert_webhook;		/* http://..., or NULL */
	char		*alert_command;		/* sh -c, or NULL */
	char		*alert_hosts;		/* CIDR filter, or NULL */
	char		*alert_zones;		/* zones of [http] sites, or NULL */
	unsigned	 alert_interval;	/* seconds between deliveries */
	unsigned	 alert_max_pending;	/* new edges waiting */

	/* [seq] */
	char		*seq_filter;
	unsigned	 seq_packets;	/* per conversation */
	unsigned	 seq_retention;

	/* [ipfix] */
	char		*ipfix_export;	/* HOST:PORT (UDP), or NULL */
	unsigned	 ipfix_refresh;	/* templates resent after, seconds */
	char		*ipfix_listen;	/* collector ADDR:PORT (UDP), or NULL */
	unsigned	 ipfix_max_rate; /* datagrams a second per exporter */

	/* the line each key was set on, by keyword; 0: the default */
	int		 lines[CONFIG_NKEYS];
};

/* A config holding every default.  NULL when out of memory. */
struct config *config_new(void);
void	config_free(struct config *);

/*
 * Read path into a new config (defaults for what the file does not set).
 * On any error (unknown section or key, bad value, syntax) returns NULL
 * and writes "FILE:LINE: ..." naming the key into err.
 */
struct config *config_load(const char *path, char *err, size_t errlen);

/* The line of path where [section] name was set, or 0 (its default). */
int	config_line(const struct config *, const char *section,
	    const char *name);

/*
 * "FILE:LINE: [section] name" for error messages, or "[section] name
 * (default)" when the file does not set it ("[section] name" for a config
 * made without a file).  Returns buf.
 */
const char *config_where(const struct config *, const char *section,
	    const char *name, char *buf, size_t len);

/*
 * The settings that differ between a running config and a reloaded one
 * but take effect only at restart, as "[window] seconds, [http] listen"
 * in buf ("" when none).  Returns the length written.
 */
size_t	config_restart_changes(const struct config *old,
	    const struct config *new, char *buf, size_t len);

/* Add an interface given on the command line (replacing the file's). */
int	config_set_ifaces(struct config *, char **ifaces, size_t n);

/* Parse "30s", "15m", "7d", "5y", or plain seconds; -1 on error. */
int	config_parse_duration(const char *s, unsigned *secs);

/* Parse "4096", "64k", "16M", "1G" bytes; -1 on error. */
int	config_parse_size(const char *s, unsigned *bytes);

/* "512M", "20G", "1T" (1024-based) or bytes; 0 or -1. */
int	config_parse_bytes(const char *s, uint64_t *bytes);

/* Whether url is http://HOST[:PORT][/PATH] (HOST may be [IPv6]); 0 or -1. */
int	config_check_url(const char *url);

/* Whether the keyword table is sorted (for the unit test). */
int	config_keywords_sorted(void);

#endif /* IPGRAPH_CONF_H */
