/* conf.c - the daemon's configuration file (INI) and its defaults. */

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "addr.h"
#include "conf.h"
#include "names.h"
#include "rdns.h"

enum ktype { K_STR, K_UINT, K_BOOL, K_DURATION, K_SIZE, K_IFACES, K_LISTEN,
    K_LEVEL, K_URL, K_CIDR, K_BYTES };

/*
 * Every key, sorted by section then name (bsearch; tests/unit/test_conf.c
 * checks the order).  min/max bound the
 * numbers; a value out of range is an error, never clamped silently.
 */
static const struct keyword {
	const char	*section;
	const char	*name;
	enum ktype	 type;
	size_t		 off;
	unsigned	 min;
	unsigned	 max;
} keywords[] = {
	{ "alerts", "command", K_STR, offsetof(struct config, alert_command),
	    0, 0 },
	{ "alerts", "hosts", K_CIDR, offsetof(struct config, alert_hosts),
	    0, 0 },
	{ "alerts", "interval", K_DURATION,
	    offsetof(struct config, alert_interval), 1, 86400 },
	{ "alerts", "max_pending", K_UINT,
	    offsetof(struct config, alert_max_pending), 1, 1000000 },
	{ "alerts", "webhook", K_URL, offsetof(struct config, alert_webhook),
	    0, 0 },
	{ "alerts", "zones", K_STR, offsetof(struct config, alert_zones),
	    0, 0 },
	{ "capture", "batch", K_UINT, offsetof(struct config, batch), 1, 65536 },
	{ "capture", "buffer_size", K_SIZE,
	    offsetof(struct config, buffer_size), 65536, 1u << 31 },
	{ "capture", "filter", K_STR, offsetof(struct config, filter), 0, 0 },
	{ "capture", "interfaces", K_IFACES, 0, 0, 0 },
	{ "capture", "names_max", K_UINT, offsetof(struct config, names_max),
	    0, 16777216 },
	{ "capture", "promisc", K_BOOL, offsetof(struct config, promisc), 0, 1 },
	{ "capture", "snaplen", K_UINT, offsetof(struct config, snaplen),
	    64, 262144 },
	{ "daemon", "log_level", K_LEVEL, offsetof(struct config, verbose),
	    0, 1 },
	{ "daemon", "sensor", K_STR, offsetof(struct config, sensor), 0, 0 },
	{ "daemon", "user", K_STR, offsetof(struct config, user), 0, 0 },
	{ "http", "cors_origin", K_STR, offsetof(struct config, cors_origin),
	    0, 0 },
	{ "http", "header_timeout", K_DURATION,
	    offsetof(struct config, header_timeout), 1, 3600 },
	{ "http", "listen", K_LISTEN, 0, 0, 0 },
	{ "http", "max_connections", K_UINT,
	    offsetof(struct config, max_connections), 1, 100000 },
	{ "http", "max_nodes", K_UINT, offsetof(struct config, max_nodes),
	    2, 100000 },
	{ "http", "max_rows", K_UINT, offsetof(struct config, max_rows),
	    1, 0xffffffffu },
	{ "http", "per_ip_connections", K_UINT,
	    offsetof(struct config, per_ip_connections), 0, 100000 },
	{ "http", "picture_cache", K_SIZE,
	    offsetof(struct config, picture_cache), 0, 1u << 30 },
	{ "http", "sites", K_STR, offsetof(struct config, sites), 0, 0 },
	{ "http", "threads", K_UINT, offsetof(struct config, threads), 1, 64 },
	{ "http", "timeout", K_DURATION, offsetof(struct config, timeout),
	    1, 3600 },
	{ "http", "tls_cert", K_STR, offsetof(struct config, tls_cert), 0, 0 },
	{ "http", "tls_key", K_STR, offsetof(struct config, tls_key), 0, 0 },
	{ "http", "token_file", K_STR, offsetof(struct config, token_file),
	    0, 0 },
	{ "http", "www_root", K_STR, offsetof(struct config, www_root), 0, 0 },
	{ "ipfix", "export", K_STR, offsetof(struct config, ipfix_export),
	    0, 0 },
	{ "ipfix", "listen", K_STR, offsetof(struct config, ipfix_listen),
	    0, 0 },
	{ "ipfix", "max_rate", K_UINT, offsetof(struct config, ipfix_max_rate),
	    1, 10000000 },
	{ "ipfix", "template_refresh", K_DURATION,
	    offsetof(struct config, ipfix_refresh), 1, 86400 },
	{ "names", "reverse_dns", K_BOOL, offsetof(struct config, rdns),
	    0, 1 },
	{ "names", "reverse_dns_cache", K_UINT,
	    offsetof(struct config, rdns_cache), 1, 1048576 },
	{ "names", "reverse_dns_server", K_STR,
	    offsetof(struct config, rdns_server), 0, 0 },
	{ "names", "reverse_dns_timeout", K_UINT,
	    offsetof(struct config, rdns_timeout), 1, 60000 },
	{ "names", "services", K_STR, offsetof(struct config, services),
	    0, 0 },
	{ "seq", "filter", K_STR, offsetof(struct config, seq_filter), 0, 0 },
	{ "seq", "packets", K_UINT, offsetof(struct config, seq_packets),
	    0, 1000000 },
	{ "seq", "retention", K_DURATION,
	    offsetof(struct config, seq_retention), 60, 0xffffffffu },
	{ "store", "first_seen_max", K_UINT,
	    offsetof(struct config, first_seen_max), 1, 0xffffffffu },
	{ "store", "max_size", K_BYTES, offsetof(struct config, max_size),
	    1048576, 0 },
	{ "store", "max_size_day", K_BYTES,
	    offsetof(struct config, max_size_day), 1048576, 0 },
	{ "store", "max_size_hour", K_BYTES,
	    offsetof(struct config, max_size_hour), 1048576, 0 },
	{ "store", "max_size_raw", K_BYTES,
	    offsetof(struct config, max_size_raw), 1048576, 0 },
	{ "store", "path", K_STR, offsetof(struct config, db), 0, 0 },
	{ "store", "retention_day", K_DURATION,
	    offsetof(struct config, retention_day), 86400, 0xffffffffu },
	{ "store", "retention_hour", K_DURATION,
	    offsetof(struct config, retention_hour), 3600, 0xffffffffu },
	{ "store", "retention_raw", K_DURATION,
	    offsetof(struct config, retention_raw), 60, 0xffffffffu },
	{ "window", "grace", K_DURATION, offsetof(struct config, grace),
	    0, 3600 },
	{ "window", "max_edges", K_UINT, offsetof(struct config, max_edges),
	    1, 100000000 },
	{ "window", "queue", K_UINT, offsetof(struct config, queue), 1, 4096 },
	{ "window", "queue_bytes", K_SIZE, offsetof(struct config, queue_bytes),
	    1u << 20, 1u << 31 },
	{ "window", "seconds", K_DURATION, offsetof(struct config, window),
	    1, 86400 },
};
#define NKEYWORDS	(sizeof(keywords) / sizeof(keywords[0]))
_Static_assert(NKEYWORDS <= CONFIG_NKEYS, "raise CONFIG_NKEYS in conf.h");

