/* export.h - the export formats: a graph (or stored rows) in, bytes out. */
#ifndef IPGRAPH_EXPORT_H
#define IPGRAPH_EXPORT_H

#include <stddef.h>

struct buf;
struct graph;
struct filter;
struct store;

/* Options that shape one format's output, not what the query selects. */
struct export_opts {
	const char	*layout;	/* png/svg: dot, neato, sfdp, circo;
					   NULL picks by size */
	int		 keep_senders;	/* circos: hosts that only send */
	int		 keep_receivers; /* circos: hosts that only receive */
	int		 diagonal;	/* circos: self traffic, not "-" */
	unsigned	 peers;		/* histogram: bars (default 10) */
	const char	*note;		/* json: why the result is empty
					   (info_why_empty); NULL: none */
};

/*
 * Writers append to out and return 0, or -1 with a message in err.  An
 * empty graph gives an empty but valid document, never an error.  They
 * only read the graph, so one graph may feed several writers.
 */
typedef int	(*export_write_fn)(const struct graph *,
		    const struct export_opts *, struct buf *out, char *err,
		    size_t errlen);

/* Formats made of several files: put(arg, name, contents) for each. */
typedef int	(*export_put_fn)(void *arg, const char *name,
		    const struct buf *contents);
typedef int	(*export_files_fn)(const struct graph *,
		    const struct export_opts *, export_put_fn put, void *arg,
		    char *err, size_t errlen);

struct export_format {
	const char	*name;
	const char	*mime;		/* for an HTTP response */
	int		 detail;	/* QUERY_DETAIL_* the graph needs */
	int		 rows;		/* streams stored rows (csv) */
	export_write_fn	 write;
	export_files_fn	 files;		/* a folder: needs -o DIR */
	const char	*about;
	unsigned	 max_nodes;	/* hosts drawn unless asked: pictures
					   stay readable; 0: no cap */
};

/* The cap of a picture of hosts unless --max-nodes says otherwise. */
#define EXPORT_PICTURE_NODES	100

/* The graph's caption (graph_caption) as a JSON string, or XML text. */
void	export_json_caption(const struct graph *, struct buf *out);
void	export_xml_caption(const struct graph *, struct buf *out);

/*
 * Shape a filter for a format: the finer lists its writer reads, and the
 * format's cap of hosts unless the filter names one (max_nodes).
 */
void	export_shape(const struct export_format *, struct filter *);

/* The format called name, or NULL. */
const struct export_format *export_find(const char *name);

/* Every format, in the order of the table, NULL-terminated by name. */
const struct export_format *export_formats(void);

/* The format names separated by ", " (for messages). */
void	export_names(struct buf *);

/*
 * Escaping, one function per syntax; each appends s quoted or escaped.
 *   json:  a JSON string with its quotes (RFC 8259; control characters as
 *          \u00XX; bytes >= 0x80 passed through, so UTF-8 stays UTF-8)
 *   xml:   text or attribute content (&amp; &lt; &gt; &quot; &apos;;
 *          control characters XML 1.0 forbids become U+FFFD)
 *   dot:   a DOT quoted string with its quotes
 */
void	export_json_string(struct buf *, const char *s);
void	export_xml_text(struct buf *, const char *s);
void	export_dot_string(struct buf *, const char *s);

/* s with every byte that is not [A-Za-z0-9._:/-] made '_' (tool ids). */
void	export_token(struct buf *, const char *s);

/* The graph formats, one writer each (export_*.c). */
int	export_dot(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_png(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_svg(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_circos(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_circos_bundle(const struct graph *, const struct export_opts *,
	    export_put_fn, void *, char *, size_t);
int	export_moowheel(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_moowheel_html(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_csv_pairs(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_json(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_gexf(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_picviz(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_ploticus(const struct graph *, const struct export_opts *,
	    export_put_fn, void *, char *, size_t);
int	export_rtgraph(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_histogram_png(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_histogram_svg(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_histogram_csv(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_ports_png(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);
int	export_ports_svg(const struct graph *, const struct export_opts *,
	    struct buf *, char *, size_t);

/*
 * csv: every stored row the query's filters pass, one line each (see
 * export_csv.h for the columns).  Streams: out may have a sink.
 */
int	export_csv_rows(struct filter *, struct store *, struct buf *out,
	    char *err, size_t errlen);

#endif /* IPGRAPH_EXPORT_H */
