/* services.c - port numbers to service names: /etc/services, a larger file. */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"

/*
 * One sorted array of (protocol, port, name), looked up by bisection: the
 * system's list holds about 600 names and IANA's registry about 6,000, a
 * few hundred kilobytes at most.  It is filled once (pthread_once, or
 * services_add_file before any thread) and only read afterwards.
 */
struct svc {
	uint16_t	 port;
	uint8_t		 proto;
	uint32_t	 seq;		/* order read: the first one wins */
	char		*name;
};

static struct svc	*svc;
static size_t		 nsvc, capsvc;
static uint32_t		 svcseq;
static pthread_once_t	 svc_once = PTHREAD_ONCE_INIT;

static int
svc_cmp(const void *pa, const void *pb)
{
	const struct svc *a = pa, *b = pb;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The same without the order read: a lookup key. */
static int
svc_cmp_key(const void *pa, const void *pb)
{
	const struct svc *a = pa, *b = pb;

	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	return a->port < b->port ? -1 : a->port > b->port;
}

static int
svc_proto(const char *s)
{
	if (strcmp(s, "tcp") == 0)
		return 6;
	if (strcmp(s, "udp") == 0)
		return 17;
	if (strcmp(s, "dccp") == 0)
		return 33;
	if (strcmp(s, "sctp") == 0)
		return 132;
	return -1;
}

/* Keep the first name of every (protocol, port), sorted. */
static void
svc_settle(void)
{
	size_t i, n = 0;

	if (nsvc == 0)
		return;
	qsort(svc, nsvc, sizeof(*svc), svc_cmp);
	for (i = 0; i < nsvc; i++) {
		if (n > 0 && svc[n - 1].proto == svc[i].proto &&
		    svc[n - 1].port == svc[i].port) {
			free(svc[i].name);
			continue;
		}
		svc[n++] = svc[i];
	}
	nsvc = n;
}

/*
 * Read one file in the services(5) form.  Lines that are not "NAME
 * PORT/PROTO ..." are skipped, as libc skips them.  0, or -1 with errno.
 */
static int
svc_read(const char *path)
{
	FILE *f;
	char line[1024], *name, *pp, *slash, *end, *save;
	struct svc *s;
	unsigned long port;
	int proto;
	size_t cap;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "#\r\n")] = '\0';
		if ((name = strtok_r(line, " \t", &save)) == NULL ||
		    (pp = strtok_r(NULL, " \t", &save)) == NULL ||
		    (slash = strchr(pp, '/')) == NULL)
			continue;
		*slash = '\0';
		errno = 0;
		port = strtoul(pp, &end, 10);
		if (*pp == '\0' || *end != '\0' || errno != 0 || port > 65535 ||
		    (proto = svc_proto(slash + 1)) < 0 ||
		    strlen(name) >= SERVICES_LABEL_LEN - 7)
			continue;
		if (nsvc == capsvc) {
			cap = capsvc == 0 ? 1024 : capsvc * 2;
			if ((s = reallocarray(svc, cap, sizeof(*svc))) == NULL)
				goto fail;
			svc = s;
			capsvc = cap;
		}
		s = &svc[nsvc];
		s->port = (uint16_t)port;
		s->proto = (uint8_t)proto;
		s->seq = svcseq++;
		if ((s->name = strdup(name)) == NULL)
			goto fail;
		nsvc++;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

static void
svc_load_system(void)
{
	/* a machine without the list (no netbase) shows bare numbers */
	(void)svc_read(SERVICES_SYSTEM);
	svc_settle();
}

int
services_add_file(const char *path, char *err, size_t errlen)
{
	pthread_once(&svc_once, svc_load_system);
	if (svc_read(path) < 0) {
		snprintf(err, errlen, "%s: %s (a services(5) file: NAME "
		    "PORT/PROTO per line)", path, strerror(errno));
		svc_settle();
		return -1;
	}
	svc_settle();
	return 0;
}

const char *
services_name(unsigned proto, unsigned port)
{
	struct svc key, *s;

	pthread_once(&svc_once, svc_load_system);
	if (port > 65535 || proto > 255 || nsvc == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.proto = (uint8_t)proto;
	key.port = (uint16_t)port;
	/* settled: one entry per (protocol, port), so seq plays no part */
	s = bsearch(&key, svc, nsvc, sizeof(*svc), svc_cmp_key);
	return s != NULL ? s->name : NULL;
}

char *
services_label(unsigned proto, unsigned port, char *out, size_t outlen)
{
	const char *name = services_name(proto, port);

	if (name != NULL)
		snprintf(out, outlen, "%u/%s", port, name);
	else
		snprintf(out, outlen, "%u", port);
	return out;
}

size_t
services_count(void)
{
	pthread_once(&svc_once, svc_load_system);
	return nsvc;
}
