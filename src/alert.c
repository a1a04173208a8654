/* alert.c - new edges delivered to a webhook (HTTP POST of JSON) or a
 * command (the JSON on its standard input), in a thread of its own. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "addr.h"
#include "alert.h"
#include "buf.h"
#include "conf.h"
#include "decode.h"
#include "export.h"
#include "log.h"
#include "sites.h"
#include "store.h"
#include "timefmt.h"
#include "worker.h"

/* Back-off after a failed delivery: 1 s doubling up to this (seconds). */
#define ALERT_BACKOFF_MAX	300
/* How long one delivery may take (seconds): connect, send, answer. */
#define ALERT_TIMEOUT		10
/* How many zones [alerts] zones may name. */
#define ALERT_ZONES_MAX		32

struct alerter {
	struct worker		 wk;		/* stop: deliver, then end */
	char			*sensor;
	char			*host;		/* webhook */
	char			*port;
	char			*path;
	char			*command;	/* or this */
	struct cidr		 hosts;
	int			 have_hosts;
	struct sites		*sites;		/* [http] sites, for zones */
	char			*zonebuf;	/* [alerts] zones, split */
	const char		*zones[ALERT_ZONES_MAX];
	int			 nzones;
	unsigned		 interval;
	size_t			 max;
	struct first_seen_row	*q;		/* pending, oldest first */
	size_t			 n;
	struct alert_stats	 stats;
};

static int64_t
alert_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* http://HOST[:PORT][/PATH] into its parts (config_check_url passed). */
static int
alert_url(struct alerter *a, const char *url)
{
	const char *h = url + 7, *end = h + strcspn(h, "/"), *colon;
	const char *hs = h, *he;

	if (*h == '[') {
		hs = h + 1;
		he = strchr(h, ']');
		colon = he + 1 < end && he[1] == ':' ? he + 1 : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		he = colon != NULL ? colon : end;
	}
	a->host = strndup(hs, (size_t)(he - hs));
	a->port = colon != NULL ? strndup(colon + 1, (size_t)(end -
	    colon - 1)) : strdup("80");
	a->path = strdup(*end == '/' ? end : "/");
	return a->host != NULL && a->port != NULL && a->path != NULL ? 0 : -1;
}

/* The JSON document of n new edges, on one line. */
static void
alert_json(const struct alerter *a, const struct first_seen_row *r,
    size_t n, uint64_t dropped, struct buf *b)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN], t[TIMEFMT_ISO_LEN];
	size_t i;

	buf_puts(b, "{\"sensor\": ");
	export_json_string(b, a->sensor);
	buf_printf(b, ", \"dropped\": %llu, \"new_edges\": [",
	    (unsigned long long)dropped);
	for (i = 0; i < n; i++) {
		addr_format(r[i].ipver, r[i].src, s);
		addr_format(r[i].ipver, r[i].dst, d);
		buf_printf(b, "%s{\"first_seen\": \"%s\", \"proto\": \"%s\", "
		    "\"src\": \"%s\", \"dst\": \"%s\", \"dport\": %u}",
		    i > 0 ? ", " : "", timefmt_iso(r[i].first_us, t),
		    decode_proto_name(r[i].proto), s, d, r[i].dport);
	}
	buf_puts(b, "]}\n");
}

