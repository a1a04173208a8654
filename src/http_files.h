/* http_files.h - what the HTTP server reads from disk before it serves. */
#ifndef IPGRAPH_HTTP_FILES_H
#define IPGRAPH_HTTP_FILES_H

#include <stddef.h>

struct config;

/*
 * The TLS certificate and key, the bearer token and the dashboard's
 * folder, read once at start.  The daemon reads them before it drops
 * root, so a key or token readable by root alone (0600) works.
 */
struct http_files {
	char	*cert;		/* PEM, or NULL */
	char	*key;		/* PEM, or NULL; wiped by http_files_clear */
	char	*token;		/* trimmed, or NULL; wiped too */
	size_t	 toklen;
	char	*www_root;	/* its realpath, or NULL */
};

/* GnuTLS priorities: TLS 1.2 and 1.3, forward-secret AEAD suites only. */
#define HTTP_TLS_PRIORITIES \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:" \
	"+ECDHE-RSA:+DHE-RSA:-CIPHER-ALL:+AES-256-GCM:+CHACHA20-POLY1305:" \
	"+AES-128-GCM:-MAC-ALL:+AEAD"

/*
 * Read every file conf's [http] section names into f (zeroed first).
 * Refused: a file that cannot be read, a token file with no token in it
 * (empty or blanks only), tls_cert without tls_key or the reverse, a
 * www_root that is not a folder.  0, or -1 with err naming the file, the
 * line and the key ("FILE:LINE: [http] token_file: ...").  On error f
 * holds nothing.
 */
int	http_files_load(const struct config *conf, struct http_files *f,
	    char *err, size_t errlen);

/* Wipe the key and the token, free everything, zero f.  NULL is ok. */
void	http_files_clear(struct http_files *f);

/*
 * Whether f's certificate and key load and pair, the way the server will
 * load them (libmicrohttpd and GnuTLS, on a throw-away server with no
 * socket).  0 (also with no TLS), or -1 with err.
 */
int	http_files_check_tls(const struct config *conf,
	    const struct http_files *f, char *err, size_t errlen);

#endif /* IPGRAPH_HTTP_FILES_H */
