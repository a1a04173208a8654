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

#include <ini.h>

#include "conf.h"
#include "names.h"

enum ktype { K_STR, K_UINT, K_BOOL, K_DURATION, K_SIZE, K_IFACES, K_LISTEN,
    K_LEVEL };

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
	{ "capture", "batch", K_UINT, offsetof(struct config, batch), 1, 65536 },
	{ "capture", "buffer_size", K_SIZE,
	    offsetof(struct config, buffer_size), 65536, 1u << 31 },
	{ "capture", "filter", K_STR, offsetof(struct config, filter), 0, 0 },
	{ "capture", "interfaces", K_IFACES, 0, 0, 0 },
	{ "capture", "promisc", K_BOOL, offsetof(struct config, promisc), 0, 1 },
	{ "capture", "snaplen", K_UINT, offsetof(struct config, snaplen),
	    64, 262144 },
	{ "daemon", "log_level", K_LEVEL, offsetof(struct config, verbose),
	    0, 1 },
	{ "daemon", "sensor", K_STR, offsetof(struct config, sensor), 0, 0 },
	{ "daemon", "user", K_STR, offsetof(struct config, user), 0, 0 },
	{ "http", "cors_origin", K_STR, offsetof(struct config, cors_origin),
	    0, 0 },
	{ "http", "listen", K_LISTEN, 0, 0, 0 },
	{ "http", "max_connections", K_UINT,
	    offsetof(struct config, max_connections), 1, 100000 },
	{ "http", "per_ip_connections", K_UINT,
	    offsetof(struct config, per_ip_connections), 0, 100000 },
	{ "http", "threads", K_UINT, offsetof(struct config, threads), 1, 64 },
	{ "http", "timeout", K_DURATION, offsetof(struct config, timeout),
	    1, 3600 },
	{ "http", "tls_cert", K_STR, offsetof(struct config, tls_cert), 0, 0 },
	{ "http", "tls_key", K_STR, offsetof(struct config, tls_key), 0, 0 },
	{ "http", "token_file", K_STR, offsetof(struct config, token_file),
	    0, 0 },
	{ "http", "www_root", K_STR, offsetof(struct config, www_root), 0, 0 },
	{ "seq", "filter", K_STR, offsetof(struct config, seq_filter), 0, 0 },
	{ "seq", "packets", K_UINT, offsetof(struct config, seq_packets),
	    0, 1000000 },
	{ "seq", "retention", K_DURATION,
	    offsetof(struct config, seq_retention), 60, 0xffffffffu },
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

static int
keyword_cmp(const void *a, const void *b)
{
	const struct keyword *x = a, *y = b;
	int c = strcmp(x->section, y->section);

	return c != 0 ? c : strcmp(x->name, y->name);
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
	c->window = 60;
	c->grace = 5;
	c->max_edges = 1000000;
	c->queue = 64;
	c->queue_bytes = 64u << 20;
	c->db = strdup(LOCALSTATEDIR "/lib/ipgraph/ipgraph.db");
	c->retention_raw = 7 * 86400;
	c->retention_hour = 90 * 86400;
	c->retention_day = 5 * 365 * 86400;
	c->listen[0] = strdup("127.0.0.1:8080");
	c->nlisten = 1;
	c->threads = 4;
	c->max_connections = 256;
	c->per_ip_connections = 32;
	c->timeout = 30;
	c->seq_packets = 16;
	c->seq_retention = 7 * 86400;
	c->names = names_new();
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
	names_free(c->names);
	free(c->seq_filter);
	free(c);
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
	FILE		*fp;
	int		 line;		/* of the line last read */
	int		 failed;
	char		*err;
	size_t		 errlen;
};

/* fgets that counts lines, so errors can name them. */
static char *
reader(char *str, int num, void *stream)
{
	struct parse_ctx *ctx = stream;
	char *r = fgets(str, num, ctx->fp);

	if (r != NULL)
		ctx->line++;
	return r;
}

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

/*
 * [names] ADDRESS = NAME.  inih splits a line at its first '=' or ':', so
 * an IPv6 address arrives cut at its first colon: glue it back together
 * and split at the '=' ourselves.
 */
static int
add_name(struct parse_ctx *ctx, const char *name, const char *value)
{
	char line[1024], *eq, msg[512];

	if ((size_t)snprintf(line, sizeof(line), "%s%s%s", name,
	    strchr(value, '=') != NULL ? ":" : " = ", value) >= sizeof(line))
		return bad(ctx, "[names] %s: line too long", name);
	eq = strchr(line, '=');
	*eq++ = '\0';
	trim(line);
	trim(eq);
	if (names_add(ctx->c->names, line, eq, msg, sizeof(msg)) < 0)
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
	if (strcmp(section, "names") == 0)
		return add_name(ctx, name, value);
	k = bsearch(&key, keywords, NKEYWORDS, sizeof(keywords[0]),
	    keyword_cmp);
	if (k == NULL) {
		for (i = 0; i < NKEYWORDS; i++)
			if (strcmp(keywords[i].section, section) == 0)
				break;
		if (i == NKEYWORDS)
			return bad(ctx, "unknown section [%s]", section);
		return bad(ctx, "[%s] unknown key '%s'", section, name);
	}
	up = (unsigned *)((char *)c + k->off);
	sp = (char **)((char *)c + k->off);
	switch (k->type) {
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

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct parse_ctx ctx;
	struct config *c;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	if ((c = config_new()) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if ((ctx.fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		config_free(c);
		return NULL;
	}
	ctx.c = c;
	ctx.file = path;
	ctx.err = err;
	ctx.errlen = errlen;
	/* one line, one setting: line numbers in errors stay exact */
	ini_allow_multiline = false;
	rc = ini_parse_stream(reader, &ctx, handler, &ctx);
	fclose(ctx.fp);
	if (rc != 0 && !ctx.failed) {
		if (rc > 0)
			snprintf(err, errlen, "%s:%d: syntax error (expected "
			    "[section] or key = value)", path, rc);
		else
			snprintf(err, errlen, "%s: cannot read the file",
			    path);
		ctx.failed = 1;
	}
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