/* Wait for fd to be ready for events, at most until deadline; 0 or -1. */
static int
alert_wait(int fd, short events, int64_t deadline)
{
	struct pollfd p = { fd, events, 0 };
	int64_t left;
	int rc;

	for (;;) {
		if ((left = deadline - alert_now()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&p, 1, (int)left * 1000);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/* POST body to the webhook; 0 on a 2xx answer, else -1 with why. */
static int
alert_post(const struct alerter *a, const struct buf *body, char *why,
    size_t whylen)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct buf req = BUF_INIT;
	char answer[64];
	int64_t deadline = alert_now() + ALERT_TIMEOUT;
	size_t off = 0, got = 0;
	ssize_t w;
	int fd = -1, rc = -1, err = 0, e;
	socklen_t len = sizeof(err);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(a->host, a->port, &hints, &res)) != 0) {
		snprintf(why, whylen, "%s: %s", a->host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol)) < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && alert_wait(fd, POLLOUT,
		    deadline) == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR,
		    &err, &len) == 0 && (errno = err) == 0))
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(why, whylen, "connecting to %s port %s: %s", a->host,
		    a->port, strerror(errno));
		return -1;
	}
	buf_printf(&req, "POST %s HTTP/1.1\r\nHost: %s:%s\r\n"
	    "User-Agent: ipgraphd/%s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", a->path,
	    a->host, a->port, PACKAGE_VERSION, body->len);
	buf_add(&req, body->data, body->len);
	if (buf_failed(&req)) {
		snprintf(why, whylen, "out of memory");
		goto done;
	}
	while (off < req.len) {
		if (alert_wait(fd, POLLOUT, deadline) < 0 ||
		    (w = send(fd, req.data + off, req.len - off,
		    MSG_NOSIGNAL)) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			snprintf(why, whylen, "sending to %s port %s: %s",
			    a->host, a->port, strerror(errno));
			goto done;
		}
		off += (size_t)w;
	}
	/* the status line is enough: "HTTP/1.1 204 ..." */
	while (got < 12) {
		if (alert_wait(fd, POLLIN, deadline) < 0 ||
		    (w = recv(fd, answer + got, sizeof(answer) - 1 - got,
		    0)) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			snprintf(why, whylen, "reading the answer of %s port "
			    "%s: %s", a->host, a->port, strerror(errno));
			goto done;
		}
		if (w == 0)
			break;
		got += (size_t)w;
	}
	answer[got] = '\0';
	if (got < 12 || strncmp(answer, "HTTP/1.", 7) != 0 ||
	    answer[9] != '2') {
		answer[strcspn(answer, "\r\n")] = '\0';
		snprintf(why, whylen, "%s port %s answered '%s'", a->host,
		    a->port, got == 0 ? "nothing" : answer);
		goto done;
	}
	rc = 0;
done:
	buf_free(&req);
	close(fd);
	return rc;
}

/* Run the command with body on its standard input; 0 when it exits 0. */
static int
alert_run(const struct alerter *a, const struct buf *body, char *why,
    size_t whylen)
{
	int64_t deadline = alert_now() + ALERT_TIMEOUT;
	int p[2], status;
	size_t off = 0;
	ssize_t w;
	pid_t pid, r;

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t all;

		sigemptyset(&all);
		pthread_sigmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(p[0], STDIN_FILENO) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", a->command, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (off < body->len) {
		if (alert_wait(p[1], POLLOUT, deadline) < 0)
			break;
		if ((w = write(p[1], body->data + off, body->len - off)) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			break;		/* it did not read it all: its status says */
		}
		off += (size_t)w;
	}
	close(p[1]);
	for (;;) {
		if ((r = waitpid(pid, &status, WNOHANG)) == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
		if (alert_now() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(why, whylen, "the command took more than %d s "
			    "(killed)", ALERT_TIMEOUT);
			return -1;
		}
		usleep(20000);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, whylen, "the command exited %d",
		    WEXITSTATUS(status));
	else
		snprintf(why, whylen, "the command died of signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -1;
}

/* Put a failed batch back before what came meanwhile; the lock is held. */
static void
alert_requeue(struct alerter *a, struct first_seen_row *batch, size_t nb)
{
	struct first_seen_row *q;
	size_t keep = a->n, room;

	room = a->max > nb ? a->max - nb : 0;
	if (keep > room) {
		a->stats.dropped += keep - room;
		keep = room;
	}
	if ((q = reallocarray(batch, nb + keep + 1, sizeof(*q))) == NULL) {
		a->stats.dropped += nb;
		free(batch);
		return;
	}
	if (keep > 0)
		memcpy(q + nb, a->q, keep * sizeof(*q));
	free(a->q);
	a->q = q;
	a->n = nb + keep;
}

static void *
alert_main(void *arg)
{
	struct alerter *a = arg;
	struct first_seen_row *batch;
	struct buf body = BUF_INIT;
	struct timespec ts;
	char why[512];
	int64_t next_at = 0, now;
	unsigned backoff = 1;
	uint64_t dropped, reported = 0;
	size_t nb;
	int rc, last;

	worker_background("ipg-alerts");
	pthread_mutex_lock(&a->wk.mu);
	for (;;) {
		if (a->n == 0) {
			if (a->wk.stop)
				break;
			pthread_cond_wait(&a->wk.cv, &a->wk.mu);
			continue;
		}
		now = alert_now();
		if (now < next_at && !a->wk.stop) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += next_at - now;
			pthread_cond_timedwait(&a->wk.cv, &a->wk.mu, &ts);
			continue;
		}
		last = a->wk.stop;
		batch = a->q;
		nb = a->n;
		a->q = NULL;
		a->n = 0;
		a->stats.pending = 0;
		dropped = a->stats.dropped - reported;
		pthread_mutex_unlock(&a->wk.mu);

		buf_reset(&body);
		alert_json(a, batch, nb, dropped, &body);
		if (buf_failed(&body)) {
			snprintf(why, sizeof(why), "out of memory");
			rc = -1;
		} else if (a->host != NULL)
			rc = alert_post(a, &body, why, sizeof(why));
		else
			rc = alert_run(a, &body, why, sizeof(why));

		pthread_mutex_lock(&a->wk.mu);
		if (rc == 0) {
			a->stats.edges_sent += nb;
			a->stats.deliveries++;
			reported += dropped;
			free(batch);
			next_at = alert_now() + a->interval;
			if (backoff > 1)
				log_info("alerts: delivered again (%zu new "
				    "edges)", nb);
			backoff = 1;
		} else {
			a->stats.failures++;
			alert_requeue(a, batch, nb);
			log_warnx("alerts: %zu new edges not delivered: %s "
			    "(retry in %u s; they stay in the database, "
			    "ipgraph new lists them)", nb, why, backoff);
			next_at = alert_now() + backoff;
			backoff = backoff * 2 > ALERT_BACKOFF_MAX ?
			    ALERT_BACKOFF_MAX : backoff * 2;
			if (last) {
				log_warnx("alerts: stopping with %zu new edges "
				    "not delivered", a->n);
				break;
			}
		}
		a->stats.pending = a->n;
	}
	pthread_mutex_unlock(&a->wk.mu);
	buf_free(&body);
	return NULL;
}

