/* timefmt.h - parsing and printing times (microseconds since 1970, UTC). */
#ifndef IPGRAPH_TIMEFMT_H
#define IPGRAPH_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_ISO_LEN	96	/* 27 used; room for any struct tm */

/*
 * Parse a time argument into microseconds since the epoch.  Accepted:
 *   ISO 8601        2009-01-16T00:03:00Z, 2009-01-16 00:03:00.25+01:00,
 *                   2009-01-16 (midnight UTC); no zone means UTC
 *   epoch seconds   1232064180 or 1232064180.5
 *   relative        -15m, -2h, -7d, -30s, -1w (before now_us), "now"
 *   IP-Link form    2009-1-16-00-03-00
 * Returns 0, or -1 with a message in err naming what was wrong.
 */
int	 timefmt_parse(const char *s, int64_t now_us, int64_t *us,
	    char *err, size_t errlen);

/* 2009-01-16T00:03:00.000000Z into out (TIMEFMT_ISO_LEN bytes); returns out. */
char	*timefmt_iso(int64_t us, char *out);

/* Current time in microseconds. */
int64_t	 timefmt_now(void);

#endif /* IPGRAPH_TIMEFMT_H */
