/* check.c - ipgraphd --check-config: what start-up checks, without starting. */

#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "check.h"
#include "conf.h"
#include "http.h"
#include "http_files.h"
#include "ipfix_out.h"
#include "log.h"
#include "rdns.h"
#include "sniff.h"

static int	problem(const struct config *, const char *, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

/* Log "FILE:LINE: [section] key: what"; returns 1 (one problem). */
static int
problem(const struct config *c, const char *section, const char *key,
    const char *fmt, ...)
{
	char where[1200], what[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", config_where(c, section, key, where,
	    sizeof(where)), what);
	return 1;
}

/* The lowest port an unprivileged process may bind (Linux sysctl). */
static unsigned
unprivileged_port_start(void)
{
	FILE *fp = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
	unsigned v = 1024;

	if (fp != NULL) {
		if (fscanf(fp, "%u", &v) != 1)
			v = 1024;
		fclose(fp);
	}
	return v;
}

/*
 * errno of access(path, mode) as the user pw (a child becomes it), or of
 * our own access when pw is NULL; 0 when allowed.
 */
static int
access_as(const struct passwd *pw, const char *path, int mode)
{
	pid_t pid;
	int status;

	if (pw == NULL)
		return access(path, mode) == 0 ? 0 : errno;
	if ((pid = fork()) < 0)
		return errno;
	if (pid == 0) {
		if (setgroups(1, &pw->pw_gid) != 0 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
			_exit(EPERM);
		_exit(access(path, mode) == 0 ? 0 : errno & 0xff);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EPERM;
}

static int
check_user(const struct config *c, struct passwd *out, int *have)
{
	struct passwd *pw;

	*have = 0;
	/* only a daemon started as root becomes the user */
	if (geteuid() != 0)
		return 0;
	if (c->user == NULL || *c->user == '\0')
		return problem(c, "daemon", "user", "empty: started as "
		    "root, ipgraphd needs an unprivileged user to become");
	errno = 0;
	if ((pw = getpwnam(c->user)) == NULL)
		return problem(c, "daemon", "user", "'%s' does not exist: "
		    "create it (useradd --system --no-create-home --shell "
		    "/usr/sbin/nologin %s) or name another user", c->user,
		    c->user);
	if (pw->pw_uid == 0)
		return problem(c, "daemon", "user", "'%s' is root: capture "
		    "parsing never runs as root; name an unprivileged user",
		    c->user);
	*out = *pw;
	*have = 1;
	return 0;
}

static int
check_db(const struct config *c, const struct passwd *pw)
{
	char dir[PATH_MAX], *slash;
	const char *who = pw != NULL ? pw->pw_name : "this user";
	int e;

	if (snprintf(dir, sizeof(dir), "%s", c->db) >= (int)sizeof(dir))
		return problem(c, "store", "path", "too long");
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, F_OK) != 0)
		return problem(c, "store", "path", "the folder %s does not "
		    "exist: create it, writable by %s", dir, who);
	if ((e = access_as(pw, dir, W_OK | X_OK)) != 0)
		return problem(c, "store", "path", "the folder %s is not "
		    "writable by %s (%s): the database and its WAL are "
		    "created there", dir, who, strerror(e));
	if (access(c->db, F_OK) == 0 &&
	    (e = access_as(pw, c->db, R_OK | W_OK)) != 0)
		return problem(c, "store", "path", "%s is not writable by %s "
		    "(%s)", c->db, who, strerror(e));
	return 0;
}

int
check_config(const struct config *c)
{
	struct http_files f;
	struct passwd pw;
	char err[1200];
	unsigned port, low = unprivileged_port_start();
	size_t i;
	int n = 0, have_pw;

	n += check_user(c, &pw, &have_pw);
	if (sniff_filter_check(c->filter, err, sizeof(err)) < 0)
		n += problem(c, "capture", "filter", "%s", err);
	if (sniff_filter_check(c->seq_filter, err, sizeof(err)) < 0)
		n += problem(c, "seq", "filter", "%s", err);
	for (i = 0; i < c->nlisten; i++) {
		if (http_listen_check(c->listen[i], &port, err,
		    sizeof(err)) < 0)
			n += problem(c, "http", "listen", "%s",
			    strncmp(err, "listen: ", 8) == 0 ? err + 8 : err);
		else if (port != 0 && port < low)
			n += problem(c, "http", "listen", "'%s': port %u is "
			    "below %u (net.ipv4.ip_unprivileged_port_start) "
			    "and ipgraphd serves after giving up root: use a "
			    "port of %u or more", c->listen[i], port, low,
			    low);
	}
	if (c->ipfix_export != NULL) {
		int fd = ipfix_udp_open(c->ipfix_export, err, sizeof(err));

		if (fd < 0)
			n += problem(c, "ipfix", "export", "%s", err);
		else
			close(fd);
	}
	if (c->ipfix_listen != NULL &&
	    ipfix_udp_check(c->ipfix_listen, err, sizeof(err)) < 0)
		n += problem(c, "ipfix", "listen", "%s", err);
	if (http_files_load(c, &f, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		n++;
	} else {
		if (http_files_check_tls(c, &f, err, sizeof(err)) < 0) {
			log_warnx("%s", err);
			n++;
		}
		http_files_clear(&f);
	}
	if (c->alert_webhook != NULL && c->alert_command != NULL)
		n += problem(c, "alerts", "command", "give webhook or command, "
		    "not both");
	if (alert_check_config(c, err, sizeof(err)) < 0)
		n += problem(c, "alerts", "zones", "%s", err);
	if (c->rdns) {
		/* the resolver as the HTTP server starts it: resolv.conf read */
		struct rdns_conf rc = { c->rdns_timeout, 1, c->rdns_server };
		struct rdns *r;

		if ((r = rdns_new(&rc, err, sizeof(err))) == NULL)
			n += problem(c, "names", "reverse_dns", "%s", err);
		rdns_free(r);
	}
	/* run as root, the daemon writes as the user it becomes */
	n += check_db(c, geteuid() == 0 && have_pw ? &pw : NULL);
	return n;
}
