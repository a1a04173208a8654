/* http_files.c - what the HTTP server reads from disk before it serves. */

#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "buf.h"
#include "conf.h"
#include "http_files.h"

#define FILES_MAX_PEM		(1 << 20)
#define FILES_MAX_TOKEN		1024

/* "FILE:LINE: [http] key: what", as config errors read. */
static void	files_err(const struct config *, const char *, char *, size_t,
		    const char *, ...) __attribute__((format(printf, 5, 6)));

static void
files_err(const struct config *c, const char *key, char *err, size_t errlen,
    const char *fmt, ...)
{
	char where[1200], what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", config_where(c, "http", key, where,
	    sizeof(where)), what);
}

/* A whole small file into a new string; NULL with err. */
static char *
slurp(const struct config *c, const char *key, const char *path, size_t max,
    char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	struct stat sb;
	ssize_t n = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		files_err(c, key, err, errlen, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		files_err(c, key, err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	buf_add(&b, NULL, 0);
	while (b.len <= max && (n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	explicit_bzero(chunk, sizeof(chunk));
	close(fd);
	if (n < 0 || b.len > max || buf_failed(&b)) {
		files_err(c, key, err, errlen, "%s: %s", path, n < 0 ?
		    strerror(errno) : b.len > max ? "too large" :
		    "out of memory");
		if (b.data != NULL)
			explicit_bzero(b.data, b.len);
		buf_free(&b);
		return NULL;
	}
	return b.data != NULL ? b.data : strdup("");
}

static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

int
http_files_load(const struct config *c, struct http_files *f, char *err,
    size_t errlen)
{
	char real[PATH_MAX], *p, *e;
	struct stat sb;
	size_t all;

	memset(f, 0, sizeof(*f));
	if (set(c->www_root)) {
		if (realpath(c->www_root, real) == NULL) {
			files_err(c, "www_root", err, errlen, "%s: %s (the "
			    "dashboard's folder; make install puts it in "
			    "PKGDATADIR/www)", c->www_root, strerror(errno));
			goto fail;
		}
		if (stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			files_err(c, "www_root", err, errlen, "%s: not a "
			    "folder", c->www_root);
			goto fail;
		}
		if ((f->www_root = strdup(real)) == NULL)
			goto oom;
	}
	if (set(c->token_file)) {
		if ((f->token = slurp(c, "token_file", c->token_file,
		    FILES_MAX_TOKEN, err, errlen)) == NULL)
			goto fail;
		/* the first line, without blanks around it */
		all = strlen(f->token);
		p = f->token;
		p[strcspn(p, "\r\n")] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		f->toklen = (size_t)(e - p);
		memmove(f->token, p, f->toklen);
		explicit_bzero(f->token + f->toklen, all - f->toklen);
		if (f->toklen == 0) {
			files_err(c, "token_file", err, errlen, "%s: no token "
			    "in it (its first line is empty or blank)",
			    c->token_file);
			goto fail;
		}
	}
	if (set(c->tls_cert) != set(c->tls_key)) {
		files_err(c, set(c->tls_cert) ? "tls_cert" : "tls_key", err,
		    errlen, "tls_cert and tls_key go together: give both or "
		    "neither");
		goto fail;
	}
	if (set(c->tls_cert)) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			files_err(c, "tls_cert", err, errlen, "this "
			    "libmicrohttpd was built without TLS");
			goto fail;
		}
		if ((f->cert = slurp(c, "tls_cert", c->tls_cert,
		    FILES_MAX_PEM, err, errlen)) == NULL ||
		    (f->key = slurp(c, "tls_key", c->tls_key, FILES_MAX_PEM,
		    err, errlen)) == NULL)
			goto fail;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	http_files_clear(f);
	return -1;
}

void
http_files_clear(struct http_files *f)
{
	if (f == NULL)
		return;
	if (f->key != NULL)
		explicit_bzero(f->key, strlen(f->key));
	if (f->token != NULL)
		explicit_bzero(f->token, f->toklen);
	free(f->cert);
	free(f->key);
	free(f->token);
	free(f->www_root);
	memset(f, 0, sizeof(*f));
}

struct tls_log {
	char	msg[512];
};

static void	tls_log(void *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
tls_log(void *arg, const char *fmt, va_list ap)
{
	struct tls_log *l = arg;
	size_t n;

	if (l->msg[0] != '\0')
		return;			/* the first says what went wrong */
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	n = strlen(l->msg);
	while (n > 0 && (l->msg[n - 1] == '\n' || l->msg[n - 1] == '\r'))
		l->msg[--n] = '\0';
}

static enum MHD_Result
tls_nothing(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **state)
{
	(void)cls; (void)conn; (void)url; (void)method; (void)version;
	(void)data; (void)size; (void)state;
	return MHD_NO;
}

int
http_files_check_tls(const struct config *c, const struct http_files *f,
    char *err, size_t errlen)
{
	struct MHD_Daemon *d;
	struct tls_log l;

	if (f->cert == NULL)
		return 0;
	memset(&l, 0, sizeof(l));
	/* no socket and no thread: only the TLS set-up is of interest */
	d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_NO_LISTEN_SOCKET |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, tls_nothing, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, tls_log, &l,
	    MHD_OPTION_HTTPS_MEM_CERT, f->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, f->key,
	    MHD_OPTION_HTTPS_PRIORITIES, HTTP_TLS_PRIORITIES,
	    MHD_OPTION_END);
	if (d == NULL) {
		files_err(c, "tls_key", err, errlen, "%s and %s do not make a "
		    "TLS server: %s", c->tls_cert, c->tls_key, l.msg[0] != '\0' ?
		    l.msg : "not a certificate and its private key in PEM");
		return -1;
	}
	MHD_stop_daemon(d);
	return 0;
}
