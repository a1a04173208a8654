/* check.h - ipgraphd --check-config: what start-up checks, without starting. */
#ifndef IPGRAPH_CHECK_H
#define IPGRAPH_CHECK_H

struct config;

/*
 * Check c as the daemon's start would: the user to become (when run as
 * root: only a daemon started as root becomes it), both BPF
 * filters, every listen address (and a port the unprivileged daemon
 * could not bind), the token, TLS and dashboard files (the certificate
 * and key must pair), and that the database's folder is writable by the
 * user that will write it.  The file itself (syntax, sections, keys,
 * values, names) was checked by config_load.  Logs each problem as
 * "FILE:LINE: [section] key: what" (log_warnx) and returns how many.
 * Run as root, the folder is tried as the configured user (a child
 * process becomes that user).
 */
int	check_config(const struct config *c);

#endif /* IPGRAPH_CHECK_H */