static int
keyword_cmp(const void *a, const void *b)
{
	const struct keyword *x = a, *y = b;
	int c = strcmp(x->section, y->section);

	return c != 0 ? c : strcmp(x->name, y->name);
}

/*
 * The database when [store] path is not set.  Under systemd the unit's
 * StateDirectory= is the place (STATE_DIRECTORY, /var/lib/ipgraph
 * whatever the prefix, and the one folder ProtectSystem=strict leaves
 * writable); otherwise the configured localstatedir.  malloc'd.
 */
static char *
default_db(void)
{
	const char *sd = getenv("STATE_DIRECTORY");
	size_t n;
	char *p;

	if (sd == NULL || sd[0] != '/')
		return strdup(LOCALSTATEDIR "/lib/ipgraph/ipgraph.db");
	n = strcspn(sd, ":");		/* a list when several are set */
	if ((p = malloc(n + sizeof("/ipgraph.db"))) == NULL)
		return NULL;
	memcpy(p, sd, n);
	strcpy(p + n, "/ipgraph.db");
	return p;
}

struct config *
config_new(void)
{
	struct config *c;
	char host[256];

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		strcpy(host, "sensor");
	host[sizeof(host) - 1] = '\0';
	c->user = strdup("ipgraph");
	c->sensor = strdup(host);
	c->snaplen = 128;
	c->promisc = 1;
	c->buffer_size = 32u << 20;
	c->batch = 4096;
	c->first_seen_max = 1000000;	/* store.h, STORE_FIRST_SEEN_MAX */
	c->alert_interval = 60;
	c->alert_max_pending = 10000;
	c->window = 60;
	c->grace = 5;
	c->max_edges = 1000000;
	c->queue = 64;
	c->queue_bytes = 64u << 20;
	c->db = default_db();
	c->retention_raw = 7 * 86400;
	c->retention_hour = 90 * 86400;
	c->retention_day = 5 * 365 * 86400;
	c->listen[0] = strdup("127.0.0.1:8080");
	c->nlisten = 1;
	c->threads = 4;
	c->max_connections = 256;
	c->per_ip_connections = 32;
	c->max_rows = 1000000;
	c->max_nodes = 400;
	c->picture_cache = 32u << 20;
	c->timeout = 30;
	c->header_timeout = 10;
	c->seq_packets = 16;
	c->names_max = 65536;	/* namebook.h; 0: no passive DNS */
	c->seq_retention = 7 * 86400;
	c->ipfix_refresh = 60;
	c->ipfix_max_rate = 50000;	/* flowin.h, FLOWIN_MAX_RATE */
	c->names = names_new();
	c->rdns_cache = RDNS_CACHE;
	c->rdns_timeout = RDNS_TIMEOUT_MS;
	if (c->names == NULL || c->user == NULL || c->sensor == NULL || c->db == NULL ||
	    c->listen[0] == NULL) {
		config_free(c);
		return NULL;
	}
	return c;
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->user);
	free(c->sensor);
	for (i = 0; i < c->nifaces; i++)
		free(c->ifaces[i]);
	free(c->filter);
	free(c->db);
	for (i = 0; i < c->nlisten; i++)
		free(c->listen[i]);
	free(c->token_file);
	free(c->tls_cert);
	free(c->tls_key);
	free(c->www_root);
	free(c->cors_origin);
	free(c->sites);
	names_free(c->names);
	free(c->services);
	free(c->rdns_server);
	free(c->seq_filter);
	free(c->alert_webhook);
	free(c->alert_command);
	free(c->alert_hosts);
	free(c->alert_zones);
	free(c->ipfix_export);
	free(c->ipfix_listen);
	free(c);
}