/*
 * [alerts] zones: the site file of [http] sites, and the zones (or site
 * names) of it that new edges must touch.  0, or -1 with the reason in
 * err (without the key: the callers name it).
 */
static int
zones_load(struct alerter *a, const struct config *c, char *err,
    size_t errlen)
{
	char e[512], known[256], *p, *tok, *end;
	const struct site *st;
	unsigned i, n;
	int found;

	if (c->alert_zones == NULL)
		return 0;
	if (c->sites == NULL) {
		snprintf(err, errlen, "names zones of a site file: set [http] "
		    "sites to the file that defines them");
		return -1;
	}
	if ((a->sites = sites_load(c->sites, e, sizeof(e))) == NULL) {
		snprintf(err, errlen, "%s", e);
		return -1;
	}
	if ((a->zonebuf = strdup(c->alert_zones)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (p = a->zonebuf; (tok = strsep(&p, ",")) != NULL; ) {
		tok += strspn(tok, " \t");
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		found = 0;
		n = sites_zones(a->sites);
		for (i = 0; i < n && !found; i++)
			found = strcmp(sites_zone(a->sites, i)->zone, tok) == 0;
		n = sites_count(a->sites);
		for (i = 0; i < n && !found; i++)
			found = strcmp(sites_site(a->sites, i)->name, tok) == 0;
		if (!found) {
			known[0] = '\0';
			n = sites_zones(a->sites);
			for (i = 0; i < n; i++) {
				st = sites_zone(a->sites, i);
				if (strlen(known) + strlen(st->zone) + 3 <
				    sizeof(known))
					snprintf(known + strlen(known),
					    sizeof(known) - strlen(known),
					    "%s%s", i > 0 ? ", " : "",
					    st->zone);
			}
			snprintf(err, errlen, "'%s' is neither a zone nor a "
			    "site of %s (its zones: %s)", tok, c->sites,
			    known);
			return -1;
		}
		if (a->nzones == ALERT_ZONES_MAX) {
			snprintf(err, errlen, "more than %d zones",
			    ALERT_ZONES_MAX);
			return -1;
		}
		a->zones[a->nzones++] = tok;
	}
	if (a->nzones == 0) {
		snprintf(err, errlen, "names no zone");
		return -1;
	}
	return 0;
}

static void
zones_free(struct alerter *a)
{
	sites_free(a->sites);
	free(a->zonebuf);
	a->sites = NULL;
	a->zonebuf = NULL;
	a->nzones = 0;
}

/* Whether addr lies in one of the zones (or sites) [alerts] names. */
static int
in_zones(const struct alerter *a, int ver, const uint8_t *addr)
{
	const struct site *st;
	int i;

	if ((st = sites_lookup(a->sites, ver, addr)) == NULL)
		return 0;
	for (i = 0; i < a->nzones; i++)
		if (strcmp(st->zone, a->zones[i]) == 0 ||
		    strcmp(st->name, a->zones[i]) == 0)
			return 1;
	return 0;
}

int
alert_check_config(const struct config *c, char *err, size_t errlen)
{
	struct alerter a;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = zones_load(&a, c, err, errlen);
	zones_free(&a);
	return rc;
}

/* Free what alert_start made (a NULL is nothing), its thread stopped. */
static void
alert_free(struct alerter *a)
{
	if (a == NULL)
		return;
	free(a->q);
	zones_free(a);
	free(a->sensor);
	free(a->host);
	free(a->port);
	free(a->path);
	free(a->command);
	free(a);
}

struct alerter *
alert_start(const struct config *c, const char *sensor, char *err,
    size_t errlen)
{
	struct alerter *a;
	char e[768];

	err[0] = '\0';
	if (c->alert_webhook == NULL && c->alert_command == NULL)
		return NULL;
	if (c->alert_webhook != NULL && c->alert_command != NULL) {
		snprintf(err, errlen, "[alerts] command: give webhook or "
		    "command, not both");
		return NULL;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->sensor = strdup(sensor)) == NULL)
		goto oom;
	if (c->alert_webhook != NULL) {
		if (config_check_url(c->alert_webhook) < 0) {
			snprintf(err, errlen, "[alerts] webhook: '%s' is not "
			    "an http:// URL", c->alert_webhook);
			goto fail;
		}
		if (alert_url(a, c->alert_webhook) < 0)
			goto oom;
	} else if ((a->command = strdup(c->alert_command)) == NULL)
		goto oom;
	if (c->alert_hosts != NULL) {
		if (addr_parse_cidr(c->alert_hosts, &a->hosts) < 0) {
			snprintf(err, errlen, "[alerts] hosts: '%s' is not an "
			    "address or CIDR block", c->alert_hosts);
			goto fail;
		}
		a->have_hosts = 1;
	}
	if (zones_load(a, c, e, sizeof(e)) < 0) {
		snprintf(err, errlen, "[alerts] zones: %s", e);
		goto fail;
	}
	a->interval = c->alert_interval;
	a->max = c->alert_max_pending;
	if (worker_start(&a->wk, alert_main, a) < 0) {
		snprintf(err, errlen, "cannot start the alerts thread (out of "
		    "memory or threads?)");
		goto fail;
	}
	return a;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	alert_free(a);
	return NULL;
}

void
alert_submit(struct alerter *a, const struct first_seen_row *rows, size_t n)
{
	struct first_seen_row *q;
	size_t i, want;

	if (a == NULL || n == 0)
		return;
	pthread_mutex_lock(&a->wk.mu);
	want = a->n + n > a->max ? a->max : a->n + n;
	if (want > a->n && (q = reallocarray(a->q, want, sizeof(*q))) !=
	    NULL)
		a->q = q;
	else
		want = a->n;
	for (i = 0; i < n; i++) {
		if (a->have_hosts &&
		    !addr_in_cidr(&a->hosts, rows[i].ipver, rows[i].src) &&
		    !addr_in_cidr(&a->hosts, rows[i].ipver, rows[i].dst))
			continue;
		if (a->nzones > 0 &&
		    !in_zones(a, rows[i].ipver, rows[i].src) &&
		    !in_zones(a, rows[i].ipver, rows[i].dst))
			continue;
		if (a->n >= want) {
			a->stats.dropped++;
			continue;
		}
		a->q[a->n++] = rows[i];
	}
	a->stats.pending = a->n;
	pthread_cond_signal(&a->wk.cv);
	pthread_mutex_unlock(&a->wk.mu);
}

void
alert_get_stats(struct alerter *a, struct alert_stats *s)
{
	if (a == NULL) {
		memset(s, 0, sizeof(*s));
		return;
	}
	pthread_mutex_lock(&a->wk.mu);
	*s = a->stats;
	pthread_mutex_unlock(&a->wk.mu);
}

void
alert_stop(struct alerter *a)
{
	if (a == NULL)
		return;
	worker_stop(&a->wk);	/* what is pending is delivered first */
	alert_free(a);
}
