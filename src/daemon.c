/* daemon.c - process lifecycle helpers: privileges and systemd. */

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <sys/capability.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"

int
daemon_privdrop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t r, e, s;
	cap_t caps = NULL;
	int cap;

	if (geteuid() != 0)
		return 0;
	if (user == NULL || *user == '\0') {
		snprintf(err, errlen, "running as root: set [daemon] user to "
		    "an unprivileged user");
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user '%s' does not exist: create it "
		    "(useradd --system --no-create-home --shell /usr/sbin/nologin"
		    " %s) or set [daemon] user", user, user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "[daemon] user '%s' is root: capture "
		    "parsing never runs as root", user);
		return -1;
	}
	/*
	 * Started as root outside systemd (whose unit sets
	 * CapabilityBoundingSet= and NoNewPrivileges=): shrink the bounding
	 * set to the capture capabilities while CAP_SETPCAP is still held,
	 * so no later exec or file capability can bring any other back.
	 */
	for (cap = 0; prctl(PR_CAPBSET_READ, (long)cap, 0L, 0L, 0L) >= 0;
	    cap++) {
		if (cap == CAP_NET_RAW || cap == CAP_NET_ADMIN)
			continue;
		if (prctl(PR_CAPBSET_DROP, (long)cap, 0L, 0L, 0L) != 0) {
			snprintf(err, errlen, "reducing the capability bounding "
			    "set (capability %d): %s", cap, strerror(errno));
			return -1;
		}
	}
	/*
	 * Keep CAP_NET_RAW and CAP_NET_ADMIN (and nothing else) across the
	 * change of user, as systemd's AmbientCapabilities would: an
	 * interface that appears later can then still be opened, while the
	 * process is no longer root.
	 */
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0 ||
	    setgroups(1, &pw->pw_gid) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
		snprintf(err, errlen, "becoming user '%s': %s", user,
		    strerror(errno));
		return -1;
	}
	if ((caps = cap_from_text("cap_net_raw,cap_net_admin=ep")) == NULL ||
	    cap_set_proc(caps) != 0) {
		snprintf(err, errlen, "keeping the capture capabilities: %s",
		    strerror(errno));
		cap_free(caps);
		return -1;
	}
	cap_free(caps);
	prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) {
		snprintf(err, errlen, "setting no_new_privs: %s",
		    strerror(errno));
		return -1;
	}
	/* verify: no way back to root */
	if (getresuid(&r, &e, &s) != 0 || r != pw->pw_uid ||
	    e != pw->pw_uid || s != pw->pw_uid || setuid(0) == 0) {
		snprintf(err, errlen, "dropping root to '%s' did not stick",
		    user);
		return -1;
	}
	return 0;
}

void
daemon_notify(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sd_notify(0, msg);
}

uint64_t
daemon_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}