int
config_parse_bytes(const char *s, uint64_t *bytes)
{
	static const char units[] = "kmgt";
	unsigned long long v;
	const char *u;
	char *end;
	int shift;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		if (end[1] != '\0' || (u = strchr(units,
		    tolower((unsigned char)*end))) == NULL)
			return -1;
		shift = 10 * (int)(u - units + 1);
		if (v > (UINT64_MAX >> shift))
			return -1;
		v <<= shift;
	}
	*bytes = v;
	return 0;
}

int
config_check_url(const char *url)
{
	const char *h, *end, *colon;
	unsigned long port;
	char *e;

	if (strncmp(url, "http://", 7) != 0)
		return -1;
	h = url + 7;
	end = h + strcspn(h, "/");
	if (*h == '[') {
		if ((colon = memchr(h, ']', (size_t)(end - h))) == NULL)
			return -1;
		colon++;
		if (colon != end && *colon != ':')
			return -1;
		if (colon - h < 3)
			return -1;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		if ((colon != NULL ? colon : end) == h)
			return -1;
	}
	if (colon != NULL && colon != end) {
		if (colon + 1 == end || !isdigit((unsigned char)colon[1]))
			return -1;
		port = strtoul(colon + 1, &e, 10);
		if (e != end || port == 0 || port > 65535)
			return -1;
	}
	return strpbrk(url, " \t\r\n") == NULL ? 0 : -1;
}

