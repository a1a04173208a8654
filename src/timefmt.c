/* timefmt.c - parsing and printing times (microseconds since 1970, UTC). */

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "timefmt.h"

#define US	1000000LL

/* Read 1..maxd digits; returns the count read, 0 if none. */
static int
digits(const char **p, int maxd, long *v)
{
	int n = 0;

	*v = 0;
	while (n < maxd && isdigit((unsigned char)**p)) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

static int
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no libc, no TZ). */
static int64_t
days_from_civil(long y, long m, long d)
{
	static const int before[12] =
	    { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int64_t days;
	long yy;

	yy = y - 1;
	days = (int64_t)365 * (y - 1970) +
	    (yy / 4 - yy / 100 + yy / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
	days += before[m - 1] + (m > 2 && leap(y)) + d - 1;
	return days;
}

static int
valid_date(long y, long m, long d, long hh, long mm, long ss)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	if (d > mdays[m - 1] + (m == 2 && leap(y)))
		return 0;
	return hh <= 23 && mm <= 59 && ss <= 60;
}

/* Fraction after '.', up to microseconds (further digits are ignored). */
static int
fraction(const char **p, int64_t *us)
{
	int64_t scale = 100000;

	*us = 0;
	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		*us += (**p - '0') * scale;
		scale /= 10;
		(*p)++;
	}
	return 0;
}

static int
parse_relative(const char *s, int64_t now_us, int64_t *us)
{
	char *end;
	long long n;
	int64_t unit;

	if (!isdigit((unsigned char)s[1]))	/* strtoll would take " +15" */
		return -1;
	n = strtoll(s + 1, &end, 10);
	if (end == s + 1 || n < 0 || n > 100LL * 366 * 86400)
		return -1;
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	if (end[1] != '\0' || n > INT64_MAX / US / unit)
		return -1;
	*us = now_us - (int64_t)n * unit * US;
	return 0;
}

static int
parse_epoch(const char *s, int64_t *us)
{
	const char *p = s;
	int64_t v = 0, frac = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		if (v > (INT64_MAX / US - 9) / 10)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (*p == '.') {
		p++;
		if (fraction(&p, &frac) < 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*us = v * US + frac;
	return 0;
}

/* 2009-1-16-00-03-00: IP-Link's dashed form, fields of 1 or 2 digits. */
static int
parse_dashed(const char *s, int64_t *us)
{
	const char *p = s;
	long f[6];
	int i;

	for (i = 0; i < 6; i++) {
		if (digits(&p, i == 0 ? 4 : 2, &f[i]) == 0)
			return -1;
		if (i < 5 && *p++ != '-')
			return -1;
	}
	if (*p != '\0' || !valid_date(f[0], f[1], f[2], f[3], f[4], f[5]))
		return -1;
	*us = (days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 +
	    f[4] * 60 + f[5]) * US;
	return 0;
}

static int
parse_iso(const char *s, int64_t *us)
{
	const char *p = s;
	long y, m, d, hh = 0, mm = 0, ss = 0, oh, om = 0;
	int64_t frac = 0, off = 0;

	if (digits(&p, 4, &y) != 4 || *p++ != '-' ||
	    digits(&p, 2, &m) != 2 || *p++ != '-' ||
	    digits(&p, 2, &d) != 2)
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &hh) != 2 || *p++ != ':' ||
		    digits(&p, 2, &mm) != 2)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &ss) != 2)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (fraction(&p, &frac) < 0)
					return -1;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;

			if (digits(&p, 2, &oh) != 2)
				return -1;
			if (*p == ':')
				p++;
			if (isdigit((unsigned char)*p) &&
			    digits(&p, 2, &om) != 2)
				return -1;
			if (oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p != '\0' || !valid_date(y, m, d, hh, mm, ss))
		return -1;
	*us = (days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss -
	    off) * US + frac;
	return 0;
}

int
timefmt_parse(const char *s, int64_t now_us, int64_t *us, char *err,
    size_t errlen)
{
	int rc = -1;
	size_t n = strlen(s), dashes = 0, i;

	for (i = 0; i < n; i++)
		dashes += s[i] == '-';
	if (strcmp(s, "now") == 0) {
		*us = now_us;
		rc = 0;
	} else if (s[0] == '-')
		rc = parse_relative(s, now_us, us);
	else if (dashes == 5 && strchr(s, ':') == NULL &&
	    strchr(s, 'T') == NULL)
		rc = parse_dashed(s, us);
	else if (dashes >= 2)
		rc = parse_iso(s, us);
	else
		rc = parse_epoch(s, us);
	if (rc < 0)
		snprintf(err, errlen, "bad time '%s': use ISO 8601 "
		    "(2009-01-16T00:03:00Z), epoch seconds, a relative time "
		    "(-15m, -2h, -7d) or 2009-1-16-00-03-00", s);
	return rc;
}

char *
timefmt_iso(int64_t us, char *out)
{
	int64_t secs = us / US, frac = us % US;
	struct tm tm;
	time_t t;

	if (frac < 0) {
		frac += US;
		secs--;
	}
	t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL) {
		strcpy(out, "?");
		return out;
	}
	snprintf(out, TIMEFMT_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)frac);
	return out;
}

int64_t
timefmt_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * US + tv.tv_usec;
}
