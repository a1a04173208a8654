/* sni.h - a server's name from a connection's first client segment. */
#ifndef IPGRAPH_SNI_H
#define IPGRAPH_SNI_H

#include <stddef.h>
#include <stdint.h>

#define SNI_NONE	0
#define SNI_TLS		1	/* the server_name of a TLS ClientHello */
#define SNI_HTTP	2	/* the Host header of an HTTP/1 request */

/* Bytes of a request searched for its Host header, at most. */
#define SNI_HTTP_MAX	2048

/*
 * Read the server's name from the start of one TCP payload (len bytes at
 * p, what was captured; nothing is reassembled): the host_name of the
 * server_name extension (RFC 6066 section 3) of a TLS ClientHello (RFC
 * 8446 section 4.1.2) whose record starts the payload, or the Host header
 * (RFC 9112 section 3.2) of an HTTP/1 request, its port and a trailing
 * dot removed; an address literal is no name.  The name goes to out
 * (outlen >= 16) as dns.h writes names: lower case, bytes other than
 * letters, digits, '-', '_' and '.' as \DDD, cut at a whole character
 * to fit.  Returns SNI_TLS, SNI_HTTP, or SNI_NONE when the payload holds
 * neither (or is cut short before the name).  Pure.
 */
int	sni_parse(const uint8_t *p, size_t len, char *out, size_t outlen);

#endif /* IPGRAPH_SNI_H */