/* A number with an optional unit suffix, scaled; -1 when malformed. */
struct unit {
	char		 suffix;
	unsigned	 scale;
};

static int
parse_scaled(const char *s, const struct unit *units, unsigned *out)
{
	char *end;
	unsigned long long v, scale = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		for (; units->suffix != '\0'; units++)
			if (units->suffix == *end)
				break;
		if (units->suffix == '\0' || end[1] != '\0')
			return -1;
		scale = units->scale;
	}
	if (v > 0xffffffffULL / scale)
		return -1;
	*out = (unsigned)(v * scale);
	return 0;
}

int
config_parse_duration(const char *s, unsigned *secs)
{
	static const struct unit units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 7 * 86400 }, { 'y', 365 * 86400 }, { '\0', 0 }
	};

	return parse_scaled(s, units, secs);
}

int
config_parse_size(const char *s, unsigned *bytes)
{
	static const struct unit units[] = {
		{ 'k', 1u << 10 }, { 'K', 1u << 10 }, { 'm', 1u << 20 },
		{ 'M', 1u << 20 }, { 'g', 1u << 30 }, { 'G', 1u << 30 },
		{ '\0', 0 }
	};

	return parse_scaled(s, units, bytes);
}

/* Split a list on commas and blanks into at most max fresh strings. */
static int
split_list(const char *value, char **out, size_t max, size_t *n)
{
	char *copy, *tok, *save = NULL;
	size_t i, k = 0;

	if ((copy = strdup(value)) == NULL)
		return -1;
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (k == max || (out[k] = strdup(tok)) == NULL) {
			for (i = 0; i < k; i++)
				free(out[i]);
			free(copy);
			return -1;
		}
		k++;
	}
	free(copy);
	*n = k;
	return 0;
}

struct parse_ctx {
	struct config	*c;
	const char	*file;
	int		 line;		/* of the line being parsed */
	int		 failed;
	char		*err;
	size_t		 errlen;
};

/* Record "FILE:LINE: what" and fail the parse; returns 0 for inih. */
static int bad(struct parse_ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct parse_ctx *ctx, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(ctx->err, ctx->errlen, "%s:%d: %s", ctx->file, ctx->line,
	    what);
	ctx->failed = 1;
	return 0;
}

static void
trim(char *s)
{
	char *p = s, *e;

	while (isspace((unsigned char)*p))
		p++;
	memmove(s, p, strlen(p) + 1);
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
}

/* [names] ADDRESS = NAME: the line was split at its first '='. */
static int
add_name(struct parse_ctx *ctx, const char *name, const char *value)
{
	char msg[512];

	if (names_add(ctx->c->names, name, value, msg, sizeof(msg)) < 0)
		return bad(ctx, "[names] %s", msg);
	return 1;
}

