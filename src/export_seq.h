/* export_seq.h - a merged exchange as seqdiag, Mermaid, text, JSON, SVG or PNG. */
#ifndef IPGRAPH_EXPORT_SEQ_H
#define IPGRAPH_EXPORT_SEQ_H

#include <stddef.h>
#include <stdio.h>

#include "seq.h"

enum seq_format {
	SEQ_FMT_SEQDIAG,	/* packetseq's .diag, for seqdiag3 */
	SEQ_FMT_MERMAID,	/* sequenceDiagram, for GitHub/GitLab */
	SEQ_FMT_TEXT,		/* aligned columns for a terminal */
	SEQ_FMT_SVG,		/* drawn with cairo (seq_draw.c) */
	SEQ_FMT_PNG,
	SEQ_FMT_JSON		/* points, skew, messages, hops, notes */
};

struct export_seq_opts {
	enum seq_level	 level;
	size_t		 limit;		/* rows to draw (SVG, PNG); 0: default */
	const char	*title;		/* SVG, PNG: what the picture shows;
					   NULL: "N packets at P points..." */
};

/* A format by name ("seqdiag", "diag", "mermaid", "mmd", ...), or -1. */
int	 export_seq_format(const char *name);

/*
 * Write the merged model s (after seq_merge) in format fmt to out.  Text
 * formats are complete documents: every name and label quoted and
 * escaped for the format.  Returns 0, or -1 with a message in err (a
 * write error, a drawing error).  The model is only read, so several
 * threads may export one model at once.
 */
int	 export_seq(const struct seq *s, enum seq_format fmt,
	    const struct export_seq_opts *o, FILE *out, char *err,
	    size_t errlen);

/*
 * The same into memory: a NUL-terminated buffer of *len bytes (PNG is
 * binary: use *len), which the caller frees with free(3); NULL with a
 * message in err on failure.
 */
char	*export_seq_buf(const struct seq *s, enum seq_format fmt,
	    const struct export_seq_opts *o, size_t *len, char *err,
	    size_t errlen);

#endif /* IPGRAPH_EXPORT_SEQ_H */
