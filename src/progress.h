/* progress.h - a progress line on a terminal while ipgraph imports. */
#ifndef IPGRAPH_PROGRESS_H
#define IPGRAPH_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct progress {
	FILE		*fp;
	int64_t		 start_us;	/* of the current file */
	int64_t		 last_us;	/* last drawn, 0: not yet */
	int64_t		 interval_us;
	size_t		 shown;		/* columns on the line now */
};

/*
 * Set p up to draw on fp.  Returns 0, or -1 (and p unused) when fp is not
 * a terminal: piped or logged output gets no progress line at all.
 */
int	progress_init(struct progress *p, FILE *fp);

/*
 * An import_progress_fn (importer.h), arg a struct progress: draws "NAME:
 * 45% of 1.2 GiB, 350000 packets/s, 0:42 left" (without a known size:
 * the packets and the rate) over the previous line, at most every 250 ms
 * (IPGRAPH_PROGRESS_MS milliseconds if set), and at the end of a file
 * draws 100% and wipes the line, so that what comes next starts clean.
 */
void	progress_import(void *arg, const char *name, uint64_t done,
	    uint64_t total, uint64_t packets, int final);

#endif /* IPGRAPH_PROGRESS_H */
