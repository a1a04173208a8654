/* dns.h - passive DNS: names and addresses from DNS responses on the wire. */
#ifndef IPGRAPH_DNS_H
#define IPGRAPH_DNS_H

#include <stddef.h>
#include <stdint.h>

/* Longest name as text: 255 bytes on the wire, each byte at most \DDD. */
#define DNS_NAME_TEXT	1024

/* Ports whose payloads dns_parse is given: DNS and multicast DNS. */
#define DNS_PORT	53
#define DNS_MDNS_PORT	5353

/* At most this many records of a message are looked at. */
#define DNS_MAX_RECORDS	64
/* and this many CNAMEs followed from the question. */
#define DNS_MAX_CHAIN	16

/* One address a response gave for a name. */
struct dns_answer {
	const char	*name;		/* text, NUL-terminated */
	uint8_t		 ver;		/* 4 or 6 */
	uint8_t		 addr[16];	/* as in struct packet */
	uint32_t	 ttl;		/* seconds */
};

typedef void (*dns_answer_fn)(void *arg, const struct dns_answer *);

/*
 * Read one DNS message (RFC 1035 section 4.1) of len bytes at p; with tcp
 * set the message starts with its two-byte length (RFC 1035 4.2.2) and
 * only the first message of the segment is read.  Only answers to
 * standard queries (QR set, opcode 0, rcode 0) count.  With one question,
 * every A (RFC 1035) and AAAA (RFC 3596) record whose owner is the
 * question's name or a name a CNAME chain from it leads to is given to fn
 * under the question's name; with none (multicast DNS answers, RFC 6762)
 * under its own owner name.  Compressed names (RFC 1035 4.1.4) may only
 * point backwards, so loops end; names are written as text with bytes
 * other than letters, digits, '-' and '_' (and '.' between labels) as
 * \DDD, lower-cased.  Returns the answers given to fn, or -1 when the
 * message is malformed or cut short before the first answer was read
 * (then fn was not called).  Pure: no I/O, no globals, no allocation.
 */
int	dns_parse(const uint8_t *p, size_t len, int tcp, dns_answer_fn fn,
	    void *arg);

#endif /* IPGRAPH_DNS_H */