static int
handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct parse_ctx *ctx = user;
	struct config *c = ctx->c;
	struct keyword key = { section, name, K_STR, 0, 0, 0 };
	const struct keyword *k;
	char **sp;
	unsigned v, *up;
	size_t i;

	if (ctx->failed)
		return 0;
	k = bsearch(&key, keywords, NKEYWORDS, sizeof(keywords[0]),
	    keyword_cmp);
	/* [names]: its own keys, else ADDRESS = NAME */
	if (k == NULL && strcmp(section, "names") == 0)
		return add_name(ctx, name, value);
	if (k == NULL) {
		for (i = 0; i < NKEYWORDS; i++)
			if (strcmp(keywords[i].section, section) == 0)
				break;
		if (i == NKEYWORDS)
			return bad(ctx, "unknown section [%s]", section);
		return bad(ctx, "[%s] unknown key '%s'", section, name);
	}
	c->lines[k - keywords] = ctx->line;
	up = (unsigned *)((char *)c + k->off);
	sp = (char **)((char *)c + k->off);
	if (k->off == offsetof(struct config, rdns_server) && *value != '\0' &&
	    rdns_server_check(value) < 0)
		return bad(ctx, "[%s] %s: '%s' is not an address (ADDR, "
		    "ADDR:PORT or [ADDR6]:PORT)", section, name, value);
	switch (k->type) {
	case K_BYTES:
		if (config_parse_bytes(value, (uint64_t *)(void *)up) < 0)
			return bad(ctx, "[%s] %s: '%s' is not a size (e.g. "
			    "512M, 20G, 1T)", section, name, value);
		if (*(uint64_t *)(void *)up != 0 &&
		    *(uint64_t *)(void *)up < k->min)
			return bad(ctx, "[%s] %s: '%s' is below 1M, smaller "
			    "than a database of a few windows (0: no budget)",
			    section, name, value);
		return 1;
	case K_URL:
		if (*value != '\0' && config_check_url(value) < 0)
			return bad(ctx, "[%s] %s: '%s' is not an http:// URL "
			    "(http://HOST[:PORT][/PATH]; https is not "
			    "supported: use a relay on the sensor)", section,
			    name, value);
		/* FALLTHROUGH */
	case K_CIDR:
		if (k->type == K_CIDR && *value != '\0' &&
		    addr_parse_cidr(value, &(struct cidr){ 0 }) < 0)
			return bad(ctx, "[%s] %s: '%s' is not an IPv4 or IPv6 "
			    "address or CIDR block", section, name, value);
		/* FALLTHROUGH */
	case K_STR:
		free(*sp);
		*sp = NULL;
		if (*value != '\0' && (*sp = strdup(value)) == NULL)
			return bad(ctx, "out of memory");
		return 1;
	case K_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
		    strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
			*up = 1;
		else if (strcmp(value, "no") == 0 ||
		    strcmp(value, "false") == 0 || strcmp(value, "off") == 0 ||
		    strcmp(value, "0") == 0)
			*up = 0;
		else
			return bad(ctx, "[%s] %s: '%s' is not yes or no",
			    section, name, value);
		return 1;
	case K_LEVEL:
		if (strcmp(value, "info") == 0)
			*up = 0;
		else if (strcmp(value, "debug") == 0)
			*up = 1;
		else
			return bad(ctx, "[%s] %s: '%s' is not info or debug",
			    section, name, value);
		return 1;
	case K_UINT:
	case K_DURATION:
	case K_SIZE:
		if ((k->type == K_SIZE ? config_parse_size(value, &v) :
		    config_parse_duration(value, &v)) < 0 ||
		    (k->type == K_UINT && strspn(value, "0123456789") !=
		    strlen(value)))
			return bad(ctx, "[%s] %s: '%s' is not %s", section,
			    name, value, k->type == K_UINT ? "a whole number" :
			    k->type == K_SIZE ? "a size (e.g. 4096, 64k, 16M)" :
			    "a duration (e.g. 90, 15m, 7d)");
		if (v < k->min || v > k->max)
			return bad(ctx, "[%s] %s: '%s' is out of range (%u to "
			    "%u)", section, name, value, k->min, k->max);
		*up = v;
		return 1;
	case K_IFACES:
		for (i = 0; i < c->nifaces; i++)
			free(c->ifaces[i]);
		c->nifaces = 0;
		if (split_list(value, c->ifaces, CONFIG_MAX_IFACES,
		    &c->nifaces) < 0)
			return bad(ctx, "[%s] %s: too many interfaces (at most "
			    "32)", section, name);
		return 1;
	case K_LISTEN:
		for (i = 0; i < c->nlisten; i++)
			free(c->listen[i]);
		c->nlisten = 0;
		if (split_list(value, c->listen, CONFIG_MAX_LISTEN,
		    &c->nlisten) < 0 || c->nlisten == 0)
			return bad(ctx, "[%s] %s: give 1 to 8 addresses",
			    section, name);
		return 1;
	}
	return bad(ctx, "[%s] %s: unhandled", section, name);
}

