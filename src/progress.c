/* progress.c - a progress line on a terminal while ipgraph imports. */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include "progress.h"
#include "timefmt.h"

/*
 * The line is redrawn in place with a carriage return and padded with
 * spaces over what was there, with no terminal escapes, so that it works
 * on any terminal (TERM=dumb, a serial console) and a typescript shows
 * plain text.  It never goes anywhere but a terminal: progress_init
 * refuses anything else.
 */

#define PROGRESS_INTERVAL_US	250000

int
progress_init(struct progress *p, FILE *fp)
{
	const char *ms = getenv("IPGRAPH_PROGRESS_MS");

	if (!isatty(fileno(fp)))
		return -1;
	memset(p, 0, sizeof(*p));
	p->fp = fp;
	p->interval_us = PROGRESS_INTERVAL_US;
	if (ms != NULL && *ms >= '0' && *ms <= '9')
		p->interval_us = strtol(ms, NULL, 10) * 1000;
	return 0;
}

/* Columns of the terminal, 80 when it cannot be told. */
static size_t
progress_columns(FILE *fp)
{
	struct winsize ws;

	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* 1.2 GiB, 15.4 MiB, 812 KiB, 300 B. */
static void
progress_size(char *buf, size_t len, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int i = -1;

	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[i]);
}

/* Put line over what the terminal shows, padded to hide the rest. */
static void
progress_show(struct progress *p, const char *line)
{
	size_t n = strlen(line);

	fprintf(p->fp, "\r%s", line);
	if (p->shown > n)
		fprintf(p->fp, "%*s\r%s", (int)(p->shown - n), "", line);
	p->shown = n;
	fflush(p->fp);
}

void
progress_import(void *arg, const char *name, uint64_t done, uint64_t total,
    uint64_t packets, int final)
{
	struct progress *p = arg;
	int64_t now = timefmt_now(), us;
	char line[512], tail[160], size[32];
	size_t cols, room, nlen;
	double secs, left;

	if (p->last_us == 0)		/* a new file */
		p->start_us = now;
	if (!final && p->last_us != 0 && now - p->last_us < p->interval_us)
		return;
	us = now - p->start_us;
	secs = (double)us / 1e6;
	if (final && total > 0)
		done = total;
	/* a share of the size when it is known, else the packets so far */
	if (total > 0) {
		progress_size(size, sizeof(size), total);
		snprintf(tail, sizeof(tail), " %3u%% of %s",
		    (unsigned)(done >= total ? 100 : done * 100 / total), size);
	} else
		snprintf(tail, sizeof(tail), " %llu packets",
		    (unsigned long long)packets);
	if (us > 0)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
		    ", %.0f packets/s", (double)packets / secs);
	if (!final && total > 0 && done > 0 && done < total && us > 0) {
		left = secs * (double)(total - done) / (double)done;
		if (left >= 3600)
			snprintf(tail + strlen(tail), sizeof(tail) -
			    strlen(tail), ", %d:%02d:%02d left", (int)left /
			    3600, (int)left / 60 % 60, (int)left % 60);
		else
			snprintf(tail + strlen(tail), sizeof(tail) -
			    strlen(tail), ", %d:%02d left", (int)left / 60,
			    (int)left % 60);
	}
	/* a long name gives way, keeping its end: the file's own name */
	cols = progress_columns(p->fp) - 1;
	nlen = strlen(name);
	room = cols > strlen(tail) + 5 ? cols - strlen(tail) - 1 : 4;
	if (nlen > room)
		snprintf(line, sizeof(line), "...%s:%s", name + nlen -
		    (room - 3), tail);
	else
		snprintf(line, sizeof(line), "%s:%s", name, tail);
	progress_show(p, line);
	p->last_us = now;
	if (final) {
		/* wipe it: the summary or the next file takes the line */
		fprintf(p->fp, "\r%*s\r", (int)p->shown, "");
		fflush(p->fp);
		p->shown = 0;
		p->last_us = 0;
	}
}
