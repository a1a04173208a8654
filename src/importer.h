/* importer.h - capture files into windows of edges in the store. */
#ifndef IPGRAPH_IMPORTER_H
#define IPGRAPH_IMPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct store;

/*
 * Told how an import goes: before the first packet, every
 * IMPORT_PROGRESS_EVERY packets, and once with final set when the file is
 * done (whole or not).  done and total are bytes of the file (compressed
 * ones for a compressed file); total is 0 when unknown (a pipe).
 */
typedef void	(*import_progress_fn)(void *arg, const char *name,
		    uint64_t done, uint64_t total, uint64_t packets,
		    int final);
#define IMPORT_PROGRESS_EVERY	1024

struct import_opts {
	const char	*sensor;
	unsigned	 window;	/* seconds */
	unsigned	 grace;		/* seconds a window stays open */
	int		 force;		/* import a known file again */
	import_progress_fn progress;	/* NULL: none */
	void		*progress_arg;
	int		 no_names;	/* no names from DNS, SNI, Host */
};

#define IMPORT_MAX_LINKTYPES	8

struct import_summary {
	uint64_t	frames;
	uint64_t	bytes;
	uint64_t	edges;		/* edge rows handed to the store */
	uint64_t	windows;	/* window writes */
	uint64_t	status[DECODE_NSTATUS];
	uint64_t	fragments;
	uint64_t	later_fragments;
	uint64_t	truncated_l4;
	uint64_t	bad_l4;
	uint64_t	tunnelled;	/* outer headers of tunnels */
	uint64_t	bad_times;	/* timestamps past year 9999 */
	int		linktypes[IMPORT_MAX_LINKTYPES];	/* undecoded */
	uint64_t	linktype_frames[IMPORT_MAX_LINKTYPES];
	size_t		peak_memory;	/* open windows' flow tables, bytes */
	size_t		peak_edges;	/* open windows' edges */
	size_t		peak_memory_writing;	/* and the table being written */
	int64_t		store_us;	/* spent writing windows */
};

enum import_result {
	IMPORT_COMPLETE = 0,	/* every packet read and stored */
	IMPORT_PARTIAL,		/* the file was damaged; what was read is stored */
	IMPORT_DUPLICATE,	/* already imported; nothing done */
	IMPORT_FAILED		/* could not open, or the store failed */
};

/*
 * Import one capture (path, or "-" for standard input) into st.  Fills
 * *sum and returns an import_result; on anything but IMPORT_COMPLETE a
 * message naming the file (and packet or database) is in err.
 */
int	import_file(struct store *st, const char *path,
	    const struct import_opts *opts, struct import_summary *sum,
	    char *err, size_t errlen);

/*
 * Print the figures benchmarks need, one "key value" per line: peak flow
 * table memory and edges of the open windows, bytes per edge, the peak
 * with the table being written, time spent in the store.
 */
void	import_print_stats(const struct import_summary *, void *fp);

/* Print a summary (frames, windows, edges, what was not decoded). */
void	import_print_summary(const char *name, const struct import_summary *,
	    void *fp);

#endif /* IPGRAPH_IMPORTER_H */