/* Whether section is one of the file's sections. */
static int
section_known(const char *section)
{
	size_t i;

	if (strcmp(section, "names") == 0)
		return 1;
	for (i = 0; i < NKEYWORDS; i++)
		if (strcmp(keywords[i].section, section) == 0)
			return 1;
	return 0;
}

/*
 * One line of the file, without its end of line.  A line is a section
 * header "[name]", "key = value" (split at the first '='; blanks around
 * both trimmed; a ';' after a blank starts a comment, as in inih, which
 * read this file before), a comment starting with '#' or ';', or blank.
 * Lines have no length limit below CONFIG_MAX_LINE: libinih cut lines at
 * 200 bytes, so the rest of a long comment became a line of its own (a
 * live setting) and a long BPF filter could not be written.
 */
static void
parse_line(struct parse_ctx *ctx, char *line, char *section, size_t seclen)
{
	char *p, *eq, *end, *key, *value;

	trim(line);
	if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
		return;
	if (line[0] == '[') {
		if ((end = strchr(line, ']')) == NULL) {
			bad(ctx, "syntax error: '[' without ']'");
			return;
		}
		*end++ = '\0';
		end += strspn(end, " \t");
		if (*end != '\0' && *end != '#' && *end != ';') {
			bad(ctx, "syntax error: text after [%s]", line + 1);
			return;
		}
		p = line + 1;
		trim(p);
		if (!section_known(p)) {
			bad(ctx, "unknown section [%s]", p);
			return;
		}
		snprintf(section, seclen, "%s", p);
		return;
	}
	if ((eq = strchr(line, '=')) == NULL || eq == line) {
		bad(ctx, "syntax error (expected [section] or key = value)");
		return;
	}
	*eq = '\0';
	key = line;
	value = eq + 1;
	for (p = value; *p != '\0'; p++)
		if (*p == ';' && p > value && isspace((unsigned char)p[-1])) {
			*p = '\0';
			break;
		}
	trim(key);
	trim(value);
	if (section[0] == '\0') {
		bad(ctx, "'%s' is outside any [section]", key);
		return;
	}
	handler(ctx, section, key, value);
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct parse_ctx ctx;
	struct config *c;
	struct stat sb;
	char section[64] = "", *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	memset(&ctx, 0, sizeof(ctx));
	if ((c = config_new()) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		config_free(c);
		return NULL;
	}
	if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (-c takes the "
		    "configuration file, e.g. %s)", path, CONFIG_DEFAULT_PATH);
		fclose(fp);
		config_free(c);
		return NULL;
	}
	ctx.c = c;
	ctx.file = path;
	ctx.err = err;
	ctx.errlen = errlen;
	while (!ctx.failed && (n = getline(&line, &cap, fp)) >= 0) {
		ctx.line++;
		if ((size_t)n > CONFIG_MAX_LINE) {
			bad(&ctx, "line longer than %d "
			    "bytes", CONFIG_MAX_LINE);
			break;
		}
		if (strlen(line) != (size_t)n) {
			bad(&ctx, "a NUL byte in the line");
			break;
		}
		/* a UTF-8 byte order mark, as some editors write */
		if (ctx.line == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, (size_t)n - 2);
		parse_line(&ctx, line, section, sizeof(section));
	}
	if (!ctx.failed && ferror(fp)) {
		snprintf(err, errlen, "%s: cannot read the file: %s", path,
		    strerror(errno));
		ctx.failed = 1;
	}
	free(line);
	fclose(fp);
	if (!ctx.failed && (c->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		ctx.failed = 1;
	}
	if (ctx.failed) {
		config_free(c);
		return NULL;
	}
	return c;
}

