/* addr.h - parsing and printing IPv4/IPv6 addresses and CIDR blocks. */
#ifndef IPGRAPH_ADDR_H
#define IPGRAPH_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */

/* An address or block: ver 4 uses b[0..3], the rest zero. */
struct cidr {
	uint8_t	ver;
	uint8_t	prefix;		/* 0..32 or 0..128 */
	uint8_t	b[16];		/* host bits cleared */
};

/*
 * Print an address in canonical text: dotted quad, or RFC 5952 for IPv6
 * (lower case, longest zero run as "::", never for a single group).
 * out must hold ADDR_STRLEN bytes.  Returns out.
 */
char	*addr_format(int ver, const uint8_t *b, char *out);

/*
 * Print a block as ADDR/LEN, or the bare address for a whole host.  out
 * must hold ADDR_STRLEN + 4 bytes.  Returns out.
 */
char	*addr_format_cidr(const struct cidr *c, char *out);

/* Parse a literal address into ver/b[16].  0, or -1 when not an address. */
int	 addr_parse(const char *s, int *ver, uint8_t b[16]);

/*
 * Parse "ADDR" or "ADDR/LEN" (a bare address is a /32 or /128); host bits
 * are cleared.  0, or -1 when malformed or the length is out of range.
 */
int	 addr_parse_cidr(const char *s, struct cidr *c);

/* Whether address (ver, b) lies in block c. */
int	 addr_in_cidr(const struct cidr *c, int ver, const uint8_t *b);

/* Clear the host bits of b beyond prefix bits (b holds 4 or 16 bytes). */
void	 addr_mask(uint8_t *b, int ver, unsigned prefix);

#endif /* IPGRAPH_ADDR_H */