int
config_line(const struct config *c, const char *section, const char *name)
{
	struct keyword key = { section, name, K_STR, 0, 0, 0 };
	const struct keyword *k;

	k = bsearch(&key, keywords, NKEYWORDS, sizeof(keywords[0]),
	    keyword_cmp);
	return k != NULL ? c->lines[k - keywords] : 0;
}

const char *
config_where(const struct config *c, const char *section, const char *name,
    char *buf, size_t len)
{
	int line = config_line(c, section, name);

	if (c->path != NULL && line > 0)
		snprintf(buf, len, "%s:%d: [%s] %s", c->path, line, section,
		    name);
	else
		snprintf(buf, len, "[%s] %s%s", section, name,
		    c->path != NULL ? " (default)" : "");
	return buf;
}

/*
 * Settings a reload cannot change: the capture handles, the windows, the
 * writer and the HTTP server keep what they started with.  ([capture]
 * interfaces is compared by the daemon, which resolves the default.)
 */
static const char *const restart_keys[] = {
	"capture.buffer_size", "capture.promisc", "capture.snaplen",
	"daemon.sensor", "daemon.user",
	"http.cors_origin", "http.header_timeout", "http.listen",
	"http.max_connections",
	"http.per_ip_connections", "http.threads", "http.timeout",
	"http.tls_cert", "http.tls_key", "http.token_file", "http.www_root",
	"ipfix.export", "ipfix.listen", "ipfix.max_rate",
	"names.reverse_dns", "names.reverse_dns_cache",
	"names.reverse_dns_server", "names.reverse_dns_timeout",
	"store.path",
	"window.grace", "window.queue", "window.seconds",
};

static int
str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

size_t
config_restart_changes(const struct config *oc, const struct config *nc,
    char *buf, size_t len)
{
	struct keyword key = { NULL, NULL, K_STR, 0, 0, 0 };
	const struct keyword *k;
	char sect[16];
	size_t i, j, n = 0;
	int differ;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++) {
		snprintf(sect, sizeof(sect), "%.*s",
		    (int)strcspn(restart_keys[i], "."), restart_keys[i]);
		key.section = sect;
		key.name = strchr(restart_keys[i], '.') + 1;
		k = bsearch(&key, keywords, NKEYWORDS, sizeof(keywords[0]),
		    keyword_cmp);
		if (k == NULL)
			continue;
		if (k->type == K_LISTEN) {
			differ = oc->nlisten != nc->nlisten;
			for (j = 0; !differ && j < oc->nlisten; j++)
				differ = strcmp(oc->listen[j],
				    nc->listen[j]) != 0;
		} else if (k->type == K_STR)
			differ = str_differ(*(char *const *)((const char *)oc +
			    k->off), *(char *const *)((const char *)nc + k->off));
		else
			differ = *(const unsigned *)((const char *)oc +
			    k->off) != *(const unsigned *)((const char *)nc +
			    k->off);
		if (differ && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s[%s] %s",
			    n > 0 ? ", " : "", k->section, k->name);
	}
	return n < len ? n : len > 0 ? len - 1 : 0;
}

int
config_set_ifaces(struct config *c, char **ifaces, size_t n)
{
	size_t i;

	if (n > CONFIG_MAX_IFACES)
		return -1;
	for (i = 0; i < c->nifaces; i++)
		free(c->ifaces[i]);
	c->nifaces = 0;
	for (i = 0; i < n; i++) {
		if ((c->ifaces[i] = strdup(ifaces[i])) == NULL)
			return -1;
		c->nifaces++;
	}
	return 0;
}

int
config_keywords_sorted(void)
{
	size_t i;

	for (i = 1; i < NKEYWORDS; i++)
		if (keyword_cmp(&keywords[i - 1], &keywords[i]) >= 0)
			return 0;
	return 1;
}
